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
