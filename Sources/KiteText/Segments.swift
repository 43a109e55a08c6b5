// Element and data segments, including the inline forms `(table ... (elem ...))` and
// `(memory (data ...))`, and constant expressions.

/// One element of an element segment: a plain function index, or a constant expression.
enum ElemItem {
    case function(UInt32)
    case expr([UInt8])
}

enum SegmentMode {
    case passive
    case declarative
    case active(index: UInt32, offset: [UInt8])
}

extension ModuleContext {
    /// Encodes an instruction sequence in token range [start, stop) plus the final `end`.
    func constExpr(_ start: Int, _ stop: Int) throws -> [UInt8] {
        // wasm-tools decides on the data count section from function bodies only, so a
        // (not constant, hence invalid) `array.new_data` here must not ask for it.
        let usedDataCount = usesDataCount
        defer { usesDataCount = usedDataCount }
        var enc = CodeEncoder(ctx: self)
        try enc.encode(start, stop)
        return enc.out + [0x0B]
    }

    /// `(offset instr*)` or a single folded instruction.
    func offsetExpr(_ r: inout Reader) throws -> [UInt8] {
        guard let t = r.peek(), t.kind == .lparen else { throw r.unexpected() }
        if r.isList("offset") {
            let inner = try r.enterList()
            return try constExpr(inner.pos, inner.end)
        }
        let start = r.pos
        r.pos = t.match + 1
        return try constExpr(start, t.match + 1)
    }

    /// True when the list at the cursor is an offset: `(offset ...)` or an instruction.
    func atOffset(_ r: Reader) -> Bool {
        guard let head = r.listHead else { return false }
        return head == "offset" || InstructionTable.ops[head] != nil
            || head == "block" || head == "if" || head == "loop"
    }

    /// An element expression: `(item instr*)` or a single folded instruction.
    func elemItem(_ r: inout Reader) throws -> ElemItem {
        guard let t = r.peek(), t.kind == .lparen else { throw r.unexpected() }
        let expr: [UInt8]
        if r.isList("item") {
            let inner = try r.enterList()
            expr = try constExpr(inner.pos, inner.end)
        } else {
            let start = r.pos
            r.pos = t.match + 1
            expr = try constExpr(start, t.match + 1)
        }
        // `ref.func x` alone is written in the compact function-index form, as the
        // reference encoder does.
        if expr.first == 0xD2, let (x, n) = decodeU32(expr, from: 1), n + 2 == expr.count {
            return .function(x)
        }
        return .expr(expr)
    }

    private func decodeU32(_ b: [UInt8], from: Int) -> (UInt32, Int)? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var i = from
        while i < b.count, shift < 35 {
            value |= UInt64(b[i] & 0x7F) << shift
            if b[i] & 0x80 == 0 { return value <= UInt64(UInt32.max) ? (UInt32(value), i - from + 1) : nil }
            shift += 7
            i += 1
        }
        return nil
    }

    /// The element list after a segment's mode: `func x*`, `reftype expr*`, or bare `x*`.
    /// `indexList` tells the index forms, whose elements are `(ref func)`, from an
    /// expression list, whose elements have the written type (which may be nullable).
    func elemList(_ r: inout Reader) throws -> (type: ValType, items: [ElemItem], indexList: Bool) {
        var items: [ElemItem] = []
        if r.takeKeyword("func") {
            while atIndex(r) { items.append(.function(try index(&r, funcs))) }
            return ([0x70], items, true)
        }
        if isValTypeAhead(r) {
            let type = try refType(&r)
            while !r.atEnd { items.append(try elemItem(&r)) }
            return (type, items, false)
        }
        while atIndex(r) { items.append(.function(try index(&r, funcs))) }
        return ([0x70], items, true)
    }

    /// Binary element segment, choosing the most compact of the eight encodings.
    func encodeElem(mode: SegmentMode, type: ValType, items: [ElemItem], indexList: Bool = true) -> [UInt8] {
        let indices: [UInt32]? = indexList && items.allSatisfy {
            if case .function = $0 { return true } else { return false }
        } && type == [0x70] ? items.map { if case .function(let x) = $0 { return x } else { return 0 } } : nil
        var out: [UInt8] = []
        if let indices {
            switch mode {
            case .active(0, let offset): out.append(0x00); out += offset
            case .passive: out += [0x01, 0x00]
            case .active(let table, let offset): out.append(0x02); out.u32(table); out += offset; out.append(0x00)
            case .declarative: out += [0x03, 0x00]
            }
            out.vector(indices.map { LEB.unsigned(UInt64($0)) })
            return out
        }
        switch mode {
        case .active(0, let offset) where type == [0x70]: out.append(0x04); out += offset
        case .passive: out.append(0x05); out += type
        case .active(let table, let offset): out.append(0x06); out.u32(table); out += offset; out += type
        case .declarative: out.append(0x07); out += type
        }
        out.vector(items.map {
            switch $0 {
            case .function(let x): return [0xD2] + LEB.unsigned(UInt64(x)) + [0x0B]
            case .expr(let e): return e
            }
        })
        return out
    }

    /// `(elem $id? mode list)`; `r` is after the `elem` keyword.
    func elemSegment(_ r: inout Reader) throws -> [UInt8] {
        _ = r.takeId()
        var mode = SegmentMode.passive
        if r.takeKeyword("declare") {
            mode = .declarative
        } else if r.isList("table") || atOffset(r) || (atIndex(r) && atOffset(Reader(doc: doc, pos: r.pos + 1, end: r.end))) {
            var table: UInt32 = 0
            if r.isList("table") {
                var inner = try r.enterList()
                table = try index(&inner, tables)
                try inner.expectEnd()
            } else if atIndex(r) {
                table = try index(&r, tables)   // legacy `(elem x (offset ...) ...)`
            }
            mode = .active(index: table, offset: try offsetExpr(&r))
        }
        let (type, items, indexList) = try elemList(&r)
        try r.expectEnd()
        return encodeElem(mode: mode, type: type, items: items, indexList: indexList)
    }

    /// `(data $id? mode string*)`; `r` is after the `data` keyword.
    func dataSegment(_ r: inout Reader) throws -> [UInt8] {
        _ = r.takeId()
        var out: [UInt8] = []
        if r.isList("memory") || atOffset(r) || (atIndex(r) && atOffset(Reader(doc: doc, pos: r.pos + 1, end: r.end))) {
            var memory: UInt32 = 0
            if r.isList("memory") {
                var inner = try r.enterList()
                memory = try index(&inner, memories)
                try inner.expectEnd()
            } else if atIndex(r) {
                memory = try index(&r, memories)
            }
            let offset = try offsetExpr(&r)
            if memory == 0 { out.append(0x00) } else { out.append(0x02); out.u32(memory) }
            out += offset
        } else {
            out.append(0x01)
        }
        var bytes: [UInt8] = []
        while !r.atEnd { bytes += try r.expectString() }
        out.name(bytes)
        return out
    }
}
