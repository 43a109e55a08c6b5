import Foundation
import KiteWASI
import Testing

/// sightglass's benchmark programs (set SIGHTGLASS; CI uses /work/shared/sightglass): each
/// runs with its folder preopened as `.`, `bench.start`/`bench.end` provided, and must write
/// exactly its `*.stdout.expected` and `*.stderr.expected`.
///
/// In a debug build the heavy shootout programs take 15 s to 5 min each, so the default run
/// covers the ones that finish within a few seconds; SIGHTGLASS_ALL=1 runs every program.
struct SightglassTests {
    /// Programs that take more than ~10 s in a debug build (ed25519 and seqhash ~4-5 min).
    static let slowInDebug: Set<String> = [
        "shootout-base64", "shootout-ctype", "shootout-ed25519", "shootout-fib2", "shootout-heapsort",
        "shootout-matrix", "shootout-minicsv", "shootout-seqhash", "shootout-sieve",
    ]

    /// Programs that need a feature Kite does not have yet, with the feature. Each must still
    /// fail (cleanly, with an error); once one runs, this test fails until it is removed here.
    static let needsMissingFeature: [String: String] = [:]

    struct Program: CustomTestStringConvertible, Sendable {
        let wasm: URL
        var stem: String { wasm.deletingPathExtension().lastPathComponent }
        var folder: URL { wasm.deletingLastPathComponent() }
        var testDescription: String { "\(folder.lastPathComponent)/\(wasm.lastPathComponent)" }
    }

    static func programs() -> [Program] {
        guard let root = WASITestPaths.sightglass else { return [] }
        let all = ProcessInfo.processInfo.environment["SIGHTGLASS_ALL"] == "1"
        let fm = FileManager.default
        let folders = ((try? fm.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
        return folders.flatMap { folder -> [Program] in
            let url = root.appendingPathComponent(folder)
            let files = ((try? fm.contentsOfDirectory(atPath: url.path)) ?? []).filter { $0.hasSuffix(".wasm") }.sorted()
            return files.map { Program(wasm: url.appendingPathComponent($0)) }
        }.filter { all || !slowInDebug.contains($0.stem) }
    }

    @Test(.enabled(if: WASITestPaths.sightglass != nil, "set SIGHTGLASS to run the sightglass programs"),
          arguments: programs())
    func sightglass(_ program: Program) throws {
        if let feature = Self.needsMissingFeature[program.stem] {
            let bytes = [UInt8](try Data(contentsOf: program.wasm))
            let failed = (try? runCommand(bytes, arguments: [program.wasm.lastPathComponent],
                                          preopens: [(program.folder.path, ".")])) == nil
            #expect(failed, "\(program.stem) runs now: remove it from needsMissingFeature (\(feature))")
            return
        }
        let timer = BenchTimer()
        let output = try runCommand([UInt8](Data(contentsOf: program.wasm)), arguments: [program.wasm.lastPathComponent],
                                    preopens: [(program.folder.path, ".")]) { imports, store in
            timer.define(into: &imports, store: store)
        }
        let expectedOut = try Data(contentsOf: program.folder.appendingPathComponent("\(program.stem).stdout.expected"))
        let expectedErr = try Data(contentsOf: program.folder.appendingPathComponent("\(program.stem).stderr.expected"))
        #expect(output.trap == nil)
        #expect(output.exitCode == 0)
        #expect(output.stdout == [UInt8](expectedOut), "stdout: \(output.stdoutText.prefix(500))")
        #expect(output.stderr == [UInt8](expectedErr), "stderr: \(output.stderrText.prefix(500))")
        #expect(!timer.regions.isEmpty, "bench.start/bench.end were never called")
    }
}
