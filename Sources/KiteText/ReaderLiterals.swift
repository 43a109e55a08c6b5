// Reading literal tokens through a Reader, with errors placed on the offending token.

extension Reader {
    /// True if the next token is an atom shaped like an unsigned integer.
    var atNat: Bool {
        guard let t = peek(), t.kind == .atom, let c = t.text.utf8.first else { return false }
        return c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
    }

    mutating func nat(bits: Int = 32) throws -> UInt64 {
        let at = pos
        guard let t = peek(), t.kind == .atom else { throw unexpected() }
        do {
            let v = try IntLiteral.unsigned(t.text, bits: bits)
            pos += 1
            return v
        } catch {
            throw literalError(error, at: at)
        }
    }

    mutating func u32() throws -> UInt32 { UInt32(try nat(bits: 32)) }

    mutating func int(bits: Int) throws -> UInt64 {
        let at = pos
        guard let t = peek(), t.kind == .atom else { throw unexpected() }
        do {
            let v = try IntLiteral.integer(t.text, bits: bits)
            pos += 1
            return v
        } catch {
            throw literalError(error, at: at)
        }
    }

    mutating func float(_ fmt: FloatFormat) throws -> UInt64 {
        let at = pos
        guard let t = peek(), t.kind == .atom else { throw unexpected() }
        do {
            let v = try FloatLiteral.parse(t.text, fmt)
            pos += 1
            return v
        } catch {
            throw literalError(error, at: at)
        }
    }
}
