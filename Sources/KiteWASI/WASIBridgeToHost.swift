import Kite

/// WasmKit's name for a `proc_exit`.
public typealias WASIExitCode = WASIExit

/// WASI preview1 against the host, in WasmKit's shape: configure it, `link` it into the
/// imports, instantiate, then `start` the command. A thin front on `WASI`: the same calls,
/// the same sandbox.
///
/// ```swift
/// let wasi = try WASIBridgeToHost(args: ["hello"])
/// let exitCode = try wasi.runAndClose { wasi in
///     let store = Store(engine: Engine())
///     var imports = Imports()
///     wasi.link(to: &imports, store: store)
///     let instance = try module.instantiate(store: store, imports: imports)
///     return try wasi.start(instance)
/// }
/// ```
public final class WASIBridgeToHost {
    /// A host directory the guest may use, under the name it sees (`/`, `.`, `/sandbox`).
    /// Preopens get descriptors 3, 4, ... in order.
    public struct Preopen: Sendable {
        /// The name the guest opens it by.
        public let guestPath: String
        /// The host directory behind it.
        public let hostPath: String
        /// `hostPath` seen by the guest as `guestPath`.
        public init(guestPath: String, hostPath: String) {
            self.guestPath = guestPath
            self.hostPath = hostPath
        }
    }

    /// The implementation the calls go to.
    public let wasi: WASI

    /// `args` is the guest's argv (program name first), `environment` its variables (sorted
    /// by name), `stdin`/`stdout`/`stderr` host descriptors it borrows. Throws
    /// `WASISetupError` when a preopened directory cannot be opened.
    public init(args: [String] = [], environment: [String: String] = [:], preopens: [Preopen] = [],
                stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2) throws {
        var configuration = WASIConfiguration(
            arguments: args,
            environment: environment.sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) },
            preopens: preopens.map { (hostPath: $0.hostPath, guestPath: $0.guestPath) })
        configuration.stdin = stdin
        configuration.stdout = stdout
        configuration.stderr = stderr
        wasi = try WASI(configuration)
    }

    /// Preopens as guest path -> host path (WasmKit's older, unordered form: sorted by guest path).
    @_disfavoredOverload
    public convenience init(args: [String] = [], environment: [String: String] = [:], preopens: [String: String],
                            stdin: Int32 = 0, stdout: Int32 = 1, stderr: Int32 = 2) throws {
        try self.init(args: args, environment: environment,
                      preopens: preopens.sorted { $0.key < $1.key }.map { Preopen(guestPath: $0.key, hostPath: $0.value) },
                      stdin: stdin, stdout: stdout, stderr: stderr)
    }

    /// Defines every `wasi_snapshot_preview1` call in `imports`, as functions of `store`.
    /// A call uses the memory exported as "memory" by the instance that makes it.
    public func link(to imports: inout Imports, store: Store) {
        wasi.define(into: &imports, store: store)
    }

    /// Runs a command: calls `_start` and returns its exit code (`proc_exit`'s value, or 0
    /// when `_start` returns). Throws `WASISetupError` without `_start`, `Trap` when it traps.
    public func start(_ instance: Instance) throws -> UInt32 {
        wasi.bind(instance)
        guard let start = instance.exports[function: "_start"] else {
            throw WASISetupError("the module exports no `_start` function (not a WASI command)")
        }
        do {
            try start()
        } catch let exit as WASIExit {
            return exit.code
        }
        return 0
    }

    /// Sets up a reactor: calls `_initialize` if the module exports it.
    public func initialize(_ instance: Instance) throws {
        wasi.bind(instance)
        if let initialize = instance.exports[function: "_initialize"] { try initialize() }
    }

    /// Closes the descriptors the guest holds (preopens and files it opened). Calling it
    /// again does nothing. (WasmKit requires it before the bridge goes; Kite closes them
    /// when the bridge is released anyway.)
    public func close() throws {
        wasi.closeDescriptors()
    }

    /// Runs `body` with this bridge and closes it afterwards, also when `body` throws.
    public func runAndClose<R>(_ body: (WASIBridgeToHost) throws -> R) throws -> R {
        defer { try? close() }
        return try body(self)
    }
}
