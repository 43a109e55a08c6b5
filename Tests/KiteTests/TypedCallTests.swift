import CKiteDispatch
import Kite
import KiteText
import Testing

/// Typed calls (`Function.typed`) and typed or raw host functions: the same results as the
/// `[Value]` API, without its arrays; signatures are checked when the handle is made.
struct TypedCallTests {
    let wat = """
        (module
          (import "env" "scale" (func $scale (param i64 f64) (result f64)))
          (import "env" "raw" (func $raw (param i32 i32) (result i32)))
          (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
          (func (export "mix") (param i64 f32 f64) (result f64)
            (f64.add (f64.convert_i64_s (local.get 0)) (f64.add (f64.promote_f32 (local.get 1)) (local.get 2))))
          (func (export "via_host") (param i64 f64) (result f64) (call $scale (local.get 0) (local.get 1)))
          (func (export "via_raw") (param i32 i32) (result i32) (call $raw (local.get 0) (local.get 1)))
          (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))
        """

    func instance() throws -> (Store, Instance) {
        let store = Store()
        testStores.append(store)
        var imports = Imports()
        imports.define("env", "scale", .function(Function(store: store) { (n: Int64, x: Double) throws -> Double in
            if n < 0 { throw Trap("negative scale") }
            return Double(n) * x
        }))
        imports.define("env", "raw", .function(Function.raw(store: store, type: FunctionType(parameters: [.i32, .i32], results: [.i32])) { slots in
            slots[0] = KiteSlot(u64: UInt64(slots[0].u32 &* 10 &+ slots[1].u32))
        }))
        return (store, try store.instantiate(try CompiledModule(bytes: try wat2wasm(wat)), imports: imports))
    }

    @Test func typedHandlesComputeWhatValueCallsDo() throws {
        let (_, i) = try instance()
        let add = try i.exportedFunction("add")!.typed(Int32.self, Int32.self, returning: Int32.self)
        #expect(try add(40, 2) == 42)
        #expect(try add(Int32.max, 1) == Int32.min)
        #expect(try call(i, "add", [.i32(40), .i32(2)]) == [.i32(42)])
        let mix = try i.exportedFunction("mix")!.typed(Int64.self, Float.self, Double.self, returning: Double.self)
        #expect(try mix(-3, 0.5, 0.25) == -2.25)
        let unsigned = try i.exportedFunction("add")!.typed(UInt32.self, UInt32.self, returning: UInt32.self)
        #expect(try unsigned(UInt32.max, 2) == 1)
    }

    @Test func aWrongSignatureIsRefusedWhenTheHandleIsMade() throws {
        let (_, i) = try instance()
        #expect(throws: Trap.self) { try i.exportedFunction("add")!.typed(Int64.self, Int32.self, returning: Int32.self) }
        #expect(throws: Trap.self) { try i.exportedFunction("add")!.typed(Int32.self, returning: Int32.self) }
        #expect(throws: Trap.self) { try i.exportedFunction("add")!.typed(Int32.self, Int32.self, returning: Double.self) }
    }

    @Test func typedAndRawHostFunctions() throws {
        let (_, i) = try instance()
        let viaHost = try i.exportedFunction("via_host")!.typed(Int64.self, Double.self, returning: Double.self)
        #expect(try viaHost(4, 2.5) == 10)
        #expect(try call(i, "via_raw", [.i32(4), .i32(2)]) == [.i32(42)])
        // A host closure's error ends the call as the [Value] API's would.
        #expect(throws: Trap.self) { try viaHost(-1, 1) }
        #expect(try viaHost(2, 1) == 2)
    }

    @Test func trapsReachTypedCallers() throws {
        let (_, i) = try instance()
        let div = try i.exportedFunction("div")!.typed(Int32.self, Int32.self, returning: Int32.self)
        #expect(try div(7, 2) == 3)
        do {
            _ = try div(1, 0)
            Issue.record("no trap")
        } catch let trap as Trap {
            #expect(trap.message == "integer divide by zero")
        }
        #expect(try div(-9, 3) == -3)
    }
}
