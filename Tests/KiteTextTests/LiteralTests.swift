// Numeric literals: integer wrap and range, float rounding, NaN payloads.
import Testing
@testable import KiteText

@Suite struct IntegerLiteralTests {
    @Test func signAgnosticRange() throws {
        #expect(try IntLiteral.integer("4294967295", bits: 32) == 0xFFFF_FFFF)
        #expect(try IntLiteral.integer("-1", bits: 32) == 0xFFFF_FFFF)
        #expect(try IntLiteral.integer("-2147483648", bits: 32) == 0x8000_0000)
        #expect(try IntLiteral.integer("+0x7fff_ffff", bits: 32) == 0x7FFF_FFFF)
        #expect(try IntLiteral.integer("0xffff_ffff_ffff_ffff", bits: 64) == UInt64.max)
        #expect(try IntLiteral.integer("-0x8000000000000000", bits: 64) == 1 << 63)
        #expect(throws: LiteralError.outOfRange) { try IntLiteral.integer("4294967296", bits: 32) }
        #expect(throws: LiteralError.outOfRange) { try IntLiteral.integer("-2147483649", bits: 32) }
        #expect(throws: LiteralError.outOfRange) { try IntLiteral.integer("18446744073709551616", bits: 64) }
        #expect(throws: LiteralError.outOfRange) { try IntLiteral.integer("-0x8000000000000001", bits: 64) }
        #expect(throws: LiteralError.outOfRange) {
            try IntLiteral.integer("99999999999999999999999999999999999999", bits: 64)
        }
    }

    @Test func underscoresAndSyntax() throws {
        #expect(try IntLiteral.integer("1_000_000", bits: 32) == 1_000_000)
        #expect(try IntLiteral.integer("0xA_b", bits: 32) == 0xAB)
        for bad in ["_1", "1_", "1__0", "0x", "0x_1", "1x", "", "-", "0xg", "1.0", "+-1"] {
            #expect(throws: LiteralError.syntax) { try IntLiteral.integer(bad, bits: 32) }
        }
        #expect(throws: LiteralError.syntax) { try IntLiteral.unsigned("+1", bits: 32) }
        #expect(throws: LiteralError.syntax) { try IntLiteral.unsigned("-1", bits: 32) }
    }

    @Test func encodedAsSignedLEB() throws {
        #expect(try body("(i32.const 0xffffffff) drop") == [0x41, 0x7F, 0x1A])
        #expect(try body("(i64.const 0x8000000000000000) drop")
                == [0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F, 0x1A])
        #expect(textError("(module (func (i32.const 0x1_0000_0000) drop))")?.message == "constant out of range")
    }
}

@Suite struct FloatLiteralTests {
    func f32(_ s: String) throws -> UInt32 { try FloatLiteral.f32(s) }
    func f64(_ s: String) throws -> UInt64 { try FloatLiteral.f64(s) }

    @Test func decimal() throws {
        #expect(try f32("1") == 0x3F80_0000)
        #expect(try f32("-0.0") == 0x8000_0000)
        #expect(try f32("1.") == 0x3F80_0000)
        #expect(try f32("1.e1") == 0x4120_0000)
        #expect(try f64("1_000.000_1") == (1000.0001 as Double).bitPattern)
        #expect(try f32("1e-50") == 0)
        // Halfway between f32::MAX and 2^128 rounds to infinity: out of range; just below it is fine.
        #expect(try f32("340282356779733661637539395458142568447") == 0x7F7F_FFFF)
        #expect(throws: LiteralError.outOfRange) { try f32("340282356779733661637539395458142568448") }
        #expect(throws: LiteralError.outOfRange) { try f64("1e309") }
    }

    @Test func hexRoundsOnceAtTargetWidth() throws {
        #expect(try f32("0x1p-1") == 0x3F00_0000)
        #expect(try f32("0x1.fffffep127") == 0x7F7F_FFFF)
        #expect(throws: LiteralError.outOfRange) { try f32("0x1.ffffffp127") }
        // Ties to even, with bits far beyond the mantissa acting as sticky bits.
        #expect(try f32("0x1.000001p0") == 0x3F80_0000)
        #expect(try f32("0x1.000003p0") == 0x3F80_0002)
        #expect(try f32("0x1.00000100000000000000000000000000000001p0") == 0x3F80_0001)
        #expect(try f64("0x1.00000000000008p0") == 0x3FF0_0000_0000_0000)
        #expect(try f64("0x1.00000000000018p0") == 0x3FF0_0000_0000_0002)
        // Subnormals and underflow.
        #expect(try f32("0x1p-149") == 1)
        #expect(try f32("0x1p-150") == 0)
        #expect(try f32("0x1.8p-150") == 1)
        #expect(try f64("0x1p-1074") == 1)
        #expect(try f64("0x0.0000000000001p-1022") == 1)
        #expect(try f64("-0x1.fffffffffffffp1023") == 0xFFEF_FFFF_FFFF_FFFF)
        #expect(try f32("0x1P+2") == 0x4080_0000)
        #expect(try f32("0x1_0.8_0p0") == 0x4184_0000)
        #expect(try f32("0x1.") == 0x3F80_0000)
    }

    @Test func infinityAndNaN() throws {
        #expect(try f32("inf") == 0x7F80_0000)
        #expect(try f32("-inf") == 0xFF80_0000)
        #expect(try f32("nan") == 0x7FC0_0000)
        #expect(try f32("-nan") == 0xFFC0_0000)
        #expect(try f32("nan:0x1") == 0x7F80_0001)
        #expect(try f32("-nan:0x7f_ffff") == 0xFFFF_FFFF)
        #expect(try f64("nan:0xf_ffff_ffff_ffff") == 0x7FFF_FFFF_FFFF_FFFF)
        #expect(throws: LiteralError.outOfRange) { try f32("nan:0x0") }
        #expect(throws: LiteralError.outOfRange) { try f32("nan:0x80_0000") }
        #expect(throws: LiteralError.syntax) { try f32("nan:1") }
        #expect(throws: LiteralError.syntax) { try f32("infinity") }
    }

    @Test func malformedShapes() throws {
        for bad in [".5", "1e", "1e+", "0x1p", "1._5", "1.5_", "0x.8", "--1", "1e1.5", "0x1.8e3p1x"] {
            #expect(throws: LiteralError.syntax) { try f64(bad) }
        }
    }

    @Test func encodedLittleEndian() throws {
        #expect(try body("(f32.const nan:0x200000) drop") == [0x43, 0x00, 0x00, 0xA0, 0x7F, 0x1A])
        #expect(try body("(f64.const -0x1p-1) drop")
                == [0x44, 0, 0, 0, 0, 0, 0, 0xE0, 0xBF, 0x1A])
    }
}
