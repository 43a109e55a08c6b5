/// The last step of translation: instructions that read the value the instruction before
/// them has just written get their *accumulator form*, which takes it from a machine register.
///
/// Every handler passes `acc` on to the next; an instruction that writes one integer register
/// also leaves that value in `acc` (it still stores it to the frame). The form `NAME@OPERAND`
/// reads OPERAND from `acc` instead of the frame, so the value does not make a round trip
/// through memory between two dispatches. It is correct only where, on every path into the
/// instruction, `acc` holds the slot's current value, so this pass follows the accumulator
/// through the code in order:
/// - a branch target (or the function's first instruction, or the instruction after one that
///   does not fall through, such as a call) starts with nothing known;
/// - an instruction that leaves a register's value in `acc` makes that slot known;
/// - one that writes no register keeps what was known (a store, a conditional branch that
///   falls through); one that writes registers in other ways forgets it.
/// Superinstructions run their parts' bodies in order, so the accumulator after one is the
/// accumulator after its last part, which is what this walk over the parts computes; and as
/// nothing moves, an instruction inside a joined sequence keeps its own reasoning for the
/// paths that jump to it.
func useAccumulator(_ words: inout [UInt64], _ instructions: [(at: Int, op: Op)], chosen: [Op], handlers: [UInt64]) {
    guard !instructions.isEmpty else { return }
    var isTarget = [Bool](repeating: false, count: words.count + 1)
    for (at, op) in instructions {
        if let field = op.branchOffsetField {
            let delta = Int(Int32(bitPattern: UInt32(truncatingIfNeeded: words[at + 1 + field.word] >> UInt64(field.shift))))
            if at + delta >= 0 && at + delta < isTarget.count { isTarget[at + delta] = true }
        }
        if op == .brTable {
            let count = Int(UInt32(truncatingIfNeeded: words[at + op.wordCount - 1] >> 16)) + 1
            for entry in words[(at + op.wordCount)..<(at + op.wordCount + count)] {
                let delta = Int(Int32(bitPattern: UInt32(truncatingIfNeeded: entry)))
                if at + delta >= 0 && at + delta < isTarget.count { isTarget[at + delta] = true }
            }
        }
    }
    var known: UInt64? = nil  // the slot whose value `acc` holds
    for (index, (at, op)) in instructions.enumerated() {
        if isTarget[at] { known = nil }
        if let slot = known {
            let current = chosen[index]
            for form in current.accumulatorForms {
                let field = form.operands[form.accumulatorOperand]
                if (words[at + 1 + field.word] >> UInt64(field.shift)) & 0xFFFF == slot {
                    words[at] = handlers[Int(form.rawValue)]
                    break
                }
            }
        }
        switch op.accumulatorEffect {
        case .loses: known = nil
        case .keeps: break
        case .holds(let operand):
            let field = op.operands[operand]
            known = (words[at + 1 + field.word] >> UInt64(field.shift)) & 0xFFFF
        }
    }
}

/// What running an op does to the accumulator.
enum AccumulatorEffect {
    /// It no longer holds a register's value (or the op does not fall through).
    case loses
    /// It holds what it held: the op writes no register.
    case keeps
    /// It holds the value the op wrote to operand `operand`.
    case holds(operand: Int)
}

extension Op {
    var accumulatorEffect: AccumulatorEffect {
        switch Op.accumulatorEffects[Int(rawValue)] {
        case 255: return .loses
        case 254: return .keeps
        case let operand: return .holds(operand: Int(operand))
        }
    }

    /// The accumulator forms of this op (for a superinstruction: those reading its first part's operands).
    var accumulatorForms: LazyMapSequence<ArraySlice<UInt16>, Op> {
        let i = Int(rawValue)
        return Op.accumulatorForms[Int(Op.accumulatorFormStarts[i])..<Int(Op.accumulatorFormStarts[i + 1])]
            .lazy.map { Op(rawValue: $0)! }
    }

    /// For an accumulator form: the index of the operand it reads from the accumulator.
    var accumulatorOperand: Int { Int(Op.accumulatorOperands[Int(rawValue)]) }

    /// The `off` operand of a branching op (offset in words from the instruction's start).
    var branchOffsetField: OperandField? { Op.branchOffsetFields[Int(rawValue)] }

    private static let branchOffsetFields: [OperandField?] = Op.allCases.map { op in
        op.operands.first { $0.name == "off" && $0.kind == .i32 }
    }
}
