import KiteBinary

/// Where a struct's fields sit in its object: after the 24-byte header (`KiteObject`), in
/// order, each aligned to its size (at most 8). The translator bakes these offsets into
/// `struct.get`/`struct.set`; the runtime lays objects out from the same numbers.
public enum ObjectLayout {
    public static let headerBytes = 24

    public static func fieldOffsets(_ fields: [FieldType]) -> (offsets: [UInt32], size: UInt32) {
        var offsets: [UInt32] = []
        var at = headerBytes
        for field in fields {
            let size = field.storage.byteSize, align = min(size, 8)
            at = (at + align - 1) / align * align
            offsets.append(UInt32(at))
            at += size
        }
        return (offsets, UInt32((at + 7) / 8 * 8))
    }
}

/// A value of this type has a default (zero or null): numbers, vectors, nullable references.
func isDefaultable(_ storage: StorageType) -> Bool {
    if case .value(.ref(let r)) = storage { return r.nullable }
    return true
}

extension ModuleContext {
    /// The operand and result types of a GC instruction whose typing follows from its
    /// immediates alone (allocation, field and element access, i31, ref.eq), after checking
    /// those immediates; nil for every other instruction. The validator, the translator and
    /// constant expressions all type these instructions through here.
    func gcSignature(_ instruction: Instruction, offset: Int) throws -> (parameters: [ValueType], results: [ValueType])? {
        func fail(_ message: String) -> ValidationError { ValidationError(message, offset: offset) }
        func ref(_ t: UInt32, nullable: Bool = false) -> ValueType { .ref(RefType(nullable: nullable, heap: .concrete(t))) }
        func field(_ t: UInt32, _ f: UInt32) throws -> FieldType {
            let fields = try structType(t, offset: offset)
            guard Int(f) < fields.count else { throw fail("unknown field \(f)") }
            return fields[Int(f)]
        }
        func unpacked(_ field: FieldType, packed: Bool) throws -> ValueType {
            let isPacked = field.storage == .i8 || field.storage == .i16
            guard isPacked == packed else { throw fail("type mismatch") }
            return field.storage.unpacked
        }
        func mutableArray(_ t: UInt32) throws -> FieldType {
            let element = try arrayType(t, offset: offset)
            guard element.mutable else { throw fail("immutable array") }
            return element
        }
        func numeric(_ element: FieldType) throws {
            if case .value(.ref) = element.storage { throw fail("array type is not numeric or vector") }
        }
        func elementsFit(_ segment: UInt32, _ element: FieldType) throws {
            let segmentType = try elementType(segment, offset: offset)
            guard case .value(let t) = element.storage, isSubtype(.ref(segmentType), t) else { throw fail("type mismatch") }
        }
        switch instruction {
        case .structNew(let t):
            return (try structType(t, offset: offset).map(\.storage.unpacked), [ref(t)])
        case .structNewDefault(let t):
            guard try structType(t, offset: offset).allSatisfy({ isDefaultable($0.storage) }) else { throw fail("field type is not defaultable") }
            return ([], [ref(t)])
        case .structGet(let t, let f):
            return ([ref(t, nullable: true)], [try unpacked(try field(t, f), packed: false)])
        case .structGetS(let t, let f), .structGetU(let t, let f):
            return ([ref(t, nullable: true)], [try unpacked(try field(t, f), packed: true)])
        case .structSet(let t, let f):
            let field = try field(t, f)
            guard field.mutable else { throw fail("immutable field") }
            return ([ref(t, nullable: true), field.storage.unpacked], [])
        case .arrayNew(let t):
            return ([try arrayType(t, offset: offset).storage.unpacked, .i32], [ref(t)])
        case .arrayNewDefault(let t):
            guard isDefaultable(try arrayType(t, offset: offset).storage) else { throw fail("array type is not defaultable") }
            return ([.i32], [ref(t)])
        case .arrayNewFixed(let t, let count):
            let element = try arrayType(t, offset: offset).storage.unpacked
            guard count <= 10_000 else { throw fail("constant expression too large") }
            return (Array(repeating: element, count: Int(count)), [ref(t)])
        case .arrayNewData(let t, let data):
            try numeric(try arrayType(t, offset: offset))
            try checkData(data, offset: offset)
            return ([.i32, .i32], [ref(t)])
        case .arrayNewElem(let t, let segment):
            try elementsFit(segment, try arrayType(t, offset: offset))
            return ([.i32, .i32], [ref(t)])
        case .arrayGet(let t):
            return ([ref(t, nullable: true), .i32], [try unpacked(try arrayType(t, offset: offset), packed: false)])
        case .arrayGetS(let t), .arrayGetU(let t):
            return ([ref(t, nullable: true), .i32], [try unpacked(try arrayType(t, offset: offset), packed: true)])
        case .arraySet(let t):
            return ([ref(t, nullable: true), .i32, try mutableArray(t).storage.unpacked], [])
        case .arrayLen:
            return ([.ref(RefType(nullable: true, heap: .array))], [.i32])
        case .arrayFill(let t):
            return ([ref(t, nullable: true), .i32, try mutableArray(t).storage.unpacked, .i32], [])
        case .arrayCopy(let d, let s):
            let to = try mutableArray(d), from = try arrayType(s, offset: offset)
            let fits: Bool
            switch (from.storage, to.storage) {
            case (.value(let a), .value(let b)): fits = isSubtype(a, b)
            default: fits = from.storage == to.storage
            }
            guard fits else { throw fail("array types do not match") }
            return ([ref(d, nullable: true), .i32, ref(s, nullable: true), .i32, .i32], [])
        case .arrayInitData(let t, let data):
            try numeric(try mutableArray(t))
            try checkData(data, offset: offset)
            return ([ref(t, nullable: true), .i32, .i32, .i32], [])
        case .arrayInitElem(let t, let segment):
            try elementsFit(segment, try mutableArray(t))
            return ([ref(t, nullable: true), .i32, .i32, .i32], [])
        case .refI31:
            return ([.i32], [.ref(RefType(nullable: false, heap: .i31))])
        case .i31GetS, .i31GetU:
            return ([.ref(RefType(nullable: true, heap: .i31))], [.i32])
        case .refEq:
            let eqref = ValueType.ref(RefType(nullable: true, heap: .eq))
            return ([eqref, eqref], [.i32])
        default:
            return nil
        }
    }

    /// The result of `any.convert_extern` / `extern.convert_any` (the operand's nullability
    /// kept), after checking the operand's type (nil when unreachable code left none).
    func convertedType(_ operand: ValueType?, toAny: Bool, offset: Int) throws -> ValueType {
        let from: HeapType = toAny ? .extern : .any
        var nullable = true
        if let operand {
            guard case .ref(let r) = operand, isSubtype(r, RefType(nullable: true, heap: from)) else {
                throw ValidationError("type mismatch", offset: offset)
            }
            nullable = r.nullable
        }
        return .ref(RefType(nullable: nullable, heap: toAny ? .any : .extern))
    }

    /// `br_on_cast`: the target type must be below the operand's declared type.
    func checkCastBranch(_ cast: CastBranch, offset: Int) throws {
        try checkTypeIndices(.ref(cast.from), offset: offset)
        try checkTypeIndices(.ref(cast.to), offset: offset)
        guard isSubtype(cast.to, cast.from) else { throw ValidationError("type mismatch", offset: offset) }
    }

    /// The part of `a` that is not in `b` (what is left after a cast to `b` failed): `a`,
    /// non-null if `b` takes the null.
    func difference(_ a: RefType, _ b: RefType) -> RefType {
        RefType(nullable: a.nullable && !b.nullable, heap: a.heap)
    }

    /// The run-time form of a cast to `type` (see `castTarget(canonical:)`).
    func castTarget(_ type: RefType) -> (target: UInt32, id: UInt32) {
        let entries = canonicalEntries
        let target = KiteTranslator.castTarget(canonical: canonical(type.heap) ?? type.heap, isFunction: { id in
            entries[id]?.definition.composite.abstractKind == .func
        })
        return (target.kind | (type.nullable ? 0x100 : 0), target.id)
    }
}

/// The run-time form of a cast to a heap type whose concrete types are canonical ids: the
/// C side's KiteCastTarget (any 0, eq 1, i31 2, struct 3, array 4, a bottom type 5, a top
/// type 6, a concrete struct or array 7, a concrete function type 8) and the id of a
/// concrete target. The translator's casts and the host's classification both use it.
public func castTarget(canonical heap: HeapType, isFunction: (UInt32) -> Bool) -> (kind: UInt32, id: UInt32) {
    switch heap {
    case .any: return (0, 0)
    case .eq: return (1, 0)
    case .i31: return (2, 0)
    case .struct: return (3, 0)
    case .array: return (4, 0)
    case .none, .nofunc, .noextern, .noexn: return (5, 0)
    case .func, .extern, .exn: return (6, 0)
    case .concrete(let id): return (isFunction(id) ? 8 : 7, id)
    }
}
