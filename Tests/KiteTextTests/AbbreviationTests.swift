// Text-format abbreviations must expand to exactly what the long form encodes.
import Testing
@testable import KiteText

@Suite struct AbbreviationTests {
    func same(_ short: String, _ long: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try wat2wasm(short) == (try wat2wasm(long)), sourceLocation: sourceLocation)
    }

    @Test func inlineExportsAndImports() throws {
        try same(#"(module (func $f (export "a") (export "b") (result i32) (i32.const 1)))"#,
                 #"(module (func $f (result i32) (i32.const 1)) (export "a" (func $f)) (export "b" (func $f)))"#)
        try same(#"(module (func $f (export "e") (import "m" "n") (param i32)))"#,
                 #"(module (import "m" "n" (func $f (param i32))) (export "e" (func $f)))"#)
        try same(#"(module (table (import "a" "t") 1 funcref) (memory (export "m") 1) (global (export "g") i32 (i32.const 0)))"#,
                 #"(module (import "a" "t" (table 1 funcref)) (memory 1) (global i32 (i32.const 0)) (export "m" (memory 0)) (export "g" (global 0)))"#)
    }

    @Test func implicitTypesAreAppendedInTextOrder() throws {
        // Explicit types come first; inline signatures reuse the first match or append.
        try same("""
            (module
              (func $f (result f64) (f64.const 0))
              (func $g (param i32))
              (type $t (func (param i32)))
              (func (call_indirect (param i64) (i64.const 0) (i32.const 0)))
              (func (result f64) (f64.const 1))
              (table 1 funcref))
            """, """
            (module
              (type (func (param i32)))
              (type (func (result f64)))
              (type (func))
              (type (func (param i64)))
              (func (type 1) (f64.const 0))
              (func (type 0))
              (func (type 2) (call_indirect (type 3) (i64.const 0) (i32.const 0)))
              (func (type 1) (f64.const 1))
              (table 1 funcref))
            """)
        // Block types only need a type when they have parameters or several results.
        try same("(module (func (block (result i32) (i32.const 1)) drop (block (param) (result i32 i32) (i32.const 1) (i32.const 2)) drop drop))",
                 "(module (type (func)) (type (func (result i32 i32))) (func (type 0) (block (result i32) (i32.const 1)) drop (block (type 1) (i32.const 1) (i32.const 2)) drop drop))")
    }

    @Test func typeUseMustMatchInlineSignature() {
        #expect(textError("(module (type $t (func (param i32))) (func (type $t) (param i64)))")?.message
                == "inline function type")
        #expect(textError("(module (func (type 3) (param i32)))")?.message == "unknown type")
        #expect(textError("(module (func (type $nope)))")?.message.hasPrefix("unknown type") == true)
        // A bare numeric index is not checked: that is validation's business.
        #expect(textError("(module (func (type 3)))") == nil)
    }

    @Test func inlineTableElementsAndMemoryData() throws {
        try same("(module (func $f) (table funcref (elem $f $f)))",
                 "(module (func $f) (table 2 2 funcref) (elem (i32.const 0) func $f $f))")
        try same("(module (func $f) (table $t externref (elem (ref.null extern))))",
                 "(module (func $f) (table $t 1 1 externref) (elem (table $t) (i32.const 0) externref (ref.null extern)))")
        try same(#"(module (memory (data "ab" "c")))"#,
                 #"(module (memory 1 1) (data (memory 0) (offset (i32.const 0)) "abc"))"#)
        try same(#"(module (memory (data)))"#, #"(module (memory 0 0) (data (i32.const 0)))"#)
    }

    @Test func elemSegmentForms() throws {
        try same("(module (table 1 funcref) (func $f) (elem (i32.const 0) $f))",
                 "(module (table 1 funcref) (func $f) (elem (table 0) (offset (i32.const 0)) func $f))")
        // Written as typed expressions, the elements keep their type (funcref, nullable), so
        // the segment is not the index form (whose elements are (ref func)): flag 4.
        let typed = try wat2wasm("(module (table 1 funcref) (func $f) (elem (i32.const 0) funcref (ref.func $f)))")
        let expressionSegment: [UInt8] = [0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x00, 0x0B]
        #expect((0...(typed.count - expressionSegment.count)).contains { Array(typed[$0..<($0 + expressionSegment.count)]) == expressionSegment })
        try same("(module (func $f) (elem funcref (item ref.func $f) (ref.null func)))",
                 "(module (func $f) (elem funcref (item (ref.func $f)) (item (ref.null func))))")
        // Segment flags: 1 passive indices, 3 declarative, 5 passive expressions, 6 explicit table.
        let m = try wat2wasm("""
            (module (func $f) (table $a 1 funcref) (table $b 1 externref)
              (elem func $f) (elem declare func $f) (elem funcref (ref.null func))
              (elem (table $b) (i32.const 0) externref (ref.null extern)))
            """)
        #expect(section(9, of: m) == [4, 1, 0, 1, 0, 3, 0, 1, 0, 5, 0x70, 1, 0xD0, 0x70, 0x0B,
                                      6, 1, 0x41, 0, 0x0B, 0x6F, 1, 0xD0, 0x6F, 0x0B])
    }

    @Test func dataSegmentForms() throws {
        try same(#"(module (memory 1) (data (i32.const 8) "x"))"#,
                 #"(module (memory 1) (data (memory 0) (offset (i32.const 8)) "x"))"#)
        let m = try wat2wasm(#"(module (memory 1) (memory $m 1) (data $d "p") (data (memory $m) (i32.const 1) "q"))"#)
        #expect(section(11, of: m) == [2, 1, 1, 0x70, 2, 1, 0x41, 1, 0x0B, 1, 0x71])
    }

    @Test func localsAndParamsShareNames() throws {
        #expect(try body("(param $a i32) (local $b i64) (local i32 i32) (local.get $a) (local.set $b (i64.const 0)) drop")
                == [0x20, 0, 0x42, 0, 0x21, 1, 0x1A])
        #expect(textError("(module (func (param $x i32) (local $x i32)))")?.message.hasPrefix("duplicate local") == true)
        #expect(textError("(module (func (local.get $y)))")?.message.hasPrefix("unknown local") == true)
    }

    @Test func importsMustComeFirst() {
        #expect(textError(#"(module (func) (import "" "" (func)))"#)?.message == "import after function")
        #expect(textError(#"(module (memory 0) (import "" "" (global i32)))"#)?.message == "import after memory")
        #expect(textError(#"(module (global i32 (i32.const 0)) (func (import "" "")))"#)?.message == "import after global")
    }

    @Test func duplicateNames() {
        #expect(textError("(module (func $f) (func $f))")?.message.hasPrefix("duplicate func") == true)
        #expect(textError(#"(module (import "" "" (table $t 1 funcref)) (table $t 1 funcref))"#)?.message
                .hasPrefix("duplicate table") == true)
        #expect(textError("(module (start 0) (start 0) (func))")?.message == "multiple start sections")
    }
}
