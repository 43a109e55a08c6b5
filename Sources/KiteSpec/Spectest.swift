import Kite

/// The `spectest` host module that spec scripts import from (see the spec interpreter's
/// harness): print functions, four globals, a table (and its 64-bit twin) and a memory.
func defineSpectest(store: Store, into imports: inout Imports) {
    func printer(_ name: String, _ params: [ValueType]) {
        imports.define("spectest", name, .function(Function(store: store, type: FunctionType(parameters: params, results: [])) { _ in [] }))
    }
    printer("print", [])
    printer("print_i32", [.i32])
    printer("print_i64", [.i64])
    printer("print_f32", [.f32])
    printer("print_f64", [.f64])
    printer("print_i32_f32", [.i32, .f32])
    printer("print_f64_f64", [.f64, .f64])
    func global(_ name: String, _ type: ValueType, _ value: Value) {
        imports.define("spectest", name, .global(Global(store: store, type: GlobalType(valueType: type, mutable: false), value: value)))
    }
    global("global_i32", .i32, .i32(666))
    global("global_i64", .i64, .i64(666))
    global("global_f32", .f32, .f32(Float(666.6).bitPattern))
    global("global_f64", .f64, .f64(Double(666.6).bitPattern))
    if let table = try? Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 10, max: 20))) {
        imports.define("spectest", "table", .table(table))
    }
    if let table = try? Table(store: store, type: TableType(elementType: .funcref, limits: Limits(min: 10, max: 20, is64: true))) {
        imports.define("spectest", "table64", .table(table))
    }
    if let memory = try? Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: 2))) {
        imports.define("spectest", "memory", .memory(memory))
    }
}
