import CKiteDispatch
import KiteBinary
import KiteTranslator

/// An exception tag (exception handling, Wasm 3.0): what a `throw` names and a `catch`
/// matches. Each tag a module defines is a new tag per instance; an imported tag is the
/// exporter's very tag, so modules that share one catch each other's exceptions.
public final class Tag: @unchecked Sendable {
    /// The exception's values, as the tag's parameters (its results are empty).
    public let type: FunctionType
    let handle: UnsafeMutablePointer<KiteTag>
    let owner: StoreLifetime
    /// The canonical id of its type (TypeRegistry): imports match by it exactly.
    let typeId: UInt32

    /// A new tag of `type` in `store`.
    public convenience init(store: Store, type: FunctionType) {
        self.init(store: store, type: type, typeId: RuntimeTypes.id(ofFunction: type))
    }

    init(store: Store, type: FunctionType, typeId: UInt32) {
        self.type = type
        self.typeId = typeId
        owner = store.lifetime
        handle = .allocate(capacity: 1)
        handle.initialize(to: KiteTag(slotCount: UInt32(type.parameters.reduce(0) { $0 + $1.slotCount }),
                                      typeIndex: 0, owner: nil))
        handle.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        store.tags.append(self)
    }

    deinit { handle.deallocate() }
}

/// A WebAssembly exception that no wasm code caught: thrown by `Function.invoke` (and every
/// call into wasm) with the tag and the values it was thrown with. A host function called
/// from wasm may throw one (a caught one, or a new one) for the wasm code to catch.
public struct WasmException: Error, CustomStringConvertible, @unchecked Sendable {
    /// The exception's tag.
    public let tag: Tag
    /// The values it carries (the tag's parameters).
    public let values: [Value]
    /// The wasm function that threw it, when known.
    public var function: String?
    /// The exception itself when it came from wasm: rethrown, it stays the same exception
    /// (an `exnref` to it compares equal).
    let raw: UnsafeMutablePointer<KiteException>?

    /// A new exception of `tag` with `values` (the tag's parameter types).
    public init(tag: Tag, values: [Value]) {
        self.init(tag: tag, values: values, raw: nil)
    }

    init(tag: Tag, values: [Value], raw: UnsafeMutablePointer<KiteException>?) {
        self.tag = tag
        self.values = values
        self.raw = raw
    }

    public var description: String {
        "uncaught wasm exception (\(values.map(\.description).joined(separator: ", ")))"
            + (function.map { " thrown in \($0)" } ?? "")
    }
}

extension Store {
    /// The exception `raw` as the host sees it.
    func hostException(_ raw: UnsafeMutablePointer<KiteException>) -> WasmException {
        let tag = Unmanaged<Tag>.fromOpaque(raw.pointee.tag.pointee.owner).takeUnretainedValue()
        var slot = UnsafeMutableRawPointer(raw).advanced(by: MemoryLayout<KiteException>.size)
            .assumingMemoryBound(to: KiteSlot.self)
        let values = tag.type.parameters.map { t in
            defer { slot += t.slotCount }
            return Value.load(t, from: slot)
        }
        return WasmException(tag: tag, values: values, raw: raw)
    }

    /// `exception` as the interpreter holds it: itself if wasm threw it, else a new one.
    /// Nil when its tag belongs to another store or its values do not fit the tag.
    func rawException(_ exception: WasmException) -> UnsafeMutablePointer<KiteException>? {
        guard exception.tag.owner === lifetime else { return nil }
        if let raw = exception.raw { return raw }
        let types = exception.tag.type.parameters
        guard exception.values.count == types.count,
              zip(exception.values, types).allSatisfy({ admits($0) && $0.fits($1) }) else { return nil }
        let slots = UnsafeMutablePointer<KiteSlot>.allocate(capacity: max(Int(exception.tag.handle.pointee.slotCount), 1))
        defer { slots.deallocate() }
        var slot = slots
        for (value, type) in zip(exception.values, types) {
            value.store(to: slot)
            slot += type.slotCount
        }
        return kite_new_exception(context, exception.tag.handle, slots)
    }

    /// The unwinder (see `KiteUnwindCall`): from the frame at `sp`, running at `pc`, outwards
    /// through the frame records of this invocation, the first catch clause of a handler
    /// region around the pc that takes the exception.
    func unwind(from pc: UnsafePointer<UInt64>, sp: UnsafeMutablePointer<KiteSlot>,
                exception: UnsafeMutablePointer<KiteException>) -> UnsafePointer<UInt64>? {
        var pc = pc, sp = sp
        var instance = context.pointee.instance
        let exit = kite_exit_pc()
        while true {
            if let instance, let (code, offset) = handlerCode(containing: pc, in: instance) {
                let regions = code.function.handlers
                // The innermost region around the pc, then the ones it passes exceptions on to.
                var index = regions.lastIndex { $0.start <= offset && offset < $0.end }
                while let current = index {
                    let region = regions[current]
                    index = region.next
                    for clause in region.clauses where clause.kind == .catchAll || clause.kind == .catchAllRef
                        || instance.pointee.tags[Int(clause.tag)] == exception.pointee.tag {
                        var slot = sp + clause.slot
                        if clause.kind == .catch || clause.kind == .catchRef {
                            let count = Int(exception.pointee.slotCount)
                            let values = UnsafeMutableRawPointer(exception).advanced(by: MemoryLayout<KiteException>.size)
                                .assumingMemoryBound(to: KiteSlot.self)
                            slot.update(from: values, count: count)
                            slot += count
                        }
                        if clause.kind == .catchRef || clause.kind == .catchAllRef {
                            slot.pointee = KiteSlot(u64: UInt64(UInt(bitPattern: exception)))
                        }
                        if let kept = clause.exceptionSlot {
                            sp[kept] = KiteSlot(u64: UInt64(UInt(bitPattern: exception)))
                        }
                        context.pointee.unwindSp = sp
                        context.pointee.instance = instance
                        return UnsafePointer(code.body + clause.pad)
                    }
                }
            }
            // Not caught in this frame: continue in its caller, inside the call instruction.
            let record = context.pointee.frameTop - 1
            guard record.pointee.returnPc != exit else { return nil }
            context.pointee.frameTop = record
            pc = record.pointee.returnPc - 1
            sp = record.pointee.callerSp
            instance = record.pointee.callerInstance
        }
    }

    /// The translated function of `instance`'s module whose code holds `pc`, if it has
    /// handler regions, and the pc's word offset in it.
    private func handlerCode(containing pc: UnsafePointer<UInt64>,
                             in instance: UnsafeMutablePointer<KiteInstance>) -> (FunctionCode, Int)? {
        guard let owner = instance.pointee.owner else { return nil }
        let module = Unmanaged<Instance>.fromOpaque(owner).takeUnretainedValue().module
        for code in module.codesWithHandlers() where code.contains(pc) {
            return (code, UnsafePointer(code.body).distance(to: pc))
        }
        return nil
    }
}

/// C calls this for a throw (see `KiteUnwindCall`).
let kiteUnwindTrampoline: KiteUnwindCall = { context, pc, sp, exception in
    guard let context, let pc, let sp, let exception, let ownerPointer = context.pointee.owner else { return nil }
    return Unmanaged<Store>.fromOpaque(ownerPointer).takeUnretainedValue().unwind(from: pc, sp: sp, exception: exception)
}
