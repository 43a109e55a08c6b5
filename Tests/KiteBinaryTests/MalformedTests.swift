// One representative malformed input per error message, worded as the spec tests expect.
import Testing
@testable import KiteBinary

@Test func headerErrors() {
    expectMalformed([], "unexpected end")
    expectMalformed([0x00, 0x61, 0x73], "unexpected end")
    expectMalformed([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00], "unexpected end")
    expectMalformed([0x00, 0x41, 0x53, 0x4D, 0x01, 0x00, 0x00, 0x00], "magic header not detected")
    expectMalformed([0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x01, 0x00], "unknown binary version")
}

@Test func sectionFraming() {
    expectMalformed(header + [0x0E, 0x01, 0x00], "malformed section id")
    expectMalformed(header + [0x80, 0x01, 0x00], "malformed section id")
    expectMalformed(header + [0x01, 0x07, 0x01, 0x60, 0x00, 0x00], "length out of bounds")
    expectMalformed(module(section(1, vec([[0x60, 0x00, 0x00]]) + [0x60, 0x00, 0x00])), "section size mismatch")
    expectMalformed(header + [0x01], "unexpected end")
    expectMalformed(module(section(2, [0x00]), section(1, [0x00])), "unexpected content after last section")
    expectMalformed(module(section(6, [0x00]), section(6, [0x00])), "unexpected content after last section")
    expectMalformed(module(section(10, [0x00]), section(12, [0x00])), "unexpected content after last section")
    // Custom sections may appear anywhere, any number of times.
    #expect(decodingError(module(section(0, name("a")), section(1, [0x00]), section(0, name("a")), section(0, name("b")))) == nil)
}

@Test func countsThatOverrunTheirSection() {
    // Reading continues into what follows, like the reference interpreter.
    expectMalformed(module(section(5, [0x01])), "unexpected end of section or function")
    expectMalformed(module(section(7, [0x02] + name("f1") + [0x00, 0x00]), section(10, [0x00])), "length out of bounds")
}

@Test func customSectionErrors() {
    expectMalformed(header + [0x00], "unexpected end")
    expectMalformed(header + [0x00, 0x00], "unexpected end")
    expectMalformed(header + [0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x07, 0x00, 0x00], "unexpected end")
    expectMalformed(header + [0x00, 0x06, 0x03, 0x61, 0x62, 0x63], "length out of bounds")
}

@Test func nameErrors() {
    expectMalformed(module(section(0, [0x02, 0xC0, 0x80])), "malformed UTF-8 encoding")        // overlong
    expectMalformed(module(section(0, [0x03, 0xED, 0xA0, 0x80])), "malformed UTF-8 encoding")  // surrogate
    expectMalformed(module(section(0, [0x04, 0xF4, 0x90, 0x80, 0x80])), "malformed UTF-8 encoding")  // > U+10FFFF
    expectMalformed(module(section(0, [0x01, 0x80])), "malformed UTF-8 encoding")              // lone continuation
    expectMalformed(module(section(0, [0x02, 0xE2, 0x82])), "malformed UTF-8 encoding")        // truncated
    expectMalformed(module(section(2, vec([[0x01, 0xFF] + name("x") + [0x00, 0x00]]))), "malformed UTF-8 encoding")
}

@Test func typeErrors() {
    expectMalformed(module(section(1, vec([[0x61, 0x00, 0x00]]))), "malformed function type")
    expectMalformed(module(section(1, vec([[0x60, 0x01, 0x7A, 0x00]]))), "malformed reference type")
    expectMalformed(module(section(4, vec([[0x7F, 0x00, 0x00]]))), "malformed reference type")
    expectMalformed(module(section(4, vec([[0x70, 0x08]]))), "malformed limits flags")
    expectMalformed(module(section(4, vec([[0x70, 0x02, 0x00]]))), "malformed limits flags")  // no shared tables
    expectMalformed(module(section(5, vec([[0x10, 0x00]]))), "malformed limits flags")
    expectMalformed(module(section(5, vec([[0x81, 0x00]]))), "malformed limits flags")
    expectMalformed(module(section(6, vec([[0x7F, 0x02, 0x41, 0x00, 0x0B]]))), "malformed mutability")
    expectMalformed(module(section(5, vec([[0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]]))),
                    "integer representation too long")
    expectMalformed(module(section(5, vec([[0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x70]]))),
                    "integer too large")
}

@Test func importExportErrors() {
    expectMalformed(module(section(2, vec([name("") + name("") + [0x05]]))), "malformed import kind")
    expectMalformed(module(section(2, vec([name("") + name("") + [0x03, 0x7F, 0xFF]]))), "malformed mutability")
    // Kind 4 is an exception tag (Wasm 3.0); 5 is not a kind.
    expectMalformed(module(section(7, vec([name("e") + [0x05, 0x00]]))), "malformed export kind")
}

@Test func constantExpressionErrors() {
    // Missing `end`, then the section ends: bounded by the section, not the module.
    expectMalformed(module(section(6, vec([[0x7F, 0x00, 0x41, 0x00]])), section(10, vec([]))),
                    "unexpected end of section or function")
    expectMalformed(module(section(6, vec([[0x7F, 0x00, 0x41, 0x00, 0x05, 0x0B]]))), "END opcode expected")
    expectMalformed(module(section(6, vec([[0x7F, 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0B]]))),
                    "integer representation too long")
    expectMalformed(module(section(9, vec([[0x05, 0x70, 0x01, 0xF3, 0x00, 0x0B]]))), "illegal opcode")
}

@Test func segmentErrors() {
    expectMalformed(module(section(9, vec([[0x08]]))), "malformed elements segment kind")
    expectMalformed(module(section(9, vec([[0x01, 0x01, 0x00]]))), "malformed element kind")
    expectMalformed(module(section(9, vec([[0x05, 0x7F, 0x00]]))), "malformed reference type")
    expectMalformed(module(section(11, vec([[0x03]]))), "malformed data segment kind")
    expectMalformed(module(section(5, vec([[0x00, 0x01]])), section(11, vec([[0x00, 0x41, 0x03, 0x0B, 0x03, 0x61, 0x62]]))),
                    "unexpected end of section or function")
}

@Test func crossSectionCounts() {
    expectMalformed(module(section(1, vec([[0x60, 0x00, 0x00]])), section(3, vec([[0x00], [0x00]]))),
                    "function and code section have inconsistent lengths")
    expectMalformed(module(section(10, vec([function([0x0B])]))),
                    "function and code section have inconsistent lengths")
    expectMalformed(module(section(12, [0x01])), "data count and data section have inconsistent lengths")
    expectMalformed(module(section(12, [0x01]), section(11, vec([[0x01, 0x00], [0x01, 0x00]]))),
                    "data count and data section have inconsistent lengths")
    #expect(decodingError(module(section(12, [0x00]))) == nil)
}

@Test func localErrors() {
    expectMalformed(moduleWithBody([0x0B], locals: [[0x80, 0x80, 0x80, 0x80, 0x10, 0x7F]]), "integer too large")
    expectMalformed(moduleWithBody([0x0B], locals: [[0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F], [0x02, 0x7E]]), "too many locals")
    // Under 2^32 in total, but beyond what we are willing to expand.
    expectMalformed(moduleWithBody([0x0B], locals: [[0x80, 0x80, 0x80, 0x80, 0x04, 0x7F]]), "too many locals")
    expectMalformed(moduleWithBody([0x0B], locals: [[0x01, 0x40]]), "malformed reference type")
}

@Test func missingFinalEnd() {
    let types = section(1, vec([[0x60, 0x00, 0x00]]))
    // Followed by another function.
    expectMalformed(module(types, section(3, vec([[0x00], [0x00]])),
                           section(10, vec([function([0x41, 0x01, 0x1A]), function([0x41, 0x01, 0x1A, 0x0B])]))),
                    "END opcode expected")
    // At the end of the module.
    expectMalformed(module(types, section(3, vec([[0x00]])), section(10, vec([function([0x41, 0x01, 0x1A])]))),
                    "unexpected end of section or function")
    // Last function, another section follows.
    expectMalformed(module(types, section(3, vec([[0x00]])), section(10, vec([function([0x41, 0x01, 0x1A])])),
                           section(11, vec([]))),
                    "section size mismatch")
    // A declared size that ends inside an immediate: the LEB is read on past it.
    let entry: [UInt8] = [0x04, 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B]
    expectMalformed(module(types, section(3, vec([[0x00]])), section(10, [0x01] + entry)),
                    "integer representation too long")
}

@Test func errorOffsets() {
    let bytes = module(section(2, vec([name("") + name("") + [0x05]])))
    #expect(decodingError(bytes)?.offset == bytes.count - 1)
    #expect(decodingError(header + [0x0E, 0x01, 0x00])?.offset == 8)
    #expect(decodingError(header + [0x0E])?.description == "malformed section id (at byte offset 8)")
}

/// Truncating or corrupting a valid module anywhere must throw, never trap.
@Test func neverTrapsOnDamagedInput() {
    let valid = moduleWithBody([0x02, 0x40, 0x41, 0x01, 0x04, 0x7F, 0x41, 0x02, 0x05, 0x41, 0x03, 0x0B, 0x1A, 0x0B,
                                0xFD, 0x0C] + [UInt8](repeating: 7, count: 16) + [0x1A, 0xFC, 0x08, 0x00, 0x00, 0x0B],
                               locals: [[0x02, 0x7F]],
                               extraSections: section(11, vec([[0x01, 0x00]])), dataCount: 1)
    #expect(decodingError(valid) == nil)
    for length in 0..<valid.count {
        _ = try? decodeFully(Array(valid[0..<length]))
    }
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    for index in valid.indices {
        for _ in 0..<8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var damaged = valid
            damaged[index] = UInt8(truncatingIfNeeded: state >> 56)
            _ = try? decodeFully(damaged)
        }
    }
}
