import KiteBinary

/// What a function body may refer to: the module's index spaces, imports first.
struct ModuleContext: Sendable {
    var types: [FunctionType]
    /// Every type definition, by type index (module-local indices).
    var definitions: [SubType]
    /// The canonical id of each type index (TypeRegistry), and the registry's entries for
    /// them (every id a module's definitions mention is one of its own types).
    var canonicalIDs: [UInt32] = []
    var canonicalEntries: [UInt32: TypeRegistry.Entry] = [:]
    /// Why the type section is invalid, if it is (reported first by module validation).
    var typeSectionError: ValidationError?
    /// Type index of every function, imported ones first.
    var functionTypes: [UInt32]
    var globals: [GlobalType]
    var tables: [TableType]
    var memories: [MemoryType]
    /// Type index of every exception tag, imported ones first.
    var tags: [UInt32]
    var elementTypes: [RefType]
    /// nil when the module has no data count section.
    var dataCount: UInt32?
    /// Functions that `ref.func` may name (C.refs in the spec).
    var declaredFunctions: Set<UInt32>
    /// Number of imported globals (constant expressions of Wasm 2.0 may read only those).
    var importedGlobalCount: Int
    /// Number of imported functions: the others are the module's own.
    var importedFunctionCount: Int
    /// Metered translation: every function entry and loop header charges fuel and checks for
    /// an interrupt (`meter`). A compile option: unmetered code pays nothing.
    var metered = false
    /// Record the wasm byte offset each register instruction came from
    /// (`CompiledFunction.sourceOffsets`): for listings such as the exact profiler's.
    var recordsSourceOffsets = false

    init(module: Module) {
        types = module.types
        definitions = module.typeDefinitions
        do {
            canonicalIDs = try TypeRegistry.shared.canonicalize(module, offset: module.offset(ofSection: 1))
            for id in canonicalIDs where canonicalEntries[id] == nil { canonicalEntries[id] = TypeRegistry.shared.entry(id) }
        } catch let error as ValidationError {
            typeSectionError = error
            canonicalIDs = []
        } catch {
            typeSectionError = ValidationError("\(error)", offset: module.offset(ofSection: 1))
        }
        var functionTypes: [UInt32] = []
        var globals: [GlobalType] = []
        var tables: [TableType] = []
        var memories: [MemoryType] = []
        var tags: [UInt32] = []
        for entry in module.imports {
            switch entry.descriptor {
            case .function(let t): functionTypes.append(t)
            case .global(let g): globals.append(g)
            case .table(let t): tables.append(t)
            case .memory(let m): memories.append(m)
            case .tag(let t): tags.append(t)
            }
        }
        importedGlobalCount = globals.count
        importedFunctionCount = functionTypes.count
        functionTypes += module.functions
        tags += module.tags
        globals += module.globals.map(\.type)
        tables += module.tables
        memories += module.memories
        self.functionTypes = functionTypes
        self.globals = globals
        self.tables = tables
        self.memories = memories
        self.tags = tags
        elementTypes = module.elements.map(\.type)
        dataCount = module.dataCount
        var declared = Set<UInt32>()
        func scan(_ expr: ConstExpression) {
            for case .refFunc(let f) in expr.instructions { declared.insert(f) }
        }
        module.globals.forEach { scan($0.initializer) }
        module.tableInitializers.forEach { $0.map(scan) }
        for segment in module.elements {
            switch segment.items {
            case .functions(let indices, _): declared.formUnion(indices)
            case .expressions(let expressions): expressions.forEach(scan)
            }
            if case .active(_, let offset) = segment.mode { scan(offset) }
        }
        for segment in module.data {
            if case .active(_, let offset) = segment.mode { scan(offset) }
        }
        for export in module.exports {
            if case .function(let f) = export.descriptor { declared.insert(f) }
        }
        declaredFunctions = declared
    }

    func functionType(_ index: UInt32, offset: Int) throws -> FunctionType {
        guard Int(index) < functionTypes.count else { throw ValidationError("unknown function \(index)", offset: offset) }
        return types[Int(functionTypes[Int(index)])]
    }

    /// The function type of type index `index` (which must be one).
    func type(_ index: UInt32, offset: Int) throws -> FunctionType {
        guard Int(index) < types.count else { throw ValidationError("unknown type \(index)", offset: offset) }
        guard case .function = definitions[Int(index)].composite else { throw ValidationError("type mismatch", offset: offset) }
        return types[Int(index)]
    }

    /// The fields of struct type `index`.
    func structType(_ index: UInt32, offset: Int) throws -> [FieldType] {
        guard Int(index) < definitions.count else { throw ValidationError("unknown type \(index)", offset: offset) }
        guard case .structure(let fields) = definitions[Int(index)].composite else { throw ValidationError("type mismatch", offset: offset) }
        return fields
    }

    /// The element of array type `index`.
    func arrayType(_ index: UInt32, offset: Int) throws -> FieldType {
        guard Int(index) < definitions.count else { throw ValidationError("unknown type \(index)", offset: offset) }
        guard case .array(let element) = definitions[Int(index)].composite else { throw ValidationError("type mismatch", offset: offset) }
        return element
    }

    /// The type of tag `index` (its parameters are the exception's values).
    func tagType(_ index: UInt32, offset: Int) throws -> FunctionType {
        guard Int(index) < tags.count else { throw ValidationError("unknown tag \(index)", offset: offset) }
        return types[Int(tags[Int(index)])]
    }

    /// The values a catch clause delivers to its label.
    func caughtTypes(_ clause: Catch, offset: Int) throws -> [ValueType] {
        let exnref = ValueType.ref(RefType(nullable: false, heap: .exn))
        switch clause.kind {
        case .catch: return try tagType(clause.tag, offset: offset).parameters
        case .catchRef: return try tagType(clause.tag, offset: offset).parameters + [exnref]
        case .catchAll: return []
        case .catchAllRef: return [exnref]
        }
    }

    /// The label of a catch clause takes the values the clause delivers.
    func checkCatch(_ clause: Catch, labelTypes: [ValueType], offset: Int) throws {
        let delivered = try caughtTypes(clause, offset: offset)
        guard labelTypes.count == delivered.count, zip(delivered, labelTypes).allSatisfy({ isSubtype($0, $1) }) else {
            throw ValidationError("type mismatch", offset: offset)
        }
    }

    func blockType(_ blockType: BlockType, offset: Int) throws -> FunctionType {
        switch blockType {
        case .empty: return FunctionType(parameters: [], results: [])
        case .value(let t):
            try checkTypeIndices(t, offset: offset)
            return FunctionType(parameters: [], results: [t])
        case .typeIndex(let i): return try type(i, offset: offset)
        }
    }

    func global(_ index: UInt32, offset: Int) throws -> GlobalType {
        guard Int(index) < globals.count else { throw ValidationError("unknown global \(index)", offset: offset) }
        return globals[Int(index)]
    }

    func table(_ index: UInt32, offset: Int) throws -> TableType {
        guard Int(index) < tables.count else { throw ValidationError("unknown table \(index)", offset: offset) }
        return tables[Int(index)]
    }

    func memory(_ index: UInt32, offset: Int) throws -> MemoryType {
        guard Int(index) < memories.count else { throw ValidationError("unknown memory \(index)", offset: offset) }
        return memories[Int(index)]
    }

    func elementType(_ index: UInt32, offset: Int) throws -> RefType {
        guard Int(index) < elementTypes.count else { throw ValidationError("unknown elem segment \(index)", offset: offset) }
        return elementTypes[Int(index)]
    }

    func checkData(_ index: UInt32, offset: Int) throws {
        guard let count = dataCount else { throw DecodingError("data count section required", offset: offset) }
        guard index < count else { throw ValidationError("unknown data segment \(index)", offset: offset) }
    }
}
