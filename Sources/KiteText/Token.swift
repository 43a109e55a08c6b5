// Tokens of the text format, and the tokenized document they live in.
//
// The whole source is tokenized once into a flat array. Parentheses are matched at that
// point, so every list is simply a range of token indices: reading nested structure later
// never needs recursion (deeply nested code cannot exhaust the native stack).

enum TokenKind: UInt8, Sendable {
    case lparen
    case rparen
    /// A run of identifier characters that is not an id: a keyword, a number, or junk
    /// that the parser will reject (`unknown operator`).
    case atom
    /// `$name` or `$"name"`; `text` holds the name without the `$`.
    case id
    /// A string literal; `bytes` holds the decoded contents.
    case string
    /// Anything else the spec calls `reserved` (e.g. `0$x`, `"a"b`, `{`): always an error
    /// where it is used, and kept so the error can be reported with the right wording.
    case reserved
}

struct Token: Sendable {
    var kind: TokenKind
    /// Byte offset in the source, for error positions.
    var offset: Int
    /// Atom / reserved text, or the id's name.
    var text: String = ""
    /// Decoded string literal bytes.
    var bytes: [UInt8] = []
    /// For `(`: index of the matching `)`. For `)`: index of the matching `(`.
    var match: Int = -1
}

/// A tokenized source text. Immutable once built, shared by all cursors over it.
final class Document: Sendable {
    let source: [UInt8]
    let tokens: [Token]
    /// Byte offsets at which lines start, for turning offsets into line/column.
    let lineStarts: [Int]

    init(source: [UInt8], tokens: [Token]) {
        self.source = source
        self.tokens = tokens
        var starts = [0]
        for (i, b) in source.enumerated() where b == 0x0A { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// 1-based (line, column) of a byte offset.
    func position(ofOffset offset: Int) -> (line: Int, column: Int) {
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return (lo + 1, offset - lineStarts[lo] + 1)
    }

    /// An error located at token `index` (or at the end of the text when out of range).
    func error(_ message: String, at index: Int) -> TextError {
        let offset = index >= 0 && index < tokens.count ? tokens[index].offset : source.count
        let (line, column) = position(ofOffset: offset)
        return TextError(message, line: line, column: column)
    }

    func errorAtOffset(_ message: String, _ offset: Int) -> TextError {
        let (line, column) = position(ofOffset: offset)
        return TextError(message, line: line, column: column)
    }
}
