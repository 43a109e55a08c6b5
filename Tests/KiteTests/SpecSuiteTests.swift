import Foundation
import KiteSpec
import Testing

/// Runs every script of the spec suite and compares its pass/fail counts with
/// spec-expectations.txt, so any regression (and any unrecorded progress) fails.
/// Rewrite the file with KITE_UPDATE_EXPECTATIONS=1 after an improvement.
struct SpecSuiteTests {
    /// The root scripts, and those of `legacy/` (the legacy exception-handling form, which
    /// toolchains still emit) as `legacy/NAME.wast`.
    static let files: [String] = {
        guard let dir = TestPaths.wasmTestsuite else { return [] }
        func scripts(_ folder: String) -> [String] {
            let path = folder.isEmpty ? dir.path : dir.appendingPathComponent(folder).path
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.filter { $0.hasSuffix(".wast") }.sorted().map { folder.isEmpty ? $0 : folder + "/" + $0 }
        }
        return scripts("") + scripts("legacy")
    }()

    static func expectations() -> [String: (passed: Int, failed: Int)] {
        guard let text = try? String(contentsOf: TestPaths.expectations, encoding: .utf8) else { return [:] }
        var result: [String: (Int, Int)] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 3, let p = Int(parts[1]), let f = Int(parts[2]) { result[String(parts[0])] = (p, f) }
        }
        return result
    }

    @Test(.enabled(if: TestPaths.wasmTestsuite != nil, "WASM_TESTSUITE is not set"))
    func specScriptsMatchExpectations() throws {
        let dir = try #require(TestPaths.wasmTestsuite)
        #expect(!Self.files.isEmpty, "no .wast files in \(dir.path)")
        let expected = Self.expectations()
        var lines = ["# file passed failed — written by KITE_UPDATE_EXPECTATIONS=1 swift test --filter SpecSuite"]
        var totalPassed = 0, totalFailed = 0
        for file in Self.files {
            let result = runWastFile(path: dir.appendingPathComponent(file).path)
            lines.append("\(file) \(result.passed) \(result.failed)")
            totalPassed += result.passed
            totalFailed += result.failed
            if ProcessInfo.processInfo.environment["KITE_UPDATE_EXPECTATIONS"] == nil {
                let want = expected[file]
                #expect(want?.passed == result.passed && want?.failed == result.failed,
                        "\(file): \(result.passed) passed, \(result.failed) failed; expected \(want.map { "\($0.passed) passed, \($0.failed) failed" } ?? "no entry")\n\(result.failures.prefix(5).joined(separator: "\n"))")
            }
        }
        print("spec suite: \(totalPassed) passed, \(totalFailed) failed")
        if ProcessInfo.processInfo.environment["KITE_UPDATE_EXPECTATIONS"] != nil {
            try (lines.joined(separator: "\n") + "\n").write(to: TestPaths.expectations, atomically: true, encoding: .utf8)
        }
    }
}
