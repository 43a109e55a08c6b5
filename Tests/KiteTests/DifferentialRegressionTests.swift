import Foundation
import KiteFuzzTargets
import KiteText
import Testing

/// Modules on which Kite once disagreed with Wasmtime (Tools/differential.py --regressions
/// writes them, shrunk): NAME.wat, the arguments of each exported function (NAME.args) and
/// what Wasmtime did (NAME.expected, traps by kind). Kite must now do the same.
struct DifferentialRegressionTests {
    static let directory = TestPaths.packageRoot.appendingPathComponent("Tests/KiteTests/DifferentialRegressions")

    /// Tools/trap-kinds.txt: trap kinds by the words engines use for them.
    static let trapKinds: [(kind: String, words: [String])] = {
        let text = (try? String(contentsOf: TestPaths.packageRoot.appendingPathComponent("Tools/trap-kinds.txt"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t")
            guard fields.count == 2 else { return nil }
            return (String(fields[0]), fields[1].split(separator: "|").map(String.init))
        }
    }()

    static func kind(_ message: String) -> String {
        let lower = message.lowercased()
        for (kind, words) in trapKinds where words.contains(where: { lower.contains($0) }) { return kind }
        return "other: " + String(lower.prefix(80))
    }

    static var names: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".wat") }.map { String($0.dropLast(4)) }.sorted()
    }

    @Test func trapKindsAreRead() {
        #expect(Self.kind("out of bounds memory access (in f)") == "memory")
        #expect(Self.kind("unreachable executed") == "unreachable")
    }

    @Test(arguments: names)
    func agreesWithWasmtime(_ name: String) throws {
        let base = Self.directory.appendingPathComponent(name)
        let wat = try String(contentsOf: base.appendingPathExtension("wat"), encoding: .utf8)
        let arguments = try String(contentsOf: base.appendingPathExtension("args"), encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(separator: " ").map(String.init) }
        let expected = try String(contentsOf: base.appendingPathExtension("expected"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let ours = DifferentialRun.lines(try wat2wasm(wat), arguments: arguments).map { line -> String in
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, fields[1] == "trap" || fields[1] == "error" else { return line }
            return "\(fields[0])\t\(fields[1])\t\(Self.kind(fields[2]))"
        }
        // Lines Wasmtime could not read (GC references, v128) are left out of the expectation.
        let compared = Set(expected.map { $0.split(separator: "\t").first.map(String.init) ?? "" })
        #expect(ours.filter { compared.contains($0.split(separator: "\t").first.map(String.init) ?? "") } == expected)
    }
}
