import Foundation
import Kite
import KiteWASI
import Testing

/// Sources/KiteWASI/Generated/WASIBindings.generated.swift is derived from Tools/witx/ by
/// Tools/generate_wasi.py; a stale committed copy would disagree with the witx.
struct GeneratedBindingsTests {
    @Test func generatedBindingsAreUpToDate() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", WASITestPaths.packageRoot.appendingPathComponent("Tools/generate_wasi.py").path, "--check"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        process.waitUntilExit()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(output)")
    }

    /// Every call of the witx is defined, with the preview1 core signature.
    @Test func everyWitxFunctionIsDefined() throws {
        #expect(wasiPreview1FunctionNames.count == 47)  // the 46 calls of preview1 and print_greeting
        #expect(wasiPreview1FunctionNames.contains("print_greeting"))
        let wasi = try WASI(WASIConfiguration(trace: nil))
        let store = Store()
        var imports = Imports()
        wasi.define(into: &imports, store: store)
        for name in wasiPreview1FunctionNames {
            #expect(imports.lookup(wasiPreview1ModuleName, name) != nil, "\(name) is not defined")
        }
        guard case .function(let fdWrite)? = imports.lookup(wasiPreview1ModuleName, "fd_write"),
              case .function(let pathOpen)? = imports.lookup(wasiPreview1ModuleName, "path_open"),
              case .function(let procExit)? = imports.lookup(wasiPreview1ModuleName, "proc_exit") else {
            Issue.record("missing functions")
            return
        }
        #expect(fdWrite.type == FunctionType(parameters: [.i32, .i32, .i32, .i32], results: [.i32]))
        #expect(pathOpen.type == FunctionType(parameters: [.i32, .i32, .i32, .i32, .i32, .i64, .i64, .i32, .i32], results: [.i32]))
        #expect(procExit.type == FunctionType(parameters: [.i32], results: []))
    }
}
