import Foundation
import Kite
import KiteText

/// Reads a module from a `.wasm` (binary) or `.wat` (text) file.
func loadModuleBytes(_ path: String) throws -> [UInt8] {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw CLIError("cannot read \(path)")
    }
    let bytes = [UInt8](data)
    // Binary modules start with "\0asm"; anything else is treated as text.
    if bytes.starts(with: [0x00, 0x61, 0x73, 0x6D]) { return bytes }
    return try wat2wasm(String(decoding: bytes, as: UTF8.self))
}

struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
