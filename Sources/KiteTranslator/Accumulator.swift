/// The last step of translation: instructions that read the value the accumulator holds get
/// their *accumulator form*, which takes it from a machine register.
///
/// Every handler passes `acc` (integers) and `facc` (f64) on to the next; an instruction that
/// writes one integer or f64 register also leaves that value in the matching accumulator (it
/// still stores it to the frame), and a conditional branch leaves there the register it
/// tests. The form `NAME@OPERAND` reads OPERAND from the accumulator instead of the frame, so
/// the value does not make a round trip through memory between two dispatches. It is correct
/// only where, on every path into the instruction, the accumulator holds the slot's current
/// value, so this pass follows both accumulators through the code:
/// - an instruction that leaves a register's value in an accumulator makes that slot known
///   for it; an instruction that writes a slot an accumulator is known to hold forgets it
///   (the generated tables say which operands each op writes); a call, a return or an op
///   that touches slots other than its operands forgets both;
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
            branch(Int(Int32(bitPattern: UInt32(truncatingIfNeeded: field.value(in: words, at: at)))))
        }
        if op == .brTable {
            let count = Int(UInt32(truncatingIfNeeded: words[at + op.wordCount - 1] >> 16)) + 1
            for entry in words[(at + op.wordCount)..<(at + op.wordCount + count)] {
                branch(Int(Int32(bitPattern: UInt32(truncatingIfNeeded: entry))))
            }
        }
    }
    func register(_ at: Int, _ field: OperandField) -> UInt64 { field.value(in: words, at: at) }
    /// Walks the code once: `atTarget` is what is known at each branch target; returns what
    /// is known after each instruction (and, when `choose`, gives instructions their forms).
    func walk(atTarget: [Int: Known], choose: Bool) -> [Known] {
        var after = [Known](repeating: Known(), count: instructions.count)
        var known = Known()
        for (index, (at, op)) in instructions.enumerated() {
            if index > 0 && !instructions[index - 1].op.continuesAfter { known = Known() }
            if isTarget[at] || index == 0 { known = atTarget[at] ?? Known() }
            if choose && (known.integer != nil || known.float != nil) {
                for form in chosen[index].accumulatorForms {
                    let slot = form.readsFloatAccumulator ? known.float : known.integer
                    if let slot, register(at, form.operands[form.accumulatorOperand]) == slot {
                        words[at] = handlers[Int(form.rawValue)]
                        break
                    }
                }
            }
            if op.accumulatorsLost {
                known = Known()
            } else {
                // A slot the op writes no longer has the value an accumulator holds for it...
                let written = Op.writtenOperandMasks[Int(op.rawValue)]
                if written != 0 {
                    for (i, field) in op.operands.enumerated() where written & (1 << i) != 0 {
                        let slot = register(at, field)
                        if known.integer == slot { known.integer = nil }
                        if known.float == slot { known.float = nil }
                    }
                }
                // ...unless the op leaves the new value there.
                if let operand = op.integerAccumulatorOperand { known.integer = register(at, op.operands[operand]) }
                if let operand = op.floatAccumulatorOperand { known.float = register(at, op.operands[operand]) }
            }
            after[index] = known
        }
        return after
    }
    let first = walk(atTarget: [:], choose: false)
    var agreed: [Int: Known] = [:]
    func meet(_ target: Int, _ value: Known) {
        if let previous = agreed[target] {
            agreed[target] = Known(integer: previous.integer == value.integer ? value.integer : nil,
                                   float: previous.float == value.float ? value.float : nil)
        } else {
            agreed[target] = value
        }
    }
    for (index, (at, _)) in instructions.enumerated() where isTarget[at] {
        if index == 0 { meet(at, Known()) }
        if index > 0 && instructions[index - 1].op.continuesAfter { meet(at, first[index - 1]) }
    }
    for edge in edges { meet(edge.target, first[edge.source]) }
    _ = walk(atTarget: agreed, choose: true)
}

/// The slots whose values the accumulators hold, where known.
private struct Known {
    var integer: UInt64? = nil
    var float: UInt64? = nil
}

extension Op {
    /// The op itself, for an accumulator form the op it reads the accumulator for: the same
    /// instruction, laid out the same (a `br_table@index` is still followed by its entries).
    public var withoutAccumulator: Op { Op(rawValue: Op.accumulatorFormBases[Int(rawValue)]) ?? self }

    /// The operand whose value the op leaves in `acc` (written, or tested by a branch).
    var integerAccumulatorOperand: Int? {
        let n = Op.integerAccumulatorEffects[Int(rawValue)]
        return n == 254 ? nil : Int(n)
    }

    /// The operand whose f64 value the op leaves in `facc`.
    var floatAccumulatorOperand: Int? {
        let n = Op.floatAccumulatorEffects[Int(rawValue)]
        return n == 254 ? nil : Int(n)
    }

    /// After the op, neither accumulator holds a known slot (calls, returns, ops that touch
    /// slots other than their operands).
    var accumulatorsLost: Bool { Op.accumulatorsLost[Int(rawValue)] }

    /// Whether this accumulator form reads `facc` rather than `acc`.
    var readsFloatAccumulator: Bool { Op.accumulatorFormIsFloat[Int(rawValue)] }

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
