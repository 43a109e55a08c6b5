import KiteBinary

/// How an engine translates and runs code. The same settings as WasmKit's
/// `EngineConfiguration` where they apply, so WasmKit code that sets them keeps compiling.
public struct EngineConfiguration: Sendable {
    /// When a module's functions are translated: on first call (`.lazy`, the default) or
    /// all at instantiation (`.eager`).
    public var compilationMode: CompilationMode
    /// Bytes of value stack (locals, operands and call frames of every nested call) each
    /// store gets. Kite's default is 32 MiB (`Store.defaultStackSlots` slots of 8 bytes);
    /// deep recursion past it traps with `call stack exhausted`.
    public var stackSize: Int
    /// Nested wasm calls a store allows before `call stack exhausted`.
    public var maxCallDepth: UInt32
    /// Whether translated code charges `Store.fuel` and answers `Store.interrupt()` at every
    /// function entry and loop iteration. A translation-time choice: unmetered code (the
    /// default) carries no check at all, so it cannot be stopped either way.
    public var fuelMetering: Bool
    /// Whether translated code counts every instruction it executes and every call
    /// (`ExactProfile`): slower, exact and repeatable. Also a translation-time choice: code
    /// translated without it runs no counting at all.
    public var exactProfiling: Bool

    /// nil arguments take Kite's defaults (lazy, 32 MiB, depth 50,000).
    public init(compilationMode: CompilationMode? = nil, stackSize: Int? = nil, maxCallDepth: UInt32? = nil,
                fuelMetering: Bool = false, exactProfiling: Bool = false) {
        self.compilationMode = compilationMode ?? .lazy
        self.stackSize = stackSize ?? Store.defaultStackSlots * MemoryLayout<UInt64>.size
        self.maxCallDepth = maxCallDepth ?? Store.defaultMaxDepth
        self.fuelMetering = fuelMetering
        self.exactProfiling = exactProfiling
    }
}

/// The settings stores run with. Kite has one interpreter, so an engine is only its
/// configuration; make one per configuration and share it between stores.
public final class Engine: Sendable {
    /// What stores made with this engine run with.
    public let configuration: EngineConfiguration
    /// An engine with `configuration` (Kite's defaults when omitted).
    public init(configuration: EngineConfiguration = EngineConfiguration()) {
        self.configuration = configuration
    }
}

/// WasmKit's name for a decoded, validated module.
public typealias Module = CompiledModule

/// Decodes and validates a binary module (WasmKit's entry point): the same as
/// `CompiledModule(bytes:)`. Functions are translated when instantiated in a store whose
/// engine says how (`instantiate(store:imports:)`). Throws `DecodingError` for a malformed
/// module and `ValidationError` for an invalid one, each with the byte offset.
public func parseWasm(bytes: [UInt8]) throws -> CompiledModule {
    try CompiledModule(bytes: bytes)
}

/// Reads and parses the binary module at `filePath`; throws `ResourceError` when the file
/// cannot be read.
public func parseWasm(filePath: String) throws -> CompiledModule {
    try CompiledModule(bytes: try readFile(filePath))
}

extension Store {
    /// A store running with `engine`'s configuration (stack size, call depth, metering).
    public convenience init(engine: Engine, limits: StoreLimits = StoreLimits()) {
        let configuration = engine.configuration
        self.init(stackSlots: max(configuration.stackSize / MemoryLayout<UInt64>.size, 1),
                  maxDepth: max(configuration.maxCallDepth, 1), limits: limits, engine: engine)
    }
}

extension CompiledModule {
    /// Instantiates this module in `store` (WasmKit's spelling of `store.instantiate`),
    /// translated the way the store's engine asks (lazily or eagerly, metered or not).
    public func instantiate(store: Store, imports: Imports = Imports()) throws -> Instance {
        try store.instantiate(self, imports: imports)
    }
}
