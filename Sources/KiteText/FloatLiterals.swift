// Float literals -> IEEE bit patterns.
//
// Decimal literals are handed (after syntax checking and removing `_`) to the C library's
// correctly rounded conversion, directly at the target width (no double rounding for f32).
// Hex literals are converted here with exact round-to-nearest-even, because every bit of
// a long hex mantissa matters and the rounding must happen once, at the target width.
// A finite literal that rounds to infinity is `constant out of range`.

/// Describes an IEEE binary format: f32 or f64.
struct FloatFormat {
    let mantissaBits: Int      // explicit fraction bits (23 / 52)
    let exponentBits: Int      // 8 / 11
    static let f32 = FloatFormat(mantissaBits: 23, exponentBits: 8)
    static let f64 = FloatFormat(mantissaBits: 52, exponentBits: 11)

    var precision: Int { mantissaBits + 1 }
    var bias: Int { (1 << (exponentBits - 1)) - 1 }
    var emin: Int { 1 - bias }
    var emax: Int { bias }
    var signBit: UInt64 { 1 << UInt64(mantissaBits + exponentBits) }
    var infinityBits: UInt64 { UInt64((1 << exponentBits) - 1) << UInt64(mantissaBits) }
    var quietBit: UInt64 { 1 << UInt64(mantissaBits - 1) }
}

enum FloatLiteral {
    static func f32(_ text: String) throws(LiteralError) -> UInt32 {
        UInt32(truncatingIfNeeded: try parse(text, .f32))
    }

    static func f64(_ text: String) throws(LiteralError) -> UInt64 {
        try parse(text, .f64)
    }

    /// Returns the bit pattern of the literal in the given format.
    static func parse(_ text: String, _ fmt: FloatFormat) throws(LiteralError) -> UInt64 {
        var u = Array(text.utf8)[...]
        var sign: UInt64 = 0
        if let f = u.first, f == UInt8(ascii: "+") || f == UInt8(ascii: "-") {
            if f == UInt8(ascii: "-") { sign = fmt.signBit }
            u = u.dropFirst()
        }
        let body = String(decoding: u, as: UTF8.self)
        if body == "inf" { return sign | fmt.infinityBits }
        if body == "nan" { return sign | fmt.infinityBits | fmt.quietBit }
        if body.hasPrefix("nan:0x") {
            let payload = try IntLiteral.magnitude(u.dropFirst(4))
            guard payload >= 1, payload < (1 << UInt64(fmt.mantissaBits)) else { throw .outOfRange }
            return sign | fmt.infinityBits | payload
        }
        if u.count > 2, u[u.startIndex] == UInt8(ascii: "0"), u[u.startIndex + 1] == UInt8(ascii: "x") {
            return sign | (try hex(u.dropFirst(2), fmt))
        }
        return sign | (try decimal(u, fmt))
    }

    /// Scans `digit ('_'? digit)*` from `i`; returns the index after it, or nil if empty/bad.
    private static func digitRun(_ u: ArraySlice<UInt8>, _ i: Int, hex: Bool) -> Int? {
        var j = i
        var lastDigit = false
        while j < u.endIndex {
            let c = u[j]
            if c == UInt8(ascii: "_") {
                guard lastDigit else { return nil }
                lastDigit = false
            } else if hex ? hexValue(c) != nil : (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) {
                lastDigit = true
            } else {
                break
            }
            j += 1
        }
        return j > i && lastDigit ? j : nil
    }

    /// Validates `num ('.' frac?)? ([eEpP] sign? num)?`; returns the index of the
    /// fraction's end (or nil) and of the exponent's digits (or nil).
    private static func shape(_ u: ArraySlice<UInt8>, hex: Bool)
        throws(LiteralError) -> (intEnd: Int, fracStart: Int?, fracEnd: Int, expStart: Int?)
    {
        guard let intEnd = digitRun(u, u.startIndex, hex: hex) else { throw .syntax }
        var i = intEnd
        var fracStart: Int? = nil
        var fracEnd = intEnd
        if i < u.endIndex, u[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            fracEnd = i
            if let e = digitRun(u, i, hex: hex) { i = e; fracEnd = e }
        }
        var expStart: Int? = nil
        if i < u.endIndex {
            let c = u[i] | 0x20
            guard c == (hex ? UInt8(ascii: "p") : UInt8(ascii: "e")) else { throw .syntax }
            i += 1
            if i < u.endIndex, u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") { i += 1 }
            guard let e = digitRun(u, i, hex: false), e == u.endIndex else { throw .syntax }
            expStart = i
            i = e
        }
        guard i == u.endIndex else { throw .syntax }
        return (intEnd, fracStart, fracEnd, expStart)
    }

    private static func decimal(_ u: ArraySlice<UInt8>, _ fmt: FloatFormat) throws(LiteralError) -> UInt64 {
        _ = try shape(u, hex: false)
        let cleaned = String(decoding: u.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        if fmt.mantissaBits == 23 {
            guard let v = Float(cleaned) else { throw .syntax }
            guard v.isFinite else { throw .outOfRange }
            return UInt64(v.bitPattern)
        }
        guard let v = Double(cleaned) else { throw .syntax }
        guard v.isFinite else { throw .outOfRange }
        return v.bitPattern
    }

    private static func hex(_ u: ArraySlice<UInt8>, _ fmt: FloatFormat) throws(LiteralError) -> UInt64 {
        let s = try shape(u, hex: true)
        // Accumulate up to 60 significant bits; later non-zero digits only set `sticky`.
        var mant: UInt64 = 0
        var exp = 0
        var sticky = false
        func add(_ c: UInt8, fraction: Bool) {
            guard let d = hexValue(c) else { return }  // skips '_'
            if mant >> 56 == 0 {
                mant = mant << 4 | UInt64(d)
                if fraction { exp -= 4 }
            } else {
                if d != 0 { sticky = true }
                if !fraction { exp += 4 }
            }
        }
        for k in u.startIndex..<s.intEnd { add(u[k], fraction: false) }
        if let f = s.fracStart { for k in f..<s.fracEnd { add(u[k], fraction: true) } }
        if let e = s.expStart {
            var k = e
            var negative = false
            if u[k - 1] == UInt8(ascii: "-") { negative = true }
            var value = 0
            while k < u.endIndex {
                if let d = hexValue(u[k]) { value = min(value * 10 + Int(d), 100_000_000) }
                k += 1
            }
            exp += negative ? -value : value
        }
        return try round(mant: mant, exp: exp, sticky: sticky, fmt)
    }

    /// Rounds `mant * 2^exp` (plus a sticky bit below `mant`) to nearest-even in `fmt`.
    static func round(mant: UInt64, exp: Int, sticky: Bool, _ fmt: FloatFormat) throws(LiteralError) -> UInt64 {
        if mant == 0 { return 0 }
        let p = fmt.precision
        let msb = 63 - mant.leadingZeroBitCount
        let top = msb + exp                      // value is in [2^top, 2^(top+1))
        var q = max(top - (p - 1), fmt.emin - (p - 1))   // exponent of the last kept bit
        let shift = q - exp
        var keep: UInt64
        if shift <= 0 {
            keep = mant << UInt64(-shift)        // exact: fits in p bits
        } else if shift > 64 {
            keep = 0                             // far below half of the smallest subnormal
        } else {
            keep = shift == 64 ? 0 : mant >> UInt64(shift)
            let rem = shift == 64 ? mant : mant & ((1 << UInt64(shift)) - 1)
            let half: UInt64 = 1 << UInt64(shift - 1)
            if rem > half || (rem == half && (sticky || keep & 1 == 1)) { keep += 1 }
        }
        if keep == 1 << UInt64(p) { keep >>= 1; q += 1 }
        if keep == 0 { return 0 }
        if keep >= 1 << UInt64(p - 1) {
            let e = q + p - 1
            guard e <= fmt.emax else { throw .outOfRange }
            return UInt64(e + fmt.bias) << UInt64(fmt.mantissaBits) | (keep - (1 << UInt64(p - 1)))
        }
        return keep  // subnormal
    }

    /// True when the text has the shape of any float literal (including integers).
    static func looksLikeFloat(_ text: String) -> Bool {
        do { _ = try parse(text, .f64); return true } catch { return error == .outOfRange }
    }
}
