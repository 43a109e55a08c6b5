import ArgumentParser
import Foundation
import Kite
import KiteWASI

/// Runs a sightglass benchmark: the module in DIR (`benchmark.wasm`, or the .wasm given),
/// with DIR as working directory preopened as `.`, timing what `bench.start`/`bench.end`
/// bracket.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a sightglass benchmark and report the time of its measured region.",
        discussion: """
            kite bench DIR            runs DIR/benchmark.wasm
            kite bench DIR/NAME.wasm  runs that module (e.g. shootout/shootout-fib2.wasm)
            The guest's stdout and stderr pass through; the report goes to stderr
            (or, with --json FILE, to FILE).
            """
    )

    @Option(help: "Write the report as JSON to this file instead of stderr.")
    var json: String?

    @Option(help: ArgumentHelp("Trace calls to stderr: `wasi`.", valueName: "wasi"))
    var trace: [String] = []

    @Argument(help: "The benchmark folder, or a .wasm/.wat module inside one.")
    var path: String

    @Argument(parsing: .captureForPassthrough, help: "Arguments for the benchmark.")
    var arguments: [String] = []

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIError("no such benchmark: \(path)")
        }
        let directory = isDirectory.boolValue ? path : (path as NSString).deletingLastPathComponent
        let modulePath = isDirectory.boolValue ? (path as NSString).appendingPathComponent("benchmark.wasm") : path
        let absoluteDirectory = URL(fileURLWithPath: directory.isEmpty ? "." : directory).standardizedFileURL.path
        let absoluteModule = URL(fileURLWithPath: modulePath).standardizedFileURL.path

        let loadStart = monotonicNow()
        let module = try CompiledModule(bytes: try loadModuleBytes(absoluteModule))
        let compiled = monotonicNow()
        guard FileManager.default.changeCurrentDirectoryPath(absoluteDirectory) else {
            throw CLIError("cannot enter \(absoluteDirectory)")
        }
        var configuration = WASIConfiguration(arguments: [(absoluteModule as NSString).lastPathComponent] + arguments)
        configuration.preopens = [(absoluteDirectory, ".")]
        if trace.contains("wasi") { configuration.trace = WASITrace() }

        let timer = BenchTimer()
        let runStart = monotonicNow()
        var finished = false
        let exitCode = guestExitCode(module: absoluteModule) {
            let code = try WASICommand(module: module, configuration: configuration).run { imports, store in
                timer.define(into: &imports, store: store)
            }
            finished = true
            return code
        }
        guard finished else { throw ExitCode(exitCode) }  // trapped or failed: already reported
        let code = UInt32(bitPattern: exitCode)
        let runEnd = monotonicNow()

        let name = ((absoluteDirectory as NSString).lastPathComponent as NSString).appendingPathComponent((absoluteModule as NSString).lastPathComponent)
        let report = BenchReport(benchmark: name, compileNanoseconds: compiled - loadStart,
                                 measuredNanoseconds: timer.total, regions: timer.regions,
                                 runNanoseconds: runEnd - runStart, exitCode: code)
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            guard FileManager.default.createFile(atPath: json, contents: try encoder.encode(report)) else {
                throw CLIError("cannot write \(json)")
            }
        } else {
            let ms = { (ns: UInt64) in String(format: "%.3f ms", Double(ns) / 1e6) }
            FileHandle.standardError.write(
                "bench: \(name): measured \(ms(timer.total)) (\(timer.regions.count) region(s)), run \(ms(report.runNanoseconds)), compile \(ms(report.compileNanoseconds))\n"
                    .data(using: .utf8)!)
        }
        if code != 0 { throw ExitCode(Int32(truncatingIfNeeded: code)) }
    }
}

struct BenchReport: Codable {
    let benchmark: String
    let compileNanoseconds: UInt64
    let measuredNanoseconds: UInt64
    let regions: [UInt64]
    let runNanoseconds: UInt64
    let exitCode: UInt32
}
