import Foundation
import Testing

/// WasmKit's four example programs (Examples/, only their imports changed) build against
/// Kite and print what they print on WasmKit.
struct ExampleTests {
    /// Examples/, where the programs expect to run (they open `wasm/...` relative to it).
    static let examples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Examples")

    func run(_ name: String) throws -> KiteResult {
        try runProduct(name, in: Self.examples)
    }

    @Test func factorialCallsAnExportedFunction() throws {
        let result = try run("Factorial")
        #expect(result.status == 0 && result.stderr.isEmpty)
        #expect(result.stdout == "fac(5) = 120\n")
    }

    @Test func printAddCallsAHostFunctionFromWasm() throws {
        let result = try run("PrintAdd")
        #expect(result.status == 0 && result.stderr.isEmpty)
        // The host function prints the `Value` it got, as WasmKit formats it.
        #expect(result.stdout == "i32(45)\n")
    }

    @Test func stringPassingMovesBytesBothWays() throws {
        let result = try run("StringPassing")
        #expect(result.status == 0 && result.stderr.isEmpty)
        let message = Array("Hello from host!\n".utf8)
        let checksum = message.reduce(0) { $0 + Int($1) }
        #expect(result.stdout == "Hello from Wasm!\nchecksum(messageBytes) = \(checksum)\n")
    }

    @Test func wasiHelloRunsACommand() throws {
        let result = try run("WASI-Hello")
        #expect(result.status == 0 && result.stderr.isEmpty)
        #expect(result.stdout == "Hello, World!\n")
    }
}
