import CKiteDispatch
import Foundation
import KiteBinary
import KiteTranslator

/// The runtime's record of each canonical type (`KiteRTT`): made once per id, when the first
/// module or host function using it appears, and never freed (ids never die either). The C
/// side finds them by id in `kite_rtt_table`, which is what casts, `call_indirect`'s subtype
/// check and allocation read.
enum RuntimeTypes {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var registered = Set<UInt32>()

    /// Makes sure every id in `ids`, and every id their definitions and displays mention, has
    /// its record.
    static func register(_ ids: [UInt32]) {
        lock.lock()
        defer { lock.unlock() }
        var pending = ids
        while let id = pending.popLast() {
            guard registered.insert(id).inserted else { continue }
            let entry = TypeRegistry.shared.entry(id)
            pending += entry.display
            entry.definition.forEachTypeIndex { pending.append($0) }
            kite_rtt_register(id, make(entry))
        }
    }

    private static func make(_ entry: TypeRegistry.Entry) -> UnsafePointer<KiteRTT> {
        let rtt = UnsafeMutablePointer<KiteRTT>.allocate(capacity: 1)
        rtt.initialize(to: KiteRTT())
        rtt.pointee.id = entry.id
        rtt.pointee.depth = UInt32(entry.depth)
        rtt.pointee.display = UnsafePointer(copy(entry.display))
        switch entry.definition.composite {
        case .function:
            rtt.pointee.kind = KITE_KIND_FUNC.rawValue
        case .structure(let fields):
            let layout = ObjectLayout.fieldOffsets(fields)
            rtt.pointee.kind = KITE_KIND_STRUCT.rawValue
            rtt.pointee.size = layout.size
            rtt.pointee.fieldCount = UInt32(fields.count)
            rtt.pointee.fieldOffsets = UnsafePointer(copy(layout.offsets))
            rtt.pointee.fieldStorage = UnsafePointer(copy(fields.map { storageCode($0.storage) }))
        case .array(let element):
            rtt.pointee.kind = KITE_KIND_ARRAY.rawValue
            rtt.pointee.size = UInt32(element.storage.byteSize)
            rtt.pointee.fieldCount = 1
            rtt.pointee.fieldStorage = UnsafePointer(copy([storageCode(element.storage)]))
        }
        return UnsafePointer(rtt)
    }

    private static func copy<T>(_ values: [T]) -> UnsafeMutablePointer<T> {
        let p = UnsafeMutablePointer<T>.allocate(capacity: max(values.count, 1))
        _ = UnsafeMutableBufferPointer(start: p, count: values.count).initialize(from: values)
        return p
    }

    static func storageCode(_ storage: StorageType) -> UInt8 {
        switch storage {
        case .i8: return UInt8(KITE_STORAGE_I8.rawValue)
        case .i16: return UInt8(KITE_STORAGE_I16.rawValue)
        case .value(.i32): return UInt8(KITE_STORAGE_I32.rawValue)
        case .value(.i64): return UInt8(KITE_STORAGE_I64.rawValue)
        case .value(.f32): return UInt8(KITE_STORAGE_F32.rawValue)
        case .value(.f64): return UInt8(KITE_STORAGE_F64.rawValue)
        case .value(.v128): return UInt8(KITE_STORAGE_V128.rawValue)
        case .value(.ref): return UInt8(KITE_STORAGE_REF.rawValue)
        }
    }

    /// The id of a host function's type (its record's `typeId`), its record made.
    static func id(ofFunction type: FunctionType) -> UInt32 {
        let id = TypeRegistry.shared.id(ofFunction: type)
        register([id])
        return id
    }

    /// `a <: b` for canonical ids.
    static func isSubtype(_ a: UInt32, _ b: UInt32) -> Bool {
        if a == b { return true }
        let sub = TypeRegistry.shared.entry(a), sup = TypeRegistry.shared.entry(b)
        return sub.depth > sup.depth && sub.display[sup.depth] == b
    }
}

extension CompiledModule {
    /// A type with its concrete heap types renamed from this module's type indices to
    /// canonical ids, so types from different modules compare directly. The host declares
    /// its functions, globals and tables for this module's imports in these terms.
    public func canonical(_ type: ValueType) -> ValueType {
        guard case .ref(let r) = type else { return type }
        return .ref(canonical(r))
    }

    public func canonical(_ type: RefType) -> RefType {
        guard case .concrete(let i) = type.heap, Int(i) < typeIDs.count else { return type }
        return RefType(nullable: type.nullable, heap: .concrete(typeIDs[Int(i)]))
    }

    public func canonical(_ type: FunctionType) -> FunctionType {
        FunctionType(parameters: type.parameters.map(canonical), results: type.results.map(canonical))
    }

    public func canonical(_ type: GlobalType) -> GlobalType {
        GlobalType(valueType: canonical(type.valueType), mutable: type.mutable)
    }

    public func canonical(_ type: TableType) -> TableType {
        TableType(elementType: canonical(type.elementType), limits: type.limits)
    }
}
