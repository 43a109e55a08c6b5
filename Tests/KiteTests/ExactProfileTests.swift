import Kite
import KiteText
import Testing

/// Exact profiling counts what ran: calls per function, runs per register instruction, the
/// same on every run; and counted code computes what uncounted code computes.
struct ExactProfileTests {
    /// `main` calls `square` once per iteration of its loop, `n` times.
    static let module = """
        (module
          (func $square (export "square") (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
          (func (export "main") (param $n i32) (result i32) (local $sum i32)
            (block $done
              (loop $l
                (br_if $done (i32.eqz (local.get $n)))
                (local.set $sum (i32.add (local.get $sum) (call $square (local.get $n))))
                (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                (br $l)))
            (local.get $sum)))
        """

    func run(_ n: UInt32, counted: Bool) throws -> (result: [Value], profile: ExactProfile) {
        let store = Store(engine: Engine(configuration: EngineConfiguration(exactProfiling: counted)))
        let instance = try parseWasm(bytes: try wat2wasm(Self.module)).instantiate(store: store)
        let result = try instance.exports[function: "main"]!([.i32(n)])
        return (result, ExactProfile(store: store))
    }

    @Test func callsAndInstructionsAreCountedExactly() throws {
        let (result, profile) = try run(10, counted: true)
        #expect(result == [.i32(385)])  // 1 + 4 + ... + 100
        let square = try #require(profile.functions.first { $0.name == "square" })
        let main = try #require(profile.functions.first { $0.name == "main" })
        #expect(square.calls == 10 && main.calls == 1)
        // square's body runs once per call: every instruction it has ran exactly 10 times.
        #expect(square.instructionCounts.allSatisfy { $0.count == 10 }, "\(square.listing)")
        #expect(square.instructions == 10 * UInt64(square.instructionCounts.count))
        // The loop's exit test ran 11 times (10 iterations and the exit), the function's
        // last instruction once.
        #expect(main.instructionCounts.first?.count == 11, "\(main.listing)")
        #expect(main.instructionCounts.last?.count == 1, "\(main.listing)")
        #expect(profile.totalInstructions == main.instructions + square.instructions)
        #expect(profile.report().contains("square"))
        #expect(square.listing.contains("          10     0x31  0000  i32.mul"), "\(square.listing)")
    }

    /// Each counted instruction names the byte of the module its wasm instruction starts at.
    @Test func listingsGiveEachInstructionsWasmOffset() throws {
        let bytes = try wat2wasm(Self.module)
        let profile = try run(3, counted: true).profile
        func opcode(at line: Substring) -> UInt8? {
            let fields = line.split(separator: " ")
            guard fields.count > 2, fields[1].hasPrefix("0x"), let offset = Int(fields[1].dropFirst(2), radix: 16) else { return nil }
            return bytes[offset]
        }
        var checked = 0
        for function in profile.functions {
            for line in function.listing.split(separator: "\n") where !line.hasPrefix(";") {
                // Opcodes: i32.mul 0x6c, call 0x10 (a call of a defined function is call_local).
                if line.contains(" i32.mul ") { #expect(opcode(at: line) == 0x6c, "\(line)"); checked += 1 }
                if line.contains(" call_local ") { #expect(opcode(at: line) == 0x10, "\(line)"); checked += 1 }
            }
        }
        #expect(checked == 2, "\(profile.report())")
    }

    @Test func countsAreRepeatableAndCountingChangesNoResult() throws {
        let first = try run(1000, counted: true), second = try run(1000, counted: true)
        #expect(first.profile.functions.map(\.instructions) == second.profile.functions.map(\.instructions))
        #expect(first.profile.functions.map(\.calls) == [1, 1000] || first.profile.functions.map(\.calls) == [1000, 1])
        let plain = try run(1000, counted: false)
        #expect(plain.result == first.result)
        #expect(plain.profile.functions.isEmpty)
    }
}
