// Helpers for building modules byte by byte: every fixture is spelled out in the test,
// so the tests need no external tools.
import Testing
@testable import KiteBinary

let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]

func uleb(_ value: UInt64) -> [UInt8] {
    var value = value
    var out: [UInt8] = []
    repeat {
        var byte = UInt8(value & 0x7F)
        value >>= 7
        if value != 0 { byte |= 0x80 }
        out.append(byte)
    } while value != 0
    return out
}

func sleb(_ value: Int64) -> [UInt8] {
    var value = value
    var out: [UInt8] = []
    while true {
        let byte = UInt8(value & 0x7F)
        value >>= 7
        let done = (value == 0 && byte & 0x40 == 0) || (value == -1 && byte & 0x40 != 0)
        out.append(done ? byte : byte | 0x80)
        if done { return out }
    }
}

/// A section: id, LEB size, contents.
func section(_ id: UInt8, _ contents: [UInt8]) -> [UInt8] {
    [id] + uleb(UInt64(contents.count)) + contents
}

/// A vector: LEB count then the items' bytes.
func vec(_ items: [[UInt8]]) -> [UInt8] {
    uleb(UInt64(items.count)) + items.flatMap { $0 }
}

func name(_ text: String) -> [UInt8] {
    let bytes = Array(text.utf8)
    return uleb(UInt64(bytes.count)) + bytes
}

/// A code-section entry: size, locals, body (the body must include its final `end`).
func function(locals: [[UInt8]] = [], _ body: [UInt8]) -> [UInt8] {
    let contents = vec(locals) + body
    return uleb(UInt64(contents.count)) + contents
}

func module(_ sections: [UInt8]...) -> [UInt8] {
    header + sections.flatMap { $0 }
}

/// A module with one `() -> ()` function whose body is `body` (through its `end`).
/// `extraDataSegments` adds a data section of that many passive segments.
func moduleWithBody(_ body: [UInt8], locals: [[UInt8]] = [], extraSections: [UInt8] = [], dataCount: UInt8? = 0,
                    extraDataSegments: UInt8? = nil) -> [UInt8] {
    let dataSection = extraDataSegments.map { section(11, vec(Array(repeating: [0x01, 0x00], count: Int($0)))) } ?? []
    return module(
        section(1, vec([[0x60, 0x00, 0x00]])),
        section(3, vec([[0x00]])),
        section(5, vec([[0x00, 0x01]])),
        dataCount.map { section(12, [$0]) } ?? [],
        section(10, vec([function(locals: locals, body)])),
        extraSections,
        dataSection
    )
}

/// The error message decoding `bytes` produces, or nil when it decodes.
func decodingError(_ bytes: [UInt8]) -> DecodingError? {
    do {
        _ = try decodeModule(bytes)
        return nil
    } catch {
        return error
    }
}

/// Decodes, then reads every function body to its end, as the translator would.
func decodeFully(_ bytes: [UInt8]) throws(DecodingError) -> Module {
    let module = try decodeModule(bytes)
    for code in module.codes {
        var reader = CodeReader(module: module, code: code)
        while !reader.isAtEnd { _ = try reader.read() }
    }
    return module
}

/// Like the spec harness: the error message must contain the expected text.
func expectMalformed(_ bytes: [UInt8], _ expected: String, fully: Bool = false,
                     sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = fully ? try decodeFully(bytes) : try decodeModule(bytes)
        Issue.record("decoded, expected \"\(expected)\"", sourceLocation: sourceLocation)
    } catch {
        #expect(error.message.contains(expected), "got \"\(error.message)\", expected \"\(expected)\"",
                sourceLocation: sourceLocation)
    }
}

/// Runs `body` on a cursor over `bytes` (the cursor only lives inside the closure).
func withCursor<R>(_ bytes: [UInt8], _ body: (inout ByteCursor) throws(DecodingError) -> R) throws(DecodingError) -> R {
    try bytes.withUnsafeBufferPointer { buffer throws(DecodingError) -> R in
        var cursor = ByteCursor(buffer)
        return try body(&cursor)
    }
}
