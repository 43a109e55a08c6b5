// Type definitions of the GC proposal: struct and array types, subtyping (`sub`,
// `sub final`) and recursion groups (`rec`), with their binary encodings.

/// A storage type (`i8`, `i16` or a value type) and its mutability: one struct field,
/// or the element type of an array.
struct FieldType: Equatable {
    var storage: [UInt8]
    var mutable: Bool

    var encoded: [UInt8] { storage + [mutable ? 0x01 : 0x00] }
}

/// What a type definition describes.
enum CompositeType: Equatable {
    case function(FuncType)
    case structure([FieldType])
    case array(FieldType)

    var encoded: [UInt8] {
        var out: [UInt8] = []
        switch self {
        case .function(let ft):
            out.append(0x60)
            out.vector(ft.params)
            out.vector(ft.results)
        case .structure(let fields):
            out.append(0x5F)
            out.vector(fields.map(\.encoded))
        case .array(let element):
            out.append(0x5E)
            out += element.encoded
        }
        return out
    }
}

/// How an inline function type is written, for finding an explicit type to reuse.
///
/// wasm-tools (the encoder whose output this one reproduces) interns inline types by
/// their text before resolving names, so `(ref $t)` and `(ref 0)` are different keys
/// even when `$t` is type 0: `spelling` keeps the `$name` each value type used, if any.
struct ImplicitKey: Equatable {
    var type: FuncType
    var spelling: [String?]
}

/// One entry of the type index space: `(type $id? subtype)`.
struct TypeDefinition {
    var isFinal = true
    var supertypes: [UInt32] = []
    var composite: CompositeType
    /// Names of a struct's fields (`struct.get $t $field`), which are local to the type.
    var fieldNames: [String: UInt32] = [:]
    /// Set for function types that inline type uses may reuse: those not in an explicit
    /// `rec` group (whatever their finality or supertypes, as wasm-tools does).
    var implicitKey: ImplicitKey?

    var functionType: FuncType? {
        if case .function(let ft) = composite { return ft }
        return nil
    }

    /// `sub` with supertypes or without `final` needs its prefix; a final type without
    /// supertypes is written as its bare composite type (wasm-tools' shortest form).
    var encoded: [UInt8] {
        if isFinal && supertypes.isEmpty { return composite.encoded }
        var out: [UInt8] = [isFinal ? 0x4F : 0x50]
        out.vector(supertypes.map { LEB.unsigned(UInt64($0)) })
        return out + composite.encoded
    }
}

/// A run of consecutive type indices forming one entry of the type section: a `rec`
/// group (possibly empty) or a lone type.
struct TypeGroup {
    var start: Int
    var count: Int
    var isRec: Bool
}

extension ModuleContext {
    /// The type section: each group in order, a `rec` group as 0x4E + vec(subtype).
    func encodedTypeSection() -> [[UInt8]] {
        typeGroups.map { group in
            let members = types[group.start..<(group.start + group.count)].map(\.encoded)
            guard group.isRec else { return members.first ?? [] }
            var out: [UInt8] = [0x4E]
            out.vector(Array(members))
            return out
        }
    }

    /// The body of `(type $id? ...)` after its name: `(sub final? x* comptype)` or a
    /// bare composite type. Type names are all bound before this runs.
    func typeDefinition(_ r: inout Reader, inRec: Bool) throws -> TypeDefinition {
        var def: TypeDefinition
        if r.isList("sub") {
            var inner = try r.enterList()
            let isFinal = inner.takeKeyword("final")
            var supertypes: [UInt32] = []
            while atIndex(inner) { supertypes.append(try typeIndex(&inner)) }
            def = try compositeType(&inner, inRec: inRec)
            try inner.expectEnd()
            def.isFinal = isFinal
            def.supertypes = supertypes
        } else {
            def = try compositeType(&r, inRec: inRec)
        }
        try r.expectEnd()
        return def
    }

    /// `(func ...)`, `(struct (field ...)*)` or `(array fieldtype)`.
    private func compositeType(_ r: inout Reader, inRec: Bool) throws -> TypeDefinition {
        switch r.listHead {
        case "func":
            var inner = try r.enterList()
            let use = try typeUse(&inner, allowNames: true)
            if use.index != nil { throw doc.error("unexpected token", at: use.at) }
            try inner.expectEnd()
            let ft = FuncType(params: use.params, results: use.results)
            return TypeDefinition(composite: .function(ft),
                                  implicitKey: inRec ? nil : ImplicitKey(type: ft, spelling: use.spelling))
        case "struct":
            var inner = try r.enterList()
            var fields: [FieldType] = []
            var names: [String: UInt32] = [:]
            while inner.isList("field") {
                var field = try inner.enterList()
                if let t = field.peek(), t.kind == .id {
                    guard names[t.text] == nil else { throw doc.error("duplicate field $\(t.text)", at: field.pos) }
                    field.pos += 1
                    names[t.text] = UInt32(fields.count)
                    fields.append(try fieldType(&field))
                    try field.expectEnd()
                    continue
                }
                while !field.atEnd { fields.append(try fieldType(&field)) }
            }
            try inner.expectEnd()
            return TypeDefinition(composite: .structure(fields), fieldNames: names)
        case "array":
            var inner = try r.enterList()
            let element = try fieldType(&inner)
            try inner.expectEnd()
            return TypeDefinition(composite: .array(element))
        default:
            throw r.unexpectedHead()
        }
    }

    /// `storagetype` or `(mut storagetype)`.
    private func fieldType(_ r: inout Reader) throws -> FieldType {
        if r.isList("mut") {
            var inner = try r.enterList()
            let storage = try storageType(&inner)
            try inner.expectEnd()
            return FieldType(storage: storage, mutable: true)
        }
        return FieldType(storage: try storageType(&r), mutable: false)
    }

    /// A value type, or one of the packed types `i8` / `i16` that only fields may have.
    private func storageType(_ r: inout Reader) throws -> [UInt8] {
        if r.takeKeyword("i8") { return [0x78] }
        if r.takeKeyword("i16") { return [0x77] }
        return try valType(&r)
    }
}
