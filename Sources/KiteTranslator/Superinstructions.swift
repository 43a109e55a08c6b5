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
/// Returns the op whose handler each instruction now has (its own, or a superinstruction).
func joinSuperinstructions(_ words: inout [UInt64], _ instructions: [(at: Int, op: Op)], handlers: [UInt64]) -> [Op] {
    let table = matchTable
    var chosen = instructions.map(\.op)
    // Plain buffers of plain structs: this runs for every instruction of every function, and
    // walking arrays of arrays would retain and release them at each step.
    table.candidates.withUnsafeBufferPointer { candidates in
    table.parts.withUnsafeBufferPointer { parts in
    table.checks.withUnsafeBufferPointer { checks in
    instructions.withUnsafeBufferPointer { code in
        for index in code.indices {
            let range = table.byFirstOp[Int(code[index].op.rawValue)]
            for c in range {
                let candidate = candidates[c]
                guard index + candidate.parts.count <= code.count else { continue }
                var matched = true
                for k in 1..<candidate.parts.count {
                    let instruction = code[index + k], previous = code[index + k - 1]
                    if instruction.op != parts[candidate.parts.lowerBound + k]
                        || previous.at + previous.op.wordCount != instruction.at { matched = false; break }
                }
                if matched {
                    for check in checks[candidate.checks] {
                        let reader = code[index + check.part].at, writer = code[index + check.part - 1].at
                        if register(words, reader, check.readerWord, check.readerShift)
                            != register(words, writer, check.writerWord, check.writerShift) { matched = false; break }
                    }
                }
                if matched {
                    words[code[index].at] = handlers[Int(candidate.op.rawValue)]
                    chosen[index] = candidate.op
                    break
                }
            }
        }
    }
    }
    }
    }
    return chosen
}

@inline(__always)
private func register(_ words: [UInt64], _ at: Int, _ word: Int, _ shift: Int) -> UInt64 {
    (words[at + 1 + word] >> UInt64(shift)) & 0xFFFF
}

/// The generated `superinstructions`, flattened for matching: candidates grouped by first op
/// (longest first, as generated), their parts and carried-operand checks in shared arrays.
private struct MatchTable {
    struct Candidate {
        let parts: Range<Int>   // in `parts`
        let checks: Range<Int>  // in `checks`
        let op: Op
    }

    /// A register operand of part `part` that must equal operand 0 (`dst`) of the part before.
    struct Check {
        let part: Int
        let readerWord: Int, readerShift: Int
        let writerWord: Int, writerShift: Int
    }

    var byFirstOp: [Range<Int>]
    var candidates: [Candidate] = []
    var parts: [Op] = []
    var checks: [Check] = []

    init() {
        byFirstOp = [Range<Int>](repeating: 0..<0, count: Op.allCases.count)
        for first in Op.allCases {
            guard let list = superinstructions[first] else { continue }
            let start = candidates.count
            for superinstruction in list {
                let partStart = parts.count, checkStart = checks.count
                parts += superinstruction.parts
                for (part, operand) in superinstruction.carried {
                    let reader = superinstruction.parts[part].operands[operand]
                    let writer = superinstruction.parts[part - 1].operands[0]
                    checks.append(Check(part: part, readerWord: reader.word, readerShift: reader.shift,
                                        writerWord: writer.word, writerShift: writer.shift))
                }
                candidates.append(Candidate(parts: partStart..<parts.count, checks: checkStart..<checks.count,
                                            op: superinstruction.op))
            }
            byFirstOp[Int(first.rawValue)] = start..<candidates.count
        }
    }
}

private let matchTable = MatchTable()
