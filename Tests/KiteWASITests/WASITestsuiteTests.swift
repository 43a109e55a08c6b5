import Foundation
import Testing

/// github.com/WebAssembly/wasi-testsuite, prebuilt for wasm32-wasip1 (set WASI_TESTSUITE;
/// CI uses /work/shared/wasi-testsuite). Each `NAME.wasm` runs in-process with its
/// `NAME.json` (args, env, root preopened as `/` on a fresh copy, exit_code, stdout, stderr).
struct WASITestsuiteTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let wasm: URL
        var name: String { wasm.deletingPathExtension().lastPathComponent }
        var group: String { wasm.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().lastPathComponent }
        var testDescription: String { "\(group)/\(name)" }
    }

    struct Spec: Decodable {
        var args: [String]?
        var env: [String: String]?
        var root: String?
        var exit_code: UInt32?
        var stdout: String?
        var stderr: String?
    }

    static func cases() -> [Case] {
        guard let suite = WASITestPaths.wasiTestsuite else { return [] }
        let tests = suite.appendingPathComponent("tests")
        let groups = (try? FileManager.default.contentsOfDirectory(atPath: tests.path)) ?? []
        return groups.sorted().flatMap { group -> [Case] in
            let folder = tests.appendingPathComponent("\(group)/testsuite/wasm32-wasip1")
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return files.filter { $0.hasSuffix(".wasm") }.sorted().map { Case(wasm: folder.appendingPathComponent($0)) }
        }
    }

    @Test(.enabled(if: WASITestPaths.wasiTestsuite != nil, "set WASI_TESTSUITE to run the WASI test suite"),
          arguments: cases())
    func wasiTestsuite(_ test: Case) throws {
        let specURL = test.wasm.deletingPathExtension().appendingPathExtension("json")
        let spec = FileManager.default.fileExists(atPath: specURL.path)
            ? try JSONDecoder().decode(Spec.self, from: Data(contentsOf: specURL)) : Spec()
        let scratch = try TemporaryDirectory()
        var preopens: [(hostPath: String, guestPath: String)] = []
        if let root = spec.root {
            let copy = scratch.url.appendingPathComponent(root)
            try copyWritable(test.wasm.deletingLastPathComponent().appendingPathComponent(root), to: copy)
            preopens.append((copy.path, "/"))
        }
        let output = try runCommand([UInt8](Data(contentsOf: test.wasm)), arguments: [test.wasm.lastPathComponent] + (spec.args ?? []),
                                    environment: (spec.env ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                    preopens: preopens)
        var problems: [String] = []
        if let trap = output.trap { problems.append("trapped: \(trap)") }
        if output.exitCode != (spec.exit_code ?? 0) {
            problems.append("exit code \(output.exitCode.map(String.init) ?? "none"), expected \(spec.exit_code ?? 0)")
        }
        if let stdout = spec.stdout, output.stdoutText != stdout { problems.append("stdout \(output.stdoutText.debugDescription), expected \(stdout.debugDescription)") }
        if let stderr = spec.stderr, output.stderrText != stderr { problems.append("stderr \(output.stderrText.debugDescription), expected \(stderr.debugDescription)") }

        if let reason = knownWASITestsuiteFailures[test.testDescription] {
            #expect(!problems.isEmpty, "\(test.testDescription) passes now: remove it from knownWASITestsuiteFailures (\(reason))")
        } else {
            #expect(problems.isEmpty, "\(test.testDescription): \(problems.joined(separator: "; "))\nstderr: \(output.stderrText)")
        }
    }
}

/// Copies a test's root folder (read-only in the suite) so the guest may write to it.
func copyWritable(_ source: URL, to destination: URL) throws {
    let fm = FileManager.default
    try fm.copyItem(at: source, to: destination)
    try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: destination.path)
    guard let walker = fm.enumerator(atPath: destination.path) else { return }
    for case let relative as String in walker {
        let path = destination.appendingPathComponent(relative).path
        let attributes = try fm.attributesOfItem(atPath: path)
        switch attributes[.type] as? FileAttributeType {
        case .typeDirectory?: try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        case .typeRegular?: try fm.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        default: break
        }
    }
}
