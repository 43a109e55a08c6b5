// Exact bytes of small modules (checked against wabt's wat2wasm when written).
import Testing
@testable import KiteText

@Suite struct GoldenTests {
    @Test func emptyModule() throws {
        #expect(try wat2wasm("(module)") == hex("0061736d 01000000"))
        #expect(try wat2wasm("") == hex("0061736d 01000000"))
    }

    @Test func importsTablesGlobalsExports() throws {
        let text = """
            (module
              (type $t (func (param i32) (result i32)))
              (import "env" "f" (func $imp (param i64)))
              (func $id (export "id") (type $t) (local.get 0))
              (table 2 funcref)
              (elem (i32.const 0) $id $id)
              (global $g (mut i32) (i32.const -1))
              (func (export "call") (param i32) (result i32)
                (call_indirect (type $t) (i32.const 7) (local.get 0)))
            )
            """
        #expect(try wat2wasm(text) == hex("""
            0061736d01000000010a0260017f017f60017e0002090103656e760166000103030200000404017000020606\
            017f01417f0b070d0202696400010463616c6c00020908010041000b0201010a1002040020000b0900410720\
            001100000b
            """))
    }

    @Test func memargIfAndFloats() throws {
        let text = """
            (module
              (memory 1)
              (func (param i32) (result f64)
                (f64.load offset=8 align=4 (local.get 0))
                (if (result f64) (i32.eqz (local.get 0)) (then (f64.const 0x1p-1)) (else (f64.const -inf)))
                f64.add))
            """
        #expect(try wat2wasm(text) == hex("""
            0061736d0100000001060160017f017c0302010005030100010a2301210020002b0208200045047c44000000\
            000000e03f0544000000000000f0ff0ba00b
            """))
    }

    @Test func simd() throws {
        let text = """
            (module (func (result v128) (v128.const i32x4 1 2 3 4)
              (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
                (v128.const i32x4 1 2 3 4) (v128.const i64x2 -1 0))
              (i32x4.add)))
            """
        #expect(try wat2wasm(text) == hex("""
            0061736d010000000105016000017b030201000a4f014d00fd0c010000000200000003000000040000\
            00fd0c01000000020000000300000004000000fd0cffffffffffffffff0000000000000000fd0d0001\
            02030405060708090a0b0c0d0e0ffdae010b
            """))
    }

    @Test func dataCountOnlyWhenNeeded() throws {
        let without = try wat2wasm("(module (memory 1) (data (i32.const 0) \"a\"))")
        #expect(section(12, of: without) == nil)
        let with = try wat2wasm("(module (memory 1) (data \"a\") (func (data.drop 0)))")
        #expect(section(12, of: with) == [0x01])
    }

    @Test func quotedAndBinaryModuleForms() throws {
        #expect(try wat2wasm("(module binary \"\\00asm\" \"\\01\\00\\00\\00\")") == hex("0061736d01000000"))
        #expect(try wat2wasm("(module quote \"(func)\")") == (try wat2wasm("(module (func))")))
    }
}
