// Well-formed modules: every section decodes into the data model.
import Testing
@testable import KiteBinary

@Test func emptyModule() throws {
    let module = try decodeModule(header)
    #expect(module.types.isEmpty && module.codes.isEmpty && module.start == nil && module.dataCount == nil)
    #expect(module.bytes == header)
}

@Test func everySection() throws {
    let bytes = module(
        section(0, name("first") + [1, 2, 3]),
        section(1, vec([
            [0x60, 0x02, 0x7F, 0x7E, 0x01, 0x7D],  // (i32, i64) -> f32
            [0x60, 0x00, 0x03, 0x7C, 0x7B, 0x70],  // () -> (f64, v128, funcref)
            [0x60, 0x01, 0x6F, 0x00],              // (externref) -> ()
        ])),
        section(2, vec([
            name("env") + name("f") + [0x00, 0x02],
            name("env") + name("t") + [0x01, 0x6F, 0x01, 0x01, 0x0A],
            name("env") + name("m") + [0x02, 0x03, 0x01, 0x02],        // shared 1..2
            name("env") + name("g") + [0x03, 0x7E, 0x01],
        ])),
        section(3, vec([[0x00], [0x02]])),
        section(4, vec([[0x70, 0x00, 0x05], [0x70, 0x05, 0x01, 0x02]])),  // second: table64 with max
        section(5, vec([[0x04, 0x80, 0x80, 0x80, 0x80, 0x10]])),      // memory64, min 2^32
        section(6, vec([
            [0x7F, 0x00, 0x41] + sleb(-5) + [0x0B],
            [0x7D, 0x01, 0x43, 0x00, 0x00, 0xC0, 0x7F, 0x0B],            // f32 NaN bits kept
            [0x70, 0x00, 0xD2, 0x01, 0x0B],                            // ref.func 1
            [0x7E, 0x00, 0x23, 0x00, 0x42, 0x01, 0x7C, 0x0B],          // extended-const shape
        ])),
        section(7, vec([name("run") + [0x00, 0x01], name("mem") + [0x02, 0x00], name("glob") + [0x03, 0x01], name("tab") + [0x01, 0x00]])),
        section(8, [0x01]),
        section(9, vec([
            [0x00, 0x41, 0x00, 0x0B] + vec([[0x01], [0x02]]),
            [0x01, 0x00] + vec([[0x01]]),
            [0x02, 0x01, 0x41, 0x01, 0x0B, 0x00] + vec([[0x02]]),
            [0x03, 0x00] + vec([[0x01]]),
            [0x04, 0x41, 0x02, 0x0B] + vec([[0xD2, 0x01, 0x0B], [0xD0, 0x70, 0x0B]]),
            [0x05, 0x6F] + vec([[0xD0, 0x6F, 0x0B]]),
            [0x06, 0x01, 0x41, 0x03, 0x0B, 0x70] + vec([[0xD2, 0x02, 0x0B]]),
            [0x07, 0x70] + vec([[0xD2, 0x01, 0x0B]]),
        ])),
        section(12, [0x03]),
        section(10, vec([
            function(locals: [[0x02, 0x7F], [0x00, 0x7E], [0x01, 0x7B]], [0x20, 0x00, 0x1A, 0x0B]),
            function([0x0B]),
        ])),
        section(0, name("middle")),
        section(11, vec([
            [0x00, 0x41, 0x08, 0x0B] + vec([[0x61], [0x62]]),
            [0x01] + vec([[0x63]]),
            [0x02, 0x01, 0x42, 0x00, 0x0B] + vec([]),
        ])),
        section(0, name("last") + [0xFF])
    )
    let m = try decodeModule(bytes)
    #expect(m.types == [
        FunctionType(parameters: [.i32, .i64], results: [.f32]),
        FunctionType(parameters: [], results: [.f64, .v128, .funcref]),
        FunctionType(parameters: [.externref], results: []),
    ])
    #expect(m.imports.count == 4)
    #expect(m.imports.map(\.module) == ["env", "env", "env", "env"])
    guard case .function(typeIndex: 2) = m.imports[0].descriptor else { Issue.record("import 0"); return }
    guard case .table(let table) = m.imports[1].descriptor else { Issue.record("import 1"); return }
    #expect(table == TableType(elementType: .externref, limits: Limits(min: 1, max: 10)))
    guard case .memory(let memory) = m.imports[2].descriptor else { Issue.record("import 2"); return }
    #expect(memory.limits == Limits(min: 1, max: 2, shared: true))
    guard case .global(let global) = m.imports[3].descriptor else { Issue.record("import 3"); return }
    #expect(global == GlobalType(valueType: .i64, mutable: true))
    #expect(m.importedFunctionCount == 1 && m.importedMemoryCount == 1)

    #expect(m.functions == [0, 2])
    #expect(m.tables == [TableType(elementType: .funcref, limits: Limits(min: 5, max: nil)),
                         TableType(elementType: .funcref, limits: Limits(min: 1, max: 2, is64: true))])
    #expect(m.memories == [MemoryType(limits: Limits(min: 1 << 32, max: nil, is64: true))])

    #expect(m.globals.count == 4)
    #expect(m.globals[0].type == GlobalType(valueType: .i32, mutable: false))
    #expect(m.globals[0].initializer.instructions == [.i32Const(-5)])
    #expect(m.globals[1].initializer.instructions == [.f32Const(0x7FC0_0000)])
    #expect(m.globals[2].initializer.instructions == [.refFunc(1)])
    #expect(m.globals[3].initializer.instructions == [.globalGet(0), .i64Const(1), .numeric(0x7C)])

    #expect(m.exports.map(\.name) == ["run", "mem", "glob", "tab"])
    #expect(m.exports.map(\.descriptor) == [.function(1), .memory(0), .global(1), .table(0)])
    #expect(m.start == 1)

    #expect(m.elements.count == 8)
    // Index-list forms (flags 0...3) hold function indices: `(ref func)`, never null (Wasm 3.0).
    let refFunc = RefType(nullable: false, heap: .func)
    #expect(m.elements.map(\.type) == [refFunc, refFunc, refFunc, refFunc, .funcref, .externref, .funcref, .funcref])
    guard case .active(table: 0, offset: let offset0) = m.elements[0].mode else { Issue.record("elem 0"); return }
    #expect(offset0.instructions == [.i32Const(0)])
    #expect(m.elements[0].initializers.map(\.instructions) == [[.refFunc(1)], [.refFunc(2)]])
    guard case .passive = m.elements[1].mode else { Issue.record("elem 1"); return }
    guard case .active(table: 1, offset: _) = m.elements[2].mode else { Issue.record("elem 2"); return }
    guard case .declarative = m.elements[3].mode else { Issue.record("elem 3"); return }
    #expect(m.elements[4].initializers.map(\.instructions) == [[.refFunc(1)], [.refNull(.funcref)]])
    guard case .passive = m.elements[5].mode else { Issue.record("elem 5"); return }
    guard case .active(table: 1, offset: _) = m.elements[6].mode else { Issue.record("elem 6"); return }
    guard case .declarative = m.elements[7].mode else { Issue.record("elem 7"); return }

    #expect(m.dataCount == 3)
    #expect(m.codes.count == 2)
    #expect(m.codes[0].locals == [.i32, .i32, .v128])
    #expect(Array(bytes[m.codes[0].body]) == [0x20, 0x00, 0x1A, 0x0B])
    #expect(Array(bytes[m.codes[1].body]) == [0x0B])

    #expect(m.data.map(\.bytes) == [[0x61, 0x62], [0x63], []])
    guard case .active(memory: 1, offset: let dataOffset) = m.data[2].mode else { Issue.record("data 2"); return }
    #expect(dataOffset.instructions == [.i64Const(0)])
    #expect(m.customSections.map(\.name) == ["first", "middle", "last"])
    #expect(m.customSections.map(\.bytes) == [[1, 2, 3], [], [0xFF]])
}

@Test func unicodeNamesAreKept() throws {
    let m = try decodeModule(module(section(7, vec([name("héllo ☃ 𝄞") + [0x00, 0x00]]))))
    #expect(m.exports.first?.name == "héllo ☃ 𝄞")
}

@Test func constExpressionOffsetsAreAbsolute() throws {
    let bytes = module(section(6, vec([[0x7F, 0x00, 0x41, 0x07, 0x0B]])))
    let m = try decodeModule(bytes)
    #expect(m.globals[0].initializer.offset == 8 + 2 + 1 + 2)
    let (expression, end) = try readConstExpression(bytes, at: 13)
    #expect(expression.instructions == [.i32Const(7)])
    #expect(end == bytes.count)
}

@Test func localsMayBeZeroCountGroups() throws {
    let bytes = moduleWithBody([0x0B], locals: [[0x00, 0x7F], [0x00, 0x7E], [0x02, 0x7D]])
    #expect(try decodeModule(bytes).codes[0].locals == [.f32, .f32])
}
