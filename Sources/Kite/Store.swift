import CKiteDispatch
import KiteBinary

/// Caps on what guests may allocate in a store. Exceeding one at instantiation throws
/// `ResourceError`; a `table.grow` or `memory.grow` beyond it returns -1, as a failed grow does.
public struct StoreLimits: Sendable {
    /// Elements of one table (8 bytes each): 2^26 (512 MiB) by default. A table's storage is
    /// allocated up front, so this bounds what one `(table N funcref)` or `table.grow` costs.
    public var maxTableElements: UInt32
    /// Bytes of one memory the store creates (rounded down to 64 KiB pages); nil: what the
    /// memory's type allows (at most 4 GiB).
    public var maxMemoryBytes: UInt64?
    /// Bytes all GC objects (structs and arrays, headers included) of the store may take at
    /// once; an allocation that would pass it collects first, then traps with `out of
    /// memory`. nil: no limit but the machine's (and 1 GiB per object).
    public var maxGCHeapBytes: UInt64?
    /// Limits with Kite's defaults: 2^26 table elements, memories as large as their type
    /// allows, no cap on GC objects.
    public init(maxTableElements: UInt32 = 1 << 26, maxMemoryBytes: UInt64? = nil, maxGCHeapBytes: UInt64? = nil) {
        self.maxTableElements = maxTableElements
        self.maxMemoryBytes = maxMemoryBytes
        self.maxGCHeapBytes = maxGCHeapBytes
    }
}

/// Owns everything that runs: the value stack and call-frame records shared by all
/// invocations, and every function, memory, table and global created in it (they live as
/// long as the store, because instances and tables point at each other freely).
public final class Store {
    /// Value-stack slots (8 bytes each) available to all nested invocations.
    public static let defaultStackSlots = 1 << 22
    /// Call depth at which `call stack exhausted` traps.
    public static let defaultMaxDepth: UInt32 = 50_000

    /// Table and memory limits are read when one is created (changing them affects those
    /// created afterwards); the GC heap limit applies from the next allocation.
    public var limits: StoreLimits {
        didSet { applyGCHeapLimit() }
    }
    let context: UnsafeMutablePointer<KiteContext>
    let stack: UnsafeMutablePointer<KiteSlot>
    let frames: UnsafeMutablePointer<KiteFrameRecord>
    /// Where the next top-level (or host-nested) invocation puts its frame.
    var nextFrameBase: UnsafeMutablePointer<KiteSlot>
    var hostNesting = 0
    /// Values the host rooted (`root(_:)`), by handle id: the bits the collector marks.
    var hostRoots: [Int: UInt64] = [:]
    var nextRootID = 0
    /// The argument slots of the host calls in progress that can hold GC references.
    var hostArguments: [(slots: UnsafeMutablePointer<KiteSlot>, traced: [Int])] = []
    /// See `CollectorStatistics.unmappedFrames`.
    var unmappedFrames = 0
    /// The error a host function threw, reported when its trap reaches `invoke`.
    var pendingHostError: Error?

    var functions: [Function] = []
    /// Their addresses, to check function references the host passes in.
    @exclusivity(unchecked) var functionAddresses: Set<FunctionAddress> = []
    var memories: [Memory] = []
    var tables: [Table] = []
    var globals: [Global] = []
    var tags: [Tag] = []
    var instances: [Instance] = []
    /// Memory 0 of instances that have none, so handlers can always load a base and size.
    let emptyMemory: Memory
    /// What the store's functions, tables and globals hold to reach it (see StoreLifetime).
    let lifetime = StoreLifetime()

    /// The configuration this store runs with: how instantiated modules are translated.
    public let engine: Engine

    /// A store with `stackSlots` slots of value stack, `maxDepth` nested calls and `limits`
    /// (`Store(engine:)` takes the first two from an engine's configuration).
    public convenience init(stackSlots: Int = Store.defaultStackSlots, maxDepth: UInt32 = Store.defaultMaxDepth, limits: StoreLimits = StoreLimits()) {
        self.init(stackSlots: stackSlots, maxDepth: maxDepth, limits: limits,
                  engine: Engine(configuration: EngineConfiguration(stackSize: stackSlots * 8, maxCallDepth: maxDepth)))
    }

    init(stackSlots: Int, maxDepth: UInt32, limits: StoreLimits, engine: Engine) {
        self.engine = engine
        self.limits = limits
        stack = .allocate(capacity: stackSlots)
        frames = .allocate(capacity: Int(maxDepth))
        context = .allocate(capacity: 1)
        context.initialize(to: KiteContext())
        context.pointee.stackBase = stack
        context.pointee.stackLimit = stack + stackSlots
        context.pointee.frameTop = frames
        context.pointee.frameLimit = frames + Int(maxDepth)
        context.pointee.frameBase = frames
        context.pointee.hostCall = kiteHostCallTrampoline
        context.pointee.translate = kiteTranslateTrampoline
        context.pointee.unwind = kiteUnwindTrampoline
        context.pointee.markRoots = kiteMarkRootsTrampoline
        context.pointee.gcLimit = limits.maxGCHeapBytes ?? .max
        context.pointee.gcThreshold = min(8 << 20, context.pointee.gcLimit)
        context.pointee.fuel = Int64.max
        nextFrameBase = stack
        emptyMemory = try! Memory(limits: Limits(min: 0, max: 0))
        context.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        lifetime.store = self
    }

    deinit {
        lifetime.store = nil
        kite_free_exceptions(context)
        kite_free_objects(context)
        stack.deallocate()
        frames.deallocate()
        context.deallocate()
    }


    /// Names the function whose code contains `pc`: its export name, else `func[index]`.
    func functionName(at pc: UnsafePointer<UInt64>?) -> String? {
        guard let pc else { return nil }
        for instance in instances {
            let compiled = instance.module
            guard let defined = compiled.function(containing: pc) else { continue }
            let index = compiled.module.importedFunctionCount + defined
            for export in compiled.module.exports {
                if case .function(let f) = export.descriptor, Int(f) == index { return export.name }
            }
            return "func[\(index)]"
        }
        return nil
    }

    /// The function a `.ref(.function(address))` value names; nil for an address that is
    /// not one of this store's functions.
    public func function(at address: FunctionAddress) -> Function? {
        guard functionAddresses.contains(address),
              let pointer = UnsafeMutablePointer<KiteFunction>(bitPattern: UInt(bitPattern: address)),
              let owner = pointer.pointee.host else { return nil }
        return Unmanaged<Function>.fromOpaque(owner).takeUnretainedValue()
    }

    /// Whether `value` may enter this store: a function reference must name one of its own
    /// functions (anything else would be a wild pointer to the interpreter).
    func admits(_ value: Value) -> Bool {
        switch value {
        case .ref(.function(let address?)): return functionAddresses.contains(address)
        case .ref(.exception(let address?)): return ownsException(address)
        case .ref(.any(let address?)): return ownsAnyValue(UInt64(UInt(bitPattern: address)))
        case .ref(.extern(let address?)): return ownsAnyValue(Value.externBits(address))
        default: return true
        }
    }

    /// Whether slot bits of the any/extern representation are safe to hand the guest: an
    /// i31, a host value, or an object this store's context made and still holds.
    func ownsAnyValue(_ bits: UInt64) -> Bool {
        bits & 3 != 0 || kite_gc_owns(context, bits) != 0
    }

    /// Allocation collects before it would pass the limit (Gc.c keeps the threshold under it).
    private func applyGCHeapLimit() {
        let limit = limits.maxGCHeapBytes ?? .max
        context.pointee.gcLimit = limit
        context.pointee.gcThreshold = min(context.pointee.gcThreshold, limit)
    }

    /// Whether `address` is an exception this store's context made.
    func ownsException(_ address: ExceptionAddress) -> Bool {
        var e = context.pointee.exceptions
        while let exception = e {
            if Int(bitPattern: UInt(bitPattern: exception)) == address { return true }
            e = exception.pointee.next
        }
        return false
    }

    /// Runs `function` with `arguments`; the entry point for embedders and the CLI.
    /// The work metered code may still do (`CompiledModule(bytes:metered: true)`), in Wasm
    /// instructions charged per function entry and loop iteration; nil (the default) is
    /// unlimited. When it runs out the call traps with `all fuel consumed` and the store stays
    /// usable: set more fuel to run again. Unmetered code neither uses nor checks it.
    public var fuel: UInt64? {
        get { context.pointee.fuel == Int64.max ? nil : UInt64(max(0, context.pointee.fuel)) }
        set { context.pointee.fuel = newValue.map { Int64(min($0, UInt64(Int64.max - 1))) } ?? Int64.max }
    }

    /// Stops the metered code running in this store, from any thread: the call traps with
    /// `interrupted` at its next function entry or loop iteration (a deadline is a timer that
    /// calls this). If nothing is running, the next call of metered code stops at once.
    /// Unmetered code does not see it.
    public func interrupt() {
        kite_interrupt(context)
    }

    /// A handle other threads may keep to interrupt this store (it keeps the store alive).
    public var interruptHandle: InterruptHandle { InterruptHandle(store: self) }

    func invoke(_ function: Function, _ arguments: [Value]) throws -> [Value] {
        let type = function.type
        guard arguments.count == type.parameters.count,
              zip(arguments, type.parameters).allSatisfy({ admits($0) && $0.fits($1) }) else {
            throw Trap("type mismatch: \(function.type) called with \(arguments.map(\.type))")
        }
        let base = nextFrameBase
        let needed = max(type.parameters.reduce(0) { $0 + $1.slotCount }, type.results.reduce(0) { $0 + $1.slotCount }, 1)
        guard base + needed < context.pointee.stackLimit else { throw Trap("call stack exhausted") }
        var slot = base
        for argument in arguments {
            argument.store(to: slot)
            slot += argument.type.slotCount
        }
        try run(function, at: base)
        slot = base
        return type.results.map { t in
            defer { slot += t.slotCount }
            return Value.load(t, from: slot)
        }
    }

    /// Runs `function` on the arguments already written at `base` (its results replace
    /// them there); throws the trap or the host error that stopped it.
    func run(_ function: Function, at base: UnsafeMutablePointer<KiteSlot>) throws {
        let code = kite_invoke(context, function.handle, base)
        if code != KITE_TRAP_NONE.rawValue {
            if code == KITE_TRAP_HOST.rawValue, let error = pendingHostError {
                pendingHostError = nil
                throw error
            }
            if code == KITE_TRAP_INTERRUPTED.rawValue { kite_clear_interrupt(context) }
            if code == KITE_TRAP_EXCEPTION.rawValue, let raw = context.pointee.exception {
                context.pointee.exception = nil
                var exception = hostException(raw)
                exception.function = functionName(at: context.pointee.trapPc)
                throw exception
            }
            var trap = Trap(code: code, detail: context.pointee.trapDetail)
            trap.function = functionName(at: context.pointee.trapPc)
            throw trap
        }
    }
}

/// C calls this when a wasm function that is not translated yet is called (its record's
/// lazy stub): the module translates it (once, for all its instances) and the record is
/// pointed at the code. A translation error is a bug (the module was validated); it stops
/// the call and is reported by `invoke`.
private let kiteTranslateTrampoline: KiteTranslateCall = { context, function in
    guard let context, let function, let ownerPointer = context.pointee.owner,
          let functionOwner = function.pointee.host else { return KITE_TRAP_HOST.rawValue }
    let store = Unmanaged<Store>.fromOpaque(ownerPointer).takeUnretainedValue()
    let callee = Unmanaged<Function>.fromOpaque(functionOwner).takeUnretainedValue()
    guard let (module, index) = callee.definition else { return KITE_TRAP_HOST.rawValue }
    do {
        try module.code(ofFunction: index).install(in: function)
        return KITE_TRAP_NONE.rawValue
    } catch {
        store.pendingHostError = error
        return KITE_TRAP_HOST.rawValue
    }
}

/// C calls this for every host function: it unpacks the arguments, runs the Swift closure
/// and writes the results back in place.
private let kiteHostCallTrampoline: KiteHostCall = { context, function, args in
    guard let context, let function, let args, let ownerPointer = context.pointee.owner,
          let functionOwner = function.pointee.host else { return KITE_TRAP_HOST.rawValue }
    // The store and the function outlive the call (the store owns both): borrowing them
    // skips a retain and release of each per call.
    return Unmanaged<Store>.fromOpaque(ownerPointer)._withUnsafeGuaranteedRef { store in
        Unmanaged<Function>.fromOpaque(functionOwner)._withUnsafeGuaranteedRef { callee in
            callHost(callee, store: store, args: args, record: function, caller: context.pointee.instance)
        }
    }
}

/// Runs a host function on the argument slots at `args` (its results replace them there).
private func callHost(_ callee: Function, store: Store, args: UnsafeMutablePointer<KiteSlot>,
                      record: UnsafeMutablePointer<KiteFunction>, caller: UnsafeMutablePointer<KiteInstance>?) -> UInt32 {
    // A host function may call back into wasm: its frames go above this call's slots.
    let savedBase = store.nextFrameBase
    store.nextFrameBase = args + Int(max(record.pointee.numParams, record.pointee.numResults)) + 1
    store.hostNesting += 1
    defer {
        store.nextFrameBase = savedBase
        store.hostNesting -= 1
    }
    if store.hostNesting > 200 { return KITE_TRAP_CALL_STACK_EXHAUSTED.rawValue }
    // The arguments are the host's now, and roots until it returns (it may call back into
    // wasm code that collects). Typed host functions (`rawHostBody`) take none of these types.
    let tracesArguments = !callee.tracedArgumentSlots.isEmpty
    if tracesArguments { store.hostArguments.append((args, callee.tracedArgumentSlots)) }
    defer { if tracesArguments { store.hostArguments.removeLast() } }
    do {
        if let raw = callee.rawHostBody {
            try raw(args)
        } else if let body = callee.hostBody {
            try callValueHost(callee, body, caller: Caller(store: store, rawInstance: caller), args: args)
        } else {
            return KITE_TRAP_HOST.rawValue
        }
        return KITE_TRAP_NONE.rawValue
    } catch let trap as Trap where trap.message == "call stack exhausted" {
        return KITE_TRAP_CALL_STACK_EXHAUSTED.rawValue
    } catch let exception as WasmException {
        // Thrown on into the wasm code that called: kite_call_host unwinds from the call.
        guard let raw = store.rawException(exception) else {
            store.pendingHostError = Trap("a host function threw an exception whose tag or values do not belong to this store")
            return KITE_TRAP_HOST.rawValue
        }
        store.context.pointee.exception = raw
        return KITE_TRAP_EXCEPTION.rawValue
    } catch {
        store.pendingHostError = error
        return KITE_TRAP_HOST.rawValue
    }
}

/// A `[Value]` host function: the arguments boxed from the slots, the results checked
/// against the function's type and written back. The argument array is the function's own,
/// reused: when the body kept it, or the function is re-entered, the array is shared and
/// `removeAll` gives this call a fresh one (copy-on-write), so reuse is never visible.
private func callValueHost(_ callee: Function, _ body: Function.Implementation, caller: Caller,
                           args: UnsafeMutablePointer<KiteSlot>) throws {
    let parameters = UnsafeMutableBufferPointer(rebasing: callee.signature[..<callee.parameterCount])
    let resultTypes = UnsafeMutableBufferPointer(rebasing: callee.signature[parameters.count...])
    // Taken out while the body runs: a nested call of the same function finds [] there.
    var arguments: [Value] = []
    swap(&arguments, &callee.argumentBuffer!.pointee)
    var slot = args
    if arguments.count == parameters.count {
        // The usual case: last call's array, overwritten in place.
        for i in parameters.indices {
            arguments[i] = Value.load(parameters[i], from: slot)
            slot += parameters[i].slotCount
        }
    } else {
        for t in parameters {
            arguments.append(Value.load(t, from: slot))
            slot += t.slotCount
        }
    }
    let results = try body(caller, arguments)
    swap(&arguments, &callee.argumentBuffer!.pointee)
    guard results.count == resultTypes.count else { throw resultMismatch(results, callee.type) }
    slot = args
    for i in resultTypes.indices {
        let value = results[i], expected = resultTypes[i]
        // Ownership first: testing a GC value's type reads the object.
        if case .ref = value, !caller.store.admits(value) {
            throw resultMismatch(results, callee.type)
        }
        guard value.type == expected || value.fits(expected) else { throw resultMismatch(results, callee.type) }
        value.store(to: slot)
        slot += expected.slotCount
    }
}

private func resultMismatch(_ results: [Value], _ type: FunctionType) -> Trap {
    Trap("host function returned \(results.map(\.type)), expected \(type.results)")
}

/// Interrupts a store's metered code from any thread (`Store.interrupt()`).
public struct InterruptHandle: @unchecked Sendable {
    let store: Store
    /// `Store.interrupt()` on the store this handle was made for.
    public func interrupt() { store.interrupt() }
}

/// How a store's functions, tables and globals reach the store that owns them without
/// keeping it alive: the store clears `store` when it goes. (A `weak` reference would do the
/// same, but any weak reference moves the store's reference counts to a side table, which
/// makes every retain and release of the store, on every call, the slow kind.)
final class StoreLifetime: @unchecked Sendable {
    unowned(unsafe) var store: Store?
}
