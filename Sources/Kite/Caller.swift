import CKiteDispatch

/// Who called a host function: the store it runs in and, when wasm code made the call, that
/// code's instance (through which the function reaches the guest's exported memory).
///
/// Valid during the call it was made for (keep the store or instance, not the caller).
public struct Caller {
    /// The store outlives every call running in it, so the caller does not retain it.
    unowned(unsafe) let storage: Store
    let rawInstance: UnsafeMutablePointer<KiteInstance>?

    init(store: Store, rawInstance: UnsafeMutablePointer<KiteInstance>?) {
        storage = store
        self.rawInstance = rawInstance
    }

    /// The store the call runs in.
    public var store: Store { storage }

    /// The instance whose code called; nil when the host called the function directly.
    public var instance: Instance? {
        guard let owner = rawInstance?.pointee.owner else { return nil }
        return Unmanaged<Instance>.fromOpaque(owner).takeUnretainedValue()
    }

    /// The engine of the store.
    public var engine: Engine { store.engine }
}
