/// An invalid module: `message` uses the spec interpreter's wording (the strings that
/// `assert_invalid` expects, e.g. "type mismatch"), `offset` is the byte offset.
public struct ValidationError: Error, CustomStringConvertible, Sendable {
    /// The spec interpreter's wording for the error, as `assert_invalid` expects it.
    public var message: String
    /// Byte offset in the module of the invalid construct.
    public var offset: Int
    /// An error with the spec's `message` at byte offset `offset`.
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "\(message) (at byte offset \(offset))" }
}
