import Dispatch
import KiteBinary

/// A module that passed validation, with every function translated to register bytecode.
public struct TranslatedModule: Sendable {
    /// The decoded module that was validated.
    public let module: Module
    /// The functions the module defines (imports excluded), in index order.
    public let functions: [CompiledFunction]
}

/// Handler words that are just the op numbers: for printing and golden tests.
public let identityHandlers: [UInt64] = Op.allCases.map { UInt64($0.rawValue) }

/// Validates `module` and translates its functions. `handlers[op]` is what word 0 of each
/// instruction holds (handler addresses for execution, `identityHandlers` for printing).
public func translateModule(_ module: Module, handlers: [UInt64] = identityHandlers, metered: Bool = false,
                            recordingSourceOffsets: Bool = false) throws -> TranslatedModule {
    var context = ModuleContext(module: module)
    context.metered = metered
    context.recordsSourceOffsets = recordingSourceOffsets
    try validateModuleFields(module, context)
    var functions: [CompiledFunction] = []
    functions.reserveCapacity(module.codes.count)
    for (typeIndex, code) in zip(module.functions, module.codes) {
        functions.append(try translateFunction(module: module, context: context, typeIndex: typeIndex, code: code, handlers: handlers))
    }
    return TranslatedModule(module: module, functions: functions)
}

/// A module that passed validation, whole; its functions are translated one at a time, on
/// demand (`translate(function:handlers:)`), the way WasmKit and wasm3 compile lazily.
public struct ValidatedModule: Sendable {
    /// The decoded module that was validated.
    public let module: Module
    let context: ModuleContext
    /// Functions translated during validation, by defined-function index: those whose frame
    /// might break the translator's limits, so that such an error is reported at once.
    public let translatedEarly: [Int: CompiledFunction]

    /// Validates every part of `module`, every function body included, without translating.
    /// Throws what `translateModule` would throw.
    /// `metered`: translate for fuel and interrupts (see `ModuleContext.metered`);
    /// `recordingSourceOffsets`: fill `CompiledFunction.sourceOffsets`.
    public init(_ module: Module, handlers: [UInt64] = identityHandlers, metered: Bool = false,
                recordingSourceOffsets: Bool = false) throws {
        var modifiable = ModuleContext(module: module)
        modifiable.metered = metered
        modifiable.recordsSourceOffsets = recordingSourceOffsets
        let context = modifiable
        try validateModuleFields(module, context)
        // Large modules are validated in two halves at once (the halves hold about as many
        // bytes of code each); the error reported is still the one of the first invalid function.
        let bodyBytes = module.codes.reduce(0) { $0 + $1.body.count }
        let parts = bodyBytes >= Self.parallelThreshold ? 2 : 1
        var bounds = [0]
        var sum = 0
        for (i, code) in module.codes.enumerated() where bounds.count < parts {
            sum += code.body.count
            if sum * parts >= bodyBytes * bounds.count { bounds.append(i + 1) }
        }
        while bounds.count <= parts { bounds.append(module.codes.count) }
        let outcomes: [Result<[Int: CompiledFunction], Error>]
        if parts == 1 {
            outcomes = [Result { try validateFunctions(module, context, 0..<module.codes.count, handlers: handlers) }]
        } else {
            var results = [Result<[Int: CompiledFunction], Error>](repeating: .success([:]), count: parts)
            let bounds = bounds
            results.withUnsafeMutableBufferPointer { buffer in
                nonisolated(unsafe) let slots = buffer.baseAddress!
                DispatchQueue.concurrentPerform(iterations: parts) { part in
                    slots[part] = Result { try validateFunctions(module, context, bounds[part]..<bounds[part + 1], handlers: handlers) }
                }
            }
            outcomes = results
        }
        var early: [Int: CompiledFunction] = [:]
        for outcome in outcomes { early.merge(try outcome.get()) { a, _ in a } }
        self.module = module
        self.context = context
        translatedEarly = early
    }

    /// Bytes of function bodies from which validation runs on two threads.
    static let parallelThreshold = 256 * 1024

    /// Translates defined function `index` (imports excluded). The module is valid, so this
    /// throws only if the translator disagrees with the validator: a bug, reported as an error.
    public func translate(function index: Int, handlers: [UInt64] = identityHandlers) throws -> CompiledFunction {
        if let early = translatedEarly[index] { return early }
        return try translateFunction(module: module, context: context, typeIndex: module.functions[index],
                                     code: module.codes[index], handlers: handlers)
    }
}

/// Validates the defined functions `range`; returns those translated early (`translatedEarly`).
private func validateFunctions(_ module: Module, _ context: ModuleContext, _ range: Range<Int>,
                               handlers: [UInt64]) throws -> [Int: CompiledFunction] {
    var validator = FunctionValidator(context: context)
    var early: [Int: CompiledFunction] = [:]
    for i in range {
        let typeIndex = module.functions[i], code = module.codes[i]
        try validator.validate(module: module, typeIndex: typeIndex, code: code)
        if validator.mayExceedFrame {
            early[i] = try translateFunction(module: module, context: context, typeIndex: typeIndex, code: code, handlers: handlers)
        }
    }
    return early
}

func translateFunction(module: Module, context: ModuleContext, typeIndex: UInt32, code: Code, handlers: [UInt64]) throws -> CompiledFunction {
    var translator = try FunctionTranslator(context: context, typeIndex: typeIndex, locals: code.locals, handlers: handlers,
                                            bodyOffset: code.body.lowerBound)
    var reader = CodeReader(module: module, code: code)
    while !translator.controls.isEmpty {
        if reader.isAtEnd { throw DecodingError("unexpected end of section or function", offset: reader.offset) }
        translator.offset = reader.offset
        translator.code.sourceOffset = reader.offset
        try translator.translate(try reader.read())
    }
    if !reader.isAtEnd { throw DecodingError("section size mismatch", offset: reader.offset) }
    return try translator.finish()
}

/// Everything about the module but its function bodies, and that there is one body per function.
func validateModuleFields(_ module: Module, _ context: ModuleContext) throws {
    if let error = context.typeSectionError { throw error }
    for t in context.globals { try context.checkTypeIndices(t.valueType, offset: module.offset(ofSection: 6)) }
    for t in context.tables { try context.checkTypeIndices(.ref(t.elementType), offset: module.offset(ofSection: 4)) }
    for entry in module.imports {
        switch entry.descriptor {
        case .function(let t): _ = try context.type(t, offset: module.offset(ofSection: 2))
        case .table(let t): try validateTableLimits(t.limits, offset: module.offset(ofSection: 2))
        case .memory(let m): try validateMemoryLimits(m.limits, offset: module.offset(ofSection: 2))
        case .global: break
        case .tag(let t): try validateTagType(t, context, offset: module.offset(ofSection: 2))
        }
    }
    for t in module.tags { try validateTagType(t, context, offset: module.offset(ofSection: 13)) }
    for t in module.functions { _ = try context.type(t, offset: module.offset(ofSection: 3)) }
    for t in module.tables { try validateTableLimits(t.limits, offset: module.offset(ofSection: 4)) }
    for m in module.memories { try validateMemoryLimits(m.limits, offset: module.offset(ofSection: 5)) }
    for (i, global) in module.globals.enumerated() {
        try validateConstant(global.initializer, type: global.type.valueType, context: context,
                             visibleGlobals: context.importedGlobalCount + i)
    }
    for (i, initializer) in module.tableInitializers.enumerated() {
        guard let initializer, i < module.tables.count else { continue }
        // Tables come before globals in the module, so only imported globals are visible.
        try validateConstant(initializer, type: .ref(module.tables[i].elementType), context: context,
                             visibleGlobals: context.importedGlobalCount)
    }
    for (i, table) in module.tables.enumerated() where !table.elementType.nullable {
        // Non-nullable elements need an initial value.
        if i >= module.tableInitializers.count || module.tableInitializers[i] == nil {
            throw ValidationError("type mismatch", offset: module.offset(ofSection: 4))
        }
    }
    for segment in module.elements {
        try context.checkTypeIndices(.ref(segment.type), offset: module.offset(ofSection: 9))
        switch segment.items {
        case .functions(let indices, let offsets):
            // `ref.func i` of the index forms, whose type `(ref func)` every function has.
            for (f, offset) in zip(indices, offsets) { _ = try context.functionType(f, offset: Int(offset)) }
        case .expressions(let expressions):
            for item in expressions {
                try validateConstant(item, type: .ref(segment.type), context: context, visibleGlobals: context.globals.count)
            }
        }
        if case .active(let table, let offset) = segment.mode {
            let tableType = try context.table(table, offset: offset.offset)
            guard context.isSubtype(segment.type, tableType.elementType) else { throw ValidationError("type mismatch", offset: offset.offset) }
            try validateConstant(offset, type: tableType.limits.is64 ? .i64 : .i32, context: context, visibleGlobals: context.globals.count)
        }
    }
    for segment in module.data {
        if case .active(let memory, let offset) = segment.mode {
            let type = try context.memory(memory, offset: offset.offset)
            try validateConstant(offset, type: type.limits.is64 ? .i64 : .i32, context: context, visibleGlobals: context.globals.count)
        }
    }
    if let start = module.start {
        let type = try context.functionType(start, offset: module.offset(ofSection: 8))
        guard type.parameters.isEmpty && type.results.isEmpty else {
            throw ValidationError("start function", offset: module.offset(ofSection: 8))
        }
    }
    // Names are compared as bytes: Swift's String equality would merge canonically
    // equivalent spellings, which Wasm treats as different names.
    var names = Set<[UInt8]>()
    let exportSection = module.offset(ofSection: 7)
    for export in module.exports {
        guard names.insert(Array(export.name.utf8)).inserted else {
            throw ValidationError("duplicate export name", offset: exportSection)
        }
        switch export.descriptor {
        case .function(let i): _ = try context.functionType(i, offset: exportSection)
        case .table(let i): _ = try context.table(i, offset: exportSection)
        case .memory(let i): _ = try context.memory(i, offset: exportSection)
        case .global(let i): _ = try context.global(i, offset: exportSection)
        case .tag(let i):
            guard Int(i) < context.tags.count else { throw ValidationError("unknown tag \(i)", offset: exportSection) }
        }
    }
    // Last: every other module-level error is reported before this one.
    guard module.functions.count == module.codes.count else {
        throw DecodingError("function and code section have inconsistent lengths", offset: module.offset(ofSection: 10))
    }
}

func validateTagType(_ typeIndex: UInt32, _ context: ModuleContext, offset: Int) throws {
    let type = try context.type(typeIndex, offset: offset)
    guard type.results.isEmpty else { throw ValidationError("non-empty tag result type", offset: offset) }
}

func validateTableLimits(_ limits: Limits, offset: Int) throws {
    if !limits.is64 && (limits.min > UInt64(UInt32.max) || (limits.max ?? 0) > UInt64(UInt32.max)) {
        throw ValidationError("table size must be at most 2^32-1", offset: offset)
    }
    if let max = limits.max, limits.min > max {
        throw ValidationError("size minimum must not be greater than maximum", offset: offset)
    }
}

func validateMemoryLimits(_ limits: Limits, offset: Int) throws {
    let cap: UInt64 = limits.is64 ? 1 << 48 : 65536
    if limits.min > cap || (limits.max ?? 0) > cap {
        throw ValidationError(limits.is64 ? "memory size must be at most 2^48 pages" : "memory size must be at most 65536 pages (4GiB)",
                              offset: offset)
    }
    if let max = limits.max, limits.min > max {
        throw ValidationError("size minimum must not be greater than maximum", offset: offset)
    }
}

/// The integer operators extended constant expressions may use, and their type.
let extendedConstantOperators: [UInt16: ValueType] = [
    NumericOpcode.i32Add: .i32, NumericOpcode.i32Sub: .i32, NumericOpcode.i32Mul: .i32,
    NumericOpcode.i64Add: .i64, NumericOpcode.i64Sub: .i64, NumericOpcode.i64Mul: .i64,
]

/// Constant expressions: constants, ref.null, ref.func, global.get of an immutable global
/// defined before, the extended-constant integer add/sub/mul, and GC's allocations, ref.i31
/// and the any/extern conversions.
func validateConstant(_ expr: ConstExpression, type expected: ValueType, context: ModuleContext, visibleGlobals: Int) throws {
    var stack: [ValueType] = []
    func fail(_ message: String) -> ValidationError { ValidationError(message, offset: expr.offset) }
    for instruction in expr.instructions {
        switch instruction {
        case .i32Const: stack.append(.i32)
        case .i64Const: stack.append(.i64)
        case .f32Const: stack.append(.f32)
        case .f64Const: stack.append(.f64)
        case .simd(opcode: SIMDOpcode.v128Const, _): stack.append(.v128)
        case .refNull(let t):
            try context.checkTypeIndices(.ref(t), offset: expr.offset)
            stack.append(.ref(t))
        case .refFunc(let f):
            _ = try context.functionType(f, offset: expr.offset)
            stack.append(.ref(RefType(nullable: false, heap: .concrete(context.functionTypes[Int(f)]))))
        case .globalGet(let g):
            guard Int(g) < visibleGlobals else { throw fail("unknown global \(g)") }
            let global = context.globals[Int(g)]
            guard !global.mutable else { throw fail("constant expression required") }
            stack.append(global.valueType)
        case .anyConvertExtern, .externConvertAny:
            guard let operand = stack.popLast() else { throw fail("type mismatch") }
            var toAny = false
            if case .anyConvertExtern = instruction { toAny = true }
            stack.append(try context.convertedType(operand, toAny: toAny, offset: expr.offset))
        case .structNew, .structNewDefault, .arrayNew, .arrayNewDefault, .arrayNewFixed, .refI31:
            guard let signature = try context.gcSignature(instruction, offset: expr.offset) else { throw fail("constant expression required") }
            for t in signature.parameters.reversed() {
                guard let top = stack.popLast(), context.isSubtype(top, t) else { throw fail("type mismatch") }
            }
            stack += signature.results
        case .numeric(let op) where extendedConstantOperators[op] != nil:
            let t = extendedConstantOperators[op]!
            guard stack.count >= 2, stack.removeLast() == t, stack.removeLast() == t else { throw fail("type mismatch") }
            stack.append(t)
        default:
            throw fail("constant expression required")
        }
    }
    guard stack.count == 1, context.isSubtype(stack[0], expected) else { throw fail("type mismatch") }
}
