import ArgumentParser
import Foundation
import KiteSpec

struct Wast: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run WebAssembly spec test scripts (.wast).")

    @Argument(help: "The scripts.")
    var files: [String]

    @Flag(help: "Print every failed assertion.")
    var verbose = false

    func run() throws {
        var passed = 0, failed = 0
        for file in files {
            let result = runWastFile(path: file)
            passed += result.passed
            failed += result.failed
            print("\((file as NSString).lastPathComponent): \(result.passed) passed, \(result.failed) failed")
            if verbose { for failure in result.failures { print("  \(failure)") } }
        }
        if files.count > 1 { print("total: \(passed) passed, \(failed) failed") }
        if failed > 0 { throw ExitCode(1) }
    }
}
