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
            kite run FILE --invoke NAME [ARGS...]

            A WASI command's `proc_exit` code becomes kite's exit code; a trap prints
            `Error: ...` to stderr and exits with 134 (as wasmtime does on Unix).
            KITE_LOG=wasi=trace traces every WASI call to stderr, like --trace wasi.
            """
    )

    @Option(help: ArgumentHelp("Preopen a host directory for the guest (as GUEST, default: the same path).", valueName: "HOST[::GUEST]"))
    var dir: [String] = []

    @Option(help: ArgumentHelp("Set an environment variable for the guest.", valueName: "NAME=VALUE"))
    var env: [String] = []

    @Option(help: ArgumentHelp("Trace calls to stderr: `wasi`.", valueName: "wasi"))
    var trace: [String] = []

    @Option(help: "Call this exported function instead of running _start; the arguments are its parameters.")
    var invoke: String?

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    @Argument(parsing: .captureForPassthrough, help: "Guest arguments (or --invoke NAME ARGS...).")
    var arguments: [String] = []

    func run() throws {
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
        let module = try CompiledModule(bytes: try loadModuleBytes(file))
        if let invoke {
            try runInvoke(module, invoke, arguments)
        } else {
            let code = try runCommand(module, arguments)
            throw ExitCode(Int32(truncatingIfNeeded: code))
        }
    }

    private func runCommand(_ module: CompiledModule, _ guestArguments: [String]) throws -> UInt32 {
        var configuration = WASIConfiguration(arguments: [file] + guestArguments)
        configuration.preopens = dir.map(parsePreopen)
        configuration.environment = try env.map(parseEnvironment)
        for target in trace {
            guard target == "wasi" else { throw CLIError("unknown trace target \(target) (known: wasi)") }
            configuration.trace = WASITrace()
        }
        do {
            return try WASICommand(module: module, configuration: configuration).run()
        } catch let trap as Trap {
            // The description names the function that trapped: "... (in NAME)".
            reportError("failed to run main module `\(file)`: wasm trap: \(trap.description)")
            return 134
        } catch let error as LinkError {
            reportError("failed to instantiate `\(file)`: \(error.message)")
            return 1
        } catch let error as WASISetupError {
            reportError(error.description)
            return 1
        }
    }

    private func runInvoke(_ module: CompiledModule, _ invoke: String, _ arguments: [String]) throws {
        let store = Store()
        let instance = try store.instantiate(module)
        guard let function = instance.exportedFunction(invoke) else {
            throw CLIError("no exported function named \(invoke)")
        }
        let type = function.type
        guard arguments.count == type.parameters.count else {
            throw CLIError("\(invoke) takes \(type.parameters.count) arguments, got \(arguments.count)")
        }
        let values = try zip(arguments, type.parameters).map { try parseValue($0, $1) }
        do {
            let results = try function.invoke(values)
            for result in results { print(format(result)) }
        } catch let trap as Trap {
            FileHandle.standardError.write("error: wasm trap: \(trap.description)\n".data(using: .utf8)!)
            throw ExitCode(134)
        }
    }
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
