import Glibc

/// `fd_readdir`: `.` and `..` first, then the host's entries; the cookie is an entry's
/// index, so any position can be resumed (the directory is re-read on each call).
extension WASI {
    public func fdReaddir(memory: GuestMemory, fd: Fd, buf: GuestPointer<UInt8>, bufLen: Size,
                          cookie: Dircookie) throws -> Size {
        let entry = try files.get(fd)
        try entry.require(.fdReaddir)
        guard entry.type == .directory else { throw Errno.notdir }
        let output = try memory.buffer(at: buf.address, count: bufLen)
        let entries = try directoryEntries(entry.hostFD)
        var used = 0
        var index = cookie
        while index < UInt64(entries.count), used < output.count {
            let item = entries[Int(index)]
            var record = [UInt8](repeating: 0, count: Int(Dirent.guestSize))
            record.withUnsafeMutableBytes { raw in
                let view = GuestMemory(bytes: raw)
                try? Dirent(dNext: index + 1, dIno: item.inode, dNamlen: Dirnamlen(item.name.count),
                            dType: item.type).store(to: view, at: 0)
            }
            record.append(contentsOf: item.name)
            let count = min(record.count, output.count - used)
            for i in 0..<count { output[used + i] = record[i] }
            used += count
            index += 1
        }
        return Size(used)
    }
}

struct DirectoryItem {
    let name: [UInt8]
    let inode: Inode
    let type: Filetype
}

/// All entries of the directory open as `fd`, `.` and `..` first.
func directoryEntries(_ fd: Int32) throws(Errno) -> [DirectoryItem] {
    let copy = try hostCall { openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
    guard let stream = fdopendir(copy) else {
        close(copy)
        throw Errno.last
    }
    defer { closedir(stream) }
    var items: [DirectoryItem] = []
    var selfStat = stat()
    fstat(fd, &selfStat)
    var parentStat = stat()
    if fstatat(fd, "..", &parentStat, AT_SYMLINK_NOFOLLOW) != 0 { parentStat = selfStat }
    items.append(DirectoryItem(name: [0x2E], inode: Inode(selfStat.st_ino), type: .directory))
    items.append(DirectoryItem(name: [0x2E, 0x2E], inode: Inode(parentStat.st_ino), type: .directory))
    var hostEntries: [DirectoryItem] = []
    while true {
        errno = 0
        guard let raw = readdir(stream) else {
            if errno != 0 { throw Errno.last }
            break
        }
        let name: [UInt8] = withUnsafeBytes(of: &raw.pointee.d_name) { bytes in
            Array(bytes.prefix { $0 != 0 })
        }
        if name == [0x2E] || name == [0x2E, 0x2E] { continue }
        var type = direntType(raw.pointee.d_type)
        if type == .unknown {
            var st = stat()
            if fstatat(fd, String(decoding: name, as: UTF8.self), &st, AT_SYMLINK_NOFOLLOW) == 0 {
                type = wasiFiletype(mode: st.st_mode)
            }
        }
        hostEntries.append(DirectoryItem(name: name, inode: Inode(raw.pointee.d_ino), type: type))
    }
    return items + hostEntries
}

private func direntType(_ type: UInt8) -> Filetype {
    switch Int(type) {
    case Int(DT_REG): return .regularFile
    case Int(DT_DIR): return .directory
    case Int(DT_LNK): return .symbolicLink
    case Int(DT_CHR): return .characterDevice
    case Int(DT_BLK): return .blockDevice
    case Int(DT_SOCK): return .socketStream
    default: return .unknown
    }
}
