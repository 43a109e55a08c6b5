import Kite
import KiteBinary

/// Something for every import of a module, so that any module can be instantiated: host
/// functions that return zeros, and fresh memories, tables, globals and tags of the types
/// asked for. nil when one cannot be made (a non-nullable reference global, a memory or
/// table above the store's limits).
enum StubImports {
    static func make(for module: CompiledModule, in store: Store) -> Imports? {
        var imports = Imports()
        let types = module.module.types
        for item in module.imports {
            let value: ExternalValue
            switch item.descriptor {
            case .function(let index):
                guard Int(index) < types.count else { return nil }
                let type = module.canonical(types[Int(index)])
                value = .function(Function(store: store, type: type) { _ in type.results.map { Value.zero($0) } })
            case .table(let type):
                guard let table = try? Table(store: store, type: module.canonical(type)) else { return nil }
                value = .table(table)
            case .memory(let type):
                guard let memory = try? Memory(store: store, type: type) else { return nil }
                value = .memory(memory)
            case .global(let type):
                let canonical = module.canonical(type)
                if case .ref(let r) = canonical.valueType, !r.nullable { return nil }
                value = .global(Global(store: store, type: canonical, value: .zero(canonical.valueType)))
            case .tag(let index):
                guard Int(index) < types.count else { return nil }
                value = .tag(Tag(store: store, type: module.canonical(types[Int(index)])))
            }
            imports.define(item.module, item.name, value)
        }
        return imports
    }
}
