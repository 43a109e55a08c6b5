// Types in the text format: value types, reference types, type uses, block types,
// limits, and the table / memory / global types built from them.

/// A parsed type use: `(type x)? (param ...)* (result ...)*`.
struct TypeUse {
    var index: UInt32?
    var params: [ValType] = []
    var paramNames: [String?] = []
    var results: [ValType] = []
    /// The `$name` each parameter then result type referred to, if any (see `ImplicitKey`).
    var spelling: [String?] = []
    /// True when any `(param ...)` or `(result ...)` list was written.
    var hasInline = false
    /// Token where the type use started (for error positions).
    var at: Int
}

extension ModuleContext {
    static let numericTypes: [String: UInt8] = [
        "i32": 0x7F, "i64": 0x7E, "f32": 0x7D, "f64": 0x7C, "v128": 0x7B,
        "funcref": 0x70, "externref": 0x6F, "anyref": 0x6E, "eqref": 0x6D, "i31ref": 0x6C,
        "structref": 0x6B, "arrayref": 0x6A, "exnref": 0x69, "nullexnref": 0x74, "nullref": 0x71,
        "nullfuncref": 0x73, "nullexternref": 0x72,
    ]
    static let heapTypes: [String: UInt8] = [
        "func": 0x70, "extern": 0x6F, "any": 0x6E, "eq": 0x6D, "i31": 0x6C, "struct": 0x6B,
        "array": 0x6A, "exn": 0x69, "noexn": 0x74, "none": 0x71, "nofunc": 0x73, "noextern": 0x72,
    ]

    func valType(_ r: inout Reader) throws -> ValType {
        if let t = r.peek(), t.kind == .atom, let b = ModuleContext.numericTypes[t.text] {
            r.pos += 1
            return [b]
        }
        if r.isList("ref") {
            var inner = try r.enterList()
            let nullable = inner.takeKeyword("null")
            let ht = try heapType(&inner)
            try inner.expectEnd()
            // `(ref null func)` is `funcref`: an abstract nullable type takes the one-byte
            // short form, as wasm-tools writes it.
            if nullable && ht.count == 1 && ModuleContext.heapTypes.values.contains(ht[0]) { return ht }
            return [nullable ? 0x63 : 0x64] + ht
        }
        throw r.unexpected()
    }

    /// A value type and the `$name` of the type it refers to, if written with one.
    func spelledValType(_ r: inout Reader) throws -> (ValType, String?) {
        let start = r.pos
        let t = try valType(&r)
        let name = (start..<r.pos).lazy.map { self.doc.tokens[$0] }.first { $0.kind == .id }?.text
        return (t, name)
    }

    func isValTypeAhead(_ r: Reader) -> Bool {
        if let t = r.peek(), t.kind == .atom, ModuleContext.numericTypes[t.text] != nil { return true }
        return r.isList("ref")
    }

    /// An abstract heap type (`func`, `extern`, `any`, `eq`, `i31`, `struct`, `array`,
    /// `none`, ...) as its one-byte code, or a type index as a signed 33-bit LEB.
    func heapType(_ r: inout Reader) throws -> [UInt8] {
        if let t = r.peek(), t.kind == .atom, let b = ModuleContext.heapTypes[t.text] {
            r.pos += 1
            return [b]
        }
        if atIndex(r) {
            var out: [UInt8] = []
            out.s64(Int64(try typeIndex(&r)))
            return out
        }
        throw r.unexpected()
    }

    func refType(_ r: inout Reader) throws -> ValType {
        let at = r.pos
        let t = try valType(&r)
        guard let first = t.first, first >= 0x63, first <= 0x74 else { throw doc.error("unexpected token", at: at) }
        return t
    }

    /// A reference type split into its nullability and encoded heap type, for the
    /// instructions that encode the two separately (`ref.test`, `ref.cast`, `br_on_cast`).
    func refTypeParts(_ r: inout Reader) throws -> (nullable: Bool, heap: [UInt8]) {
        let t = try refType(&r)
        switch t[0] {
        case 0x63: return (true, Array(t.dropFirst()))
        case 0x64: return (false, Array(t.dropFirst()))
        default: return (true, t)   // short form: `anyref` is `(ref null any)`
        }
    }

    /// Reads `(type x)? (param ...)* (result ...)*`. Parameter names are only allowed
    /// where they bind locals (functions, imports), not in block types or call_indirect.
    func typeUse(_ r: inout Reader, allowNames: Bool) throws -> TypeUse {
        var use = TypeUse(at: r.pos)
        if r.isList("type") {
            var inner = try r.enterList()
            use.index = try typeIndex(&inner)
            try inner.expectEnd()
        }
        while r.isList("param") {
            use.hasInline = true
            var inner = try r.enterList()
            if let t = inner.peek(), t.kind == .id {
                guard allowNames else { throw inner.unexpected() }
                inner.pos += 1
                let (type, name) = try spelledValType(&inner)
                use.params.append(type)
                use.spelling.append(name)
                use.paramNames.append(t.text)
                try inner.expectEnd()
                continue
            }
            while !inner.atEnd {
                let (type, name) = try spelledValType(&inner)
                use.params.append(type)
                use.spelling.append(name)
                use.paramNames.append(nil)
            }
        }
        while r.isList("result") {
            use.hasInline = true
            var inner = try r.enterList()
            while !inner.atEnd {
                let (type, name) = try spelledValType(&inner)
                use.results.append(type)
                use.spelling.append(name)
            }
        }
        // Out-of-order parts are a syntax error, reported before any type mismatch.
        if r.isList("param") || r.isList("type") { throw r.unexpectedHead() }
        return use
    }

    /// The type index a type use denotes, inserting an implicit type when needed.
    func resolve(_ use: TypeUse) throws -> UInt32 {
        let ft = FuncType(params: use.params, results: use.results)
        if let x = use.index {
            if use.hasInline {
                guard let declared = funcType(at: x) else { throw doc.error("unknown type", at: use.at) }
                guard declared == ft else { throw doc.error("inline function type", at: use.at) }
            }
            return x
        }
        return implicitType(ImplicitKey(type: ft, spelling: use.spelling))
    }

    /// Parameters of the function a resolved type use denotes (for numbering locals).
    func params(of use: TypeUse, index: UInt32) -> [ValType] {
        if use.hasInline || use.index == nil { return use.params }
        return funcType(at: index)?.params ?? []
    }

    /// A block type: empty, a single result value type, or a type index.
    func blockType(_ r: inout Reader) throws -> [UInt8] {
        let use = try typeUse(&r, allowNames: false)
        if use.index == nil && use.params.isEmpty && use.results.count <= 1 {
            return use.results.first ?? [0x40]
        }
        var out: [UInt8] = []
        out.s64(Int64(try resolve(use)))
        return out
    }

    /// `i32`/`i64` address type prefix of tables and memories (memory64 / table64).
    func addressType(_ r: inout Reader) -> Bool {
        if r.takeKeyword("i64") { return true }
        _ = r.takeKeyword("i32")
        return false
    }

    /// `min max?` with the flags byte: bit 0 = has max, bit 1 = shared, bit 2 = 64-bit.
    func limits(_ r: inout Reader, is64: Bool, allowShared: Bool) throws -> [UInt8] {
        // Limits are read as u64 even for 32-bit tables/memories: an oversized 32-bit
        // limit is a validation error ("memory size"), not a malformed module.
        let min = try r.nat(bits: 64)
        var max: UInt64? = nil
        if r.atNat { max = try r.nat(bits: 64) }
        var shared = false
        if allowShared && r.takeKeyword("shared") { shared = true }
        var out: [UInt8] = [(max != nil ? 1 : 0) | (shared ? 2 : 0) | (is64 ? 4 : 0)]
        out.u64(min)
        if let max { out.u64(max) }
        return out
    }

    func memoryType(_ r: inout Reader) throws -> [UInt8] {
        let is64 = addressType(&r)
        let out = try limits(&r, is64: is64, allowShared: true)
        if r.isList("pagesize") { throw r.error("unsupported feature: custom page sizes") }
        return out
    }

    func tableType(_ r: inout Reader) throws -> [UInt8] {
        let is64 = addressType(&r)
        let lim = try limits(&r, is64: is64, allowShared: false)
        return try refType(&r) + lim
    }

    func globalType(_ r: inout Reader) throws -> [UInt8] {
        if r.isList("mut") {
            var inner = try r.enterList()
            let t = try valType(&inner)
            try inner.expectEnd()
            return t + [0x01]
        }
        return try valType(&r) + [0x00]
    }
}
