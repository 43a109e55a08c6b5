// The WebAssembly type grammar shared by every stage after decoding.

public enum ValueType: Hashable, Sendable, CustomStringConvertible {
    case i32, i64, f32, f64, v128
    case ref(RefType)

    public static let funcref = ValueType.ref(.funcref)
    public static let externref = ValueType.ref(.externref)

    public var description: String {
        switch self {
        case .i32: return "i32"
        case .i64: return "i64"
        case .f32: return "f32"
        case .f64: return "f64"
        case .v128: return "v128"
        case .ref(let r): return r.description
        }
    }

    /// Number of 8-byte frame slots a value of this type occupies.
    public var slotCount: Int { self == .v128 ? 2 : 1 }
}

/// What a reference points to. Wasm 2.0 has `func` and `extern`; typed function references
/// (Wasm 3.0) add concrete function types by index. (GC heap types extend this enum.)
public enum HeapType: Hashable, Sendable, CustomStringConvertible {
    case `func`
    case extern
    case concrete(UInt32)

    public var description: String {
        switch self {
        case .func: return "func"
        case .extern: return "extern"
        case .concrete(let i): return "\(i)"
        }
    }
}

/// A reference type: `(ref null? heaptype)`. `funcref` and `externref` are the nullable
/// abstract ones.
public struct RefType: Hashable, Sendable, CustomStringConvertible {
    public var nullable: Bool
    public var heap: HeapType

    public init(nullable: Bool, heap: HeapType) {
        self.nullable = nullable
        self.heap = heap
    }

    public static let funcref = RefType(nullable: true, heap: .func)
    public static let externref = RefType(nullable: true, heap: .extern)

    /// True for references to functions (abstract `func` or a concrete function type).
    public var isFunctionReference: Bool { heap != .extern }

    public var description: String {
        if self == .funcref { return "funcref" }
        if self == .externref { return "externref" }
        return "(ref \(nullable ? "null " : "")\(heap))"
    }
}

public struct FunctionType: Hashable, Sendable, CustomStringConvertible {
    public var parameters: [ValueType]
    public var results: [ValueType]
    public init(parameters: [ValueType], results: [ValueType]) {
        self.parameters = parameters
        self.results = results
    }
    public var description: String {
        "(\(parameters.map(\.description).joined(separator: " "))) -> (\(results.map(\.description).joined(separator: " ")))"
    }
}

public struct Limits: Hashable, Sendable {
    public var min: UInt64
    public var max: UInt64?
    public var shared: Bool = false
    /// Memory64 / table64 (Wasm 3.0); always false for 2.0 modules.
    public var is64: Bool = false
    public init(min: UInt64, max: UInt64?, shared: Bool = false, is64: Bool = false) {
        self.min = min
        self.max = max
        self.shared = shared
        self.is64 = is64
    }
}

public struct MemoryType: Hashable, Sendable {
    public var limits: Limits
    public init(limits: Limits) { self.limits = limits }
}

public struct TableType: Hashable, Sendable {
    public var elementType: RefType
    public var limits: Limits
    public init(elementType: RefType, limits: Limits) {
        self.elementType = elementType
        self.limits = limits
    }
}

public struct GlobalType: Hashable, Sendable {
    public var valueType: ValueType
    public var mutable: Bool
    public init(valueType: ValueType, mutable: Bool) {
        self.valueType = valueType
        self.mutable = mutable
    }
}

/// The type of a block, loop or if.
public enum BlockType: Hashable, Sendable {
    case empty
    case value(ValueType)
    case typeIndex(UInt32)
}
