import Glibc

/// Calls on a descriptor itself: close, renumber, attributes, rights, preopen names, sync.
extension WASI {
    public func fdClose(fd: Fd) throws {
        guard files.remove(fd) != nil else { throw Errno.badf }
    }

    public func fdRenumber(fd: Fd, to: Fd) throws {
        let entry = try files.get(fd)
        _ = try files.get(to)
        if fd == to { return }
        _ = files.remove(fd)
        files.set(to, entry)
    }

    public func fdFdstatGet(fd: Fd) throws -> Fdstat {
        let entry = try files.get(fd)
        let flags = try hostCall { fcntl(entry.hostFD, F_GETFL) }
        return Fdstat(fsFiletype: entry.type, fsFlags: Fdflags(hostFlags: flags),
                      fsRightsBase: entry.rightsBase, fsRightsInheriting: entry.rightsInheriting)
    }

    public func fdFdstatSetFlags(fd: Fd, flags: Fdflags) throws {
        let entry = try files.get(fd)
        try entry.require(.fdFdstatSetFlags)
        // Linux cannot change the synchronization flags of an open descriptor.
        if !flags.intersection([.dsync, .rsync, .sync]).isEmpty { throw Errno.notsup }
        let current = try hostCall { fcntl(entry.hostFD, F_GETFL) }
        var updated = current & ~(O_APPEND | O_NONBLOCK)
        if flags.contains(.append) { updated |= O_APPEND }
        if flags.contains(.nonblock) { updated |= O_NONBLOCK }
        try hostCall { fcntl(entry.hostFD, F_SETFL, updated) }
    }

    public func fdFdstatSetRights(fd: Fd, fsRightsBase: Rights, fsRightsInheriting: Rights) throws {
        let entry = try files.get(fd)
        guard entry.rightsBase.isSuperset(of: fsRightsBase),
              entry.rightsInheriting.isSuperset(of: fsRightsInheriting) else { throw Errno.notcapable }
        entry.rightsBase = fsRightsBase
        entry.rightsInheriting = fsRightsInheriting
    }

    public func fdPrestatGet(fd: Fd) throws -> Prestat {
        guard let name = try files.get(fd).preopenPath else { throw Errno.badf }
        return .dir(PrestatDir(prNameLen: Size(name.utf8.count)))
    }

    public func fdPrestatDirName(memory: GuestMemory, fd: Fd, path: GuestPointer<UInt8>, pathLen: Size) throws {
        guard let name = try files.get(fd).preopenPath else { throw Errno.badf }
        let bytes = Array(name.utf8)
        guard bytes.count <= pathLen else { throw Errno.nametoolong }
        try memory.write(bytes, at: path.address)
    }

    public func fdFilestatGet(fd: Fd) throws -> Filestat {
        let entry = try files.get(fd)
        try entry.require(.fdFilestatGet)
        var st = stat()
        try hostCall { fstat(entry.hostFD, &st) }
        return Filestat(st)
    }

    public func fdFilestatSetSize(fd: Fd, size: Filesize) throws {
        let entry = try files.get(fd)
        try entry.require(.fdFilestatSetSize)
        guard size <= UInt64(Int64.max) else { throw Errno.inval }
        try hostCall { ftruncate(entry.hostFD, off_t(size)) }
    }

    public func fdFilestatSetTimes(fd: Fd, atim: Timestamp, mtim: Timestamp, fstFlags: Fstflags) throws {
        let entry = try files.get(fd)
        try entry.require(.fdFilestatSetTimes)
        var times = try hostTimes(atim: atim, mtim: mtim, flags: fstFlags)
        try hostCall { futimens(entry.hostFD, &times) }
    }

    public func fdAdvise(fd: Fd, offset: Filesize, len: Filesize, advice: Advice) throws {
        let entry = try files.get(fd)
        try entry.require(.fdAdvise)
        guard offset <= UInt64(Int64.max), len <= UInt64(Int64.max) else { throw Errno.inval }
        if entry.type == .directory { throw Errno.badf }
        let code = posix_fadvise(entry.hostFD, off_t(offset), off_t(len), advice.host)
        if code != 0 { throw Errno(host: code) }
    }

    public func fdAllocate(fd: Fd, offset: Filesize, len: Filesize) throws {
        let entry = try files.get(fd)
        try entry.require(.fdAllocate)
        guard offset <= UInt64(Int64.max), len <= UInt64(Int64.max), offset &+ len <= UInt64(Int64.max) else {
            throw Errno.fbig
        }
        let code = posix_fallocate(entry.hostFD, off_t(offset), off_t(len))
        if code != 0 { throw Errno(host: code) }
    }

    public func fdDatasync(fd: Fd) throws {
        let entry = try files.get(fd)
        try entry.require(.fdDatasync)
        try hostCall { fdatasync(entry.hostFD) }
    }

    public func fdSync(fd: Fd) throws {
        let entry = try files.get(fd)
        try entry.require(.fdSync)
        try hostCall { fsync(entry.hostFD) }
    }
}

extension Fdflags {
    init(hostFlags flags: Int32) {
        self = []
        if flags & O_APPEND != 0 { insert(.append) }
        if flags & O_NONBLOCK != 0 { insert(.nonblock) }
        if flags & O_SYNC == O_SYNC { insert([.sync, .rsync]) }
        if flags & O_DSYNC != 0 { insert(.dsync) }
    }

    var hostFlags: Int32 {
        var flags: Int32 = 0
        if contains(.append) { flags |= O_APPEND }
        if contains(.nonblock) { flags |= O_NONBLOCK }
        if contains(.dsync) { flags |= O_DSYNC }
        if contains(.sync) || contains(.rsync) { flags |= O_SYNC }
        return flags
    }
}

extension Advice {
    var host: Int32 {
        switch self {
        case .normal: return POSIX_FADV_NORMAL
        case .sequential: return POSIX_FADV_SEQUENTIAL
        case .random: return POSIX_FADV_RANDOM
        case .willneed: return POSIX_FADV_WILLNEED
        case .dontneed: return POSIX_FADV_DONTNEED
        case .noreuse: return POSIX_FADV_NOREUSE
        }
    }
}

extension Filestat {
    init(_ st: stat) {
        self.init(dev: Device(st.st_dev), ino: Inode(st.st_ino), filetype: wasiFiletype(mode: st.st_mode),
                  nlink: Linkcount(st.st_nlink), size: Filesize(max(st.st_size, 0)),
                  atim: st.st_atim.nanoseconds, mtim: st.st_mtim.nanoseconds, ctim: st.st_ctim.nanoseconds)
    }
}

/// The `[atime, mtime]` pair for `futimens`/`utimensat` (`inval` when a time is both given and "now").
func hostTimes(atim: Timestamp, mtim: Timestamp, flags: Fstflags) throws(Errno) -> [timespec] {
    if flags.contains([.atim, .atimNow]) || flags.contains([.mtim, .mtimNow]) { throw .inval }
    if !flags.subtracting(.all).isEmpty { throw .inval }
    func time(_ value: Timestamp, set: Bool, now: Bool) -> timespec {
        if now { return timespec(tv_sec: 0, tv_nsec: hostUTimeNow) }
        if set { return timespec(nanoseconds: value) }
        return timespec(tv_sec: 0, tv_nsec: hostUTimeOmit)
    }
    return [time(atim, set: flags.contains(.atim), now: flags.contains(.atimNow)),
            time(mtim, set: flags.contains(.mtim), now: flags.contains(.mtimNow))]
}
