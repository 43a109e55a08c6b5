import Testing
@testable import KiteText

/// Parses a hex string ("0061 736d ...") into bytes; spaces are ignored.
func hex(_ s: String) -> [UInt8] {
    let digits = Array(s.filter { !$0.isWhitespace }.utf8)
    return stride(from: 0, to: digits.count - 1, by: 2).map {
        UInt8(hexValue(digits[$0])! << 4 | hexValue(digits[$0 + 1])!)
    }
}

/// The code section payload of a module (section 10), for comparing function bodies.
func codeSection(_ module: [UInt8]) -> [UInt8]? { section(10, of: module) }

func section(_ id: UInt8, of module: [UInt8]) -> [UInt8]? {
    var i = 8
    while i < module.count {
        let sid = module[i]
        var size = 0, shift = 0
        i += 1
        while i < module.count {
            let b = module[i]
            size |= Int(b & 0x7F) << shift
            shift += 7
            i += 1
            if b & 0x80 == 0 { break }
        }
        if sid == id { return Array(module[i..<min(i + size, module.count)]) }
        i += size
    }
    return nil
}

/// The error a text module raises, or nil if it encodes.
func textError(_ text: String) -> TextError? {
    do {
        _ = try wat2wasm(text)
        return nil
    } catch let e as TextError {
        return e
    } catch {
        Issue.record("unexpected error type \(error)")
        return nil
    }
}

/// Bytes of the single instruction sequence of `(func <body>)`, without the local
/// declarations and the final `end` (local types are assumed to be one byte).
func body(_ funcText: String) throws -> [UInt8] {
    let m = try wat2wasm("(module (func \(funcText)))")
    guard let code = codeSection(m) else { return [] }
    var i = 1                                 // skip the function count
    while code[i] & 0x80 != 0 { i += 1 }      // skip the body size
    i += 1
    let groups = Int(code[i])
    i += 1
    for _ in 0..<groups {
        while code[i] & 0x80 != 0 { i += 1 }  // count
        i += 2                                // last count byte + type
    }
    return Array(code[i..<(code.count - 1)])
}
