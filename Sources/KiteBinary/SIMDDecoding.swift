// The 0xFD prefix: fixed-width SIMD. The subopcode is a u32 LEB; only the immediates
// differ between instructions, and which subopcode carries which comes from
// Tools/wasm-instructions.def (`simdImmediateKind`, generated). The operators themselves
// are the translator's concern.

extension ByteCursor {
    mutating func readSIMDInstruction(start: Int) throws(DecodingError) -> Instruction {
        let opcode = try readU32()
        switch simdImmediateKind(opcode) {
        case .memArg?:
            return .simd(opcode: opcode, .memArg(try readMemArg()))
        case .bytes16?:
            // v128.const: 16 raw bytes, little-endian
            return .simd(opcode: opcode, .bytes16(try readBytes(16)))
        case .shuffle?:
            // i8x16.shuffle: 16 lane indices, one byte each (range checked by validation)
            return .simd(opcode: opcode, .shuffle(try readBytes(16)))
        case .lane?:
            return .simd(opcode: opcode, .lane(try readByte()))
        case .memArgLane?:
            let memArg = try readMemArg()
            return .simd(opcode: opcode, .memArgLane(memArg, lane: try readByte()))
        case .plain?:
            return .simd(opcode: opcode, .none)
        case nil:
            throw error("illegal opcode fd \(hexByte(opcode))", at: start)
        }
    }
}
