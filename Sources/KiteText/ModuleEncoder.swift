// Second pass: encode each field in text order into its section, then assemble the
// binary module. Text order matters: it fixes the order of imports, exports, segments,
// and of implicitly inserted types.

struct ModuleEncoder {
    let ctx: ModuleContext
    private var imports: [[UInt8]] = []
    private var functions: [[UInt8]] = []
    private var tables: [[UInt8]] = []
    private var memories: [[UInt8]] = []
    private var tags: [[UInt8]] = []
    private var globals: [[UInt8]] = []
    private var exports: [[UInt8]] = []
    private var start: UInt32?
    private var elems: [[UInt8]] = []
    private var codes: [[UInt8]] = []
    private var datas: [[UInt8]] = []
    // Running indices, in the same order the scanner assigned them.
    private var funcIndex: UInt32 = 0, tableIndex: UInt32 = 0, memoryIndex: UInt32 = 0
    private var globalIndex: UInt32 = 0, tagIndex: UInt32 = 0

    init(ctx: ModuleContext) { self.ctx = ctx }

    /// Encodes the module whose fields `fields` ranges over.
    static func encode(doc: Document, fields: Reader) throws -> [UInt8] {
        let ctx = ModuleContext(doc: doc)
        try ctx.scan(fields)
        var encoder = ModuleEncoder(ctx: ctx)
        var r = fields
        while !r.atEnd {
            guard let head = r.listHead else { throw r.unexpectedHead() }
            let at = r.pos
            var field = try r.enterList()
            try encoder.field(head, &field, at: at)
        }
        return encoder.assemble()
    }

    private mutating func field(_ head: String, _ r: inout Reader, at: Int) throws {
        switch head {
        case "type", "rec": return
        case "import": try importField(&r)
        case "func": try funcField(&r)
        case "table": try tableField(&r)
        case "memory": try memoryField(&r)
        case "global": try globalField(&r)
        case "tag": try tagField(&r)
        case "export": try exportField(&r)
        case "start":
            guard start == nil else { throw ctx.doc.error("multiple start sections", at: at) }
            start = try ctx.index(&r, ctx.funcs)
            try r.expectEnd()
        case "elem": elems.append(try ctx.elemSegment(&r))
        case "data": datas.append(try ctx.dataSegment(&r))
        default: throw ctx.doc.error("unknown operator \(head)", at: at + 1)
        }
    }

    /// Inline `(export "name")*` abbreviations of a definition with the given kind/index.
    private mutating func inlineExports(_ r: inout Reader, kind: UInt8, index: UInt32) throws {
        while r.isList("export") {
            var inner = try r.enterList()
            var e: [UInt8] = []
            e.name(try inner.expectName())
            e.append(kind)
            e.u32(index)
            try inner.expectEnd()
            exports.append(e)
        }
    }

    /// Inline `(import "m" "n")`, returning the encoded names if present.
    private func inlineImport(_ r: inout Reader) throws -> [UInt8]? {
        guard r.isList("import") else { return nil }
        var inner = try r.enterList()
        var out: [UInt8] = []
        out.name(try inner.expectName())
        out.name(try inner.expectName())
        try inner.expectEnd()
        return out
    }

    private mutating func importField(_ r: inout Reader) throws {
        var entry: [UInt8] = []
        entry.name(try r.expectName())
        entry.name(try r.expectName())
        guard let kind = r.listHead else { throw r.unexpectedHead() }
        var desc = try r.enterList()
        _ = desc.takeId()
        entry += try importDescription(kind, &desc)
        try desc.expectEnd()
        try r.expectEnd()
        imports.append(entry)
    }

    /// The kind byte and type of an imported entity; advances the matching index.
    private mutating func importDescription(_ kind: String, _ r: inout Reader) throws -> [UInt8] {
        var out: [UInt8] = []
        switch kind {
        case "func":
            out.append(0x00)
            out.u32(try ctx.resolve(try ctx.typeUse(&r, allowNames: true)))
            funcIndex += 1
        case "table":
            out.append(0x01)
            out += try ctx.tableType(&r)
            tableIndex += 1
        case "memory":
            out.append(0x02)
            out += try ctx.memoryType(&r)
            memoryIndex += 1
        case "global":
            out.append(0x03)
            out += try ctx.globalType(&r)
            globalIndex += 1
        default:
            out += [0x04, 0x00]
            out.u32(try ctx.resolve(try ctx.typeUse(&r, allowNames: true)))
            tagIndex += 1
        }
        return out
    }

    private mutating func importOrExports(_ r: inout Reader, kind: UInt8, index: UInt32,
                                          name: String) throws -> Bool {
        _ = r.takeId()
        try inlineExports(&r, kind: kind, index: index)
        guard let names = try inlineImport(&r) else { return false }
        var entry = names
        entry += try importDescription(name, &r)
        try r.expectEnd()
        imports.append(entry)
        return true
    }

    private mutating func funcField(_ r: inout Reader) throws {
        if try importOrExports(&r, kind: 0x00, index: funcIndex, name: "func") { return }
        funcIndex += 1
        let use = try ctx.typeUse(&r, allowNames: true)
        let typeIndex = try ctx.resolve(use)
        var fn: [UInt8] = []
        fn.u32(typeIndex)
        functions.append(fn)

        var names: [String: UInt32] = [:]
        var count: UInt32 = 0
        func bind(_ name: String?, at: Int) throws {
            if let name {
                guard names[name] == nil else { throw ctx.doc.error("duplicate local $\(name)", at: at) }
                names[name] = count
            }
            count &+= 1
        }
        if use.hasInline || use.index == nil {
            for name in use.paramNames { try bind(name, at: use.at) }
        } else {
            count = UInt32(ctx.params(of: use, index: typeIndex).count)
        }
        var locals: [ValType] = []
        while r.isList("local") {
            var inner = try r.enterList()
            if let t = inner.peek(), t.kind == .id {
                inner.pos += 1
                try bind(t.text, at: inner.pos - 1)
                locals.append(try ctx.valType(&inner))
                try inner.expectEnd()
                continue
            }
            while !inner.atEnd {
                locals.append(try ctx.valType(&inner))
                try bind(nil, at: inner.pos)
            }
        }
        var enc = CodeEncoder(ctx: ctx, localNames: names)
        try enc.encode(r.pos, r.end)
        var body: [UInt8] = []
        // Locals are written as runs of equal types.
        var runs: [(UInt32, ValType)] = []
        for l in locals {
            if let last = runs.last, last.1 == l { runs[runs.count - 1].0 += 1 } else { runs.append((1, l)) }
        }
        body.u32(UInt32(runs.count))
        for (n, t) in runs { body.u32(n); body += t }
        body += enc.out
        body.append(0x0B)
        var code: [UInt8] = []
        code.name(body)
        codes.append(code)
    }

    private mutating func tableField(_ r: inout Reader) throws {
        let index = tableIndex
        if try importOrExports(&r, kind: 0x01, index: index, name: "table") { return }
        tableIndex += 1
        let is64 = ctx.addressType(&r)
        if ctx.isValTypeAhead(r) {
            // `(table reftype (elem ...))`: the size is the number of elements.
            let type = try ctx.refType(&r)
            guard r.isList("elem") else { throw r.unexpected() }
            var inner = try r.enterList()
            var items: [ElemItem] = []
            if ctx.isValTypeAhead(inner) || inner.atList {
                if ctx.isValTypeAhead(inner) { _ = try ctx.refType(&inner) }
                while !inner.atEnd { items.append(try ctx.elemItem(&inner)) }
            } else {
                while ctx.atIndex(inner) { items.append(.function(try ctx.index(&inner, ctx.funcs))) }
            }
            try inner.expectEnd()
            try r.expectEnd()
            var t = type
            t.append(is64 ? 0x05 : 0x01)
            t.u64(UInt64(items.count))
            t.u64(UInt64(items.count))
            tables.append(t)
            let offset: [UInt8] = is64 ? [0x42, 0x00, 0x0B] : [0x41, 0x00, 0x0B]
            elems.append(ctx.encodeElem(mode: .active(index: index, offset: offset), type: type, items: items))
            return
        }
        var lim = try ctx.limits(&r, is64: is64, allowShared: false)
        let type = try ctx.refType(&r)
        if r.atEnd {
            tables.append(type + lim)
        } else {
            // Table with an initialiser expression (function references).
            lim = [0x40, 0x00] + type + lim
            tables.append(lim + (try ctx.constExpr(r.pos, r.end)))
        }
    }

    private mutating func memoryField(_ r: inout Reader) throws {
        let index = memoryIndex
        if try importOrExports(&r, kind: 0x02, index: index, name: "memory") { return }
        memoryIndex += 1
        let is64 = ctx.addressType(&r)
        if r.isList("data") {
            // `(memory (data ...))`: just large enough for the data.
            var inner = try r.enterList()
            var bytes: [UInt8] = []
            while !inner.atEnd { bytes += try inner.expectString() }
            try r.expectEnd()
            let pages = UInt64((bytes.count + 65535) / 65536)
            var m: [UInt8] = [is64 ? 0x05 : 0x01]
            m.u64(pages)
            m.u64(pages)
            memories.append(m)
            var d: [UInt8] = index == 0 ? [0x00] : [0x02] + LEB.unsigned(UInt64(index))
            d += is64 ? [0x42, 0x00, 0x0B] : [0x41, 0x00, 0x0B]
            d.name(bytes)
            datas.append(d)
            return
        }
        memories.append(try ctx.limits(&r, is64: is64, allowShared: true))
        if r.isList("pagesize") { throw r.error("unsupported feature: custom page sizes") }
        try r.expectEnd()
    }

    private mutating func globalField(_ r: inout Reader) throws {
        if try importOrExports(&r, kind: 0x03, index: globalIndex, name: "global") { return }
        globalIndex += 1
        let type = try ctx.globalType(&r)
        globals.append(type + (try ctx.constExpr(r.pos, r.end)))
    }

    private mutating func tagField(_ r: inout Reader) throws {
        if try importOrExports(&r, kind: 0x04, index: tagIndex, name: "tag") { return }
        tagIndex += 1
        var t: [UInt8] = [0x00]
        t.u32(try ctx.resolve(try ctx.typeUse(&r, allowNames: true)))
        try r.expectEnd()
        tags.append(t)
    }

    private mutating func exportField(_ r: inout Reader) throws {
        var e: [UInt8] = []
        e.name(try r.expectName())
        guard let kind = r.listHead else { throw r.unexpectedHead() }
        var inner = try r.enterList()
        switch kind {
        case "func": e.append(0x00); e.u32(try ctx.index(&inner, ctx.funcs))
        case "table": e.append(0x01); e.u32(try ctx.index(&inner, ctx.tables))
        case "memory": e.append(0x02); e.u32(try ctx.index(&inner, ctx.memories))
        case "global": e.append(0x03); e.u32(try ctx.index(&inner, ctx.globals))
        case "tag": e.append(0x04); e.u32(try ctx.index(&inner, ctx.tags))
        default: throw ctx.doc.error("unexpected token \(kind)", at: inner.pos - 1)
        }
        try inner.expectEnd()
        try r.expectEnd()
        exports.append(e)
    }

    private func assemble() -> [UInt8] {
        var out: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]
        func section(_ id: UInt8, _ entries: [[UInt8]]) {
            guard !entries.isEmpty else { return }
            var payload: [UInt8] = []
            payload.vector(entries)
            out.section(id, payload)
        }
        section(1, ctx.encodedTypeSection())
        section(2, imports)
        section(3, functions)
        section(4, tables)
        section(5, memories)
        section(13, tags)
        section(6, globals)
        section(7, exports)
        if let start {
            var payload: [UInt8] = []
            payload.u32(start)
            out.section(8, payload)
        }
        section(9, elems)
        if ctx.usesDataCount {
            var payload: [UInt8] = []
            payload.u32(UInt32(datas.count))
            out.section(12, payload)
        }
        section(10, codes)
        section(11, datas)
        return out
    }
}
