import Foundation
import KiteText
import KiteWASI
import Testing

/// Examples/greeting.wat calls `print_greeting`, the call Kite adds to the witx.
struct GreetingTests {
    let greeting = WASITestPaths.packageRoot.appendingPathComponent("Examples/greeting.wat")

    @Test func greetingExamplePrintsTheGreeting() throws {
        let output = try runCommand(try wat2wasm(String(contentsOf: greeting, encoding: .utf8)))
        #expect(output.trap == nil)
        #expect(output.exitCode == 0)
        #expect(output.stdoutText == "Hello World from the new print_greeting syscall in WASI\n")
        #expect(output.stderr.isEmpty)
    }

    @Test func greetingTraceIsExactlyTheCallAndItsErrno() throws {
        let output = try runCommand(try wat2wasm(String(contentsOf: greeting, encoding: .utf8)), trace: true)
        #expect(output.trace == [
            "> print_greeting()",
            "> errno=No error occurred. System call completed successfully. (Errno::Success(0))",
        ])
        #expect(output.stdoutText == "Hello World from the new print_greeting syscall in WASI\n")
    }
}
