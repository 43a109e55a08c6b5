// One decoded Wasm instruction. Plain numeric operators (no immediates) are carried as
// their opcode in `.numeric`; the translator looks their typing and register-bytecode
// lowering up in the generated instruction table, so their facts live in one place.

/// The memory immediate of a load or store: alignment, static offset and memory index.
public struct MemArg: Hashable, Sendable {
    /// Alignment exponent (log2 of bytes), as encoded.
    public var align: UInt32
    /// Static byte offset added to the dynamic address operand.
    public var offset: UInt64
    /// Memory index (0 unless the module uses multiple memories).
    public var memory: UInt32
    /// A memory immediate; `memory` defaults to memory 0.
    public init(align: UInt32, offset: UInt64, memory: UInt32 = 0) {
        self.align = align
        self.offset = offset
        self.memory = memory
    }
}

/// One decoded instruction with its immediates (indices, block types, memory arguments).
public enum Instruction: Hashable, Sendable {
    case unreachable
    case nop
    case block(BlockType)
    case loop(BlockType)
    case `if`(BlockType)
    case `else`
    case end
    case br(UInt32)
    case brIf(UInt32)
    case brTable(targets: [UInt32], default: UInt32)
    case `return`
    case call(UInt32)
    case callIndirect(typeIndex: UInt32, table: UInt32)
    /// Tail calls (Wasm 3.0).
    case returnCall(UInt32)
    case returnCallIndirect(typeIndex: UInt32, table: UInt32)
    /// Typed function references (Wasm 3.0).
    case callRef(UInt32)
    case returnCallRef(UInt32)
    case refAsNonNull
    case brOnNull(UInt32)
    case brOnNonNull(UInt32)
    /// Exception handling (Wasm 3.0): throw a new exception of a tag, rethrow an `exnref`,
    /// and a block whose catch clauses branch to labels outside it.
    case `throw`(UInt32)
    case throwRef
    case tryTable(BlockType, [Catch])
    /// The legacy form, which toolchains still emit: `try` bodies with `catch TAG` /
    /// `catch_all` handler bodies, or ended by `delegate L` (its exceptions go to label L's
    /// handlers); `rethrow L` rethrows what the catch at label L caught.
    case legacyTry(BlockType)
    case legacyCatch(UInt32)
    case legacyCatchAll
    case delegate(UInt32)
    case rethrow(UInt32)

    case drop
    /// `select` (0x1B) has `types == nil`; the typed form (0x1C) carries its type vector.
    case select(types: [ValueType]?)

    case localGet(UInt32)
    case localSet(UInt32)
    case localTee(UInt32)
    case globalGet(UInt32)
    case globalSet(UInt32)
    case tableGet(UInt32)
    case tableSet(UInt32)

    /// Loads 0x28...0x35; `opcode` is the Wasm opcode byte.
    case load(opcode: UInt8, MemArg)
    /// Stores 0x36...0x3E; `opcode` is the Wasm opcode byte.
    case store(opcode: UInt8, MemArg)
    case memorySize(memory: UInt32)
    case memoryGrow(memory: UInt32)

    case i32Const(Int32)
    case i64Const(Int64)
    /// Bit pattern, so NaN payloads survive.
    case f32Const(UInt32)
    /// Bit pattern, so NaN payloads survive.
    case f64Const(UInt64)

    /// Operators without immediates: 0x45...0xC4 as the opcode byte, and the
    /// saturating truncations 0xFC 0...7 as `0xFC00 | subopcode`.
    case numeric(UInt16)

    case refNull(RefType)
    case refIsNull
    case refFunc(UInt32)

    case memoryInit(data: UInt32, memory: UInt32)
    case dataDrop(UInt32)
    case memoryCopy(destination: UInt32, source: UInt32)
    case memoryFill(memory: UInt32)
    case tableInit(element: UInt32, table: UInt32)
    case elemDrop(UInt32)
    case tableCopy(destination: UInt32, source: UInt32)
    case tableGrow(UInt32)
    case tableSize(UInt32)
    case tableFill(UInt32)

    /// Garbage collection (Wasm 3.0, 0xFB prefix): structs and arrays by type index (and field
    /// index), casts, i31 and the conversions between `any` and `extern`.
    case structNew(UInt32)
    case structNewDefault(UInt32)
    case structGet(type: UInt32, field: UInt32)
    case structGetS(type: UInt32, field: UInt32)
    case structGetU(type: UInt32, field: UInt32)
    case structSet(type: UInt32, field: UInt32)
    case arrayNew(UInt32)
    case arrayNewDefault(UInt32)
    case arrayNewFixed(type: UInt32, count: UInt32)
    case arrayNewData(type: UInt32, data: UInt32)
    case arrayNewElem(type: UInt32, element: UInt32)
    case arrayGet(UInt32)
    case arrayGetS(UInt32)
    case arrayGetU(UInt32)
    case arraySet(UInt32)
    case arrayLen
    case arrayFill(UInt32)
    case arrayCopy(destination: UInt32, source: UInt32)
    case arrayInitData(type: UInt32, data: UInt32)
    case arrayInitElem(type: UInt32, element: UInt32)
    /// `ref.test` / `ref.cast` to a reference type (its nullability is in the opcode).
    case refTest(RefType)
    case refCast(RefType)
    case brOnCast(CastBranch)
    case brOnCastFail(CastBranch)
    case anyConvertExtern
    case externConvertAny
    case refI31
    case i31GetS
    case i31GetU
    case refEq

    /// 0xFD-prefixed SIMD instructions; `opcode` is the LEB-decoded subopcode.
    case simd(opcode: UInt32, SIMDImmediate)
}

/// One catch clause of `try_table`: which exceptions it catches and the label it branches to
/// (relative to the blocks around the `try_table`), with the exception's values, its
/// `exnref`, or both.
public struct Catch: Hashable, Sendable {
    public enum Kind: UInt8, Sendable {
        /// `catch TAG L`: the tag's values.
        case `catch` = 0
        /// `catch_ref TAG L`: the values and the exnref.
        case catchRef = 1
        /// `catch_all L`: nothing.
        case catchAll = 2
        /// `catch_all_ref L`: the exnref.
        case catchAllRef = 3
    }
    public var kind: Kind
    /// The tag index (unused by the `catch_all` kinds).
    public var tag: UInt32
    public var label: UInt32

    public init(kind: Kind, tag: UInt32, label: UInt32) {
        self.kind = kind
        self.tag = tag
        self.label = label
    }
}

/// `br_on_cast` / `br_on_cast_fail`: the label, the type of the operand and the type cast to.
public struct CastBranch: Hashable, Sendable {
    public var label: UInt32
    public var from: RefType
    public var to: RefType
    public init(label: UInt32, from: RefType, to: RefType) {
        self.label = label
        self.from = from
        self.to = to
    }
}

/// The immediates that follow a 0xFD-prefixed SIMD opcode.
public enum SIMDImmediate: Hashable, Sendable {
    case none
    case memArg(MemArg)
    case memArgLane(MemArg, lane: UInt8)
    case lane(UInt8)
    /// v128.const: 16 bytes, little-endian.
    case bytes16([UInt8])
    /// i8x16.shuffle: 16 lane indices.
    case shuffle([UInt8])
}
