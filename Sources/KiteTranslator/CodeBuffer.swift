/// A frame slot index: the operand of a register-bytecode instruction.
public typealias Reg = UInt16

/// The register-bytecode stream of one function while it is being written.
///
/// Word 0 of an instruction is its handler: the address from `handlers` (direct threading),
/// or the `Op` raw value when `handlers` is the identity table (golden tests, printing).
public struct CodeBuffer {
    /// The instruction words written so far: handlers and packed operand fields.
    public private(set) var words: [UInt64] = []
    /// Start word and op of every instruction, in order (for rewriting register fields).
    private(set) var instructions: [(at: Int, op: Op)] = []
    let handlers: [UInt64]
    private var truncatedOperandWord: UInt64 = 0
    /// Where in the module the wasm instruction being translated starts.
    var sourceOffset = 0
    /// Whether `sources` is kept (only when asked: most translations never print).
    let recordsSources: Bool
    /// Start word of every instruction and the wasm byte offset it was emitted for.
    private(set) var sources: [(at: Int, offset: Int)] = []

    init(handlers: [UInt64], recordsSources: Bool = false) {
        self.handlers = handlers
        self.recordsSources = recordsSources
    }

    var count: Int { words.count }

    /// Appends the handler word of `op`; returns its index (the instruction's start).
    mutating func appendHandler(_ op: Op) -> Int {
        instructions.append((words.count, op))
        if recordsSources { sources.append((words.count, sourceOffset)) }
        words.append(handlers[Int(op.rawValue)])
        return words.count - 1
    }

    mutating func appendWord(_ word: UInt64) {
        words.append(word)
    }

    /// Replaces the bits of one operand field (`width` bits at `shift` in word `index`).
    mutating func patch(word index: Int, shift: Int, width: Int, value: UInt64) {
        let mask: UInt64 = width == 64 ? ~0 : ((1 << UInt64(width)) - 1) << UInt64(shift)
        words[index] = (words[index] & ~mask) | ((value << UInt64(shift)) & mask)
    }

    func field(word index: Int, shift: Int, width: Int) -> UInt64 {
        let value = words[index] >> UInt64(shift)
        return width == 64 ? value : value & ((1 << UInt64(width)) - 1)
    }

    /// Emits `op` with its operand fields in table order, packed by the op's layout.
    @discardableResult
    mutating func emit(_ op: Op, _ values: [UInt64]) -> Int {
        let at = appendHandler(op)
        let fields = op.operands
        var operandWords = [UInt64](repeating: 0, count: op.wordCount - 1)
        for (field, value) in zip(fields, values) {
            let width: UInt64 = field.kind == .register ? 16 : field.kind == .u64 ? 64 : 32
            let masked = width == 64 ? value : value & ((1 << width) - 1)
            operandWords[field.word] |= masked << UInt64(field.shift)
        }
        words.append(contentsOf: operandWords)
        return at
    }

    /// The 16-bit field at `shift` of the first operand word of the instruction removed by
    /// the last `truncate` (a fused branch reads the compare's second operand from it).
    func fieldOfTruncated(shift: Int) -> UInt64 {
        (truncatedOperandWord >> UInt64(shift)) & 0xFFFF
    }

    /// Drops everything from `index` on (used to replace a compare by a fused branch).
    mutating func truncate(to index: Int) {
        truncatedOperandWord = index + 1 < words.count ? words[index + 1] : 0
        words.removeSubrange(index...)
        while let last = instructions.last, last.at >= index { instructions.removeLast() }
        while let last = sources.last, last.at >= index { sources.removeLast() }
    }
}
