/// A malformed module: `message` uses the spec interpreter's wording (the strings that
/// `assert_malformed` expects, e.g. "unexpected end"), `offset` is the byte offset.
public struct DecodingError: Error, CustomStringConvertible, Sendable {
    /// The spec interpreter's wording for the error, as `assert_malformed` expects it.
    public var message: String
    /// Byte offset in the module where decoding failed.
    public var offset: Int
    /// An error with the spec's `message` at byte offset `offset`.
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "\(message) (at byte offset \(offset))" }
}
