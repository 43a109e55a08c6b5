import CKiteDispatch
import KiteBinary

/// A Swift type that is a Wasm number type: typed calls and typed host functions move it
/// straight between Swift and the interpreter's frame, with no `[Value]` array per call.
public protocol WasmType {
    static var valueType: ValueType { get }
    init(slot: KiteSlot)
    var slot: KiteSlot { get }
}

extension Int32: WasmType {
    public static var valueType: ValueType { .i32 }
    public init(slot: KiteSlot) { self = Int32(truncatingIfNeeded: slot.u64) }
    public var slot: KiteSlot { KiteSlot(u64: UInt64(UInt32(bitPattern: self))) }
}
extension UInt32: WasmType {
    public static var valueType: ValueType { .i32 }
    public init(slot: KiteSlot) { self = UInt32(truncatingIfNeeded: slot.u64) }
    public var slot: KiteSlot { KiteSlot(u64: UInt64(self)) }
}
extension Int64: WasmType {
    public static var valueType: ValueType { .i64 }
    public init(slot: KiteSlot) { self = Int64(bitPattern: slot.u64) }
    public var slot: KiteSlot { KiteSlot(u64: UInt64(bitPattern: self)) }
}
extension UInt64: WasmType {
    public static var valueType: ValueType { .i64 }
    public init(slot: KiteSlot) { self = slot.u64 }
    public var slot: KiteSlot { KiteSlot(u64: self) }
}
extension Float: WasmType {
    public static var valueType: ValueType { .f32 }
    public init(slot: KiteSlot) { self = Float(bitPattern: UInt32(truncatingIfNeeded: slot.u64)) }
    public var slot: KiteSlot { KiteSlot(u64: UInt64(bitPattern)) }
}
extension Double: WasmType {
    public static var valueType: ValueType { .f64 }
    public init(slot: KiteSlot) { self = Double(bitPattern: slot.u64) }
    public var slot: KiteSlot { KiteSlot(u64: bitPattern) }
}

/// A guest function called with Swift values: `let add = try f.typed(Int32.self, Int32.self,
/// returning: Int32.self)`, then `try add(1, 2)`. The signature is checked once, when the
/// handle is made; each call writes the arguments into the frame and reads the result back.
public struct TypedFunction<each P: WasmType, R: WasmType> {
    /// The function this handle calls.
    public let function: Function

    /// Calls the function: the arguments go straight into its frame, the result comes
    /// straight out of it. Throws `Trap` as `invoke` does.
    public func callAsFunction(_ arguments: repeat each P) throws -> R {
        guard let store = function.store else { throw Trap("the store of this function was released") }
        let base = store.nextFrameBase
        guard base + 2 * max(function.type.parameters.count, 1) < store.context.pointee.stackLimit else {
            throw Trap("call stack exhausted")
        }
        var slot = base
        for argument in repeat each arguments {
            slot.pointee = argument.slot
            slot += 1
        }
        try store.run(function, at: base)
        return R(slot: base.pointee)
    }
}

extension Function {
    /// This function as a `TypedFunction` taking `parameters` and returning `R`; throws a
    /// `Trap` naming both signatures when they differ from the function's type.
    public func typed<each P: WasmType, R: WasmType>(_ parameters: repeat (each P).Type,
                                                     returning: R.Type) throws -> TypedFunction<repeat each P, R> {
        var types: [ValueType] = []
        for p in repeat each parameters { types.append(p.valueType) }
        guard type == FunctionType(parameters: types, results: [R.valueType]) else {
            throw Trap("type mismatch: \(type) used as \(FunctionType(parameters: types, results: [R.valueType]))")
        }
        return TypedFunction(function: self)
    }

    /// A host function from a typed Swift closure: no `[Value]` arrays, the arguments come
    /// straight from the guest's frame and the result goes straight back.
    public convenience init<each P: WasmType, R: WasmType>(store: Store, _ body: @escaping (repeat each P) throws -> R) {
        var types: [ValueType] = []
        for p in repeat (each P).self { types.append(p.valueType) }
        var record = KiteFunction()
        record.kind = KITE_FUNCTION_HOST.rawValue
        self.init(store: store, type: FunctionType(parameters: types, results: [R.valueType]), record: record, hostBody: nil)
        rawHostBody = { slots in
            var slot = slots
            func next<T: WasmType>(_: T.Type) -> T {
                defer { slot += 1 }
                return T(slot: slot.pointee)
            }
            let result = try body(repeat next((each P).self))
            slots.pointee = result.slot
        }
    }

    /// A host function on raw slots: `body` reads the arguments from `slots[0...]` (one slot
    /// each, v128 two) and writes the results from `slots[0]` on. The fastest host call.
    public static func raw(store: Store, type: FunctionType,
                           body: @escaping (UnsafeMutablePointer<KiteSlot>) throws -> Void) -> Function {
        var record = KiteFunction()
        record.kind = KITE_FUNCTION_HOST.rawValue
        let function = Function(store: store, type: type, record: record, hostBody: nil)
        function.rawHostBody = body
        return function
    }
}
