// wasmkit-runner: WasmKit 0.4.2's side of Kite's benchmark harness (Benchmarks/harness.py), through
// WasmKit's embedding API with its default engine configuration (what its users get).
// Benchmarks/README.md defines the protocol; Benchmarks/KiteRunner/main.swift is Kite's twin.
import Foundation
import WAT
import WasmKit
import WasmKitWASI
import WasmParser

#if canImport(Glibc)
    import Glibc
#endif

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Nanoseconds on the monotonic clock (the clock kite-runner uses too).
func monotonicNow() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

func load(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw Failure("cannot read \(path)") }
    let bytes = [UInt8](data)
    return bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) ? bytes : try wat2wasm(String(decoding: bytes, as: UTF8.self))
}

/// CoreMark (wasmi-benchmarks' coremark.wasm): `env.clock_ms` from the host, `run` returns the score.
func coremark(_ path: String) throws -> [String: Double] {
    let module = try parseWasm(bytes: try load(path))
    let store = Store(engine: Engine())
    var imports = Imports()
    imports.define(module: "env", name: "clock_ms", Function(store: store, parameters: [], results: [.i32]) { _, _ in
        [.i32(UInt32(truncatingIfNeeded: monotonicNow() / 1_000_000))]
    })
    let instance = try module.instantiate(store: store, imports: imports)
    guard let run = instance.exports[function: "run"] else { throw Failure("no export run") }
    let start = monotonicNow()
    guard case .f32(let bits)? = try run.invoke([]).first else { throw Failure("run returned no f32") }
    return ["score": Double(Float(bitPattern: bits)), "run_ns": Double(monotonicNow() - start)]
}

/// The function types a module's imports refer to, by type index. WasmKit's `Module` keeps its type
/// section to itself, so the stubs read it with WasmKit's own parser (outside the timed region).
func importedFunctionTypes(_ bytes: [UInt8]) throws -> [FunctionType] {
    var parser = WasmParser.Parser(bytes: bytes)
    var types: [FunctionType] = []
    while let payload = try parser.parseNext() {
        switch payload {
        case .typeSection(let groups):
            types = groups.flatMap(\.types).map { subType in
                if case .function(let type) = subType.body { return type }
                return FunctionType(parameters: [])  // a GC type: never the type of a function import
            }
        case .importSection:
            return types  // sections come in order: nothing after the imports is needed
        default:
            continue
        }
    }
    return types
}

/// The zero of a value type, for the stubs' results.
func zero(_ type: ValueType) -> Value {
    switch type {
    case .i32: return .i32(0)
    case .i64: return .i64(0)
    case .f32: return .f32(0)
    case .f64: return .f64(0)
    case .v128: return .v128(V128(bytes: Array(repeating: 0, count: V128.byteCount)))
    case .ref(let type): return .ref(type.heapType == .externRef ? .extern(nil) : .function(nil))
    }
}

/// Parse (WasmKit's compile step; it validates and translates lazily, when a function is first
/// called, which is its default) and instantiate with every import a stub.
func startup(_ path: String) throws -> [String: Double] {
    let bytes = try load(path)
    let types = try importedFunctionTypes(bytes)
    let start = monotonicNow()
    let module = try parseWasm(bytes: bytes)
    let compiled = monotonicNow()
    let store = Store(engine: Engine())
    var imports = Imports()
    for entry in module.imports {
        switch entry.descriptor {
        case .function(let typeIndex):
            let type = types[Int(typeIndex)]
            imports.define(module: entry.module, name: entry.name, Function(store: store, type: type) { _, _ in
                type.results.map(zero)
            })
        case .memory(let type):
            imports.define(module: entry.module, name: entry.name, try Memory(store: store, type: type))
        default:
            throw Failure("startup stubs only functions and memories; \(entry.module).\(entry.name) is neither")
        }
    }
    _ = try module.instantiate(store: store, imports: imports)
    let instantiated = monotonicNow()
    return ["compile_ns": Double(compiled - start), "instantiate_ns": Double(instantiated - compiled)]
}

/// The sightglass protocol's `bench.start` and `bench.end`: the total time between each pair.
final class BenchTimer {
    private(set) var total: UInt64 = 0
    private var started: UInt64?

    func define(into imports: inout Imports, store: Store) {
        imports.define(module: "bench", name: "start", Function(store: store, parameters: []) { _, _ in
            self.started = monotonicNow()
            return []
        })
        imports.define(module: "bench", name: "end", Function(store: store, parameters: []) { _, _ in
            let end = monotonicNow()
            if let started = self.started { self.total += end - started }
            self.started = nil
            return []
        })
    }
}

/// A sightglass program: DIR is the working directory, preopened as `.`; bench.start/end timed.
func sightglass(_ directory: String, _ file: String?) throws -> [String: Double] {
    let modulePath = (directory as NSString).appendingPathComponent(file ?? "benchmark.wasm")
    let start = monotonicNow()
    let module = try parseWasm(bytes: try load(modulePath))
    let compiled = monotonicNow()
    guard FileManager.default.changeCurrentDirectoryPath(directory) else { throw Failure("cannot enter \(directory)") }
    let wasi = try WASIBridgeToHost(
        args: [(modulePath as NSString).lastPathComponent],
        preopens: [WASIBridgeToHost.Preopen(guestPath: ".", hostPath: ".")]
    )
    let timer = BenchTimer()
    let code = try wasi.runAndClose { wasi in
        let store = Store(engine: Engine())
        var imports = Imports()
        wasi.link(to: &imports, store: store)
        timer.define(into: &imports, store: store)
        return try wasi.start(try module.instantiate(store: store, imports: imports))
    }
    let end = monotonicNow()
    return ["measured_ns": Double(timer.total), "run_ns": Double(end - compiled), "compile_ns": Double(compiled - start),
            "exit_code": Double(code)]
}

/// The call micro benchmarks (Benchmarks/calls.wat), as kite-runner's `calls`.
func calls(_ path: String, _ count: String) throws -> [String: Double] {
    guard let n = UInt32(count) else { throw Failure("not a count: \(count)") }
    let module = try parseWasm(bytes: try load(path))
    let store = Store(engine: Engine())
    var imports = Imports()
    imports.define(module: "env", name: "inc", Function(store: store, parameters: [.i32], results: [.i32]) { _, args in
        guard case .i32(let x) = args[0] else { throw Failure("inc takes an i32") }
        return [.i32(x &+ 1)]
    })
    let instance = try module.instantiate(store: store, imports: imports)
    guard let loop = instance.exports[function: "loop"], let add1 = instance.exports[function: "add1"] else { throw Failure("not calls.wat") }
    let t0 = monotonicNow()
    let looped = try loop.invoke([.i32(n)])
    let t1 = monotonicNow()
    var x: UInt32 = 0
    for _ in 0..<n {
        guard case .i32(let y) = try add1.invoke([.i32(x)])[0] else { throw Failure("add1 returns an i32") }
        x = y
    }
    let t2 = monotonicNow()
    guard looped == [.i32(n)], x == n else { throw Failure("wrong results: \(looped), \(x)") }
    print(n)
    return ["guest_to_host_ns": Double(t1 - t0) / Double(n), "host_to_guest_ns": Double(t2 - t1) / Double(n)]
}

/// Calls FUNC with integer arguments (the .wat kernels' `run N`); results go to stdout.
func invoke(_ path: String, _ name: String, _ arguments: [String]) throws -> [String: Double] {
    let module = try parseWasm(bytes: try load(path))
    let store = Store(engine: Engine())
    let instance = try module.instantiate(store: store)
    guard let function = instance.exports[function: name] else { throw Failure("no export \(name)") }
    let values = try zip(arguments, function.type.parameters).map { text, type -> Value in
        guard let n = Int64(text) else { throw Failure("not an integer: \(text)") }
        switch type {
        case .i32: return .i32(UInt32(truncatingIfNeeded: n))
        case .i64: return .i64(UInt64(bitPattern: n))
        default: throw Failure("kernels take integers")
        }
    }
    let start = monotonicNow()
    let results = try function.invoke(values)
    let end = monotonicNow()
    for result in results {
        switch result {
        case .i32(let v): print(Int32(bitPattern: v))
        case .i64(let v): print(Int64(bitPattern: v))
        default: print(result)
        }
    }
    return ["run_ns": Double(end - start)]
}

var arguments = Array(CommandLine.arguments.dropFirst())
var jsonPath: String?
if arguments.first == "--json", arguments.count >= 2 {
    jsonPath = arguments[1]
    arguments.removeFirst(2)
}
do {
    let report: [String: Double]
    switch (arguments.first, arguments.count) {
    case ("coremark", 2): report = try coremark(arguments[1])
    case ("startup", 2): report = try startup(arguments[1])
    case ("sightglass", 2...3): report = try sightglass(arguments[1], arguments.count == 3 ? arguments[2] : nil)
    case ("invoke", 3...): report = try invoke(arguments[1], arguments[2], Array(arguments[3...]))
    case ("calls", 3): report = try calls(arguments[1], arguments[2])
    default:
        throw Failure("usage: wasmkit-runner [--json OUT] coremark FILE | startup FILE | sightglass DIR [FILE.wasm] | invoke FILE FUNC ARGS...")
    }
    let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
    if let jsonPath {
        guard FileManager.default.createFile(atPath: jsonPath, contents: json) else { throw Failure("cannot write \(jsonPath)") }
    } else {
        FileHandle.standardError.write(json + Data("\n".utf8))
    }
} catch {
    FileHandle.standardError.write(Data("wasmkit-runner: \(error)\n".utf8))
    exit(error is Trap ? 134 : 1)
}
