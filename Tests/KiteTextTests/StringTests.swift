// String literals, names and the lexer's character rules.
import Testing
@testable import KiteText

@Suite struct StringTests {
    /// Bytes of a passive data segment holding the given string literal(s).
    func data(_ literal: String) throws -> [UInt8] {
        let m = try wat2wasm("(module (data \(literal)))")
        let payload = try #require(section(11, of: m))
        return Array(payload.dropFirst(3))  // count, flags (1 = passive), length
    }

    @Test func escapes() throws {
        #expect(try data(#""\t\n\r\\\'\"""#) == [0x09, 0x0A, 0x0D, 0x5C, 0x27, 0x22])
        #expect(try data(#""\00\ff\7F""#) == [0x00, 0xFF, 0x7F])
        #expect(try data(#""\u{41}\u{e9}\u{1F600}\u{10_FFFF}""#)
                == [0x41, 0xC3, 0xA9, 0xF0, 0x9F, 0x98, 0x80, 0xF4, 0x8F, 0xBF, 0xBF])
        #expect(try data(#""a" "" "bc""#) == Array("abc".utf8))
        #expect(try data("\"héllo\"") == Array("héllo".utf8))
    }

    @Test func badStrings() {
        #expect(textError(#"(module (data "\q"))"#)?.message == "illegal escape")
        #expect(textError(#"(module (data "\u{D800}"))"#)?.message == "illegal escape")
        #expect(textError(#"(module (data "\u{110000}"))"#)?.message == "illegal escape")
        #expect(textError("(module (data \"abc))")?.message == "unclosed string")
        #expect(textError("(module (data \"a\u{1}\"))")?.message == "illegal control character")
    }

    @Test func namesMustBeUTF8() {
        #expect(textError(#"(module (func (export "\ff")))"#)?.message == "malformed UTF-8 encoding")
        #expect(textError(#"(module (import "\c0\80" "x" (func)))"#)?.message == "malformed UTF-8 encoding")
        #expect(textError(#"(module (data "\ff"))"#) == nil)  // data strings are bytes
    }

    @Test func invalidSourceBytes() throws {
        #expect(throws: TextError.self) { try wat2wasm(bytes: Array("(module)".utf8) + [0xFF]) }
        let e = try #require(textError("(module) é"))
        #expect(e.message == "illegal character")
    }

    @Test func commentsAndAnnotations() throws {
        let text = """
            ;; line comment
            (module (; block (; nested ;) comment ;)
              (@custom "x" (any (tokens) "here"))
              (func (@a) nop ;; trailing
              ))
            """
        #expect(try wat2wasm(text) == (try wat2wasm("(module (func nop))")))
        #expect(textError("(module (; open")?.message == "unclosed comment")
        #expect(textError("(module (@a (b)")?.message == "unclosed annotation")
        #expect(textError("(module (@ x))")?.message == "empty annotation id")
    }

    @Test func quotedIdentifiers() throws {
        let a = try wat2wasm(#"(module (func $"a b") (func (call $"a b")) (func $x) (func (call $"x")))"#)
        let b = try wat2wasm("(module (func) (func (call 0)) (func) (func (call 2)))")
        #expect(a == b)
        #expect(textError(#"(module (func $""))"#)?.message == "empty identifier")
        #expect(textError("(module (func $ ))")?.message == "empty identifier")
    }

    @Test func errorPositions() throws {
        let e = try #require(textError("(module\n  (func (i32.const 99999999999)))"))
        #expect(e.message == "constant out of range")
        #expect(e.line == 2)
        #expect(e.column == 20)
    }
}
