// LEB128 integers with the spec's limits. An N-bit integer may use at most ceil(N/7)
// bytes ("integer representation too long" for one more), and in its last byte the bits
// above N must be zero (unsigned) or copies of the sign bit (signed), else "integer too
// large". This mirrors the reference interpreter's `uN`/`sN`, including where the error
// is reported: at the offending byte.

extension ByteCursor {
    @inline(__always)
    mutating func readUnsignedLEB(bits: Int) throws(DecodingError) -> UInt64 {
        // Fast path: most indices and counts fit in one byte.
        if position < limit, buffer[position] < 0x80 {
            let byte = buffer[position]
            position += 1
            return UInt64(byte)
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var bitsLeft = bits
        while true {
            guard bitsLeft > 0 else { throw error("integer representation too long") }
            let byteOffset = position
            let byte = try readByte()
            let payload = UInt64(byte & 0x7F)
            if bitsLeft < 7, payload >= (1 << UInt64(bitsLeft)) {
                throw error("integer too large", at: byteOffset)
            }
            result |= payload << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            bitsLeft -= 7
        }
    }

    @inline(__always)
    mutating func readSignedLEB(bits: Int) throws(DecodingError) -> Int64 {
        var result: Int64 = 0
        var shift: Int64 = 0
        var bitsLeft = bits
        while true {
            guard bitsLeft > 0 else { throw error("integer representation too long") }
            let byteOffset = position
            let byte = try readByte()
            if bitsLeft < 7 {
                // The sign bit and every unused bit above it must agree.
                let mask = UInt8(truncatingIfNeeded: (-1 << (bitsLeft - 1)) & 0x7F)
                let used = byte & mask
                guard used == 0 || used == mask else { throw error("integer too large", at: byteOffset) }
            }
            result |= Int64(byte & 0x7F) << shift
            shift += 7
            if byte & 0x80 == 0 {
                if shift < 64, byte & 0x40 != 0 { result |= -1 << shift }
                return result
            }
            bitsLeft -= 7
        }
    }

    mutating func readU32() throws(DecodingError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readUnsignedLEB(bits: 32))
    }

    mutating func readU64() throws(DecodingError) -> UInt64 {
        try readUnsignedLEB(bits: 64)
    }

    mutating func readS32() throws(DecodingError) -> Int32 {
        Int32(truncatingIfNeeded: try readSignedLEB(bits: 32))
    }

    /// Block types use a 33-bit signed integer so that every u32 type index is positive.
    mutating func readS33() throws(DecodingError) -> Int64 {
        try readSignedLEB(bits: 33)
    }

    mutating func readS64() throws(DecodingError) -> Int64 {
        try readSignedLEB(bits: 64)
    }
}
