// The GC proposal's text syntax: type definitions (struct, array, sub, rec), heap types,
// implicit type uses next to GC types, and the GC instructions' immediates. Expected bytes
// come from `wasm-tools parse` on the same text (without its name section).
import Testing
@testable import KiteText

/// The module's sections, without the 8-byte header.
private func sections(_ text: String) throws -> [UInt8] {
    Array(try wat2wasm(text).dropFirst(8))
}

@Suite struct GCTypeDefinitionTests {
    @Test func structAndArrayTypes() throws {
        // Packed i8 / i16 storage, mutability bytes, a typed reference element.
        #expect(try sections("""
            (module (type (struct (field $x i32) (field i8 (mut i16)))) (type (array (mut (ref null 0)))))
            """) == hex("010d025f037f00780077015e630001"))
    }

    @Test func subtypesAndFinality() throws {
        // `sub` without `final` keeps its 0x50 prefix even without supertypes; a final
        // type without supertypes takes the bare form.
        #expect(try sections("""
            (module (type $s (sub (struct))) (type (sub $s (struct (field i32))))
                    (type (sub final $s (struct))) (type (sub final (func))))
            """) == hex("01140450005f005001005f017f004f01005f00600000"))
    }

    @Test func recursionGroups() throws {
        // Forward references inside the group; an empty group is still an entry.
        #expect(try sections("""
            (module (rec (type $a (struct (field (ref null $b)))) (type $b (struct (field (ref null $a))))) (rec))
            """) == hex("010f024e025f016301005f016300004e00"))
    }

    @Test func fieldNamesArePerType() throws {
        let m = try wat2wasm("""
            (module (type (struct (field $x i32))) (type $t (struct (field i32) (field $x f32)))
              (func (param (ref $t)) (result f32) (struct.get $t $x (local.get 0))))
            """)
        #expect(codeSection(m)?.suffix(5) == [0xFB, 0x02, 1, 1, 0x0B])
    }

    @Test func malformedTypes() {
        #expect(textError("(module (type (struct (field $x i32) (field $x i64))))")?.message == "duplicate field $x")
        #expect(textError("(module (type $t (struct)) (rec (type $t (array i8))))")?.message == "duplicate type $t")
        #expect(textError("(module (rec (func)))")?.message.hasPrefix("unexpected token") == true)
        #expect(textError("(module (type (sub final $nope (struct))))")?.message == "unknown type $nope")
        #expect(textError("(module (type (array i8 i8)))")?.message.hasPrefix("unexpected token") == true)
        #expect(textError("""
            (module (type $s (struct (field $x i32))) (func (param (ref $s)) (drop (struct.get $s $y (local.get 0)))))
            """)?.message == "unknown field $y")
    }
}

@Suite struct GCTypeUseTests {
    @Test func implicitTypesSkipRecGroupsButNotSubtypes() throws {
        // A type in a `rec` group is never reused; a plain `sub` function type is.
        #expect(try sections("(module (rec (type (func))) (type (sub (func))) (func))")
                == hex("010b024e016000005000600000030201010a040102000b"))
    }

    @Test func implicitTypesCompareTypeIndicesAsWritten() throws {
        // `(ref 0)` does not reuse a type written `(ref $t)`, as in wasm-tools.
        #expect(try sections("""
            (module (type $t (struct)) (type (func (param (ref $t)))) (func (param (ref 0))) (func (param (ref $t))))
            """) == hex("010d035f006001640000600164000003030202010a070202000b02000b"))
    }

    @Test func heapTypesAndShorthands() throws {
        // `(ref null func)` is written as `funcref`; non-null abstract types take 0x64.
        #expect(try sections("(module (func (param (ref null func) (ref func) (ref null any) (ref none) nullref i31ref)))")
                == hex("010c0160067064706e6471716c00030201000a040102000b"))
    }
}

@Suite struct GCInstructionTests {
    @Test func structAccess() throws {
        #expect(try sections("""
            (module (type $p (struct (field $a i32) (field $b (mut i64))))
              (func (param (ref $p)) (result i64)
                (struct.set $p $b (local.get 0) (i64.const 5)) (struct.get $p 1 (local.get 0))))
            """) == hex("010d025f027f007e0160016400017e030201010a1201100020004205fb0500012000fb0200010b"))
    }

    @Test func arrayInstructionsAndDataCount() throws {
        // array.new_data in a function needs the data count section.
        #expect(try sections("""
            (module (type $a (array (mut i8))) (data $d "ab") (elem $e i31ref)
              (func (param (ref $a))
                (drop (array.new_fixed $a 2 (i32.const 1) (i32.const 2)))
                (drop (array.new_data $a $d (i32.const 0) (i32.const 1)))
                (array.copy $a $a (local.get 0) (i32.const 0) (local.get 0) (i32.const 0) (i32.const 1))))
            """) == hex("""
            0109025e7801600164000003020101090401056c000c01010a2401220041014102fb0800021a41004101fb09
            00001a20004100200041004101fb1100000b0b050101026162
            """))
    }

    @Test func castsAndTests() throws {
        // Nullable target types use the next opcode.
        #expect(try sections("""
            (module (type $t (struct)) (func (param anyref)
              (drop (ref.test (ref $t) (local.get 0))) (drop (ref.cast (ref null $t) (local.get 0)))
              (drop (ref.cast i31ref (local.get 0)))))
            """) == hex("0107025f0060016e00030201010a160114002000fb14001a2000fb17001a2000fb176c1a0b"))
    }

    @Test func castBranches() throws {
        // Flags byte: bit 0 for a nullable source type, bit 1 for a nullable target.
        #expect(try sections("""
            (module (type $t (struct)) (func (param anyref) (result anyref)
              (drop (br_on_cast 0 anyref (ref $t) (local.get 0)))
              (br_on_cast_fail 0 (ref any) (ref null $t) (ref.as_non_null (local.get 0)))))
            """) == hex("0108025f0060016e016e030201010a160114002000fb1801006e001a2000d4fb1902006e000b"))
    }

    @Test func constantExpressions() throws {
        #expect(try sections("""
            (module (type $t (struct (field i32)))
              (global (ref $t) (struct.new $t (i32.const 1))) (global anyref (ref.i31 (i32.const 2)))
              (elem (ref null $t) (item (struct.new_default $t)) (ref.null $t)))
            """) == hex("0105015f017f000611026400004101fb00000b6e004102fb1c0b090c0105630002fb01000bd0000b"))
    }
}
