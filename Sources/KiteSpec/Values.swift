import Kite
import KiteText

/// A script argument as an engine value.
func toValue(_ value: WASTValue) throws -> Value {
    switch value {
    case .i32(let v): return .i32(v)
    case .i64(let v): return .i64(v)
    case .f32(let v): return .f32(v)
    case .f64(let v): return .f64(v)
    case .v128(let bytes): return .v128(V128(bytes: bytes))
    case .refNull(let heap):
        switch heap {
        case "extern", "noextern": return .ref(.extern(nil))
        case "exn", "noexn": return .ref(.exception(nil))
        case "any", "eq", "i31", "struct", "array", "none": return .ref(.any(nil))
        default: return .ref(.function(nil))
        }
    case .refExtern(let n): return .ref(.extern(Int(Int64(bitPattern: n))))
    // A host value inside the any hierarchy: what any.convert_extern makes of (ref.extern n).
    case .refHost(let n): return Reference.internalized(Int(Int64(bitPattern: n)))
    }
}


func isNaN32(_ bits: UInt32, canonical: Bool) -> Bool {
    canonical ? (bits & 0x7FFF_FFFF) == 0x7FC0_0000 : (bits & 0x7FC0_0000) == 0x7FC0_0000
}

func isNaN64(_ bits: UInt64, canonical: Bool) -> Bool {
    canonical
        ? (bits & 0x7FFF_FFFF_FFFF_FFFF) == 0x7FF8_0000_0000_0000
        : (bits & 0x7FF8_0000_0000_0000) == 0x7FF8_0000_0000_0000
}

/// Whether a result satisfies an `assert_return` expectation.
func matches(_ value: Value, _ expected: WASTExpected) -> Bool {
    switch expected {
    case .value(let v):
        switch (v, value) {
        case (.refNull, .ref(.function(let f))): return f == nil
        case (.refNull, .ref(.extern(let e))): return e == nil
        case (.refNull, .ref(.any(let a))): return a == nil
        case (.refNull, .ref(.exception(let e))): return e == nil
        case (.refExtern(let n), .ref(.extern(let e))): return e == Int(Int64(bitPattern: n))
        default: return (try? toValue(v)) == value
        }
    case .f32NaN(let canonical):
        if case .f32(let bits) = value { return isNaN32(bits, canonical: canonical) }
        return false
    case .f64NaN(let canonical):
        if case .f64(let bits) = value { return isNaN64(bits, canonical: canonical) }
        return false
    case .v128Lanes(let shape, let lanes):
        guard case .v128(let v) = value else { return false }
        let width = shape == "f64x2" ? 64 : 32
        for (i, lane) in lanes.enumerated() {
            let bitOffset = i * width
            let word = bitOffset < 64 ? v.lo : v.hi
            let shifted = word >> UInt64(bitOffset % 64)
            let bits = width == 64 ? shifted : shifted & 0xFFFF_FFFF
            switch lane {
            case .bits(let b): if bits != b { return false }
            case .nan(let canonical):
                let ok = width == 64 ? isNaN64(bits, canonical: canonical) : isNaN32(UInt32(bits), canonical: canonical)
                if !ok { return false }
            }
        }
        return true
    case .refNullAny:
        switch value {
        case .ref(.function(let f)): return f == nil
        case .ref(.extern(let e)): return e == nil
        case .ref(.any(let a)): return a == nil
        case .ref(.exception(let e)): return e == nil
        default: return false
        }
    case .refExternAny:
        if case .ref(.extern(let e)) = value { return e != nil }
        return false
    case .refFunc:
        if case .ref(.function(let f)) = value { return f != nil }
        return false
    case .refKind(let kind):
        guard case .ref(let reference) = value else { return false }
        return reference.belongs(to: kind)
    case .either(let alternatives):
        return alternatives.contains { matches(value, $0) }
    }
}
