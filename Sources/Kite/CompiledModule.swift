import CKiteDispatch
import KiteBinary
import KiteTranslator

/// When a module's functions are translated to register bytecode. Validation is always
/// eager: an invalid module is rejected when it is compiled, with the same error either way.
public enum CompilationMode: Sendable {
    /// Every function when the module is compiled.
    case eager
    /// Each function on its first call (what WasmKit and wasm3 do): compiling a large module
    /// costs only its validation, and code that never runs is never translated.
    case lazy
}

/// A decoded, validated module, ready to instantiate any number of times. Its functions'
/// bytecode is direct-threaded (word 0 of each instruction is a handler address) and lives
/// in stable memory shared by all its instances; with `.lazy` compilation each function is
/// translated on its first call, by whichever instance calls it first.
public final class CompiledModule: @unchecked Sendable {
    /// The decoded module: its types, imports, exports, functions' bodies and custom sections.
    public let module: KiteBinary.Module
    /// When its functions are translated (see `CompilationMode`).
    public let compilationMode: CompilationMode
    /// Whether the code checks fuel and interrupts (see `init(bytes:compilationMode:metered:)`).
    public let metered: Bool
    /// Whether every executed instruction is counted (exact profiling, `ExactProfile`).
    public let counted: Bool
    /// For `.lazy`: what translates the functions (nil with `.eager`: all are translated).
    let validated: ValidatedModule?
    /// The canonical id (TypeRegistry) of each type index: what the runtime compares types by.
    public private(set) var typeIDs: [UInt32] = []
    /// Translated functions by defined-function index; guarded by `lock`.
    private var translated: [FunctionCode?]
    /// The translated functions with handler regions (`codesWithHandlers`).
    private var catching: [FunctionCode] = []
    /// This module translated otherwise (metered, counted), once an engine asked: by
    /// `metered`, `counted`.
    private var variants: [[Bool]: CompiledModule] = [:]
    /// Function names for crash reports, made on the first translation after they are on.
    private var crashNames: ((Int) -> String)?
    private let lock: OpaquePointer

    /// The handler address of every op, in `Op` order.
    static let handlerAddresses: [UInt64] = (0..<kite_handler_count).map { kite_handler_address($0) }

    /// Decodes, validates and (eagerly, or as functions are first called) translates a
    /// binary module. Throws `DecodingError` (malformed) or `ValidationError` (invalid).
    ///
    /// `metered`: the code charges the store's fuel (`Store.fuel`) and answers
    /// `Store.interrupt()` at every function entry and loop iteration. Unmetered code (the
    /// default) runs without either check, so it cannot be stopped that way.
    public convenience init(bytes: [UInt8], compilationMode: CompilationMode = .lazy, metered: Bool = false) throws {
        try self.init(module: try decodeModule(bytes), compilationMode: compilationMode, metered: metered)
    }

    /// Validates and (eagerly, or as functions are first called) translates an already
    /// decoded module. Throws `ValidationError` for an invalid one.
    public convenience init(module: KiteBinary.Module, compilationMode: CompilationMode = .lazy, metered: Bool = false) throws {
        try self.init(module: module, compilationMode: compilationMode, metered: metered, counted: false)
    }

    init(module: KiteBinary.Module, compilationMode: CompilationMode, metered: Bool, counted: Bool) throws {
        precondition(Int(kite_handler_count) == Op.allCases.count, "handler table and Op enum disagree: regenerate")
        guard let lock = kite_mutex_create() else { throw ResourceError("out of memory: cannot create a module") }
        self.lock = lock
        self.module = module
        self.compilationMode = compilationMode
        self.metered = metered
        self.counted = counted
        translated = Array(repeating: nil, count: module.codes.count)
        switch compilationMode {
        case .eager:
            // The translator validates as it goes: one pass instead of two.
            validated = nil
            let functions = try translateModule(module, handlers: Self.handlerAddresses, metered: metered,
                                            recordingSourceOffsets: counted).functions
            translated = try functions.map { try FunctionCode($0, counted: counted) }
            catching = translated.compactMap { $0 }.filter { !$0.function.handlers.isEmpty }
            for (index, code) in translated.enumerated() { if let code { registerForCrashReports(code, index) } }
        case .lazy:
            let validated = try ValidatedModule(module, handlers: Self.handlerAddresses, metered: metered,
                                                recordingSourceOffsets: counted)
            for (i, function) in validated.translatedEarly {
                let code = try FunctionCode(function, counted: counted)
                translated[i] = code
                if !function.handlers.isEmpty { catching.append(code) }
            }
            self.validated = validated
        }
        // Validation registered the types already; this only looks their ids up.
        typeIDs = try TypeRegistry.shared.canonicalize(module)
        RuntimeTypes.register(typeIDs)
    }

    deinit {
        kite_mutex_destroy(lock)
    }

    /// Defined function `index` (imports excluded), translated now if it was not yet.
    /// Throws only if the translator rejects a function the validator accepted (a bug).
    func code(ofFunction index: Int) throws -> FunctionCode {
        kite_mutex_lock(lock)
        defer { kite_mutex_unlock(lock) }
        if let code = translated[index] { return code }
        guard let validated else { preconditionFailure("an eagerly compiled module has every function translated") }
        let code = try FunctionCode(try validated.translate(function: index, handlers: Self.handlerAddresses), counted: counted)
        registerForCrashReports(code, index)
        translated[index] = code
        if !code.function.handlers.isEmpty { catching.append(code) }
        return code
    }

    /// This module as a store with `configuration` runs it: translated with metering if the
    /// configuration asks for it (made once, then shared), every function translated now if
    /// it asks for `.eager`.
    func prepared(for configuration: EngineConfiguration) throws -> CompiledModule {
        var module = self
        let wanted = [metered || configuration.fuelMetering, counted || configuration.exactProfiling]
        if wanted != [metered, counted] {
            kite_mutex_lock(lock)
            defer { kite_mutex_unlock(lock) }
            if variants[wanted] == nil {
                variants[wanted] = try CompiledModule(module: self.module, compilationMode: compilationMode,
                                                      metered: wanted[0], counted: wanted[1])
            }
            module = variants[wanted]!
        }
        if configuration.compilationMode == .eager && module.compilationMode == .lazy {
            for index in module.module.codes.indices { _ = try module.code(ofFunction: index) }
        }
        return module
    }

    /// Names the code of defined function `index` for crash reports, if they are on.
    private func registerForCrashReports(_ code: FunctionCode, _ index: Int) {
        guard kite_crash_reports_installed(), let start = code.code.baseAddress else { return }
        if crashNames == nil { crashNames = module.displayNames() }
        kite_crash_register_code(UInt64(UInt(bitPattern: start)), UInt64(UInt(bitPattern: start + code.code.count)),
                                 crashNames!(index))
    }

    /// Defined function `index` if it has been translated.
    func codeIfTranslated(ofFunction index: Int) -> FunctionCode? {
        kite_mutex_lock(lock)
        defer { kite_mutex_unlock(lock) }
        return translated[index]
    }

    /// The defined function whose bytecode contains `pc`, if any.
    func function(containing pc: UnsafePointer<UInt64>) -> Int? {
        kite_mutex_lock(lock)
        defer { kite_mutex_unlock(lock) }
        return translated.firstIndex { $0?.contains(pc) ?? false }
    }

    /// The functions translated so far, by defined-function index.
    /// The translated functions that catch exceptions (have handler regions): what the
    /// unwinder looks a pc up in.
    func codesWithHandlers() -> [FunctionCode] {
        kite_mutex_lock(lock)
        defer { kite_mutex_unlock(lock) }
        return catching
    }

    func translatedCodes() -> [(index: Int, code: FunctionCode)] {
        kite_mutex_lock(lock)
        defer { kite_mutex_unlock(lock) }
        return translated.enumerated().compactMap { index, code in code.map { (index, $0) } }
    }

    /// Where each translated function's bytecode lies: (first word, one past the last word,
    /// defined-function index). What the profiler maps sampled pcs with.
    func codeRanges() -> [(start: UInt, end: UInt, index: Int)] {
        kite_mutex_lock(lock)
        defer { kite_mutex_unlock(lock) }
        return translated.enumerated().compactMap { index, code in
            guard let code, let start = code.code.baseAddress else { return nil }
            return (UInt(bitPattern: start), UInt(bitPattern: start + code.code.count), index)
        }
    }

    /// `codeRanges` with the code itself: what the collector's stack walk looks pcs up in.
    func translatedCodeRanges() -> [(start: UInt, end: UInt, code: FunctionCode)] {
        kite_mutex_lock(lock)
        defer { kite_mutex_unlock(lock) }
        return translated.compactMap { code in
            guard let code, let start = code.code.baseAddress else { return nil }
            return (UInt(bitPattern: start), UInt(bitPattern: start + code.code.count), code)
        }
    }

    /// Bytes of register bytecode and constant pools of the functions translated so far
    /// (all of them with `.eager`; the start-up target compares it with the Wasm bodies).
    public var bytecodeByteCount: Int {
        kite_mutex_lock(lock)
        defer { kite_mutex_unlock(lock) }
        return translated.reduce(0) { $0 + ($1.map { $0.function.code.count * 8 + $0.function.constants.count * 8 } ?? 0) }
    }

    /// How many of the module's functions have been translated so far.
    public var translatedFunctionCount: Int {
        kite_mutex_lock(lock)
        defer { kite_mutex_unlock(lock) }
        return translated.reduce(0) { $0 + ($1 == nil ? 0 : 1) }
    }

    /// Names and types of what the module imports, in order.
    public var imports: [Import] { module.imports }
}

/// One translated function, its bytecode and constants copied into stable memory that
/// function records point at; freed with the module.
final class FunctionCode: @unchecked Sendable {
    let function: CompiledFunction
    /// The code records point at. Counted: the entry stub (two words), then the code, in the
    /// counting arena (Counting.c), which is never freed.
    let code: UnsafeMutableBufferPointer<UInt64>
    let constants: UnsafeMutableBufferPointer<KiteSlot>
    /// Counted code: where each instruction starts (word offsets into `function.code`).
    let instructionStarts: [Int]?

    /// The op of each handler address (to walk code translated with real handlers).
    static let opsByHandler: [UInt64: Op] = Dictionary(
        uniqueKeysWithValues: CompiledModule.handlerAddresses.enumerated().map { ($1, Op.allCases[$0]) })

    init(_ function: CompiledFunction, counted: Bool = false) throws {
        self.function = function
        constants = .allocate(capacity: max(function.constants.count, 1))
        for (i, bits) in function.constants.enumerated() { constants[i] = KiteSlot(u64: bits) }
        guard counted else {
            code = .allocate(capacity: max(function.code.count, 1))
            _ = code.initialize(from: function.code)
            instructionStarts = nil
            return
        }
        let starts = KiteTranslator.instructionStarts(function.code) { Self.opsByHandler[$0] }.map(\.at)
        guard let base = kite_counting_alloc(UInt64(function.code.count + 2)) else {
            constants.deallocate()
            throw ResourceError("out of memory: the exact-profiling arena is full")
        }
        let span = Int(kite_counting_span()) / MemoryLayout<UInt64>.size
        let step = kite_count_step_address()
        base[0] = step
        base[1] = UInt64(UInt(bitPattern: base + 2))
        base[span] = kite_count_enter_address()
        for (i, word) in function.code.enumerated() { base[2 + i] = word }
        for at in starts {
            base[span + 2 + at] = function.code[at]
            base[2 + at] = step
        }
        code = UnsafeMutableBufferPointer(start: base, count: function.code.count + 2)
        instructionStarts = starts
    }

    deinit {
        if instructionStarts == nil { code.deallocate() }
        constants.deallocate()
    }

    /// Counted code: how many times the function was entered, and each instruction ran (by
    /// word offset into `function.code`).
    func counts() -> (calls: UInt64, instructions: [(at: Int, count: UInt64)])? {
        guard let starts = instructionStarts, let base = code.baseAddress else { return nil }
        let counters = base + 2 * (Int(kite_counting_span()) / MemoryLayout<UInt64>.size)
        return (counters[0], starts.map { ($0, counters[2 + $0]) })
    }

    func contains(_ pc: UnsafePointer<UInt64>) -> Bool {
        guard let start = code.baseAddress else { return false }
        return pc >= UnsafePointer(start) && pc < UnsafePointer(start + code.count)
    }

    /// Where the function's instructions start (after the entry stub of counted code):
    /// word offsets in `function.code` count from here.
    var body: UnsafeMutablePointer<UInt64> { code.baseAddress! + (instructionStarts == nil ? 0 : 2) }

    /// Points a function record at this code.
    func install(in record: UnsafeMutablePointer<KiteFunction>) {
        record.pointee.code = UnsafePointer(code.baseAddress)
        record.pointee.zeroStart = UInt32(function.zeroedLocals.lowerBound)
        record.pointee.numZeroed = UInt32(function.zeroedLocals.count)
        record.pointee.constsStart = UInt32(function.localsStart + function.localSlots)
        record.pointee.numConsts = UInt32(function.constants.count)
        record.pointee.frameSize = UInt32(function.frameSize)
        record.pointee.consts = UnsafePointer(constants.baseAddress)
    }
}
