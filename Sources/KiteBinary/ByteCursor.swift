// The one primitive every decoding step is built on: a position in a byte buffer and a
// limit it may not read past. It works on an `UnsafeBufferPointer` obtained from the
// module's `[UInt8]` for the duration of one decoding call (never stored beyond it), so
// reading a byte is a compare and a load, with no per-byte allocation or retain.
//
// Two bounds, because the reference interpreter (whose error wording the spec tests
// check) uses two: bytes are read up to `limit`, while declared lengths ("length out of
// bounds") are checked against the end of the whole module, `buffer.count`.

struct ByteCursor {
    let buffer: UnsafeBufferPointer<UInt8>
    /// Absolute offset of the next byte to read.
    var position: Int
    /// Reading stops here (exclusive): the module end, a section end or a body end.
    var limit: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>, position: Int = 0, limit: Int? = nil) {
        self.buffer = buffer
        let end = Swift.min(Swift.max(limit ?? buffer.count, 0), buffer.count)
        self.limit = end
        self.position = Swift.min(Swift.max(position, 0), end)
    }

    var isAtEnd: Bool { position >= limit }
    var remaining: Int { limit - position }

    /// The reference interpreter's wording when input ends inside a construct.
    static let unexpectedEnd = "unexpected end of section or function"

    func error(_ message: String, at offset: Int? = nil) -> DecodingError {
        DecodingError(message, offset: offset ?? position)
    }

    @inline(__always)
    mutating func readByte() throws(DecodingError) -> UInt8 {
        guard position < limit else { throw error(Self.unexpectedEnd) }
        let byte = buffer[position]
        position += 1
        return byte
    }

    @inline(__always)
    func peekByte() -> UInt8? {
        position < limit ? buffer[position] : nil
    }

    /// Copies `count` bytes out (data segments, custom sections, v128 immediates).
    mutating func readBytes(_ count: Int) throws(DecodingError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw error(Self.unexpectedEnd) }
        let start = position
        position += count
        return Array(buffer[start..<start + count])
    }

    mutating func skip(_ count: Int) throws(DecodingError) {
        guard count >= 0, count <= remaining else { throw error(Self.unexpectedEnd) }
        position += count
    }

    /// Little-endian fixed-width words: the header fields and float constants.
    mutating func readUInt32LE() throws(DecodingError) -> UInt32 {
        guard remaining >= 4 else { throw error(Self.unexpectedEnd) }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(buffer[position + i]) << (8 * i) }
        position += 4
        return value
    }

    mutating func readUInt64LE() throws(DecodingError) -> UInt64 {
        guard remaining >= 8 else { throw error(Self.unexpectedEnd) }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(buffer[position + i]) << (8 * i) }
        position += 8
        return value
    }
}

/// "illegal opcode ff", as the reference interpreter prints it (lowercase hex, 2 digits).
func hexByte(_ value: some BinaryInteger) -> String {
    let text = String(value, radix: 16)
    return text.count < 2 ? "0" + text : text
}
