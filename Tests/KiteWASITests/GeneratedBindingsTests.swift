import Foundation
import Kite
import KiteWASI
import Testing

/// The generated bindings match the witx. (That the committed file is fresh is checked,
/// with the other generators, by KiteTests' GeneratedCodeTests.)
struct GeneratedBindingsTests {
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
