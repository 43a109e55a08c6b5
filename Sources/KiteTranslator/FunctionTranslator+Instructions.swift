import KiteBinary

extension FunctionTranslator {
    /// Validates and translates one instruction. Nothing is emitted in unreachable code,
    /// but it is still fully type-checked.
    mutating func translate(_ instruction: Instruction) throws {
        let previous = producer
        producer = nil
        if !meters.isEmpty { meters[meters.count - 1].count &+= 1 }
        switch instruction {
        case .unreachable:
            if reachable { code.emit_unreachable() }
            markUnreachable()
        case .nop:
            break
        case .block(let bt):
            try enterBlock(.block, try context.blockType(bt, offset: offset))
        case .loop(let bt):
            try enterBlock(.loop, try context.blockType(bt, offset: offset))
            controls[controls.count - 1].loopStart = code.count
            labelPosition = code.count
            if context.metered { meters.append(Meter(at: reachable ? code.emit_meter(cost: 0) : nil)) }
        case .if(let bt):
            let type = try context.blockType(bt, offset: offset)
            let condition = try pop(.i32)
            try enterBlock(.if, type)
            if reachable {
                let at: Int
                if let fused = fusedCompare(previous, condition: condition, negate: true) {
                    at = fused
                } else {
                    at = code.emit_br_if_eqz(cond: condition.reg, off: 0)
                }
                controls[controls.count - 1].elseFixup = branchOffsetField(at)
            }
        case .else:
            var frame = controls[controls.count - 1]
            guard frame.kind == .if else { throw fail("else without if") }
            try checkFrameEnd(frame)
            if reachable {
                for i in (stack.count - frame.type.results.count)..<stack.count { materialize(i) }
                let at = code.emit_br(off: 0)
                frame.fixups.append(Fixup(instruction: at, word: at + 1, shift: 0))
            }
            if let elseFixup = frame.elseFixup { patch(elseFixup, to: code.count) }
            frame.elseFixup = nil
            frame.kind = .else
            if !initialized.isEmpty { initialized = frame.initializedAtEntry }
            frame.unreachable = false
            controls[controls.count - 1] = frame
            while stack.count > frame.height { _ = try pop() }
            for t in frame.type.parameters { try push(t) }
        case .tryTable(let bt, let catches):
            let type = try context.blockType(bt, offset: offset)
            for c in catches { try checkCatch(c) }
            try enterBlock(.tryTable, type)
            controls[controls.count - 1].catches = catches
            openRegion()
        case .throw(let tag):
            let type = try context.tagType(tag, offset: offset)
            try emitCall(type) { code, base in code.emit_throw(tag: tag, base: base) }
            markUnreachable()
        case .throwRef:
            let exception = try pop(.ref(.exnref))
            if reachable { code.emit_throw_ref(ref: exception.reg) }
            markUnreachable()
        case .legacyTry(let bt):
            try enterBlock(.legacyTry, try context.blockType(bt, offset: offset))
            openRegion()
        case .legacyCatch(let tag):
            try legacyCatch(values: try context.tagType(tag, offset: offset).parameters, kind: .catch, tag: tag)
        case .legacyCatchAll:
            try legacyCatch(values: [], kind: .catchAll, tag: 0)
        case .delegate(let d):
            let frame = controls[controls.count - 1]
            guard frame.kind == .legacyTry else { throw fail("delegate without try") }
            guard Int(d) < controls.count - 1 else { throw fail("unknown label") }
            if let region = frame.region {
                // The body's exceptions go to the handlers around label d (outside the try).
                handlers[region].end = code.count
                handlers[region].next = enclosingRegion(below: controls.count - 2 - Int(d))
            }
            try endBlock(previous: previous)
        case .rethrow(let d):
            let frame = controls[controls.count - 1 - (try labelDepth(d))]
            guard frame.kind == .legacyCatch || frame.kind == .legacyCatchAll else { throw fail("invalid rethrow label") }
            if reachable {
                let at = code.emit_throw_ref(ref: 0)
                rethrowSites.append((at, frame.exceptionSlot))
            }
            markUnreachable()
        case .end:
            try endBlock(previous: previous)
        case .br(let d):
            let depth = try labelDepth(d)
            _ = try checkLabelValues(depth: depth)
            if reachable { emitBranch(depth: depth) }
            markUnreachable()
        case .brIf(let d):
            let depth = try labelDepth(d)
            let condition = try pop(.i32)
            _ = try checkLabelValues(depth: depth)
            if reachable { emitConditionalBranch(depth: depth, condition: condition, previous: previous) }
        case .brTable(let targets, let defaultTarget):
            try translateBrTable(targets: targets, defaultTarget: defaultTarget)
        case .return:
            try returnFromFunction(previous: previous)
        case .call(let f):
            let type = try context.functionType(f, offset: offset)
            let local = Int(f) >= context.importedFunctionCount
            try emitCall(type) { code, base in local ? code.emit_call_local(func: f, base: base) : code.emit_call(func: f, base: base) }
        case .callIndirect(let typeIndex, let table):
            let (type, index) = try indirectCallee(typeIndex, table: table)
            // The index sits above the arguments, so the callee frame does not overlap it
            // before the handler has read it.
            try emitCall(type) { code, base in
                code.emit_call_indirect(type: typeIndex, index: index, base: base, table: table)
            }
        case .returnCall(let f):
            let type = try context.functionType(f, offset: offset)
            try emitTailCall(type) { code, base in code.emit_return_call(func: f, base: base) }
        case .returnCallIndirect(let typeIndex, let table):
            let (type, index) = try indirectCallee(typeIndex, table: table)
            try emitTailCall(type) { code, base in
                code.emit_return_call_indirect(type: typeIndex, index: index, base: base, table: table)
            }
        case .callRef(let typeIndex):
            let type = try context.type(typeIndex, offset: offset)
            let ref = try pop(.ref(RefType(nullable: true, heap: .concrete(typeIndex))))
            try emitCall(type) { code, base in code.emit_call_ref(ref: ref.reg, base: base) }
        case .returnCallRef(let typeIndex):
            let type = try context.type(typeIndex, offset: offset)
            let ref = try pop(.ref(RefType(nullable: true, heap: .concrete(typeIndex))))
            try emitTailCall(type) { code, base in code.emit_return_call_ref(ref: ref.reg, base: base) }
        case .refAsNonNull:
            let value = try popRef()
            var type = value.type
            if case .ref(var r)? = type { r.nullable = false; type = .ref(r) }
            let dst = try push(type).home
            if reachable { code.emit_ref_as_non_null(dst: dst, src: value.reg) }
        case .brOnNull(let d):
            let depth = try labelDepth(d)
            let value = try popRef()
            _ = try checkLabelValues(depth: depth)
            if reachable {
                emitBranch(depth: depth, when: value.reg, isNull: true)
            }
            var type = value.type
            if case .ref(var r)? = type { r.nullable = false; type = .ref(r) }
            try pushEntry(type, source: value.source)
        case .brOnNonNull(let d):
            let depth = try labelDepth(d)
            let labelTypes = controls[controls.count - 1 - depth].labelTypes
            guard case .ref? = labelTypes.last else { throw fail("type mismatch") }
            let value = try popRef()
            var type = value.type
            if case .ref(var r)? = type { r.nullable = false; type = .ref(r) }
            try pushEntry(type, source: value.source)
            _ = try checkLabelValues(depth: depth)
            if reachable {
                emitBranch(depth: depth, when: stack[stack.count - 1].reg, isNull: false)
            }
            _ = try pop()
        case .drop:
            _ = try pop()
        case .select(let types):
            try translateSelect(types)
        case .localGet(let i):
            let (type, slot) = try local(i)
            if !initialized.isEmpty && !initialized[Int(i)] { throw fail("uninitialized local \(i)") }
            try pushEntry(type, source: .local(slot))
        case .localSet(let i):
            let (type, slot) = try local(i)
            if !initialized.isEmpty { initialized[Int(i)] = true }
            let value = try pop(type)
            if reachable { storeLocal(slot, value: value, type: type, previous: previous) }
        case .localTee(let i):
            let (type, slot) = try local(i)
            if !initialized.isEmpty { initialized[Int(i)] = true }
            let value = try pop(type)
            if reachable { storeLocal(slot, value: value, type: type, previous: previous) }
            try pushEntry(type, source: .local(slot))
        case .globalGet(let g):
            let type = try context.global(g, offset: offset)
            let dst = try push(type.valueType).home
            if reachable {
                let at = type.valueType == .v128 ? code.emit_global_get_v128(dst: dst, global: g) : code.emit_global_get(dst: dst, global: g)
                producer = Producer(instruction: at, op: type.valueType == .v128 ? .globalGetV128 : .globalGet, lowering: nil)
            }
        case .globalSet(let g):
            let type = try context.global(g, offset: offset)
            guard type.mutable else { throw fail("immutable global") }
            let value = try pop(type.valueType)
            if reachable {
                if type.valueType == .v128 { code.emit_global_set_v128(src: value.reg, global: g) } else { code.emit_global_set(src: value.reg, global: g) }
            }
        case .tableGet(let t):
            let type = try context.table(t, offset: offset)
            let index = try tableIndex(try pop(indexType(t)), table: t)
            let dst = try push(.ref(type.elementType)).home
            if reachable { code.emit_table_get(dst: dst, index: index, table: t) }
        case .tableSet(let t):
            let type = try context.table(t, offset: offset)
            let value = try pop(.ref(type.elementType))
            let index = try tableIndex(try pop(indexType(t)), table: t)
            if reachable { code.emit_table_set(index: index, value: value.reg, table: t) }
        case .load(let opcode, let memarg):
            guard let lowering = loadLowering[opcode] else { throw fail("illegal opcode") }
            try checkMemArg(memarg, size: lowering.size)
            let address = try pop(addressType(memarg.memory))
            let dst = try push(lowering.type).home
            if reachable {
                let op: Op
                let at: Int
                if addressType(memarg.memory) == .i64 {
                    op = lowering.memory64Op
                    at = code.emit(op, [UInt64(dst), UInt64(address.reg), UInt64(memarg.memory), memarg.offset])
                } else {
                    op = memarg.memory == 0 ? lowering.op : lowering.otherMemoryOp
                    at = code.emit(op, [UInt64(dst), UInt64(address.reg), memarg.offset, UInt64(memarg.memory)])
                }
                producer = Producer(instruction: at, op: op, lowering: nil)
            }
        case .store(let opcode, let memarg):
            guard let lowering = storeLowering[opcode] else { throw fail("illegal opcode") }
            try checkMemArg(memarg, size: lowering.size)
            let value = try pop(lowering.type)
            let address = try pop(addressType(memarg.memory))
            if reachable {
                if addressType(memarg.memory) == .i64 {
                    code.emit(lowering.memory64Op, [UInt64(address.reg), UInt64(value.reg), UInt64(memarg.memory), memarg.offset])
                } else if memarg.memory == 0 {
                    code.emit(lowering.op, [UInt64(address.reg), UInt64(value.reg), memarg.offset])
                } else {
                    code.emit(lowering.otherMemoryOp, [UInt64(address.reg), UInt64(value.reg), memarg.offset, UInt64(memarg.memory)])
                }
            }
        case .memorySize(let m):
            try checkMemoryIndex(m)
            let dst = try push(addressType(m)).home
            if reachable {
                if addressType(m) == .i64 { code.emit_memory_size64(dst: dst, memidx: m) } else { code.emit_memory_size(dst: dst, memidx: m) }
            }
        case .memoryGrow(let m):
            try checkMemoryIndex(m)
            let delta = try pop(addressType(m))
            let dst = try push(addressType(m)).home
            if reachable {
                if addressType(m) == .i64 {
                    code.emit_memory_grow64(dst: dst, delta: delta.reg, memidx: m)
                } else {
                    code.emit_memory_grow(dst: dst, delta: delta.reg, memidx: m)
                }
            }
        case .i32Const(let v):
            try constant(UInt64(UInt32(bitPattern: v)), .i32)
        case .i64Const(let v):
            try constant(UInt64(bitPattern: v), .i64)
        case .f32Const(let bits):
            try constant(UInt64(bits), .f32)
        case .f64Const(let bits):
            try constant(bits, .f64)
        case .numeric(let opcode):
            guard let lowering = numericLowering[opcode] else { throw fail("illegal opcode") }
            let operands = try pop(lowering.parameters)
            let dst = try push(lowering.result).home
            if reachable {
                // A constant right operand travels in the instruction instead of a slot.
                if let immediateOp = lowering.immediate, let value = constantValue(operands[1]) {
                    let at = code.emit(immediateOp, [UInt64(dst), UInt64(operands[0].reg), value])
                    producer = Producer(instruction: at, op: immediateOp, lowering: lowering, immediate: value)
                } else {
                    let at = code.emit(lowering.op, [UInt64(dst)] + operands.map { UInt64($0.reg) })
                    producer = Producer(instruction: at, op: lowering.op, lowering: lowering)
                }
            }
        case .refNull(let type):
            try context.checkTypeIndices(.ref(type), offset: offset)
            try constant(0, .ref(type))
        case .refIsNull:
            let value = try popRef()
            let dst = try push(.i32).home
            if reachable { code.emit_ref_is_null(dst: dst, src: value.reg) }
        case .refFunc(let f):
            _ = try context.functionType(f, offset: offset)
            guard context.declaredFunctions.contains(f) else { throw fail("undeclared function reference") }
            let dst = try push(.ref(RefType(nullable: false, heap: .concrete(context.functionTypes[Int(f)])))).home
            if reachable { code.emit_ref_func(dst: dst, func: f) }
        case .memoryInit(let data, let m):
            try checkMemoryIndex(m)
            try context.checkData(data, offset: offset)
            let (d, s, n) = try popThree(addressType(m), .i32, .i32)
            if reachable {
                if addressType(m) == .i64 {
                    code.emit_memory_init64(dst: d.reg, src: s.reg, count: n.reg, data: data, memidx: m)
                } else {
                    code.emit_memory_init(dst: d.reg, src: s.reg, count: n.reg, data: data, memidx: m)
                }
            }
        case .dataDrop(let data):
            try context.checkData(data, offset: offset)
            if reachable { code.emit_data_drop(data: data) }
        case .memoryCopy(let dm, let sm):
            try checkMemoryIndex(dm)
            try checkMemoryIndex(sm)
            // The count is 64-bit only when both memories are.
            let (d, s, n) = try popThree(addressType(dm), addressType(sm),
                                         addressType(dm) == .i64 && addressType(sm) == .i64 ? .i64 : .i32)
            if reachable {
                let wide = (addressType(dm) == .i64 ? 1 : 0) | (addressType(sm) == .i64 ? 2 : 0)
                if wide == 0 {
                    code.emit_memory_copy(dst: d.reg, src: s.reg, count: n.reg, dst_mem: dm, src_mem: sm)
                } else {
                    code.emit_memory_copy_wide(dst: d.reg, src: s.reg, count: n.reg, dst_mem: dm, src_mem: sm, wide: UInt32(wide))
                }
            }
        case .memoryFill(let m):
            try checkMemoryIndex(m)
            let (d, v, n) = try popThree(addressType(m), .i32, addressType(m))
            if reachable {
                if addressType(m) == .i64 {
                    code.emit_memory_fill64(dst: d.reg, value: v.reg, count: n.reg, memidx: m)
                } else {
                    code.emit_memory_fill(dst: d.reg, value: v.reg, count: n.reg, memidx: m)
                }
            }
        case .tableInit(let elem, let table):
            let tableType = try context.table(table, offset: offset)
            let elemType = try context.elementType(elem, offset: offset)
            guard context.isSubtype(elemType, tableType.elementType) else { throw fail("type mismatch") }
            let (d, s, n) = try popThree(indexType(table), .i32, .i32)
            let dst = try tableIndex(d, table: table)
            if reachable { code.emit_table_init(dst: dst, src: s.reg, count: n.reg, table: table, elem: elem) }
        case .elemDrop(let elem):
            _ = try context.elementType(elem, offset: offset)
            if reachable { code.emit_elem_drop(elem: elem) }
        case .tableCopy(let dt, let st):
            let dstType = try context.table(dt, offset: offset)
            let srcType = try context.table(st, offset: offset)
            guard context.isSubtype(srcType.elementType, dstType.elementType) else { throw fail("type mismatch") }
            let countType: ValueType = indexType(dt) == .i64 && indexType(st) == .i64 ? .i64 : .i32
            let (d, s, n) = try popThree(indexType(dt), indexType(st), countType)
            let dst = try tableIndex(d, table: dt), src = try tableIndex(s, table: st)
            let count = countType == .i64 ? try tableIndex(n, table: dt) : n.reg
            if reachable { code.emit_table_copy(dst: dst, src: src, count: count, dst_table: dt, src_table: st) }
        case .tableGrow(let t):
            let type = try context.table(t, offset: offset)
            let delta = try tableIndex(try pop(indexType(t)), table: t)
            let initial = try pop(.ref(type.elementType))
            let dst = try push(indexType(t)).home
            if reachable {
                code.emit_table_grow(dst: dst, init: initial.reg, delta: delta, table: t)
                if indexType(t) == .i64 { code.emit_grow_result64(dst: dst, src: dst) }
            }
        case .tableSize(let t):
            _ = try context.table(t, offset: offset)
            let dst = try push(indexType(t)).home
            if reachable {
                code.emit_table_size(dst: dst, table: t)
                if indexType(t) == .i64, let extend = numericLowering[NumericOpcode.i64ExtendI32U] { code.emit(extend.op, [UInt64(dst), UInt64(dst)]) }
            }
        case .tableFill(let t):
            let type = try context.table(t, offset: offset)
            let count = try tableIndex(try pop(indexType(t)), table: t)
            let value = try pop(.ref(type.elementType))
            let start = try tableIndex(try pop(indexType(t)), table: t)
            if reachable { code.emit_table_fill(start: start, value: value.reg, count: count, table: t) }
        case .simd(let opcode, let immediate):
            try translateSIMD(opcode, immediate, previous: previous)
        default:
            try translateGC(instruction)
        }
    }

    // MARK: Pieces

    func local(_ index: UInt32) throws -> (ValueType, Reg) {
        guard Int(index) < locals.count else { throw fail("unknown local \(index)") }
        return (locals[Int(index)], localSlot[Int(index)])
    }

    mutating func popThree(_ a: ValueType, _ b: ValueType, _ c: ValueType) throws -> (Entry, Entry, Entry) {
        let z = try pop(c)
        let y = try pop(b)
        let x = try pop(a)
        return (x, y, z)
    }

    /// `call_indirect` / `return_call_indirect`: the callee's type, and the register of the
    /// table index (popped; the table must hold function references).
    mutating func indirectCallee(_ typeIndex: UInt32, table: UInt32) throws -> (FunctionType, Reg) {
        let tableType = try context.table(table, offset: offset)
        let type = try context.type(typeIndex, offset: offset)
        guard context.isSubtype(tableType.elementType, .funcref) else { throw fail("type mismatch") }
        return (type, try tableIndex(try pop(indexType(table)), table: table))
    }

    /// Indices of table `index` are i64 for 64-bit tables (table64), else i32.
    func indexType(_ table: UInt32) -> ValueType {
        Int(table) < context.tables.count && context.tables[Int(table)].limits.is64 ? .i64 : .i32
    }

    /// The register holding `entry` as a 32-bit table index: for a 64-bit table, the value is
    /// first clamped to 32 bits into the entry's own (free, since popped) temporary.
    mutating func tableIndex(_ entry: Entry, table: UInt32) throws -> Reg {
        guard indexType(table) == .i64, reachable else { return entry.reg }
        code.emit_index_clamp64(dst: entry.home, src: entry.reg)
        return entry.home
    }

    /// Addresses of memory `index` are i64 for 64-bit memories, else i32.
    func addressType(_ index: UInt32) -> ValueType {
        Int(index) < context.memories.count && context.memories[Int(index)].limits.is64 ? .i64 : .i32
    }

    func checkMemoryIndex(_ index: UInt32) throws {
        _ = try context.memory(index, offset: offset)
    }

    func checkMemArg(_ memarg: MemArg, size: Int) throws {
        try checkMemoryIndex(memarg.memory)
        // Compare exponents: the immediate may be any u32, far beyond a shift's range.
        if memarg.align > UInt32(size.trailingZeroBitCount) { throw fail("alignment must not be larger than natural") }
        if addressType(memarg.memory) == .i32 && memarg.offset > UInt64(UInt32.max) { throw fail("offset out of range") }
    }

    /// `local.set`: retarget the producer of the value when it is the instruction just
    /// emitted, otherwise copy. Other stack entries reading the local are preserved first.
    mutating func storeLocal(_ slot: Reg, value: Entry, type: ValueType, previous: Producer?) {
        if value.source == .local(slot) { return }
        let othersReadIt = stack.contains { $0.source == .local(slot) }
        if !othersReadIt, let p = previous, value.source == .temp, p.instruction + p.op.wordCount == code.count,
           code.field(word: p.instruction + 1, shift: 0, width: 16) == UInt64(value.home) {
            code.patch(word: p.instruction + 1, shift: 0, width: 16, value: UInt64(slot))
            return
        }
        preserveLocal(slot)
        emitCopy(to: slot, from: value.reg, type: type)
    }

    /// When `condition` is the result of the comparison emitted just before, drops that
    /// instruction and emits one compare-and-branch in its place (offset 0, patched later).
    /// Returns its start.
    mutating func fusedCompare(_ previous: Producer?, condition: Entry, negate: Bool) -> Int? {
        guard let p = previous, let lowering = p.lowering, condition.source == .temp,
              p.instruction + p.op.wordCount == code.count,
              code.field(word: p.instruction + 1, shift: 0, width: 16) == UInt64(condition.home) else { return nil }
        let a = code.field(word: p.instruction + 1, shift: 16, width: 16)
        if let immediate = p.immediate {
            guard let fusedOp = negate ? lowering.immediateBranchUnless : lowering.immediateBranchIf else { return nil }
            code.truncate(to: p.instruction)
            return code.emit(fusedOp, [a, immediate, 0])
        }
        guard let fusedOp = negate ? lowering.branchUnless : lowering.branchIf else { return nil }
        code.truncate(to: p.instruction)
        if lowering.parameters.count == 2 {
            return code.emit(fusedOp, [a, code.fieldOfTruncated(shift: 32), 0])
        }
        return code.emit(fusedOp, [a, 0])
    }

    /// A counting loop's back edge: when the fused branch just emitted at `at` tests `x` and
    /// the instruction before it is `x = x + step`, with no label between them, both become
    /// one `i32.add_imm+br_if_...` instruction. Returns its start (its offset still 0).
    mutating func fuseStep(into at: Int) -> Int? {
        let instructions = code.instructions
        guard instructions.count >= 2, let stepOp = stepBranchLowering[instructions[instructions.count - 1].op] else { return nil }
        let (addAt, addOp) = instructions[instructions.count - 2]
        guard addOp == .i32AddImm, addAt >= labelPosition, addAt + addOp.wordCount == at else { return nil }
        let x = code.field(word: addAt + 1, shift: 0, width: 16)
        let step = code.field(word: addAt + 1, shift: 32, width: 32)
        guard code.field(word: addAt + 1, shift: 16, width: 16) == x,
              code.field(word: at + 1, shift: 0, width: 16) == x else { return nil }
        // The branch's second operand: a register (word 1, bits 16...31) or an immediate
        // (word 1, bits 16...47), by the branch's layout.
        let second = instructions[instructions.count - 1].op.operands[1]
        let b = code.field(word: at + 1 + second.word, shift: second.shift, width: second.kind == .register ? 16 : 32)
        code.truncate(to: addAt)
        return second.kind == .register ? code.emit(stepOp, [x, b, step, 0]) : code.emit(stepOp, [x, step, b, 0])
    }

    /// The offset field of the conditional branch just emitted at `at`.
    func branchOffsetField(_ at: Int) -> Fixup {
        let field = code.instructions.last!.op.operands.first { $0.name == "off" }!
        return Fixup(instruction: at, word: at + 1 + field.word, shift: field.shift)
    }

    mutating func enterBlock(_ kind: Control.Kind, _ type: FunctionType) throws {
        let params = try pop(type.parameters)
        // Parameters go back on the stack, then everything naming a local is copied out.
        for (t, e) in zip(type.parameters, params) { try pushEntry(t, source: e.source) }
        materializeLocals()
        if kind == .loop || kind == .if {
            // Back edges write loop parameters into their slots, and the else arm reads the
            // parameters from their slots, so they must live there.
            for i in (stack.count - params.count)..<stack.count { materialize(i) }
        }
        let height = stack.count - params.count
        let slotHeightAtEntry = slotHeight - type.parameters.reduce(0) { $0 + $1.slotCount }
        controls.append(Control(kind: kind, type: type, height: height, slotHeight: slotHeightAtEntry,
                                dead: !reachable, initializedAtEntry: initialized))
    }

    func checkFrameEnd(_ frame: Control) throws {
        let results = frame.type.results
        guard stack.count >= frame.height + (frame.unreachable ? 0 : results.count) else { throw fail("type mismatch") }
        var copy = self
        _ = try copy.pop(results)
        if copy.stack.count != frame.height { throw fail("type mismatch") }
    }

    mutating func endBlock(previous: Producer?) throws {
        let frame = controls[controls.count - 1]
        try checkFrameEnd(frame)
        if frame.kind == .function {
            if reachable {
                emitReturnSequence(previous: previous)
            }
            controls.removeLast()
            if context.metered { closeMeter() }
            return
        }
        if frame.kind == .loop && context.metered { closeMeter() }
        if frame.kind == .if && frame.type.parameters != frame.type.results { throw fail("type mismatch") }
        if reachable {
            for i in (stack.count - frame.type.results.count)..<stack.count { materialize(i) }
        }
        if frame.kind == .tryTable && !frame.dead { try emitLandingPads(frame) }
        for fixup in frame.fixups { patch(fixup, to: code.count) }
        if let elseFixup = frame.elseFixup { patch(elseFixup, to: code.count) }
        while stack.count > frame.height { _ = try pop() }
        controls.removeLast()
        if !initialized.isEmpty { initialized = frame.initializedAtEntry }
        for t in frame.type.results { try push(t) }
    }

    /// A catch clause's label (relative to the blocks around the try_table) takes its values.
    func checkCatch(_ clause: Catch) throws {
        let depth = try labelDepth(clause.label)
        try context.checkCatch(clause, labelTypes: controls[controls.count - 1 - depth].labelTypes, offset: offset)
    }

    /// The handler region of the innermost control at index `top` or below whose body
    /// catches (a try_table, a legacy try's body): where an exception there is looked for.
    func enclosingRegion(below top: Int) -> Int? {
        guard top >= 0 else { return nil }
        for control in controls[...top].reversed() where control.kind == .tryTable || control.kind == .legacyTry {
            if let region = control.region { return region }
        }
        return nil
    }

    /// Starts the handler region of the try_table or legacy try just entered.
    mutating func openRegion() {
        let index = controls.count - 1
        controls[index].regionStart = code.count
        // Nothing may fuse across the start of the region.
        labelPosition = code.count
        guard !controls[index].dead else { return }
        handlers.append(HandlerRegion(start: code.count, end: code.count, clauses: [],
                                      next: enclosingRegion(below: index - 1)))
        controls[index].region = handlers.count - 1
    }

    /// `catch TAG` / `catch_all` of a legacy try: the body (or the previous catch body) ends
    /// with a branch to the end, and a handler body starts here, entered by the unwinder with
    /// the tag's values in the try's slots and the exception in this nesting level's slot.
    mutating func legacyCatch(values: [ValueType], kind: Catch.Kind, tag: UInt32) throws {
        var frame = controls[controls.count - 1]
        guard frame.kind == .legacyTry || frame.kind == .legacyCatch else { throw fail("catch without try") }
        try checkFrameEnd(frame)
        if frame.kind == .legacyTry, let region = frame.region { handlers[region].end = code.count }
        if reachable {
            for i in (stack.count - frame.type.results.count)..<stack.count { materialize(i) }
            let at = code.emit_br(off: 0)
            frame.fixups.append(Fixup(instruction: at, word: at + 1, shift: 0))
        }
        while stack.count > frame.height { _ = try pop() }
        let level = controls.filter { $0.kind == .legacyCatch || $0.kind == .legacyCatchAll }.count
        exceptionSlots = max(exceptionSlots, level + 1)
        frame.kind = kind == .catchAll ? .legacyCatchAll : .legacyCatch
        frame.exceptionSlot = level
        frame.unreachable = false
        if !initialized.isEmpty { initialized = frame.initializedAtEntry }
        controls[controls.count - 1] = frame
        labelPosition = code.count
        if let region = frame.region {
            handlers[region].clauses.append(HandlerRegion.Clause(kind: kind, tag: tag, pad: code.count,
                                                                 slot: frame.slotHeight, exceptionSlot: level))
        }
        for t in values { try push(t) }
    }

    /// At the end of a try_table body (still the innermost control): a branch over the landing
    /// pads, then one pad per catch clause, each a branch to its label with the values the
    /// unwinder stores in that label's slots; completes the body's handler region.
    mutating func emitLandingPads(_ frame: Control) throws {
        let end = code.count
        var over: Fixup?
        if reachable {
            let at = code.emit_br(off: 0)
            over = Fixup(instruction: at, word: at + 1, shift: 0)
        }
        let savedStack = stack, savedHeight = slotHeight, savedMax = maxSlotHeight
        let savedUnreachable = controls[controls.count - 1].unreachable
        controls[controls.count - 1].unreachable = false
        var clauses: [HandlerRegion.Clause] = []
        for clause in frame.catches {
            // The label's values sit in its own slots, as if a branch had just moved them there.
            let depth = Int(clause.label) + 1
            let target = controls[controls.count - 1 - depth]
            stack = Array(savedStack.prefix(target.height))
            slotHeight = target.slotHeight
            for t in target.labelTypes { try push(t) }
            labelPosition = code.count
            clauses.append(HandlerRegion.Clause(kind: clause.kind, tag: clause.tag, pad: code.count, slot: target.slotHeight))
            emitBranch(depth: depth)
        }
        stack = savedStack
        slotHeight = savedHeight
        maxSlotHeight = max(maxSlotHeight, savedMax)
        controls[controls.count - 1].unreachable = savedUnreachable
        if let over { patch(over, to: code.count) }
        labelPosition = code.count
        if let region = frame.region {
            handlers[region].end = end
            handlers[region].clauses = clauses
        }
    }

    mutating func returnFromFunction(previous: Producer?) throws {
        let entries = try pop(functionType.results)
        for (t, e) in zip(functionType.results, entries) { try pushEntry(t, source: e.source) }
        if reachable { emitReturnSequence(previous: previous) }
        markUnreachable()
    }

    /// Unconditional branch with the label's values already checked on top of the stack.
    mutating func emitBranch(depth: Int) {
        if depth == controls.count - 1 {
            emitReturnSequence()
            return
        }
        moveToLabel(depth: depth)
        branch(to: depth, emit: { $0.emit_br(off: 0) }, offsetField: (0, 0))
    }

    mutating func emitConditionalBranch(depth: Int, condition: Entry, previous: Producer?) {
        // A branch to the function label is a return, which always needs its sequence.
        let needsMoves = depth == controls.count - 1 || labelNeedsMoves(depth: depth)
        if !needsMoves {
            if let at = fusedCompare(previous, condition: condition, negate: false) {
                // (Two statements: a method call captures `self` before evaluating its arguments.)
                let branchAt = fuseStep(into: at) ?? at
                addFixup(depth: depth, branchOffsetField(branchAt))
            } else {
                branch(to: depth, emit: { $0.emit_br_if_nez(cond: condition.reg, off: 0) }, offsetField: (0, 16))
            }
            return
        }
        // Skip over the moves when the branch is not taken.
        let skip: Fixup
        if let at = fusedCompare(previous, condition: condition, negate: true) {
            skip = branchOffsetField(at)
        } else {
            let at = code.emit_br_if_eqz(cond: condition.reg, off: 0)
            skip = Fixup(instruction: at, word: at + 1, shift: 16)
        }
        emitBranch(depth: depth)
        patch(skip, to: code.count)
    }

    /// Whether branching to `depth` needs copies: some label value is not in its slot yet.
    func labelNeedsMoves(depth: Int) -> Bool {
        let target = controls[controls.count - 1 - depth]
        var dst = target.slotHeight
        for i in (stack.count - target.labelTypes.count)..<stack.count {
            if stack[i].reg != Self.tempTag | Reg(truncatingIfNeeded: dst) { return true }
            dst += stack[i].type?.slotCount ?? 1
        }
        return false
    }

    mutating func addFixup(depth: Int, _ fixup: Fixup) {
        let target = controls.count - 1 - depth
        if controls[target].kind == .loop {
            patch(fixup, to: controls[target].loopStart)
        } else {
            controls[target].fixups.append(fixup)
        }
    }

    mutating func translateBrTable(targets: [UInt32], defaultTarget: UInt32) throws {
        let index = try pop(.i32)
        let defaultDepth = try labelDepth(defaultTarget)
        let arity = controls[controls.count - 1 - defaultDepth].labelTypes.count
        var depths: [Int] = []
        for t in targets {
            let depth = try labelDepth(t)
            guard controls[controls.count - 1 - depth].labelTypes.count == arity else { throw fail("type mismatch") }
            // Each target's types must match the values on the stack.
            var probe = self
            _ = try probe.checkLabelValues(depth: depth)
            depths.append(depth)
        }
        _ = try checkLabelValues(depth: defaultDepth)
        depths.append(defaultDepth)
        if reachable {
            let at = code.emit_br_table(index: index.reg, count: UInt32(targets.count))
            let tableStart = code.count
            for _ in depths { code.appendWord(0) }
            // An entry whose label needs no value moves jumps straight to the label; the
            // others jump to a small landing pad that moves the values and branches. Pads
            // for the same label are shared.
            var pads: [Int: Int] = [:]
            for (i, depth) in depths.enumerated() {
                if !(depth == controls.count - 1 || labelNeedsMoves(depth: depth)) {
                    addFixup(depth: depth, Fixup(instruction: at, word: tableStart + i, shift: 0))
                    continue
                }
                let pad: Int
                if let existing = pads[depth] {
                    pad = existing
                } else {
                    pad = code.count
                    pads[depth] = pad
                    labelPosition = pad
                    emitBranch(depth: depth)
                }
                let delta = Int32(truncatingIfNeeded: pad - at)
                code.patch(word: tableStart + i, shift: 0, width: 64, value: UInt64(UInt32(bitPattern: delta)))
            }
        }
        markUnreachable()
    }

    mutating func translateSelect(_ types: [ValueType]?) throws {
        if let types, types.count != 1 { throw fail("invalid result arity") }
        let condition = try pop(.i32)
        let b = try pop()
        let a = try pop()
        let type = types?.first ?? a.type ?? b.type
        if let declared = types?.first {
            try context.checkTypeIndices(declared, offset: offset)
            if let t = a.type, !context.isSubtype(t, declared) { throw fail("type mismatch") }
            if let t = b.type, !context.isSubtype(t, declared) { throw fail("type mismatch") }
        } else {
            if let ta = a.type, let tb = b.type, ta != tb { throw fail("type mismatch") }
            if let t = type, case .ref = t { throw fail("type mismatch") }
        }
        let dst = try push(type).home
        if reachable {
            let at = type == .v128
                ? code.emit_select_v128(dst: dst, a: a.reg, b: b.reg, cond: condition.reg)
                : code.emit_select(dst: dst, a: a.reg, b: b.reg, cond: condition.reg)
            producer = Producer(instruction: at, op: type == .v128 ? .selectV128 : .select, lowering: nil)
        }
    }

    /// Branches to `depth` when the reference in `ref` is null (or non-null), moving the
    /// label's values first when they are not already in the label's slots.
    mutating func emitBranch(depth: Int, when ref: Reg, isNull: Bool) {
        // A branch to the function label is a return, which always needs its sequence.
        let needsMoves = depth == controls.count - 1 || labelNeedsMoves(depth: depth)
        if !needsMoves {
            branch(to: depth, emit: { isNull ? $0.emit_br_if_null(ref: ref, off: 0) : $0.emit_br_if_not_null(ref: ref, off: 0) },
                   offsetField: (0, 16))
            return
        }
        let at = isNull ? code.emit_br_if_not_null(ref: ref, off: 0) : code.emit_br_if_null(ref: ref, off: 0)
        emitBranch(depth: depth)
        patch(Fixup(instruction: at, word: at + 1, shift: 16), to: code.count)
    }

    /// A tail call: the callee's results must fit this function's results.
    mutating func emitTailCall(_ type: FunctionType, emit: (inout CodeBuffer, Reg) -> Int) throws {
        guard type.results.count == functionType.results.count,
              zip(type.results, functionType.results).allSatisfy({ context.isSubtype($0, $1) }) else {
            throw fail("type mismatch")
        }
        try emitCall(type, site: .none, emit: emit)
        markUnreachable()
    }

    /// What the collector may find suspended at a call-shaped instruction (see `StackMap`):
    /// a call (its frame waits for the callee), an allocation (it may collect), or nothing
    /// (a tail call's frame is gone).
    enum CallSite { case call, allocation, none }

    /// Arguments must sit in consecutive temporaries: the callee's frame starts at the first.
    mutating func emitCall(_ type: FunctionType, site: CallSite = .call, emit: (inout CodeBuffer, Reg) -> Int) throws {
        let args = try pop(type.parameters)
        for (t, e) in zip(type.parameters, args) { try pushEntry(t, source: e.source) }
        for i in (stack.count - args.count)..<stack.count { materialize(i) }
        let base = Self.tempTag | Reg(truncatingIfNeeded: slotHeight - type.parameters.reduce(0) { $0 + $1.slotCount })
        if reachable {
            let at = emit(&code, base)
            switch site {
            case .call:
                recordSite(offset: code.count, returning: true, live: tracedTemporaries(stack[..<(stack.count - args.count)]))
            case .allocation:
                recordSite(offset: at, returning: false, live: tracedTemporaries(stack[...]))
            case .none: break
            }
        }
        _ = try pop(type.parameters)
        for t in type.results { try push(t) }
    }
}
