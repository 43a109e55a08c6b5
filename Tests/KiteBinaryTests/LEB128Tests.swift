// LEB128 limits: length, unused bits, sign extension, truncation, error offsets.
import Testing
@testable import KiteBinary

private func u32(_ bytes: [UInt8]) throws(DecodingError) -> UInt32 { try withCursor(bytes) { c throws(DecodingError) in try c.readU32() } }
private func u64(_ bytes: [UInt8]) throws(DecodingError) -> UInt64 { try withCursor(bytes) { c throws(DecodingError) in try c.readU64() } }
private func s32(_ bytes: [UInt8]) throws(DecodingError) -> Int32 { try withCursor(bytes) { c throws(DecodingError) in try c.readS32() } }
private func s33(_ bytes: [UInt8]) throws(DecodingError) -> Int64 { try withCursor(bytes) { c throws(DecodingError) in try c.readS33() } }
private func s64(_ bytes: [UInt8]) throws(DecodingError) -> Int64 { try withCursor(bytes) { c throws(DecodingError) in try c.readS64() } }

private func message<T>(_ body: () throws(DecodingError) -> T) -> String? {
    do { _ = try body(); return nil } catch { return error.message }
}

@Test func unsigned32() throws {
    #expect(try u32([0x00]) == 0)
    #expect(try u32([0x7F]) == 127)
    #expect(try u32([0x80, 0x01]) == 128)
    #expect(try u32([0xE5, 0x8E, 0x26]) == 624_485)
    #expect(try u32([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == UInt32.max)
    #expect(try u32([0x80, 0x80, 0x80, 0x80, 0x00]) == 0)  // non-minimal is fine
    #expect(message { () throws(DecodingError) in try u32([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]) } == "integer representation too long")
    #expect(message { () throws(DecodingError) in try u32([0x80, 0x80, 0x80, 0x80, 0x10]) } == "integer too large")
    #expect(message { () throws(DecodingError) in try u32([0xFF, 0xFF, 0xFF, 0xFF, 0x1F]) } == "integer too large")
    #expect(message { () throws(DecodingError) in try u32([0x80, 0x80]) } == "unexpected end of section or function")
    #expect(message { () throws(DecodingError) in try u32([]) } == "unexpected end of section or function")
}

@Test func unsigned64() throws {
    #expect(try u64([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) == UInt64.max)
    #expect(try u64([0x82, 0x80, 0x80, 0x80, 0x80, 0x00]) == 2)
    #expect(message { () throws(DecodingError) in try u64([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02]) } == "integer too large")
    #expect(message { () throws(DecodingError) in try u64([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]) } == "integer representation too long")
}

@Test func signed32() throws {
    #expect(try s32([0x7F]) == -1)
    #expect(try s32([0x3F]) == 63)
    #expect(try s32([0x40]) == -64)
    #expect(try s32([0xC0, 0x00]) == 64)
    #expect(try s32([0x80, 0x80, 0x80, 0x80, 0x78]) == Int32.min)
    #expect(try s32([0xFF, 0xFF, 0xFF, 0xFF, 0x07]) == Int32.max)
    #expect(try s32([0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) == -1)  // non-minimal -1
    #expect(message { () throws(DecodingError) in try s32([0x80, 0x80, 0x80, 0x80, 0x70]) } == "integer too large")
    #expect(message { () throws(DecodingError) in try s32([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) } == "integer too large")
    #expect(message { () throws(DecodingError) in try s32([0x80, 0x80, 0x80, 0x80, 0x1F]) } == "integer too large")
    #expect(message { () throws(DecodingError) in try s32([0xFF, 0xFF, 0xFF, 0xFF, 0x4F]) } == "integer too large")
    #expect(message { () throws(DecodingError) in try s32([0x80, 0x80, 0x80, 0x80, 0x80, 0x00]) } == "integer representation too long")
}

@Test func signed33And64() throws {
    #expect(try s33([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) == 0xFFFF_FFFF)
    #expect(try s33([0x80, 0x80, 0x80, 0x80, 0x70]) == -(1 << 32))
    #expect(message { () throws(DecodingError) in try s33([0x80, 0x80, 0x80, 0x80, 0x20]) } == "integer too large")
    #expect(try s64([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F]) == Int64.min)
    #expect(try s64([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00]) == Int64.max)
    #expect(try s64([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) == -1)
    #expect(message { () throws(DecodingError) in try s64([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7E]) } == "integer too large")
    #expect(message { () throws(DecodingError) in try s64([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) } == "integer too large")
    #expect(message { () throws(DecodingError) in try s64([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) } == "integer representation too long")
}

@Test func roundTripsAgainstReferenceEncoder() throws {
    for value: Int64 in [0, 1, -1, 63, 64, -64, -65, 1 << 20, -(1 << 31), Int64(Int32.max), Int64.min, Int64.max] {
        #expect(try s64(sleb(value)) == value)
    }
    for value: UInt64 in [0, 127, 128, 16_383, 16_384, UInt64(UInt32.max), UInt64.max] {
        #expect(try u64(uleb(value)) == value)
    }
}

@Test func errorOffsetsPointAtTheProblem() {
    do {
        _ = try withCursor([0x00, 0x80, 0x80, 0x80, 0x80, 0x10]) { c throws(DecodingError) in
            _ = try c.readByte()
            return try c.readU32()
        }
        Issue.record("expected an error")
    } catch {
        #expect(error.offset == 5)  // the byte with the unused bits set
    }
}
