// Lexer: source bytes -> tokens (with matched parentheses).
//
// Follows the spec's lexical rules: a token is a maximal run of identifier characters and
// string literals not interrupted by white space, comments or parentheses. A run that is
// exactly one string is a string token, `$` + idchars or `$` + one string is an id, plain
// idchars are an atom, and everything else is `reserved` (the parser reports it as an
// `unknown operator`, as the reference interpreter does). Comments and annotations
// `(@id ...)` are skipped here, so the parser never sees them.

struct Lexer {
    private let src: [UInt8]
    private var i = 0
    private var tokens: [Token] = []
    private var openParens: [Int] = []
    /// Nesting depth inside an annotation; tokens are dropped while it is non-zero.
    private var annotationDepth = 0
    private var annotationStart = 0

    static func tokenize(_ source: [UInt8]) throws -> Document {
        var lexer = Lexer(src: source)
        try lexer.run()
        return Document(source: source, tokens: lexer.tokens)
    }

    private init(src: [UInt8]) { self.src = src }

    private func fail(_ message: String, _ offset: Int) -> TextError {
        // Positions are computed on the raw source; cheap enough for the error path.
        var line = 1, col = 1
        for b in src[0..<min(offset, src.count)] {
            if b == 0x0A { line += 1; col = 1 } else { col += 1 }
        }
        return TextError(message, line: line, column: col)
    }

    private func byte(_ k: Int) -> UInt8? { k < src.count ? src[k] : nil }

    static func isIdChar(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return "!#$%&'*+-./:<=>?@\\^_`|~".utf8.contains(c)
        }
    }

    private mutating func run() throws {
        while i < src.count {
            let c = src[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D:
                i += 1
            case UInt8(ascii: "("):
                if byte(i + 1) == UInt8(ascii: ";") {
                    try skipBlockComment()
                } else if annotationDepth > 0 {
                    // Inside an annotation `(@` is just a parenthesis plus an atom.
                    annotationDepth += 1; i += 1
                } else if byte(i + 1) == UInt8(ascii: "@") {
                    try startAnnotation()
                } else {
                    openParens.append(tokens.count)
                    tokens.append(Token(kind: .lparen, offset: i))
                    i += 1
                }
            case UInt8(ascii: ")"):
                if annotationDepth > 0 {
                    annotationDepth -= 1; i += 1
                    continue
                }
                guard let open = openParens.popLast() else { throw fail("unexpected token", i) }
                tokens[open].match = tokens.count
                tokens.append(Token(kind: .rparen, offset: i, match: open))
                i += 1
            case UInt8(ascii: ";") where byte(i + 1) == UInt8(ascii: ";"):
                try skipLineComment()
            default:
                if c < 0x20 || c == 0x7F { throw fail("illegal character", i) }
                if c >= 0x80 {
                    if UTF8Check.scalar(in: src, at: i) == nil { throw fail("malformed UTF-8 encoding", i) }
                    throw fail("illegal character", i)
                }
                let token = try scanRun()
                if annotationDepth == 0 { tokens.append(token) }
            }
        }
        if annotationDepth > 0 { throw fail("unclosed annotation", annotationStart) }
        if let open = openParens.last { throw fail("unexpected end of input, unclosed (", tokens[open].offset) }
    }

    /// A line comment ends at a line feed or a carriage return (the spec's newline is either).
    private mutating func skipLineComment() throws {
        while i < src.count && src[i] != 0x0A && src[i] != 0x0D {
            try skipChar()
        }
    }

    /// Advances over one character of a comment, checking it is well-formed UTF-8.
    private mutating func skipChar() throws {
        if src[i] < 0x80 { i += 1; return }
        guard let (_, n) = UTF8Check.scalar(in: src, at: i) else { throw fail("malformed UTF-8 encoding", i) }
        i += n
    }

    /// Block comments nest: `(; (; ;) ;)`.
    private mutating func skipBlockComment() throws {
        let start = i
        var depth = 0
        while i < src.count {
            if src[i] == UInt8(ascii: "("), byte(i + 1) == UInt8(ascii: ";") {
                depth += 1; i += 2
            } else if src[i] == UInt8(ascii: ";"), byte(i + 1) == UInt8(ascii: ")") {
                depth -= 1; i += 2
                if depth == 0 { return }
            } else {
                try skipChar()
            }
        }
        throw fail("unclosed comment", start)
    }

    /// `(@id` begins an annotation: everything up to the balancing `)` is ignored, but it
    /// must still consist of well-formed tokens.
    private mutating func startAnnotation() throws {
        let start = i
        i += 2
        let runStart = i
        guard i < src.count, src[i] == UInt8(ascii: "\"") || Lexer.isIdChar(src[i]) else {
            throw fail("empty annotation id", start)
        }
        if src[i] == UInt8(ascii: "\"") {
            let bytes = try scanString(inId: true, annotation: true)
            if bytes.isEmpty { throw fail("empty annotation id", start) }
            if !UTF8Check.isValid(bytes) { throw fail("malformed UTF-8 encoding", runStart) }
        } else {
            while i < src.count, Lexer.isIdChar(src[i]) { i += 1 }
        }
        annotationStart = start
        annotationDepth = 1
    }

    /// Scans a maximal run of idchars / strings / other printable characters.
    private mutating func scanRun() throws -> Token {
        let start = i
        var strings: [[UInt8]] = []
        var idcharsOnly = true
        var otherCount = 0   // characters outside strings
        while i < src.count {
            let c = src[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D || c == UInt8(ascii: "(")
                || c == UInt8(ascii: ")") { break }
            if c == UInt8(ascii: ";"), byte(i + 1) == UInt8(ascii: ";") { break }
            if c < 0x20 || c >= 0x7F { break }  // reported by the main loop
            if c == UInt8(ascii: "\"") {
                let inId = otherCount == 1 && strings.isEmpty && src[start] == UInt8(ascii: "$")
                strings.append(try scanString(inId: inId, annotation: false))
                continue
            }
            if !Lexer.isIdChar(c) { idcharsOnly = false }
            otherCount += 1
            i += 1
        }
        let text = String(decoding: src[start..<i], as: UTF8.self)
        if strings.count == 1 && otherCount == 0 {
            return Token(kind: .string, offset: start, bytes: strings[0])
        }
        if src[start] == UInt8(ascii: "$") {
            if strings.count == 1 && otherCount == 1 {
                let name = strings[0]
                if name.isEmpty { throw fail("empty identifier", start) }
                if !UTF8Check.isValid(name) { throw fail("malformed UTF-8 encoding", start) }
                return Token(kind: .id, offset: start, text: String(decoding: name, as: UTF8.self))
            }
            if strings.isEmpty && idcharsOnly {
                if otherCount == 1 { throw fail("empty identifier", start) }
                return Token(kind: .id, offset: start, text: String(text.dropFirst()))
            }
        }
        if strings.isEmpty && idcharsOnly {
            return Token(kind: .atom, offset: start, text: text)
        }
        return Token(kind: .reserved, offset: start, text: text)
    }

    /// Scans a string literal starting at the opening quote; returns its decoded bytes.
    private mutating func scanString(inId: Bool, annotation: Bool) throws -> [UInt8] {
        let start = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < src.count else { throw fail("unclosed string", start) }
            let c = src[i]
            if c == UInt8(ascii: "\"") { i += 1; return out }
            if c < 0x20 || c == 0x7F {
                if annotation { throw fail("empty annotation id", start - 2) }
                if inId { throw fail("empty identifier", start - 1) }
                throw fail(c == 0x0A ? "unclosed string" : "illegal control character", i)
            }
            if c >= 0x80 {
                guard let (_, n) = UTF8Check.scalar(in: src, at: i) else {
                    throw fail("malformed UTF-8 encoding", i)
                }
                out.append(contentsOf: src[i..<i + n]); i += n
                continue
            }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            guard let e = byte(i + 1) else { throw fail("unclosed string", start) }
            i += 2
            switch e {
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "\\"): out.append(e)
            case UInt8(ascii: "u"):
                guard byte(i) == UInt8(ascii: "{") else { throw fail("illegal escape", i - 2) }
                var j = i + 1
                var value: UInt32 = 0
                var digits = 0
                var lastUnderscore = false
                while let d = byte(j), d != UInt8(ascii: "}") {
                    if d == UInt8(ascii: "_"), digits > 0, !lastUnderscore {
                        lastUnderscore = true; j += 1; continue
                    }
                    guard let h = hexValue(d) else { throw fail("illegal escape", i - 2) }
                    value = value > 0x10FFFF ? value : value << 4 | UInt32(h)
                    digits += 1; lastUnderscore = false; j += 1
                }
                guard byte(j) == UInt8(ascii: "}"), digits > 0, !lastUnderscore,
                      value < 0xD800 || (0xE000...0x10FFFF).contains(value)
                else { throw fail("illegal escape", i - 2) }
                UTF8Check.append(value, to: &out)
                i = j + 1
            default:
                guard let h = hexValue(e), let l = byte(i).flatMap(hexValue) else {
                    throw fail("illegal escape", i - 2)
                }
                out.append(h << 4 | l)
                i += 1
            }
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
