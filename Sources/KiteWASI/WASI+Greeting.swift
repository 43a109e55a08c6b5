import Glibc

/// `print_greeting`: Kite's example of a call added to the witx (see Tools/witx/).
extension WASI {
    public static let greeting = "Hello World from the new print_greeting syscall in WASI\n"

    public func printGreeting() throws {
        let stdout = try files.get(1)
        try writeAll(stdout.hostFD, Array(WASI.greeting.utf8))
    }
}

/// Writes every byte of `bytes` to `fd` (retrying short writes).
func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(Errno) {
    var done = 0
    while done < bytes.count {
        let n = try hostCall { bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, $0.count - done) } }
        done += n
    }
}
