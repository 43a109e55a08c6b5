import KiteBinary

// Garbage-collection instructions. Their typing comes from `ModuleContext.gcSignature` (shared
// with the validator and constant expressions); here they become register ops whose
// immediates are what the runtime needs without looking anything up: canonical type ids,
// field byte offsets, the element size in the op's name.
extension FunctionTranslator {
    mutating func translateGC(_ instruction: Instruction) throws {
        switch instruction {
        case .refTest(let type), .refCast(let type):
            try context.checkTypeIndices(.ref(type), offset: offset)
            let value = try pop(.ref(RefType(nullable: true, heap: context.top(type.heap))))
            var isTest = false
            if case .refTest = instruction { isTest = true }
            let dst = try push(isTest ? .i32 : .ref(type)).home
            guard reachable else { return }
            let (target, id) = context.castTarget(type)
            if isTest {
                code.emit_ref_test(dst: dst, src: value.reg, target: target, type: id)
            } else {
                code.emit_ref_cast(dst: dst, src: value.reg, target: target, type: id)
            }
        case .brOnCast(let cast), .brOnCastFail(let cast):
            var failing = false
            if case .brOnCastFail = instruction { failing = true }
            try context.checkCastBranch(cast, offset: offset)
            let depth = try labelDepth(cast.label)
            let rest = context.difference(cast.from, cast.to)
            let value = try pop(.ref(cast.from))
            try pushEntry(.ref(failing ? rest : cast.to), source: value.source)
            // The test's result goes to a temporary above the value, which the branch reads.
            let test = try push(.i32)
            if reachable {
                var (target, id) = context.castTarget(cast.to)
                if failing { target |= 0x200 }
                code.emit_ref_test(dst: test.home, src: stack[stack.count - 2].reg, target: target, type: id)
            }
            let condition = try pop()
            _ = try checkLabelValues(depth: depth)
            if reachable { emitConditionalBranch(depth: depth, condition: condition, previous: nil) }
            let kept = try pop()
            try pushEntry(.ref(failing ? cast.to : rest), source: kept.source)
        case .anyConvertExtern, .externConvertAny:
            // The same bits either way (see instructions.def): only the type changes.
            let value = try popRef()
            var toAny = false
            if case .anyConvertExtern = instruction { toAny = true }
            try pushEntry(try context.convertedType(value.type, toAny: toAny, offset: offset), source: value.source)
        case .structNew(let t), .arrayNewFixed(let t, _):
            guard let signature = try context.gcSignature(instruction, offset: offset) else { return }
            // The field values (or elements) in consecutive temporaries, as a call's arguments.
            let id = context.canonicalIDs[Int(t)]
            try emitCall(FunctionType(parameters: signature.parameters, results: signature.results), site: .allocation) { code, base in
                if case .arrayNewFixed(_, let count) = instruction {
                    return code.emit_array_new_fixed(dst: base, base: base, count: count, type: id)
                }
                return code.emit_struct_new(dst: base, base: base, type: id)
            }
            if reachable { markProducer() }
        default:
            guard let signature = try context.gcSignature(instruction, offset: offset) else { throw fail("illegal opcode") }
            // An allocation may collect: everything on the stack, its operands too, is live.
            let live = instruction.allocates ? tracedTemporaries(stack[...]) : []
            let operands = try pop(signature.parameters).map(\.reg)
            recordSite(offset: code.count, returning: false, live: live)
            var dst: Reg = 0
            if let result = signature.results.first { dst = try push(result).home }
            if reachable {
                emitGC(instruction, dst: dst, operands)
                if !signature.results.isEmpty { markProducer() }
            }
        }
    }

    /// The op just emitted writes its result to `dst`, its first operand: a `local.set` that
    /// follows retargets it instead of copying.
    private mutating func markProducer() {
        guard let last = code.instructions.last, last.at + last.op.wordCount == code.count else { return }
        producer = Producer(instruction: last.at, op: last.op, lowering: nil)
    }

    /// The op of an instruction typed by `gcSignature`, its operands' registers bottom first.
    private mutating func emitGC(_ instruction: Instruction, dst: Reg, _ r: [Reg]) {
        func id(_ t: UInt32) -> UInt32 { context.canonicalIDs[Int(t)] }
        switch instruction {
        case .structNewDefault(let t):
            code.emit_struct_new_default(dst: dst, type: id(t))
        case .structGet(let t, let f), .structGetS(let t, let f), .structGetU(let t, let f):
            let (storage, at) = field(t, f)
            var signed = false
            if case .structGetS = instruction { signed = true }
            switch storage {
            case .i8: if signed { code.emit_struct_get_8s(dst: dst, ref: r[0], offset: at) } else { code.emit_struct_get_8u(dst: dst, ref: r[0], offset: at) }
            case .i16: if signed { code.emit_struct_get_16s(dst: dst, ref: r[0], offset: at) } else { code.emit_struct_get_16u(dst: dst, ref: r[0], offset: at) }
            default:
                switch storage.byteSize {
                case 4: code.emit_struct_get_32(dst: dst, ref: r[0], offset: at)
                case 16: code.emit_struct_get_128(dst: dst, ref: r[0], offset: at)
                default: code.emit_struct_get_64(dst: dst, ref: r[0], offset: at)
                }
            }
        case .structSet(let t, let f):
            let (storage, at) = field(t, f)
            switch storage.byteSize {
            case 1: code.emit_struct_set_8(ref: r[0], value: r[1], offset: at)
            case 2: code.emit_struct_set_16(ref: r[0], value: r[1], offset: at)
            case 4: code.emit_struct_set_32(ref: r[0], value: r[1], offset: at)
            case 16: code.emit_struct_set_128(ref: r[0], value: r[1], offset: at)
            default: code.emit_struct_set_64(ref: r[0], value: r[1], offset: at)
            }
        case .arrayNew(let t):
            code.emit_array_new(dst: dst, value: r[0], count: r[1], type: id(t))
        case .arrayNewDefault(let t):
            code.emit_array_new_default(dst: dst, count: r[0], type: id(t))
        case .arrayNewData(let t, let data):
            code.emit_array_new_data(dst: dst, offset: r[0], count: r[1], type: id(t), data: data)
        case .arrayNewElem(let t, let segment):
            code.emit_array_new_elem(dst: dst, offset: r[0], count: r[1], type: id(t), elem: segment)
        case .arrayGet(let t), .arrayGetS(let t), .arrayGetU(let t):
            let storage = element(t)
            var signed = false
            if case .arrayGetS = instruction { signed = true }
            switch storage {
            case .i8: if signed { code.emit_array_get_8s(dst: dst, ref: r[0], index: r[1]) } else { code.emit_array_get_8u(dst: dst, ref: r[0], index: r[1]) }
            case .i16: if signed { code.emit_array_get_16s(dst: dst, ref: r[0], index: r[1]) } else { code.emit_array_get_16u(dst: dst, ref: r[0], index: r[1]) }
            default:
                switch storage.byteSize {
                case 4: code.emit_array_get_32(dst: dst, ref: r[0], index: r[1])
                case 16: code.emit_array_get_128(dst: dst, ref: r[0], index: r[1])
                default: code.emit_array_get_64(dst: dst, ref: r[0], index: r[1])
                }
            }
        case .arraySet(let t):
            switch element(t).byteSize {
            case 1: code.emit_array_set_8(ref: r[0], index: r[1], value: r[2])
            case 2: code.emit_array_set_16(ref: r[0], index: r[1], value: r[2])
            case 4: code.emit_array_set_32(ref: r[0], index: r[1], value: r[2])
            case 16: code.emit_array_set_128(ref: r[0], index: r[1], value: r[2])
            default: code.emit_array_set_64(ref: r[0], index: r[1], value: r[2])
            }
        case .arrayLen:
            code.emit_array_len(dst: dst, ref: r[0])
        case .arrayFill:
            code.emit_array_fill(ref: r[0], offset: r[1], value: r[2], count: r[3])
        case .arrayCopy:
            code.emit_array_copy(to: r[0], index: r[1], from: r[2], source: r[3], count: r[4])
        case .arrayInitData(_, let data):
            code.emit_array_init_data(ref: r[0], offset: r[1], src: r[2], count: r[3], data: data)
        case .arrayInitElem(_, let segment):
            code.emit_array_init_elem(ref: r[0], offset: r[1], src: r[2], count: r[3], elem: segment)
        case .refI31:
            code.emit_ref_i31(dst: dst, src: r[0])
        case .i31GetS:
            code.emit_i31_get_s(dst: dst, src: r[0])
        case .i31GetU:
            code.emit_i31_get_u(dst: dst, src: r[0])
        case .refEq:
            code.emit_ref_eq(dst: dst, a: r[0], b: r[1])
        default:
            break
        }
    }

    private func field(_ t: UInt32, _ f: UInt32) -> (StorageType, UInt32) {
        guard case .structure(let fields) = context.definitions[Int(t)].composite else { return (.i8, 0) }
        return (fields[Int(f)].storage, ObjectLayout.fieldOffsets(fields).offsets[Int(f)])
    }

    private func element(_ t: UInt32) -> StorageType {
        guard case .array(let element) = context.definitions[Int(t)].composite else { return .i8 }
        return element.storage
    }
}

extension Instruction {
    /// Allocates a GC object (and so may collect): the ops that carry a `StackMap` site.
    var allocates: Bool {
        switch self {
        case .structNew, .structNewDefault, .arrayNew, .arrayNewDefault, .arrayNewFixed, .arrayNewData, .arrayNewElem:
            return true
        default:
            return false
        }
    }
}
