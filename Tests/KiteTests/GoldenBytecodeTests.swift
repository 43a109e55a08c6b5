import Foundation
import Kite
import KiteText
import KiteTranslator
import Testing

/// Golden listings of the register bytecode of small functions (Golden/NAME.wat ->
/// Golden/NAME.txt). They pin down what the translator removes and fuses: no local.get or
/// const at run time, local.set folded into the producer, compare-and-branch fused,
/// branch targets resolved. Rewrite with KITE_UPDATE_GOLDEN=1 after an intended change.
struct GoldenBytecodeTests {
    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: TestPaths.golden.path)) ?? []
        return files.filter { $0.hasSuffix(".wat") }.map { String($0.dropLast(4)) }.sorted()
    }()

    static func listing(_ watPath: URL) throws -> String {
        let module = try decodeModule(try wat2wasm(try String(contentsOf: watPath, encoding: .utf8)))
        let translated = try translateModule(module, handlers: identityHandlers)
        var text = ""
        for (i, function) in translated.functions.enumerated() {
            text += "func \(module.importedFunctionCount + i) \(module.types[Int(function.typeIndex)])\n"
            text += printBytecode(function)
        }
        return withLocalTypeIndices(text, try TypeRegistry.shared.canonicalize(module))
    }

    /// GC ops carry canonical type ids, which depend on what the process registered before;
    /// the listing names them by the module's type index instead.
    static func withLocalTypeIndices(_ text: String, _ ids: [UInt32]) -> String {
        var local: [UInt32: Int] = [:]
        for (i, id) in ids.enumerated() where local[id] == nil { local[id] = i }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.contains("struct") || line.contains("array") || line.contains("ref_test") || line.contains("ref_cast") else {
                return String(line)
            }
            return line.split(separator: " ", omittingEmptySubsequences: false).map { word -> String in
                guard word.hasPrefix("type="), let id = UInt32(word.dropFirst(5)), let i = local[id] else { return String(word) }
                return "type=$\(i)"
            }.joined(separator: " ")
        }.joined(separator: "\n")
    }

    @Test(arguments: names)
    func listingMatches(_ name: String) throws {
        let actual = try Self.listing(TestPaths.golden.appendingPathComponent(name + ".wat"))
        let expectedURL = TestPaths.golden.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["KITE_UPDATE_GOLDEN"] != nil {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual == expected)
    }

    @Test func goldenFilesExist() {
        #expect(Self.names.count >= 5)
    }
}
