// The WebAssembly type grammar shared by every stage after decoding.

/// A value type: a number type, `v128`, or a reference type.
public enum ValueType: Hashable, Sendable, CustomStringConvertible {
    case i32, i64, f32, f64, v128
    case ref(RefType)

    /// `funcref`: a nullable reference to any function.
    public static let funcref = ValueType.ref(.funcref)
    /// `externref`: a nullable reference to a host value.
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
/// (Wasm 3.0) add concrete function types by index, exception handling `exn` and its
/// bottom `noexn`. (GC heap types extend this enum.)
public enum HeapType: Hashable, Sendable, CustomStringConvertible {
    case `func`
    case extern
    case exn
    case noexn
    case concrete(UInt32)

    public var description: String {
        switch self {
        case .func: return "func"
        case .extern: return "extern"
        case .exn: return "exn"
        case .noexn: return "noexn"
        case .concrete(let i): return "\(i)"
        }
    }
}

/// A reference type: `(ref null? heaptype)`. `funcref` and `externref` are the nullable
/// abstract ones.
public struct RefType: Hashable, Sendable, CustomStringConvertible {
    /// Whether the type includes the null reference (`ref null`).
    public var nullable: Bool
    /// What the reference points to.
    public var heap: HeapType

    /// `(ref null? heap)`.
    public init(nullable: Bool, heap: HeapType) {
        self.nullable = nullable
        self.heap = heap
    }

    /// `funcref`: `(ref null func)`.
    public static let funcref = RefType(nullable: true, heap: .func)
    /// `externref`: `(ref null extern)`.
    public static let externref = RefType(nullable: true, heap: .extern)
    /// `exnref`: `(ref null exn)`, a caught exception (exception handling, Wasm 3.0).
    public static let exnref = RefType(nullable: true, heap: .exn)

    /// True for references to functions (abstract `func` or a concrete function type).
    public var isFunctionReference: Bool {
        switch heap {
        case .func, .concrete: return true
        case .extern, .exn, .noexn: return false
        }
    }

    public var description: String {
        if self == .funcref { return "funcref" }
        if self == .externref { return "externref" }
        if self == .exnref { return "exnref" }
        return "(ref \(nullable ? "null " : "")\(heap))"
    }
}

/// A function type: parameter types to result types.
public struct FunctionType: Hashable, Sendable, CustomStringConvertible {
    /// The parameter types, in order.
    public var parameters: [ValueType]
    /// The result types, in order.
    public var results: [ValueType]
    /// `[parameters] -> [results]`.
    public init(parameters: [ValueType], results: [ValueType]) {
        self.parameters = parameters
        self.results = results
    }
    public var description: String {
        "(\(parameters.map(\.description).joined(separator: " "))) -> (\(results.map(\.description).joined(separator: " ")))"
    }
}

/// The size limits of a memory or table.
public struct Limits: Hashable, Sendable {
    /// The minimum size: pages for a memory, elements for a table.
    public var min: UInt64
    /// The maximum size, in the same units, or nil for no maximum.
    public var max: UInt64?
    /// A shared memory (threads proposal); false for tables.
    public var shared: Bool = false
    /// Memory64 / table64 (Wasm 3.0); always false for 2.0 modules.
    public var is64: Bool = false
    /// Limits of `min` to `max`; unshared and 32-bit unless said otherwise.
    public init(min: UInt64, max: UInt64?, shared: Bool = false, is64: Bool = false) {
        self.min = min
        self.max = max
        self.shared = shared
        self.is64 = is64
    }
}

/// The type of a linear memory: its limits in 64 KiB pages.
public struct MemoryType: Hashable, Sendable {
    /// Initial and maximum size, in pages.
    public var limits: Limits
    /// A memory type with `limits`.
    public init(limits: Limits) { self.limits = limits }
}

/// The type of a table: its element reference type and size limits.
public struct TableType: Hashable, Sendable {
    /// The reference type the table holds.
    public var elementType: RefType
    /// Initial and maximum size, in elements.
    public var limits: Limits
    /// A table of `elementType` with `limits`.
    public init(elementType: RefType, limits: Limits) {
        self.elementType = elementType
        self.limits = limits
    }
}

/// The type of a global: its value type and mutability.
public struct GlobalType: Hashable, Sendable {
    /// The type of the global's value.
    public var valueType: ValueType
    /// True for `(mut t)`: `global.set` may change it.
    public var mutable: Bool
    /// A global type of `valueType`, mutable or not.
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
