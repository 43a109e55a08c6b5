import Kite
import KiteText
import KiteTranslator
import Testing

/// Accumulator forms (`NAME@OPERAND`) read the value the instruction before has just written
/// from a machine register. The translator uses one only where every way into the
/// instruction brings that slot's value: at a branch target only if all branches to it and
/// the fall-through agree, never after a call.
struct AccumulatorTests {
    func listing(_ wat: String, function: Int = 0) throws -> [Substring] {
        let module = try decodeModule(try wat2wasm(wat))
        let text = printBytecode(try translateModule(module, handlers: identityHandlers).functions[function])
        return text.split(separator: "\n").filter { !$0.hasPrefix(";") }
    }

    @Test func anInstructionReadsWhatTheOneBeforeWroteFromTheAccumulator() throws {
        // (a * b) ^ c: the xor reads the product the multiply has just written.
        let lines = try listing("""
            (module (func (param i32 i32 i32) (result i32)
              (i32.xor (i32.mul (local.get 0) (local.get 1)) (local.get 2))))
            """)
        #expect(lines.count == 3, "\(lines)")
        #expect(lines[1].contains("  i32.xor@a dst=r0 a=r3 b=r2"), "\(lines)")
    }

    @Test func aBranchTableReadingItsIndexFromTheAccumulatorPrintsItsEntries() throws {
        // `br_table@index` is followed by its entries like `br_table`; the printer once
        // walked into them as if they were instructions (and off the end of the code).
        let lines = try listing("""
            (module (func (param i32) (result i32)
              (block (block (block
                (br_table 0 1 2 (i32.sub (local.get 0) (i32.const 69))))
                (return (i32.const 10)))
                (return (i32.const 20)))
              (i32.const 30)))
            """)
        #expect(lines.contains { $0.contains("br_table@index") && $0.hasSuffix("]") }, "\(lines)")
        #expect(lines.allSatisfy { !$0.contains("<") }, "\(lines)")
        #expect(lines.filter { $0.contains("return_imm32") }.count == 3, "\(lines)")
    }

    @Test func aBranchTargetWhoseWaysInDisagreeReadsTheFrame() throws {
        // The loop's first instruction reads x, which the instruction before it wrote, but the
        // back edge arrives there with n in the accumulator.
        let lines = try listing("""
            (module (func (param $n i32) (result i32) (local $x i32)
              (local.set $x (i32.mul (local.get $n) (local.get $n)))
              (loop $l
                (local.set $x (i32.xor (local.get $x) (i32.const 3)))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br_if $l (local.get $n)))
              (local.get $x)))
            """)
        #expect(lines[1].contains("  i32.xor_imm dst=r1 a=r1"), "\(lines)")
    }

    @Test func theInstructionAfterACallNeverReadsTheAccumulator() throws {
        // The product is in the accumulator before the call (its argument), not after it:
        // the xor after the call reads it from the frame.
        let lines = try listing("""
            (module
              (func $id (param i32) (result i32) (local.get 0))
              (func (param i32) (result i32)
                (i32.xor (call $id (local.tee 0 (i32.mul (local.get 0) (local.get 0)))) (local.get 0))))
            """, function: 1)
        let afterCall = lines.drop { !$0.contains("call") }.dropFirst()
        #expect(!afterCall.isEmpty && !afterCall.contains { $0.contains("@") }, "\(lines)")
    }

    @Test func anInstructionThatWritesTheAccumulatorReadsItsOtherOperandsFirst() throws {
        // `x += 1; br_if x < n` right after n is written: the fused op reads n from the
        // accumulator, then leaves x there; reading n after that would compare x with x.
        let wat = """
            (module (func (export "f") (param $n i32) (result i32) (local $x i32)
              (loop $l
                (local.set $n (i32.xor (local.get $n) (i32.const 0)))
                (local.set $x (i32.add (local.get $x) (i32.const 1)))
                (br_if $l (i32.lt_u (local.get $x) (local.get $n))))
              (local.get $x)))
            """
        let lines = try listing(wat)
        #expect(lines.contains { $0.contains("i32.add_imm+br_if_i32.lt_u@b") }, "\(lines)")
        let instance = try instantiate(wat)
        for n: UInt32 in [1, 5, 1000] {
            #expect(try call(instance, "f", [.i32(n)]) == [.i32(n)])
        }
    }

    @Test func aLoopHeadReadsTheAccumulatorWhenEveryWayInBringsTheSameSlot() throws {
        // Entered after `p = ...` and from the back edge that tests p: both leave p in the
        // accumulator, so the loop's first instruction reads it there.
        let wat = """
            (module (memory 1)
              (data (i32.const 8) "\\10\\00\\00\\00")   ;; 8 -> 16 -> 0
              (func (export "length") (param $p i32) (result i32) (local $n i32)
                (local.set $p (i32.add (local.get $p) (i32.const 8)))
                (loop $l
                  (local.set $p (i32.load (local.get $p)))
                  (local.set $n (i32.add (local.get $n) (i32.const 1)))
                  (br_if $l (local.get $p)))
                (local.get $n)))
            """
        let lines = try listing(wat)
        #expect(lines.count > 2 && lines[1].contains("i32.load@addr"), "\(lines)")
        #expect(try call(try instantiate(wat), "length", [.i32(0)]) == [.i32(2)])
    }

    @Test func valuesThroughTheAccumulatorAreTheValuesThroughTheFrame() throws {
        let instance = try instantiate("""
            (module
              (func $id (param i32) (result i32) (local.get 0))
              (func (export "f") (param $n i32) (result i32) (local $x i32)
                (local.set $x (i32.mul (local.get $n) (local.get $n)))
                (loop $l
                  (local.set $x (i32.xor (local.get $x) (i32.add (local.get $n) (i32.const 3))))
                  (local.set $x (i32.add (call $id (local.get $x)) (local.get $x)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $l (local.get $n)))
                (i64.eqz (i64.extend_i32_u (local.get $x)))
                (i32.add (local.get $x))))
            """)
        func reference(_ n0: UInt32) -> UInt32 {
            var n = n0, x = n &* n
            repeat {
                x ^= n &+ 3
                x = x &+ x
                n &-= 1
            } while n != 0
            return x &+ (x == 0 ? 1 : 0)
        }
        for n: UInt32 in [1, 2, 7, 1000] {
            #expect(try call(instance, "f", [.i32(n)]) == [.i32(reference(n))])
        }
    }
}
