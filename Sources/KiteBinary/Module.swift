// A decoded (not yet validated) module: what the binary format says, nothing more.
// Function bodies stay as byte ranges; `CodeReader` decodes them on demand, so the
// translator can validate and translate in a single pass over each body.

/// The sections of a decoded binary module, before validation.
public struct Module: Sendable {
    /// The type section: every type definition by type index (functions, structs, arrays,
    /// with their supertypes and finality).
    public var typeDefinitions: [SubType] = []
    /// The type section's recursion groups, as ranges of type indices, in order (a type
    /// outside `rec` is a group of one).
    public var recGroups: [Range<Int>] = []
    /// The function type of each type index. A struct or array definition has an empty
    /// signature here; validation makes sure only function types are used as signatures.
    public var types: [FunctionType] = []
    /// The import section, in order; imports come first in each index space.
    public var imports: [Import] = []
    /// Type indices of the functions this module defines (not imported ones).
    public var functions: [UInt32] = []
    /// Tables the module defines (not imported ones).
    public var tables: [TableType] = []
    /// Initializer expressions of the defined tables (Wasm 3.0), by table; shorter than
    /// `tables` (or empty) when the last tables have none. Missing means null references.
    public var tableInitializers: [ConstExpression?] = []
    /// Memories the module defines (not imported ones).
    public var memories: [MemoryType] = []
    /// Exception tags (Wasm 3.0), by type index.
    public var tags: [UInt32] = []
    /// Globals the module defines (not imported ones), with their initializers.
    public var globals: [Global] = []
    /// The export section: each export's name and what it exports.
    public var exports: [Export] = []
    /// Function index of the start function, if the module has a start section.
    public var start: UInt32?
    /// The element section: element segments, by element index.
    public var elements: [ElementSegment] = []
    /// The data count section's value: the number of data segments, when the section is present.
    public var dataCount: UInt32?
    /// The code section: one entry per defined function, in the order of `functions`.
    public var codes: [Code] = []
    /// The data section: data segments, by data index.
    public var data: [DataSegment] = []
    /// Custom sections, in the order they appear.
    public var customSections: [CustomSection] = []
    /// The module's bytes; `Code.body` ranges index into this.
    public var bytes: [UInt8] = []
    /// Byte offset of each section's content, by section id (for error messages about
    /// module-level definitions).
    public var sectionOffsets: [UInt8: Int] = [:]

    /// Where section `id` starts, or 0 when the module has none.
    public func offset(ofSection id: UInt8) -> Int { sectionOffsets[id] ?? 0 }

    /// An empty module: no sections.
    public init() {}

    /// Number of imported functions; defined functions' indices start after them.
    public var importedFunctionCount: Int { imports.count { if case .function = $0.descriptor { true } else { false } } }
    /// Number of imported tables; defined tables' indices start after them.
    public var importedTableCount: Int { imports.count { if case .table = $0.descriptor { true } else { false } } }
    /// Number of imported memories; defined memories' indices start after them.
    public var importedMemoryCount: Int { imports.count { if case .memory = $0.descriptor { true } else { false } } }
    /// Number of imported globals; defined globals' indices start after them.
    public var importedGlobalCount: Int { imports.count { if case .global = $0.descriptor { true } else { false } } }
}

/// One entry of the import section: a two-level name and the kind of thing imported.
public struct Import: Sendable {
    /// The first-level name: the module the import comes from.
    public var module: String
    /// The second-level name: the item within that module.
    public var name: String
    /// What is imported, with its type.
    public var descriptor: ImportDescriptor
    /// An import of `module`.`name`.
    public init(module: String, name: String, descriptor: ImportDescriptor) {
        self.module = module
        self.name = name
        self.descriptor = descriptor
    }
}

/// The kind and type of an import.
public enum ImportDescriptor: Sendable {
    case function(typeIndex: UInt32)
    case table(TableType)
    case memory(MemoryType)
    case global(GlobalType)
    case tag(typeIndex: UInt32)
}

/// One entry of the export section: a name and the index it exports.
public struct Export: Sendable {
    /// The export's name, unique within the module.
    public var name: String
    /// The kind of thing exported and its index.
    public var descriptor: ExportDescriptor
    /// An export of `descriptor` under `name`.
    public init(name: String, descriptor: ExportDescriptor) {
        self.name = name
        self.descriptor = descriptor
    }
}

/// The kind of an export and its index in that kind's index space.
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
    /// The expression's instructions, without the final `end`.
    public var instructions: [Instruction]
    /// Byte offset of the expression in the module, for error messages.
    public var offset: Int
    /// An expression of `instructions` found at byte offset `offset`.
    public init(instructions: [Instruction], offset: Int) {
        self.instructions = instructions
        self.offset = offset
    }
}

/// A global the module defines: its type and initializer expression.
public struct Global: Sendable {
    /// The global's value type and mutability.
    public var type: GlobalType
    /// Constant expression that gives the global's initial value.
    public var initializer: ConstExpression
    /// A global of `type` initialized by `initializer`.
    public init(type: GlobalType, initializer: ConstExpression) {
        self.type = type
        self.initializer = initializer
    }
}

/// An element segment: a vector of references used to initialize tables.
public struct ElementSegment: Sendable {
    /// How the segment is used: copied into a table at instantiation (active), by
    /// `table.init` (passive), or only to declare function references (declarative).
    public enum Mode: Sendable {
        case passive
        case declarative
        case active(table: UInt32, offset: ConstExpression)
    }
    /// The elements, in the form the binary gives them.
    public enum Items: Sendable {
        /// The index forms: each index `i` stands for `ref.func i` (8 bytes an element with its offset, not a
        /// constant expression's array: a segment of millions stays small); `offsets` holds where
        /// each index sits in the module, for error messages.
        case functions(indices: [UInt32], offsets: [UInt32])
        /// The expression forms: one constant expression per element.
        case expressions([ConstExpression])
    }
    /// The reference type of the segment's elements.
    public var type: RefType
    /// The segment's elements.
    public var items: Items
    /// Whether the segment is passive, declarative, or active (and for which table and offset).
    public var mode: Mode
    /// A segment of `items` of `type`, used as `mode` says.
    public init(type: RefType, items: Items, mode: Mode) {
        self.type = type
        self.items = items
        self.mode = mode
    }
    /// How many elements the segment has.
    public var count: Int {
        switch items {
        case .functions(let indices, _): indices.count
        case .expressions(let expressions): expressions.count
        }
    }
    /// Every element as a constant expression (`ref.func i` for the index forms, built on each use).
    public var initializers: [ConstExpression] {
        switch items {
        case .functions(let indices, let offsets):
            zip(indices, offsets).map { ConstExpression(instructions: [.refFunc($0)], offset: Int($1)) }
        case .expressions(let expressions): expressions
        }
    }
}

/// A data segment: bytes used to initialize a memory.
public struct DataSegment: Sendable {
    /// How the segment is used: copied into a memory at instantiation (active), or by
    /// `memory.init` (passive).
    public enum Mode: Sendable {
        case passive
        case active(memory: UInt32, offset: ConstExpression)
    }
    /// The segment's contents.
    public var bytes: [UInt8]
    /// Whether the segment is passive or active (and for which memory and offset).
    public var mode: Mode
    /// A segment of `bytes`, used as `mode` says.
    public init(bytes: [UInt8], mode: Mode) {
        self.bytes = bytes
        self.mode = mode
    }
}

/// One entry of the code section: a defined function's locals and body.
public struct Code: Sendable {
    /// Declared locals (not parameters), expanded: one entry per local.
    public var locals: [ValueType]
    /// Byte range of the instruction sequence (after the locals, through the final `end`) in `Module.bytes`.
    public var body: Range<Int>
    /// A body with expanded `locals` whose instructions occupy `body` in `Module.bytes`.
    public init(locals: [ValueType], body: Range<Int>) {
        self.locals = locals
        self.body = body
    }
}

/// A custom section: a name and uninterpreted contents (e.g. the `name` section).
public struct CustomSection: Sendable {
    /// The custom section's name.
    public var name: String
    /// The section's contents after its name.
    public var bytes: [UInt8]
    /// A custom section `name` with contents `bytes`.
    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }
}
