import KiteBinary

// Subtyping inside one module: module-local type indices are mapped to their canonical ids
// (TypeRegistry), so types that are equal across recursion groups or modules compare equal
// and a declared subtype is found through its display in one step.
extension ModuleContext {
    /// `a <: b`. Numeric and vector types match only themselves.
    func isSubtype(_ a: ValueType, _ b: ValueType) -> Bool {
        if a == b { return true }
        guard case .ref(let ra) = a, case .ref(let rb) = b else { return false }
        return isSubtype(ra, rb)
    }

    func isSubtype(_ a: RefType, _ b: RefType) -> Bool {
        guard let ha = canonical(a.heap), let hb = canonical(b.heap) else { return false }
        return canonicalTypes.isSubtype(RefType(nullable: a.nullable, heap: ha), RefType(nullable: b.nullable, heap: hb))
    }

    var canonicalTypes: CanonicalTypes {
        let entries = canonicalEntries
        return CanonicalTypes(lookup: { entries[$0]! })
    }

    /// A heap type with its type index replaced by the canonical id (nil for an unknown index).
    func canonical(_ heap: HeapType) -> HeapType? {
        guard case .concrete(let i) = heap else { return heap }
        return Int(i) < canonicalIDs.count ? .concrete(canonicalIDs[Int(i)]) : nil
    }

    /// The top type of a reference's hierarchy: `any`, `func`, `extern` or `exn`.
    func top(_ heap: HeapType) -> HeapType {
        if let top = heap.abstractTop { return top }
        guard case .concrete(let i) = heap, Int(i) < definitions.count else { return .any }
        return definitions[Int(i)].composite.abstractKind == .func ? .func : .any
    }

    /// Every concrete heap type must name an existing type.
    func checkTypeIndices(_ type: ValueType, offset: Int) throws {
        if case .ref(let r) = type, case .concrete(let i) = r.heap, Int(i) >= types.count {
            throw ValidationError("unknown type \(i)", offset: offset)
        }
    }

    func checkTypeIndices(_ type: FunctionType, offset: Int) throws {
        for t in type.parameters + type.results { try checkTypeIndices(t, offset: offset) }
    }
}
