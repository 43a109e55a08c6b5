// The one error type of the text format: malformed text, unknown names, out-of-range literals.

/// An error found while reading WebAssembly text (`.wat`) or a script (`.wast`).
///
/// `message` uses the specification's wording where the spec test suite has one
/// (`unknown operator`, `unexpected token`, `constant out of range`, `unknown label`, ...),
/// so a script runner can match it against an `assert_malformed` expectation by prefix.
public struct TextError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, starting with the spec's wording.
    public var message: String
    /// 1-based line of the offending token (0 when unknown).
    public var line: Int
    /// 1-based column (in bytes) of the offending token (0 when unknown).
    public var column: Int

    /// An error with `message` at `line` and `column` (0 when unknown).
    public init(_ message: String, line: Int = 0, column: Int = 0) {
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column): \(message)" }
}
