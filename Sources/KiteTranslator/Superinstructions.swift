/// The last step of translation: an instruction that starts a sequence with a
/// superinstruction (a `fuse` line of Tools/instructions.def) gets that superinstruction's
/// handler word, so the whole sequence runs with one dispatch.
///
/// Nothing moves: every instruction keeps its operands and length, and only the first
/// instruction's handler word changes. The superinstruction reads each part's operands where
/// they are and steps over the parts' handler words, which stay as they were, so a branch
/// into the middle of a sequence still lands on an ordinary instruction. That is why no
/// label or branch needs to be looked at here, and why every position is considered on its
/// own: the instruction after a joined one may start a sequence of its own for the paths
/// that jump to it.
func joinSuperinstructions(_ words: inout [UInt64], _ instructions: [(at: Int, op: Op)], handlers: [UInt64]) {
    for (index, instruction) in instructions.enumerated() {
        guard let candidates = superinstructions[instruction.op] else { continue }
        for candidate in candidates where matches(candidate, words, instructions, from: index) {
            words[instruction.at] = handlers[Int(candidate.op.rawValue)]
            break
        }
    }
}

/// Whether the instructions from `index` on are the candidate's parts, each starting where the
/// one before ends, and each carried operand names the slot the part before it writes.
private func matches(_ candidate: Superinstruction, _ words: [UInt64], _ instructions: [(at: Int, op: Op)],
                     from index: Int) -> Bool {
    let parts = candidate.parts
    guard index + parts.count <= instructions.count else { return false }
    for (k, part) in parts.enumerated() {
        let instruction = instructions[index + k]
        guard instruction.op == part else { return false }
        if k > 0 {
            let previous = instructions[index + k - 1]
            guard previous.at + previous.op.wordCount == instruction.at else { return false }
        }
    }
    for (part, operand) in candidate.carried {
        let reader = instructions[index + part], writer = instructions[index + part - 1]
        guard register(reader.op.operands[operand], of: reader.at, words) == register(writer.op.operands[0], of: writer.at, words)
        else { return false }
    }
    return true
}

private func register(_ field: OperandField, of at: Int, _ words: [UInt64]) -> UInt64 {
    (words[at + 1 + field.word] >> UInt64(field.shift)) & 0xFFFF
}
