import Glibc

/// `sock_*`: only descriptors the host handed over as sockets are sockets; anything else
/// gets `notsock` (or `badf` when it is not open).
extension WASI {
    func socket(_ fd: Fd) throws(Errno) -> FileEntry {
        let entry = try files.get(fd)
        guard entry.type == .socketStream || entry.type == .socketDgram else { throw .notsock }
        return entry
    }

    public func sockAccept(fd: Fd, flags: Fdflags) throws -> Fd {
        let listener = try socket(fd)
        try listener.require(.sockAccept)
        let connection = try hostCall { accept(listener.hostFD, nil, nil) }
        _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
        if flags.contains(.nonblock) { _ = fcntl(connection, F_SETFL, fcntl(connection, F_GETFL) | O_NONBLOCK) }
        return files.insert(FileEntry(hostFD: connection, type: .socketStream,
                                      rightsBase: [.fdRead, .fdWrite, .pollFdReadwrite, .sockShutdown, .fdFdstatSetFlags,
                                                   .fdFilestatGet],
                                      rightsInheriting: []))
    }

    public func sockRecv(memory: GuestMemory, fd: Fd, riData: IovecArray, riFlags: Riflags) throws -> (roDatalen: Size, roFlags: Roflags) {
        let entry = try socket(fd)
        try entry.require(.fdRead)
        var host = try hostIovecs(memory, riData.elements(from: memory).map { ($0.buf.address, $0.bufLen) })
        var flags: Int32 = 0
        if riFlags.contains(.recvPeek) { flags |= Int32(MSG_PEEK) }
        if riFlags.contains(.recvWaitall) { flags |= Int32(MSG_WAITALL) }
        let (n, truncated): (Int, Bool) = try host.withUnsafeMutableBufferPointer { buffers throws(Errno) in
            var message = msghdr()
            message.msg_iov = buffers.baseAddress
            message.msg_iovlen = buffers.count
            let n = try hostCall { recvmsg(entry.hostFD, &message, flags) }
            return (n, message.msg_flags & Int32(MSG_TRUNC) != 0)
        }
        return (Size(n), truncated ? .recvDataTruncated : [])
    }

    public func sockSend(memory: GuestMemory, fd: Fd, siData: CiovecArray, siFlags: Siflags) throws -> Size {
        let entry = try socket(fd)
        try entry.require(.fdWrite)
        var host = try hostIovecs(memory, siData.elements(from: memory).map { ($0.buf.address, $0.bufLen) })
        let n = try host.withUnsafeMutableBufferPointer { buffers throws(Errno) in
            var message = msghdr()
            message.msg_iov = buffers.baseAddress
            message.msg_iovlen = buffers.count
            return try hostCall { sendmsg(entry.hostFD, &message, Int32(MSG_NOSIGNAL)) }
        }
        return Size(n)
    }

    public func sockShutdown(fd: Fd, how: Sdflags) throws {
        let entry = try socket(fd)
        try entry.require(.sockShutdown)
        let hostHow: Int32
        switch (how.contains(.rd), how.contains(.wr)) {
        case (true, true): hostHow = Int32(SHUT_RDWR)
        case (true, false): hostHow = Int32(SHUT_RD)
        case (false, true): hostHow = Int32(SHUT_WR)
        case (false, false): throw Errno.inval
        }
        try hostCall { shutdown(entry.hostFD, hostHow) }
    }
}
