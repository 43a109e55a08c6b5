// Canonical type identities (Wasm 3.0's iso-recursive type equivalence), one registry per
// process. Two type definitions are the same type exactly when their recursion groups are
// identical once every reference into the group is written as its position in the group and
// every reference out of it as the canonical id of its target. So a group is registered by
// that key: the first module to use it gives its types consecutive ids, every later group
// with the same key (from any module) gets the same ids. Ids never die (a registry entry is
// a few words; programs define a bounded number of distinct types).
//
// Each entry keeps its supertype chain as a *display*: `display[d]` is the id of its
// ancestor at depth d, and `display[depth]` the type itself. `a <: b` is then one comparison,
// `display(a)[depth(b)] == b`, whatever the hierarchy's height: this is what makes casts and
// `call_indirect` subtype checks constant-time.

import Foundation
import KiteBinary

public final class TypeRegistry: @unchecked Sendable {
    /// The registry every module and store of the process shares.
    public static let shared = TypeRegistry()
    /// The runtime indexes a fixed table by id (CKiteDispatch `kite_rtt_table`).
    public static let capacity = 1 << 20

    /// One canonical type.
    public struct Entry: Sendable {
        /// Its definition; every concrete heap type in it is a canonical id.
        public let definition: SubType
        /// Its ancestors from the root of its chain down to itself.
        public let display: [UInt32]
        public var depth: Int { display.count - 1 }
        public var id: UInt32 { display[display.count - 1] }
    }

    private let lock = NSLock()
    private var groups: [[SubType]: UInt32] = [:]
    private var entries: [Entry] = []
    /// Marks a reference to a member of the group being keyed (its position in the low bits).
    private static let inGroup: UInt32 = 0x8000_0000

    public func entry(_ id: UInt32) -> Entry { lock.withLock { entries[Int(id)] } }
    public var count: Int { lock.withLock { entries.count } }

    /// The id of a function type used on its own (a host function's type): a final function
    /// type with no supertypes, alone in its group. Its concrete heap types must already be
    /// canonical ids.
    public func id(ofFunction type: FunctionType) -> UInt32 {
        let definition = SubType(composite: .function(type))
        return lock.withLock {
            if let id = groups[[definition]] { return id }
            let id = UInt32(entries.count)
            groups[[definition]] = id
            entries.append(Entry(definition: definition, display: [id]))
            return id
        }
    }

    /// `a <: b` for types whose concrete heap types are canonical ids.
    public func isSubtype(_ a: ValueType, _ b: ValueType) -> Bool {
        CanonicalTypes(lookup: entry).isSubtype(a, b)
    }

    /// Registers the module's type section group by group; returns the canonical id of each
    /// type index, and checks what the section itself must satisfy (references to defined
    /// types, declared supertypes earlier, not final, and matching).
    public func canonicalize(_ module: Module) throws -> [UInt32] {
        try canonicalize(module, offset: module.offset(ofSection: 1))
    }

    func canonicalize(_ module: Module, offset: Int) throws -> [UInt32] {
        var ids: [UInt32] = []
        ids.reserveCapacity(module.typeDefinitions.count)
        for group in module.recGroups {
            let members = Array(module.typeDefinitions[group])
            for (k, member) in members.enumerated() {
                var bad = false
                member.forEachTypeIndex { if Int($0) >= group.upperBound { bad = true } }
                if bad { throw ValidationError("unknown type", offset: offset) }
                if member.supertypes.count > 1 { throw ValidationError("multiple supertypes", offset: offset) }
                if let s = member.supertypes.first, Int(s) >= group.lowerBound + k {
                    throw ValidationError("unknown type \(s)", offset: offset)
                }
            }
            let known = ids
            func key(_ i: UInt32) -> UInt32 { Int(i) >= group.lowerBound ? Self.inGroup | (i - UInt32(group.lowerBound)) : known[Int(i)] }
            let keyed = members.map { $0.mapTypeIndices(key) }
            let base: UInt32 = try lock.withLock {
                if let base = groups[keyed] { return base }
                let base = UInt32(entries.count)
                guard entries.count + members.count <= Self.capacity else { throw ValidationError("too many types", offset: offset) }
                func absolute(_ i: UInt32) -> UInt32 { i & Self.inGroup != 0 ? base + (i & ~Self.inGroup) : i }
                for (k, member) in keyed.enumerated() {
                    let definition = member.mapTypeIndices(absolute)
                    let parent = definition.supertypes.first.map { entries[Int($0)].display } ?? []
                    entries.append(Entry(definition: definition, display: parent + [base + UInt32(k)]))
                }
                groups[keyed] = base
                return base
            }
            for k in members.indices { ids.append(base + UInt32(k)) }
            // Declared supertypes: not final, and the definitions match.
            for k in members.indices {
                let sub = entry(base + UInt32(k))
                guard let s = sub.definition.supertypes.first else { continue }
                let sup = entry(s)
                guard !sup.definition.isFinal, matches(sub.definition.composite, sup.definition.composite) else {
                    throw ValidationError("sub type", offset: offset)
                }
            }
        }
        return ids
    }

    /// `a` may be declared a subtype of `b`: the same kind; parameters contravariant and
    /// results covariant; a struct's fields a prefix-extension of the other's; fields and
    /// elements covariant when immutable, identical when mutable.
    private func matches(_ a: CompositeType, _ b: CompositeType) -> Bool {
        let types = CanonicalTypes(lookup: entry)
        switch (a, b) {
        case (.function(let f), .function(let g)):
            return f.parameters.count == g.parameters.count && f.results.count == g.results.count
                && zip(g.parameters, f.parameters).allSatisfy { types.isSubtype($0, $1) }
                && zip(f.results, g.results).allSatisfy { types.isSubtype($0, $1) }
        case (.structure(let f), .structure(let g)):
            return f.count >= g.count && zip(f, g).allSatisfy { types.fieldMatches($0, $1) }
        case (.array(let f), .array(let g)):
            return types.fieldMatches(f, g)
        default:
            return false
        }
    }
}

/// Subtyping over canonical types (every concrete heap type an id), given a way to look an
/// id's entry up: the registry itself, or the copy a module keeps of its own types.
struct CanonicalTypes {
    let lookup: (UInt32) -> TypeRegistry.Entry

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
        if a == b { return true }
        switch (a, b) {
        case (.concrete(let x), .concrete(let y)):
            let sub = lookup(x), sup = lookup(y)
            return sub.depth > sup.depth && sub.display[sup.depth] == y
        case (.concrete(let x), _):
            return Self.abstractSubtype(lookup(x).definition.composite.abstractKind, b)
        case (_, .concrete(let y)):
            return a == Self.bottom(of: lookup(y).definition.composite.abstractKind)
        default:
            return Self.abstractSubtype(a, b)
        }
    }

    func fieldMatches(_ a: FieldType, _ b: FieldType) -> Bool {
        guard a.mutable == b.mutable else { return false }
        switch (a.storage, b.storage) {
        case (.value(let x), .value(let y)): return a.mutable ? x == y : isSubtype(x, y)
        default: return a.storage == b.storage
        }
    }

    /// The order among abstract heap types: `none` < `i31`, `struct`, `array` < `eq` < `any`;
    /// `nofunc` < `func`, `noextern` < `extern`, `noexn` < `exn`.
    static func abstractSubtype(_ a: HeapType, _ b: HeapType) -> Bool {
        if a == b { return true }
        switch b {
        case .any: return a == .eq || a == .i31 || a == .struct || a == .array || a == .none
        case .eq: return a == .i31 || a == .struct || a == .array || a == .none
        case .i31, .struct, .array: return a == .none
        case .func: return a == .nofunc
        case .extern: return a == .noextern
        case .exn: return a == .noexn
        default: return false
        }
    }

    /// The bottom type below a kind of definition (`func` -> `nofunc`, structs and arrays -> `none`).
    static func bottom(of kind: HeapType) -> HeapType { kind == .func ? .nofunc : .none }
}

extension SubType {
    /// Calls `body` with every type index the definition mentions (supertypes included).
    public func forEachTypeIndex(_ body: (UInt32) -> Void) {
        supertypes.forEach(body)
        _ = mapTypeIndices { body($0); return $0 }
    }

    /// The definition with every type index (supertypes and concrete heap types) replaced.
    public func mapTypeIndices(_ f: (UInt32) -> UInt32) -> SubType {
        func value(_ t: ValueType) -> ValueType {
            guard case .ref(var r) = t, case .concrete(let i) = r.heap else { return t }
            r.heap = .concrete(f(i))
            return .ref(r)
        }
        func field(_ t: FieldType) -> FieldType {
            guard case .value(let v) = t.storage else { return t }
            return FieldType(storage: .value(value(v)), mutable: t.mutable)
        }
        let composite: CompositeType
        switch self.composite {
        case .function(let t):
            composite = .function(FunctionType(parameters: t.parameters.map(value), results: t.results.map(value)))
        case .structure(let fields): composite = .structure(fields.map(field))
        case .array(let element): composite = .array(field(element))
        }
        return SubType(isFinal: isFinal, supertypes: supertypes.map(f), composite: composite)
    }
}
