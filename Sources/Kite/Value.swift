import CKiteDispatch
import KiteBinary
import KiteTranslator

/// A 128-bit SIMD value, little-endian: `lo` holds bytes 0...7.
public struct V128: Hashable, Sendable {
    /// Bytes 0...7 (lane 0 in the low bits).
    public var lo: UInt64
    /// Bytes 8...15.
    public var hi: UInt64
    /// A vector from its two halves.
    public init(lo: UInt64, hi: UInt64) {
        self.lo = lo
        self.hi = hi
    }

    /// From up to 16 bytes in memory order (byte 0 is the lowest), as `v128.const` holds them.
    public init(bytes: [UInt8]) {
        var lo: UInt64 = 0, hi: UInt64 = 0
        for (i, b) in bytes.prefix(16).enumerated() {
            if i < 8 { lo |= UInt64(b) << UInt64(8 * i) } else { hi |= UInt64(b) << UInt64(8 * (i - 8)) }
        }
        self.init(lo: lo, hi: hi)
    }
}

/// Where a function lives in its store: `Store.function(at:)` gives the `Function` back,
/// `Function.address` is the other way.
public typealias FunctionAddress = Int
/// A host value the guest holds as an `externref`: any integer the host chooses.
public typealias ExternAddress = Int
/// An exception an `exnref` names (the store's own record of it).
public typealias ExceptionAddress = Int
/// A value of the GC `any` hierarchy (`anyref`, `eqref`, `structref`, ...), as the guest's
/// slot holds it: an object's address, an i31 as `(value << 1) | 1`, or a host value that
/// crossed from extern as `(value << 2) | 2`. `Store.isI31(_:)` and friends classify it.
public typealias AnyAddress = Int

/// A reference value (WasmKit's shape): nil is the null reference of that kind.
public enum Reference: Hashable, Sendable, CustomStringConvertible {
    case function(FunctionAddress?)
    case extern(ExternAddress?)
    /// An `exnref`: the host may hand back one it received, and null.
    case exception(ExceptionAddress?)
    /// A reference of the `any` hierarchy (GC).
    case any(AnyAddress?)

    public var description: String {
        switch self {
        case .function(let a): return "funcref(\(a.map { String($0) } ?? "null"))"
        case .extern(let a): return "externref(\(a.map { String($0) } ?? "null"))"
        case .exception(let a): return "exnref(\(a.map { String($0) } ?? "null"))"
        case .any(let a): return "anyref(\(a.map { String($0) } ?? "null"))"
        }
    }
}

/// A WebAssembly value as the embedder sees it (WasmKit's shape). Floats are carried as bit
/// patterns so NaN payloads survive the trip. Every case is plain data, so arrays of values
/// are created and destroyed without reference counting.
public enum Value: Hashable, Sendable, CustomStringConvertible {
    case i32(UInt32)
    case i64(UInt64)
    case f32(UInt32)
    case f64(UInt64)
    case v128(V128)
    case ref(Reference)

    /// As WasmKit prints values: `i32(42)`, `f64(0x4045000000000000)` (floats as their bits),
    /// `v128(0x...)` (bytes in memory order).
    public var description: String {
        switch self {
        case .i32(let v): return "i32(\(v))"
        case .i64(let v): return "i64(\(v))"
        case .f32(let v): return "f32(0x\(String(v, radix: 16)))"
        case .f64(let v): return "f64(0x\(String(v, radix: 16)))"
        case .v128(let v): return "v128(\(v))"
        case .ref(let r): return r.description
        }
    }

    /// The value's type (`funcref` / `externref` for references).
    public var type: ValueType {
        switch self {
        case .i32: return .i32
        case .i64: return .i64
        case .f32: return .f32
        case .f64: return .f64
        case .v128: return .v128
        case .ref(.function): return .funcref
        case .ref(.extern): return .externref
        case .ref(.exception): return .ref(.exnref)
        case .ref(.any): return .ref(RefType(nullable: true, heap: .any))
        }
    }

    /// Whether this value may stand where `type` is expected (references: the right kind and
    /// concrete type, and not null for a non-nullable type). A reference must be one the
    /// store admits (`Store.admits`) before it is tested: the test reads the object.
    public func fits(_ type: ValueType) -> Bool {
        switch (self, type) {
        case (.ref(.function(let f)), .ref(let r)):
            guard Value.hierarchy(of: r.heap) == .func else { return false }
            guard let f else { return r.nullable }
            switch r.heap {
            case .func: return true
            case .concrete:
                // The function's own type must be (a subtype of) the one expected: a typed
                // reference is called without a check.
                let target = Value.castTarget(r.heap)
                return kite_cast_test(UInt64(UInt(bitPattern: f)), target.kind, target.id) != 0
            default: return false
            }
        case (.ref(.extern(let e)), .ref(let r)):
            guard Value.hierarchy(of: r.heap) == .extern else { return false }
            return e == nil ? r.nullable : r.heap == .extern
        case (.ref(.exception(let e)), .ref(let r)): return (r.heap == .exn || (r.heap == .noexn && e == nil)) && (e != nil || r.nullable)
        case (.ref(.any(let a)), .ref(let r)):
            guard let a else { return r.nullable && Value.hierarchy(of: r.heap) == .any }
            return Value.anyFits(UInt64(UInt(bitPattern: a)), r.heap)
        default: return self.type == type
        }
    }

    /// The zero value of a type (what locals, tables and grown table slots start as).
    public static func zero(_ type: ValueType) -> Value {
        switch type {
        case .i32: return .i32(0)
        case .i64: return .i64(0)
        case .f32: return .f32(0)
        case .f64: return .f64(0)
        case .v128: return .v128(V128(lo: 0, hi: 0))
        case .ref(let r):
            switch hierarchy(of: r.heap) {
            case .extern: return .ref(.extern(nil))
            case .exn: return .ref(.exception(nil))
            case .any: return .ref(.any(nil))
            default: return .ref(.function(nil))
            }
        }
    }
}

extension Value {
    /// An i32 from a signed integer (stored as its bit pattern).
    public init(signed value: Int32) { self = .i32(UInt32(bitPattern: value)) }
    /// An i64 from a signed integer (stored as its bit pattern).
    public init(signed value: Int64) { self = .i64(UInt64(bitPattern: value)) }
    /// An f32 holding `value`'s bits.
    public static func fromFloat32(_ value: Float) -> Value { .f32(value.bitPattern) }
    /// An f64 holding `value`'s bits.
    public static func fromFloat64(_ value: Double) -> Value { .f64(value.bitPattern) }

    /// The bits of an i32 (`Int32(bitPattern: v.i32)` for the signed value).
    /// - Precondition: the value is an i32, as with WasmKit.
    public var i32: UInt32 {
        guard case .i32(let v) = self else { preconditionFailure("\(self) is not an i32") }
        return v
    }
    /// The bits of an i64.
    /// - Precondition: the value is an i64.
    public var i64: UInt64 {
        guard case .i64(let v) = self else { preconditionFailure("\(self) is not an i64") }
        return v
    }
    /// The bits of an f32 (`Float(bitPattern: v.f32)` for the number).
    /// - Precondition: the value is an f32.
    public var f32: UInt32 {
        guard case .f32(let v) = self else { preconditionFailure("\(self) is not an f32") }
        return v
    }
    /// The bits of an f64.
    /// - Precondition: the value is an f64.
    public var f64: UInt64 {
        guard case .f64(let v) = self else { preconditionFailure("\(self) is not an f64") }
        return v
    }
}

extension V128: CustomStringConvertible {
    /// `0x` and the 16 bytes in memory order, as WasmKit prints a v128.
    public var description: String {
        let bytes = (0..<16).map { i -> UInt8 in UInt8(truncatingIfNeeded: (i < 8 ? lo >> (8 * i) : hi >> (8 * (i - 8)))) }
        return "0x" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}

extension Value {
    /// Writes the value into one slot (two for v128).
    func store(to slot: UnsafeMutablePointer<KiteSlot>) {
        switch self {
        case .i32(let v): slot.pointee.u64 = UInt64(v)
        case .i64(let v): slot.pointee.u64 = v
        case .f32(let v): slot.pointee.u64 = UInt64(v)
        case .f64(let v): slot.pointee.u64 = v
        case .v128(let v):
            slot.pointee.u64 = v.lo
            slot[1].u64 = v.hi
        // A function address is its record's address (checked against the store on the
        // way in: `Store.admits`).
        case .ref(.function(let f)): slot.pointee.u64 = f.map { UInt64(UInt(bitPattern: $0)) } ?? 0
        case .ref(.extern(let e)): slot.pointee.u64 = e.map(Value.externBits) ?? 0
        case .ref(.any(let a)): slot.pointee.u64 = a.map { UInt64(UInt(bitPattern: $0)) } ?? 0
        // The exception record's address (checked on the way in: `Store.admits`).
        case .ref(.exception(let e)): slot.pointee.u64 = e.map { UInt64(UInt(bitPattern: $0)) } ?? 0
        }
    }

    var slot: KiteSlot {
        var s = KiteSlot(u64: 0)
        withUnsafeMutablePointer(to: &s) { store(to: $0) }
        return s
    }

    /// Reads a value of `type` from a slot (two for v128).
    static func load(_ type: ValueType, from slot: UnsafePointer<KiteSlot>) -> Value {
        let bits = slot.pointee.u64
        switch type {
        case .i32: return .i32(UInt32(truncatingIfNeeded: bits))
        case .i64: return .i64(bits)
        case .f32: return .f32(UInt32(truncatingIfNeeded: bits))
        case .f64: return .f64(bits)
        case .v128: return .v128(V128(lo: bits, hi: slot[1].u64))
        case .ref(let r):
            switch hierarchy(of: r.heap) {
            case .extern: return .ref(.extern(bits == 0 ? nil : externAddress(bits)))
            case .exn: return .ref(.exception(bits == 0 ? nil : Int(Int64(bitPattern: bits))))
            case .any: return .ref(.any(bits == 0 ? nil : Int(Int64(bitPattern: bits))))
            default: return .ref(.function(bits == 0 ? nil : Int(Int64(bitPattern: bits))))
            }
        }
    }
}

// The any and extern hierarchies share one representation (any.convert_extern and
// extern.convert_any change no bits): a host's extern value e travels as (e << 2) | 2, so
// it never looks like an object or an i31. The host sees an extern slot holding one of its
// own values as that value, and one holding a GC value that a guest converted as
// 2^61 + the slot's bits (a range no value of its own can reach), which maps back.
extension Value {
    static let internalizedBase = Int(1) << 61

    static func externBits(_ e: ExternAddress) -> UInt64 {
        if e >= internalizedBase && e < internalizedBase << 1 { return UInt64(e - internalizedBase) }
        return UInt64(bitPattern: Int64(e) << 2) | 2
    }

    static func externAddress(_ bits: UInt64) -> ExternAddress {
        bits & 3 == 2 ? Int(Int64(bitPattern: bits) >> 2) : internalizedBase + Int(bits)
    }

    /// The top of the hierarchy a heap type belongs to (concrete ids looked up in the registry).
    static func hierarchy(of heap: HeapType) -> HeapType {
        if let top = heap.abstractTop { return top }
        guard case .concrete(let id) = heap, Int(id) < TypeRegistry.shared.count else { return .func }
        return TypeRegistry.shared.entry(id).definition.composite.abstractKind == .func ? .func : .any
    }

    /// Whether the non-null any-hierarchy value `bits` belongs to `heap`.
    static func anyFits(_ bits: UInt64, _ heap: HeapType) -> Bool {
        guard hierarchy(of: heap) == .any else { return false }
        let target = castTarget(heap)
        return kite_cast_test(bits, target.kind, target.id) != 0
    }

    /// The C cast target (KiteCastTarget, canonical id) of a heap type of canonical ids.
    static func castTarget(_ heap: HeapType) -> (kind: UInt32, id: UInt32) {
        KiteTranslator.castTarget(canonical: heap) { TypeRegistry.shared.entry($0).definition.composite.abstractKind == .func }
    }
}

extension Reference {
    /// A host value as the any hierarchy holds it (what `any.convert_extern` makes of
    /// `.extern(value)`).
    public static func internalized(_ value: ExternAddress) -> Value {
        .ref(.any(Int(bitPattern: UInt(Value.externBits(value)))))
    }

    /// Whether this reference is a non-null value of the abstract heap type named `kind`
    /// (`any`, `eq`, `i31`, `struct`, `array`, `func`, `extern`, `exn`).
    public func belongs(to kind: String) -> Bool {
        switch self {
        case .function(let f): return f != nil && kind == "func"
        case .extern(let e): return e != nil && kind == "extern"
        case .exception(let e): return e != nil && kind == "exn"
        case .any(let a):
            guard let a else { return false }
            let heap: HeapType
            switch kind {
            case "any": heap = .any
            case "eq": heap = .eq
            case "i31": heap = .i31
            case "struct": heap = .struct
            case "array": heap = .array
            default: return false
            }
            return Value.anyFits(UInt64(UInt(bitPattern: a)), heap)
        }
    }
}
