// Folded vs flat instructions, labels, immediates and deep nesting.
import Testing
@testable import KiteText

@Suite struct InstructionTests {
    @Test func foldedEqualsFlat() throws {
        let pairs: [(String, String)] = [
            ("(result i32) (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.const 3)))",
             "(result i32) i32.const 1 i32.const 2 i32.const 3 i32.mul i32.add"),
            ("(param i32) (result i32) (if (result i32) (local.get 0) (then (i32.const 1)) (else (i32.const 2)))",
             "(param i32) (result i32) local.get 0 if (result i32) i32.const 1 else i32.const 2 end"),
            ("(block $a (loop $b (br_if $b (i32.const 0)) (br $a)))",
             "block $a loop $b i32.const 0 br_if $b br $a end end"),
            ("(block (block (block (br_table 0 1 2 (i32.const 0)))))",
             "block block block i32.const 0 br_table 0 1 2 end end end"),
            ("(if (i32.const 1) (then nop))", "i32.const 1 if nop end"),
            ("(select (result i32) (i32.const 1) (i32.const 2) (i32.const 3)) drop",
             "i32.const 1 i32.const 2 i32.const 3 select (result i32) drop"),
            ("(block (i32.const 0) (if (then (block nop) (nop))))", "block i32.const 0 if block nop end nop end end"),
        ]
        for (folded, flat) in pairs {
            #expect(try body(folded) == (try body(flat)), "\(folded)")
        }
    }

    @Test func labels() throws {
        #expect(try body("(block $outer (block $inner (br $outer) (br $inner) (br 1)))")
                == [0x02, 0x40, 0x02, 0x40, 0x0C, 1, 0x0C, 0, 0x0C, 1, 0x0B, 0x0B])
        // Shadowing: the innermost label with a name wins.
        #expect(try body("block $l block $l br $l end end") == [0x02, 0x40, 0x02, 0x40, 0x0C, 0, 0x0B, 0x0B])
        #expect(textError("(module (func (br $nope)))")?.message.hasPrefix("unknown label") == true)
        #expect(textError("(module (func block $a end $b))")?.message == "mismatching label")
        #expect(textError("(module (func block end $b))")?.message == "mismatching label")
        #expect(try body("block $a end $a") == [0x02, 0x40, 0x0B])
        // The `if` label is not in scope in the folded condition.
        #expect(textError("(module (func (if $l (br_if $l (i32.const 0) (i32.const 1)) (then))))") != nil)
    }

    @Test func emptyElseIsDropped() throws {
        #expect(try body("(if (i32.const 0) (then) (else))") == [0x41, 0, 0x04, 0x40, 0x0B])
        #expect(try body("i32.const 0 if else end") == [0x41, 0, 0x04, 0x40, 0x0B])
        #expect(try body("i32.const 0 if else nop end") == [0x41, 0, 0x04, 0x40, 0x05, 0x01, 0x0B])
    }

    @Test func memoryImmediates() throws {
        #expect(try body("(i32.load (i32.const 0)) drop") == [0x41, 0, 0x28, 2, 0, 0x1A])
        #expect(try body("(i64.store16 offset=0x10 align=1 (i32.const 0) (i64.const 0))")
                == [0x41, 0, 0x42, 0, 0x3D, 0, 0x10])
        #expect(textError("(module (memory 1) (func (drop (i32.load align=3 (i32.const 0)))))")?.message
                .hasPrefix("alignment") == true)
        #expect(try body("(memory.size) drop (memory.grow (i32.const 1)) drop") == [0x3F, 0, 0x1A, 0x41, 1, 0x40, 0, 0x1A])
        #expect(try body("(memory.copy (i32.const 0) (i32.const 0) (i32.const 0))")
                == [0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 10, 0, 0])
    }

    @Test func referenceAndTableInstructions() throws {
        let m = try wat2wasm("""
            (module (table $t 1 funcref) (elem $e func $f) (func $f
              (drop (ref.null extern)) (drop (ref.func $f))
              (table.init $t $e (i32.const 0) (i32.const 0) (i32.const 0))
              (table.init $e (i32.const 0) (i32.const 0) (i32.const 0))
              (elem.drop $e)))
            """)
        let code = try #require(codeSection(m))
        #expect(Array(code.suffix(30)) == [0xD0, 0x6F, 0x1A, 0xD2, 0, 0x1A,
                                          0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 12, 0, 0,
                                          0x41, 0, 0x41, 0, 0x41, 0, 0xFC, 12, 0, 0,
                                          0xFC, 13, 0, 0x0B])
    }

    @Test func simdImmediates() throws {
        #expect(try body("(v128.const i8x16 -1 255 0 1 2 3 4 5 6 7 8 9 10 11 12 13) drop")
                == [0xFD, 0x0C, 0xFF, 0xFF, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0x1A])
        #expect(try body("(i8x16.extract_lane_u 15 (v128.const i64x2 0 0)) drop").suffix(4) == [0xFD, 22, 15, 0x1A])
        #expect(try body("(v128.load8_lane offset=1 3 (i32.const 0) (v128.const f32x4 0 0 0 0)) drop")
                .suffix(6) == [0xFD, 84, 0, 1, 3, 0x1A])
        #expect(try body("(f64x2.relaxed_madd (v128.const i64x2 0 0) (v128.const i64x2 0 0) (v128.const i64x2 0 0)) drop")
                .suffix(4) == [0xFD, 0x87, 0x02, 0x1A])
        #expect(textError("(module (func (v128.const i32x4 1 2 3) drop))")?.message == "wrong number of lane literals")
        #expect(textError("(module (func (i8x16.extract_lane_s 256 (v128.const i64x2 0 0)) drop))")?.message
                == "i8 constant out of range")
    }

    @Test func unknownAndUnexpected() {
        #expect(textError("(module (func (i32.frobnicate)))")?.message.hasPrefix("unknown operator") == true)
        #expect(textError("(module (func (nop) (local i32)))")?.message.hasPrefix("unexpected token") == true)
        #expect(textError("(module (func (i32.const)))")?.message.hasPrefix("unexpected token") == true)
        #expect(textError("(module (func i32.const0))")?.message.hasPrefix("unknown operator") == true)
        #expect(textError("(module (func (drop (i32.const 1 2))))")?.message.hasPrefix("unexpected token") == true)
        #expect(textError("(module (func end))")?.message.hasPrefix("unexpected token") == true)
        #expect(textError("(module (func block))")?.message.hasPrefix("unexpected token") == true)
        #expect(textError("(module (func (if (i32.const 0))))")?.message.hasPrefix("unexpected token") == true)
    }

    @Test func deepNestingDoesNotRecurse() throws {
        let depth = 20_000
        let folded = String(repeating: "(block ", count: depth) + String(repeating: ")", count: depth)
        let m = try wat2wasm("(module (func \(folded)))")
        #expect(m.count > 2 * depth)
        let flat = String(repeating: "block ", count: depth) + String(repeating: "end ", count: depth)
        #expect(try wat2wasm("(module (func \(flat)))") == m)
        let operands = String(repeating: "(i32.eqz ", count: depth) + "(i32.const 0)" + String(repeating: ")", count: depth)
        #expect(try wat2wasm("(module (func \(operands) drop))").count > depth)
    }
}

@Suite struct LaterFeatureTests {
    @Test func multiMemoryAndMemory64() throws {
        let m = try wat2wasm("""
            (module (memory 1) (memory $m i64 2 3)
              (func (drop (i32.load $m offset=4 (i64.const 0))) (drop (memory.size $m))))
            """)
        #expect(section(5, of: m) == [2, 0x00, 1, 0x05, 2, 3])
        let code = try #require(codeSection(m))
        // i32.load with memory 1: alignment flags carry bit 6, then the memory index.
        #expect(Array(code.suffix(11)) == [0x42, 0, 0x28, 0x42, 1, 4, 0x1A, 0x3F, 1, 0x1A, 0x0B])
        #expect(try body("(return_call 0)") == [0x12, 0])
    }

    @Test func exceptionsWithTryTable() throws {
        let m = try wat2wasm("""
            (module (tag $e (param i32))
              (func (result i32) (block $h (result i32) (try_table (catch $e $h) (throw $e (i32.const 1))) (i32.const 0))))
            """)
        #expect(section(13, of: m) == [1, 0, 0])
        let code = try #require(codeSection(m))
        // The catch label is resolved outside the try_table block: $h is depth 0 there.
        #expect(Array(code.suffix(17)) == [0x02, 0x7F, 0x1F, 0x40, 1, 0x00, 0, 0, 0x41, 1, 0x08, 0, 0x0B,
                                          0x41, 0, 0x0B, 0x0B])
    }

    @Test func unsupportedFeaturesSaySo() {
        #expect(textError("(module (memory 1 1 shared) (func (drop (i32.atomic.load (i32.const 0)))))")?.message
                .contains("unsupported feature: threads") == true)
        #expect(textError("(module (func (drop (i64.add128 (i64.const 0) (i64.const 0) (i64.const 0) (i64.const 0)))))")?
                .message.contains("unsupported feature: wide arithmetic") == true)
    }
}
