import Kite
import KiteText
import KiteTranslator
import Testing

/// Superinstructions join instructions without moving them: the first one's handler runs the
/// whole sequence, and a branch into the middle still runs only what follows its target.
struct SuperinstructionTests {
    // x = n + n; then a loop whose first instruction (x += 3) is both the second half of
    // `i32.add;i32.add_imm:a` on entry and the target of the back edge.
    let wat = """
        (module (func (export "f") (param $n i32) (result i32) (local $x i32)
          (local.set $x (i32.add (local.get $n) (local.get $n)))
          (loop $l
            (local.set $x (i32.add (local.get $x) (i32.const 3)))
            (local.set $n (i32.sub (local.get $n) (i32.const 1)))
            (br_if $l (local.get $n)))
          (local.get $x)))
        """

    @Test func theFirstInstructionOfASequenceCarriesTheSuperinstruction() throws {
        let module = try decodeModule(try wat2wasm(wat))
        let listing = printBytecode(try translateModule(module, handlers: identityHandlers).functions[0])
        let lines = listing.split(separator: "\n").filter { !$0.hasPrefix(";") }
        // `i32.add;i32.add_imm:a`: the add_imm reads the slot the add wrote (carried).
        #expect(lines.first?.contains("  i32.add;i32.add_imm:a dst=r1 a=r0 b=r0") == true, "\(listing)")
        // The second instruction keeps its own op: the back edge lands on it.
        #expect(lines.dropFirst().first?.contains("  i32.add_imm") == true, "\(listing)")
    }

    @Test func branchesIntoASequenceRunOnlyItsTail() throws {
        let instance = try instantiate(wat)
        for n: UInt32 in [1, 2, 4, 100] {
            #expect(try call(instance, "f", [.i32(n)]) == [.i32(2 * n + 3 * n)])
        }
    }
}
