// The code section: per function a size, the local declarations (expanded here) and the
// body, which is only delimited; `CodeReader` decodes it during translation.

extension ModuleDecoder {
    /// Implementation limit on declared locals per function. The format allows up to
    /// 2^32-1, but `Code.locals` is expanded and frames are sized from it, so a few bytes
    /// must not be able to demand gigabytes. 50000 is what the major engines accept.
    static let maxLocalsPerFunction: UInt64 = 50_000

    mutating func decodeCodeSection() throws(DecodingError) {
        let count = try cursor.readLength()
        module.codes.reserveCapacity(count)
        var groups: [(count: UInt32, type: ValueType)] = []
        for _ in 0..<count {
            let size = try cursor.readLength()
            let start = cursor.position
            let end = start + size
            let locals = try readLocals(into: &groups)
            let bodyStart = cursor.position
            // A well-formed body ends with the `end` of its instruction sequence (and
            // lies within the module: the size was only checked against the bytes left).
            if end > cursor.limit || bodyStart >= end || cursor.buffer[end - 1] != 0x0B {
                throw diagnoseMalformedBody(from: bodyStart, functionStart: start)
            }
            module.codes.append(Code(locals: locals, body: bodyStart..<end))
            cursor.position = end
        }
    }

    /// A body that cannot be well-formed (its last byte is not `end`, or its locals
    /// overran it) is decoded here the way the reference interpreter decodes every body:
    /// without stopping at the declared size, until the `end` that closes the function.
    /// The first error on the way is the one the spec tests expect (an over-long LEB
    /// that straddles the declared end, "END opcode expected" when the next function's
    /// size byte turns up where `end` should be, running out of input); reaching that
    /// `end` (necessarily somewhere other than the declared end) is "section size mismatch".
    /// Well-formed bodies are not decoded here; `CodeReader` does that, once.
    func diagnoseMalformedBody(from bodyStart: Int, functionStart: Int) -> DecodingError {
        var reader = ByteCursor(cursor.buffer, position: bodyStart)
        var depth = 0
        do {
            while true {
                guard let next = reader.peekByte() else {
                    return reader.error(ByteCursor.unexpectedEnd, at: reader.buffer.count)
                }
                if depth == 0, next == 0x05 {
                    return reader.error("END opcode expected")
                }
                let instruction = try reader.readInstruction(hasDataCount: true)
                switch instruction {
                case .block, .loop, .if, .tryTable, .legacyTry: depth += 1
                case .delegate where depth > 0: depth -= 1
                case .end where depth == 0:
                    return reader.error("section size mismatch", at: functionStart)
                case .end: depth -= 1
                default: break
                }
            }
        } catch {
            return error
        }
    }

    /// Local declarations: a vector of (count, type). The total must be below 2^32
    /// ("too many locals", checked before anything is expanded) and within our limit.
    mutating func readLocals(into groups: inout [(count: UInt32, type: ValueType)]) throws(DecodingError) -> [ValueType] {
        let start = cursor.position
        let groupCount = try cursor.readLength()
        groups.removeAll(keepingCapacity: true)
        var total: UInt64 = 0
        for _ in 0..<groupCount {
            let count = try cursor.readU32()
            let type = try cursor.readValueType()
            total += UInt64(count)
            groups.append((count, type))
        }
        guard total < 1 << 32, total <= Self.maxLocalsPerFunction else {
            throw cursor.error("too many locals", at: start)
        }
        var locals: [ValueType] = []
        locals.reserveCapacity(Int(total))
        for group in groups {
            locals.append(contentsOf: repeatElement(group.type, count: Int(group.count)))
        }
        return locals
    }
}
