// `.wast` scripts -> directives.
//
// The whole script is tokenized once (a lexical error there fails the parse). Each
// top-level command is then read on its own: a command this parser cannot read becomes
// `.unsupported` instead of failing the script, and a text module that fails to encode
// keeps its error inside the directive (a pass for `assert_malformed`, a failure for a
// plain `module`), so one bad module never hides the rest of the script.

/// Parses a WebAssembly script (`.wast`) into its directives, in order.
public func parseWAST(_ text: String) throws -> [WASTDirective] {
    try parseWAST(bytes: Array(text.utf8))
}

/// Like `parseWAST(_:)`, for a script given as raw bytes.
public func parseWAST(bytes: [UInt8]) throws -> [WASTDirective] {
    let doc = try Lexer.tokenize(bytes)
    return try WASTParser(doc: doc).run()
}

struct WASTParser {
    let doc: Document
    static let moduleFields: Set<String> = [
        "type", "rec", "import", "func", "table", "memory", "global", "tag", "export", "start", "elem", "data",
    ]

    func run() throws -> [WASTDirective] {
        var r = Reader(doc: doc, pos: 0, end: doc.tokens.count)
        var directives: [WASTDirective] = []
        // A script may also be just the fields of one module.
        if let head = r.listHead, WASTParser.moduleFields.contains(head) {
            let result: Result<[UInt8], TextError>
            do {
                result = .success(try ModuleEncoder.encode(doc: doc, fields: r))
            } catch let e as TextError {
                result = .failure(e)
            } catch {
                result = .failure(TextError("\(error)"))
            }
            let line = doc.position(ofOffset: doc.tokens[0].offset).line
            return [WASTDirective(line: line, command: .module(WASTModule(name: nil, source: .text(result), line: line)))]
        }
        while !r.atEnd {
            let at = r.pos
            guard r.atList else {
                // A stray token between commands: report it, keep going.
                let e = r.unexpected()
                directives.append(WASTDirective(line: e.line, command: .unsupported(e.message)))
                r.pos += 1
                continue
            }
            let line = doc.position(ofOffset: doc.tokens[at].offset).line
            let head = r.listHead ?? "?"
            var inner = try r.enterList()
            let command: WASTCommand
            do {
                command = try self.command(head, at: at, &inner)
            } catch let e as TextError {
                command = .unsupported("\(head): \(e.message) (\(e.line):\(e.column))")
            } catch {
                command = .unsupported("\(head): \(error)")
            }
            directives.append(WASTDirective(line: line, command: command))
        }
        return directives
    }

    private func command(_ head: String, at: Int, _ r: inout Reader) throws -> WASTCommand {
        switch head {
        case "module":
            if r.takeKeyword("instance") {
                let instance = r.takeId()
                let definition = r.takeId()
                try r.expectEnd()
                return .moduleInstance(instance: instance, definition: definition)
            }
            return .module(try module(at: at))
        case "register":
            let name = String(decoding: try r.expectString(), as: UTF8.self)
            let id = r.takeId()
            try r.expectEnd()
            return .register(name: name, module: id)
        case "invoke", "get":
            var whole = Reader(doc: doc, pos: at, end: doc.tokens[at].match + 1)
            return .action(try action(&whole))
        case "assert_return":
            let a = try action(&r)
            var expected: [WASTExpected] = []
            while !r.atEnd { expected.append(try self.expected(&r)) }
            return .assertReturn(a, expected)
        case "assert_trap":
            if r.isList("module") {
                let m = try module(at: r.pos)
                r.skipItem()
                return .assertModuleTrap(m, try message(&r))
            }
            let a = try action(&r)
            return .assertTrap(a, try message(&r))
        case "assert_exhaustion":
            let a = try action(&r)
            return .assertExhaustion(a, try message(&r))
        case "assert_exception":
            let a = try action(&r)
            try r.expectEnd()
            return .assertException(a)
        case "assert_malformed", "assert_invalid", "assert_unlinkable", "assert_uninstantiable":
            guard r.isList("module") else { throw r.unexpected() }
            let m = try module(at: r.pos)
            r.skipItem()
            let text = try message(&r)
            switch head {
            case "assert_malformed": return .assertMalformed(m, text)
            case "assert_invalid": return .assertInvalid(m, text)
            case "assert_unlinkable": return .assertUnlinkable(m, text)
            default: return .assertUninstantiable(m, text)
            }
        default:
            return .unsupported(head)
        }
    }

    private func message(_ r: inout Reader) throws -> String {
        let s = String(decoding: try r.expectString(), as: UTF8.self)
        try r.expectEnd()
        return s
    }

    /// The `(module ...)` list at token `at`, in any of its forms.
    private func module(at: Int) throws -> WASTModule {
        var outer = Reader(doc: doc, pos: at, end: doc.tokens.count)
        var r = try outer.enterList()
        let line = doc.position(ofOffset: doc.tokens[at].offset).line
        let isDefinition = r.takeKeyword("definition")
        let name = r.takeId()
        if r.takeKeyword("binary") {
            return WASTModule(name: name, isDefinition: isDefinition, source: .binary(try strings(&r)), line: line)
        }
        if r.takeKeyword("quote") {
            return WASTModule(name: name, isDefinition: isDefinition, source: .quote(try strings(&r)), line: line)
        }
        let result: Result<[UInt8], TextError>
        do {
            result = .success(try ModuleEncoder.encode(doc: doc, fields: r))
        } catch let e as TextError {
            result = .failure(e)
        } catch {
            result = .failure(doc.error("\(error)", at: at))
        }
        return WASTModule(name: name, isDefinition: isDefinition, source: .text(result), line: line)
    }

    private func strings(_ r: inout Reader) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while !r.atEnd { bytes += try r.expectString() }
        return bytes
    }

    /// `(invoke $id? "name" arg*)` or `(get $id? "name")` at the cursor.
    private func action(_ r: inout Reader) throws -> WASTAction {
        guard let head = r.listHead, head == "invoke" || head == "get" else { throw r.unexpected() }
        var inner = try r.enterList()
        let module = inner.takeId()
        let name = String(decoding: try inner.expectString(), as: UTF8.self)
        if head == "get" {
            try inner.expectEnd()
            return .get(module: module, name: name)
        }
        var args: [WASTValue] = []
        while !inner.atEnd { args.append(try value(&inner)) }
        return .invoke(module: module, name: name, args: args)
    }

    /// A constant argument: `(i32.const 1)`, `(ref.null func)`, `(ref.extern 3)`, ...
    private func value(_ r: inout Reader) throws -> WASTValue {
        guard let head = r.listHead else { throw r.unexpectedHead() }
        var inner = try r.enterList()
        let v: WASTValue
        switch head {
        case "i32.const": v = .i32(UInt32(try inner.int(bits: 32)))
        case "i64.const": v = .i64(try inner.int(bits: 64))
        case "f32.const": v = .f32(UInt32(try inner.float(.f32)))
        case "f64.const": v = .f64(try inner.float(.f64))
        case "v128.const": v = .v128(try V128Literal.read(&inner))
        case "ref.null": v = .refNull(try heapTypeText(&inner))
        case "ref.extern": v = .refExtern(try inner.nat(bits: 64))
        case "ref.host": v = .refHost(try inner.nat(bits: 64))
        default: throw doc.error("unsupported value \(head)", at: r.pos)
        }
        try inner.expectEnd()
        return v
    }

    private func heapTypeText(_ r: inout Reader) throws -> String {
        guard let t = r.peek() else { throw r.unexpected() }
        r.pos += 1
        switch t.kind {
        case .atom: return t.text
        case .id: return "$" + t.text
        default: throw Reader.unexpected(t, doc: doc, at: r.pos - 1)
        }
    }

    private func nanPattern(_ r: Reader) -> Bool? {
        guard let t = r.peek(), t.kind == .atom else { return nil }
        switch t.text {
        case "nan:canonical": return true
        case "nan:arithmetic": return false
        default: return nil
        }
    }

    /// An expected result of `assert_return`.
    private func expected(_ r: inout Reader, depth: Int = 0) throws -> WASTExpected {
        guard let head = r.listHead else { throw r.unexpectedHead() }
        guard depth < 64 else { throw r.error("nesting too deep") }
        let start = r.pos
        var inner = try r.enterList()
        let e: WASTExpected
        switch head {
        case "f32.const", "f64.const":
            if let canonical = nanPattern(inner) {
                inner.pos += 1
                e = head == "f32.const" ? .f32NaN(canonical: canonical) : .f64NaN(canonical: canonical)
            } else {
                r.pos = start
                return .value(try value(&r))
            }
        case "v128.const":
            guard let t = inner.peek(), t.kind == .atom, let shape = V128Literal.shapes[t.text] else {
                throw inner.unexpected()
            }
            let name = t.text
            var probe = inner
            probe.pos += 1
            var lanes: [WASTLaneExpected] = []
            var hasNaN = false
            for _ in 0..<shape.count {
                if let canonical = nanPattern(probe), name.hasPrefix("f") {
                    hasNaN = true
                    lanes.append(.nan(canonical: canonical))
                    probe.pos += 1
                } else {
                    let bytes = try V128Literal.lane(name, &probe)
                    var bits: UInt64 = 0
                    for (k, b) in bytes.enumerated() { bits |= UInt64(b) << (8 * UInt64(k)) }
                    lanes.append(.bits(bits))
                }
            }
            if !hasNaN {
                r.pos = start
                return .value(try value(&r))
            }
            inner = probe
            e = .v128Lanes(shape: name, lanes: lanes)
        case "ref.null":
            if inner.atEnd { e = .refNullAny } else { e = .value(.refNull(try heapTypeText(&inner))) }
        case "ref.extern":
            if inner.atEnd { e = .refExternAny } else { e = .value(.refExtern(try inner.nat(bits: 64))) }
        case "ref.func":
            if !inner.atEnd { inner.skipItem() }
            e = .refFunc
        case "ref.struct", "ref.array", "ref.i31", "ref.eq", "ref.any", "ref.exn":
            e = .refKind(String(head.dropFirst(4)))
        case "either":
            var alternatives: [WASTExpected] = []
            while !inner.atEnd { alternatives.append(try expected(&inner, depth: depth + 1)) }
            e = .either(alternatives)
        default:
            r.pos = start
            return .value(try value(&r))
        }
        try inner.expectEnd()
        return e
    }
}
