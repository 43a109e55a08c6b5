import CKiteDispatch
import KiteBinary

/// A function: defined by a module instance, or by the host.
public final class Function: Hashable, @unchecked Sendable {
    /// Its parameter and result types.
    public let type: FunctionType
    /// The C record the interpreter calls through; stable for the store's lifetime.
    let handle: UnsafeMutablePointer<KiteFunction>
    let hostBody: Implementation?
    /// A host function on raw slots (typed closures): arguments from, results to the slots.
    var rawHostBody: ((UnsafeMutablePointer<KiteSlot>) throws -> Void)?
    /// A `[Value]` host function's argument array, kept between calls so that a call
    /// allocates only the results array its body returns (see `callValueHost`). Behind a
    /// pointer: a stored property would cost an exclusivity check per access. nil for other
    /// functions (nothing is allocated for the thousands a large module defines).
    let argumentBuffer: UnsafeMutablePointer<[Value]>?
    /// A `[Value]` host function's parameter types then result types, where reading them
    /// retains nothing (`type`'s arrays are retained and released on every use in a call);
    /// empty for other functions.
    let signature: UnsafeMutableBufferPointer<ValueType>
    /// How many of `signature`'s types are parameters.
    let parameterCount: Int
    /// A host function's parameter slots that can hold GC references: roots while it runs
    /// (`Store.hostArguments`). Empty for most.
    let tracedArgumentSlots: [Int]
    /// A wasm function: its module and index among the module's defined functions (what the
    /// record's lazy stub asks to have translated).
    let definition: (module: CompiledModule, index: Int)?
    /// The store owns its functions, so this is no strong reference. Calls after the store
    /// is gone throw.
    let owner: StoreLifetime
    var store: Store? { owner.store }

    init(store: Store, type: FunctionType, record: KiteFunction, hostBody: Implementation?,
         definition: (module: CompiledModule, index: Int)? = nil, typeId: UInt32? = nil) {
        owner = store.lifetime
        self.type = type
        self.hostBody = hostBody
        self.definition = definition
        parameterCount = type.parameters.count
        var slots: [Int] = [], slot = 0
        for p in type.parameters {
            if case .ref(let r) = p, hostBody != nil, Value.hierarchy(of: r.heap) == .any || Value.hierarchy(of: r.heap) == .extern {
                slots.append(slot)
            }
            slot += p.slotCount
        }
        tracedArgumentSlots = slots
        if hostBody != nil {
            let buffer = UnsafeMutablePointer<[Value]>.allocate(capacity: 1)
            buffer.initialize(to: [])
            argumentBuffer = buffer
            signature = .allocate(capacity: type.parameters.count + type.results.count)
            _ = signature.initialize(from: type.parameters + type.results)
        } else {
            argumentBuffer = nil
            signature = UnsafeMutableBufferPointer(start: nil, count: 0)
        }
        handle = .allocate(capacity: 1)
        handle.initialize(to: record)
        handle.pointee.typeId = typeId ?? RuntimeTypes.id(ofFunction: type)
        handle.pointee.numParams = UInt32(type.parameters.reduce(0) { $0 + $1.slotCount })
        handle.pointee.numResults = UInt32(type.results.reduce(0) { $0 + $1.slotCount })
        handle.pointee.host = Unmanaged.passUnretained(self).toOpaque()
        store.functions.append(self)
        store.functionAddresses.insert(address)
    }

    /// A host function's body: the caller (the calling instance, the store) and the
    /// arguments in; the results out, one per result type.
    public typealias Implementation = (Caller, [Value]) throws -> [Value]

    /// A host function of `type`: `body` receives the caller and the arguments and returns
    /// the results. Throwing stops the guest; the error reaches whoever called into it
    /// unchanged (a `Trap` is reported as a trap).
    public convenience init(store: Store, type: FunctionType, body: @escaping Implementation) {
        var record = KiteFunction()
        record.kind = KITE_FUNCTION_HOST.rawValue
        self.init(store: store, type: type, record: record, hostBody: body)
    }

    /// A host function taking `parameters` and returning `results` (WasmKit's spelling).
    public convenience init(store: Store, parameters: [ValueType], results: [ValueType] = [],
                            body: @escaping Implementation) {
        self.init(store: store, type: FunctionType(parameters: parameters, results: results), body: body)
    }

    /// A host function whose body needs only the arguments.
    public convenience init(store: Store, type: FunctionType, body: @escaping ([Value]) throws -> [Value]) {
        self.init(store: store, type: type) { (_: Caller, arguments: [Value]) in try body(arguments) }
    }

    deinit {
        handle.deallocate()
        argumentBuffer?.deinitialize(count: 1)
        argumentBuffer?.deallocate()
        if signature.baseAddress != nil { signature.deallocate() }
    }

    /// Calls the function with `arguments` (one per parameter, of its type) and returns its
    /// results. Throws `Trap` when execution traps, or what a host function threw.
    @discardableResult
    public func invoke(_ arguments: [Value] = []) throws -> [Value] {
        guard let store else { throw Trap("the store of this function was released") }
        return try store.invoke(self, arguments)
    }

    /// `invoke(arguments)`: a function is called like one, `try fac([.i64(5)])`.
    @discardableResult
    public func callAsFunction(_ arguments: [Value] = []) throws -> [Value] {
        try invoke(arguments)
    }

    /// What a `.ref(.function(...))` value holding this function carries.
    public var address: FunctionAddress { Int(bitPattern: UInt(bitPattern: handle)) }

    /// Functions are equal when they are the same function (identity).
    public static func == (a: Function, b: Function) -> Bool { a === b }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// A linear memory. Its bytes are reserved once for the maximum size, so the base address
/// never changes while it grows.
public final class Memory: @unchecked Sendable {
    let handle: UnsafeMutablePointer<KiteMemory>
    /// Its limits as declared (`pages` is the current size).
    public let type: MemoryType

    /// `capPages`: the store's limit (`StoreLimits.maxMemoryBytes`), below the type's maximum.
    init(limits: Limits, capPages: UInt64? = nil) throws {
        handle = .allocate(capacity: 1)
        handle.initialize(to: KiteMemory())
        type = MemoryType(limits: limits)
        if let capPages, limits.min > capPages {
            throw ResourceError("memory minimum size of \(limits.min) pages exceeds the store's limit of \(capPages) pages")
        }
        // On failure deinit releases the handle (kite_memory_free ignores a null base).
        guard kite_memory_init(handle, limits.min, min(limits.max ?? 65536, capPages ?? .max)) else {
            throw ResourceError("out of memory: cannot allocate a memory of \(limits.min) pages")
        }
    }

    /// Creates a memory in `store` (for host-provided imports), within the store's limits.
    public convenience init(store: Store, type: MemoryType) throws {
        try self.init(limits: type.limits, capPages: store.limits.maxMemoryBytes.map { $0 / 65536 })
        owner = store.lifetime
        store.memories.append(self)
    }

    /// The store it was created in (nil only for a store's internal empty memory).
    var owner: StoreLifetime?

    deinit {
        kite_memory_free(handle)
        handle.deallocate()
    }

    /// Current size in 64 KiB pages.
    public var pages: UInt64 { handle.pointee.size >> 16 }
    /// Current size in bytes.
    public var byteCount: Int { Int(handle.pointee.size) }
    /// The current bytes; valid until the memory grows.
    public var bytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: handle.pointee.base, count: Int(handle.pointee.size))
    }
    /// The type's limits with the current size as the minimum (what an import is matched on).
    var currentLimits: Limits { Limits(min: pages, max: type.limits.max, is64: type.limits.is64) }
    /// The maximum this memory may grow to, in pages.
    var maxPages: UInt64 { handle.pointee.maxPages }

    /// Grows by `delta` pages; returns the old size in pages, or nil when it cannot grow.
    @discardableResult
    public func grow(by delta: UInt64) -> UInt64? {
        let old = kite_memory_grow(handle, delta)
        return old == UInt32.max ? nil : UInt64(old)
    }
}

/// A table of references.
public final class Table: @unchecked Sendable {
    let handle: UnsafeMutablePointer<KiteTable>
    /// The type of reference it holds (`funcref`, `externref`, ...).
    public let elementType: RefType
    /// Table64: indices are i64.
    public let is64: Bool
    let owner: StoreLifetime
    var store: Store? { owner.store }

    /// Throws `ResourceError` when the table's minimum exceeds the store's
    /// `limits.maxTableElements` or cannot be allocated.
    public init(store: Store, type: TableType, initial: Value? = nil) throws {
        owner = store.lifetime
        elementType = type.elementType
        is64 = type.limits.is64
        // Owned by this object from here on: deinit frees it (and its storage, if any) exactly
        // once, also when this initializer throws below.
        handle = .allocate(capacity: 1)
        handle.initialize(to: KiteTable())
        let initial = initial ?? Value.zero(.ref(type.elementType))
        guard store.admits(initial) else { throw Trap(foreignFunction) }
        guard initial.fits(.ref(type.elementType)) else {
            throw Trap("type mismatch: \(initial.type) as the initial value of a \(type.elementType) table")
        }
        let fill = initial.slot
        let max = UInt32(clamping: type.limits.max ?? UInt64(UInt32.max))
        let limit = store.limits.maxTableElements
        guard type.limits.min <= UInt64(limit) else {
            throw ResourceError("table of \(type.limits.min) elements exceeds the store's limit of \(limit) elements")
        }
        guard kite_table_init_storage(handle, UInt32(type.limits.min), max, limit, fill) else {
            throw ResourceError("out of memory: cannot allocate a table of \(type.limits.min) elements")
        }
        store.tables.append(self)
    }

    deinit {
        kite_table_free(handle)
        handle.deallocate()
    }

    /// Current number of elements.
    public var size: Int { Int(handle.pointee.size) }
    /// Its element type and limits, with the current size as the minimum.
    public var type: TableType {
        let max = handle.pointee.max
        return TableType(elementType: elementType,
                         limits: Limits(min: UInt64(handle.pointee.size), max: max == UInt32.max ? nil : UInt64(max), is64: is64))
    }

    /// The element at `index` (nil when out of bounds, or when the store was released).
    public subscript(index: Int) -> Value? {
        guard index >= 0, index < size, store != nil else { return nil }
        return Value.load(.ref(elementType), from: handle.pointee.elements + index)
    }
}

/// A global variable: a cell of one slot (two for v128) that instances point at.
public final class Global: @unchecked Sendable {
    let cell: UnsafeMutablePointer<KiteSlot>
    /// Its value type and mutability.
    public let type: GlobalType
    let owner: StoreLifetime
    var store: Store? { owner.store }

    /// A global of `type` holding `value`.
    /// - Precondition: a function reference in `value` names a function of `store`.
    public init(store: Store, type: GlobalType, value: Value) {
        precondition(store.admits(value), foreignFunction)
        if case .ref = value {
            precondition(value.fits(type.valueType), "a \(value.type) value cannot initialize a \(type.valueType) global")
        }
        owner = store.lifetime
        self.type = type
        cell = .allocate(capacity: 2)
        cell.initialize(repeating: KiteSlot(u64: 0), count: 2)
        value.store(to: cell)
        store.globals.append(self)
    }

    deinit { cell.deallocate() }

    /// The current value. Setting it does not check mutability, nor the type of a number
    /// (`assign` does); a reference of the wrong type stops the program.
    public var value: Value {
        get {
            guard store != nil else { return .zero(type.valueType) }
            return Value.load(type.valueType, from: cell)
        }
        set {
            precondition(store?.admits(newValue) ?? false, foreignFunction)
            if case .ref = newValue {
                // A reference of another type would let wasm code misread it (its fields,
                // its signature): references are always checked.
                precondition(newValue.fits(type.valueType), "a \(newValue.type) value cannot be stored in a \(type.valueType) global")
            }
            newValue.store(to: cell)
        }
    }

    /// Sets a mutable global's value; throws `Trap` when the global is immutable or `value`
    /// is not of its type.
    public func assign(_ value: Value) throws {
        guard type.mutable else { throw Trap("cannot assign to an immutable global") }
        // Ownership first: testing a GC value's type reads the object.
        guard store?.admits(value) ?? false else { throw Trap(foreignFunction) }
        guard value.fits(type.valueType) else { throw Trap("type mismatch: \(value.type) assigned to a \(type.valueType) global") }
        self.value = value
    }
}

/// Something an instance exports or a module imports.
public enum ExternalValue {
    case function(Function)
    case table(Table)
    case memory(Memory)
    case global(Global)
    /// An exception tag (exception handling).
    case tag(Tag)
}

/// What checks of function references the host passes in say.
let foreignFunction = "a function reference must name a function of the same store"
