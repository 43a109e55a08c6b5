// CodeReader: one instruction at a time, every immediate form, and body-level errors.
import Testing
@testable import KiteBinary

/// Reads a whole body placed in a module (so offsets are absolute), returning the instructions.
private func readBody(_ body: [UInt8], dataCount: UInt8? = 0) throws(DecodingError) -> [Instruction] {
    let module = try decodeModule(moduleWithBody(body, dataCount: dataCount, extraDataSegments: dataCount))
    var reader = CodeReader(module: module, code: module.codes[0])
    var instructions: [Instruction] = []
    while !reader.isAtEnd { instructions.append(try reader.read()) }
    return instructions
}

private func bodyError(_ body: [UInt8], dataCount: UInt8? = 0) -> String? {
    do { _ = try readBody(body, dataCount: dataCount); return nil } catch { return error.message }
}

@Test func instructionStream() throws {
    let v128Bytes = [UInt8](0..<16)
    let lanes = [UInt8](repeating: 3, count: 16)
    let body: [UInt8] = [
        0x02, 0x40, 0x03, 0x7F, 0x04, 0x05, 0x05, 0x0B, 0x0B, 0x0B,
        0x02, 0x80, 0x01, 0x0B,                                     // block with type index 128
        0x0C, 0x01, 0x0D, 0x00, 0x0E, 0x02, 0x00, 0x01, 0x02,
        0x0F, 0x10, 0x03, 0x11, 0x01, 0x00,
        0x1A, 0x1B, 0x1C, 0x01, 0x7F,
        0x20, 0x00, 0x21, 0x01, 0x22, 0x02, 0x23, 0x03, 0x24, 0x04, 0x25, 0x00, 0x26, 0x01,
        0x28, 0x02, 0x10,
        0x36, 0x42, 0x01, 0x80, 0x01,                               // memory index 1 via flag bit 6
        0x3F, 0x00, 0x40, 0x01,
        0x41, 0x7F, 0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F,
        0x43, 0x00, 0x00, 0x80, 0x3F, 0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0x3F,
        0x45, 0x6A, 0xC0, 0xC4,
        0xD0, 0x6F, 0xD1, 0xD2, 0x00,
        0xFC, 0x00, 0xFC, 0x07, 0xFC, 0x08, 0x01, 0x00, 0xFC, 0x09, 0x01, 0xFC, 0x0A, 0x00, 0x01,
        0xFC, 0x0B, 0x00, 0xFC, 0x0C, 0x02, 0x00, 0xFC, 0x0D, 0x02, 0xFC, 0x0E, 0x00, 0x01,
        0xFC, 0x0F, 0x00, 0xFC, 0x10, 0x01, 0xFC, 0x11, 0x00,
        0xFD, 0x00, 0x04, 0x00,
        0xFD, 0x0B, 0x04, 0x10,
        0xFD, 0x0C] + v128Bytes + [
        0xFD, 0x0D] + lanes + [
        0xFD, 0x15, 0x03, 0xFD, 0x22, 0x01,
        0xFD, 0x54, 0x00, 0x00, 0x07,
        0xFD, 0x5B, 0x43, 0x02, 0x08, 0x01,
        0xFD, 0x5D, 0x03, 0x08,
        0xFD, 0x6E, 0xFD, 0xFF, 0x01, 0xFD, 0x80, 0x02,
        0x0B,
    ]
    let expected: [Instruction] = [
        .block(.empty), .loop(.value(.i32)), .if(.typeIndex(5)), .else, .end, .end, .end,
        .block(.typeIndex(128)), .end,
        .br(1), .brIf(0), .brTable(targets: [0, 1], default: 2),
        .return, .call(3), .callIndirect(typeIndex: 1, table: 0),
        .drop, .select(types: nil), .select(types: [.i32]),
        .localGet(0), .localSet(1), .localTee(2), .globalGet(3), .globalSet(4), .tableGet(0), .tableSet(1),
        .load(opcode: 0x28, MemArg(align: 2, offset: 16)),
        .store(opcode: 0x36, MemArg(align: 2, offset: 128, memory: 1)),
        .memorySize(memory: 0), .memoryGrow(memory: 1),
        .i32Const(-1), .i64Const(Int64.min),
        .f32Const(0x3F80_0000), .f64Const(0x3FF0_0000_0000_0000),
        .numeric(0x45), .numeric(0x6A), .numeric(0xC0), .numeric(0xC4),
        .refNull(.externref), .refIsNull, .refFunc(0),
        .numeric(0xFC00), .numeric(0xFC07), .memoryInit(data: 1, memory: 0), .dataDrop(1),
        .memoryCopy(destination: 0, source: 1), .memoryFill(memory: 0),
        .tableInit(element: 2, table: 0), .elemDrop(2), .tableCopy(destination: 0, source: 1),
        .tableGrow(0), .tableSize(1), .tableFill(0),
        .simd(opcode: 0x00, .memArg(MemArg(align: 4, offset: 0))),
        .simd(opcode: 0x0B, .memArg(MemArg(align: 4, offset: 16))),
        .simd(opcode: 0x0C, .bytes16(v128Bytes)),
        .simd(opcode: 0x0D, .shuffle(lanes)),
        .simd(opcode: 0x15, .lane(3)), .simd(opcode: 0x22, .lane(1)),
        .simd(opcode: 0x54, .memArgLane(MemArg(align: 0, offset: 0), lane: 7)),
        .simd(opcode: 0x5B, .memArgLane(MemArg(align: 3, offset: 8, memory: 2), lane: 1)),
        .simd(opcode: 0x5D, .memArg(MemArg(align: 3, offset: 8))),
        .simd(opcode: 0x6E, .none), .simd(opcode: 0xFF, .none), .simd(opcode: 0x100, .none),
        .end,
    ]
    #expect(try readBody(body, dataCount: 2) == expected)
}

@Test func offsetsAndEnd() throws {
    let bytes = moduleWithBody([0x41, 0x05, 0x1A, 0x0B])
    let module = try decodeModule(bytes)
    let body = module.codes[0].body
    var reader = CodeReader(bytes: module.bytes, range: body)
    #expect(reader.offset == body.lowerBound && !reader.isAtEnd)
    #expect(try reader.read() == .i32Const(5))
    #expect(reader.offset == body.lowerBound + 2)
    #expect(try reader.read() == .drop)
    #expect(reader.blockDepth == 0)
    #expect(try reader.read() == .end)
    #expect(reader.isAtEnd && reader.offset == body.upperBound)
    #expect(throws: DecodingError.self) { try reader.read() }
}

@Test func bodyErrors() {
    #expect(bodyError([0x00, 0xFF, 0x00, 0x0B]) == "illegal opcode ff")
    #expect(bodyError([0x17, 0x0B]) == "illegal opcode 17")
    #expect(bodyError([0xFC, 0x12, 0x0B])?.hasPrefix("illegal opcode") == true)
    #expect(bodyError([0xFD, 0x9A, 0x01, 0x0B])?.hasPrefix("illegal opcode") == true)
    #expect(bodyError([0xFD, 0x80, 0x04, 0x0B])?.hasPrefix("illegal opcode") == true)
    #expect(bodyError([0x41, 0x00, 0x28, 0x80, 0x01, 0x00, 0x1A, 0x0B]) == "malformed memop flags")
    #expect(bodyError([0x41, 0x00, 0x28, 0x82, 0x80, 0x80, 0x80, 0x10, 0x00, 0x1A, 0x0B]) == "integer too large")
    #expect(bodyError([0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B]) == "integer representation too long")
    #expect(bodyError([0xD0, 0x7F, 0x1A, 0x0B]) == "malformed reference type")
    // Blocks left open when the body runs out (the last byte is an `end`, but not the function's).
    #expect(bodyError([0x02, 0x40, 0x0B]) == "unexpected end of section or function")
    // The br_table case from binary.wast: a too-short target list turns the rest into a block.
    #expect(bodyError([0x02, 0x40, 0x41, 0x01, 0x04, 0x40, 0x41, 0x01, 0x0E, 0x01, 0x00, 0x01, 0x02, 0x0B, 0x0B, 0x0B])
            == "unexpected end of section or function")
    // Bytes after the function's final `end`.
    #expect(bodyError([0x0B, 0x01, 0x0B]) == "section size mismatch")
    // An immediate cut off by the end of the body.
    #expect(bodyError([0x41, 0x80, 0x0B]) == "unexpected end of section or function")
}

@Test func dataCountSectionRequired() {
    #expect(bodyError([0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B], dataCount: nil)
            == "data count section required")
    #expect(bodyError([0xFC, 0x09, 0x00, 0x0B], dataCount: nil) == "data count section required")
    #expect(bodyError([0xFC, 0x09, 0x00, 0x0B], dataCount: 1) == nil)
    // Other bulk operations do not need it.
    #expect(bodyError([0xFC, 0x0D, 0x00, 0x0B], dataCount: nil) == nil)
}
