// Binary-format primitives: LEB128 integers, names, vectors and sections.

enum LEB {
    static func unsigned(_ value: UInt64) -> [UInt8] {
        var out: [UInt8] = []
        appendUnsigned(value, to: &out)
        return out
    }

    static func appendUnsigned(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        repeat {
            var b = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { b |= 0x80 }
            out.append(b)
        } while v != 0
    }

    static func appendSigned(_ value: Int64, to out: inout [UInt8]) {
        var v = value
        while true {
            let b = UInt8(v & 0x7F)
            v >>= 7   // arithmetic shift keeps the sign
            if (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0) {
                out.append(b)
                return
            }
            out.append(b | 0x80)
        }
    }
}

extension Array where Element == UInt8 {
    mutating func u32(_ v: UInt32) { LEB.appendUnsigned(UInt64(v), to: &self) }
    mutating func u64(_ v: UInt64) { LEB.appendUnsigned(v, to: &self) }
    mutating func s32(_ v: Int32) { LEB.appendSigned(Int64(v), to: &self) }
    mutating func s64(_ v: Int64) { LEB.appendSigned(v, to: &self) }

    /// A length-prefixed byte string (a binary `name`).
    mutating func name(_ bytes: [UInt8]) {
        u32(UInt32(truncatingIfNeeded: bytes.count))
        append(contentsOf: bytes)
    }

    /// A vector of already encoded entries.
    mutating func vector(_ entries: [[UInt8]]) {
        u32(UInt32(truncatingIfNeeded: entries.count))
        for e in entries { append(contentsOf: e) }
    }

    /// A section with id and payload; callers skip empty optional sections themselves.
    mutating func section(_ id: UInt8, _ payload: [UInt8]) {
        append(id)
        u32(UInt32(truncatingIfNeeded: payload.count))
        append(contentsOf: payload)
    }
}
