// decodeModule: header, then the sections in their required order, then the checks that
// relate sections to each other.
//
// Error wording and precedence follow the reference interpreter, because that is what
// the spec tests check. One consequence worth knowing: like the interpreter, a section's
// contents are read against the end of the *module*, not of the section, and only then
// is the declared size compared ("section size mismatch"). So a count that claims more
// items than the section holds reads on into the next section and fails there (e.g.
// "length out of bounds"), exactly as the tests expect. Constant expressions are the
// exception, bounded by their section (see `readSectionConstExpression`). Function
// bodies whose declared size cannot be right get the same treatment
// (`diagnoseMalformedBody` in CodeSection.swift).

/// Decodes a WebAssembly binary module (Wasm 2.0, plus the memory64 and multi-memory
/// encodings of 3.0). Throws `DecodingError` for malformed input; never traps. Function
/// bodies are only delimited here: decode them with `CodeReader`.
public func decodeModule(_ bytes: [UInt8]) throws(DecodingError) -> Module {
    var module = try bytes.withUnsafeBufferPointer { buffer throws(DecodingError) -> Module in
        var decoder = ModuleDecoder(cursor: ByteCursor(buffer))
        try decoder.decode()
        return decoder.module
    }
    module.bytes = bytes
    return module
}

struct ModuleDecoder {
    var cursor: ByteCursor
    var module = Module()
    /// End of the section being decoded (for constant expressions).
    var sectionEnd = 0

    /// Position of each non-custom section id in the required order: by id, except the
    /// tag section (13, Wasm 3.0) between memories and globals, and the data count
    /// section (12) between elements and code.
    static func order(ofSection id: UInt8) -> Int {
        switch id {
        case 13: return 11
        case 12: return 19
        default: return Int(id) * 2
        }
    }

    mutating func decode() throws(DecodingError) {
        try decodeHeader()
        var lastOrder = 0
        while !cursor.isAtEnd {
            let idOffset = cursor.position
            let id = try cursor.readByte()
            guard id <= 13 else { throw cursor.error("malformed section id", at: idOffset) }
            if id != 0 {
                // A repeated or out-of-order section: the interpreter stops reading
                // sections there and reports what is left over.
                let order = Self.order(ofSection: id)
                guard order > lastOrder else {
                    throw cursor.error("unexpected content after last section", at: idOffset)
                }
                lastOrder = order
            }
            let size = try cursor.readLength()
            let start = cursor.position
            if id != 0 { module.sectionOffsets[id] = start }
            sectionEnd = start + size
            try decodeSection(id: id, size: size)
            guard cursor.position == start + size else {
                throw cursor.error("section size mismatch", at: start)
            }
        }
        try checkSectionConsistency()
    }

    mutating func decodeHeader() throws(DecodingError) {
        guard cursor.remaining >= 4 else { throw cursor.error("unexpected end") }
        guard try cursor.readUInt32LE() == 0x6D73_6100 else {
            throw cursor.error("magic header not detected", at: 0)
        }
        guard cursor.remaining >= 4 else { throw cursor.error("unexpected end") }
        guard try cursor.readUInt32LE() == 1 else {
            throw cursor.error("unknown binary version", at: 4)
        }
    }

    mutating func decodeSection(id: UInt8, size: Int) throws(DecodingError) {
        switch id {
        case 0: try decodeCustomSection(size: size)
        case 1: try decodeTypeSection()
        case 2: try decodeImportSection()
        case 3: try decodeFunctionSection()
        case 4: try decodeTableSection()
        case 5: try decodeMemorySection()
        case 6: try decodeGlobalSection()
        case 7: try decodeExportSection()
        case 8: module.start = try cursor.readU32()
        case 9: try decodeElementSection()
        case 10: try decodeCodeSection()
        case 11: try decodeDataSection()
        case 12: module.dataCount = try cursor.readU32()
        case 13: try decodeTagSection()
        default: throw cursor.error("malformed section id")
        }
    }

    /// Checks that need more than one section, in the interpreter's order.
    func checkSectionConsistency() throws(DecodingError) {
        let end = cursor.buffer.count
        guard module.functions.count == module.codes.count else {
            throw cursor.error("function and code section have inconsistent lengths", at: end)
        }
        if let dataCount = module.dataCount, Int(dataCount) != module.data.count {
            throw cursor.error("data count and data section have inconsistent lengths", at: end)
        }
    }

    /// Constant expressions are read with the section end as their limit: a missing
    /// `end` is then "unexpected end of section or function" rather than whatever the
    /// next section's bytes happen to decode as.
    mutating func readSectionConstExpression() throws(DecodingError) -> ConstExpression {
        let savedLimit = cursor.limit
        cursor.limit = Swift.min(Swift.max(sectionEnd, cursor.position), savedLimit)
        defer { cursor.limit = savedLimit }
        return try cursor.readConstExpression()
    }
}
