import KiteBinary

/// Type-checks one function body without translating it: the eager half of lazy
/// compilation. A module is validated whole when it is compiled (so an invalid module is
/// still rejected at once, with the same errors), and each function is translated on its
/// first call (`ValidatedModule.translate`).
///
/// It follows the same rules as `FunctionTranslator` (which keeps its own checks as a second
/// line: a function it cannot translate traps instead of running) but keeps only what
/// typing needs: a stack of types (nil: unknown, in unreachable code), the open blocks, and
/// which non-nullable locals are set. Nothing is allocated per instruction; the stacks are
/// reused from one function to the next.
struct FunctionValidator {
    struct Frame {
        var kind: FunctionTranslator.Control.Kind
        var type: FunctionType
        var height: Int
        var unreachable = false
        var initializedAtEntry: [Bool] = []
        var labelTypes: [ValueType] { kind == .loop ? type.parameters : type.results }
    }

    /// Operand types of a plain numeric instruction, indexed by `numericSlot(opcode)`.
    struct NumericSignature {
        var first: ValueType?
        var second: ValueType?
        var result: ValueType
    }

    static let numericSignatures: [NumericSignature?] = {
        var table = [NumericSignature?](repeating: nil, count: 0x110)
        for (opcode, lowering) in numericLowering {
            guard let slot = numericSlot(opcode), lowering.parameters.count <= 2 else { continue }
            table[slot] = NumericSignature(first: lowering.parameters.first,
                                           second: lowering.parameters.count == 2 ? lowering.parameters[1] : nil,
                                           result: lowering.result)
        }
        return table
    }()

    /// One-byte opcodes map to themselves, the 0xFC-prefixed conversions after them.
    static func numericSlot(_ opcode: UInt16) -> Int? {
        if opcode < 0x100 { return Int(opcode) }
        if opcode >> 8 == 0xFC, opcode & 0xFF < 0x10 { return 0x100 + Int(opcode & 0xFF) }
        return nil
    }

    /// Loads and stores by opcode (0x28...0x3E), flat: no hashing per instruction.
    static let memoryLowerings: [MemoryLowering?] = (0..<0x40).map { opcode in
        loadLowering[UInt8(opcode)] ?? storeLowering[UInt8(opcode)]
    }

    /// Block types of one numeric type are common: they share these instead of allocating.
    static let emptyBlock = FunctionType(parameters: [], results: [])
    static let numericBlocks: [FunctionType] = [ValueType.i32, .i64, .f32, .f64].map { FunctionType(parameters: [], results: [$0]) }

    let context: ModuleContext
    var functionType = emptyBlock
    var locals: [ValueType] = []
    var stack: [ValueType?] = []
    var frames: [Frame] = []
    var initialized: [Bool] = []
    var offset = 0
    /// Upper bounds of what the translated frame will need (see `mayExceedFrame`).
    var localSlots = 0
    var maxStackSlots = 0
    var constantCount = 0

    init(context: ModuleContext) { self.context = context }

    /// Whether the translated frame might break one of the translator's limits (constants
    /// and locals below `constTag`, temporaries below `tempTag`, the frame below 65535
    /// slots). The bounds are loose (every constant instruction counted, every stack value
    /// as two slots); a function that might not fit is translated at once, so that the
    /// translator's exact error comes at compile time, as it would without lazy translation.
    var mayExceedFrame: Bool {
        constantCount >= Int(FunctionTranslator.constTag) - 16 || maxStackSlots >= Int(FunctionTranslator.tempTag) - 16
            || localSlots + constantCount + maxStackSlots >= 0xFFF0
    }

    func fail(_ message: String) -> ValidationError { ValidationError(message, offset: offset) }

    /// Validates the body of `code`, a function of type `typeIndex`.
    mutating func validate(module: Module, typeIndex: UInt32, code: Code) throws {
        functionType = context.types[Int(typeIndex)]
        locals.removeAll(keepingCapacity: true)
        stack.removeAll(keepingCapacity: true)
        frames.removeAll(keepingCapacity: true)
        initialized.removeAll(keepingCapacity: true)
        maxStackSlots = 0
        constantCount = 0
        locals.append(contentsOf: functionType.parameters)
        var slots = max(functionType.parameters.reduce(0) { $0 + $1.slotCount }, functionType.results.reduce(0) { $0 + $1.slotCount })
        var hasNonNullable = false
        for l in code.locals {
            try context.checkTypeIndices(l, offset: code.body.lowerBound)
            locals.append(l)
            slots += l.slotCount
            if slots >= Int(FunctionTranslator.constTag) {
                throw ValidationError("function too large: too many locals", offset: code.body.lowerBound)
            }
            if case .ref(let r) = l, !r.nullable { hasNonNullable = true }
        }
        localSlots = slots
        if hasNonNullable {
            initialized = locals.indices.map { i in
                if i < functionType.parameters.count { return true }
                if case .ref(let r) = locals[i] { return r.nullable }
                return true
            }
        }
        frames.append(Frame(kind: .function, type: FunctionType(parameters: [], results: functionType.results), height: 0))
        var reader = CodeReader(module: module, code: code)
        while !frames.isEmpty {
            if reader.isAtEnd { throw DecodingError("unexpected end of section or function", offset: reader.offset) }
            offset = reader.offset
            try check(try reader.read())
        }
        if !reader.isAtEnd { throw DecodingError("section size mismatch", offset: reader.offset) }
    }

    // MARK: The type stack

    mutating func push(_ type: ValueType?) {
        stack.append(type)
        if stack.count * 2 > maxStackSlots { maxStackSlots = stack.count * 2 }
    }

    mutating func pop() throws -> ValueType? {
        if stack.count == frames[frames.count - 1].height {
            if frames[frames.count - 1].unreachable { return nil }
            throw fail("type mismatch")
        }
        return stack.removeLast()
    }

    @discardableResult
    mutating func pop(_ expected: ValueType) throws -> ValueType? {
        let type = try pop()
        if let type, type != expected, !context.isSubtype(type, expected) { throw fail("type mismatch") }
        return type
    }

    mutating func pop(_ types: [ValueType]) throws {
        for t in types.reversed() { try pop(t) }
    }

    mutating func popRef() throws -> ValueType? {
        let type = try pop()
        if let type, case .ref = type {} else if type != nil { throw fail("type mismatch") }
        return type
    }

    /// Checks that the top of the stack holds values of `types` without popping them. The
    /// translator pops them and pushes them back as `types`, which is what this leaves
    /// (unless `keep`: a `br_table` target other than the last leaves the stack as it was).
    mutating func checkTop(_ types: [ValueType], keep: Bool = false) throws {
        let frame = frames[frames.count - 1]
        var index = stack.count
        for t in types.reversed() {
            if index == frame.height {
                guard frame.unreachable else { throw fail("type mismatch") }
                // Values below the frame's base are unknown: pushed back as `types`.
                if !keep { stack.insert(t, at: index) }
                continue
            }
            index -= 1
            if let actual = stack[index], actual != t, !context.isSubtype(actual, t) { throw fail("type mismatch") }
            if !keep { stack[index] = t }
        }
        if stack.count * 2 > maxStackSlots { maxStackSlots = stack.count * 2 }
    }

    mutating func markUnreachable() {
        stack.removeSubrange(frames[frames.count - 1].height...)
        frames[frames.count - 1].unreachable = true
    }

    func labelDepth(_ depth: UInt32) throws -> Int {
        guard Int(depth) < frames.count else { throw fail("unknown label") }
        return Int(depth)
    }

    func labelTypes(_ depth: Int) -> [ValueType] { frames[frames.count - 1 - depth].labelTypes }

    func blockType(_ blockType: BlockType) throws -> FunctionType {
        switch blockType {
        case .empty: return Self.emptyBlock
        case .value(.i32): return Self.numericBlocks[0]
        case .value(.i64): return Self.numericBlocks[1]
        case .value(.f32): return Self.numericBlocks[2]
        case .value(.f64): return Self.numericBlocks[3]
        case .value: return try context.blockType(blockType, offset: offset)
        case .typeIndex: return try context.blockType(blockType, offset: offset)
        }
    }

    // MARK: Blocks

    mutating func enterBlock(_ kind: FunctionTranslator.Control.Kind, _ type: FunctionType) throws {
        try checkTop(type.parameters)
        frames.append(Frame(kind: kind, type: type, height: stack.count - type.parameters.count, initializedAtEntry: initialized))
    }

    /// The block's results must be exactly what is left above its base.
    func checkFrameEnd(_ frame: Frame) throws {
        let results = frame.type.results
        guard stack.count >= frame.height + (frame.unreachable ? 0 : results.count) else { throw fail("type mismatch") }
        var index = stack.count
        for t in results.reversed() {
            if index == frame.height { break }  // unreachable: the rest are unknown
            index -= 1
            if let actual = stack[index], actual != t, !context.isSubtype(actual, t) { throw fail("type mismatch") }
        }
        if index != frame.height { throw fail("type mismatch") }
    }

    mutating func endBlock() throws {
        let frame = frames[frames.count - 1]
        try checkFrameEnd(frame)
        frames.removeLast()
        if frame.kind == .function { return }
        if frame.kind == .if && frame.type.parameters != frame.type.results { throw fail("type mismatch") }
        stack.removeSubrange(frame.height...)
        if !initialized.isEmpty { initialized = frame.initializedAtEntry }
        for t in frame.type.results { push(t) }
    }

    /// `catch TAG` / `catch_all` of a legacy try: the body (or the previous catch body)
    /// ends, and a handler body starts with `values` on the stack.
    mutating func catchBlock(values: [ValueType], all: Bool) throws {
        var frame = frames[frames.count - 1]
        guard frame.kind == .legacyTry || frame.kind == .legacyCatch else { throw fail("catch without try") }
        try checkFrameEnd(frame)
        frame.kind = all ? .legacyCatchAll : .legacyCatch
        frame.unreachable = false
        if !initialized.isEmpty { initialized = frame.initializedAtEntry }
        frames[frames.count - 1] = frame
        stack.removeSubrange(frame.height...)
        for t in values { push(t) }
    }

    mutating func elseBlock() throws {
        var frame = frames[frames.count - 1]
        guard frame.kind == .if else { throw fail("else without if") }
        try checkFrameEnd(frame)
        frame.kind = .else
        frame.unreachable = false
        if !initialized.isEmpty { initialized = frame.initializedAtEntry }
        frames[frames.count - 1] = frame
        stack.removeSubrange(frame.height...)
        for t in frame.type.parameters { push(t) }
    }
}
