import Kite

/// Runs a WASI module: defines the preview1 calls (plus any `extraImports`), instantiates,
/// binds the memory, then calls `_start` (a command) or one named export (`--invoke`).
public struct WASICommand {
    /// The command module.
    public let module: CompiledModule
    /// What the guest sees of the host.
    public var configuration: WASIConfiguration
    /// Makes the store the guest runs in (limits, fuel, an interrupt timer).
    public var makeStore: () -> Store = { Store() }
    /// Function imports that nothing defines become functions that trap when called
    /// (`wasmtime run -W unknown-imports-trap`), instead of failing to link.
    public var trapUnknownImports = false

    /// A command running `module` with `configuration`.
    public init(module: CompiledModule, configuration: WASIConfiguration) {
        self.module = module
        self.configuration = configuration
    }

    /// The exit code: `proc_exit`'s value, or 0 when `_start` returns. Throws `Trap` when the
    /// guest traps, `LinkError` when an import is missing, `WASISetupError` for a bad preopen
    /// or a module without `_start`.
    public func run(extraImports: (inout Imports, Store) throws -> Void = { _, _ in }) throws -> UInt32 {
        switch try invoke("_start", arguments: { _ in [] }, extraImports: extraImports) {
        case .exited(let code): return code
        case .returned: return 0
        }
    }

    /// How a call into the guest ended: it returned these values, or called `proc_exit`.
    public enum Outcome: Equatable {
        case returned([Value])
        case exited(UInt32)
    }

    /// Instantiates with WASI linked and calls the export `name` with the values `arguments`
    /// makes for its type, as `wasmtime run --invoke` does: a reactor's `_initialize` runs
    /// first. Throws as `run` does, and `WASISetupError` when there is no such export.
    public func invoke(_ name: String, arguments: (FunctionType) throws -> [Value],
                       extraImports: (inout Imports, Store) throws -> Void = { _, _ in }) throws -> Outcome {
        let wasi = try WASI(configuration)
        let store = makeStore()
        var imports = Imports()
        wasi.define(into: &imports, store: store)
        try extraImports(&imports, store)
        if trapUnknownImports {
            for i in module.module.imports where imports.lookup(i.module, i.name) == nil {
                guard case .function(let typeIndex) = i.descriptor else { continue }
                let name = "\(i.module)::\(i.name)"
                imports.define(i.module, i.name, .function(Function(store: store, type: module.module.types[Int(typeIndex)]) { _ in
                    throw Trap("unknown import: `\(name)` has not been defined")
                }))
            }
        }
        do {
            let instance = try store.instantiate(module, imports: imports)
            wasi.bind(instance)
            guard let function = instance.exportedFunction(name) else {
                if name == "_start" {
                    throw WASISetupError("the module exports no `_start` function (not a WASI command)")
                }
                throw WASISetupError("the module exports no function named `\(name)`")
            }
            let values = try arguments(function.type)
            if name != "_start", let initialize = instance.exportedFunction("_initialize") {
                _ = try initialize.invoke([])
            }
            return .returned(try function.invoke(values))
        } catch let exit as WASIExit {
            return .exited(exit.code)
        }
    }
}
