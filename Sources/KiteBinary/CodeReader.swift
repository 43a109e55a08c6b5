// Decodes a function body one instruction at a time, so the translator can validate and
// translate in a single pass without an intermediate instruction array.
//
// Besides the byte grammar, the reader checks the one structural fact the binary format
// itself depends on: where the body ends. It counts block nesting, so
//   - running out of body bytes before the function's final `end` throws
//     "unexpected end of section or function" (as soon as the last byte is consumed), and
//   - bytes left after the final `end` throw "section size mismatch",
// which means that after `read()` has returned the final `end`, `isAtEnd` is true, and
// before that it is false. Whether `else`/`end` match their blocks is validation's job.
//
// "data count section required": `memory.init` and `data.drop` throw it when the module
// has no data count section. `init(module:code:)` sets that up; with
// `init(bytes:range:hasDataCountSection:)` the caller passes `module.dataCount != nil`.

/// Decodes one function body instruction by instruction and checks that it ends at its final `end`.
public struct CodeReader: Sendable {
    /// The whole module's bytes (`Module.bytes`); offsets are absolute within it.
    public let bytes: [UInt8]
    /// Absolute offset of the next instruction, for error messages.
    public private(set) var offset: Int
    /// Absolute offset just past the body.
    public let endOffset: Int
    /// Whether the module has a data count section, which `memory.init` and `data.drop` require.
    public let hasDataCountSection: Bool
    /// Open blocks (block/loop/if) not yet closed by an `end`.
    private var depth = 0
    private var finished = false

    /// Reader for the body at `range` (absolute byte offsets into `bytes`); a range that does not
    /// fit the bytes reads as truncated.
    public init(bytes: [UInt8], range: Range<Int>, hasDataCountSection: Bool = true) {
        self.bytes = bytes
        // Clamp, so that a range that does not fit the bytes reads as truncated
        // instead of trapping.
        let upper = Swift.min(Swift.max(range.upperBound, 0), bytes.count)
        self.offset = Swift.min(Swift.max(range.lowerBound, 0), upper)
        self.endOffset = upper
        self.hasDataCountSection = hasDataCountSection
    }

    /// Reader for one of `module.codes`.
    public init(module: Module, code: Code) {
        self.init(bytes: module.bytes, range: code.body, hasDataCountSection: module.dataCount != nil)
    }

    /// True once the function's final `end` has been read.
    public var isAtEnd: Bool { offset >= endOffset }

    /// Nesting depth of the next instruction: 0 at function level. Useful for asserting.
    public var blockDepth: Int { depth }

    /// Decodes the next instruction. Throws when the body ends before its final `end`, or when
    /// bytes follow that `end`.
    public mutating func read() throws(DecodingError) -> Instruction {
        let start = offset
        let end = endOffset
        let hasDataCount = hasDataCountSection
        guard start < end, !finished else {
            throw DecodingError(ByteCursor.unexpectedEnd, offset: start)
        }
        let (instruction, next) = try bytes.withUnsafeBufferPointer {
            buffer throws(DecodingError) -> (Instruction, Int) in
            var cursor = ByteCursor(buffer, position: start, limit: end)
            let instruction = try cursor.readInstruction(hasDataCount: hasDataCount)
            return (instruction, cursor.position)
        }
        offset = next
        switch instruction {
        case .block, .loop, .if, .tryTable, .legacyTry:
            depth += 1
        case .delegate where depth > 0:
            depth -= 1
        case .end:
            if depth == 0 {
                finished = true
                guard next == end else { throw DecodingError("section size mismatch", offset: next) }
                return instruction
            }
            depth -= 1
        default:
            break
        }
        if next >= end { throw DecodingError(ByteCursor.unexpectedEnd, offset: next) }
        return instruction
    }
}

/// Decodes a constant expression starting at `offset` in `bytes` (through its `end`).
/// Returns the expression and the offset just past its `end`. `decodeModule` already
/// does this for globals and segments; this is for tools that look at raw bytes.
public func readConstExpression(_ bytes: [UInt8], at offset: Int) throws(DecodingError) -> (expression: ConstExpression, end: Int) {
    try bytes.withUnsafeBufferPointer { buffer throws(DecodingError) in
        var cursor = ByteCursor(buffer, position: offset)
        let expression = try cursor.readConstExpression()
        return (expression, cursor.position)
    }
}
