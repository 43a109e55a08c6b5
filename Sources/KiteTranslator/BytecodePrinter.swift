/// Renders register bytecode as text, one instruction per line:
///
///     0003  i32.add dst=r6 a=r0 b=r2
///
/// The code must have been translated with `identityHandlers` (word 0 is the op number).
/// Operand names and positions come from the instruction table, so the printer never
/// needs to know an instruction by hand.
public func printBytecode(_ function: CompiledFunction) -> String {
    printBytecode(function, op: { Op(rawValue: UInt16(truncatingIfNeeded: $0)) })
}

/// The listing of code translated with any handlers: `op` names the op of word 0 (for
/// identity handlers, the op number itself). `annotation` prefixes each instruction's line
/// (given its word offset), as the exact profiler's counts do.
public func printBytecode(_ function: CompiledFunction, op opOf: (UInt64) -> Op?,
                          annotation: ((Int) -> String)? = nil) -> String {
    var lines: [String] = []
    let zeroed = function.zeroedLocals.isEmpty ? "none"
        : "r\(function.zeroedLocals.lowerBound)-r\(function.zeroedLocals.upperBound - 1)"
    lines.append("; frame: locals from r\(function.localsStart), \(function.localSlots) local slots (zeroed: \(zeroed)), "
        + "\(function.constants.count) constants, \(function.frameSize) slots")
    for (i, value) in function.constants.enumerated() {
        lines.append("; r\(function.localsStart + function.localSlots + i) = const 0x\(String(value, radix: 16))")
    }
    let code = function.code
    for (at, op) in instructionStarts(code, op: opOf) {
        guard let op else {
            lines.append(pad(at) + "  <unknown op \(code[at])>")
            break
        }
        guard at + op.wordCount <= code.count else {
            lines.append(pad(at) + "  <\(op.name) cut short by the end of the code>")
            break
        }
        var text = (annotation?(at) ?? "") + pad(at) + "  " + op.name
        for field in op.operands {
            let word = field.value(in: code, at: at)
            switch field.kind {
            case .register: text += " \(field.name)=r\(word)"
            case .u32: text += " \(field.name)=\(word)"
            case .i32:
                let delta = Int(Int32(bitPattern: UInt32(truncatingIfNeeded: word)))
                text += " \(field.name)=@\(pad(at + delta))"
            case .u64: text += " \(field.name)=\(word)"
            }
        }
        if op.withoutAccumulator == .brTable {
            let end = at + op.wordCount
            let count = Int(UInt32(truncatingIfNeeded: code[end - 1] >> 16)) + 1
            let entries = code[end..<min(end + count, code.count)].map { word -> String in
                "@" + pad(at + Int(Int32(bitPattern: UInt32(truncatingIfNeeded: word))))
            }
            text += " [" + entries.joined(separator: " ") + "]"
        }
        lines.append(text)
    }
    return lines.joined(separator: "\n") + "\n"
}

/// Where each instruction of `code` starts and its op (nil: word 0 names no op, and the walk
/// stops there). A `br_table`'s targets follow it and are skipped.
public func instructionStarts(_ code: [UInt64], op opOf: (UInt64) -> Op?) -> [(at: Int, op: Op?)] {
    var starts: [(at: Int, op: Op?)] = []
    var at = 0
    while at < code.count {
        guard let op = opOf(code[at]) else {
            starts.append((at, nil))
            break
        }
        starts.append((at, op))
        guard at + op.wordCount <= code.count else { break }
        at += op.wordCount
        if op.withoutAccumulator == .brTable { at += Int(UInt32(truncatingIfNeeded: code[at - 1] >> 16)) + 1 }
    }
    return starts
}

private func pad(_ n: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, 4 - s.count)) + s
}

/// Kinds of operand fields in the instruction table.
public enum OperandKind: Sendable { case register, u32, i32, u64 }

/// One operand field of an instruction: where it sits in the operand words.
public struct OperandField: Sendable {
    /// The operand's name in the instruction table (e.g. `dst`, `a`, `off`).
    public let name: String
    /// How the field is read: a register, an immediate, or a branch offset.
    public let kind: OperandKind
    /// Which operand word holds the field (0 is the first word after the handler).
    public let word: Int
    /// Bit position of the field within that word.
    public let shift: Int
}

extension OperandField {
    /// The field's value in the instruction that starts at word `at` of `words`
    /// (a register: its slot; an `i32`: its bit pattern).
    func value(in words: [UInt64], at: Int) -> UInt64 {
        let bits = words[at + 1 + word] >> UInt64(shift)
        switch kind {
        case .register: return bits & 0xFFFF
        case .u32, .i32: return bits & 0xFFFF_FFFF
        case .u64: return bits
        }
    }
}
