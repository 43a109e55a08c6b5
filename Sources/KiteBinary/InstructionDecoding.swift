// One instruction: opcode byte plus immediates. Shared by `CodeReader` (function bodies)
// and constant expressions (globals, element and data segments). Structure (matching
// `end`s, what may appear where) is not checked here beyond what the byte grammar needs:
// that is validation, done by the translator in its single pass.

extension ByteCursor {
    /// `hasDataCount`: whether the module has a data count section. Without one,
    /// `memory.init` and `data.drop` are malformed ("data count section required"): the
    /// section exists so that single-pass validators know the number of data segments.
    mutating func readInstruction(hasDataCount: Bool) throws(DecodingError) -> Instruction {
        let start = position
        let opcode = try readByte()
        switch opcode {
        case 0x00: return .unreachable
        case 0x01: return .nop
        case 0x02: return .block(try readBlockType())
        case 0x03: return .loop(try readBlockType())
        case 0x04: return .if(try readBlockType())
        case 0x05: return .else
        case 0x0B: return .end
        case 0x0C: return .br(try readU32())
        case 0x0D: return .brIf(try readU32())
        case 0x0E:
            let count = try readLength()
            var targets: [UInt32] = []
            targets.reserveCapacity(Swift.min(count, remaining))
            for _ in 0..<count { targets.append(try readU32()) }
            return .brTable(targets: targets, default: try readU32())
        case 0x0F: return .return
        case 0x10: return .call(try readU32())
        case 0x11:
            let typeIndex = try readU32()
            return .callIndirect(typeIndex: typeIndex, table: try readU32())
        case 0x12: return .returnCall(try readU32())
        case 0x13:
            let typeIndex = try readU32()
            return .returnCallIndirect(typeIndex: typeIndex, table: try readU32())
        case 0x14: return .callRef(try readU32())
        case 0x15: return .returnCallRef(try readU32())

        case 0x1A: return .drop
        case 0x1B: return .select(types: nil)
        case 0x1C: return .select(types: try readValueTypes())

        case 0x20: return .localGet(try readU32())
        case 0x21: return .localSet(try readU32())
        case 0x22: return .localTee(try readU32())
        case 0x23: return .globalGet(try readU32())
        case 0x24: return .globalSet(try readU32())
        case 0x25: return .tableGet(try readU32())
        case 0x26: return .tableSet(try readU32())

        case 0x28...0x35: return .load(opcode: opcode, try readMemArg())
        case 0x36...0x3E: return .store(opcode: opcode, try readMemArg())
        // Wasm 2.0 encodes a reserved zero byte here; with multiple memories (Wasm 3.0,
        // the test suite we run) it is a memory index, so read it as a u32 and let
        // validation reject a nonexistent memory.
        case 0x3F: return .memorySize(memory: try readU32())
        case 0x40: return .memoryGrow(memory: try readU32())

        case 0x41: return .i32Const(try readS32())
        case 0x42: return .i64Const(try readS64())
        case 0x43: return .f32Const(try readUInt32LE())
        case 0x44: return .f64Const(try readUInt64LE())

        case 0x45...0xC4: return .numeric(UInt16(opcode))

        case 0xD0:
            return .refNull(RefType(nullable: true, heap: try readHeapType()))
        case 0xD1: return .refIsNull
        case 0xD2: return .refFunc(try readU32())
        case 0xD4: return .refAsNonNull
        case 0xD5: return .brOnNull(try readU32())
        case 0xD6: return .brOnNonNull(try readU32())

        case 0xFC: return try readMiscInstruction(start: start, hasDataCount: hasDataCount)
        case 0xFD: return try readSIMDInstruction(start: start)

        default:
            throw error("illegal opcode \(hexByte(opcode))", at: start)
        }
    }

    /// The 0xFC prefix: saturating truncations and bulk memory/table operations.
    mutating func readMiscInstruction(start: Int, hasDataCount: Bool) throws(DecodingError) -> Instruction {
        let subopcode = try readU32()
        switch subopcode {
        case 0...7:
            return .numeric(0xFC00 | UInt16(subopcode))
        case 8:
            let data = try readU32()
            let memory = try readU32()
            guard hasDataCount else { throw error("data count section required", at: start) }
            return .memoryInit(data: data, memory: memory)
        case 9:
            let data = try readU32()
            guard hasDataCount else { throw error("data count section required", at: start) }
            return .dataDrop(data)
        case 10:
            let destination = try readU32()
            return .memoryCopy(destination: destination, source: try readU32())
        case 11: return .memoryFill(memory: try readU32())
        case 12:
            let element = try readU32()
            return .tableInit(element: element, table: try readU32())
        case 13: return .elemDrop(try readU32())
        case 14:
            let destination = try readU32()
            return .tableCopy(destination: destination, source: try readU32())
        case 15: return .tableGrow(try readU32())
        case 16: return .tableSize(try readU32())
        case 17: return .tableFill(try readU32())
        default:
            throw error("illegal opcode fc \(hexByte(subopcode))", at: start)
        }
    }

    /// memarg: a flags word (alignment exponent in bits 0...5; bit 6 = an explicit memory
    /// index follows, for multiple memories), then the offset (u64, for memory64;
    /// validation limits it to u32 for 32-bit memories).
    mutating func readMemArg() throws(DecodingError) -> MemArg {
        let start = position
        let flags = try readU32()
        guard flags < 0x80 else { throw error("malformed memop flags", at: start) }
        let memory: UInt32 = flags & 0x40 != 0 ? try readU32() : 0
        let offset = try readU64()
        return MemArg(align: flags & 0x3F, offset: offset, memory: memory)
    }

    /// A constant expression: instructions up to the `end` that closes it (nested blocks
    /// are followed so that their `end`s are kept). The caller bounds `limit` to the
    /// enclosing section, so a missing `end` is "unexpected end of section or function".
    /// Which instructions are constant is validation's business.
    mutating func readConstExpression() throws(DecodingError) -> ConstExpression {
        let start = position
        var instructions: [Instruction] = []
        var depth = 0
        while true {
            let offset = position
            let instruction = try readInstruction(hasDataCount: true)
            switch instruction {
            case .block, .loop, .if:
                depth += 1
            case .end:
                if depth == 0 { return ConstExpression(instructions: instructions, offset: start) }
                depth -= 1
            case .else where depth == 0:
                throw error("END opcode expected", at: offset)
            default:
                break
            }
            instructions.append(instruction)
        }
    }
}
