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
/// (Wasm 3.0) add concrete types by index, exception handling `exn` and its bottom `noexn`,
/// and GC the `any` hierarchy (`any` > `eq` > `i31`, `struct`, `array` > `none`) and the
/// bottoms `nofunc` and `noextern`.
public enum HeapType: Hashable, Sendable, CustomStringConvertible {
    case `func`
    case extern
    case exn
    case noexn
    case any
    case eq
    case i31
    case `struct`
    case array
    case none
    case nofunc
    case noextern
    case concrete(UInt32)

    /// The hierarchy an abstract heap type belongs to, named by its top type (concrete
    /// types need the module's definitions: `ModuleContext.top`).
    public var abstractTop: HeapType? {
        switch self {
        case .func, .nofunc: return .func
        case .extern, .noextern: return .extern
        case .exn, .noexn: return .exn
        case .any, .eq, .i31, .struct, .array, .none: return .any
        case .concrete: return nil
        }
    }

    public var description: String {
        switch self {
        case .func: return "func"
        case .extern: return "extern"
        case .exn: return "exn"
        case .noexn: return "noexn"
        case .any: return "any"
        case .eq: return "eq"
        case .i31: return "i31"
        case .struct: return "struct"
        case .array: return "array"
        case .none: return "none"
        case .nofunc: return "nofunc"
        case .noextern: return "noextern"
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

    /// True for references to functions (abstract `func`/`nofunc` or a concrete type, which
    /// outside GC modules is always a function type).
    public var isFunctionReference: Bool {
        switch heap {
        case .func, .nofunc, .concrete: return true
        default: return false
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

/// What a struct field or an array element holds: a value type, or a packed integer.
public enum StorageType: Hashable, Sendable, CustomStringConvertible {
    case value(ValueType)
    case i8
    case i16

    /// The type a `struct.get` / `array.get` pushes (packed integers unpack to i32).
    public var unpacked: ValueType {
        if case .value(let t) = self { return t }
        return .i32
    }

    /// Bytes of one field or element in an object.
    public var byteSize: Int {
        switch self {
        case .i8: return 1
        case .i16: return 2
        case .value(let t):
            switch t {
            case .i32, .f32: return 4
            case .v128: return 16
            default: return 8
            }
        }
    }

    public var description: String {
        switch self {
        case .value(let t): return t.description
        case .i8: return "i8"
        case .i16: return "i16"
        }
    }
}

/// A struct field or the element of an array type.
public struct FieldType: Hashable, Sendable {
    public var storage: StorageType
    public var mutable: Bool
    public init(storage: StorageType, mutable: Bool) {
        self.storage = storage
        self.mutable = mutable
    }
}

/// The shape a type definition gives: a function signature, a struct or an array (GC).
public enum CompositeType: Hashable, Sendable {
    case function(FunctionType)
    case structure([FieldType])
    case array(FieldType)

    /// The abstract heap type a reference to this type is below (`func`, `struct`, `array`).
    public var abstractKind: HeapType {
        switch self {
        case .function: return .func
        case .structure: return .struct
        case .array: return .array
        }
    }
}

/// One type definition: its composite type, the types it declares as supertypes (at most
/// one), and whether it is final (no subtypes allowed). Written without `sub` it is final
/// with no supertypes, which is every type of a module without GC.
public struct SubType: Hashable, Sendable {
    public var isFinal: Bool
    public var supertypes: [UInt32]
    public var composite: CompositeType
    public init(isFinal: Bool = true, supertypes: [UInt32] = [], composite: CompositeType) {
        self.isFinal = isFinal
        self.supertypes = supertypes
        self.composite = composite
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
