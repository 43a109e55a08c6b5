import Foundation
import Testing

/// `kite run -W KEY=VALUE`, wasmtime's limits: each stops a runaway guest with its own
/// message and exit code, and an unknown key is an error that names it.
struct GuestLimitTests {
    let spin = "(module (func (export \"_start\") (loop $l (br $l))))"

    @Test func fuelStopsAnInfiniteLoop() throws {
        let module = try Scratch.file("spin.wat", spin)
        let result = try kite("run", "-W", "fuel=100000", module)
        #expect(result.status == 134)
        #expect(result.stderr.contains("wasm trap: all fuel consumed"), "\(result.stderr)")
    }

    @Test func timeoutStopsAnInfiniteLoop() throws {
        let module = try Scratch.file("spin.wat", spin)
        let started = Date()
        let result = try kite("run", "-W", "timeout=200ms", module)
        #expect(result.status == 134)
        #expect(result.stderr.contains("wasm trap: interrupted"), "\(result.stderr)")
        #expect(Date().timeIntervalSince(started) < 10)
    }

    @Test func enoughFuelLetsTheGuestFinish() throws {
        let module = try Scratch.file("count.wat", """
            (module (func (export "_start") (local i32)
              (loop $l (br_if $l (i32.ne (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 1000))))))
            """)
        #expect(try kite("run", "-W", "fuel=1000000", module).status == 0)
        #expect(try kite("run", "-W", "fuel=100", module).status == 134)
    }

    @Test func maxMemorySizeStopsGrowthAndRefusesLargeMinimums() throws {
        let grower = try Scratch.file("grow.wat", """
            (module (memory 1)
              (func (export "grow") (result i32)
                (loop $l (br_if $l (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
                (memory.size)))
            """)
        let grown = try kite("run", "-W", "max-memory-size=1048576", grower, "--invoke", "grow")
        #expect(grown.status == 0 && grown.stdout == "16\n", "\(grown.stderr)")
        let big = try Scratch.file("big.wat", "(module (memory 32) (func (export \"_start\")))")
        let refused = try kite("run", "-W", "max-memory-size=1048576", big)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("exceeds the store's limit of 16 pages"), "\(refused.stderr)")
    }

    @Test func maxTableElementsAndStack() throws {
        let table = try Scratch.file("table.wat", "(module (table 100 funcref) (func (export \"_start\")))")
        #expect(try kite("run", "-W", "max-table-elements=10", table).status == 1)
        #expect(try kite("run", "-W", "max-table-elements=100", table).status == 0)
        let deep = try Scratch.file("deep.wat", "(module (func $f (export \"_start\") (call $f)))")
        let exhausted = try kite("run", "-W", "max-wasm-stack=65536", deep)
        #expect(exhausted.status == 134 && exhausted.stderr.contains("call stack exhausted"), "\(exhausted.stderr)")
    }

    @Test func unknownKeysAreNamed() throws {
        let module = try Scratch.file("spin.wat", spin)
        let result = try kite("run", "-W", "max-fun=3", module)
        #expect(result.status != 0 && result.status != 134)
        #expect(result.stderr.contains("unknown -W option `max-fun`"), "\(result.stderr)")
        let badValue = try kite("run", "-W", "fuel=lots", module)
        #expect(badValue.stderr.contains("-W fuel wants a number"), "\(badValue.stderr)")
    }
}
