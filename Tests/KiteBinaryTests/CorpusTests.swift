// Robustness on real toolchain output: every .wasm under ../shared/wasi-testsuite and
// ../shared/sightglass (plus directories listed in $KITE_EXTRA_WASM_DIRS, colon-separated)
// must decode, and every function body must read to its end. Skipped when absent.
import Foundation
import Testing
@testable import KiteBinary

private let sharedDirectory = URL(fileURLWithPath: specSuiteDirectory).deletingLastPathComponent().path

private let corpusDirectories: [String] = {
    var directories = ["wasi-testsuite", "sightglass"].map { sharedDirectory + "/" + $0 }
    if let extra = ProcessInfo.processInfo.environment["KITE_EXTRA_WASM_DIRS"] {
        directories += extra.split(separator: ":").map(String.init)
    }
    return directories.filter { FileManager.default.fileExists(atPath: $0) }
}()

private func wasmFiles(under directory: String) -> [String] {
    guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
    return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".wasm") }.sorted().map { directory + "/" + $0 }
}

/// Corpus modules that use a feature the decoder does not know yet: each must still be rejected
/// (cleanly); once one decodes, the test fails until it is removed here.
private let needsMissingFeature: [String: String] = [:]

@Test(.enabled(if: !corpusDirectories.isEmpty))
func corpusModulesDecode() throws {
    var decoded = 0
    var instructions = 0
    for directory in corpusDirectories {
        for path in wasmFiles(under: directory) {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            if let feature = needsMissingFeature[(path as NSString).lastPathComponent] {
                #expect((try? decodeModule([UInt8](data))) == nil, "\(path) decodes now: remove it from needsMissingFeature (\(feature))")
                continue
            }
            do {
                let module = try decodeModule([UInt8](data))
                for code in module.codes {
                    var reader = CodeReader(module: module, code: code)
                    while !reader.isAtEnd {
                        _ = try reader.read()
                        instructions += 1
                    }
                }
                decoded += 1
            } catch {
                Issue.record("\(path): \(error)")
            }
        }
    }
    #expect(decoded > 0)
    print("decoded \(decoded) corpus modules, \(instructions) instructions")
}
