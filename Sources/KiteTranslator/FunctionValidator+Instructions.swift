import KiteBinary

extension FunctionValidator {
    /// Type-checks one instruction (the rules of `FunctionTranslator.translate`, same errors).
    mutating func check(_ instruction: Instruction) throws {
        switch instruction {
        case .numeric(let opcode):
            guard let slot = Self.numericSlot(opcode), let signature = Self.numericSignatures[slot] else { throw fail("illegal opcode") }
            if let second = signature.second { try pop(second) }
            if let first = signature.first { try pop(first) }
            push(signature.result)
        case .localGet(let i):
            let type = try local(i)
            if !initialized.isEmpty && !initialized[Int(i)] { throw fail("uninitialized local \(i)") }
            push(type)
        case .localSet(let i):
            let type = try local(i)
            if !initialized.isEmpty { initialized[Int(i)] = true }
            try pop(type)
        case .localTee(let i):
            let type = try local(i)
            if !initialized.isEmpty { initialized[Int(i)] = true }
            try pop(type)
            push(type)
        case .i32Const: pushConstant(.i32)
        case .i64Const: pushConstant(.i64)
        case .f32Const: pushConstant(.f32)
        case .f64Const: pushConstant(.f64)
        case .load(let opcode, let memarg):
            guard opcode < 0x40, let lowering = Self.memoryLowerings[Int(opcode)] else { throw fail("illegal opcode") }
            try checkMemArg(memarg, size: lowering.size)
            try pop(addressType(memarg.memory))
            push(lowering.type)
        case .store(let opcode, let memarg):
            guard opcode < 0x40, let lowering = Self.memoryLowerings[Int(opcode)] else { throw fail("illegal opcode") }
            try checkMemArg(memarg, size: lowering.size)
            try pop(lowering.type)
            try pop(addressType(memarg.memory))
        case .unreachable:
            markUnreachable()
        case .nop:
            break
        case .block(let bt):
            try enterBlock(.block, try blockType(bt))
        case .loop(let bt):
            try enterBlock(.loop, try blockType(bt))
        case .if(let bt):
            let type = try blockType(bt)
            try pop(.i32)
            try enterBlock(.if, type)
        case .else:
            try elseBlock()
        case .tryTable(let bt, let catches):
            let type = try blockType(bt)
            for c in catches { try context.checkCatch(c, labelTypes: labelTypes(try labelDepth(c.label)), offset: offset) }
            try enterBlock(.tryTable, type)
        case .throw(let tag):
            try pop(try context.tagType(tag, offset: offset).parameters)
            markUnreachable()
        case .throwRef:
            try pop(.ref(.exnref))
            markUnreachable()
        case .legacyTry(let bt):
            try enterBlock(.legacyTry, try blockType(bt))
        case .legacyCatch(let tag):
            try catchBlock(values: try context.tagType(tag, offset: offset).parameters, all: false)
        case .legacyCatchAll:
            try catchBlock(values: [], all: true)
        case .delegate(let d):
            guard frames[frames.count - 1].kind == .legacyTry else { throw fail("delegate without try") }
            guard Int(d) < frames.count - 1 else { throw fail("unknown label") }
            try endBlock()
        case .rethrow(let d):
            let kind = frames[frames.count - 1 - (try labelDepth(d))].kind
            guard kind == .legacyCatch || kind == .legacyCatchAll else { throw fail("invalid rethrow label") }
            markUnreachable()
        case .end:
            try endBlock()
        case .br(let d):
            try checkTop(labelTypes(try labelDepth(d)))
            markUnreachable()
        case .brIf(let d):
            let depth = try labelDepth(d)
            try pop(.i32)
            try checkTop(labelTypes(depth))
        case .brTable(let targets, let defaultTarget):
            try pop(.i32)
            let defaultDepth = try labelDepth(defaultTarget)
            let arity = labelTypes(defaultDepth).count
            for t in targets {
                let types = labelTypes(try labelDepth(t))
                guard types.count == arity else { throw fail("type mismatch") }
                try checkTop(types, keep: true)
            }
            try checkTop(labelTypes(defaultDepth))
            markUnreachable()
        case .return:
            try checkTop(functionType.results)
            markUnreachable()
        case .call(let f):
            try call(try context.functionType(f, offset: offset))
        case .callIndirect(let typeIndex, let table):
            try call(try indirectCallee(typeIndex, table: table))
        case .returnCall(let f):
            try tailCall(try context.functionType(f, offset: offset))
        case .returnCallIndirect(let typeIndex, let table):
            try tailCall(try indirectCallee(typeIndex, table: table))
        case .callRef(let typeIndex):
            let type = try context.type(typeIndex, offset: offset)
            try pop(.ref(RefType(nullable: true, heap: .concrete(typeIndex))))
            try call(type)
        case .returnCallRef(let typeIndex):
            let type = try context.type(typeIndex, offset: offset)
            try pop(.ref(RefType(nullable: true, heap: .concrete(typeIndex))))
            try tailCall(type)
        case .refAsNonNull:
            push(nonNullable(try popRef()))
        case .brOnNull(let d):
            let depth = try labelDepth(d)
            let type = try popRef()
            try checkTop(labelTypes(depth))
            push(nonNullable(type))
        case .brOnNonNull(let d):
            let depth = try labelDepth(d)
            guard case .ref? = labelTypes(depth).last else { throw fail("type mismatch") }
            push(nonNullable(try popRef()))
            try checkTop(labelTypes(depth))
            _ = try pop()
        case .drop:
            _ = try pop()
        case .select(let types):
            try select(types)
        case .globalGet(let g):
            push(try context.global(g, offset: offset).valueType)
        case .globalSet(let g):
            let type = try context.global(g, offset: offset)
            guard type.mutable else { throw fail("immutable global") }
            try pop(type.valueType)
        case .tableGet(let t):
            let type = try context.table(t, offset: offset)
            try pop(indexType(t))
            push(.ref(type.elementType))
        case .tableSet(let t):
            let type = try context.table(t, offset: offset)
            try pop(.ref(type.elementType))
            try pop(indexType(t))
        case .memorySize(let m):
            _ = try context.memory(m, offset: offset)
            push(addressType(m))
        case .memoryGrow(let m):
            _ = try context.memory(m, offset: offset)
            try pop(addressType(m))
            push(addressType(m))
        case .refNull(let type):
            try context.checkTypeIndices(.ref(type), offset: offset)
            pushConstant(.ref(type))
        case .refIsNull:
            _ = try popRef()
            push(.i32)
        case .refFunc(let f):
            _ = try context.functionType(f, offset: offset)
            guard context.declaredFunctions.contains(f) else { throw fail("undeclared function reference") }
            push(.ref(RefType(nullable: false, heap: .concrete(context.functionTypes[Int(f)]))))
        case .memoryInit(let data, let m):
            _ = try context.memory(m, offset: offset)
            try context.checkData(data, offset: offset)
            try popThree(addressType(m), .i32, .i32)
        case .dataDrop(let data):
            try context.checkData(data, offset: offset)
        case .memoryCopy(let dm, let sm):
            _ = try context.memory(dm, offset: offset)
            _ = try context.memory(sm, offset: offset)
            // The count is 64-bit only when both memories are.
            try popThree(addressType(dm), addressType(sm), addressType(dm) == .i64 && addressType(sm) == .i64 ? .i64 : .i32)
        case .memoryFill(let m):
            _ = try context.memory(m, offset: offset)
            try popThree(addressType(m), .i32, addressType(m))
        case .tableInit(let elem, let table):
            let tableType = try context.table(table, offset: offset)
            let elemType = try context.elementType(elem, offset: offset)
            guard context.isSubtype(elemType, tableType.elementType) else { throw fail("type mismatch") }
            try popThree(indexType(table), .i32, .i32)
        case .elemDrop(let elem):
            _ = try context.elementType(elem, offset: offset)
        case .tableCopy(let dt, let st):
            let dstType = try context.table(dt, offset: offset)
            let srcType = try context.table(st, offset: offset)
            guard context.isSubtype(srcType.elementType, dstType.elementType) else { throw fail("type mismatch") }
            try popThree(indexType(dt), indexType(st), indexType(dt) == .i64 && indexType(st) == .i64 ? .i64 : .i32)
        case .tableGrow(let t):
            let type = try context.table(t, offset: offset)
            try pop(indexType(t))
            try pop(.ref(type.elementType))
            push(indexType(t))
        case .tableSize(let t):
            _ = try context.table(t, offset: offset)
            push(indexType(t))
        case .tableFill(let t):
            let type = try context.table(t, offset: offset)
            try popThree(indexType(t), .ref(type.elementType), indexType(t))
        case .simd(let opcode, let immediate):
            guard let lowering = simdLowering[opcode] else { throw fail("illegal opcode") }
            guard immediate.lanesAreValid(below: lowering.laneCount) else { throw fail("invalid lane index") }
            var parameters = lowering.parameters
            if let memarg = immediate.memArg {
                try checkMemArg(memarg, size: lowering.size)
                parameters[0] = addressType(memarg.memory)
            }
            for type in parameters.reversed() { try pop(type) }
            if let result = lowering.result { push(result) }
        case .refTest(let type), .refCast(let type):
            try context.checkTypeIndices(.ref(type), offset: offset)
            try pop(.ref(RefType(nullable: true, heap: context.top(type.heap))))
            if case .refTest = instruction { push(.i32) } else { push(.ref(type)) }
        case .brOnCast(let cast), .brOnCastFail(let cast):
            // The label takes the cast type (br_on_cast) or what is left (br_on_cast_fail);
            // the other one stays on the stack.
            var failing = false
            if case .brOnCastFail = instruction { failing = true }
            try context.checkCastBranch(cast, offset: offset)
            let depth = try labelDepth(cast.label)
            let rest = context.difference(cast.from, cast.to)
            try pop(.ref(cast.from))
            push(.ref(failing ? rest : cast.to))
            try checkTop(labelTypes(depth))
            _ = try pop()
            push(.ref(failing ? cast.to : rest))
        case .anyConvertExtern, .externConvertAny:
            let operand = try popRef()
            var toAny = false
            if case .anyConvertExtern = instruction { toAny = true }
            push(try context.convertedType(operand, toAny: toAny, offset: offset))
        default:
            guard let signature = try context.gcSignature(instruction, offset: offset) else { throw fail("illegal opcode") }
            try pop(signature.parameters)
            for t in signature.results { push(t) }
        }
    }

    // MARK: Pieces

    /// A constant: the translator may give it a frame slot (counted for `mayExceedFrame`).
    mutating func pushConstant(_ type: ValueType) {
        constantCount += 1
        push(type)
    }

    func local(_ index: UInt32) throws -> ValueType {
        guard Int(index) < locals.count else { throw fail("unknown local \(index)") }
        return locals[Int(index)]
    }

    mutating func popThree(_ a: ValueType, _ b: ValueType, _ c: ValueType) throws {
        try pop(c)
        try pop(b)
        try pop(a)
    }

    func nonNullable(_ type: ValueType?) -> ValueType? {
        if case .ref(var r)? = type { r.nullable = false; return .ref(r) }
        return type
    }

    mutating func call(_ type: FunctionType) throws {
        try pop(type.parameters)
        for t in type.results { push(t) }
    }

    /// A tail call: the callee's results must fit this function's results.
    mutating func tailCall(_ type: FunctionType) throws {
        guard type.results.count == functionType.results.count,
              zip(type.results, functionType.results).allSatisfy({ context.isSubtype($0, $1) }) else {
            throw fail("type mismatch")
        }
        try call(type)
        markUnreachable()
    }

    /// `call_indirect` / `return_call_indirect`: the callee's type; pops the table index.
    mutating func indirectCallee(_ typeIndex: UInt32, table: UInt32) throws -> FunctionType {
        let tableType = try context.table(table, offset: offset)
        let type = try context.type(typeIndex, offset: offset)
        guard context.isSubtype(tableType.elementType, .funcref) else { throw fail("type mismatch") }
        try pop(indexType(table))
        return type
    }

    mutating func select(_ types: [ValueType]?) throws {
        if let types, types.count != 1 { throw fail("invalid result arity") }
        try pop(.i32)
        let b = try pop()
        let a = try pop()
        let type = types?.first ?? a ?? b
        if let declared = types?.first {
            try context.checkTypeIndices(declared, offset: offset)
            if let a, !context.isSubtype(a, declared) { throw fail("type mismatch") }
            if let b, !context.isSubtype(b, declared) { throw fail("type mismatch") }
        } else {
            if let a, let b, a != b { throw fail("type mismatch") }
            if let type, case .ref = type { throw fail("type mismatch") }
        }
        push(type)
    }

    /// Addresses of memory `index` are i64 for 64-bit memories, else i32.
    func addressType(_ index: UInt32) -> ValueType {
        Int(index) < context.memories.count && context.memories[Int(index)].limits.is64 ? .i64 : .i32
    }

    /// Indices of table `index` are i64 for 64-bit tables (table64), else i32.
    func indexType(_ table: UInt32) -> ValueType {
        Int(table) < context.tables.count && context.tables[Int(table)].limits.is64 ? .i64 : .i32
    }

    func checkMemArg(_ memarg: MemArg, size: Int) throws {
        _ = try context.memory(memarg.memory, offset: offset)
        // Compare exponents: the immediate may be any u32, far beyond a shift's range.
        if memarg.align > UInt32(size.trailingZeroBitCount) { throw fail("alignment must not be larger than natural") }
        if addressType(memarg.memory) == .i32 && memarg.offset > UInt64(UInt32.max) { throw fail("offset out of range") }
    }
}
