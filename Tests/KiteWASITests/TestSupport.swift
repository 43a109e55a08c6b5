import Foundation
import Glibc
import Kite
import KiteText
import KiteWASI

/// Locations the tests read from: relative to this file, or named by the environment.
enum WASITestPaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func environmentPath(_ name: String) -> URL? {
        guard let path = ProcessInfo.processInfo.environment[name], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path)
    }

    /// github.com/WebAssembly/wasi-testsuite's prebuilt tests (CI: /work/shared/wasi-testsuite).
    static var wasiTestsuite: URL? { environmentPath("WASI_TESTSUITE") }
    /// sightglass's benchmark programs (CI: /work/shared/sightglass).
    static var sightglass: URL? { environmentPath("SIGHTGLASS") }
}

/// What a WASI command did, run in-process with its stdout and stderr captured.
struct CommandOutput {
    var exitCode: UInt32?
    /// The trap message when the guest trapped.
    var trap: String?
    var stdout: [UInt8]
    var stderr: [UInt8]
    var trace: [String]

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// A temporary file opened for reading and writing, removed on release.
final class CaptureFile {
    let fd: Int32
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/kite-wasi-capture-XXXXXX").utf8CString)
        fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw WASISetupError("mkstemp failed") }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    var contents: [UInt8] { (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? [] }

    deinit {
        close(fd)
        unlink(path)
    }
}

/// Runs `bytes` as a WASI command (its stdin is empty).
func runCommand(_ bytes: [UInt8], arguments: [String] = ["main.wasm"], environment: [(name: String, value: String)] = [],
                preopens: [(hostPath: String, guestPath: String)] = [], trace: Bool = false,
                extraImports: (inout Imports, Store) -> Void = { _, _ in }) throws -> CommandOutput {
    let stdout = try CaptureFile(), stderr = try CaptureFile()
    let stdin = open("/dev/null", O_RDONLY)
    defer { close(stdin) }
    let lines = TraceLines()
    var configuration = WASIConfiguration(arguments: arguments, environment: environment, preopens: preopens,
                                          trace: trace ? WASITrace(sink: { lines.append($0) }) : nil)
    configuration.stdin = stdin
    configuration.stdout = stdout.fd
    configuration.stderr = stderr.fd
    let module = try CompiledModule(bytes: bytes)
    var output = CommandOutput(stdout: [], stderr: [], trace: [])
    do {
        output.exitCode = try WASICommand(module: module, configuration: configuration).run(extraImports: extraImports)
    } catch let trap as Trap {
        output.trap = trap.message
    }
    output.stdout = stdout.contents
    output.stderr = stderr.contents
    output.trace = lines.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    return output
}

func runCommand(wat: String, preopens: [(hostPath: String, guestPath: String)] = [], trace: Bool = false) throws -> CommandOutput {
    try runCommand(try wat2wasm(wat), preopens: preopens, trace: trace)
}

final class TraceLines: @unchecked Sendable {
    private(set) var text = ""
    func append(_ line: String) { text += line }
}

/// A fresh temporary directory, removed (with its contents) on release.
final class TemporaryDirectory {
    let url: URL
    var path: String { url.path }

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kite-wasi-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}
