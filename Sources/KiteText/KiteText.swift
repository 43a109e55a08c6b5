// Public entry points: WebAssembly text (`.wat`) -> binary module bytes.

/// Encodes a text-format module to the binary format.
///
/// `text` is either a `(module ...)` form or, as the text format allows, the bare
/// sequence of module fields. `(module binary "...")` yields its bytes and
/// `(module quote "...")` is parsed as text. Throws `TextError` on malformed text,
/// including unresolved symbolic names (`unknown function $f`); numeric indices are not
/// range-checked here (that is the validator's job).
public func wat2wasm(_ text: String) throws -> [UInt8] {
    try wat2wasm(bytes: Array(text.utf8))
}

/// Like `wat2wasm(_:)`, for source given as raw bytes (e.g. the concatenated strings
/// of a `(module quote ...)`, which need not be valid UTF-8 and then are malformed).
public func wat2wasm(bytes: [UInt8]) throws -> [UInt8] {
    let doc = try Lexer.tokenize(bytes)
    let all = Reader(doc: doc, pos: 0, end: doc.tokens.count)
    if all.isList("module"), let t = all.peek(), t.match == doc.tokens.count - 1 {
        return try encodeModuleForm(doc: doc, at: 0)
    }
    return try ModuleEncoder.encode(doc: doc, fields: all)
}

/// Encodes a `(module ...)` s-expression, as handed out by `SExpr.parse`.
public func wat2wasm(_ module: SExpr) throws -> [UInt8] {
    guard module.head == "module" else {
        throw module.doc.error("unexpected token, expected (module ...)", at: module.index)
    }
    return try encodeModuleForm(doc: module.doc, at: module.index)
}

/// The `(module $id? ...)` list starting at token `at`: text, `binary` or `quote` form.
func encodeModuleForm(doc: Document, at: Int) throws -> [UInt8] {
    var r = Reader(doc: doc, pos: at, end: doc.tokens.count)
    var inner = try r.enterList()
    _ = inner.takeId()
    if inner.takeKeyword("binary") {
        var bytes: [UInt8] = []
        while !inner.atEnd { bytes += try inner.expectString() }
        return bytes
    }
    if inner.takeKeyword("quote") {
        var bytes: [UInt8] = []
        while !inner.atEnd { bytes += try inner.expectString() }
        return try wat2wasm(bytes: bytes)
    }
    _ = inner.takeKeyword("definition")
    _ = inner.takeId()
    return try ModuleEncoder.encode(doc: doc, fields: inner)
}

/// A parsed s-expression: one atom or one parenthesised list of a tokenized text.
///
/// Cheap to copy (it refers into a shared token array); lists are not materialised as
/// trees, so even very deeply nested text is handled without recursion.
public struct SExpr: Sendable {
    let doc: Document
    /// Index of the first token (the `(` of a list).
    let index: Int

    /// Tokenizes `text` and returns its top-level s-expressions.
    public static func parse(_ text: String) throws -> [SExpr] {
        let doc = try Lexer.tokenize(Array(text.utf8))
        var result: [SExpr] = []
        var i = 0
        while i < doc.tokens.count {
            result.append(SExpr(doc: doc, index: i))
            i = doc.tokens[i].kind == .lparen ? doc.tokens[i].match + 1 : i + 1
        }
        return result
    }

    /// The keyword heading this list (`module`, `assert_return`, ...), if any.
    public var head: String? {
        Reader(doc: doc, pos: index, end: doc.tokens.count).listHead
    }

    /// 1-based line where the expression starts.
    public var line: Int { doc.position(ofOffset: doc.tokens[index].offset).line }

    /// 1-based column where the expression starts.
    public var column: Int { doc.position(ofOffset: doc.tokens[index].offset).column }
}
