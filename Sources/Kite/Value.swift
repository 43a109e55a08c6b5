import CKiteDispatch
import KiteBinary

/// A 128-bit SIMD value, little-endian: `lo` holds bytes 0...7.
public struct V128: Hashable, Sendable {
    public var lo: UInt64
    public var hi: UInt64
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

/// A WebAssembly value as the embedder sees it. Floats are carried as bit patterns so
/// NaN payloads survive the trip.
public enum Value: Hashable, Sendable, CustomStringConvertible {
    case i32(UInt32)
    case i64(UInt64)
    case f32(UInt32)
    case f64(UInt64)
    case v128(V128)
    /// nil is `ref.null func`.
    case funcRef(Function?)
    /// nil is `ref.null extern`.
    case externRef(UInt64?)

    public var description: String {
        switch self {
        case .i32(let v): return "i32:\(v)"
        case .i64(let v): return "i64:\(v)"
        case .f32(let v): return "f32:\(Float(bitPattern: v))"
        case .f64(let v): return "f64:\(Double(bitPattern: v))"
        case .v128(let v): return "v128:0x\(String(v.hi, radix: 16))\(String(v.lo, radix: 16))"
        case .funcRef(let f): return f == nil ? "ref.null func" : "ref.func"
        case .externRef(let e): return e.map { "ref.extern \($0)" } ?? "ref.null extern"
        }
    }

    public var type: ValueType {
        switch self {
        case .i32: return .i32
        case .i64: return .i64
        case .f32: return .f32
        case .f64: return .f64
        case .v128: return .v128
        case .funcRef: return .funcref
        case .externRef: return .externref
        }
    }

    /// Whether this value may stand where `type` is expected (references: the right kind,
    /// and not null for a non-nullable type).
    public func fits(_ type: ValueType) -> Bool {
        switch (self, type) {
        case (.funcRef(let f), .ref(let r)): return r.isFunctionReference && (f != nil || r.nullable)
        case (.externRef(let e), .ref(let r)): return r.heap == .extern && (e != nil || r.nullable)
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
        case .ref(let r): return r.heap == .extern ? .externRef(nil) : .funcRef(nil)
        }
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
        case .funcRef(let f): slot.pointee.u64 = f.map { UInt64(UInt(bitPattern: $0.handle)) } ?? 0
        // Slot 0 is null, so non-null extern values are stored shifted by one.
        case .externRef(let e): slot.pointee.u64 = e.map { $0 &+ 1 } ?? 0
        }
    }

    var slot: KiteSlot {
        var s = KiteSlot(u64: 0)
        withUnsafeMutablePointer(to: &s) { store(to: $0) }
        return s
    }

    /// Reads a value of `type` from a slot (two for v128).
    static func load(_ type: ValueType, from slot: UnsafePointer<KiteSlot>, store: Store) -> Value {
        let bits = slot.pointee.u64
        switch type {
        case .i32: return .i32(UInt32(truncatingIfNeeded: bits))
        case .i64: return .i64(bits)
        case .f32: return .f32(UInt32(truncatingIfNeeded: bits))
        case .f64: return .f64(bits)
        case .v128: return .v128(V128(lo: bits, hi: slot[1].u64))
        case .ref(let r):
            if r.heap == .extern { return .externRef(bits == 0 ? nil : bits &- 1) }
            return .funcRef(store.function(forHandle: bits))
        }
    }
}
