import Kite
import KiteBinary
import KiteText
import KiteTranslator
import Testing

/// `.lazy` compilation (the default) validates the whole module at once and translates each
/// function on its first call, through a stub in the function's record; `.eager` translates
/// everything up front. Both must behave the same in everything but when the work is done.
struct LazyCompilationTests {
    func compile(_ wat: String, _ mode: CompilationMode) throws -> CompiledModule {
        try CompiledModule(bytes: try wat2wasm(wat), compilationMode: mode)
    }

    func instance(_ module: CompiledModule, store: Store = Store(), imports: Imports = Imports()) throws -> Instance {
        if !testStores.contains(where: { $0 === store }) { testStores.append(store) }
        return try store.instantiate(module, imports: imports)
    }

    let calls = """
        (module
          (type $unary (func (param i32) (result i32)))
          (table $t 2 funcref)
          (elem (table $t) (i32.const 0) func $double $inc)
          (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
          (func $inc (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
          (func $never (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
          (func (export "direct") (param i32) (result i32) (call $double (call $inc (local.get 0))))
          (func (export "indirect") (param i32 i32) (result i32) (call_indirect $t (type $unary) (local.get 0) (local.get 1)))
          (func (export "tail") (param i32) (result i32) (return_call $inc (local.get 0)))
          (func (export "by_ref") (param i32) (result i32) (call_ref $unary (local.get 0) (ref.func $inc))))
        """

    @Test func onlyTheFunctionsThatRunAreTranslated() throws {
        let lazy = try compile(calls, .lazy)
        let eager = try compile(calls, .eager)
        #expect(lazy.translatedFunctionCount == 0 && lazy.bytecodeByteCount == 0)
        #expect(eager.translatedFunctionCount == 7)
        let l = try instance(lazy), e = try instance(eager)
        #expect(lazy.translatedFunctionCount == 0)
        #expect(try call(l, "direct", [.i32(20)]) == [.i32(42)])
        #expect(lazy.translatedFunctionCount == 3)
        for (name, args) in [("direct", [Value.i32(5)]), ("indirect", [.i32(7), .i32(1)]), ("indirect", [.i32(7), .i32(0)]),
                             ("tail", [.i32(UInt32(bitPattern: -1))]), ("by_ref", [.i32(9)]), ("double", [.i32(UInt32(bitPattern: -4))])] {
            #expect(try call(l, name, args) == call(e, name, args))
        }
        // $never never ran: its division by zero was never translated either.
        #expect(lazy.translatedFunctionCount == 6)
        #expect(lazy.bytecodeByteCount > 0 && lazy.bytecodeByteCount < eager.bytecodeByteCount)
    }

    @Test func instancesShareWhatOneOfThemTranslated() throws {
        let module = try compile(calls, .lazy)
        let store = Store()
        let first = try instance(module, store: store)
        let second = try instance(module, store: store)
        let elsewhere = try instance(module)
        #expect(try call(first, "direct", [.i32(1)]) == [.i32(4)])
        #expect(module.translatedFunctionCount == 3)
        // The other records still hold the stub; they pick up the same translation.
        #expect(try call(second, "direct", [.i32(2)]) == [.i32(6)])
        #expect(try call(elsewhere, "direct", [.i32(3)]) == [.i32(8)])
        #expect(module.translatedFunctionCount == 3)

        // A function not translated yet, called from another module that imports it.
        let fresh = try instance(module, store: store)
        var imports = Imports()
        imports.define("m", "double", .function(try #require(fresh.exportedFunction("double"))))
        let caller = try instance(try compile("""
            (module (import "m" "double" (func $d (param i32) (result i32)))
              (func (export "quad") (param i32) (result i32) (call $d (call $d (local.get 0)))))
            """, .lazy), store: store, imports: imports)
        #expect(try call(caller, "quad", [.i32(5)]) == [.i32(20)])
    }

    @Test func invalidFunctionsAreRejectedAtCompileTimeWithTheSameError() throws {
        // Each body is invalid; none is ever called, and the error names the same offset.
        let bodies = [
            "(func (result i32) (i64.const 0))",
            "(func (local.get 3) drop)",
            "(func (br 2))",
            "(func (param i32) (if (result i32) (local.get 0) (then (i32.const 1))))",
            "(func (block (result i32) (i32.const 1) (br_table 0 1 (i32.const 0))) drop)",
            "(func (i32.load align=8 (i32.const 0)) drop)",
            "(func (select (i32.const 1) (i64.const 2) (i32.const 0)) drop)",
            "(func (global.set 0 (i32.const 1)))",
        ]
        for body in bodies {
            let wat = "(module (memory 1) (global i32 (i32.const 0)) (func (export \"ok\")) \(body))"
            let bytes = try wat2wasm(wat)
            var errors: [String] = []
            for mode in [CompilationMode.eager, .lazy] {
                do {
                    _ = try CompiledModule(bytes: bytes, compilationMode: mode)
                    errors.append("accepted")
                } catch let error as ValidationError {
                    errors.append("\(error.message) at \(error.offset)")
                }
            }
            #expect(errors[0] != "accepted", "\(body)")
            #expect(errors[0] == errors[1], "\(body)")
        }
    }

    @Test func aFunctionTooLargeToTranslateIsReportedAtCompileTime() throws {
        // More distinct constants than a frame holds: only translation finds that out, so
        // lazy compilation translates such a function at once instead of on its first call.
        let body = (0..<0x4100).map { "(drop (i64.const \($0)))" }.joined(separator: " ")
        let bytes = try wat2wasm("(module (func \(body)))")
        for mode in [CompilationMode.eager, .lazy] {
            #expect(throws: ValidationError.self) { _ = try CompiledModule(bytes: bytes, compilationMode: mode) }
        }
    }

    @Test func aLazyFunctionsFrameIsCheckedAgainstTheStackWhenItIsTranslated() throws {
        // Before translation the record claims a tiny frame; the stub checks the real one.
        let locals = String(repeating: " i64", count: 3000)
        let module = try compile("""
            (module (func (export "big") (result i64) (local\(locals)) (local.get 2999)))
            """, .lazy)
        let small = try instance(module, store: Store(stackSlots: 1000))
        #expect(trapMessage { _ = try call(small, "big") } == "call stack exhausted")
        let large = try instance(module, store: Store(stackSlots: 10000))
        #expect(try call(large, "big") == [.i64(0)])
    }

    @Test func trapsInLazilyTranslatedFunctionsNameThem() throws {
        let store = Store()
        let instance = try instance(try compile("""
            (module (func $boom (export "boom") (param i32) (result i32) (i32.div_s (i32.const 1) (local.get 0)))
              (func (export "outer") (result i32) (call $boom (i32.const 0))))
            """, .lazy), store: store)
        do {
            _ = try call(instance, "outer")
            Issue.record("no trap")
        } catch let trap as Trap {
            #expect(trap.message == "integer divide by zero")
            #expect(trap.function == "boom")
        }
    }
}
