// Lengths (vector counts, string and section sizes) and UTF-8 names.
//
// A length may not exceed the bytes left in the module, measured from where the length
// itself starts (the reference interpreter's `len32`), else "length out of bounds". That
// one check also makes every `reserveCapacity(count)` safe: a count can never ask for
// more elements than there are bytes left to describe them.

extension ByteCursor {
    mutating func readLength() throws(DecodingError) -> Int {
        let start = position
        let value = Int(try readU32())
        guard value <= buffer.count - start else { throw error("length out of bounds", at: start) }
        return value
    }

    /// A name: a length-prefixed byte string that must be well-formed UTF-8.
    mutating func readName() throws(DecodingError) -> String {
        let start = position
        let count = try readLength()
        guard count <= remaining else { throw error(Self.unexpectedEnd) }
        let bytes = UnsafeBufferPointer(rebasing: buffer[position..<position + count])
        guard isValidUTF8(bytes) else { throw error("malformed UTF-8 encoding", at: start) }
        position += count
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates (U+D800...U+DFFF), nothing
/// above U+10FFFF. The second byte's allowed range is what excludes those cases.
func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    var i = 0
    let n = bytes.count
    while i < n {
        let lead = bytes[i]
        if lead < 0x80 { i += 1; continue }
        let length: Int
        var secondLow: UInt8 = 0x80
        var secondHigh: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; secondLow = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; secondHigh = 0x9F
        case 0xF0: length = 4; secondLow = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; secondHigh = 0x8F
        default: return false
        }
        guard n - i >= length else { return false }
        let second = bytes[i + 1]
        guard second >= secondLow, second <= secondHigh else { return false }
        var k = 2
        while k < length {
            guard bytes[i + k] & 0xC0 == 0x80 else { return false }
            k += 1
        }
        i += length
    }
    return true
}
