// The binary-format cases of the spec test suite, read straight from its .wast scripts:
// every `(module binary ...)` must decode (and its bodies read to the end), every
// `(assert_malformed (module binary ...) "text")` must fail with a message containing
// "text", as the spec harness judges it. Skipped when the suite is not checked out.
import Foundation
import Testing
@testable import KiteBinary

/// ../shared/wasm-testsuite beside the package, or $KITE_WASM_TESTSUITE.
let specSuiteDirectory: String = {
    if let path = ProcessInfo.processInfo.environment["KITE_WASM_TESTSUITE"] { return path }
    let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    return package.deletingLastPathComponent().appendingPathComponent("shared/wasm-testsuite").path
}()

private let suiteIsPresent = FileManager.default.fileExists(atPath: specSuiteDirectory + "/binary.wast")

/// Scripts whose binary modules use only what Kite decodes (Wasm 2.0 plus the memory64
/// and multi-memory encodings). Not here: binary-gc.wast (GC types) and elem.wast (tables
/// of typed function references with initializers).
private let scripts = [
    "binary.wast", "binary0.wast", "binary-leb128.wast", "binary_leb128_64.wast", "custom.wast",
    "utf8-custom-section-id.wast", "utf8-import-field.wast", "utf8-import-module.wast",
    "align.wast", "global.wast", "data.wast", "simd_const.wast", "float_literals.wast",
]

@Test(.enabled(if: suiteIsPresent), arguments: scripts)
func specBinaryModules(script: String) throws {
    let text = try String(contentsOfFile: specSuiteDirectory + "/" + script, encoding: .utf8)
    var parser = SExpressionParser(Array(text.utf8))
    var checked = 0
    for command in try parser.parseAll() {
        guard case .list(let items) = command, case .atom(let head)? = items.first else { continue }
        switch head {
        case "module":
            if let bytes = binaryModule(command) {
                checked += 1
                do { _ = try decodeFully(bytes) } catch {
                    Issue.record("\(script): module #\(checked) failed: \(error)")
                }
            }
        case "assert_invalid", "assert_unlinkable", "assert_uninstantiable", "assert_trap":
            if items.count > 1, let bytes = binaryModule(items[1]) {
                checked += 1
                do { _ = try decodeFully(bytes) } catch {
                    Issue.record("\(script): \(head) module #\(checked) is not malformed, but: \(error)")
                }
            }
        case "assert_malformed":
            guard items.count > 2, let bytes = binaryModule(items[1]), case .string(let expected) = items[2] else { continue }
            checked += 1
            let text = String(decoding: expected, as: UTF8.self)
            do {
                _ = try decodeFully(bytes)
                Issue.record("\(script): malformed module #\(checked) decoded; expected \"\(text)\"")
            } catch {
                if !error.message.contains(text) {
                    Issue.record("\(script): malformed module #\(checked): got \"\(error.message)\", expected \"\(text)\"")
                }
            }
        default:
            continue
        }
    }
    #expect(checked > 0)
}

/// The bytes of `(module $id? binary "..."*)`, or nil for other module forms.
private func binaryModule(_ expression: SExpression) -> [UInt8]? {
    guard case .list(var items) = expression, case .atom("module")? = items.first else { return nil }
    items.removeFirst()
    if case .atom(let id)? = items.first, id.hasPrefix("$") { items.removeFirst() }
    guard case .atom("binary")? = items.first else { return nil }
    var bytes: [UInt8] = []
    for item in items.dropFirst() {
        if case .string(let part) = item { bytes += part }
    }
    return bytes
}

enum SExpression {
    case list([SExpression])
    case atom(String)
    case string([UInt8])
}

/// Just enough of the .wast lexical syntax: lists, atoms, strings with escapes, comments.
struct SExpressionParser {
    struct Failure: Error { var message: String }
    let text: [UInt8]
    var index = 0

    init(_ text: [UInt8]) { self.text = text }

    mutating func parseAll() throws -> [SExpression] {
        var result: [SExpression] = []
        while let expression = try parse() { result.append(expression) }
        return result
    }

    mutating func skipTrivia() throws {
        while index < text.count {
            let c = text[index]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                index += 1
            } else if c == UInt8(ascii: ";"), index + 1 < text.count, text[index + 1] == UInt8(ascii: ";") {
                while index < text.count, text[index] != 0x0A { index += 1 }
            } else if c == UInt8(ascii: "("), index + 1 < text.count, text[index + 1] == UInt8(ascii: ";") {
                var depth = 0
                repeat {
                    guard index + 1 < text.count else { throw Failure(message: "unclosed comment") }
                    if text[index] == UInt8(ascii: "("), text[index + 1] == UInt8(ascii: ";") { depth += 1; index += 2 }
                    else if text[index] == UInt8(ascii: ";"), text[index + 1] == UInt8(ascii: ")") { depth -= 1; index += 2 }
                    else { index += 1 }
                } while depth > 0
            } else {
                return
            }
        }
    }

    mutating func parse() throws -> SExpression? {
        try skipTrivia()
        guard index < text.count else { return nil }
        switch text[index] {
        case UInt8(ascii: "("):
            index += 1
            var items: [SExpression] = []
            while true {
                try skipTrivia()
                guard index < text.count else { throw Failure(message: "unclosed list") }
                if text[index] == UInt8(ascii: ")") { index += 1; return .list(items) }
                guard let item = try parse() else { throw Failure(message: "unclosed list") }
                items.append(item)
            }
        case UInt8(ascii: ")"):
            throw Failure(message: "unexpected )")
        case UInt8(ascii: "\""):
            return .string(try parseString())
        default:
            let start = index
            while index < text.count {
                let c = text[index]
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
                    || c == UInt8(ascii: "\"") { break }
                index += 1
            }
            return .atom(String(decoding: text[start..<index], as: UTF8.self))
        }
    }

    mutating func parseString() throws -> [UInt8] {
        index += 1
        var bytes: [UInt8] = []
        while true {
            guard index < text.count else { throw Failure(message: "unclosed string") }
            let c = text[index]
            index += 1
            if c == UInt8(ascii: "\"") { return bytes }
            guard c == UInt8(ascii: "\\") else { bytes.append(c); continue }
            guard index < text.count else { throw Failure(message: "bad escape") }
            let e = text[index]
            index += 1
            switch e {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): bytes.append(e)
            case UInt8(ascii: "u"):
                guard index < text.count, text[index] == UInt8(ascii: "{"),
                      let close = text[index...].firstIndex(of: UInt8(ascii: "}")),
                      let scalar = UInt32(String(decoding: text[(index + 1)..<close], as: UTF8.self).replacingOccurrences(of: "_", with: ""), radix: 16),
                      let unicode = Unicode.Scalar(scalar)
                else { throw Failure(message: "bad \\u escape") }
                bytes += Array(String(Character(unicode)).utf8)
                index = close + 1
            default:
                guard index < text.count, let high = hexValue(e), let low = hexValue(text[index]) else {
                    throw Failure(message: "bad escape")
                }
                index += 1
                bytes.append(high << 4 | low)
            }
        }
    }

    func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
