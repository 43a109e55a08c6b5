// kite-runner: Kite's side of the benchmark harness (Benchmarks/harness.py), through the
// embedding API. Benchmarks/README.md defines the protocol that every engine's runner follows.
import Foundation
import Kite
import KiteFuzzTargets
import KiteText
import KiteWASI

struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// KITE_METERED=1 compiles every module for fuel and interrupts (with unlimited fuel), to
/// measure what metering costs (PERFORMANCE.md).
let metered = ProcessInfo.processInfo.environment["KITE_METERED"] == "1"

/// KITE_PROFILE_GUEST=1 runs CoreMark and sightglass programs under the sampling profiler
/// (every 1 ms, or KITE_PROFILE_INTERVAL_US), to measure what sampling costs
/// (PERFORMANCE.md); the profile is discarded.
/// KITE_EXACT_PROFILE=1 translates CoreMark and sightglass programs for exact counts
/// (`EngineConfiguration.exactProfiling`), to measure what counting costs.
func makeStore() -> Store {
    let exact = ProcessInfo.processInfo.environment["KITE_EXACT_PROFILE"] == "1"
    return Store(engine: Engine(configuration: EngineConfiguration(exactProfiling: exact)))
}

func startProfiler(_ store: Store) throws -> GuestProfiler? {
    guard ProcessInfo.processInfo.environment["KITE_PROFILE_GUEST"] == "1" else { return nil }
    let micros = ProcessInfo.processInfo.environment["KITE_PROFILE_INTERVAL_US"].flatMap { UInt64($0) } ?? 1000
    let profiler = GuestProfiler(store: store, intervalNanoseconds: micros * 1000)
    try profiler.start()
    return profiler
}

func load(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else { throw Failure("cannot read \(path)") }
    let bytes = [UInt8](data)
    return bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) ? bytes : try wat2wasm(String(decoding: bytes, as: UTF8.self))
}

/// CoreMark (wasmi-benchmarks' coremark.wasm): `env.clock_ms` from the host, `run` returns the score.
func coremark(_ path: String) throws -> [String: Double] {
    let module = try CompiledModule(bytes: try load(path), metered: metered)
    let store = makeStore()
    var imports = Imports()
    imports.define("env", "clock_ms", .function(Function(store: store, type: FunctionType(parameters: [], results: [.i32])) { _ in
        [.i32(UInt32(truncatingIfNeeded: monotonicNow() / 1_000_000))]
    }))
    let instance = try store.instantiate(module, imports: imports)
    guard let run = instance.exportedFunction("run") else { throw Failure("no export run") }
    let profiler = try startProfiler(store)
    let start = monotonicNow()
    guard case .f32(let bits)? = try run.invoke([]).first else { throw Failure("run returned no f32") }
    _ = profiler?.stop()
    return ["score": Double(Float(bitPattern: bits)), "run_ns": Double(monotonicNow() - start)]
}

/// Compile (decode, validate, translate) and instantiate with every import a stub.
func startup(_ path: String) throws -> [String: Double] {
    let bytes = try load(path)
    let start = monotonicNow()
    let module = try CompiledModule(bytes: bytes, metered: metered)
    let compiled = monotonicNow()
    let store = Store()
    var imports = Imports()
    for entry in module.imports {
        switch entry.descriptor {
        case .function(let typeIndex):
            let type = module.module.types[Int(typeIndex)]
            imports.define(entry.module, entry.name, .function(Function(store: store, type: type) { _ in
                type.results.map { Value.zero($0) }
            }))
        case .memory(let type):
            imports.define(entry.module, entry.name, .memory(try Memory(store: store, type: type)))
        default:
            throw Failure("startup stubs only functions and memories; \(entry.module).\(entry.name) is neither")
        }
    }
    _ = try store.instantiate(module, imports: imports)
    let instantiated = monotonicNow()
    // The same module translated whole, up front: translation speed and bytecode size.
    let eagerStart = monotonicNow()
    let eager = try CompiledModule(bytes: bytes, compilationMode: .eager)
    let eagerEnd = monotonicNow()
    return ["compile_ns": Double(compiled - start), "instantiate_ns": Double(instantiated - compiled),
            "eager_compile_ns": Double(eagerEnd - eagerStart),
            "body_bytes": Double(module.module.codes.reduce(0) { $0 + $1.body.count }),
            "bytecode_bytes": Double(eager.bytecodeByteCount)]
}

/// A sightglass program: DIR is the working directory, preopened as `.`; bench.start/end timed.
func sightglass(_ directory: String, _ file: String?) throws -> [String: Double] {
    let modulePath = (directory as NSString).appendingPathComponent(file ?? "benchmark.wasm")
    let start = monotonicNow()
    let module = try CompiledModule(bytes: try load(modulePath), metered: metered)
    let compiled = monotonicNow()
    guard FileManager.default.changeCurrentDirectoryPath(directory) else { throw Failure("cannot enter \(directory)") }
    var configuration = WASIConfiguration(arguments: [(modulePath as NSString).lastPathComponent], trace: nil)
    configuration.preopens = [(".", ".")]
    let timer = BenchTimer()
    var profiler: GuestProfiler?
    var command = WASICommand(module: module, configuration: configuration)
    command.makeStore = makeStore
    let code = try command.run { imports, store in
        timer.define(into: &imports, store: store)
        profiler = try startProfiler(store)
    }
    _ = profiler?.stop()
    let end = monotonicNow()
    return ["measured_ns": Double(timer.total), "run_ns": Double(end - compiled), "compile_ns": Double(compiled - start),
            "exit_code": Double(code)]
}

/// The call micro benchmarks (Benchmarks/calls.wat): N calls from the guest to a host
/// function, then N calls from the host into the guest with `[Value]`; per-call times.
func calls(_ path: String, _ count: String) throws -> [String: Double] {
    guard let n = UInt32(count) else { throw Failure("not a count: \(count)") }
    let module = try CompiledModule(bytes: try load(path))
    let store = Store()
    var imports = Imports()
    // The same source as WasmKit's runner: its API, as a WasmKit user writes it.
    imports.define(module: "env", name: "inc", Function(store: store, parameters: [.i32], results: [.i32]) { _, args in
        guard case .i32(let x) = args[0] else { throw Failure("inc takes an i32") }
        return [.i32(x &+ 1)]
    })
    let instance = try module.instantiate(store: store, imports: imports)
    guard let loop = instance.exportedFunction("loop"), let add1 = instance.exportedFunction("add1") else { throw Failure("not calls.wat") }
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
    // The same through the typed API: a typed host closure, a typed handle on add1.
    let typedStore = Store()
    var typedImports = Imports()
    typedImports.define("env", "inc", .function(Function(store: typedStore) { (x: Int32) -> Int32 in x &+ 1 }))
    let typedInstance = try typedStore.instantiate(module, imports: typedImports)
    guard let loopFunction = typedInstance.exportedFunction("loop"), let add1Function = typedInstance.exportedFunction("add1") else {
        throw Failure("not calls.wat")
    }
    let typedLoop = try loopFunction.typed(Int32.self, returning: Int32.self)
    let typedAdd1 = try add1Function.typed(Int32.self, returning: Int32.self)
    let t3 = monotonicNow()
    let typedLooped = try typedLoop(Int32(bitPattern: n))
    let t4 = monotonicNow()
    var y: Int32 = 0
    for _ in 0..<n { y = try typedAdd1(y) }
    let t5 = monotonicNow()
    guard typedLooped == Int32(bitPattern: n), y == Int32(bitPattern: n) else { throw Failure("wrong typed results") }
    print(n)
    return ["guest_to_host_ns": Double(t1 - t0) / Double(n), "host_to_guest_ns": Double(t2 - t1) / Double(n),
            "guest_to_host_typed_ns": Double(t4 - t3) / Double(n), "host_to_guest_typed_ns": Double(t5 - t4) / Double(n)]
}

/// Calls FUNC with integer arguments (the .wat kernels' `run N`); results go to stdout.
func invoke(_ path: String, _ name: String, _ arguments: [String]) throws -> [String: Double] {
    let module = try CompiledModule(bytes: try load(path), metered: metered)
    let store = Store()
    let instance = try store.instantiate(module)
    guard let function = instance.exportedFunction(name) else { throw Failure("no export \(name)") }
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

/// The differential check's view of a module (Tools/differential.py): see `DifferentialRun`.
/// ARGS, optional: one line per exported function, its arguments as tokens.
func exports(_ path: String, _ argumentsPath: String?) throws -> [String: Double] {
    var arguments: [[String]] = []
    if let argumentsPath {
        guard let data = FileManager.default.contents(atPath: argumentsPath) else { throw Failure("cannot read \(argumentsPath)") }
        let text = String(decoding: data, as: UTF8.self)
        arguments = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(separator: " ").map(String.init) }
    }
    for line in DifferentialRun.lines(try load(path), arguments: arguments, metered: metered) { print(line) }
    return [:]
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
    case ("exports", 2): report = try exports(arguments[1], nil)
    case ("exports", 3): report = try exports(arguments[1], arguments[2])
    case ("calls", 3): report = try calls(arguments[1], arguments[2])
    default:
        throw Failure("usage: kite-runner [--json OUT] coremark FILE | startup FILE | sightglass DIR [FILE.wasm] | invoke FILE FUNC ARGS... | exports FILE [ARGS] | calls FILE N")
    }
    let json = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
    if let jsonPath {
        guard FileManager.default.createFile(atPath: jsonPath, contents: json) else { throw Failure("cannot write \(jsonPath)") }
    } else {
        FileHandle.standardError.write(json + Data("\n".utf8))
    }
} catch {
    FileHandle.standardError.write(Data("kite-runner: \(error)\n".utf8))
    exit(error is Trap ? 134 : 1)
}
