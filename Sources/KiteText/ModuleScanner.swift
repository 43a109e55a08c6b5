// First pass over a module's fields: bind every name in every index space and read the
// explicit type definitions, so the second pass can resolve names used before they are
// defined. Also enforces that imports precede definitions (the spec's `import after ...`).

extension ModuleContext {
    /// `fields` is a reader over the module's fields (after `module $id?`).
    func scan(_ fields: Reader) throws {
        // Type names first: other definitions' types may refer to them.
        var r = fields
        var typeFields: [Reader] = []
        while !r.atEnd {
            guard let head = r.listHead else { throw r.unexpectedHead() }
            let at = r.pos
            if head == "rec" { throw r.error("unsupported feature: GC types (rec)") }
            var inner = try r.enterList()
            guard head == "type" else { continue }
            _ = try typeSpace.add(inner.takeId(), doc: doc, at: at)
            types.append(nil)
            typeFields.append(inner)
        }
        for (k, var inner) in typeFields.enumerated() {
            types[k] = try funcTypeDefinition(&inner)
            try inner.expectEnd()
        }

        r = fields
        var firstDefinition: String? = nil
        func checkImport(_ at: Int) throws {
            if let first = firstDefinition { throw doc.error("import after \(first)", at: at) }
        }
        while !r.atEnd {
            let at = r.pos
            guard let head = r.listHead else { throw r.unexpectedHead() }
            var inner = try r.enterList()
            switch head {
            case "type", "export", "start":
                break
            case "import":
                try checkImport(at)
                _ = try inner.expectName()
                _ = try inner.expectName()
                guard let kind = inner.listHead else { throw inner.unexpectedHead() }
                let descAt = inner.pos
                var desc = try inner.enterList()
                let name = desc.takeId()
                switch kind {
                case "func": _ = try funcs.add(name, doc: doc, at: descAt)
                case "table": _ = try tables.add(name, doc: doc, at: descAt)
                case "memory": _ = try memories.add(name, doc: doc, at: descAt)
                case "global": _ = try globals.add(name, doc: doc, at: descAt)
                case "tag": _ = try tags.add(name, doc: doc, at: descAt)
                default: throw doc.error(InstructionTable.otherKeywords.contains(kind)
                                         ? "unexpected token \(kind)" : "unknown operator \(kind)", at: descAt + 1)
                }
            case "func", "table", "memory", "global", "tag":
                let name = inner.takeId()
                while inner.isList("export") { inner.skipItem() }
                if inner.isList("import") {
                    try checkImport(at)
                } else if head != "tag" {
                    firstDefinition = firstDefinition ?? (head == "func" ? "function" : head)
                }
                switch head {
                case "func": _ = try funcs.add(name, doc: doc, at: at)
                case "table":
                    _ = try tables.add(name, doc: doc, at: at)
                    if containsList(inner, "elem") { _ = try elems.add(nil, doc: doc, at: at) }
                case "memory":
                    _ = try memories.add(name, doc: doc, at: at)
                    if containsList(inner, "data") { _ = try datas.add(nil, doc: doc, at: at) }
                case "global": _ = try globals.add(name, doc: doc, at: at)
                default: _ = try tags.add(name, doc: doc, at: at)
                }
            case "elem":
                _ = try elems.add(inner.takeId(), doc: doc, at: at)
            case "data":
                _ = try datas.add(inner.takeId(), doc: doc, at: at)
            default:
                throw doc.error(InstructionTable.otherKeywords.contains(head) || InstructionTable.ops[head] != nil
                                ? "unexpected token \(head)" : "unknown operator \(head)", at: at + 1)
            }
        }
    }

    /// Whether a list headed by `head` occurs directly in the field (inline elem / data).
    private func containsList(_ field: Reader, _ head: String) -> Bool {
        var r = field
        while !r.atEnd {
            if r.isList(head) { return true }
            r.skipItem()
        }
        return false
    }
}
