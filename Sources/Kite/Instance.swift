import CKiteDispatch
import KiteBinary

/// An instantiated module: its functions, tables, memories and globals (imports first),
/// and the C record the interpreter reads them through.
public final class Instance: @unchecked Sendable {
    public let module: CompiledModule
    /// Exports in declaration order.
    public internal(set) var exports: [(name: String, value: ExternalValue)] = []
    /// Exports by the bytes of their name: Wasm names are compared byte-wise, while Swift
    /// String equality would merge canonically equivalent spellings.
    var exportsByName: [[UInt8]: ExternalValue] = [:]
    let raw: UnsafeMutablePointer<KiteInstance>
    var functions: [Function] = []
    var tables: [Table] = []
    var memories: [Memory] = []
    var globals: [Global] = []
    // C-side arrays the handlers index; owned here.
    let functionPointers: UnsafeMutableBufferPointer<UnsafeMutablePointer<KiteFunction>?>
    let globalPointers: UnsafeMutableBufferPointer<UnsafeMutablePointer<KiteSlot>?>
    let tablePointers: UnsafeMutableBufferPointer<UnsafeMutablePointer<KiteTable>?>
    let memoryPointers: UnsafeMutableBufferPointer<UnsafeMutablePointer<KiteMemory>?>
    let typeIds: UnsafeMutableBufferPointer<UInt32>
    let data: UnsafeMutableBufferPointer<KiteData>
    let elements: UnsafeMutableBufferPointer<KiteElements>
    var dataBytes: [UnsafeMutableBufferPointer<UInt8>] = []
    var elementItems: [UnsafeMutableBufferPointer<KiteSlot>] = []

    init(module: CompiledModule, store: Store) {
        self.module = module
        let m = module.module
        raw = .allocate(capacity: 1)
        raw.initialize(to: KiteInstance())
        functionPointers = .allocate(capacity: max(m.importedFunctionCount + m.functions.count, 1))
        globalPointers = .allocate(capacity: max(m.importedGlobalCount + m.globals.count, 1))
        tablePointers = .allocate(capacity: max(m.importedTableCount + m.tables.count, 1))
        memoryPointers = .allocate(capacity: max(m.importedMemoryCount + m.memories.count, 1))
        typeIds = .allocate(capacity: max(m.types.count, 1))
        data = .allocate(capacity: max(m.data.count, 1))
        elements = .allocate(capacity: max(m.elements.count, 1))
        for (i, t) in m.types.enumerated() { typeIds[i] = store.typeId(t) }
        memoryPointers[0] = store.emptyMemory.handle
        raw.pointee.functions = functionPointers.baseAddress
        raw.pointee.globals = globalPointers.baseAddress
        raw.pointee.tables = tablePointers.baseAddress
        raw.pointee.memories = memoryPointers.baseAddress
        raw.pointee.typeIds = UnsafePointer(typeIds.baseAddress)
        raw.pointee.data = data.baseAddress
        raw.pointee.elements = elements.baseAddress
    }

    deinit {
        functionPointers.deallocate()
        globalPointers.deallocate()
        tablePointers.deallocate()
        memoryPointers.deallocate()
        typeIds.deallocate()
        data.deallocate()
        elements.deallocate()
        dataBytes.forEach { $0.deallocate() }
        elementItems.forEach { $0.deallocate() }
        raw.deallocate()
    }

    public func export(_ name: String) -> ExternalValue? { exportsByName[Array(name.utf8)] }

    public func exportedFunction(_ name: String) -> Function? {
        if case .function(let f)? = export(name) { return f }
        return nil
    }

    public func exportedMemory(_ name: String) -> Memory? {
        if case .memory(let m)? = export(name) { return m }
        return nil
    }

    public func exportedGlobal(_ name: String) -> Global? {
        if case .global(let g)? = export(name) { return g }
        return nil
    }

    public func exportedTable(_ name: String) -> Table? {
        if case .table(let t)? = export(name) { return t }
        return nil
    }

    func addExport(_ name: String, _ value: ExternalValue) {
        exports.append((name, value))
        exportsByName[Array(name.utf8)] = value
    }

    func add(_ function: Function) {
        functionPointers[functions.count] = function.handle
        functions.append(function)
    }

    func add(_ table: Table) {
        tablePointers[tables.count] = table.handle
        tables.append(table)
    }

    func add(_ memory: Memory) {
        memoryPointers[memories.count] = memory.handle
        memories.append(memory)
    }

    func add(_ global: Global) {
        globalPointers[globals.count] = global.cell
        globals.append(global)
    }
}
