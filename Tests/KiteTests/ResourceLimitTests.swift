import Kite
import KiteText
import Testing

/// Guests choose table and memory sizes: a size the store will not or cannot provide fails
/// instantiation with `ResourceError`, never the host (a failing table initializer once freed
/// its storage twice).
struct ResourceLimitTests {
    func resourceError(_ wat: String, store: Store = Store()) -> String? {
        do { _ = try instantiate(wat, store: store) } catch let error as ResourceError { return error.message } catch {
            return "not a resource error: \(error)"
        }
        return nil
    }

    @Test func tablesAboveTheStoreLimitFailCleanly() {
        #expect(resourceError("(module (table 0xFFFFFFFF funcref))")
                == "table of 4294967295 elements exceeds the store's limit of 67108864 elements")
        #expect(resourceError("(module (table i64 0xFFFFFFFFFF funcref))")
                == "table of 1099511627775 elements exceeds the store's limit of 67108864 elements")
        #expect(resourceError("(module (table i64 0xFFFFFFFFFFFFFFFF externref))")
                == "table of 18446744073709551615 elements exceeds the store's limit of 67108864 elements")
        // Failing again and again leaves nothing dangling behind (each failure is freed once).
        let store = Store()
        for _ in 0..<100 { #expect(resourceError("(module (table 0xFFFFFFFF funcref))", store: store) != nil) }
    }

    @Test func aTableOfTenMillionAndOneElementsInstantiates() throws {
        // Wasmtime instantiates it; so does Kite (80 MB of null references, not touched).
        let instance = try instantiate("""
            (module (table (export "t") 10000001 funcref)
              (func (export "size") (result i32) (table.size 0))
              (func (export "null_at") (param i32) (result i32) (ref.is_null (table.get 0 (local.get 0)))))
            """)
        #expect(try call(instance, "size") == [.i32(10_000_001)])
        #expect(try call(instance, "null_at", [.i32(10_000_000)]) == [.i32(1)])
        #expect(trapMessage { _ = try call(instance, "null_at", [.i32(10_000_001)]) } == "out of bounds table access")
    }

    @Test func theLimitIsTheStoresToChoose() throws {
        let store = Store(limits: StoreLimits(maxTableElements: 1000))
        #expect(resourceError("(module (table 1001 funcref))", store: store)
                == "table of 1001 elements exceeds the store's limit of 1000 elements")
        // table.grow beyond the limit fails as a grow does (-1), below it succeeds.
        let instance = try instantiate("""
            (module (table 10 funcref)
              (func (export "grow") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0))))
            """, store: store)
        #expect(try call(instance, "grow", [.i32(991)]) == [.i32(UInt32(bitPattern: -1))])
        #expect(try call(instance, "grow", [.i32(990)]) == [.i32(10)])
        #expect(try call(instance, "grow", [.i32(1)]) == [.i32(UInt32(bitPattern: -1))])
        // Host-created tables obey it too.
        #expect(throws: ResourceError.self) {
            _ = try Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 1001, max: nil, is64: false)))
        }
    }

    @Test func growingByTheWholeIndexSpaceFailsWithoutTouchingTheHost() throws {
        let instance = try instantiate("""
            (module (table 1 externref)
              (func (export "grow") (param i32) (result i32) (table.grow 0 (ref.null extern) (local.get 0))))
            """)
        #expect(try call(instance, "grow", [.i32(0xFFFF_FFFF)]) == [.i32(UInt32(bitPattern: -1))])
        #expect(try call(instance, "grow", [.i32(0xFFFF_FFFE)]) == [.i32(UInt32(bitPattern: -1))])
    }

    @Test func memoriesTheHostCannotReserveFailCleanly() {
        // A 64-bit memory's minimum beyond what Kite reserves (4 GiB) is refused, not crashed on.
        #expect(resourceError("(module (memory i64 0x10001))") == "out of memory: cannot allocate a memory of 65537 pages")
    }
}
