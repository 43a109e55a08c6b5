// The 0xFD prefix: fixed-width SIMD. The subopcode is a u32 LEB; only the immediates
// differ between groups, so this file is a table of which subopcodes carry which
// immediate. The operators themselves are the translator's (instruction table) concern.

extension ByteCursor {
    mutating func readSIMDInstruction(start: Int) throws(DecodingError) -> Instruction {
        let opcode = try readU32()
        switch opcode {
        case 0...11, 92, 93:
            // v128.load*, v128.store, v128.load32_zero / load64_zero
            return .simd(opcode: opcode, .memArg(try readMemArg()))
        case 12:
            // v128.const: 16 raw bytes, little-endian
            return .simd(opcode: opcode, .bytes16(try readBytes(16)))
        case 13:
            // i8x16.shuffle: 16 lane indices, one byte each (range checked by validation)
            return .simd(opcode: opcode, .shuffle(try readBytes(16)))
        case 21...34:
            // extract_lane / replace_lane
            return .simd(opcode: opcode, .lane(try readByte()))
        case 84...91:
            // v128.load*_lane / v128.store*_lane
            let memArg = try readMemArg()
            return .simd(opcode: opcode, .memArgLane(memArg, lane: try readByte()))
        case 14...255 where !Self.isUnassignedSIMDOpcode(opcode),
             0x100...0x113:
            // Everything else has no immediate. 0x100...0x113 are relaxed SIMD (Wasm 3.0).
            return .simd(opcode: opcode, .none)
        default:
            throw error("illegal opcode fd \(hexByte(opcode))", at: start)
        }
    }

    /// Holes in the 0xFD 0x00...0xFF range (withdrawn or never-assigned operators).
    static func isUnassignedSIMDOpcode(_ opcode: UInt32) -> Bool {
        switch opcode {
        case 0x9A, 0xA2, 0xA5, 0xA6, 0xAF, 0xB0, 0xB2, 0xB3, 0xB4, 0xBB,
             0xC2, 0xC5, 0xC6, 0xCF, 0xD0, 0xD2, 0xD3, 0xD4, 0xE2, 0xEE:
            return true
        default:
            return false
        }
    }
}
