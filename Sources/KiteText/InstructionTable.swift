// Mnemonic -> opcode bytes and immediate kind, for every plain instruction.
// (Structured instructions `block`/`loop`/`if`/`try_table` are handled by the encoder.)

/// How the text immediates of an instruction are read and encoded.
enum Immediate: Sendable, Equatable {
    case none
    case label                    // br, br_if, br_on_null, br_on_non_null
    case labelTable               // br_table
    case function                 // call, return_call, ref.func
    case callIndirect             // call_indirect, return_call_indirect: table? typeuse
    case typeIndex                // call_ref, return_call_ref
    case local
    case global
    case tag                      // throw
    case table                    // table.get/set/size/grow/fill: optional table index
    case tableCopy                // two optional table indices
    case tableInit                // table? elem
    case elem                     // elem.drop
    case memory                   // memory.size/grow/fill: optional memory index
    case memoryCopy               // two optional memory indices
    case memoryInit               // memory? data
    case data                     // data.drop
    case memarg(align: UInt8)     // natural alignment as log2
    case memargLane(align: UInt8) // SIMD load/store lane: memarg + lane index
    case lane                     // SIMD extract/replace lane
    case shuffle                  // i8x16.shuffle: 16 lane indices
    case i32, i64, f32, f64, v128
    case select
    case heapType                 // ref.null
}

struct OpInfo: Sendable {
    let opcode: [UInt8]
    let immediate: Immediate
}

enum InstructionTable {
    static let ops: [String: OpInfo] = {
        var t: [String: OpInfo] = [:]
        func op(_ name: String, _ code: UInt8, _ imm: Immediate = .none) {
            t[name] = OpInfo(opcode: [code], immediate: imm)
        }
        func fc(_ name: String, _ code: UInt32, _ imm: Immediate = .none) {
            t[name] = OpInfo(opcode: [0xFC] + LEB.unsigned(UInt64(code)), immediate: imm)
        }
        op("unreachable", 0x00); op("nop", 0x01)
        op("throw", 0x08, .tag); op("throw_ref", 0x0A)
        op("br", 0x0C, .label); op("br_if", 0x0D, .label); op("br_table", 0x0E, .labelTable)
        op("return", 0x0F); op("call", 0x10, .function); op("call_indirect", 0x11, .callIndirect)
        op("return_call", 0x12, .function); op("return_call_indirect", 0x13, .callIndirect)
        op("call_ref", 0x14, .typeIndex); op("return_call_ref", 0x15, .typeIndex)
        op("drop", 0x1A); op("select", 0x1B, .select)
        op("local.get", 0x20, .local); op("local.set", 0x21, .local); op("local.tee", 0x22, .local)
        op("global.get", 0x23, .global); op("global.set", 0x24, .global)
        op("table.get", 0x25, .table); op("table.set", 0x26, .table)
        // Loads, stores and the plain numeric instructions come from the instruction table
        // (Tools/instructions.def, via Tools/generate.py).
        for entry in tableMemoryOpcodes { op(entry.name, entry.opcode, .memarg(align: entry.align)) }
        op("memory.size", 0x3F, .memory); op("memory.grow", 0x40, .memory)
        op("i32.const", 0x41, .i32); op("i64.const", 0x42, .i64)
        op("f32.const", 0x43, .f32); op("f64.const", 0x44, .f64)
        for entry in tableNumericOpcodes {
            if entry.opcode >= 0xFC00 { fc(entry.name, UInt32(entry.opcode & 0xFF)) } else { op(entry.name, UInt8(entry.opcode)) }
        }
        op("ref.null", 0xD0, .heapType); op("ref.is_null", 0xD1); op("ref.func", 0xD2, .function)
        op("ref.eq", 0xD3); op("ref.as_non_null", 0xD4)
        op("br_on_null", 0xD5, .label); op("br_on_non_null", 0xD6, .label)
        fc("memory.init", 8, .memoryInit); fc("data.drop", 9, .data)
        fc("memory.copy", 10, .memoryCopy); fc("memory.fill", 11, .memory)
        fc("table.init", 12, .tableInit); fc("elem.drop", 13, .elem); fc("table.copy", 14, .tableCopy)
        fc("table.grow", 15, .table); fc("table.size", 16, .table); fc("table.fill", 17, .table)
        // SIMD (0xFD prefix): generated from Tools/wasm-instructions.def.
        for entry in simdMnemonics {
            t[entry.name] = OpInfo(opcode: [0xFD] + LEB.unsigned(UInt64(entry.opcode)), immediate: entry.immediate)
        }
        return t
    }()

    /// Keywords of the grammar that are not instructions. Meeting one of these where it
    /// does not belong is an `unexpected token`; meeting an unknown word is an
    /// `unknown operator` (the reference interpreter's wording).
    static let otherKeywords: Set<String> = [
        "module", "type", "func", "param", "result", "local", "import", "export", "table", "memory",
        "global", "elem", "data", "start", "offset", "item", "declare", "mut", "then", "else", "end",
        "block", "loop", "if", "try_table", "catch", "catch_ref", "catch_all", "catch_all_ref", "tag",
        "i32", "i64", "f32", "f64", "v128", "i8", "i16", "funcref", "externref", "anyref", "eqref",
        "i31ref", "structref", "arrayref", "nullref", "nullfuncref", "nullexternref", "exnref",
        "nullexnref", "ref", "null", "extern", "any", "eq", "i31", "struct", "array", "none",
        "nofunc", "noextern", "exn", "noexn", "rec", "sub", "final", "field", "shared",
        "binary", "quote", "definition", "instance", "register", "invoke", "get", "either",
        "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2", "inf", "nan", "nan:canonical",
        "nan:arithmetic", "pagesize", "assert_return", "assert_trap", "assert_invalid",
        "assert_malformed", "assert_unlinkable", "assert_uninstantiable", "assert_exhaustion",
        "assert_exception",
    ]

    /// Names the proposal an instruction this encoder does not support belongs to, so
    /// the error says why rather than only `unknown operator`.
    static func unsupportedFeature(of name: String) -> String? {
        let gc = ["struct.", "array.", "i31.", "ref.i31", "ref.test", "ref.cast", "br_on_cast",
                  "any.convert_extern", "extern.convert_any"]
        if gc.contains(where: { name.hasPrefix($0) }) { return "garbage collection" }
        if name.contains(".atomic.") || name.hasPrefix("memory.atomic") || name == "atomic.fence" {
            return "threads"
        }
        if ["try", "rethrow", "delegate"].contains(name) { return "legacy exception handling" }
        if ["i64.add128", "i64.sub128", "i64.mul_wide_s", "i64.mul_wide_u"].contains(name) { return "wide arithmetic" }
        return nil
    }
}
