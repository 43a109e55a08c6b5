import Kite

/// A view of the guest's linear memory for one host call. Every access is bounds-checked:
/// an address outside the memory throws `Errno.fault` (the call returns `fault`, the host
/// never touches memory it does not own). Values are little-endian and may be unaligned.
public struct GuestMemory {
    /// The guest's linear memory, from byte offset 0.
    public let bytes: UnsafeMutableRawBufferPointer

    /// A view of an instance's memory as it is now (a later `memory.grow` may move it).
    public init(_ memory: Memory) { bytes = memory.bytes }
    /// A view of `bytes` as guest memory.
    public init(bytes: UnsafeMutableRawBufferPointer) { self.bytes = bytes }

    /// Size of the memory in bytes.
    public var count: Int { bytes.count }

    /// The byte offset of `[address, address + length)`, or `fault` when it is out of range.
    @inline(__always)
    public func check(_ address: UInt32, _ length: UInt64) throws(Errno) -> Int {
        guard UInt64(address) + length <= UInt64(bytes.count) else { throw .fault }
        return Int(address)
    }

    /// `count` bytes at `address`, writable in place.
    public func buffer(at address: UInt32, count: UInt32) throws(Errno) -> UnsafeMutableRawBufferPointer {
        let start = try check(address, UInt64(count))
        guard count > 0, let base = bytes.baseAddress else { return UnsafeMutableRawBufferPointer(start: nil, count: 0) }
        return UnsafeMutableRawBufferPointer(start: base + start, count: Int(count))
    }

    /// The little-endian integer at `address` (unaligned allowed), or `fault`.
    public func load<T: FixedWidthInteger>(_ type: T.Type, at address: UInt32) throws(Errno) -> T {
        let start = try check(address, UInt64(MemoryLayout<T>.size))
        return T(littleEndian: bytes.loadUnaligned(fromByteOffset: start, as: T.self))
    }

    /// Writes `value` little-endian at `address` (unaligned allowed), or throws `fault`.
    public func store<T: FixedWidthInteger>(_ value: T, at address: UInt32) throws(Errno) {
        let start = try check(address, UInt64(MemoryLayout<T>.size))
        bytes.storeBytes(of: value.littleEndian, toByteOffset: start, as: T.self)
    }

    /// Copies `source` to `address` (all of it, or `fault`).
    public func write(_ source: some Collection<UInt8>, at address: UInt32) throws(Errno) {
        let start = try check(address, UInt64(source.count))
        var i = start
        for byte in source { bytes[i] = byte; i += 1 }
    }

    /// The bytes at `address`, copied out.
    public func read(at address: UInt32, count: UInt32) throws(Errno) -> [UInt8] {
        let start = try check(address, UInt64(count))
        return Array(bytes[start..<start + Int(count)])
    }

    /// A WASI string argument: UTF-8 bytes (`ilseq` when they are not valid UTF-8).
    public func string(at address: UInt32, count: UInt32) throws(Errno) -> String {
        let raw = try read(at: address, count: count)
        guard let text = String(validating: raw, as: UTF8.self) else { throw .ilseq }
        return text
    }
}

/// A type with a fixed layout in guest memory (witx integers, enums, flags, records, unions).
public protocol GuestType {
    static var guestSize: UInt32 { get }
    static var guestAlignment: UInt32 { get }
    static func load(from memory: GuestMemory, at address: UInt32) throws(Errno) -> Self
    func store(to memory: GuestMemory, at address: UInt32) throws(Errno)
}

extension UInt8: GuestType {}
extension UInt16: GuestType {}
extension UInt32: GuestType {}
extension UInt64: GuestType {}
extension Int64: GuestType {}

extension FixedWidthInteger where Self: GuestType {
    /// Size in guest memory: the integer's width in bytes.
    public static var guestSize: UInt32 { UInt32(MemoryLayout<Self>.size) }
    /// Natural alignment: the integer's width in bytes.
    public static var guestAlignment: UInt32 { UInt32(MemoryLayout<Self>.size) }
    /// Reads the little-endian integer at `address`.
    public static func load(from memory: GuestMemory, at address: UInt32) throws(Errno) -> Self {
        try memory.load(Self.self, at: address)
    }
    /// Writes the integer little-endian at `address`.
    public func store(to memory: GuestMemory, at address: UInt32) throws(Errno) {
        try memory.store(self, at: address)
    }
}

/// A guest address of a `Pointee` (`(@witx pointer T)`); not checked until it is used.
public struct GuestPointer<Pointee>: GuestType, Equatable, Sendable, CustomStringConvertible {
    /// The byte offset in guest memory.
    public var address: UInt32
    /// A pointer to `address`.
    public init(_ address: UInt32) { self.address = address }

    /// A guest pointer is a 32-bit address.
    public static var guestSize: UInt32 { 4 }
    /// Guest pointers are 4-byte aligned.
    public static var guestAlignment: UInt32 { 4 }
    /// Reads a pointer stored at `address`.
    public static func load(from memory: GuestMemory, at address: UInt32) throws(Errno) -> Self {
        GuestPointer(try memory.load(UInt32.self, at: address))
    }
    /// Writes the pointer's address at `address`.
    public func store(to memory: GuestMemory, at address: UInt32) throws(Errno) {
        try memory.store(self.address, at: address)
    }
    public var description: String { String(address) }

    /// The address `count` bytes further on (wrapping like guest pointer arithmetic, then checked on use).
    public func advanced(byBytes count: UInt32) -> GuestPointer { GuestPointer(address &+ count) }
}

extension GuestPointer where Pointee: GuestType {
    /// Reads the `Pointee` this pointer addresses.
    public func load(from memory: GuestMemory) throws(Errno) -> Pointee { try Pointee.load(from: memory, at: address) }
    /// Writes `value` where this pointer addresses.
    public func store(_ value: Pointee, to memory: GuestMemory) throws(Errno) { try value.store(to: memory, at: address) }
    /// A pointer to element `index` of an array starting here (wrapping, checked on use).
    public subscript(index: UInt32) -> GuestPointer { GuestPointer(address &+ index &* Pointee.guestSize) }
}

/// A `(list T)` argument: `count` elements at `address`, the whole range checked on creation.
public struct GuestArray<Element: GuestType>: CustomStringConvertible {
    /// Guest address of the first element.
    public let address: UInt32
    /// Number of elements.
    public let count: UInt32

    /// Throws `fault` unless all `count` elements at `address` lie inside `memory`.
    public init(_ memory: GuestMemory, address: UInt32, count: UInt32) throws(Errno) {
        _ = try memory.check(address, UInt64(count) * UInt64(Element.guestSize))
        self.address = address
        self.count = count
    }

    /// Reads element `index`, which must be less than `count`.
    public func load(from memory: GuestMemory, _ index: UInt32) throws(Errno) -> Element {
        precondition(index < count)
        return try Element.load(from: memory, at: address + index * Element.guestSize)
    }

    /// Reads all the elements, in order.
    public func elements(from memory: GuestMemory) throws(Errno) -> [Element] {
        var out: [Element] = []
        out.reserveCapacity(Int(count))
        for i in 0..<count { out.append(try load(from: memory, i)) }
        return out
    }

    public var description: String { "\(address)[\(count)]" }
}
