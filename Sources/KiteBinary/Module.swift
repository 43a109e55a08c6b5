// A decoded (not yet validated) module: what the binary format says, nothing more.
// Function bodies stay as byte ranges; `CodeReader` decodes them on demand, so the
// translator can validate and translate in a single pass over each body.

public struct Module: Sendable {
    public var types: [FunctionType] = []
    public var imports: [Import] = []
    /// Type indices of the functions this module defines (not imported ones).
    public var functions: [UInt32] = []
    public var tables: [TableType] = []
    /// Initializer expressions of the defined tables (Wasm 3.0), by table; shorter than
    /// `tables` (or empty) when the last tables have none. Missing means null references.
    public var tableInitializers: [ConstExpression?] = []
    public var memories: [MemoryType] = []
    /// Exception tags (Wasm 3.0), by type index.
    public var tags: [UInt32] = []
    public var globals: [Global] = []
    public var exports: [Export] = []
    public var start: UInt32?
    public var elements: [ElementSegment] = []
    public var dataCount: UInt32?
    public var codes: [Code] = []
    public var data: [DataSegment] = []
    public var customSections: [CustomSection] = []
    /// The module's bytes; `Code.body` ranges index into this.
    public var bytes: [UInt8] = []
    /// Byte offset of each section's content, by section id (for error messages about
    /// module-level definitions).
    public var sectionOffsets: [UInt8: Int] = [:]

    /// Where section `id` starts, or 0 when the module has none.
    public func offset(ofSection id: UInt8) -> Int { sectionOffsets[id] ?? 0 }

    public init() {}

    public var importedFunctionCount: Int { imports.count { if case .function = $0.descriptor { true } else { false } } }
    public var importedTableCount: Int { imports.count { if case .table = $0.descriptor { true } else { false } } }
    public var importedMemoryCount: Int { imports.count { if case .memory = $0.descriptor { true } else { false } } }
    public var importedGlobalCount: Int { imports.count { if case .global = $0.descriptor { true } else { false } } }
}

public struct Import: Sendable {
    public var module: String
    public var name: String
    public var descriptor: ImportDescriptor
    public init(module: String, name: String, descriptor: ImportDescriptor) {
        self.module = module
        self.name = name
        self.descriptor = descriptor
    }
}

public enum ImportDescriptor: Sendable {
    case function(typeIndex: UInt32)
    case table(TableType)
    case memory(MemoryType)
    case global(GlobalType)
    case tag(typeIndex: UInt32)
}

public struct Export: Sendable {
    public var name: String
    public var descriptor: ExportDescriptor
    public init(name: String, descriptor: ExportDescriptor) {
        self.name = name
        self.descriptor = descriptor
    }
}

public enum ExportDescriptor: Sendable, Hashable {
    case function(UInt32)
    case table(UInt32)
    case memory(UInt32)
    case global(UInt32)
    case tag(UInt32)
}

/// A constant expression, kept as its instructions (without the final `end`).
/// Validation (constness, types) is the translator's job.
public struct ConstExpression: Sendable {
    public var instructions: [Instruction]
    /// Byte offset of the expression in the module, for error messages.
    public var offset: Int
    public init(instructions: [Instruction], offset: Int) {
        self.instructions = instructions
        self.offset = offset
    }
}

public struct Global: Sendable {
    public var type: GlobalType
    public var initializer: ConstExpression
    public init(type: GlobalType, initializer: ConstExpression) {
        self.type = type
        self.initializer = initializer
    }
}

public struct ElementSegment: Sendable {
    public enum Mode: Sendable {
        case passive
        case declarative
        case active(table: UInt32, offset: ConstExpression)
    }
    public var type: RefType
    /// Every element as a constant expression (`ref.func i` for the index-list forms).
    public var initializers: [ConstExpression]
    public var mode: Mode
    public init(type: RefType, initializers: [ConstExpression], mode: Mode) {
        self.type = type
        self.initializers = initializers
        self.mode = mode
    }
}

public struct DataSegment: Sendable {
    public enum Mode: Sendable {
        case passive
        case active(memory: UInt32, offset: ConstExpression)
    }
    public var bytes: [UInt8]
    public var mode: Mode
    public init(bytes: [UInt8], mode: Mode) {
        self.bytes = bytes
        self.mode = mode
    }
}

public struct Code: Sendable {
    /// Declared locals (not parameters), expanded: one entry per local.
    public var locals: [ValueType]
    /// Byte range of the instruction sequence (after the locals, through the final `end`) in `Module.bytes`.
    public var body: Range<Int>
    public init(locals: [ValueType], body: Range<Int>) {
        self.locals = locals
        self.body = body
    }
}

public struct CustomSection: Sendable {
    public var name: String
    public var bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
