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
        return Size(try writeAll(entry.hostFD, &host, at: nil))
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
        return Size(try writeAll(entry.hostFD, &host, at: off_t(offset)))
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
/// Writes every byte of `host` (at `offset`, for pwrite), continuing a short write where it
/// stopped: guests that write once and ignore the count lose nothing to a pipe, a socket or a
/// signal. An error after some bytes went out returns their count (it comes back on the next
/// call, as POSIX write does); a non-blocking descriptor's `again` does the same.
func writeAll(_ fd: Int32, _ host: inout [iovec], at offset: off_t?) throws(Errno) -> Int {
    var total = 0, index = 0
    repeat {
        let n: Int
        do {
            n = try hostCall {
                host.withUnsafeMutableBufferPointer { buffers -> Int in
                    let first = buffers.baseAddress! + index, count = Int32(buffers.count - index)
                    return offset.map { pwritev(fd, first, count, $0 + off_t(total)) } ?? writev(fd, first, count)
                }
            }
        } catch {
            if total > 0 { return total }
            throw error
        }
        total += n
        var left = n
        while index < host.count && left >= host[index].iov_len {
            left -= host[index].iov_len
            index += 1
        }
        if index < host.count && left > 0 {
            host[index].iov_base = host[index].iov_base.map { $0 + left }
            host[index].iov_len -= left
        }
        if n == 0 { break }
    } while index < host.count
    return total
}

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
