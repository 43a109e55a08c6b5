/// A malformed module: `message` uses the spec interpreter's wording (the strings that
/// `assert_malformed` expects, e.g. "unexpected end"), `offset` is the byte offset.
public struct DecodingError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var offset: Int
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "\(message) (at byte offset \(offset))" }
}
