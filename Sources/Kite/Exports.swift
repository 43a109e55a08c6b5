/// What an instance exports, in declaration order, looked up by name:
/// `instance.exports[function: "fac"]`.
public struct Exports: Sequence {
    /// In declaration order.
    let entries: [(name: String, value: ExternalValue)]
    /// By the bytes of the name (names are compared byte-wise, as in `Imports`).
    let byName: [[UInt8]: ExternalValue]

    /// Every exported value, in declaration order.
    public var values: [ExternalValue] { entries.map(\.value) }
    /// How many exports there are.
    public var count: Int { entries.count }

    /// The export called `name`, of any kind.
    public subscript(_ name: String) -> ExternalValue? { byName[Array(name.utf8)] }

    /// The function exported as `name`; nil if there is none, or it is not a function.
    public subscript(function name: String) -> Function? {
        guard case .function(let f)? = self[name] else { return nil }
        return f
    }

    /// The table exported as `name`; nil if there is none, or it is not a table.
    public subscript(table name: String) -> Table? {
        guard case .table(let t)? = self[name] else { return nil }
        return t
    }

    /// The memory exported as `name`; nil if there is none, or it is not a memory.
    public subscript(memory name: String) -> Memory? {
        guard case .memory(let m)? = self[name] else { return nil }
        return m
    }

    /// The global exported as `name`; nil if there is none, or it is not a global.
    public subscript(global name: String) -> Global? {
        guard case .global(let g)? = self[name] else { return nil }
        return g
    }

    /// The tag exported as `name`; nil if there is none, or it is not a tag.
    public subscript(tag name: String) -> Tag? {
        guard case .tag(let t)? = self[name] else { return nil }
        return t
    }

    /// The exports as `(name, value)` pairs, in declaration order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: ExternalValue)]> {
        entries.makeIterator()
    }
}
