import Foundation
import Testing

/// The `kite` executable as a user runs it: exit codes, what it prints, and that hostile
/// modules end in a message, never a signal.
struct CLITests {
    @Test func oversizedTablesGiveAClearErrorUnderRunAndWast() throws {
        for (table, elements) in [("10000001", nil), ("0xFFFFFFFF", "4294967295"), ("i64 0xFFFFFFFFFF", "1099511627775")] {
            let module = try Scratch.file("table.wat", "(module (table \(table) funcref) (func (export \"_start\")))")
            let run = try kite("run", module)
            let wast = try kite("wast", try Scratch.file("table.wast", """
                (module (table \(table) funcref) (func (export "size") (result i32) \(table.hasPrefix("i64") ? "(i32.wrap_i64 (table.size 0))" : "(table.size 0)")))
                (assert_return (invoke "size") (i32.const 10000001))
                """))
            if let elements {
                #expect(run.status == 1)
                #expect(run.stderr == "Error: failed to instantiate `\(module)`: table of \(elements) elements exceeds the store's limit of 67108864 elements\n")
                #expect(wast.status == 1)
                #expect(wast.stdout.contains("0 passed, 2 failed"))  // the module, then the call
            } else {
                #expect(run.status == 0 && run.stderr.isEmpty)
                #expect(wast.status == 0 && wast.stdout.contains("1 passed, 0 failed"))
            }
        }
    }

    @Test func validateNamesTheErrorAndItsOffsetWithEitherValidator() throws {
        let valid = try Scratch.file("valid.wat", "(module (func (export \"f\") (result i32) (i32.const 1)))")
        let ok = try kite("validate", valid)
        #expect(ok.status == 0 && ok.stdout == "valid\n" && ok.stderr.isEmpty)
        // The second function is never called: lazy compilation still rejects the module.
        let invalid = try Scratch.file("invalid.wat", "(module (func) (func (result i32) (i64.const 1)))")
        for flags in [[], ["--eager"]] {
            let result = try kite(["validate", invalid] + flags)
            #expect(result.status == 1)
            #expect(result.stdout == "invalid: type mismatch (at byte offset 33)\n", "\(flags)")
        }
    }

    @Test func invokeLinksWASI() throws {
        let module = try Scratch.file("hello.wat", """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (memory (export "memory") 1)
              (data (i32.const 16) "hello from wasi\\n")
              (func (export "hello") (param $n i32) (result i32)
                (i32.store (i32.const 0) (i32.const 16)) (i32.store (i32.const 4) (i32.const 16))
                (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                (i32.add (local.get $n) (i32.const 1)))
              (func (export "quit") (param i32) (call $exit (local.get 0))))
            """)
        let hello = try kite("run", module, "--invoke", "hello", "41")
        #expect(hello.status == 0)
        #expect(hello.stdout == "hello from wasi\n42\n")
        #expect(hello.stderr.isEmpty)
        // proc_exit under --invoke ends kite with its code, as for a command.
        #expect(try kite("run", module, "--invoke", "quit", "7").status == 7)
    }

    @Test func invokeRunsAReactorsInitializeFirst() throws {
        let module = try Scratch.file("reactor.wat", """
            (module (global $g (mut i32) (i32.const 0))
              (func (export "_initialize") (global.set $g (i32.const 100)))
              (func (export "get") (result i32) (global.get $g)))
            """)
        #expect(try kite("run", module, "--invoke", "get").stdout == "100\n")
    }

    @Test func everyTrapPrintsOneFormatAndExits134() throws {
        let cases: [(String, [String], String)] = [
            ("(module (func $s unreachable) (start $s) (func (export \"_start\")))", [],
             "wasm trap: unreachable executed (in func[0])"),
            ("(module (memory 1) (data (i32.const 65536) \"a\") (func (export \"_start\")))", [],
             "wasm trap: out of bounds memory access"),
            ("(module (func (export \"f\") unreachable))", ["--invoke", "f"],
             "wasm trap: unreachable executed (in f)"),
            ("(module (func (export \"_start\") (drop (i32.div_u (i32.const 1) (i32.const 0)))))", [],
             "wasm trap: integer divide by zero (in _start)"),
        ]
        for (wat, flags, trap) in cases {
            let module = try Scratch.file("trap.wat", wat)
            let result = try kite(["run", module] + flags)
            #expect(result.status == 134)
            #expect(result.stderr == "Error: failed to run main module `\(module)`: \(trap)\n")
        }
    }

    @Test func missingImportsExitWithOne() throws {
        let module = try Scratch.file("import.wat", "(module (import \"env\" \"f\" (func)) (func (export \"_start\")))")
        let result = try kite("run", module)
        #expect(result.status == 1)
        #expect(result.stderr == "Error: failed to instantiate `\(module)`: unknown import env.f\n")
    }
}

struct KiteResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the `kite` built beside the test bundle and waits for it. Fails (rather than
/// reporting a status) if kite dies of a signal.
func kite(_ arguments: String...) throws -> KiteResult { try kite(arguments) }

func kite(_ arguments: [String]) throws -> KiteResult { try runProduct("kite", arguments) }

/// Runs an executable of this package (built beside the tests by `swift build --build-tests`).
/// `expectSignal`: the program is meant to die of a signal (its number is the status).
func runProduct(_ name: String, _ arguments: [String] = [], in directory: URL? = nil,
                expectSignal: Bool = false) throws -> KiteResult {
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    guard FileManager.default.isExecutableFile(atPath: executable.path) else {
        throw ScratchError("\(name) is not built at \(executable.path) (swift build --build-tests builds it)")
    }
    return try runExecutable(executable.path, arguments, in: directory, expectSignal: expectSignal)
}

/// Runs the program at `path` and waits for it (see `runProduct`).
func runExecutable(_ path: String, _ arguments: [String], in directory: URL? = nil,
                   expectSignal: Bool = false) throws -> KiteResult {
    let name = URL(fileURLWithPath: path).lastPathComponent
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    #expect((process.terminationReason == .exit) != expectSignal,
            "\(name) \(arguments) ended by \(process.terminationReason) with \(process.terminationStatus)")
    return KiteResult(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
}

struct ScratchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A per-process scratch folder for the modules the tests write.
enum Scratch {
    static let directory: String = {
        let path = NSTemporaryDirectory() + "/kite-cli-tests-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// Writes `text` to a fresh file (tests run in parallel: names are made unique).
    static func file(_ name: String, _ text: String) throws -> String {
        let path = directory + "/\(UUID().uuidString)-\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
