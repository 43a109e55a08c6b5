import KiteBinary

extension ModuleContext {
    /// `a <: b`. Numeric and vector types match only themselves; a reference type matches a
    /// nullable one of a supertype heap (`(ref $t)` <: `(ref null $t)` <: `funcref`).
    func isSubtype(_ a: ValueType, _ b: ValueType) -> Bool {
        if a == b { return true }
        guard case .ref(let ra) = a, case .ref(let rb) = b else { return false }
        return isSubtype(ra, rb)
    }

    func isSubtype(_ a: RefType, _ b: RefType) -> Bool {
        if a.nullable && !b.nullable { return false }
        return isSubtype(a.heap, b.heap)
    }

    func isSubtype(_ a: HeapType, _ b: HeapType) -> Bool {
        switch (a, b) {
        case (.func, .func), (.extern, .extern), (.concrete, .func): return true
        case (.exn, .exn), (.noexn, .noexn), (.noexn, .exn): return true
        case (.concrete(let x), .concrete(let y)):
            // Function types are compared structurally (no recursive groups without GC).
            return x == y || (Int(x) < types.count && Int(y) < types.count && types[Int(x)] == types[Int(y)])
        default: return false
        }
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
