// Mnemonic -> opcode bytes and immediate kind, for every plain instruction.
// (Structured instructions `block`/`loop`/`if`/`try_table` are handled by the encoder,
// through the generated `blockOpcodes`.)

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
    case structField              // struct.get/set: type, then field (a name of that type's fields)
    case arrayFixed               // array.new_fixed: type, count
    case arrayData                // array.new_data, array.init_data: type, data
    case arrayElem                // array.new_elem, array.init_elem: type, elem
    case arrayCopy                // array.copy: destination type, source type
    case refCast                  // ref.test, ref.cast: a reference type (null: opcode + 1)
    case castBranch               // br_on_cast(_fail): label, two reference types -> flags byte
}

struct OpInfo: Sendable {
    let opcode: [UInt8]
    let immediate: Immediate
}

enum InstructionTable {
    /// Generated from Tools/wasm-instructions.def and Tools/instructions.def (`wasmInstructions`).
    static let ops: [String: OpInfo] = {
        var t: [String: OpInfo] = [:]
        for entry in wasmInstructions { t[entry.name] = OpInfo(opcode: entry.opcode, immediate: entry.immediate) }
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
        if name.contains(".atomic.") || name.hasPrefix("memory.atomic") || name == "atomic.fence" {
            return "threads"
        }
        if ["i64.add128", "i64.sub128", "i64.mul_wide_s", "i64.mul_wide_u"].contains(name) { return "wide arithmetic" }
        return nil
    }
}
