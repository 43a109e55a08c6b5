import Kite
import KiteText
import Testing

/// WasmKit's API shape on Kite's types: engines and stores, dictionary-literal imports,
/// export subscripts, callers, values and references, link errors.
struct EmbeddingAPITests {
    @Test func dictionaryImportsExportSubscriptsAndTheCallersInstance() throws {
        let module = try parseWasm(bytes: try wat2wasm("""
            (module
              (import "host" "peek" (func $peek (param i32) (result i32)))
              (memory (export "memory") 1)
              (global (export "g") (mut i32) (i32.const 7))
              (table (export "t") 2 funcref)
              (data (i32.const 8) "\\2a")
              (func (export "run") (result i32) (call $peek (i32.const 8))))
            """))
        let store = Store(engine: Engine())
        var callers: [Instance?] = []
        let instance = try module.instantiate(store: store, imports: [
            "host": [
                "peek": Function(store: store, parameters: [.i32], results: [.i32]) { caller, args in
                    callers.append(caller.instance)
                    // The calling instance's memory, as WASI and WasmKit's examples reach it.
                    let memory = try #require(caller.instance?.exports[memory: "memory"])
                    let byte = memory.withUnsafeBufferPointer(offset: UInt(args[0].i32), count: 1) { $0[0] }
                    return [.i32(UInt32(byte))]
                }
            ]
        ])
        #expect(try instance.exports[function: "run"]!() == [.i32(42)])
        #expect(callers.count == 1 && callers[0] === instance)
        #expect(instance.exports[global: "g"]?.value == .i32(7))
        #expect(instance.exports[memory: "g"] == nil)
        #expect(instance.exports.map(\.name) == ["memory", "g", "t", "run"])
        var relinked = Imports()
        relinked.define(module: "other", instance.exports)
        #expect(relinked.lookup("other", "run") != nil)
    }

    @Test func aHostFunctionCalledByTheHostHasNoCallingInstance() throws {
        let store = Store(engine: Engine())
        var sawInstance: Bool?
        let f = Function(store: store, parameters: [.i64], results: [.i64]) { caller, args in
            sawInstance = caller.instance != nil
            #expect(caller.store === store)
            return [.i64(args[0].i64 &* 2)]
        }
        #expect(try f([Value(signed: Int64(-4))]) == [.i64(UInt64(bitPattern: -8))])
        #expect(sawInstance == false)
    }

    @Test func valuesPrintAndConvertAsInWasmKit() {
        #expect(Value(signed: Int32(-1)) == .i32(0xFFFF_FFFF))
        #expect(Value.fromFloat64(42.5).f64 == (42.5 as Double).bitPattern)
        #expect(Value.fromFloat32(1).f32 == (1 as Float).bitPattern)
        #expect(Value.i32(45).description == "i32(45)")
        #expect(Value.i64(7).description == "i64(7)")
        #expect(Value.fromFloat64(42.5).description == "f64(0x4045400000000000)")
        #expect(Value.v128(V128(bytes: [1, 2])).description == "v128(0x01020000000000000000000000000000)")
        #expect(Value.ref(.function(nil)).description == "funcref(null)")
        #expect(Value.ref(.extern(3)).description == "externref(3)")
    }

    @Test func functionReferencesAreAddressesTheStoreChecks() throws {
        let store = Store()
        let instance = try instantiate("""
            (module
              (func $f (result i32) (i32.const 5))
              (table (export "t") 1 funcref)
              (elem (i32.const 0) $f)
              (global (export "g") (mut funcref) (ref.null func))
              (func (export "call") (param funcref) (result i32)
                (table.set 0 (i32.const 0) (local.get 0))
                (call_indirect (result i32) (i32.const 0))))
            """, store: store)
        let table = try #require(instance.exports[table: "t"])
        guard case .ref(.function(let address?))? = table[0] else {
            Issue.record("the table's element is not a function reference")
            return
        }
        let f = try #require(store.function(at: address))
        #expect(f.address == address)
        #expect(try f() == [.i32(5)])
        let call = try #require(instance.exports[function: "call"])
        #expect(try call([.ref(.function(address))]) == [.i32(5)])
        // An address that is not one of the store's functions never reaches the interpreter.
        #expect(throws: Trap.self) { try call([.ref(.function(address &+ 8))]) }
        #expect(store.function(at: address &+ 8) == nil)
        let global = try #require(instance.exports[global: "g"])
        #expect(throws: Trap.self) { try global.assign(.ref(.function(12345))) }
        try global.assign(.ref(.function(address)))
        #expect(global.value == .ref(.function(address)))
        #expect(throws: Trap.self) { try global.assign(.i32(1)) }
        // A function of another store is foreign here.
        let other = Store()
        let stranger = Function(store: other, parameters: [], results: [.i32]) { _, _ in [.i32(1)] }
        #expect(throws: Trap.self) { try call([.ref(.function(stranger.address))]) }
    }

    @Test func linkErrorsNameTheImportAndBothTypes() throws {
        let store = Store(engine: Engine())
        let module = try parseWasm(bytes: try wat2wasm("""
            (module (import "env" "f" (func (param i32))) (import "env" "m" (memory 2)))
            """))
        do {
            _ = try module.instantiate(store: store)
            Issue.record("linked without imports")
        } catch let error as LinkError {
            #expect(error.kind == .unknownImport && error.module == "env" && error.name == "f")
            #expect(error.description == "unknown import env.f")
        }
        let wrong = Function(store: store, parameters: [.i64]) { _, _ in [] }
        do {
            _ = try module.instantiate(store: store, imports: ["env": ["f": wrong]])
            Issue.record("linked a function of the wrong type")
        } catch let error as LinkError {
            #expect(error.kind == .incompatibleImportType)
            #expect(error.description == "incompatible import type for env.f: expected func (i32) -> (), got func (i64) -> ()")
        }
        let right = Function(store: store, parameters: [.i32]) { _, _ in [] }
        let small = try Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: nil)))
        do {
            _ = try module.instantiate(store: store, imports: ["env": ["f": right, "m": small]])
            Issue.record("linked a memory below the minimum")
        } catch let error as LinkError {
            #expect(error.description == "incompatible import type for env.m: expected memory 2, got memory 1")
        }
    }

    @Test func anEngineWithFuelMeteringMetersWhatItInstantiates() throws {
        let module = try parseWasm(bytes: try wat2wasm("(module (func (export \"spin\") (loop (br 0))))"))
        #expect(!module.metered)
        let store = Store(engine: Engine(configuration: EngineConfiguration(compilationMode: .eager, fuelMetering: true)))
        store.fuel = 10_000
        let instance = try module.instantiate(store: store)
        #expect(instance.module.metered)
        #expect(instance.module.translatedFunctionCount == 1)
        #expect {
            try instance.exports[function: "spin"]!()
        } throws: { ($0 as? Trap)?.message == "all fuel consumed" }
        // The same parsed module, in a store of the default engine, is not metered.
        #expect(try module.instantiate(store: Store(engine: Engine())).module === module)
    }

    @Test func theReusedArgumentArrayIsNeverSeenChanging() throws {
        // The host function keeps every argument array it gets and re-enters itself through
        // the guest: each kept array must still hold what that call received.
        let store = Store()
        var kept: [[Value]] = []
        var guest: Function?
        let recurse = Function(store: store, parameters: [.i32], results: [.i32]) { _, args in
            kept.append(args)
            let n = args[0].i32
            if n == 0 { return [.i32(0)] }
            let inner = try guest!([.i32(n - 1)])[0].i32
            #expect(args == [.i32(n)])
            return [.i32(inner + n)]
        }
        let instance = try instantiate("""
            (module (import "env" "r" (func $r (param i32) (result i32)))
              (func (export "go") (param i32) (result i32) (call $r (local.get 0))))
            """, imports: ["env": ["r": recurse]], store: store)
        guest = instance.exports[function: "go"]
        #expect(try guest!([.i32(4)]) == [.i32(10)])
        #expect(try guest!([.i32(2)]) == [.i32(3)])
        #expect(kept == [[.i32(4)], [.i32(3)], [.i32(2)], [.i32(1)], [.i32(0)], [.i32(2)], [.i32(1)], [.i32(0)]])
    }
}

/// Values of one store cannot be linked into another: their records point into the first
/// store's instances, which may go away while the second still runs.
struct CrossStoreTests {
    @Test func aStoreLinksOnlyItsOwnValues() throws {
        var donor: Store? = Store()
        let exporter = try instantiate("""
            (module (func (export "f") (result i32) (i32.const 1)) (memory (export "m") 1)
              (global (export "g") i32 (i32.const 2)) (table (export "t") 1 funcref))
            """, store: donor)
        let module = try parseWasm(bytes: try wat2wasm("(module (import \"x\" \"f\" (func (result i32))))"))
        let store = Store()
        var imports = Imports()
        imports.define(module: "x", exporter.exports)
        for name in ["f", "m", "g", "t"] {
            let wat = ["f": "(func (result i32))", "m": "(memory 1)", "g": "(global i32)", "t": "(table 1 funcref)"][name]!
            let importer = try parseWasm(bytes: try wat2wasm("(module (import \"x\" \"\(name)\" \(wat)))"))
            do {
                _ = try importer.instantiate(store: store, imports: imports)
                Issue.record("linked \(name) from another store")
            } catch let error as LinkError {
                #expect(error.kind == .crossStore && error.name == name)
                #expect(error.description == "cross-store import x.\(name): a store links only values created in it")
            }
        }
        // Linked within its own store it works.
        #expect(try module.instantiate(store: donor!, imports: imports).module.module.imports.count == 1)
        donor = nil
    }
}
