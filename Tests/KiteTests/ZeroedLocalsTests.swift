import Kite
import KiteText
import KiteTranslator
import Testing

/// A function zeroes on entry only the locals some execution may read before writing them.
struct ZeroedLocalsTests {
    func frame(_ wat: String, function: Int = 0) throws -> Substring {
        let module = try decodeModule(try wat2wasm(wat))
        let listing = printBytecode(try translateModule(module, handlers: identityHandlers).functions[function])
        return listing.split(separator: "\n").first { $0.hasPrefix("; frame") } ?? ""
    }

    @Test func localsWrittenBeforeTheFirstBranchAreNotZeroed() throws {
        let line = try frame("""
            (module (func (param $n i32) (result i32) (local $x i32) (local $unused i64)
              (local.set $x (i32.mul (local.get $n) (local.get $n)))
              (if (local.get $n) (then (local.set $x (i32.const 1))))
              (local.get $x)))
            """)
        #expect(line.contains("(zeroed: none)"), "\(line)")
    }

    @Test func aLocalWrittenOnlyOnSomePathsIsZeroed() throws {
        let line = try frame("""
            (module (func (param $c i32) (result i32) (local $a i32) (local $x i32)
              (local.set $a (i32.const 1))
              (if (local.get $c) (then (local.set $x (i32.const 7))))
              (i32.add (local.get $a) (local.get $x))))
            """)
        #expect(line.contains("(zeroed: r2-r2)"), "\(line)")
    }

    @Test func aLocalReadBeforeItIsWrittenReadsZeroWhateverTheFrameHeld() throws {
        // $dirty leaves 123 in the slots $clean's local will use; $clean reads its local
        // without writing it when $c is 0.
        let instance = try instantiate("""
            (module
              (func $dirty (local i32 i32 i32)
                (local.set 0 (i32.const 123)) (local.set 1 (i32.const 123)) (local.set 2 (i32.const 123)))
              (func $clean (param $c i32) (result i32) (local $x i32)
                (if (local.get $c) (then (local.set $x (i32.const 7))))
                (local.get $x))
              (func (export "f") (param $c i32) (result i32)
                (call $dirty) (call $clean (local.get $c))))
            """)
        #expect(try call(instance, "f", [.i32(0)]) == [.i32(0)])
        #expect(try call(instance, "f", [.i32(1)]) == [.i32(7)])
    }
}
