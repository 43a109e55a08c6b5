#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The bytes of the file at `path` (the engine library stays free of Foundation).
/// Throws `ResourceError` naming the path and the system's reason.
func readFile(_ path: String) throws -> [UInt8] {
    guard let file = fopen(path, "rb") else {
        throw ResourceError("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
        let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
        if count > 0 { bytes.append(contentsOf: chunk[..<count]) }
        if count < chunk.count {
            if ferror(file) != 0 { throw ResourceError("cannot read \(path): \(String(cString: strerror(errno)))") }
            return bytes
        }
    }
}
