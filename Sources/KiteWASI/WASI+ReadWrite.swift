import Glibc

/// Reading, writing and seeking: the guest's iovecs become host iovecs pointing straight
/// into its memory (each buffer bounds-checked first).
extension WASI {
    public func fdRead(memory: GuestMemory, fd: Fd, iovs: IovecArray) throws -> Size {
        let entry = try files.get(fd)
        try entry.require(.fdRead)
        if entry.type == .directory { throw Errno.isdir }
        var host = try hostIovecs(memory, iovs.elements(from: memory).map { ($0.buf.address, $0.bufLen) })
        let n = try hostCall { readv(entry.hostFD, &host, Int32(host.count)) }
        return Size(n)
    }

    public func fdWrite(memory: GuestMemory, fd: Fd, iovs: CiovecArray) throws -> Size {
        let entry = try files.get(fd)
        try entry.require(.fdWrite)
        if entry.type == .directory { throw Errno.badf }
        var host = try hostIovecs(memory, iovs.elements(from: memory).map { ($0.buf.address, $0.bufLen) })
        let n = try hostCall { writev(entry.hostFD, &host, Int32(host.count)) }
        return Size(n)
    }

    public func fdPread(memory: GuestMemory, fd: Fd, iovs: IovecArray, offset: Filesize) throws -> Size {
        let entry = try files.get(fd)
        try entry.require([.fdRead, .fdSeek])
        if entry.type == .directory { throw Errno.isdir }
        guard offset <= UInt64(Int64.max) else { throw Errno.inval }
        var host = try hostIovecs(memory, iovs.elements(from: memory).map { ($0.buf.address, $0.bufLen) })
        let n = try hostCall { preadv(entry.hostFD, &host, Int32(host.count), off_t(offset)) }
        return Size(n)
    }

    public func fdPwrite(memory: GuestMemory, fd: Fd, iovs: CiovecArray, offset: Filesize) throws -> Size {
        let entry = try files.get(fd)
        try entry.require([.fdWrite, .fdSeek])
        if entry.type == .directory { throw Errno.badf }
        guard offset <= UInt64(Int64.max) else { throw Errno.inval }
        var host = try hostIovecs(memory, iovs.elements(from: memory).map { ($0.buf.address, $0.bufLen) })
        let n = try hostCall { pwritev(entry.hostFD, &host, Int32(host.count), off_t(offset)) }
        return Size(n)
    }

    public func fdSeek(fd: Fd, offset: Filedelta, whence: Whence) throws -> Filesize {
        let entry = try files.get(fd)
        try entry.require(offset == 0 && whence == .cur ? .fdTell : .fdSeek)
        if entry.type == .directory { throw Errno.badf }
        let hostWhence: Int32
        switch whence {
        case .set: hostWhence = SEEK_SET
        case .cur: hostWhence = SEEK_CUR
        case .end: hostWhence = SEEK_END
        }
        let position = try hostCall { lseek(entry.hostFD, off_t(offset), hostWhence) }
        return Filesize(position)
    }

    public func fdTell(fd: Fd) throws -> Filesize {
        let entry = try files.get(fd)
        try entry.require(.fdTell)
        if entry.type == .directory { throw Errno.badf }
        return Filesize(try hostCall { lseek(entry.hostFD, 0, SEEK_CUR) })
    }
}

/// Host iovecs for guest buffers; `fault` when one lies outside the memory.
func hostIovecs(_ memory: GuestMemory, _ buffers: [(UInt32, UInt32)]) throws(Errno) -> [iovec] {
    var out: [iovec] = []
    out.reserveCapacity(buffers.count)
    for (address, length) in buffers {
        let bytes = try memory.buffer(at: address, count: length)
        out.append(iovec(iov_base: bytes.baseAddress, iov_len: bytes.count))
    }
    if out.isEmpty { out.append(iovec(iov_base: nil, iov_len: 0)) }
    return out
}
