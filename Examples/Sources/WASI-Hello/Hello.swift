// This example demonstrates WASI support in WasmKit.

import Kite
import KiteWASI
import Foundation

@main
struct Example {
    static func main() throws {
        // Parse a WASI-compliant WebAssembly module from a file.
        let module = try parseWasm(filePath: "wasm/hello.wasm")

        // Create a WASI instance forwarding to the host environment.
        let wasi = try WASIBridgeToHost()
        // Start the WASI command-line application and close the bridge.
        let exitCode = try wasi.runAndClose { wasi in
            // Create engine and store
            let engine = Engine()
            let store = Store(engine: engine)
            // Instantiate a parsed module importing WASI
            var imports = Imports()
            wasi.link(to: &imports, store: store)
            let instance = try module.instantiate(store: store, imports: imports)
            return try wasi.start(instance)
        }
        // Exit the Swift program with the WASI exit code.
        exit(Int32(exitCode))
    }
}
