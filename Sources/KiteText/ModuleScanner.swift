// First pass over a module's fields: bind every name in every index space and read the
// explicit type definitions (and `rec` groups), so the second pass can resolve names used
// before they are defined. Also enforces that imports precede definitions (the spec's `import after ...`).

extension ModuleContext {
    /// `fields` is a reader over the module's fields (after `module $id?`).
    func scan(_ fields: Reader) throws {
        // Type names first: other definitions' types may refer to them, and so may
        // type definitions, in any order (recursive types inside `rec` groups).
        var r = fields
        var definitions: [(body: Reader, inRec: Bool)] = []
        func bindType(_ field: inout Reader, at: Int, inRec: Bool) throws {
            var inner = try field.enterList()
            _ = try typeSpace.add(inner.takeId(), doc: doc, at: at)
            definitions.append((inner, inRec))
        }
        while !r.atEnd {
            guard let head = r.listHead else { throw r.unexpectedHead() }
            let at = r.pos
            switch head {
            case "type":
                typeGroups.append(TypeGroup(start: definitions.count, count: 1, isRec: false))
                try bindType(&r, at: at, inRec: false)
            case "rec":
                var group = try r.enterList()
                let start = definitions.count
                while !group.atEnd {
                    guard group.isList("type") else { throw group.unexpectedHead() }
                    try bindType(&group, at: group.pos, inRec: true)
                }
                typeGroups.append(TypeGroup(start: start, count: definitions.count - start, isRec: true))
            default:
                r.skipItem()
            }
        }
        types = try definitions.map { d in
            var body = d.body
            return try typeDefinition(&body, inRec: d.inRec)
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
            case "type", "rec", "export", "start":
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
