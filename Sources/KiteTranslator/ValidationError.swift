/// An invalid module: `message` uses the spec interpreter's wording (the strings that
/// `assert_invalid` expects, e.g. "type mismatch"), `offset` is the byte offset.
public struct ValidationError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var offset: Int
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "\(message) (at byte offset \(offset))" }
}
