import KiteBinary

extension FunctionTranslator {
    /// A 0xFD instruction: every one lowers to its own register op, operands in the order
    /// destination, registers, lane or constant, then the memarg's offset (and memory index).
    mutating func translateSIMD(_ opcode: UInt32, _ immediate: SIMDImmediate, previous: Producer?) throws {
        guard let lowering = simdLowering[opcode] else { throw fail("illegal opcode") }
        guard immediate.lanesAreValid(below: lowering.laneCount) else { throw fail("invalid lane index") }
        var parameters = lowering.parameters
        let memarg = immediate.memArg
        if let memarg {
            try checkMemArg(memarg, size: lowering.size)
            parameters[0] = addressType(memarg.memory)
        }
        let operands = try pop(parameters)
        let dst = try lowering.result.map { try push($0).home }
        guard reachable else { return }
        var op = lowering.op
        var words = (dst.map { [UInt64($0)] } ?? []) + operands.map { UInt64($0.reg) } + immediate.operandWords
        if let memarg, let other = lowering.otherMemoryOp, let wide = lowering.memory64Op {
            if addressType(memarg.memory) == .i64 {
                op = wide
                words += [UInt64(memarg.memory), memarg.offset]
            } else if memarg.memory != 0 {
                op = other
                words += [memarg.offset, UInt64(memarg.memory)]
            } else {
                words.append(memarg.offset)
            }
        }
        if let immediateOp = lowering.immediate, let constant = constantJustEmitted(operands[1], previous: previous) {
            code.truncate(to: constant.at)
            op = immediateOp
            words = [words[0], words[1], constant.lo, constant.hi]
        }
        let at = code.emit(op, words)
        if dst != nil { producer = Producer(instruction: at, op: op, lowering: nil) }
    }

    /// When `entry` is the temporary that the `v128.const` emitted last wrote: where that
    /// instruction starts and its value (the translator then drops it and carries the value).
    func constantJustEmitted(_ entry: Entry, previous: Producer?) -> (at: Int, lo: UInt64, hi: UInt64)? {
        guard let p = previous, p.op == .v128Const, entry.source == .temp,
              p.instruction + p.op.wordCount == code.count,
              code.field(word: p.instruction + 1, shift: 0, width: 16) == UInt64(entry.home) else { return nil }
        return (p.instruction, code.field(word: p.instruction + 2, shift: 0, width: 64), code.field(word: p.instruction + 3, shift: 0, width: 64))
    }
}
