import Kite

/// Runs a WASI command module: defines the preview1 calls (plus any `extraImports`),
/// instantiates, binds the memory and calls `_start`.
public struct WASICommand {
    public let module: CompiledModule
    public var configuration: WASIConfiguration

    public init(module: CompiledModule, configuration: WASIConfiguration) {
        self.module = module
        self.configuration = configuration
    }

    /// The exit code: `proc_exit`'s value, or 0 when `_start` returns. Throws `Trap` when the
    /// guest traps, `LinkError` when an import is missing, `WASISetupError` for a bad preopen
    /// or a module without `_start`.
    public func run(extraImports: (inout Imports, Store) -> Void = { _, _ in }) throws -> UInt32 {
        let wasi = try WASI(configuration)
        let store = Store()
        var imports = Imports()
        wasi.define(into: &imports, store: store)
        extraImports(&imports, store)
        do {
            let instance = try store.instantiate(module, imports: imports)
            wasi.bind(instance)
            guard let start = instance.exportedFunction("_start") else {
                throw WASISetupError("the module exports no `_start` function (not a WASI command)")
            }
            _ = try start.invoke([])
            return 0
        } catch let exit as WASIExit {
            return exit.code
        }
    }
}
