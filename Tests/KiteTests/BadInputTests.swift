import Foundation
import Kite
import KiteBinary
import KiteText
import KiteTranslator
import Testing

/// The bad-input catalogue (RELIABILITY.md): inputs an untrusted module can bring, each of
/// which must end in a clear error or a trap, in bounded time and memory, never a crash.
struct BadInputTests {
    /// A rejection must be a decoding or validation error with the spec's wording and an offset.
    func rejection(_ bytes: [UInt8]) -> (message: String, offset: Int)? {
        do {
            _ = try CompiledModule(bytes: bytes, compilationMode: .eager)
            return nil
        } catch let error as DecodingError {
            return (error.message, error.offset)
        } catch let error as ValidationError {
            return (error.message, error.offset)
        } catch {
            Issue.record("not a decoding or validation error: \(error)")
            return ("", -1)
        }
    }

    /// Real programs (one C program, one GC program) cut at every byte, and with random bytes
    /// replaced: every damaged copy is accepted or rejected with an offset inside the input
    /// (an unexpected error type is recorded by `rejection`).
    @Test(arguments: ["shootout/shootout-minicsv.wasm", "splay/splay.wasm"])
    func damagedRealModules(_ program: String) throws {
        guard let sightglass = ProcessInfo.processInfo.environment["SIGHTGLASS"] else { return }
        let valid = [UInt8](try Data(contentsOf: URL(fileURLWithPath: sightglass).appendingPathComponent(program)))
        #expect(rejection(valid) == nil)
        for length in 0..<valid.count {
            let cut = Array(valid[..<length])
            // (A cut at a section boundary after the code section leaves a valid module.)
            if let (_, offset) = rejection(cut) { #expect(offset >= 0 && offset <= length) }
        }
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        for _ in 0..<4000 {
            var damaged = valid
            for _ in 0..<3 {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                damaged[Int(state >> 33) % damaged.count] = UInt8(truncatingIfNeeded: state >> 13)
            }
            if let (_, offset) = rejection(damaged) { #expect(offset >= 0 && offset <= damaged.count) }
        }
    }

    // MARK: Huge counts

    static let header: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
    static func leb(_ value: UInt64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        repeat {
            var byte = UInt8(v & 0x7F)
            v >>= 7
            if v != 0 { byte |= 0x80 }
            out.append(byte)
        } while v != 0
        return out
    }
    static func sleb(_ value: Int64) -> [UInt8] {
        var v = value, out: [UInt8] = []
        while true {
            let byte = UInt8(v & 0x7F)
            v >>= 7
            if (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0) { return out + [byte] }
            out.append(byte | 0x80)
        }
    }
    static func section(_ id: UInt8, _ body: [UInt8]) -> [UInt8] { [id] + leb(UInt64(body.count)) + body }
    /// A module of one function `() -> ()` with `body` (locals declarations included).
    static func module(body: [UInt8]) -> [UInt8] {
        header + section(1, [0x01, 0x60, 0x00, 0x00]) + section(3, [0x01, 0x00])
            + section(10, [0x01] + leb(UInt64(body.count)) + body)
    }

    @Test func twoToThe32Locals() {
        // Two declarations of 2^31 i32 locals each: the count is rejected before anything is allocated.
        let body: [UInt8] = [0x02] + Self.leb(1 << 31) + [0x7F] + Self.leb(1 << 31) + [0x7F] + [0x0B]
        #expect(rejection(Self.module(body: body))?.message == "too many locals")
        let justUnder: [UInt8] = [0x01] + Self.leb(UInt64(UInt32.max)) + [0x7F] + [0x0B]
        #expect(rejection(Self.module(body: justUnder)) != nil)
    }

    @Test func blocksNestedAHundredThousandDeep() {
        let depth = 100_000
        let body: [UInt8] = [0x00] + Array([[UInt8]](repeating: [0x02, 0x40], count: depth).joined())
            + [UInt8](repeating: 0x0B, count: depth + 1)
        #expect(rejection(Self.module(body: body)) == nil)
        // And one `end` short: rejected, not a stack overflow.
        #expect(rejection(Self.module(body: Array(body.dropLast()))) != nil)
    }

    @Test func aTenMegabyteFunctionBody() throws {
        // 2.5 million `i32.const 1; drop` pairs: compiles (lazily checked, then translated) and runs.
        var body: [UInt8] = [0x00]
        body.reserveCapacity(10 << 20)
        for _ in 0..<(10 << 20) / 4 { body += [0x41, 0x01, 0x1A, 0x01] }
        body.append(0x0B)
        let bytes = Self.header + Self.section(1, [0x01, 0x60, 0x00, 0x00]) + Self.section(3, [0x01, 0x00])
            + Self.section(7, [0x01, 0x01, 0x66, 0x00, 0x00]) + Self.section(10, [0x01] + Self.leb(UInt64(body.count)) + body)
        let store = Store()
        let instance = try store.instantiate(try CompiledModule(bytes: bytes))
        #expect(try instance.exports[function: "f"]!([]) == [])
    }

    @Test func dataSegmentFarPastMemory() throws {
        let store = Store()
        let module = try CompiledModule(bytes: try wat2wasm("""
            (module (memory 1) (data (i32.const 0xFFFFFF00) "far away"))
            """))
        #expect(trapMessage { _ = try store.instantiate(module) } == "out of bounds memory access")
        let module64 = try CompiledModule(bytes: try wat2wasm("""
            (module (memory i64 1) (data (i64.const 0x7FFFFFFFFFFFFF00) "far away"))
            """))
        #expect(trapMessage { _ = try store.instantiate(module64) } == "out of bounds memory access")
    }

    /// Ten million segments declared in a section of a few bytes: rejected as `length out of bounds`
    /// (a count is checked against the bytes left before anything is reserved for it).
    @Test func tenMillionSegmentsDeclared() {
        let memory = Self.section(5, [0x01, 0x00, 0x01])
        let data = Self.header + memory + Self.section(11, Self.leb(10_000_000) + [0x01, 0x00])
        #expect(rejection(data)?.message == "length out of bounds")
        let elements = Self.header + Self.section(4, [0x01, 0x70, 0x00, 0x01])
            + Self.section(9, Self.leb(10_000_000) + [0x01, 0x00, 0x00])
        #expect(rejection(elements)?.message == "length out of bounds")
    }

    /// Ten million passive data segments (a 20 MB section): decoded, instantiated, and
    /// `memory.init` reaches the last one (about a second and 540 MB: the segments share one
    /// block of bytes and an element segment keeps function indices, not expressions).
    @Test func tenMillionDataSegments() throws {
        let count = 10_000_000
        var segments = Self.leb(UInt64(count))
        segments.reserveCapacity(2 * count + 8)
        for i in 0..<count { segments += i == count - 1 ? [0x01, 0x01, 0x2A] : [0x01, 0x00] }
        // (func (export "f") (result i32) (memory.init 9999999 (i32.const 0) (i32.const 0) (i32.const 1)) (i32.load8_u (i32.const 0)))
        let last = Self.leb(UInt64(count - 1))
        let body: [UInt8] = [0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x01, 0xFC, 0x08] + last + [0x00, 0x41, 0x00, 0x2D, 0x00, 0x00, 0x0B]
        let bytes = Self.header + Self.section(1, [0x01, 0x60, 0x00, 0x01, 0x7F]) + Self.section(3, [0x01, 0x00])
            + Self.section(5, [0x01, 0x00, 0x01]) + Self.section(7, [0x01, 0x01, 0x66, 0x00, 0x00])
            + Self.section(12, Self.leb(UInt64(count)))
            + Self.section(10, [0x01] + Self.leb(UInt64(body.count)) + body) + Self.section(11, segments)
        let store = Store()
        let instance = try store.instantiate(try CompiledModule(bytes: bytes))
        #expect(try instance.exports[function: "f"]!([]) == [.i32(42)])
    }

    /// An active element segment of ten million function indices (a 10 MB section) into a
    /// table of ten million: instantiated, and its last entry called.
    @Test func anElementSegmentOfTenMillionEntries() throws {
        let count: UInt64 = 10_000_000
        var items = [UInt8](repeating: 0x00, count: Int(count))
        items[Int(count) - 1] = 0x01
        // Function 0: () -> i32 returning 1; function 1: returning 2; "f" calls table[count - 1].
        let call: [UInt8] = [0x00, 0x41] + Self.sleb(Int64(count - 1)) + [0x11, 0x00, 0x00, 0x0B]
        let code = Self.section(10, [0x03, 0x04, 0x00, 0x41, 0x01, 0x0B, 0x04, 0x00, 0x41, 0x02, 0x0B]
            + Self.leb(UInt64(call.count)) + call)
        let bytes = Self.header + Self.section(1, [0x01, 0x60, 0x00, 0x01, 0x7F]) + Self.section(3, [0x03, 0x00, 0x00, 0x00])
            + Self.section(4, [0x01, 0x70, 0x00] + Self.leb(count))
            + Self.section(7, [0x01, 0x01, 0x66, 0x00, 0x02])
            + Self.section(9, [0x01, 0x00, 0x41, 0x00, 0x0B] + Self.leb(count) + items) + code
        let store = Store()
        let instance = try store.instantiate(try CompiledModule(bytes: bytes))
        #expect(try instance.exports[function: "f"]!([]) == [.i32(2)])
    }

    // MARK: Deep recursion, every call kind

    static let recursion = """
        (module
          (type $t (func (param i32) (result i32)))
          (import "host" "reenter" (func $reenter (param i32) (result i32)))
          (table funcref (elem $indirect))
          (elem declare func $byRef)
          (func $direct (export "direct") (type $t) (i32.add (call $direct (local.get 0)) (i32.const 1)))
          (func $indirect (export "indirect") (type $t)
            (i32.add (call_indirect (type $t) (local.get 0) (i32.const 0)) (i32.const 1)))
          (func $byRef (export "ref") (type $t) (i32.add (call_ref $t (local.get 0) (ref.func $byRef)) (i32.const 1)))
          (func (export "host") (type $t) (i32.add (call $reenter (local.get 0)) (i32.const 1)))
          ;; Tail calls reuse the frame: this one never ends, and fuel stops it.
          (func $tail (export "tail") (type $t) (return_call $tail (local.get 0)))
          ;; A tail call inside a growing recursion still exhausts the stack.
          (func $mixed (export "mixed") (type $t) (i32.add (call $bounce (local.get 0)) (i32.const 1)))
          (func $bounce (type $t) (return_call $mixed (local.get 0)))
          ;; Huge frames: each call takes 16,000 slots of the value stack.
          (func $huge (export "huge") (type $t) (local i64 i64 i64 i64) (local $one f64)
            (local.set $one (f64.const 1))
            (i32.add (call $huge (local.get 0)) (i32.trunc_f64_s (local.get $one))))
          (func $count (export "count") (type $t)
            (if (result i32) (local.get 0)
              (then (i32.add (call $count (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
              (else (i32.const 0))))
        )
        """

    @Test func deepRecursionOfEveryCallKindTraps() throws {
        let store = Store(limits: StoreLimits())
        var exports: Exports?
        let reenter = Function(store: store, parameters: [.i32], results: [.i32]) { _, args in
            try exports![function: "host"]!(args)
        }
        // The huge frames come from many locals: 16,000 declared i64 locals (the most a frame may have is 16,383).
        let wat = Self.recursion.replacingOccurrences(of: "(local i64 i64 i64 i64)", with: "(local \(String(repeating: "i64 ", count: 16_000)))")
        let module = try CompiledModule(bytes: try wat2wasm(wat), metered: true)
        let instance = try store.instantiate(module, imports: ["host": ["reenter": reenter]])
        exports = instance.exports
        for name in ["direct", "indirect", "ref", "host", "mixed", "huge"] {
            #expect(trapMessage { _ = try instance.exports[function: name]!([.i32(1)]) } == "call stack exhausted", "\(name)")
        }
        store.fuel = 1_000_000
        #expect(trapMessage { _ = try instance.exports[function: "tail"]!([.i32(1)]) }?.hasPrefix("all fuel consumed") == true)
        store.fuel = nil
        // Still usable afterwards: a deep but bounded recursion completes.
        #expect(try instance.exports[function: "count"]!([.i32(10_000)]) == [.i32(10_000)])
    }

    /// Every trap raised in wasm code that a host function called back into reaches the
    /// outer caller with its own message, and the store runs on afterwards.
    @Test func trapsInsideHostReentry() throws {
        let store = Store()
        var exports: Exports?
        let reenter = Function(store: store, parameters: [.i32], results: [.i32]) { _, args in
            try exports![function: "inner"]!(args)
        }
        let instance = try store.instantiate(try CompiledModule(bytes: try wat2wasm("""
            (module
              (import "host" "reenter" (func $reenter (param i32) (result i32)))
              (type $s (struct (field i32)))
              (type $a (array i8))
              (memory 1)
              (table 1 funcref)
              (func (export "outer") (param i32) (result i32) (i32.add (call $reenter (local.get 0)) (i32.const 1)))
              (func (export "inner") (param $k i32) (result i32)
                (block $b8 (block $b7 (block $b6 (block $b5 (block $b4 (block $b3 (block $b2 (block $b1 (block $b0
                  (br_table $b0 $b1 $b2 $b3 $b4 $b5 $b6 $b7 $b8 (local.get $k)))
                  (unreachable))
                  (return (i32.div_s (i32.const 1) (i32.const 0))))
                  (return (i32.div_s (i32.const 0x80000000) (i32.const -1))))
                  (return (i32.trunc_f32_s (f32.const nan))))
                  (return (i32.load (i32.const 65536))))
                  (return (call_indirect (result i32) (i32.const 5))))
                  (return (call_indirect (result i32) (i32.const 0))))
                  (return (struct.get $s 0 (ref.null $s))))
                (array.get_u $a (array.new_default $a (i32.const 4)) (i32.const 9))))
            """)), imports: ["host": ["reenter": reenter]])
        exports = instance.exports
        let expected = ["unreachable executed", "integer divide by zero", "integer overflow", "invalid conversion to integer",
                        "out of bounds memory access", "undefined element", "uninitialized element", "null structure reference",
                        "out of bounds array access"]
        for (k, message) in expected.enumerated() {
            #expect(trapMessage { _ = try instance.exports[function: "outer"]!([.i32(UInt32(k))]) }?.hasPrefix(message) == true,
                    "\(k): \(message)")
        }
    }
}
