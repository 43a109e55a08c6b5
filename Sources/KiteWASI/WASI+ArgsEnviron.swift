import Glibc

/// `args_*` and `environ_*`: NUL-terminated strings in one buffer, and pointers to each.
extension WASI {
    public func argsSizesGet() throws -> (argc: Size, argvBufSize: Size) {
        (Size(arguments.count), Size(arguments.reduce(0) { $0 + $1.utf8.count + 1 }))
    }

    public func argsGet(memory: GuestMemory, argv: GuestPointer<GuestPointer<UInt8>>, argvBuf: GuestPointer<UInt8>) throws {
        try writeStrings(arguments, memory: memory, pointers: argv, buffer: argvBuf)
    }

    public func environSizesGet() throws -> (environc: Size, environBufSize: Size) {
        (Size(environment.count), Size(environment.reduce(0) { $0 + $1.utf8.count + 1 }))
    }

    public func environGet(memory: GuestMemory, environ: GuestPointer<GuestPointer<UInt8>>, environBuf: GuestPointer<UInt8>) throws {
        try writeStrings(environment, memory: memory, pointers: environ, buffer: environBuf)
    }

    private func writeStrings(_ strings: [String], memory: GuestMemory, pointers: GuestPointer<GuestPointer<UInt8>>,
                              buffer: GuestPointer<UInt8>) throws(Errno) {
        var next = buffer
        for (i, string) in strings.enumerated() {
            try pointers[UInt32(i)].store(next, to: memory)
            var bytes = Array(string.utf8)
            bytes.append(0)
            try memory.write(bytes, at: next.address)
            next = next.advanced(byBytes: UInt32(bytes.count))
        }
    }
}
