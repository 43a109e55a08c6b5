// `v128.const shape lane*`: a shape keyword and one literal per lane, little-endian.

enum V128Literal {
    /// Lane count and lane width in bytes for each shape keyword.
    static let shapes: [String: (count: Int, bytes: Int)] = [
        "i8x16": (16, 1), "i16x8": (8, 2), "i32x4": (4, 4), "i64x2": (2, 8), "f32x4": (4, 4), "f64x2": (2, 8),
    ]

    /// Reads the shape and lanes at the cursor; returns the 16 bytes.
    static func read(_ r: inout Reader) throws -> [UInt8] {
        guard let t = r.peek(), t.kind == .atom, let shape = shapes[t.text] else { throw r.unexpected() }
        let name = t.text
        r.pos += 1
        // Count the literal-looking tokens first, so a wrong count gets the spec's message
        // rather than an error about whatever token follows.
        var n = 0
        while let l = r.peek(n), l.kind == .atom, InstructionTable.ops[l.text] == nil,
              !InstructionTable.otherKeywords.contains(l.text) || l.text == "inf" || l.text == "nan" {
            n += 1
        }
        guard n == shape.count else { throw r.error("wrong number of lane literals") }
        var out: [UInt8] = []
        for _ in 0..<shape.count {
            out += try lane(name, &r)
        }
        return out
    }

    /// One lane of the given shape, little-endian.
    static func lane(_ shape: String, _ r: inout Reader) throws -> [UInt8] {
        let value: UInt64
        let width: Int
        switch shape {
        case "i8x16": value = try r.int(bits: 8); width = 1
        case "i16x8": value = try r.int(bits: 16); width = 2
        case "i32x4": value = try r.int(bits: 32); width = 4
        case "i64x2": value = try r.int(bits: 64); width = 8
        case "f32x4": value = try r.float(.f32); width = 4
        default: value = try r.float(.f64); width = 8
        }
        return littleEndian(value, width)
    }

    static func littleEndian(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
    }
}
