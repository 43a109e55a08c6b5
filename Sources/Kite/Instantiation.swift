import CKiteDispatch
import KiteBinary
import KiteTranslator

extension Store {
    /// Instantiates `module`: links imports, allocates its entities, initializes tables and
    /// memories from active segments, then runs the start function.
    /// Throws `LinkError` for imports that do not fit, `Trap` when initialization traps.
    public func instantiate(_ module: CompiledModule, imports: Imports = Imports()) throws -> Instance {
        let module = try module.prepared(for: engine.configuration)
        let m = module.module
        let instance = Instance(module: module, store: self)
        try link(instance, imports: imports)
        instances.append(instance)

        for (i, typeIndex) in m.functions.enumerated() {
            var record = KiteFunction()
            record.kind = KITE_FUNCTION_WASM.rawValue
            record.instance = instance.raw
            let function = Function(store: self, type: module.canonical(m.types[Int(typeIndex)]), record: record, hostBody: nil,
                                    definition: (module, i), typeId: module.typeIDs[Int(typeIndex)])
            // Not translated yet: the record's code is the stub that translates it when called.
            if let code = module.codeIfTranslated(ofFunction: i) { code.install(in: function.handle) } else { kite_make_lazy(function.handle) }
            instance.add(function)
        }
        for type in m.memories { instance.add(try Memory(store: self, type: type)) }
        for typeIndex in m.tags {
            instance.add(Tag(store: self, type: module.canonical(m.types[Int(typeIndex)]), typeId: module.typeIDs[Int(typeIndex)]))
        }
        for global in m.globals {
            let value = try evaluate(global.initializer, in: instance)
            instance.add(Global(store: self, type: module.canonical(global.type), value: value))
        }
        for (i, type) in m.tables.enumerated() {
            // After the globals: a table's initializer may read them, and name functions.
            let initial = i < m.tableInitializers.count ? try m.tableInitializers[i].map { try evaluate($0, in: instance) } : nil
            instance.add(try Table(store: self, type: module.canonical(type), initial: initial))
        }
        instance.setExports(m.exports.compactMap { export in
            switch export.descriptor {
            case .function(let i): return (export.name, .function(instance.functions[Int(i)]))
            case .table(let i): return (export.name, .table(instance.tables[Int(i)]))
            case .memory(let i): return (export.name, .memory(instance.memories[Int(i)]))
            case .global(let i): return (export.name, .global(instance.globals[Int(i)]))
            case .tag(let i): return (export.name, .tag(instance.tags[Int(i)]))
            }
        })
        try initializeSegments(instance)
        if let start = m.start {
            _ = try instance.functions[Int(start)].invoke([])
        }
        return instance
    }

    func link(_ instance: Instance, imports: Imports) throws {
        let module = instance.module
        let types = module.module.types
        for entry in instance.module.module.imports {
            guard let value = imports.lookup(entry.module, entry.name) else {
                throw LinkError(.unknownImport, module: entry.module, name: entry.name)
            }
            guard owns(value) else { throw LinkError(.crossStore, module: entry.module, name: entry.name) }
            var fits: Bool
            switch (entry.descriptor, value) {
            case (.function(let t), .function(let f)):
                fits = RuntimeTypes.isSubtype(f.handle.pointee.typeId, module.typeIDs[Int(t)])
                if fits { instance.add(f) }
            case (.table(let expected), .table(let table)):
                fits = table.elementType == module.canonical(expected).elementType && limitsMatch(table.type.limits, expected.limits)
                if fits { instance.add(table) }
            case (.memory(let expected), .memory(let memory)):
                fits = limitsMatch(memory.currentLimits, expected.limits)
                if fits { instance.add(memory) }
            case (.tag(let t), .tag(let tag)):
                // Tags match by type exactly (parameters and results).
                fits = tag.typeId == module.typeIDs[Int(t)]
                if fits { instance.add(tag) }
            case (.global(let declared), .global(let global)):
                let expected = module.canonical(declared)
                // A mutable global must match exactly; an immutable one may be a subtype.
                fits = global.type == expected
                    || (!expected.mutable && !global.type.mutable && TypeRegistry.shared.isSubtype(global.type.valueType, expected.valueType))
                if fits { instance.add(global) }
            default:
                fits = false
            }
            guard fits else {
                throw LinkError(.incompatibleImportType, module: entry.module, name: entry.name,
                                expected: describe(entry.descriptor, types), actual: describe(value))
            }
        }
    }

    /// Whether `value` was created in this store (its records are this store's to use).
    func owns(_ value: ExternalValue) -> Bool {
        switch value {
        case .function(let f): return f.owner === lifetime
        case .table(let t): return t.owner === lifetime
        case .memory(let m): return m.owner === lifetime
        case .global(let g): return g.owner === lifetime
        case .tag(let t): return t.owner === lifetime
        }
    }

    /// An import as the text format would declare it: `func (i32) -> ()`, `memory 1..2`.
    func describe(_ descriptor: ImportDescriptor, _ types: [FunctionType]) -> String {
        switch descriptor {
        case .function(let t): return "func \(types[Int(t)])"
        case .table(let t): return "table \(describe(t.limits)) \(t.elementType)"
        case .memory(let m): return "memory \(describe(m.limits))"
        case .global(let g): return g.mutable ? "global (mut \(g.valueType))" : "global \(g.valueType)"
        case .tag(let t): return "tag \(types[Int(t)])"
        }
    }

    /// What was supplied, in the same words (memories and tables at their current size).
    func describe(_ value: ExternalValue) -> String {
        switch value {
        case .function(let f): return "func \(f.type)"
        case .table(let t): return "table \(describe(t.type.limits)) \(t.elementType)"
        case .memory(let m): return "memory \(describe(m.currentLimits))"
        case .global(let g): return g.type.mutable ? "global (mut \(g.type.valueType))" : "global \(g.type.valueType)"
        case .tag(let t): return "tag \(t.type)"
        }
    }

    func describe(_ limits: Limits) -> String {
        (limits.is64 ? "i64 " : "") + (limits.max.map { "\(limits.min)..\($0)" } ?? "\(limits.min)")
    }

    func limitsMatch(_ actual: Limits, _ expected: Limits) -> Bool {
        guard actual.is64 == expected.is64, actual.min >= expected.min else { return false }
        guard let expectedMax = expected.max else { return true }
        guard let actualMax = actual.max else { return false }
        return actualMax <= expectedMax
    }

    /// Evaluates a (validated) constant expression.
    func evaluate(_ expr: ConstExpression, in instance: Instance) throws -> Value {
        var stack: [Value] = []
        for instruction in expr.instructions {
            switch instruction {
            case .i32Const(let v): stack.append(.i32(UInt32(bitPattern: v)))
            case .i64Const(let v): stack.append(.i64(UInt64(bitPattern: v)))
            case .f32Const(let v): stack.append(.f32(v))
            case .f64Const(let v): stack.append(.f64(v))
            case .simd(opcode: SIMDOpcode.v128Const, .bytes16(let bytes)): stack.append(.v128(V128(bytes: bytes)))
            case .refNull(let t): stack.append(.zero(.ref(instance.module.canonical(t))))
            case .refFunc(let f): stack.append(.ref(.function(instance.functions[Int(f)].address)))
            case .globalGet(let g): stack.append(instance.globals[Int(g)].value)
            case .numeric(let op):
                guard case let b? = stack.popLast(), case let a? = stack.popLast() else { throw Trap("invalid constant expression") }
                switch (a, b, op) {
                case (.i32(let x), .i32(let y), NumericOpcode.i32Add): stack.append(.i32(x &+ y))
                case (.i32(let x), .i32(let y), NumericOpcode.i32Sub): stack.append(.i32(x &- y))
                case (.i32(let x), .i32(let y), NumericOpcode.i32Mul): stack.append(.i32(x &* y))
                case (.i64(let x), .i64(let y), NumericOpcode.i64Add): stack.append(.i64(x &+ y))
                case (.i64(let x), .i64(let y), NumericOpcode.i64Sub): stack.append(.i64(x &- y))
                case (.i64(let x), .i64(let y), NumericOpcode.i64Mul): stack.append(.i64(x &* y))
                default: throw Trap("invalid constant expression")
                }
            case .refI31:
                guard case .i32(let v)? = stack.popLast() else { throw Trap("invalid constant expression") }
                stack.append(.ref(.any(Int((UInt64(v & 0x7FFF_FFFF) << 1) | 1))))
            case .anyConvertExtern:
                guard case .ref(.extern(let e))? = stack.popLast() else { throw Trap("invalid constant expression") }
                stack.append(.ref(.any(e.map { Int(bitPattern: UInt(Value.externBits($0))) })))
            case .externConvertAny:
                guard case .ref(.any(let a))? = stack.popLast() else { throw Trap("invalid constant expression") }
                stack.append(.ref(.extern(a.map { Value.externAddress(UInt64(UInt(bitPattern: $0))) })))
            case .structNew(let t), .structNewDefault(let t), .arrayNew(let t), .arrayNewDefault(let t), .arrayNewFixed(let t, _):
                stack.append(try allocate(instruction, type: t, operands: &stack, in: instance))
            default:
                throw Trap("invalid constant expression")
            }
        }
        guard stack.count == 1 else { throw Trap("invalid constant expression") }
        return stack[0]
    }

    /// A struct or array a constant expression makes, its operands popped from `stack`.
    private func allocate(_ instruction: Instruction, type t: UInt32, operands stack: inout [Value], in instance: Instance) throws -> Value {
        let id = instance.module.typeIDs[Int(t)]
        func pop(_ n: Int) throws -> [KiteSlot] {
            guard stack.count >= n else { throw Trap("invalid constant expression") }
            let values = stack.suffix(n)
            stack.removeLast(n)
            var slots: [KiteSlot] = []
            for v in values {
                var pair = [KiteSlot(u64: 0), KiteSlot(u64: 0)]
                pair.withUnsafeMutableBufferPointer { v.store(to: $0.baseAddress!) }
                slots += v.type == .v128 ? pair : [pair[0]]
            }
            return slots
        }
        func count() throws -> UInt32 {
            guard case .i32(let n)? = stack.popLast() else { throw Trap("invalid constant expression") }
            return n
        }
        let object: UnsafeMutablePointer<KiteObject>?
        switch instruction {
        case .structNew:
            guard case .structure(let fields) = TypeRegistry.shared.entry(id).definition.composite else { throw Trap("invalid constant expression") }
            let slots = try pop(fields.count)
            object = slots.withUnsafeBufferPointer { kite_struct_new(context, KiteSite(), id, $0.baseAddress) }
        case .structNewDefault:
            object = kite_struct_new(context, KiteSite(), id, nil)
        case .arrayNew:
            let n = try count()
            let value = try pop(1)
            object = value.withUnsafeBufferPointer { kite_array_new(context, KiteSite(), id, n, $0.baseAddress, nil) }
        case .arrayNewDefault:
            object = kite_array_new(context, KiteSite(), id, try count(), nil, nil)
        case .arrayNewFixed(_, let n):
            let slots = try pop(Int(n))
            object = slots.withUnsafeBufferPointer { kite_array_new(context, KiteSite(), id, n, nil, $0.baseAddress) }
        default:
            object = nil
        }
        guard let object else { throw Trap("out of memory") }
        return .ref(.any(Int(bitPattern: UInt(bitPattern: object))))
    }

    /// Element and data segments, in order: passive ones become available to table.init /
    /// memory.init; active ones are copied in and dropped; declarative ones are dropped.
    func initializeSegments(_ instance: Instance) throws {
        let m = instance.module.module
        instance.elementSlots = .allocate(capacity: max(m.elements.reduce(0) { $0 + $1.count }, 1))
        var slot = 0
        for (i, segment) in m.elements.enumerated() {
            let items = instance.elementSlots.baseAddress! + slot
            switch segment.items {
            case .functions(let indices, _):
                for f in indices {
                    instance.elementSlots[slot] = Value.ref(.function(instance.functions[Int(f)].address)).slot
                    slot += 1
                }
            case .expressions(let expressions):
                for item in expressions {
                    instance.elementSlots[slot] = try evaluate(item, in: instance).slot
                    slot += 1
                }
            }
            instance.elements[i] = KiteElements(items: UnsafePointer(items), count: UInt32(segment.count))
        }
        instance.dataStorage = .allocate(capacity: max(m.data.reduce(0) { $0 + $1.bytes.count }, 1))
        var byte = 0
        for (i, segment) in m.data.enumerated() {
            let bytes = instance.dataStorage.baseAddress! + byte
            _ = UnsafeMutableBufferPointer(rebasing: instance.dataStorage[byte..<byte + segment.bytes.count]).initialize(from: segment.bytes)
            byte += segment.bytes.count
            instance.data[i] = KiteData(bytes: UnsafePointer(bytes), length: UInt64(segment.bytes.count))
        }
        for (i, segment) in m.elements.enumerated() {
            switch segment.mode {
            case .passive:
                break
            case .declarative:
                instance.elements[i].count = 0
            case .active(let table, let offsetExpr):
                let offset: UInt32
                switch try evaluate(offsetExpr, in: instance) {
                case .i32(let v): offset = v
                case .i64(let v): offset = UInt32(clamping: v)  // a 64-bit table; beyond 2^32 - 1 is out of range anyway
                default: throw Trap("invalid offset")
                }
                let ok = withUnsafePointer(to: instance.elements[i]) { segmentPointer in
                    kite_table_init(instance.tables[Int(table)].handle, offset, segmentPointer, 0, UInt32(segment.count))
                }
                instance.elements[i].count = 0
                if !ok { throw Trap("out of bounds table access") }
            }
        }
        for (i, segment) in m.data.enumerated() {
            guard case .active(let memoryIndex, let offsetExpr) = segment.mode else { continue }
            let offset: UInt64
            switch try evaluate(offsetExpr, in: instance) {
            case .i32(let v): offset = UInt64(v)
            case .i64(let v): offset = v  // a 64-bit memory
            default: throw Trap("invalid offset")
            }
            let memory = instance.memories[Int(memoryIndex)]
            instance.data[i].length = 0
            guard offset <= UInt64(memory.byteCount), UInt64(segment.bytes.count) <= UInt64(memory.byteCount) - offset else {
                throw Trap("out of bounds memory access")
            }
            if !segment.bytes.isEmpty {
                let target = memory.bytes
                for (j, byte) in segment.bytes.enumerated() { target[Int(offset) + j] = byte }
            }
        }
    }
}
