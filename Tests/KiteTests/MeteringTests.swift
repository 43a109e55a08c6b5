import Foundation
import Kite
import KiteText
import KiteTranslator
import Testing

/// Fuel and interrupts: metered code (`CompiledModule(bytes:metered: true)`) charges the
/// store's fuel at every function entry and loop iteration and stops on an empty tank or an
/// interrupt raised by another thread; either ends the call with a trap and leaves the store
/// ready for the next call.
struct MeteringTests {
    let runaway = """
        (module
          (memory 1)
          (func (export "spin") (loop $l (br $l)))
          (func $down (export "down") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
              (else (i32.add (i32.const 1) (call $down (i32.sub (local.get 0) (i32.const 1)))))))
          (func (export "sum") (param i32) (result i32) (local i32)
            (loop $l
              (local.set 1 (i32.add (local.get 1) (local.get 0)))
              (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
            (local.get 1)))
        """

    func instance(_ wat: String, metered: Bool, store: Store) throws -> Instance {
        if !testStores.contains(where: { $0 === store }) { testStores.append(store) }
        return try store.instantiate(try CompiledModule(bytes: try wat2wasm(wat), metered: metered), imports: Imports())
    }

    func trapMessage(_ body: () throws -> [Value]) -> String? {
        do { _ = try body(); return nil } catch let trap as Trap { return trap.message } catch { return "\(error)" }
    }

    @Test func fuelStopsAnInfiniteLoopAndTheStoreRunsOn() throws {
        let store = Store()
        let i = try instance(runaway, metered: true, store: store)
        store.fuel = 100_000
        #expect(trapMessage { try call(i, "spin") } == "all fuel consumed")
        #expect(store.fuel == 0)
        store.fuel = 1_000_000
        #expect(try call(i, "sum", [.i32(100)]) == [.i32(5050)])
        #expect(try call(i, "down", [.i32(50)]) == [.i32(50)])
    }

    @Test func fuelIsChargedPerInstructionsOfEachRegion() throws {
        let store = Store()
        let i = try instance(runaway, metered: true, store: store)
        store.fuel = 1_000_000
        _ = try call(i, "sum", [.i32(1000)])
        let perThousand = 1_000_000 - store.fuel!
        store.fuel = 1_000_000
        _ = try call(i, "sum", [.i32(2000)])
        let perTwoThousand = 1_000_000 - store.fuel!
        // `sum`'s loop body is 10 instructions (its `end` included), charged on every
        // iteration; the function's own region (loop, local.get, end) is 3, charged once.
        #expect(perThousand == 10 * 1000 + 3)
        #expect(perTwoThousand == 10 * 2000 + 3)
    }

    @Test func recursionIsChargedPerCall() throws {
        let store = Store()
        let i = try instance(runaway, metered: true, store: store)
        store.fuel = 200
        #expect(trapMessage { try call(i, "down", [.i32(1000)]) } == "all fuel consumed")
        store.fuel = nil
        #expect(try call(i, "down", [.i32(1000)]) == [.i32(1000)])
    }

    @Test func anotherThreadInterruptsAnInfiniteLoop() throws {
        let store = Store()
        let i = try instance(runaway, metered: true, store: store)
        let handle = store.interruptHandle
        let timer = Thread { Thread.sleep(forTimeInterval: 0.05); handle.interrupt() }
        timer.start()
        let started = Date()
        #expect(trapMessage { try call(i, "spin") } == "interrupted")
        #expect(Date().timeIntervalSince(started) < 5)
        // The interrupt was consumed: the store runs the next call to its end.
        #expect(try call(i, "sum", [.i32(10)]) == [.i32(55)])
    }

    @Test func unmeteredCodeIgnoresFuel() throws {
        let store = Store()
        let i = try instance(runaway, metered: false, store: store)
        store.fuel = 1
        #expect(try call(i, "sum", [.i32(100)]) == [.i32(5050)])
        #expect(store.fuel == 1)
    }

    @Test func meteredCodeComputesTheSame() throws {
        let metered = try instance(runaway, metered: true, store: Store())
        let plain = try instance(runaway, metered: false, store: Store())
        for n in [0, 1, 7, 300] {
            #expect(try call(metered, "sum", [.i32(UInt32(n))]) == call(plain, "sum", [.i32(UInt32(n))]))
            #expect(try call(metered, "down", [.i32(UInt32(n))]) == call(plain, "down", [.i32(UInt32(n))]))
        }
    }
}

/// `StoreLimits.maxMemoryBytes`: a memory never grows past the store's cap (memory.grow
/// returns -1, as when the type's maximum is reached), and one whose minimum is already
/// larger cannot be instantiated.
struct MemoryLimitTests {
    let grower = """
        (module
          (memory 1)
          (func (export "grow_forever") (result i32) (local i32)
            (loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
            (memory.size))
          (func (export "size") (result i32) (memory.size)))
        """

    @Test func unboundedGrowthStopsAtTheLimitAndTheStoreRunsOn() throws {
        let store = Store(limits: StoreLimits(maxMemoryBytes: 16 * 65536))
        testStores.append(store)
        let i = try store.instantiate(try CompiledModule(bytes: try wat2wasm(grower)), imports: Imports())
        #expect(try call(i, "grow_forever") == [.i32(16)])
        #expect(try call(i, "size") == [.i32(16)])
    }

    @Test func aMinimumAboveTheLimitIsRefused() throws {
        let store = Store(limits: StoreLimits(maxMemoryBytes: 4 * 65536))
        testStores.append(store)
        let module = try CompiledModule(bytes: try wat2wasm("(module (memory 5))"))
        #expect(throws: ResourceError.self) { try store.instantiate(module, imports: Imports()) }
        let small = try CompiledModule(bytes: try wat2wasm("(module (memory 4) (func (export \"size\") (result i32) (memory.size)))"))
        #expect(try call(try store.instantiate(small, imports: Imports()), "size") == [.i32(4)])
    }
}
