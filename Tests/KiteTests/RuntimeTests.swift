import Kite
import KiteText
import Testing

/// Stores live as long as the tests that use them: a Store owns everything it creates.
nonisolated(unsafe) var testStores: [Store] = []

/// Instantiates a text module with optional imports.
func instantiate(_ wat: String, imports: Imports = Imports(), store: Store? = nil) throws -> Instance {
    let store = store ?? Store()
    if !testStores.contains(where: { $0 === store }) { testStores.append(store) }
    return try store.instantiate(try CompiledModule(bytes: try wat2wasm(wat)), imports: imports)
}

func call(_ instance: Instance, _ name: String, _ args: [Value] = []) throws -> [Value] {
    try #require(instance.exportedFunction(name)).invoke(args)
}

func trapMessage(_ body: () throws -> Void) -> String? {
    do { try body() } catch let trap as Trap { return trap.message } catch { return "not a trap: \(error)" }
    return nil
}

struct RuntimeTests {
    let fib = """
    (module (func $fib (export "fib") (param i32) (result i32)
      (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2))))))))
    """

    @Test func recursiveFibonacci() throws {
        let instance = try instantiate(fib)
        #expect(try call(instance, "fib", [.i32(20)]) == [.i32(6765)])
        #expect(try call(instance, "fib", [.i32(1)]) == [.i32(1)])
    }

    @Test func runawayRecursionTrapsWithCallStackExhausted() throws {
        let instance = try instantiate("""
            (module (func $f (export "f") (param i64) (result i64) (call $f (local.get 0)))
              (func $down (export "down") (param i32) (result i32)
                (if (result i32) (local.get 0) (then (call $down (i32.sub (local.get 0) (i32.const 1)))) (else (i32.const 7)))))
            """)
        #expect(trapMessage { _ = try call(instance, "f", [.i64(1)]) } == "call stack exhausted")
        // The store stays usable after the trap: a deep but bounded recursion completes.
        #expect(try call(instance, "down", [.i32(10_000)]) == [.i32(7)])
        #expect(trapMessage { _ = try call(instance, "f", [.i64(2)]) } == "call stack exhausted")
    }

    @Test func trapsCarryTheSpecWording() throws {
        let instance = try instantiate("""
        (module (memory 1) (table 2 funcref) (type $t (func))
          (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
          (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
          (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
          (func (export "indirect") (param i32) (call_indirect (type $t) (local.get 0)))
          (func (export "unreachable") unreachable))
        """)
        #expect(trapMessage { _ = try call(instance, "div", [.i32(1), .i32(0)]) } == "integer divide by zero")
        #expect(trapMessage { _ = try call(instance, "div", [.i32(0x8000_0000), .i32(UInt32.max)]) } == "integer overflow")
        #expect(trapMessage { _ = try call(instance, "load", [.i32(65534)]) } == "out of bounds memory access")
        #expect(trapMessage { _ = try call(instance, "trunc", [.f32(Float.nan.bitPattern)]) } == "invalid conversion to integer")
        #expect(trapMessage { _ = try call(instance, "indirect", [.i32(1)]) } == "uninitialized element 1")
        #expect(trapMessage { _ = try call(instance, "indirect", [.i32(5)]) } == "undefined element 5")
        #expect(trapMessage { _ = try call(instance, "unreachable") }?.hasPrefix("unreachable") == true)
    }

    @Test func trapsNameTheFunctionThatTrapped() throws {
        let instance = try instantiate("""
        (module (func $inner (i32.div_u (i32.const 1) (i32.const 0)) drop)
          (func (export "outer") (call $inner)))
        """)
        do {
            _ = try call(instance, "outer")
            Issue.record("no trap")
        } catch let trap as Trap {
            #expect(trap.message == "integer divide by zero")
            #expect(trap.function == "func[0]")  // $inner is not exported: named by index
            #expect(trap.description == "integer divide by zero (in func[0])")
        }
        let exported = try instantiate("(module (func (export \"boom\") unreachable))")
        do {
            _ = try call(exported, "boom")
        } catch let trap as Trap {
            #expect(trap.function == "boom")
        }
    }

    @Test func memoryGrowsUpToItsMaximum() throws {
        let instance = try instantiate("""
        (module (memory (export "mem") 1 3)
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
          (func (export "poke") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
          (func (export "peek") (param i32) (result i32) (i32.load (local.get 0))))
        """)
        #expect(try call(instance, "grow", [.i32(1)]) == [.i32(1)])
        #expect(try call(instance, "grow", [.i32(2)]) == [.i32(UInt32.max)])
        _ = try call(instance, "poke", [.i32(100_000), .i32(77)])
        #expect(try call(instance, "peek", [.i32(100_000)]) == [.i32(77)])
        #expect(instance.exportedMemory("mem")?.pages == 2)
    }

    @Test func hostFunctionsAreCalledWithTheirArguments() throws {
        let store = Store()
        var seen: [Value] = []
        var imports = Imports()
        imports.define("env", "twice", .function(Function(store: store, type: FunctionType(parameters: [.i64], results: [.i64])) { args in
            seen.append(contentsOf: args)
            guard case .i64(let v) = args[0] else { return [.i64(0)] }
            return [.i64(v * 2)]
        }))
        let instance = try instantiate("""
        (module (import "env" "twice" (func $twice (param i64) (result i64)))
          (func (export "run") (param i64) (result i64) (i64.add (call $twice (local.get 0)) (i64.const 1))))
        """, imports: imports, store: store)
        #expect(try call(instance, "run", [.i64(20)]) == [.i64(41)])
        #expect(seen == [.i64(20)])
    }

    @Test func linkingChecksImports() throws {
        let store = Store()
        let module = try CompiledModule(bytes: try wat2wasm("(module (import \"env\" \"f\" (func (param i32))))"))
        #expect(throws: LinkError.self) { _ = try store.instantiate(module) }
        var imports = Imports()
        imports.define("env", "f", .function(Function(store: store, type: FunctionType(parameters: [.i64], results: [])) { _ in [] }))
        do {
            _ = try store.instantiate(module, imports: imports)
            Issue.record("an import of the wrong type was accepted")
        } catch let error as LinkError {
            #expect(error.message.hasPrefix("incompatible import type"))
        }
    }

    @Test func multiValueBlocksAndReturns() throws {
        let instance = try instantiate("""
        (module (func (export "swap") (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
          (func (export "sumdiff") (param i32 i32) (result i32 i32)
            (local.get 0) (local.get 1)
            (block (param i32 i32) (result i32 i32)
              (local.set 0) (local.set 1)
              (i32.add (local.get 0) (local.get 1))
              (i32.sub (local.get 1) (local.get 0)))))
        """)
        #expect(try call(instance, "swap", [.i32(1), .i32(2)]) == [.i32(2), .i32(1)])
        #expect(try call(instance, "sumdiff", [.i32(10), .i32(3)]) == [.i32(13), .i32(7)])
    }

    @Test func invalidModulesAreRejectedWithTheSpecWording() throws {
        do {
            _ = try CompiledModule(bytes: try wat2wasm("(module (func (result i32) (i64.const 1)))"))
            Issue.record("invalid module accepted")
        } catch let error as ValidationError {
            #expect(error.message == "type mismatch")
        }
        do {
            // Module-level errors point at the section of the offending definition.
            let bytes = try wat2wasm(#"(module (func (export "a")) (func (export "a")))"#)
            _ = try CompiledModule(bytes: bytes)
            Issue.record("duplicate export accepted")
        } catch let error as ValidationError {
            #expect(error.message == "duplicate export name")
            let exportSection = try #require(decodeModule(try wat2wasm(#"(module (func (export "a")) (func (export "a")))"#)).sectionOffsets[7])
            #expect(error.offset == exportSection && exportSection > 0)
        }
        do {
            _ = try CompiledModule(bytes: [0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00])
            Issue.record("malformed module accepted")
        } catch let error as DecodingError {
            #expect(error.message == "unknown binary version")
            #expect(error.offset == 4)
        }
    }

    @Test func globalsAndTablesAreSharedThroughImports() throws {
        let store = Store()
        let exporter = try instantiate("""
        (module (global (export "g") (mut i32) (i32.const 5)) (table (export "t") 2 funcref)
          (func $seven (result i32) (i32.const 7)) (elem (i32.const 0) $seven))
        """, store: store)
        var imports = Imports()
        imports.register("m", exporter)
        let importer = try instantiate("""
        (module (import "m" "g" (global $g (mut i32))) (import "m" "t" (table 2 funcref)) (type $r (func (result i32)))
          (func (export "bump") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g))
          (func (export "callt") (result i32) (call_indirect (type $r) (i32.const 0))))
        """, imports: imports, store: store)
        #expect(try call(importer, "bump") == [.i32(6)])
        #expect(exporter.exportedGlobal("g")?.value == .i32(6))
        #expect(try call(importer, "callt") == [.i32(7)])
    }
}
