/// The last step of translation: instructions that read the value the accumulator holds get
/// their *accumulator form*, which takes it from a machine register.
///
/// Every handler passes `acc` on to the next; an instruction that writes one integer register
/// also leaves that value in `acc` (it still stores it to the frame), and a conditional branch
/// leaves there the register it tests. The form `NAME@OPERAND` reads OPERAND from `acc`
/// instead of the frame, so the value does not make a round trip through memory between two
/// dispatches. It is correct only where, on every path into the instruction, `acc` holds the
/// slot's current value, so this pass follows the accumulator through the code:
/// - an instruction that leaves a register's value in `acc` makes that slot known; one that
///   writes no register keeps what was known (a store, a branch); a call, a return or an
///   instruction that writes registers in other ways forgets it;
/// - where paths meet (a branch target: a loop head, the end of a block, a `br_table` entry),
///   the slot is known only if every way in (falling through, each branch to it, the entry
///   of the function, the return of a call) brings the same one. Branches are resolved in two
///   walks: the first assumes nothing at every target and records what each branch carries;
///   the second starts each target with what all its ways in agree on. (Anything the first
///   walk knows, the second knows too, so what it recorded is safe to rely on.)
/// Superinstructions run their parts' bodies in order, so the accumulator after one is the
/// accumulator after its last part, which is what this walk over the parts computes; and as
/// nothing moves, an instruction inside a joined sequence keeps its own reasoning for the
/// paths that jump to it.
func useAccumulator(_ words: inout [UInt64], _ instructions: [(at: Int, op: Op)], chosen: [Op], handlers: [UInt64]) {
    guard !instructions.isEmpty else { return }
    // The branches into each target, as (target, index of the branching instruction).
    var edges: [(target: Int, source: Int)] = []
    var isTarget = [Bool](repeating: false, count: words.count + 1)
    for (index, (at, op)) in instructions.enumerated() {
        func branch(_ delta: Int) {
            guard at + delta >= 0 && at + delta < isTarget.count else { return }
            isTarget[at + delta] = true
            edges.append((at + delta, index))
        }
        if let field = op.branchOffsetField {
            branch(Int(Int32(bitPattern: UInt32(truncatingIfNeeded: words[at + 1 + field.word] >> UInt64(field.shift)))))
        }
        if op == .brTable {
            let count = Int(UInt32(truncatingIfNeeded: words[at + op.wordCount - 1] >> 16)) + 1
            for entry in words[(at + op.wordCount)..<(at + op.wordCount + count)] {
                branch(Int(Int32(bitPattern: UInt32(truncatingIfNeeded: entry))))
            }
        }
    }
    func register(_ at: Int, _ field: OperandField) -> UInt64 {
        (words[at + 1 + field.word] >> UInt64(field.shift)) & 0xFFFF
    }
    /// Walks the code once: `atTarget` is what is known at each branch target; returns what
    /// is known after each instruction (and, when `choose`, gives instructions their forms).
    func walk(atTarget: [Int: UInt64], choose: Bool) -> [UInt64?] {
        var after = [UInt64?](repeating: nil, count: instructions.count)
        var known: UInt64? = nil  // the slot whose value `acc` holds
        for (index, (at, op)) in instructions.enumerated() {
            if index > 0 && !instructions[index - 1].op.continuesAfter { known = nil }
            if isTarget[at] || index == 0 { known = atTarget[at] }
            if choose, let slot = known {
                for form in chosen[index].accumulatorForms
                where register(at, form.operands[form.accumulatorOperand]) == slot {
                    words[at] = handlers[Int(form.rawValue)]
                    break
                }
            }
            switch op.accumulatorEffect {
            case .loses: known = nil
            case .keeps: break
            case .holds(let operand): known = register(at, op.operands[operand])
            }
            after[index] = known
        }
        return after
    }
    let first = walk(atTarget: [:], choose: false)
    var atTarget: [Int: UInt64] = [:]
    var agreed: [Int: UInt64?] = [:]
    func meet(_ target: Int, _ value: UInt64?) {
        if let previous = agreed[target] { agreed[target] = previous == value ? value : nil } else { agreed[target] = value }
    }
    for (index, (at, _)) in instructions.enumerated() where isTarget[at] {
        if index == 0 { meet(at, nil) }
        if index > 0 && instructions[index - 1].op.continuesAfter { meet(at, first[index - 1]) }
    }
    for edge in edges { meet(edge.target, first[edge.source]) }
    for (target, value) in agreed { if let value = value { atTarget[target] = value } }
    _ = walk(atTarget: atTarget, choose: true)
}

/// What running an op does to the accumulator.
enum AccumulatorEffect {
    /// It no longer holds a register's value.
    case loses
    /// It holds what it held: the op writes no register.
    case keeps
    /// It holds the value of the op's operand `operand` (written, or tested by a branch).
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

    /// Whether the next instruction can run right after this op (it falls through, or calls).
    var continuesAfter: Bool { Op.continuesAfter[Int(rawValue)] }

    /// For an accumulator form: the index of the operand it reads from the accumulator.
    var accumulatorOperand: Int { Int(Op.accumulatorOperands[Int(rawValue)]) }

    /// The `off` operand of a branching op (offset in words from the instruction's start).
    var branchOffsetField: OperandField? { Op.branchOffsetFields[Int(rawValue)] }

    private static let branchOffsetFields: [OperandField?] = Op.allCases.map { op in
        op.operands.first { $0.name == "off" && $0.kind == .i32 }
    }
}
