import Kite
import KiteText
import Testing

/// Exception handling (Wasm 3.0): try_table's catch clauses take what a throw raises, in the
/// same function or frames away, across host functions in both directions; what nothing
/// catches reaches the host as a `WasmException`.
struct ExceptionTests {
    static let module = """
        (module
          (tag $e (export "e") (param i32 i64))
          (tag $other (param f64))
          (import "host" "call" (func $host (param i32) (result i32)))
          (func $thrower (export "throw") (param i32)
            (throw $e (local.get 0) (i64.const 7)))
          ;; A deep recursion that throws at the bottom.
          (func $down (param i32)
            (if (i32.eqz (local.get 0)) (then (throw $e (i32.const 99) (i64.const 1))))
            (call $down (i32.sub (local.get 0) (i32.const 1))))
          ;; The first clause is for another tag: the second takes it.
          (func (export "catch") (param i32) (result i32)
            (block $caught (result i32 i64)
              (block $wrong (result f64)
                (try_table (catch $other $wrong) (catch $e $caught)
                  (call $thrower (local.get 0)))
                (return (i32.const -1)))
              (drop)
              (return (i32.const -2)))
            (drop))
          (func (export "deep") (param i32) (result i32)
            (block $caught (result i32 i64)
              (try_table (catch $e $caught) (call $down (local.get 0)))
              (return (i32.const -1)))
            (drop))
          ;; catch_ref then throw_ref: the same exception comes out again.
          (func (export "rethrow") (param i32)
            (block $caught (result i32 i64 exnref)
              (try_table (catch_ref $e $caught) (call $thrower (local.get 0)))
              (return))
            (throw_ref))
          (func (export "catch-all") (result i32)
            (block $caught
              (try_table (catch_all $caught) (call $thrower (i32.const 1)))
              (return (i32.const 0)))
            (i32.const 1))
          ;; An exnref travels to the host and back.
          (func (export "catch-ref") (param i32) (result exnref)
            (block $caught (result i32 i64 exnref)
              (try_table (catch_ref $e $caught) (call $thrower (local.get 0)))
              (return (ref.null exn)))
            (return))
          (func (export "throw-ref") (param exnref) (throw_ref (local.get 0)))
          ;; Through the host: the host function calls back into "throw" (or throws itself).
          (func (export "through-host") (param i32) (result i32)
            (block $caught (result i32 i64)
              (try_table (catch $e $caught) (drop (call $host (local.get 0))))
              (return (i32.const -1)))
            (drop)))
        """

    final class Log { var afterInnerCall = false }

    func instantiate(_ configuration: EngineConfiguration = EngineConfiguration(), log: Log = Log())
        throws -> (Store, Instance) {
        let store = Store(engine: Engine(configuration: configuration))
        var instance: Instance?
        let host = Function(store: store, parameters: [.i32], results: [.i32]) { _, args in
            let e = instance!.exports[tag: "e"]!
            if args[0].i32 == 1000 { throw WasmException(tag: e, values: [.i32(1000), .i64(2)]) }
            try instance!.exports[function: "throw"]!([args[0]])
            log.afterInnerCall = true
            return [.i32(0)]
        }
        instance = try parseWasm(bytes: try wat2wasm(Self.module)).instantiate(store: store, imports: ["host": ["call": host]])
        return (store, instance!)
    }

    @Test(arguments: [EngineConfiguration(compilationMode: .eager), EngineConfiguration(compilationMode: .lazy),
                      EngineConfiguration(exactProfiling: true)])
    func catchClausesTakeTheirTagsValues(configuration: EngineConfiguration) throws {
        let (store, instance) = try instantiate(configuration)
        defer { withExtendedLifetime(store) {} }
        #expect(try instance.exports[function: "catch"]!([.i32(42)]) == [.i32(42)])
        #expect(try instance.exports[function: "catch-all"]!() == [.i32(1)])
        // Caught 1,000 frames below, then the store runs on as before.
        #expect(try instance.exports[function: "deep"]!([.i32(1000)]) == [.i32(99)])
        #expect(try instance.exports[function: "deep"]!([.i32(10)]) == [.i32(99)])
    }

    @Test func anUncaughtExceptionReachesTheHostWithItsTagAndValues() throws {
        let (store, instance) = try instantiate()
        defer { withExtendedLifetime(store) {} }
        let tag = try #require(instance.exports[tag: "e"])
        let error = try #require(throws: WasmException.self) { try instance.exports[function: "throw"]!([.i32(5)]) }
        #expect(error.tag === tag && error.values == [.i32(5), .i64(7)])
        #expect(error.function == "throw")
        // Rethrown by throw_ref it is the same exception, with the same values.
        let again = try #require(throws: WasmException.self) { try instance.exports[function: "rethrow"]!([.i32(6)]) }
        #expect(again.tag === tag && again.values == [.i32(6), .i64(7)])
    }

    @Test func anExnrefGoesToTheHostAndBack() throws {
        let (store, instance) = try instantiate()
        defer { withExtendedLifetime(store) {} }
        let caught = try instance.exports[function: "catch-ref"]!([.i32(8)])
        guard case .ref(.exception(let address?))? = caught.first else {
            Issue.record("expected an exnref, got \(caught)")
            return
        }
        let error = try #require(throws: WasmException.self) {
            try instance.exports[function: "throw-ref"]!([.ref(.exception(address))])
        }
        #expect(error.values == [.i32(8), .i64(7)])
        // A null exnref traps; an address the store never made is refused.
        #expect(throws: Trap.self) { try instance.exports[function: "throw-ref"]!([.ref(.exception(nil))]) }
        #expect(throws: (any Error).self) { try instance.exports[function: "throw-ref"]!([.ref(.exception(address + 8))]) }
    }

    @Test func exceptionsCrossHostFramesBothWays() throws {
        let log = Log()
        let (store, instance) = try instantiate(log: log)
        defer { withExtendedLifetime(store) {} }
        // wasm -> host -> wasm -> throw: the host's call rethrows it, the host frame ends
        // there, and the outer wasm function's handler takes it.
        #expect(try instance.exports[function: "through-host"]!([.i32(17)]) == [.i32(17)])
        #expect(!log.afterInnerCall)
        // A host function throws a new exception of the module's tag.
        #expect(try instance.exports[function: "through-host"]!([.i32(1000)]) == [.i32(1000)])
        // Everything still works afterwards.
        #expect(try instance.exports[function: "catch"]!([.i32(3)]) == [.i32(3)])
    }

    /// The legacy form: a catch body keeps its exception for `rethrow` even across a call
    /// (whose frame lies above the catching frame's temporaries), and `delegate` hands the
    /// body's exceptions to an outer try's catches.
    @Test(arguments: [CompilationMode.eager, .lazy])
    func legacyTryCatchRethrowAndDelegate(mode: CompilationMode) throws {
        let store = Store(engine: Engine(configuration: EngineConfiguration(compilationMode: mode)))
        let instance = try parseWasm(bytes: try wat2wasm("""
            (module
              (tag $e (param i32))
              (func $spill (param i32) (result i32)
                (local i32 i32 i32)
                (local.set 1 (i32.add (local.get 0) (i32.const 1)))
                (local.set 2 (i32.mul (local.get 1) (i32.const 3)))
                (i32.add (local.get 1) (local.get 2)))
              (func $inner (param i32)
                (try (do (throw $e (local.get 0)))
                  (catch $e
                    (drop (call $spill (i32.const 5)))  ;; a call inside the catch body
                    (drop)
                    (rethrow 0))))
              (func (export "rethrown") (param i32) (result i32)
                (try (result i32) (do (call $inner (local.get 0)) (i32.const -1))
                  (catch $e (i32.add (i32.const 1000)))))
              (func (export "delegated") (param i32) (result i32)
                (try $outer (result i32)
                  (do (try (do (throw $e (local.get 0))) (delegate $outer)) (i32.const -1))
                  (catch $e)
                  (catch_all (i32.const -2)))))
            """)).instantiate(store: store)
        #expect(try instance.exports[function: "rethrown"]!([.i32(7)]) == [.i32(1007)])
        #expect(try instance.exports[function: "delegated"]!([.i32(9)]) == [.i32(9)])
    }
}
