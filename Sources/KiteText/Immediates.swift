// Plain instructions: reading each immediate kind from the text and encoding it.

extension CodeEncoder {
    /// Encodes the plain instruction `name` (token index `at`) with its immediates from `r`.
    mutating func plain(_ name: String, at: Int, _ r: inout Reader) throws -> [UInt8] {
        guard let info = InstructionTable.ops[name] else {
            if let feature = InstructionTable.unsupportedFeature(of: name) {
                throw doc.error("unknown operator \(name) (unsupported feature: \(feature))", at: at)
            }
            throw Reader.unexpected(doc.tokens[at], doc: doc, at: at)
        }
        var out = info.opcode
        switch info.immediate {
        case .none:
            break
        case .label:
            out.u32(try labelIndex(&r))
        case .labelTable:
            var targets: [UInt32] = []
            while ctx.atIndex(r) { targets.append(try labelIndex(&r)) }
            guard let last = targets.popLast() else { throw r.unexpected() }
            out.vector(targets.map { LEB.unsigned(UInt64($0)) })
            out.u32(last)
        case .function:
            out.u32(try ctx.index(&r, ctx.funcs))
        case .callIndirect:
            let table = ctx.atIndex(r) ? try ctx.index(&r, ctx.tables) : 0
            let use = try ctx.typeUse(&r, allowNames: false)
            out.u32(try ctx.resolve(use))
            out.u32(table)
        case .typeIndex:
            out.u32(try ctx.typeIndex(&r))
        case .local:
            out.u32(try localIndex(&r))
        case .global:
            out.u32(try ctx.index(&r, ctx.globals))
        case .tag:
            out.u32(try ctx.index(&r, ctx.tags))
        case .table:
            out.u32(ctx.atIndex(r) ? try ctx.index(&r, ctx.tables) : 0)
        case .tableCopy:
            if ctx.atIndex(r) {
                out.u32(try ctx.index(&r, ctx.tables))
                out.u32(try ctx.index(&r, ctx.tables))
            } else {
                out += [0, 0]
            }
        case .tableInit:
            let two = ctx.atIndex(Reader(doc: doc, pos: r.pos + 1, end: r.end))
            let table = two ? try ctx.index(&r, ctx.tables) : 0
            out.u32(try ctx.index(&r, ctx.elems))
            out.u32(table)
        case .elem:
            out.u32(try ctx.index(&r, ctx.elems))
        case .memory:
            out.u32(ctx.atIndex(r) ? try ctx.index(&r, ctx.memories) : 0)
        case .memoryCopy:
            if ctx.atIndex(r) {
                out.u32(try ctx.index(&r, ctx.memories))
                out.u32(try ctx.index(&r, ctx.memories))
            } else {
                out += [0, 0]
            }
        case .memoryInit:
            ctx.usesDataCount = true
            let two = ctx.atIndex(Reader(doc: doc, pos: r.pos + 1, end: r.end))
            let memory = two ? try ctx.index(&r, ctx.memories) : 0
            out.u32(try ctx.index(&r, ctx.datas))
            out.u32(memory)
        case .data:
            ctx.usesDataCount = true
            out.u32(try ctx.index(&r, ctx.datas))
        case .memarg(let align):
            let memory = ctx.atIndex(r) ? try ctx.index(&r, ctx.memories) : 0
            out += try memarg(&r, naturalAlign: align, memory: memory)
        case .memargLane(let align):
            // `memidx? memarg lane`: a leading index is the memory only if more follows.
            var memory: UInt32 = 0
            if let t = r.peek(), t.kind == .id {
                memory = try ctx.index(&r, ctx.memories)
            } else if r.atNat, let next = r.peek(1), next.kind == .atom,
                      next.text.hasPrefix("offset=") || next.text.hasPrefix("align=")
                        || Reader(doc: doc, pos: r.pos + 1, end: r.end).atNat {
                memory = try ctx.index(&r, ctx.memories)
            }
            out += try memarg(&r, naturalAlign: align, memory: memory)
            out.append(try laneIndex(&r))
        case .lane:
            out.append(try laneIndex(&r))
        case .shuffle:
            // Like the reference parser: take every numeric token, check the count, then
            // require each to be an unsigned 8-bit value.
            var n = 0
            while let t = r.peek(n), t.kind == .atom, FloatLiteral.looksLikeFloat(t.text) { n += 1 }
            guard n == 16 else { throw r.error("invalid lane length") }
            for _ in 0..<16 {
                guard let v = try? r.nat(bits: 8) else { throw r.error("i8 constant out of range") }
                out.append(UInt8(v))
            }
        case .i32:
            out.s32(Int32(truncatingIfNeeded: try r.int(bits: 32)))
        case .i64:
            out.s64(Int64(bitPattern: try r.int(bits: 64)))
        case .f32:
            let bits = UInt32(try r.float(.f32))
            for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt32(k)))) }
        case .f64:
            let bits = try r.float(.f64)
            for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(k)))) }
        case .v128:
            out += try V128Literal.read(&r)
        case .select:
            var types: [ValType] = []
            var typed = false
            while r.isList("result") {
                typed = true
                var inner = try r.enterList()
                while !inner.atEnd { types.append(try ctx.valType(&inner)) }
            }
            if typed {
                out = [Opcode.selectTyped]
                out.vector(types)
            }
        case .heapType:
            out += try ctx.heapType(&r)
        case .structField:
            let type = try ctx.typeIndex(&r)
            out.u32(type)
            out.u32(try fieldIndex(&r, of: type))
        case .arrayFixed:
            out.u32(try ctx.typeIndex(&r))
            out.u32(try r.u32())
        case .arrayData:
            ctx.usesDataCount = true
            out.u32(try ctx.typeIndex(&r))
            out.u32(try ctx.index(&r, ctx.datas))
        case .arrayElem:
            out.u32(try ctx.typeIndex(&r))
            out.u32(try ctx.index(&r, ctx.elems))
        case .arrayCopy:
            out.u32(try ctx.typeIndex(&r))
            out.u32(try ctx.typeIndex(&r))
        case .refCast:
            // The nullable form of ref.test / ref.cast is the next opcode.
            let (nullable, heap) = try ctx.refTypeParts(&r)
            if nullable { out[out.count - 1] += 1 }
            out += heap
        case .castBranch:
            let label = try labelIndex(&r)
            let (null1, heap1) = try ctx.refTypeParts(&r)
            let (null2, heap2) = try ctx.refTypeParts(&r)
            out.append((null1 ? 0x01 : 0) | (null2 ? 0x02 : 0))
            out.u32(label)
            out += heap1 + heap2
        }
        return out
    }

    /// A struct field: a number, or a `$name` among the fields of struct type `type`.
    private func fieldIndex(_ r: inout Reader, of type: UInt32) throws -> UInt32 {
        if let t = r.peek(), t.kind == .id {
            guard Int(type) < ctx.types.count, let i = ctx.types[Int(type)].fieldNames[t.text] else {
                throw doc.error("unknown field $\(t.text)", at: r.pos)
            }
            r.pos += 1
            return i
        }
        guard r.atNat else { throw r.unexpected() }
        return try r.u32()
    }

    private func localIndex(_ r: inout Reader) throws -> UInt32 {
        if let t = r.peek(), t.kind == .id {
            guard let i = localNames[t.text] else { throw doc.error("unknown local $\(t.text)", at: r.pos) }
            r.pos += 1
            return i
        }
        guard r.atNat else { throw r.unexpected() }
        return try r.u32()
    }

    /// A SIMD lane index: an unsigned 8-bit literal.
    private func laneIndex(_ r: inout Reader) throws -> UInt8 {
        let at = r.pos
        do {
            return UInt8(try r.nat(bits: 8))
        } catch let e as TextError where e.message == "constant out of range" {
            throw doc.error("i8 constant out of range", at: at)
        }
    }

    /// `offset=N? align=N?`; the alignment is encoded as its log2, with bit 6 set when an
    /// explicit memory index follows (multi-memory).
    private func memarg(_ r: inout Reader, naturalAlign: UInt8, memory: UInt32) throws -> [UInt8] {
        var offset: UInt64 = 0
        var align = UInt32(naturalAlign)
        if let t = r.peek(), t.kind == .atom, t.text.hasPrefix("offset=") {
            offset = try memargValue(t.text.dropFirst(7), r, token: t)
            r.pos += 1
        }
        if let t = r.peek(), t.kind == .atom, t.text.hasPrefix("align=") {
            let a = try memargValue(t.text.dropFirst(6), r, token: t)
            guard a != 0, a & (a - 1) == 0 else {
                throw doc.error("alignment must be a power of two", at: r.pos)
            }
            align = UInt32(a.trailingZeroBitCount)
            r.pos += 1
        }
        var out: [UInt8] = []
        if memory != 0 {
            out.u32(align | 0x40)
            out.u32(memory)
        } else {
            out.u32(align)
        }
        out.u64(offset)
        return out
    }

    private func memargValue(_ text: Substring, _ r: Reader, token: Token) throws -> UInt64 {
        do {
            return try IntLiteral.unsigned(String(text), bits: 64)
        } catch {
            if error == .outOfRange { throw r.error("constant out of range") }
            throw r.error("unknown operator \(token.text)")
        }
    }
}
