// Integer literals: `[+-]? (digits | 0x hexdigits)` with single `_` between digits.
//
// `iN` constants accept the union of the signed and unsigned ranges
// (-2^(N-1) ... 2^N-1) and wrap to N bits; indices, limits, offsets and lane indices are
// unsigned `uN` (no sign allowed). Anything that does not fit is `constant out of range`,
// never a trap or overflow crash.

enum LiteralError: Error {
    /// Not a number of the requested form at all (e.g. `1.5` where an integer is needed).
    case syntax
    /// Well-formed but too large for the requested width.
    case outOfRange
}

enum IntLiteral {
    /// Parses digits (decimal or hex) with `_` separators, returning the magnitude.
    /// Saturates to `nil` in `overflow` when the value exceeds 64 bits.
    static func magnitude(_ s: ArraySlice<UInt8>) throws(LiteralError) -> UInt64 {
        var digits = s
        var base: UInt64 = 10
        if digits.count > 2, digits[digits.startIndex] == UInt8(ascii: "0"),
           digits[digits.startIndex + 1] == UInt8(ascii: "x") {
            base = 16
            digits = digits.dropFirst(2)
        }
        guard !digits.isEmpty else { throw .syntax }
        var value: UInt64 = 0
        var overflow = false
        var previousWasDigit = false
        for c in digits {
            if c == UInt8(ascii: "_") {
                guard previousWasDigit else { throw .syntax }
                previousWasDigit = false
                continue
            }
            let d: UInt8
            if base == 16 {
                guard let h = hexValue(c) else { throw .syntax }
                d = h
            } else {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { throw .syntax }
                d = c - UInt8(ascii: "0")
            }
            let (m, o1) = value.multipliedReportingOverflow(by: base)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o1 || o2 { overflow = true }
            value = a
            previousWasDigit = true
        }
        guard previousWasDigit else { throw .syntax }
        if overflow { throw .outOfRange }
        return value
    }

    /// An unsigned literal of at most `bits` bits (no sign).
    static func unsigned(_ text: String, bits: Int) throws(LiteralError) -> UInt64 {
        let u = Array(text.utf8)
        guard let first = u.first, first != UInt8(ascii: "+"), first != UInt8(ascii: "-") else {
            throw .syntax
        }
        let v = try magnitude(u[...])
        if bits < 64 && v >> UInt64(bits) != 0 { throw .outOfRange }
        return v
    }

    /// A sign-agnostic `iN` literal wrapped to `bits` bits.
    static func integer(_ text: String, bits: Int) throws(LiteralError) -> UInt64 {
        let u = Array(text.utf8)
        guard let first = u.first else { throw .syntax }
        var negative = false
        var body = u[...]
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        let m = try magnitude(body)
        let mask: UInt64 = bits == 64 ? ~0 : (1 << UInt64(bits)) - 1
        if negative {
            guard m <= UInt64(1) << UInt64(bits - 1) else { throw .outOfRange }
            return (0 &- m) & mask
        }
        guard m <= mask else { throw .outOfRange }
        return m
    }

    /// True when the text has the shape of an integer literal (sign, digits, underscores).
    static func looksLikeInteger(_ text: String) -> Bool {
        var u = Array(text.utf8)[...]
        if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") { u = u.dropFirst() }
        do { _ = try magnitude(u); return true } catch { return error == .outOfRange }
    }
}
