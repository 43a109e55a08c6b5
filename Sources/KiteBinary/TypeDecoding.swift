// The type grammar: value, reference, function, table, memory, global and block types.
// Type codes are negative numbers encoded as one-byte signed LEBs (s7), so a longer
// encoding is never one of them: a code byte with the continuation bit set is reported
// as "integer representation too long", as the reference interpreter does.

extension ByteCursor {
    /// Maps a value-type byte, or nil when the byte is not one.
    @inline(__always)
    static func valueType(code: UInt8) -> ValueType? {
        switch code {
        case 0x7F: return .i32
        case 0x7E: return .i64
        case 0x7D: return .f32
        case 0x7C: return .f64
        case 0x7B: return .v128
        default:
            guard let heap = abstractHeapType(code: code) else { return nil }
            return .ref(RefType(nullable: true, heap: heap))
        }
    }

    /// Maps an abstract heap type's code (also the code of its nullable reference type).
    @inline(__always)
    static func abstractHeapType(code: UInt8) -> HeapType? {
        switch code {
        case 0x70: return .func
        case 0x6F: return .extern
        case 0x69: return .exn
        case 0x74: return .noexn
        case 0x6E: return .any
        case 0x6D: return .eq
        case 0x6C: return .i31
        case 0x6B: return .struct
        case 0x6A: return .array
        case 0x71: return HeapType.none
        case 0x73: return .nofunc
        case 0x72: return .noextern
        default: return nil
        }
    }

    func typeCodeError(_ code: UInt8, at start: Int, _ message: String) -> DecodingError {
        code & 0x80 != 0 ? error("integer representation too long", at: start + 1) : error(message, at: start)
    }

    mutating func readValueType() throws(DecodingError) -> ValueType {
        let start = position
        let code = try readByte()
        if code == 0x63 || code == 0x64 { return .ref(try readTypedRef(nullable: code == 0x63)) }
        // The reference interpreter tries number, vector, then reference types, so an
        // unknown code is reported by the last attempt.
        guard let type = Self.valueType(code: code) else {
            throw typeCodeError(code, at: start, "malformed reference type")
        }
        return type
    }

    mutating func readRefType() throws(DecodingError) -> RefType {
        let start = position
        let code = try readByte()
        if code == 0x63 || code == 0x64 { return try readTypedRef(nullable: code == 0x63) }
        guard let heap = Self.abstractHeapType(code: code) else {
            throw typeCodeError(code, at: start, "malformed reference type")
        }
        return RefType(nullable: true, heap: heap)
    }

    /// `(ref null? ht)` after its 0x63/0x64 prefix.
    mutating func readTypedRef(nullable: Bool) throws(DecodingError) -> RefType {
        RefType(nullable: nullable, heap: try readHeapType())
    }

    /// A heap type: an abstract type code (a negative s33) or a type index.
    mutating func readHeapType() throws(DecodingError) -> HeapType {
        let start = position
        let code = try readByte()
        if let heap = Self.abstractHeapType(code: code) { return heap }
        position = start
        if let index = try? readS33(), index >= 0 { return .concrete(UInt32(truncatingIfNeeded: index)) }
        position = start + 1
        throw typeCodeError(code, at: start, "malformed reference type")
    }

    /// A tag type: attribute 0 (exception), then the type index of its parameters.
    mutating func readTagType() throws(DecodingError) -> UInt32 {
        let start = position
        guard try readByte() == 0x00 else { throw error("malformed tag attribute", at: start) }
        return try readU32()
    }

    mutating func readValueTypes() throws(DecodingError) -> [ValueType] {
        let count = try readLength()
        var types: [ValueType] = []
        types.reserveCapacity(count)
        for _ in 0..<count { types.append(try readValueType()) }
        return types
    }

    /// A type definition: `sub` (0x50) or `sub final` (0x4F) with its supertypes, or a bare
    /// composite type (final, no supertypes).
    mutating func readSubType() throws(DecodingError) -> SubType {
        guard let code = peekByte(), code == 0x50 || code == 0x4F else {
            return SubType(composite: try readCompositeType())
        }
        position += 1
        let count = try readLength()
        var supertypes: [UInt32] = []
        for _ in 0..<count { supertypes.append(try readU32()) }
        return SubType(isFinal: code == 0x4F, supertypes: supertypes, composite: try readCompositeType())
    }

    /// `func` (0x60), `struct` (0x5F) or `array` (0x5E).
    mutating func readCompositeType() throws(DecodingError) -> CompositeType {
        let start = position
        let code = try readByte()
        switch code {
        case 0x60:
            let parameters = try readValueTypes()
            let results = try readValueTypes()
            return .function(FunctionType(parameters: parameters, results: results))
        case 0x5F:
            let count = try readLength()
            var fields: [FieldType] = []
            fields.reserveCapacity(count)
            for _ in 0..<count { fields.append(try readFieldType()) }
            return .structure(fields)
        case 0x5E:
            return .array(try readFieldType())
        default:
            throw typeCodeError(code, at: start, "malformed function type")
        }
    }

    /// A storage type (a value type, or i8 0x78 / i16 0x77), then its mutability.
    mutating func readFieldType() throws(DecodingError) -> FieldType {
        let storage: StorageType
        switch peekByte() {
        case 0x78: position += 1; storage = .i8
        case 0x77: position += 1; storage = .i16
        default: storage = .value(try readValueType())
        }
        let start = position
        switch try readByte() {
        case 0x00: return FieldType(storage: storage, mutable: false)
        case 0x01: return FieldType(storage: storage, mutable: true)
        default: throw error("malformed mutability", at: start)
        }
    }

    /// Limits flags: bit 0 = has maximum, bit 1 = shared (threads), bit 2 = 64-bit
    /// (memory64/table64). Bounds are read as u64 in every case, as the current spec
    /// does: range checks such as "at most 65536 pages" belong to validation.
    mutating func readLimits(allowShared: Bool) throws(DecodingError) -> Limits {
        let start = position
        let flags = try readByte()
        let allowed: UInt8 = allowShared ? 0x07 : 0x05
        guard flags & ~allowed == 0 else { throw error("malformed limits flags", at: start) }
        let min = try readU64()
        let max: UInt64? = flags & 0x01 != 0 ? try readU64() : nil
        return Limits(min: min, max: max, shared: flags & 0x02 != 0, is64: flags & 0x04 != 0)
    }

    mutating func readTableType() throws(DecodingError) -> TableType {
        let elementType = try readRefType()
        return TableType(elementType: elementType, limits: try readLimits(allowShared: false))
    }

    mutating func readMemoryType() throws(DecodingError) -> MemoryType {
        MemoryType(limits: try readLimits(allowShared: true))
    }

    mutating func readGlobalType() throws(DecodingError) -> GlobalType {
        let valueType = try readValueType()
        let start = position
        switch try readByte() {
        case 0x00: return GlobalType(valueType: valueType, mutable: false)
        case 0x01: return GlobalType(valueType: valueType, mutable: true)
        default: throw error("malformed mutability", at: start)
        }
    }

    /// 0x40 (no result), a value type, or a non-negative s33 type index.
    mutating func readBlockType() throws(DecodingError) -> BlockType {
        let start = position
        let first = try readByte()
        if first == 0x40 { return .empty }
        if let type = Self.valueType(code: first) { return .value(type) }
        if first == 0x63 || first == 0x64 { return .value(.ref(try readTypedRef(nullable: first == 0x63))) }
        position = start
        // Like the interpreter, try a type index first; if that is not a valid
        // non-negative s33, the error is that of reading a value type instead.
        if let index = try? readS33(), index >= 0 {
            return .typeIndex(UInt32(truncatingIfNeeded: index))
        }
        position = start + 1
        throw typeCodeError(first, at: start, "malformed reference type")
    }
}
