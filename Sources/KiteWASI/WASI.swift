import Glibc
import Kite

/// What a WASI command sees of the host: its arguments, environment, preopened
/// directories and the host descriptors behind its stdin, stdout and stderr.
public struct WASIConfiguration {
    /// The guest's `argv`, program name first.
    public var arguments: [String]
    /// `NAME=value` pairs, in order.
    public var environment: [(name: String, value: String)]
    /// Host directories the guest may use, and the names it sees them under (`/`, `.`, ...).
    public var preopens: [(hostPath: String, guestPath: String)]
    /// Host descriptors for the guest's fds 0, 1 and 2 (borrowed: never closed by WASI).
    public var stdin: Int32 = 0
    /// Host descriptor behind the guest's fd 1.
    public var stdout: Int32 = 1
    /// Host descriptor behind the guest's fd 2.
    public var stderr: Int32 = 2
    /// Log every call and its errno (`KITE_LOG=wasi=trace`); nil = off.
    public var trace: WASITrace?

    /// A configuration; `trace` defaults to what `KITE_LOG` asks for.
    public init(arguments: [String] = ["main.wasm"], environment: [(name: String, value: String)] = [],
                preopens: [(hostPath: String, guestPath: String)] = [], trace: WASITrace? = WASITrace.fromEnvironment()) {
        self.arguments = arguments
        self.environment = environment
        self.preopens = preopens
        self.trace = trace
    }
}

/// `proc_exit` was called: unwinds the guest out of `invoke` with its exit code.
public struct WASIExit: Error, Equatable, CustomStringConvertible {
    /// The guest's exit code.
    public let code: UInt32
    /// An exit with `code`.
    public init(code: UInt32) { self.code = code }
    public var description: String { "exit with code \(code)" }
}

/// WASI preview1 against the host OS. Create it, `define` its calls into the imports,
/// instantiate, then `bind` the instance so the calls can reach the guest's memory.
public final class WASI: WASIPreview1 {
    let arguments: [String]
    let environment: [String]
    let trace: WASITrace?
    var files = FileTable()
    /// The memory a call reads and writes when its caller exports none (or the host called
    /// it directly): the bound instance's exported "memory".
    public var memory: Memory?
    /// The last calling instance and its exported "memory" (looked up once per caller).
    private var callerInstance: Instance?
    private var callerMemory: Memory?

    /// Opens the preopened directories (throws `WASISetupError` when one cannot be opened).
    public init(_ configuration: WASIConfiguration) throws {
        arguments = configuration.arguments
        environment = configuration.environment.map { "\($0.name)=\($0.value)" }
        trace = configuration.trace
        files.installStdio(stdin: configuration.stdin, stdout: configuration.stdout, stderr: configuration.stderr)
        for preopen in configuration.preopens {
            let fd = open(preopen.hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard fd >= 0 else {
                throw WASISetupError("cannot open directory \(preopen.hostPath): \(String(cString: strerror(errno)))")
            }
            files.insert(FileEntry(hostFD: fd, type: .directory, rightsBase: .directoryBase,
                                   rightsInheriting: .directoryInheriting, preopenPath: preopen.guestPath))
        }
    }

    /// Defines every `wasi_snapshot_preview1` call in `imports`, traced when configured.
    public func define(into imports: inout Imports, store: Store) {
        define(into: &imports, store: store, trace: trace)
    }

    /// Closes every descriptor the guest has open (preopens and the files it opened; stdio
    /// is borrowed and stays open). Later calls see `badf`.
    public func closeDescriptors() {
        files.removeAll()
    }

    /// Gives the calls the instance's exported memory.
    public func bind(_ instance: Instance) {
        memory = instance.exportedMemory("memory")
    }

    /// The calling instance's exported "memory", as wasmtime does: a module linked beside the
    /// command (`--preload`) passes pointers into its own memory. Else the bound memory.
    public func guestMemory(_ caller: Caller) throws -> GuestMemory {
        if let instance = caller.instance {
            if instance !== callerInstance {
                callerInstance = instance
                callerMemory = instance.exports[memory: "memory"]
            }
            if let callerMemory { return GuestMemory(callerMemory) }
        }
        if let memory { return GuestMemory(memory) }
        throw Trap("WASI call needs the guest's exported memory \"memory\"")
    }
}

/// The configuration could not be set up (a preopened directory is missing, ...).
public struct WASISetupError: Error, CustomStringConvertible {
    /// What went wrong, naming the path or export.
    public let description: String
    public init(_ description: String) { self.description = description }
}
