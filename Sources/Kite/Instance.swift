import CKiteDispatch
import KiteBinary

/// An instantiated module: its functions, tables, memories and globals (imports first),
/// and the C record the interpreter reads them through.
public final class Instance: @unchecked Sendable {
    /// The module this is an instance of (as translated for its store's engine).
    public let module: CompiledModule
    /// What the instance exports, by name (`exports[function: "main"]`) or in order.
    public private(set) var exports = Exports(entries: [], byName: [:])
    let raw: UnsafeMutablePointer<KiteInstance>
    var functions: [Function] = []
    var tables: [Table] = []
    var memories: [Memory] = []
    var globals: [Global] = []
    var tags: [Tag] = []
    // C-side arrays the handlers index; owned here.
    let functionPointers: UnsafeMutableBufferPointer<UnsafeMutablePointer<KiteFunction>?>
    let globalPointers: UnsafeMutableBufferPointer<UnsafeMutablePointer<KiteSlot>?>
    let tablePointers: UnsafeMutableBufferPointer<UnsafeMutablePointer<KiteTable>?>
    let memoryPointers: UnsafeMutableBufferPointer<UnsafeMutablePointer<KiteMemory>?>
    let typeIds: UnsafeMutableBufferPointer<UInt32>
    let tagPointers: UnsafeMutableBufferPointer<UnsafeMutablePointer<KiteTag>?>
    let data: UnsafeMutableBufferPointer<KiteData>
    let elements: UnsafeMutableBufferPointer<KiteElements>
    // The contents of every element and data segment, one block for each kind (not one
    // allocation per segment: a module can bring millions of segments).
    var elementSlots = UnsafeMutableBufferPointer<KiteSlot>(start: nil, count: 0)
    var dataStorage = UnsafeMutableBufferPointer<UInt8>(start: nil, count: 0)

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
        let importedTags = m.imports.filter { if case .tag = $0.descriptor { true } else { false } }.count
        tagPointers = .allocate(capacity: max(importedTags + m.tags.count, 1))
        data = .allocate(capacity: max(m.data.count, 1))
        elements = .allocate(capacity: max(m.elements.count, 1))
        // Empty until instantiation fills them (the collector reads them, even if it fails half way).
        data.initialize(repeating: KiteData(bytes: nil, length: 0))
        elements.initialize(repeating: KiteElements(items: nil, count: 0))
        for i in m.types.indices { typeIds[i] = module.typeIDs[i] }
        memoryPointers[0] = store.emptyMemory.handle
        raw.pointee.functions = functionPointers.baseAddress
        raw.pointee.globals = globalPointers.baseAddress
        raw.pointee.tables = tablePointers.baseAddress
        raw.pointee.memories = memoryPointers.baseAddress
        raw.pointee.typeIds = UnsafePointer(typeIds.baseAddress)
        raw.pointee.data = data.baseAddress
        raw.pointee.elements = elements.baseAddress
        raw.pointee.tags = tagPointers.baseAddress
        raw.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit {
        functionPointers.deallocate()
        globalPointers.deallocate()
        tablePointers.deallocate()
        memoryPointers.deallocate()
        typeIds.deallocate()
        tagPointers.deallocate()
        data.deallocate()
        elements.deallocate()
        dataStorage.deallocate()
        elementSlots.deallocate()
        raw.deallocate()
    }

    /// The export called `name`, of any kind (`exports[name]`).
    public func export(_ name: String) -> ExternalValue? { exports[name] }

    /// `exports[function: name]`.
    public func exportedFunction(_ name: String) -> Function? { exports[function: name] }
    /// `exports[memory: name]`.
    public func exportedMemory(_ name: String) -> Memory? { exports[memory: name] }
    /// `exports[global: name]`.
    public func exportedGlobal(_ name: String) -> Global? { exports[global: name] }
    /// `exports[table: name]`.
    public func exportedTable(_ name: String) -> Table? { exports[table: name] }

    /// Sets the exports once every entity exists (instantiation's last linking step).
    func setExports(_ entries: [(name: String, value: ExternalValue)]) {
        var byName: [[UInt8]: ExternalValue] = [:]
        for (name, value) in entries { byName[Array(name.utf8)] = value }
        exports = Exports(entries: entries, byName: byName)
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

    func add(_ tag: Tag) {
        tagPointers[tags.count] = tag.handle
        tags.append(tag)
    }

    func add(_ global: Global) {
        globalPointers[globals.count] = global.cell
        globals.append(global)
    }
}
