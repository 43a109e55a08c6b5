import Foundation
import Testing

/// The C programs of Benchmarks/simd, built with clang 14 with and without -msimd128
/// (build.sh): both builds must print exactly what Wasmtime printed (`NAME.expected`), so
/// Kite's SIMD handlers agree with Wasmtime's native vector code on real compiler output.
struct SIMDProgramTests {
    static let folder = WASITestPaths.packageRoot.appendingPathComponent("Benchmarks/simd")

    static let builds: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".wasm") }.sorted()
    }()

    @Test(arguments: builds)
    func printsWasmtimesOutput(_ file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Self.folder.appendingPathComponent(file)))
        let output = try runCommand(bytes, arguments: [file])
        let expected = try Data(contentsOf: Self.folder.appendingPathComponent(file.prefix { $0 != "." } + ".expected"))
        #expect(output.trap == nil)
        #expect(output.exitCode == 0)
        #expect(output.stdout == [UInt8](expected), "stdout: \(output.stdoutText.prefix(300))")
    }

    @Test func bothBuildsOfEachProgramArePresent() {
        #expect(Self.builds.count >= 4)
        for file in Self.builds where file.hasSuffix(".simd.wasm") {
            #expect(Self.builds.contains(file.replacingOccurrences(of: ".simd.wasm", with: ".scalar.wasm")))
        }
    }
}
