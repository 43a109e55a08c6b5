import Foundation

/// Locations the tests read from, relative to this source file (so they work from any
/// working directory) or from the environment.
enum TestPaths {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let golden = packageRoot.appendingPathComponent("Tests/KiteTests/Golden")
    static let expectations = packageRoot.appendingPathComponent("Tests/KiteTests/spec-expectations.txt")

    /// The official spec scripts, when WASM_TESTSUITE names them.
    static var wasmTestsuite: URL? {
        guard let path = ProcessInfo.processInfo.environment["WASM_TESTSUITE"], !path.isEmpty else { return nil }
        return URL(fileURLWithPath: path)
    }
}
