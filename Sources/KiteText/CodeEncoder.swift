// Instruction sequences -> bytecode, for function bodies and constant expressions.
//
// Folded instructions are unfolded with an explicit stack of frames instead of recursion,
// so arbitrarily deep nesting (e.g. thousands of nested `(block ...)`) cannot overflow the
// native stack:
//   (op imm* e1 ... en)                  -> e1 ... en op imm*
//   (block l bt instr*)                  -> block l bt instr* end
//   (if l bt e* (then i1*) (else i2*)?)  -> e* if l bt i1* else i2* end
//   (try l bt (do i*) (catch x i*)* (catch_all i*)?)  -> try l bt i* catch x i* ... end
//   (try l bt (do i*) (delegate l2))     -> try l bt i* delegate l2   (legacy exceptions)
// Flat `block`/`loop`/`if`/`try_table`/`try` ... `end` share the same stack, so both forms
// nest freely inside each other.

struct CodeEncoder {
    let ctx: ModuleContext
    var doc: Document { ctx.doc }
    /// Local names of the function being encoded (empty for constant expressions).
    var localNames: [String: UInt32] = [:]
    var out: [UInt8] = []
    /// Names of the enclosing blocks, innermost last (`nil` for unnamed ones).
    var labels: [String?] = []

    init(ctx: ModuleContext, localNames: [String: UInt32] = [:]) {
        self.ctx = ctx
        self.localNames = localNames
    }

    private enum Kind {
        case flat(opcode: UInt8, label: String?, sawElse: Bool)  // closed by `end`
        case plain(pending: [UInt8])                            // operator emitted at `)`
        case block                                              // folded block/loop/try_table
        case ifConditions(header: [UInt8], label: String?)      // before `(then ...)`
        case ifInThen, ifInElse                                 // an arm frame is open above
        case ifAfterThen, ifAfterElse                           // after an arm
        case arm                                                // inside `(then ...)`/`(else ...)`
        case tryBlock(TryPart)                                  // folded legacy `try`
        case tryArm                                             // inside `(do ...)`/`(catch ...)`
    }

    /// Where a folded legacy try is: its parts come in this order, `delegate` only after `do`.
    private enum TryPart: Int { case start, afterDo, afterCatch, afterCatchAll, delegated }

    private struct Frame {
        var kind: Kind
        /// Index of the `)` closing a folded frame; -1 for flat frames.
        var end: Int
        /// Output position of this `if`'s `else` opcode, if one was written.
        var elseAt = -1
    }

    /// An `else` directly followed by `end` is dropped, as the reference encoder (which
    /// writes `else` only for a non-empty else branch) and wabt do.
    private mutating func endIf(elseAt: Int) {
        if elseAt >= 0 && elseAt == out.count - 1 { out.removeLast() }
        out.append(Opcode.end)
    }

    /// Encodes the instructions in token range [start, stop) (no final `end`).
    mutating func encode(_ start: Int, _ stop: Int) throws {
        let tokens = doc.tokens
        var frames: [Frame] = []
        var foldedEnds: [Int] = []  // ends of the folded frames, for the current bound
        var i = start
        while true {
            let limit = foldedEnds.last ?? stop
            if i >= limit {
                guard let top = frames.last else { return }
                if case .flat = top.kind {
                    throw doc.error("unexpected token, expected end", at: limit)
                }
                frames.removeLast()
                foldedEnds.removeLast()
                i = limit + 1
                switch top.kind {
                case .plain(let pending): out += pending
                case .tryBlock(.delegated), .tryArm:
                    break  // `delegate` ended the try and dropped its label
                case .block, .tryBlock:
                    out.append(Opcode.end)
                    labels.removeLast()
                case .ifAfterThen, .ifAfterElse:
                    endIf(elseAt: top.elseAt)
                    labels.removeLast()
                case .ifConditions:
                    throw doc.error("unexpected token, expected (then ...)", at: limit)
                case .arm:
                    guard let p = frames.indices.last else { return }
                    if case .ifInThen = frames[p].kind {
                        frames[p].kind = .ifAfterThen
                    } else {
                        frames[p].kind = .ifAfterElse
                    }
                case .flat, .ifInThen, .ifInElse: break
                }
                continue
            }
            let t = tokens[i]

            // Inside a folded `if`, only the condition operands and the arms may appear.
            if let top = frames.last {
                switch top.kind {
                case .ifConditions(let header, let label):
                    if t.kind == .lparen, i + 1 < limit, tokens[i + 1].kind == .atom,
                       tokens[i + 1].text == "then" {
                        out += header
                        labels.append(label)
                        frames[frames.count - 1].kind = .ifInThen
                        frames.append(Frame(kind: .arm, end: t.match))
                        foldedEnds.append(t.match)
                        i += 2
                        continue
                    }
                    guard t.kind == .lparen else { throw Reader.unexpected(t, doc: doc, at: i) }
                case .ifAfterThen:
                    guard t.kind == .lparen, i + 1 < limit, tokens[i + 1].kind == .atom,
                          tokens[i + 1].text == "else" else { throw Reader.unexpected(t, doc: doc, at: i) }
                    frames[frames.count - 1].elseAt = out.count
                    out.append(Opcode.else)
                    frames[frames.count - 1].kind = .ifInElse
                    frames.append(Frame(kind: .arm, end: t.match))
                    foldedEnds.append(t.match)
                    i += 2
                    continue
                case .tryBlock(let part):
                    // Only its parts: (do ...), (catch x ...)*, (catch_all ...)? or (delegate l).
                    guard t.kind == .lparen, i + 1 < limit, tokens[i + 1].kind == .atom else {
                        throw Reader.unexpected(t, doc: doc, at: i)
                    }
                    var r = Reader(doc: doc, pos: i + 2, end: t.match)
                    let word = tokens[i + 1].text
                    let allowed: Bool
                    switch word {
                    case "do": allowed = part == .start
                    case "catch", "catch_all": allowed = part == .afterDo || part == .afterCatch
                    case "delegate": allowed = part == .afterDo
                    default: allowed = false
                    }
                    guard allowed else { throw Reader.unexpected(tokens[i + 1], doc: doc, at: i + 1) }
                    switch word {
                    case "do":
                        frames[frames.count - 1].kind = .tryBlock(.afterDo)
                    case "catch":
                        out.append(Opcode.legacyCatch)
                        out.u32(try ctx.index(&r, ctx.tags))
                        frames[frames.count - 1].kind = .tryBlock(.afterCatch)
                    case "catch_all":
                        out.append(Opcode.legacyCatchAll)
                        frames[frames.count - 1].kind = .tryBlock(.afterCatchAll)
                    default:
                        // Its label is outside the try: the try's own is gone first.
                        labels.removeLast()
                        out.append(Opcode.delegate)
                        out.u32(try labelIndex(&r))
                        try r.expectEnd()
                        frames[frames.count - 1].kind = .tryBlock(.delegated)
                        i = t.match + 1
                        continue
                    }
                    frames.append(Frame(kind: .tryArm, end: t.match))
                    foldedEnds.append(t.match)
                    i = r.pos
                    continue
                case .ifAfterElse, .ifInThen, .ifInElse:
                    throw Reader.unexpected(t, doc: doc, at: i)
                case .plain:
                    // Operands of a folded plain instruction must themselves be folded.
                    guard t.kind == .lparen else { throw Reader.unexpected(t, doc: doc, at: i) }
                default:
                    break
                }
            }

            if t.kind == .lparen {
                guard i + 1 < t.match, tokens[i + 1].kind == .atom else {
                    throw Reader.unexpected(i + 1 < limit ? tokens[i + 1] : t, doc: doc, at: i + 1)
                }
                let name = tokens[i + 1].text
                var r = Reader(doc: doc, pos: i + 2, end: t.match)
                switch name {
                case "block", "loop", "try_table":
                    try openBlock(name, &r)
                    frames.append(Frame(kind: .block, end: t.match))
                case "try":
                    try openBlock(name, &r)
                    frames.append(Frame(kind: .tryBlock(.start), end: t.match))
                case "do", "catch", "catch_all", "delegate":
                    // Parts of a folded try, anywhere else.
                    throw Reader.unexpected(tokens[i + 1], doc: doc, at: i + 1)
                case "if":
                    let label = r.takeId()
                    let bt = try ctx.blockType(&r)
                    frames.append(Frame(kind: .ifConditions(header: [Opcode.if] + bt, label: label), end: t.match))
                default:
                    let bytes = try plain(name, at: i + 1, &r)
                    frames.append(Frame(kind: .plain(pending: bytes), end: t.match))
                }
                foldedEnds.append(t.match)
                i = r.pos
                continue
            }

            guard t.kind == .atom else { throw Reader.unexpected(t, doc: doc, at: i) }
            var r = Reader(doc: doc, pos: i + 1, end: limit)
            switch t.text {
            case "catch", "catch_all":
                // Only in a flat legacy try.
                guard let top = frames.last, case .flat(Opcode.`try`, _, _) = top.kind else {
                    throw Reader.unexpected(t, doc: doc, at: i)
                }
                out += try plain(t.text, at: i, &r)
            case "delegate":
                // Ends a flat legacy `try`; its label is outside the try.
                guard let top = frames.last, case .flat(Opcode.`try`, _, _) = top.kind else {
                    throw Reader.unexpected(t, doc: doc, at: i)
                }
                labels.removeLast()
                frames.removeLast()
                out.append(Opcode.delegate)
                out.u32(try labelIndex(&r))
            case "block", "loop", "if", "try_table", "try":
                let label = try openBlock(t.text, &r)
                frames.append(Frame(kind: .flat(opcode: blockOpcodes[t.text] ?? Opcode.block,
                                                label: label, sawElse: false), end: -1))
            case "else":
                guard let top = frames.last, case .flat(Opcode.if, let label, false) = top.kind else {
                    throw Reader.unexpected(t, doc: doc, at: i)
                }
                try checkEndLabel(&r, label)
                frames[frames.count - 1].elseAt = out.count
                out.append(Opcode.else)
                frames[frames.count - 1].kind = .flat(opcode: Opcode.if, label: label, sawElse: true)
            case "end":
                guard let top = frames.last, case .flat(_, let label, _) = top.kind else {
                    throw Reader.unexpected(t, doc: doc, at: i)
                }
                try checkEndLabel(&r, label)
                endIf(elseAt: top.elseAt)
                labels.removeLast()
                frames.removeLast()
            default:
                out += try plain(t.text, at: i, &r)
            }
            i = r.pos
        }
    }

    /// Reads the label and block type after `block`/`loop`/`if`/`try_table`, emits the
    /// opening bytes (except for `if` in folded form, handled by the caller) and pushes
    /// the label. Returns the label.
    @discardableResult
    private mutating func openBlock(_ name: String, _ r: inout Reader) throws -> String? {
        let label = r.takeId()
        let bt = try ctx.blockType(&r)
        out.append(blockOpcodes[name] ?? Opcode.block)
        out += bt
        if name == "try_table" {
            // Catch clauses refer to labels outside the try_table block itself.
            var clauses: [[UInt8]] = []
            while let head = r.listHead, ["catch", "catch_ref", "catch_all", "catch_all_ref"].contains(head) {
                var inner = try r.enterList()
                var c: [UInt8] = []
                switch head {
                case "catch": c.append(0x00); c.u32(try ctx.index(&inner, ctx.tags))
                case "catch_ref": c.append(0x01); c.u32(try ctx.index(&inner, ctx.tags))
                case "catch_all": c.append(0x02)
                default: c.append(0x03)
                }
                c.u32(try labelIndex(&inner))
                try inner.expectEnd()
                clauses.append(c)
            }
            out.vector(clauses)
        }
        labels.append(label)
        return label
    }

    /// `end $l` / `else $l` must repeat the block's label, if any.
    private func checkEndLabel(_ r: inout Reader, _ label: String?) throws {
        guard let t = r.peek(), t.kind == .id else { return }
        guard t.text == label else { throw doc.error("mismatching label", at: r.pos) }
        r.pos += 1
    }

    /// A branch target: a label name (resolved to its depth) or a numeric depth.
    mutating func labelIndex(_ r: inout Reader) throws -> UInt32 {
        if let t = r.peek(), t.kind == .id {
            guard let k = labels.lastIndex(where: { $0 == t.text }) else {
                throw doc.error("unknown label $\(t.text)", at: r.pos)
            }
            r.pos += 1
            return UInt32(labels.count - 1 - k)
        }
        guard r.atNat else { throw r.unexpected() }
        return try r.u32()
    }
}

