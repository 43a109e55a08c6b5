// A cursor over a token range of a Document: the parser's only way to look at tokens.
//
// A list `( ... )` is entered by making a nested reader bounded by the matching `)`,
// which was found by the lexer; nothing here recurses on nesting depth.

struct Reader {
    let doc: Document
    var pos: Int
    /// Exclusive end: the index of the enclosing `)` (or the token count at top level).
    let end: Int

    init(doc: Document, pos: Int, end: Int) {
        self.doc = doc
        self.pos = pos
        self.end = end
    }

    var atEnd: Bool { pos >= end }

    func peek(_ k: Int = 0) -> Token? {
        let i = pos + k
        return i < end ? doc.tokens[i] : nil
    }

    /// The keyword heading the list at the cursor, if the cursor is at `(keyword`.
    var listHead: String? {
        guard let t = peek(), t.kind == .lparen, let h = peek(1), h.kind == .atom else { return nil }
        return h.text
    }

    func isList(_ head: String) -> Bool { listHead == head }

    var atList: Bool { peek()?.kind == .lparen }

    /// Returns a reader over the list at the cursor (after its head keyword if
    /// `skipHead`), and moves this reader past the list.
    mutating func enterList(skipHead: Bool = true) throws -> Reader {
        guard let t = peek(), t.kind == .lparen else { throw unexpected() }
        let inner = Reader(doc: doc, pos: pos + (skipHead ? 2 : 1), end: t.match)
        pos = t.match + 1
        return inner
    }

    /// Skips one token, or a whole list.
    mutating func skipItem() {
        guard let t = peek() else { return }
        pos = t.kind == .lparen ? t.match + 1 : pos + 1
    }

    mutating func takeId() -> String? {
        guard let t = peek(), t.kind == .id else { return nil }
        pos += 1
        return t.text
    }

    mutating func takeKeyword(_ kw: String) -> Bool {
        guard let t = peek(), t.kind == .atom, t.text == kw else { return false }
        pos += 1
        return true
    }

    mutating func expectKeyword(_ kw: String) throws {
        guard takeKeyword(kw) else { throw unexpected() }
    }

    /// Any atom (keyword or number) at the cursor.
    mutating func takeAtom() -> String? {
        guard let t = peek(), t.kind == .atom else { return nil }
        pos += 1
        return t.text
    }

    mutating func expectAtom() throws -> String {
        guard let a = takeAtom() else { throw unexpected() }
        return a
    }

    var atString: Bool { peek()?.kind == .string }

    mutating func expectString() throws -> [UInt8] {
        guard let t = peek(), t.kind == .string else { throw unexpected() }
        pos += 1
        return t.bytes
    }

    /// A string that names something in the binary format: must be valid UTF-8.
    mutating func expectName() throws -> [UInt8] {
        let at = pos
        let bytes = try expectString()
        guard UTF8Check.isValid(bytes) else { throw doc.error("malformed UTF-8 encoding", at: at) }
        return bytes
    }

    mutating func expectEnd() throws {
        guard atEnd else { throw unexpected() }
    }

    func error(_ message: String) -> TextError { doc.error(message, at: pos < end ? pos : end) }

    /// The right error for a token that does not fit here: unknown words are an
    /// `unknown operator`, known keywords and literals an `unexpected token`.
    func unexpected() -> TextError {
        guard let t = peek() else { return doc.error("unexpected token", at: end) }
        return Reader.unexpected(t, doc: doc, at: pos)
    }

    /// Error for a list at the cursor whose head is wrong: reported on the head token.
    func unexpectedHead() -> TextError {
        guard let t = peek(), t.kind == .lparen, let h = peek(1) else { return unexpected() }
        if h.kind == .rparen { return doc.error("unexpected token", at: pos + 1) }
        return Reader.unexpected(h, doc: doc, at: pos + 1)
    }

    static func unexpected(_ t: Token, doc: Document, at index: Int) -> TextError {
        switch t.kind {
        case .reserved:
            return doc.error("unknown operator \(t.text)", at: index)
        case .atom:
            let known = InstructionTable.ops[t.text] != nil || InstructionTable.otherKeywords.contains(t.text)
                || t.text.hasPrefix("offset=") || t.text.hasPrefix("align=")
                || FloatLiteral.looksLikeFloat(t.text)
            return doc.error(known ? "unexpected token \(t.text)" : "unknown operator \(t.text)", at: index)
        default:
            return doc.error("unexpected token", at: index)
        }
    }

    /// Converts a literal error to the spec's wording at the current token.
    func literalError(_ e: LiteralError, at index: Int) -> TextError {
        switch e {
        case .outOfRange: return doc.error("constant out of range", at: index)
        case .syntax:
            guard index < end else { return doc.error("unexpected token", at: end) }
            return Reader.unexpected(doc.tokens[index], doc: doc, at: index)
        }
    }
}
