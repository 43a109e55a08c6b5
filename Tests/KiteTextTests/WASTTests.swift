// Script parsing: directives, values, expectations and deferred module errors.
import Testing
@testable import KiteText

@Suite struct WASTTests {
    @Test func directives() throws {
        let script = """
            (module $M (func (export "f") (param i32) (result i32) (local.get 0)))
            (register "m" $M)
            (assert_return (invoke $M "f" (i32.const -1)) (i32.const 0xffffffff))
            (assert_return (invoke "g" (f32.const nan:0x1) (f64.const -0.5))
                           (f32.const nan:canonical) (f64.const nan:arithmetic) (f32.const 1.5))
            (assert_trap (invoke "f" (i32.const 0)) "unreachable")
            (assert_return (get "glob") (i64.const -2))
            (assert_exhaustion (invoke "loop") "call stack exhausted")
            (assert_malformed (module quote "(func (i32.const 1.5))") "unexpected token")
            (assert_malformed (module binary "\\00asm") "unexpected end")
            (assert_invalid (module (func (result i32))) "type mismatch")
            (assert_unlinkable (module (import "x" "y" (func))) "unknown import")
            (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
            (invoke "f" (i32.const 1))
            (module definition $D (func))
            (module instance $I $D)
            (thread $T (invoke "f"))
            """
        let ds = try parseWAST(script)
        #expect(ds.count == 16)
        #expect(ds.map(\.line) == Array(1...4) + Array(6...17))
        guard case .module(let m) = ds[0].command else { Issue.record("not a module"); return }
        #expect(m.name == "M")
        #expect(try m.encode().prefix(4) == [0, 0x61, 0x73, 0x6D])
        #expect(ds[1].command == .register(name: "m", module: "M"))
        #expect(ds[2].command == .assertReturn(.invoke(module: "M", name: "f", args: [.i32(0xFFFF_FFFF)]),
                                               [.value(.i32(0xFFFF_FFFF))]))
        #expect(ds[3].command == .assertReturn(
            .invoke(module: nil, name: "g", args: [.f32(0x7F80_0001), .f64(0xBFE0_0000_0000_0000)]),
            [.f32NaN(canonical: true), .f64NaN(canonical: false), .value(.f32(0x3FC0_0000))]))
        #expect(ds[4].command == .assertTrap(.invoke(module: nil, name: "f", args: [.i32(0)]), "unreachable"))
        #expect(ds[5].command == .assertReturn(.get(module: nil, name: "glob"), [.value(.i64(UInt64.max - 1))]))
        guard case .assertMalformed(let q, let msg) = ds[7].command, case .quote = q.source else {
            Issue.record("quote"); return
        }
        #expect(msg == "unexpected token")
        #expect(throws: TextError.self) { try q.encode() }
        guard case .assertMalformed(let b, _) = ds[8].command else { Issue.record("binary"); return }
        #expect(b.source == .binary([0, 0x61, 0x73, 0x6D]))
        guard case .assertModuleTrap = ds[11].command else { Issue.record("module trap"); return }
        #expect(ds[12].command == .action(.invoke(module: nil, name: "f", args: [.i32(1)])))
        guard case .module(let d) = ds[13].command else { Issue.record("definition"); return }
        #expect(d.isDefinition && d.name == "D")
        #expect(ds[14].command == .moduleInstance(instance: "I", definition: "D"))
        guard case .unsupported = ds[15].command else { Issue.record("thread"); return }
    }

    @Test func badTextModulesAreDeferred() throws {
        let ds = try parseWAST("""
            (assert_malformed (module (func (i32.const 0x1_0000_0000))) "constant out of range")
            (module (func (call $missing)))
            (assert_invalid (module (func (br $nowhere))) "unknown label")
            (module)
            """)
        #expect(ds.count == 4)
        guard case .assertMalformed(let m, _) = ds[0].command, case .text(.failure(let e)) = m.source else {
            Issue.record("expected deferred failure"); return
        }
        #expect(e.message == "constant out of range")
        #expect(e.line == 1)
        guard case .module(let m2) = ds[1].command, case .text(.failure(let e2)) = m2.source else {
            Issue.record("expected deferred failure"); return
        }
        #expect(e2.message.hasPrefix("unknown function"))
        guard case .module(let m4) = ds[3].command, case .text(.success) = m4.source else {
            Issue.record("expected success"); return
        }
    }

    @Test func referenceAndVectorExpectations() throws {
        let ds = try parseWAST("""
            (assert_return (invoke "r" (ref.null func) (ref.extern 7))
              (ref.null extern) (ref.extern 7) (ref.extern) (ref.func) (ref.null) (ref.i31)
              (v128.const f32x4 nan:canonical 1 -0 nan:arithmetic)
              (v128.const i16x8 1 2 3 4 5 6 7 -1)
              (either (i32.const 1) (i32.const 2)))
            """)
        guard case .assertReturn(let action, let results) = ds[0].command else { Issue.record("shape"); return }
        #expect(action == .invoke(module: nil, name: "r", args: [.refNull("func"), .refExtern(7)]))
        #expect(results == [
            .value(.refNull("extern")), .value(.refExtern(7)), .refExternAny, .refFunc, .refNullAny,
            .refKind("i31"),
            .v128Lanes(shape: "f32x4", lanes: [.nan(canonical: true), .bits(0x3F80_0000), .bits(0x8000_0000),
                                               .nan(canonical: false)]),
            .value(.v128([1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0xFF, 0xFF])),
            .either([.value(.i32(1)), .value(.i32(2))]),
        ])
    }

    @Test func scriptOfBareModuleFields() throws {
        let ds = try parseWAST("(func) (memory 0) (func (export \"f\"))")
        #expect(ds.count == 1)
        guard case .module(let m) = ds[0].command else { Issue.record("module"); return }
        #expect(try m.encode() == (try wat2wasm("(module (func) (memory 0) (func (export \"f\")))")))
    }

    @Test func unreadableCommandIsUnsupportedNotFatal() throws {
        let ds = try parseWAST("""
            (assert_return (invoke "f" (ref.struct)))
            (assert_weird 1 2 3)
            (module)
            """)
        #expect(ds.count == 3)
        guard case .unsupported = ds[0].command, case .unsupported = ds[1].command,
              case .module = ds[2].command else { Issue.record("kinds"); return }
    }

    @Test func lexicalErrorsFailTheScript() {
        #expect(throws: TextError.self) { try parseWAST("(module") }
        #expect(throws: TextError.self) { try parseWAST("(module))") }
        #expect(throws: TextError.self) { try parseWAST("(module \"unterminated)") }
    }
}
