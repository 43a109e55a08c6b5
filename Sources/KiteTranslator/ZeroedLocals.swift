/// Which declared locals a function must zero when it is entered.
///
/// Wasm locals start at zero, but zeroing each one on every call costs a store per local in
/// the call handler. A local needs it only if some execution can read it before writing it.
/// Every execution runs the function's first instructions in order up to the first one that
/// can go elsewhere (a branch, a `br_table`, a return); a call comes back, and a trap reads
/// nothing more. So a local written in that straight prefix before any read of it there is
/// written before every read anywhere, and a local never read needs nothing either.
///
/// The generated tables say which operands each op reads and writes as frame slots. If any
/// instruction touches slots other than its operands (a v128's second slot), every local is
/// zeroed, as before. Returns the smallest range of slots that covers the locals to zero.
func localsToZero(_ words: [UInt64], _ instructions: [(at: Int, op: Op)], locals: Range<Int>) -> Range<Int> {
    guard !locals.isEmpty else { return locals }
    var written = [Bool](repeating: false, count: locals.count)
    var needsZero = [Bool](repeating: false, count: locals.count)
    var inPrefix = true
    for (at, op) in instructions {
        guard op.operandsPrecise else { return locals }
        let raw = Int(op.rawValue)
        let reads = Op.readOperandMasks[raw], writes = Op.writtenOperandMasks[raw]
        for (i, field) in op.operands.enumerated() where reads & (1 << i) != 0 {
            let slot = Int(field.value(in: words, at: at))
            if locals.contains(slot) && !written[slot - locals.lowerBound] { needsZero[slot - locals.lowerBound] = true }
        }
        guard inPrefix else { continue }
        for (i, field) in op.operands.enumerated() where writes & (1 << i) != 0 {
            let slot = Int(field.value(in: words, at: at))
            if locals.contains(slot) { written[slot - locals.lowerBound] = true }
        }
        if op.branchOffsetField != nil || op == .brTable || !op.continuesAfter { inPrefix = false }
    }
    guard let first = needsZero.firstIndex(of: true), let last = needsZero.lastIndex(of: true) else {
        return locals.lowerBound..<locals.lowerBound
    }
    return (locals.lowerBound + first)..<(locals.lowerBound + last + 1)
}

extension Op {
    var operandsPrecise: Bool { Op.operandsPrecise[Int(rawValue)] }
}
