/// Bounds-checked access to a memory's bytes for host code: every range is checked against
/// the current size, and one outside it is the guest's own `out of bounds memory access`.
extension Memory {
    /// Bytes `offset ..< offset + count`, as a buffer valid until the memory grows.
    public func slice(at offset: UInt64, count: Int) throws -> UnsafeMutableRawBufferPointer {
        guard count >= 0, offset <= UInt64(byteCount), UInt64(count) <= UInt64(byteCount) - offset else {
            throw Trap("out of bounds memory access")
        }
        return UnsafeMutableRawBufferPointer(rebasing: bytes[Int(offset)..<Int(offset) + count])
    }

    /// A copy of `count` bytes from `offset`.
    public func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        Array(try slice(at: offset, count: count))
    }

    /// Copies `data` to `offset`.
    public func write(_ data: [UInt8], at offset: UInt64) throws {
        let target = try slice(at: offset, count: data.count)
        data.withUnsafeBytes { target.copyMemory(from: $0) }
    }

    /// The little-endian number at `offset` (any alignment).
    public func load<T: WasmType & FixedWidthInteger>(_: T.Type, at offset: UInt64) throws -> T {
        T(littleEndian: try slice(at: offset, count: MemoryLayout<T>.size).loadUnaligned(as: T.self))
    }

    /// Stores `value` little-endian at `offset` (any alignment).
    public func store<T: WasmType & FixedWidthInteger>(_ value: T, at offset: UInt64) throws {
        try slice(at: offset, count: MemoryLayout<T>.size).storeBytes(of: value.littleEndian, as: T.self)
    }
}

/// WasmKit's closure-scoped access. A range outside the memory is a programming error
/// there (a precondition), and is one here too; `slice(at:count:)` is the throwing form.
extension Memory {
    /// Runs `body` on bytes `offset ..< offset + count`.
    /// - Precondition: the range lies inside the memory.
    public func withUnsafeBufferPointer<T>(offset: UInt, count: Int,
                                           _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        guard let bytes = try? slice(at: UInt64(offset), count: count) else {
            preconditionFailure("memory access out of bounds: \(offset) + \(count) > \(byteCount)")
        }
        return try body(UnsafeRawBufferPointer(bytes))
    }

    /// Runs `body` on bytes `offset ..< offset + count`, which it may change.
    /// - Precondition: the range lies inside the memory.
    public func withUnsafeMutableBufferPointer<T>(offset: UInt, count: Int,
                                                  _ body: (UnsafeMutableRawBufferPointer) throws -> T) rethrows -> T {
        guard let bytes = try? slice(at: UInt64(offset), count: count) else {
            preconditionFailure("memory access out of bounds: \(offset) + \(count) > \(byteCount)")
        }
        return try body(bytes)
    }

    /// A copy of every byte (WasmKit deprecates it for the closure forms; so does Kite).
    @available(*, deprecated, message: "Use `withUnsafeBufferPointer(offset:count:_:)` or `read(at:count:)`")
    public var data: [UInt8] { Array(bytes) }
}
