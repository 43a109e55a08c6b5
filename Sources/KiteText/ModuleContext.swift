// What the encoder knows about a module while encoding it: its index spaces with their
// symbolic names (collected in a first pass, so names can be used before their
// definition), and the type section, which grows as implicit types are inserted.

/// An encoded value type (`0x7F` for i32; several bytes for typed references).
typealias ValType = [UInt8]

/// A function type, compared structurally when looking up implicit type uses.
struct FuncType: Equatable {
    var params: [ValType]
    var results: [ValType]
}

/// One index space (functions, tables, ...): its size so far and the names bound in it.
struct IndexSpace {
    /// Word used in `duplicate <kind>` messages (the spec's wording).
    let kind: String
    /// Word used in `unknown <noun>` messages.
    let noun: String
    var count: UInt32 = 0
    var names: [String: UInt32] = [:]

    init(_ kind: String, _ noun: String) {
        self.kind = kind
        self.noun = noun
    }

    /// Appends an entry, binding `name` if given; duplicate names are malformed.
    mutating func add(_ name: String?, doc: Document, at token: Int) throws -> UInt32 {
        let index = count
        if let name {
            guard names[name] == nil else { throw doc.error("duplicate \(kind) $\(name)", at: token) }
            names[name] = index
        }
        count &+= 1
        return index
    }
}

final class ModuleContext {
    let doc: Document
    /// The type index space, explicit definitions first, then implicitly inserted ones.
    var types: [TypeDefinition] = []
    /// How `types` is split into the entries of the type section (`rec` groups).
    var typeGroups: [TypeGroup] = []
    var typeSpace = IndexSpace("type", "type")
    var funcs = IndexSpace("func", "function")
    var tables = IndexSpace("table", "table")
    var memories = IndexSpace("memory", "memory")
    var globals = IndexSpace("global", "global")
    var tags = IndexSpace("tag", "tag")
    var elems = IndexSpace("elem", "elem segment")
    var datas = IndexSpace("data", "data segment")
    /// Set when code uses `memory.init` / `data.drop`, which need the data count section.
    var usesDataCount = false

    init(doc: Document) { self.doc = doc }

    /// Reads an index: a `$name` bound in `space`, or a u32 literal (not checked against
    /// the space: out-of-range numeric indices are a validation matter).
    func index(_ r: inout Reader, _ space: IndexSpace) throws -> UInt32 {
        guard let t = r.peek() else { throw r.unexpected() }
        if t.kind == .id {
            guard let i = space.names[t.text] else {
                throw doc.error("unknown \(space.noun) $\(t.text)", at: r.pos)
            }
            r.pos += 1
            return i
        }
        guard t.kind == .atom, r.atNat else { throw r.unexpected() }
        return try r.u32()
    }

    /// True if the cursor is at something that can be an index (`$id` or a number).
    func atIndex(_ r: Reader) -> Bool {
        guard let t = r.peek() else { return false }
        return t.kind == .id || r.atNat
    }

    func typeIndex(_ r: inout Reader) throws -> UInt32 { try index(&r, typeSpace) }

    /// Index of the first function type outside a `rec` group written like `key`,
    /// inserting one at the end of the type section if there is none (the rule for
    /// implicit type uses, as wasm-tools applies it).
    func implicitType(_ key: ImplicitKey) -> UInt32 {
        if let i = types.firstIndex(where: { $0.implicitKey == key }) { return UInt32(i) }
        types.append(TypeDefinition(composite: .function(key.type), implicitKey: key))
        typeGroups.append(TypeGroup(start: types.count - 1, count: 1, isRec: false))
        return UInt32(types.count - 1)
    }

    func funcType(at index: UInt32) -> FuncType? {
        Int(index) < types.count ? types[Int(index)].functionType : nil
    }
}
