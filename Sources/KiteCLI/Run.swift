import ArgumentParser
import Foundation
import Kite
import KiteBinary
import KiteWASI

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a WASI command's _start, or call one exported function with --invoke.",
        discussion: """
            kite run [--dir HOST[::GUEST]]... [--env NAME=VALUE]... [--trace wasi] FILE [GUEST ARGS...]
            kite run [--dir ...] [--env ...] FILE --invoke NAME [ARGS...]

            WASI is linked in both forms (with --invoke, a reactor's `_initialize` runs first).
            A `proc_exit` code becomes kite's exit code; a trap, while instantiating or
            running, prints `Error: failed to run main module ...: wasm trap: ...` to stderr
            and exits with 134 (as wasmtime does on Unix); a module that cannot be
            instantiated exits with 1.
            KITE_LOG=wasi=trace traces every WASI call to stderr, like --trace wasi.
            """
    )

    @Option(help: ArgumentHelp("Preopen a host directory for the guest (as GUEST, default: the same path).", valueName: "HOST[::GUEST]"))
    var dir: [String] = []

    @Option(help: ArgumentHelp("Set an environment variable for the guest; NAME alone passes the host's value on.",
                               valueName: "NAME[=VALUE]"))
    var env: [String] = []

    @Option(help: "The guest's argv[0] (default: the module's path).")
    var argv0: String?

    @Option(help: ArgumentHelp("Instantiate another module first (with WASI linked) and link its exports under NAME.",
                               valueName: "NAME=MODULE"))
    var preload: [String] = []

    @Option(name: .customShort("S"), help: ArgumentHelp("WASI options: inherit-env (pass the whole host environment on).",
                                                         valueName: "KEY[=VALUE]"))
    var wasiOptions: [String] = []

    @Option(help: ArgumentHelp("Trace calls to stderr: `wasi`.", valueName: "wasi"))
    var trace: [String] = []

    @Option(help: "Call this exported function instead of running _start; the arguments are its parameters.")
    var invoke: String?

    @Option(name: .customShort("W"), help: ArgumentHelp(
        "Limits for the guest, as wasmtime spells them: fuel=N, timeout=DURATION (2s, 500ms), "
            + "max-memory-size=BYTES, max-table-elements=N, max-wasm-stack=BYTES.", valueName: "KEY=VALUE"))
    var wasmOptions: [String] = []

    @Option(help: ArgumentHelp(
        "Profile the guest as wasmtime does: guest[,PATH[,INTERVAL]] samples every INTERVAL (default 1ms) "
            + "and writes PATH (default kite-guest-profile.json, a Firefox Profiler profile as wasmtime writes; .svg: a flame graph; .folded: folded stacks).", valueName: "guest[,PATH[,INTERVAL]]"))
    var profile: String?

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    @Argument(parsing: .captureForPassthrough, help: "Guest arguments (or --invoke NAME ARGS...).")
    var arguments: [String] = []

    func run() throws {
        var request: ProfileRequest?
        if let profile { request = try ProfileRequest(wasmtimeSpelling: profile) }
        throw ExitCode(try execute(profiling: request))
    }

    /// Runs the guest (profiled if asked) and returns kite's exit code.
    func execute(profiling request: ProfileRequest?) throws -> Int32 {
        CrashReports.install()
        // `--invoke NAME` may also follow the module (kite run fib.wat --invoke fib 25).
        var invoke = self.invoke
        var arguments = self.arguments
        if invoke == nil, let first = arguments.first {
            if first == "--invoke", arguments.count >= 2 {
                invoke = arguments[1]
                arguments.removeFirst(2)
            } else if first.hasPrefix("--invoke=") {
                invoke = String(first.dropFirst("--invoke=".count))
                arguments.removeFirst()
            }
        }
        var limits = try GuestLimits(wasmOptions)
        limits.exactProfiling = request?.exact ?? false
        let module = try CompiledModule(bytes: try loadModuleBytes(file), metered: limits.metered)
        var command = WASICommand(module: module, configuration: try wasiConfiguration(arguments))
        var profiler: GuestProfiler?
        var guestStore: Store?
        command.makeStore = {
            let store = limits.makeStore()
            guestStore = store
            if let request {
                profiler = GuestProfiler(store: store, intervalNanoseconds: request.intervalNanoseconds)
                do { try profiler?.start() } catch { reportError("\(error)") }
            }
            return store
        }
        command.trapUnknownImports = limits.trapUnknownImports
        let preloads = try preload.map { text -> (String, CompiledModule) in
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw CLIError("--preload wants NAME=MODULE, got \(text)")
            }
            let path = String(text[text.index(after: equals)...])
            return (String(text[..<equals]), try CompiledModule(bytes: try loadModuleBytes(path), metered: limits.metered))
        }
        // Each preloaded module is linked with what is defined so far (WASI, earlier preloads).
        let linked: (inout Imports, Store) throws -> Void = { imports, store in
            for (name, module) in preloads { imports.register(name, try store.instantiate(module, imports: imports)) }
        }
        let code = guestExitCode(module: file) {
            guard let invoke else { return try command.run(extraImports: linked) }
            switch try command.invoke(invoke, arguments: { type in try parseArguments(arguments, for: type, of: invoke) },
                                      extraImports: linked) {
            case .exited(let code):
                return code
            case .returned(let results):
                for result in results { print(format(result)) }
                return 0
            }
        }
        if let request {
            let profile = profiler?.stop()
            if request.exact, let store = guestStore {
                request.write(ExactProfile(store: store), sampled: profile)
            }
            if let profile { try request.write(profile) }
        }
        return code
    }

    /// WASI for the guest in both modes (wasmtime links it for `--invoke` too): the module's
    /// name and the arguments become argv.
    private func wasiConfiguration(_ guestArguments: [String]) throws -> WASIConfiguration {
        var configuration = WASIConfiguration(arguments: [argv0 ?? file] + guestArguments)
        configuration.preopens = dir.map(parsePreopen)
        let host = ProcessInfo.processInfo.environment
        var environment: [(name: String, value: String)] = []
        for option in wasiOptions {
            switch option {
            case "inherit-env", "inherit-env=y", "inherit-env=yes", "inherit-env=true":
                environment += host.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
            default:
                let key = option.split(separator: "=", maxSplits: 1).first.map(String.init) ?? option
                throw CLIError("unknown -S option `\(key)` (known: inherit-env)")
            }
        }
        for text in env {
            if text.contains("=") {
                environment.append(try parseEnvironment(text))
            } else if let value = host[text] {
                environment.append((text, value))  // wasmtime: `--env NAME` inherits the host's value
            }
        }
        configuration.environment = environment
        for target in trace {
            guard target == "wasi" else { throw CLIError("unknown trace target \(target) (known: wasi)") }
            configuration.trace = WASITrace()
        }
        return configuration
    }
}

/// Runs a guest and turns how it ended into kite's exit code, reporting errors the one way the
/// help promises: a trap anywhere (start function, segment initialization, the call itself)
/// prints `Error: failed to run main module ...: wasm trap: ...` and gives 134; a module
/// that cannot be instantiated or set up gives 1.
func guestExitCode(module file: String, _ body: () throws -> UInt32) -> Int32 {
    do {
        return Int32(truncatingIfNeeded: try body())
    } catch let trap as Trap {
        // The description names the function that trapped: "... (in NAME)".
        reportError("failed to run main module `\(file)`: wasm trap: \(trap.description)")
        return 134
    } catch let error as LinkError {
        reportError("failed to instantiate `\(file)`: \(error.description)")
    } catch let error as ResourceError {
        reportError("failed to instantiate `\(file)`: \(error.message)")
    } catch {
        reportError("\(error)")
    }
    return 1
}

func parseArguments(_ texts: [String], for type: FunctionType, of name: String) throws -> [Value] {
    guard texts.count == type.parameters.count else {
        throw CLIError("\(name) takes \(type.parameters.count) arguments, got \(texts.count)")
    }
    return try zip(texts, type.parameters).map { try parseValue($0, $1) }
}

/// `HOST[::GUEST]` (wasmtime's spelling); the guest sees HOST's own path when GUEST is omitted.
func parsePreopen(_ text: String) -> (hostPath: String, guestPath: String) {
    if let range = text.range(of: "::") {
        return (String(text[..<range.lowerBound]), String(text[range.upperBound...]))
    }
    return (text, text)
}

func parseEnvironment(_ text: String) throws -> (name: String, value: String) {
    guard let equals = text.firstIndex(of: "=") else { throw CLIError("--env wants NAME=VALUE, got \(text)") }
    return (String(text[..<equals]), String(text[text.index(after: equals)...]))
}

func reportError(_ message: String) {
    FileHandle.standardError.write("Error: \(message)\n".data(using: .utf8)!)
}

func parseValue(_ text: String, _ type: ValueType) throws -> Value {
    func integer(_ s: String) -> Int64? {
        if s.hasPrefix("0x") { return UInt64(s.dropFirst(2), radix: 16).map { Int64(bitPattern: $0) } }
        if s.hasPrefix("-0x") { return UInt64(s.dropFirst(3), radix: 16).map { 0 &- Int64(bitPattern: $0) } }
        return Int64(s) ?? UInt64(s).map { Int64(bitPattern: $0) }
    }
    switch type {
    case .i32:
        guard let v = integer(text) else { throw CLIError("not an i32: \(text)") }
        return .i32(UInt32(truncatingIfNeeded: v))
    case .i64:
        guard let v = integer(text) else { throw CLIError("not an i64: \(text)") }
        return .i64(UInt64(bitPattern: v))
    case .f32:
        guard let v = Float(text) else { throw CLIError("not an f32: \(text)") }
        return .f32(v.bitPattern)
    case .f64:
        guard let v = Double(text) else { throw CLIError("not an f64: \(text)") }
        return .f64(v.bitPattern)
    default:
        throw CLIError("arguments of type \(type) are not supported on the command line")
    }
}

/// Prints results the way wasmtime does: integers signed, floats as numbers.
func format(_ value: Value) -> String {
    switch value {
    case .i32(let v): return String(Int32(bitPattern: v))
    case .i64(let v): return String(Int64(bitPattern: v))
    case .f32(let v): return String(Float(bitPattern: v))
    case .f64(let v): return String(Double(bitPattern: v))
    default: return value.description
    }
}
