import KiteBinary

/// One function after validation and translation.
public struct CompiledFunction: Sendable {
    /// Register bytecode; word 0 of each instruction is its handler (see `CodeBuffer`).
    public var code: [UInt64]
    /// Constant slot values, copied into the frame after the locals on entry.
    public var constants: [UInt64]
    /// Type index of the function's type.
    public var typeIndex: UInt32
    /// Frame slots: [params or results: localsStart][locals: localSlots][constants][temporaries].
    public var localsStart: Int
    /// Number of slots the declared locals occupy (after the parameters or results).
    public var localSlots: Int
    /// Total frame slots: parameters and locals, constants and temporaries.
    public var frameSize: Int
    /// The local slots zeroed on entry: those some execution may read before writing them
    /// (`localsToZero`); the others are written first.
    public var zeroedLocals: Range<Int>
    /// Start word of each instruction and the module byte offset of the wasm instruction it
    /// was emitted for; empty unless the translation was asked to record them.
    public var sourceOffsets: [(at: Int, offset: Int)] = []
    /// The `try_table` bodies of the function, innermost first (see `HandlerRegion`).
    public var handlers: [HandlerRegion] = []
    /// Where its frames hold GC references (nil: nowhere), for the collector.
    public var stackMap: StackMap? = nil
}

/// A `try_table` body's (or a legacy `try` body's) code and its catch clauses, for the
/// unwinder: an exception thrown at a word offset in `start..<end` (a throw, or a call that
/// the exception unwound) is taken by the first clause that matches, which stores the
/// exception's values (and/or its exnref) at `slot...` of the frame and continues at `pad`
/// (a branch to the clause's label; a legacy catch body). Regions are listed in the order
/// their bodies start, so the innermost region around a pc is the last that contains it.
public struct HandlerRegion: Sendable, Equatable {
    public struct Clause: Sendable, Equatable {
        public var kind: Catch.Kind
        /// The tag index (the catch_all kinds: unused).
        public var tag: UInt32
        /// Word offset of the landing pad.
        public var pad: Int
        /// The first frame slot of the label's values.
        public var slot: Int
        /// Legacy catches: the frame slot that keeps the exception for `rethrow`.
        public var exceptionSlot: Int?
    }
    public var start: Int
    public var end: Int
    public var clauses: [Clause]
    /// Where the search goes when no clause takes the exception: the index of the enclosing
    /// region (for `delegate`, the region of its label), or nil for the caller.
    public var next: Int?
}

/// Validates one function body and translates it into register bytecode in the same pass.
///
/// Operand-stack values become frame slots: the value at stack slot height h lives in
/// "temporary" h. `local.get` and constants emit nothing: the stack entry just names the
/// local's or the constant's slot, and the consumer reads it directly. A value is copied
/// into its temporary ("materialized") only when it must be: before its local is
/// overwritten, at control-flow joins, and as call arguments.
///
/// Temporaries and constants are written with provisional, tagged registers
/// (`tempTag | height`, `constTag | index`): which constants need a slot at all is known
/// only at the end (one used only as an instruction immediate needs none), and the
/// temporaries come after the constants. `finish()` rewrites both.
struct FunctionTranslator {
    struct Entry {
        enum Source: Equatable { case temp, local(Reg), constant(Reg) }
        var type: ValueType?  // nil: unknown (polymorphic stack in unreachable code)
        var source: Source
        var home: Reg
        var reg: Reg {
            switch source {
            case .temp: return home
            case .local(let r), .constant(let r): return r
            }
        }
    }

    struct Fixup {
        let instruction: Int
        let word: Int
        let shift: Int
    }

    struct Control {
        /// `legacyTry` is a legacy try's body, `legacyCatch` one of its catch bodies
        /// (`legacyCatchAll`: the catch_all body, after which no catch may come).
        enum Kind { case function, block, loop, `if`, `else`, tryTable, legacyTry, legacyCatch, legacyCatchAll }
        var kind: Kind
        var type: FunctionType
        var height: Int
        var slotHeight: Int
        /// After br/return/unreachable: the stack is polymorphic (validation).
        var unreachable = false
        /// Entered from unreachable code: validated, but no code is emitted.
        var dead = false
        var loopStart = 0
        var fixups: [Fixup] = []
        var elseFixup: Fixup?
        /// Which non-defaultable locals were set on entry (restored at else/end).
        var initializedAtEntry: [Bool] = []
        /// `try_table`: its catch clauses and where its body's code starts.
        var catches: [Catch] = []
        var regionStart = 0
        /// The handler region of a try_table or legacy try (nil in dead code).
        var region: Int?
        /// A legacy catch body: which exception slot keeps its exception (nesting depth).
        var exceptionSlot = 0
        var labelTypes: [ValueType] { kind == .loop ? type.parameters : type.results }
    }

    /// A value-producing instruction just emitted, whose destination is the top temporary:
    /// `local.set` may retarget it, and `br_if`/`if` may fuse a comparison into the branch.
    struct Producer {
        let instruction: Int
        let op: Op
        let lowering: NumericLowering?
        /// The right operand, when the instruction carries it as an immediate.
        var immediate: UInt64? = nil
    }

    static let tempTag: Reg = 0x8000
    static let constTag: Reg = 0x4000

    let context: ModuleContext
    let functionType: FunctionType
    let typeIndex: UInt32
    var code: CodeBuffer
    var locals: [ValueType] = []
    var localSlot: [Reg] = []
    var localsStart = 0
    var localsEnd = 0
    var resultSlots = 0
    var constants: [UInt64] = []
    var constantSlots: [UInt64: Reg] = [:]
    var stack: [Entry] = []
    var slotHeight = 0
    var maxSlotHeight = 0
    var controls: [Control] = []
    var producer: Producer?
    /// The latest code position a label was bound to (a branch target): instructions on
    /// either side of it must not be fused.
    var labelPosition = 0
    var offset = 0
    /// The finished `try_table` regions (slots still temporaries: `finish` rebases them).
    var handlers: [HandlerRegion] = []
    /// Frame slots that keep legacy catches' exceptions (one per nesting level), and the
    /// `rethrow`s that read them: (instruction, slot field, nesting level), patched by `finish`.
    var exceptionSlots = 0
    var rethrowSites: [(at: Int, level: Int)] = []
    /// Calls and allocations with traced references in temporaries (see `StackMap`).
    var gcSites: [StackMap.Site] = []
    /// Locals of non-nullable reference types must be set before they are read; tracked
    /// only when the function has such locals.
    var initialized: [Bool] = []

    /// `bodyOffset`: where the function's body starts in the module, for errors about its locals.
    init(context: ModuleContext, typeIndex: UInt32, locals declared: [ValueType], handlers: [UInt64], bodyOffset: Int = 0) throws {
        self.context = context
        self.typeIndex = typeIndex
        self.functionType = context.types[Int(typeIndex)]
        self.code = CodeBuffer(handlers: handlers, recordsSources: context.recordsSourceOffsets)
        var slot = 0
        for p in functionType.parameters {
            locals.append(p)
            localSlot.append(Reg(truncatingIfNeeded: slot))
            slot += p.slotCount
        }
        resultSlots = functionType.results.reduce(0) { $0 + $1.slotCount }
        localsStart = max(slot, resultSlots)
        slot = localsStart
        for l in declared {
            try context.checkTypeIndices(l, offset: bodyOffset)
            locals.append(l)
            localSlot.append(Reg(truncatingIfNeeded: slot))
            slot += l.slotCount
            if slot >= Int(Self.constTag) { throw ValidationError("function too large: too many locals", offset: bodyOffset) }
        }
        localsEnd = slot
        if declared.contains(where: { if case .ref(let r) = $0 { !r.nullable } else { false } }) {
            initialized = locals.indices.map { i in
                if i < functionType.parameters.count { return true }
                if case .ref(let r) = locals[i] { return r.nullable }
                return true
            }
        }
        controls.append(Control(kind: .function, type: FunctionType(parameters: [], results: functionType.results),
                                height: 0, slotHeight: 0))
        if context.metered { meters = [Meter(at: code.emit_meter(cost: 0))] }
    }

    /// Metered code: a `meter` at the function entry and at each loop header charges the Wasm
    /// instructions of its region (the function or loop body, nested loops excluded: they
    /// charge for themselves on every iteration). Innermost last; `at` is nil in dead code.
    struct Meter {
        var at: Int?
        var count: UInt32 = 0
    }
    var meters: [Meter] = []

    /// Writes the cost of the innermost metered region into its `meter` and leaves it.
    mutating func closeMeter() {
        guard let meter = meters.popLast(), let at = meter.at else { return }
        code.patch(word: at + 1, shift: 0, width: 32, value: UInt64(meter.count))
    }

    var reachable: Bool {
        let frame = controls[controls.count - 1]
        return !frame.unreachable && !frame.dead
    }

    func fail(_ message: String) -> ValidationError { ValidationError(message, offset: offset) }

    // MARK: Operand stack

    @discardableResult
    mutating func push(_ type: ValueType?) throws -> Entry {
        let entry = Entry(type: type, source: .temp, home: Self.tempTag | Reg(truncatingIfNeeded: slotHeight))
        slotHeight += type?.slotCount ?? 1
        if slotHeight >= Int(Self.tempTag) - 2 { throw fail("function too large: operand stack exceeds the frame") }
        maxSlotHeight = max(maxSlotHeight, slotHeight)
        stack.append(entry)
        return entry
    }

    mutating func pushEntry(_ type: ValueType?, source: Entry.Source) throws {
        try push(type)
        stack[stack.count - 1].source = source
    }

    mutating func pop() throws -> Entry {
        let frame = controls[controls.count - 1]
        if stack.count == frame.height {
            if frame.unreachable { return Entry(type: nil, source: .temp, home: Self.tempTag | Reg(truncatingIfNeeded: slotHeight)) }
            throw fail("type mismatch")
        }
        let entry = stack.removeLast()
        slotHeight -= entry.type?.slotCount ?? 1
        return entry
    }

    mutating func pop(_ expected: ValueType) throws -> Entry {
        let entry = try pop()
        if let t = entry.type, !context.isSubtype(t, expected) { throw fail("type mismatch") }
        return entry
    }

    /// Pops values of `types` (the last one is on top); returns them bottom first.
    mutating func pop(_ types: [ValueType]) throws -> [Entry] {
        var entries: [Entry] = []
        for t in types.reversed() { entries.append(try pop(t)) }
        return entries.reversed()
    }

    mutating func popRef() throws -> Entry {
        let entry = try pop()
        if let t = entry.type, case .ref = t {} else if entry.type != nil { throw fail("type mismatch") }
        return entry
    }

    /// Copies stack entry `index` into its temporary if it names a local or a constant.
    mutating func materialize(_ index: Int) {
        let entry = stack[index]
        guard entry.source != .temp else { return }
        if reachable { emitCopy(to: entry.home, from: entry.reg, type: entry.type) }
        stack[index].source = .temp
    }

    /// Before local `slot` is overwritten, stack entries that still read it get their own copy.
    mutating func preserveLocal(_ slot: Reg) {
        for i in stack.indices where stack[i].source == .local(slot) { materialize(i) }
    }

    /// At control-flow boundaries every entry that names a local is copied out: code inside
    /// the construct may run zero or many times, so a lazy copy there would be unsound.
    mutating func materializeLocals() {
        for i in stack.indices {
            if case .local = stack[i].source { materialize(i) }
        }
    }

    mutating func constant(_ bits: UInt64, _ type: ValueType) throws {
        let reg: Reg
        if let existing = constantSlots[bits] {
            reg = existing
        } else {
            guard constants.count < Int(Self.constTag) else { throw fail("function too large: too many constants") }
            reg = Self.constTag | Reg(truncatingIfNeeded: constants.count)
            constants.append(bits)
            constantSlots[bits] = reg
        }
        try pushEntry(type, source: .constant(reg))
    }

    /// The value of a constant entry.
    func constantValue(_ entry: Entry) -> UInt64? {
        guard case .constant(let reg) = entry.source else { return nil }
        return constants[Int(reg & ~Self.constTag)]
    }

    // MARK: Emission helpers

    mutating func emitCopy(to dst: Reg, from src: Reg, type: ValueType?) {
        guard dst != src else { return }
        if type == .v128 {
            code.emit_copy_v128(dst: dst, src: src)
        } else if src & Self.tempTag == 0, src & Self.constTag != 0 {
            // The constant's value goes in the instruction: unless something else reads it
            // as a register, the constant gets no slot to copy in on every call.
            let value = constants[Int(src & ~Self.constTag)]
            if value <= UInt64(UInt32.max) { code.emit_const32(dst: dst, imm: UInt32(value)) } else { code.emit_const64(dst: dst, imm: value) }
        } else {
            code.emit_copy(dst: dst, src: src)
        }
    }

    /// Emits a branch whose offset field is patched when the label is bound.
    mutating func branch(to depth: Int, emit: (inout CodeBuffer) -> Int, offsetField: (word: Int, shift: Int)) {
        let at = emit(&code)
        let target = controls.count - 1 - depth
        let fixup = Fixup(instruction: at, word: at + 1 + offsetField.word, shift: offsetField.shift)
        if controls[target].kind == .loop {
            patch(fixup, to: controls[target].loopStart)
        } else {
            controls[target].fixups.append(fixup)
        }
    }

    mutating func patch(_ fixup: Fixup, to target: Int) {
        labelPosition = max(labelPosition, target)
        let delta = Int32(truncatingIfNeeded: target - fixup.instruction)
        code.patch(word: fixup.word, shift: fixup.shift, width: 32, value: UInt64(UInt32(bitPattern: delta)))
    }

    /// Moves the top `types.count` stack values into the slots of label `depth` (without popping).
    mutating func moveToLabel(depth: Int) {
        let target = controls[controls.count - 1 - depth]
        let n = target.labelTypes.count
        var dst = target.slotHeight
        for i in (stack.count - n)..<stack.count {
            let entry = stack[i]
            emitCopy(to: Self.tempTag | Reg(truncatingIfNeeded: dst), from: entry.reg, type: entry.type)
            dst += entry.type?.slotCount ?? 1
        }
    }

    /// Writes the top results into slots 0..<resultSlots and returns to the caller.
    /// `previous` is the instruction just emitted, when it produced the (single) result:
    /// it then writes slot 0 directly.
    mutating func emitReturnSequence(previous: Producer? = nil) {
        let n = functionType.results.count
        let first = stack.count - n
        if n == 1, let top = stack.last, top.type != .v128 {
            if top.source == .temp, let p = previous, p.instruction + p.op.wordCount == code.count,
               code.field(word: p.instruction + 1, shift: 0, width: 16) == UInt64(top.home) {
                code.patch(word: p.instruction + 1, shift: 0, width: 16, value: 0)
                code.emit_return()
            } else if top.reg == 0 {
                code.emit_return()
            } else if let value = constantValue(top), value <= UInt64(UInt32.max) {
                code.emit_return_imm32(imm: UInt32(value))
            } else {
                code.emit_return_value(src: top.reg)
            }
            return
        }
        // A result read from a parameter slot that an earlier result overwrites must be copied
        // out first; temporaries and constants live above the result area and are safe.
        var needsStaging = false
        var dst = 0
        for i in first..<stack.count {
            if case .local(let r) = stack[i].source, Int(r) < resultSlots, Int(r) != dst { needsStaging = true }
            dst += stack[i].type?.slotCount ?? 1
        }
        if needsStaging {
            for i in first..<stack.count { materialize(i) }
        }
        dst = 0
        for i in first..<stack.count {
            emitCopy(to: Reg(dst), from: stack[i].reg, type: stack[i].type)
            dst += stack[i].type?.slotCount ?? 1
        }
        code.emit_return()
    }

    /// Checks that the label's values are on top of the stack (their types), without popping.
    mutating func checkLabelValues(depth: Int) throws -> [ValueType] {
        let types = controls[controls.count - 1 - depth].labelTypes
        let entries = try pop(types)
        for (t, e) in zip(types, entries) { try pushEntry(t, source: e.source) }
        return types
    }

    mutating func markUnreachable() {
        let frame = controls[controls.count - 1]
        while stack.count > frame.height { _ = try? pop() }
        controls[controls.count - 1].unreachable = true
    }

    func labelDepth(_ depth: UInt32) throws -> Int {
        guard Int(depth) < controls.count else { throw fail("unknown label") }
        return Int(depth)
    }

    // MARK: Finishing

    /// Gives the constants that some instruction reads from a register a slot after the
    /// locals (in first-use order), puts the temporaries after them, and rewrites every
    /// tagged register.
    mutating func finish() throws -> CompiledFunction {
        var words = code.words
        var slotOfConstant = [Int](repeating: -1, count: constants.count)
        var used: [UInt64] = []
        for (at, op) in code.instructions {
            for field in op.operands where field.kind == .register {
                let value = Reg(truncatingIfNeeded: words[at + 1 + field.word] >> UInt64(field.shift))
                guard value & Self.tempTag == 0, value & Self.constTag != 0 else { continue }
                let index = Int(value & ~Self.constTag)
                if slotOfConstant[index] < 0 {
                    slotOfConstant[index] = localsEnd + used.count
                    used.append(constants[index])
                }
            }
        }
        // Legacy catches keep their exceptions below the temporaries, where no callee's frame
        // (which starts at a temporary) reaches.
        let exceptionBase = localsEnd + used.count
        let tempBase = exceptionBase + exceptionSlots
        let frameSize = tempBase + maxSlotHeight + 2
        guard frameSize < 0xFFFF else { throw fail("function too large: frame exceeds 65535 slots") }
        for (at, op) in code.instructions {
            for field in op.operands where field.kind == .register {
                let w = at + 1 + field.word
                let value = Reg(truncatingIfNeeded: words[w] >> UInt64(field.shift))
                let final: Int
                if value & Self.tempTag != 0 {
                    final = tempBase + Int(value & 0x7FFF)
                } else if value & Self.constTag != 0 {
                    final = slotOfConstant[Int(value & ~Self.constTag)]
                } else {
                    continue
                }
                words[w] = (words[w] & ~(0xFFFF << UInt64(field.shift))) | (UInt64(final) << UInt64(field.shift))
            }
        }
        constants = used
        for r in handlers.indices {
            for c in handlers[r].clauses.indices {
                handlers[r].clauses[c].slot += tempBase
                if let level = handlers[r].clauses[c].exceptionSlot { handlers[r].clauses[c].exceptionSlot = exceptionBase + level }
            }
        }
        for (at, level) in rethrowSites {
            let field = Op.throwRef.operands[0]
            let w = at + 1 + field.word
            words[w] = (words[w] & ~(0xFFFF << UInt64(field.shift))) | (UInt64(exceptionBase + level) << UInt64(field.shift))
        }
        // A landing pad is entered from wherever the body threw, which the analysis of
        // locals read before written does not follow: functions that catch zero them all.
        var zeroed = handlers.isEmpty ? localsToZero(words, code.instructions, locals: localsStart..<localsEnd)
            : localsStart..<localsEnd
        if let traced = tracedLocalSlots() {
            zeroed = zeroed.isEmpty ? traced : min(zeroed.lowerBound, traced.lowerBound)..<max(zeroed.upperBound, traced.upperBound)
        }
        let chosen = joinSuperinstructions(&words, code.instructions, handlers: code.handlers)
        useAccumulator(&words, code.instructions, chosen: chosen, handlers: code.handlers)
        return CompiledFunction(code: words, constants: constants, typeIndex: typeIndex,
                                localsStart: localsStart, localSlots: localsEnd - localsStart, frameSize: frameSize,
                                zeroedLocals: zeroed, sourceOffsets: code.sources,
                                handlers: handlers, stackMap: stackMap(tempBase: tempBase))
    }
}
