// One instruction: opcode byte plus immediates. Shared by `CodeReader` (function bodies)
// and constant expressions (globals, element and data segments). Structure (matching
// `end`s, what may appear where) is not checked here beyond what the byte grammar needs:
// that is validation, done by the translator in its single pass.

extension ByteCursor {
    /// `hasDataCount`: whether the module has a data count section. Without one,
    /// `memory.init` and `data.drop` are malformed ("data count section required"): the
    /// section exists so that single-pass validators know the number of data segments.
    /// Which opcode carries which immediate is generated from the instruction tables
    /// (`readInstruction(opcode:start:hasDataCount:)`, Generated/Decoding.generated.swift).
    mutating func readInstruction(hasDataCount: Bool) throws(DecodingError) -> Instruction {
        let start = position
        return try readInstruction(opcode: try readByte(), start: start, hasDataCount: hasDataCount)
    }

    /// br_table: a vector of label indices, then the default label.
    /// `try_table`: a block type, then its catch clauses.
    mutating func readTryTable() throws(DecodingError) -> Instruction {
        let type = try readBlockType()
        let count = try readLength()
        var catches: [Catch] = []
        for _ in 0..<count {
            let start = position
            guard let kind = Catch.Kind(rawValue: try readByte()) else { throw error("malformed catch clause", at: start) }
            let tag = kind == .catch || kind == .catchRef ? try readU32() : 0
            catches.append(Catch(kind: kind, tag: tag, label: try readU32()))
        }
        return .tryTable(type, catches)
    }

    mutating func readBrTable() throws(DecodingError) -> Instruction {
        let count = try readLength()
        var targets: [UInt32] = []
        targets.reserveCapacity(Swift.min(count, remaining))
        for _ in 0..<count { targets.append(try readU32()) }
        return .brTable(targets: targets, default: try readU32())
    }

    mutating func readMemoryInit(start: Int, hasDataCount: Bool) throws(DecodingError) -> Instruction {
        let data = try readU32()
        let memory = try readU32()
        guard hasDataCount else { throw error("data count section required", at: start) }
        return .memoryInit(data: data, memory: memory)
    }

    /// A data segment index, which only a module with a data count section may use in code.
    mutating func readDataIndex(start: Int, hasDataCount: Bool) throws(DecodingError) -> UInt32 {
        let data = try readU32()
        guard hasDataCount else { throw error("data count section required", at: start) }
        return data
    }

    /// `br_on_cast` flags (bit 0: the source is nullable, bit 1: the target), label, heap types.
    mutating func readCastBranch() throws(DecodingError) -> CastBranch {
        let start = position
        let flags = try readByte()
        guard flags & ~3 == 0 else { throw error("malformed cast flags", at: start) }
        let label = try readU32()
        let from = RefType(nullable: flags & 1 != 0, heap: try readHeapType())
        let to = RefType(nullable: flags & 2 != 0, heap: try readHeapType())
        return CastBranch(label: label, from: from, to: to)
    }

    mutating func readDataDrop(start: Int, hasDataCount: Bool) throws(DecodingError) -> Instruction {
        let data = try readU32()
        guard hasDataCount else { throw error("data count section required", at: start) }
        return .dataDrop(data)
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
            case .block, .loop, .if, .tryTable, .legacyTry:
                depth += 1
            case .delegate where depth > 0:
                depth -= 1
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
