import Kite
import KiteText
import Testing

/// Host access to guest memory: what the guest stored is what the host reads, and ranges
/// outside the memory are refused with the guest's trap message instead of touching memory.
struct MemoryAccessTests {
    @Test func hostAndGuestSeeTheSameBytesAndBoundsAreChecked() throws {
        let store = Store()
        testStores.append(store)
        let module = try CompiledModule(bytes: try wat2wasm("""
            (module (memory (export "memory") 1)
              (func (export "put") (i32.store (i32.const 65532) (i32.const 0x11223344)))
              (func (export "get") (param i32) (result i32) (i32.load (local.get 0))))
            """))
        let i = try store.instantiate(module)
        let memory = try #require(i.exportedMemory("memory"))
        _ = try call(i, "put")
        #expect(try memory.load(UInt32.self, at: 65532) == 0x11223344)
        #expect(try memory.read(at: 65532, count: 4) == [0x44, 0x33, 0x22, 0x11])
        try memory.store(Int32(-2), at: 7)
        #expect(try call(i, "get", [.i32(7)]) == [.i32(0xFFFF_FFFE)])
        try memory.write([1, 2, 3], at: 100)
        #expect(try memory.slice(at: 100, count: 3).elementsEqual([1, 2, 3]))
        #expect(try memory.slice(at: 65536, count: 0).isEmpty)
        for (offset, count) in [(65533, 4), (65537, 0), (UInt64.max, 1), (0, 65537)] as [(UInt64, Int)] {
            #expect(throws: Trap.self) { try memory.slice(at: offset, count: count) }
        }
        #expect(throws: Trap.self) { try memory.load(UInt64.self, at: 65530) }
        #expect(throws: Trap.self) { try memory.write([0, 0], at: 65535) }
    }
}
