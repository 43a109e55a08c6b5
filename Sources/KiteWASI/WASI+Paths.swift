import Glibc

/// The `path_*` calls other than `path_open`: each resolves its path beneath a directory
/// descriptor (see PathResolution.swift) and then calls the host's `*at` function on one
/// component, never following a symlink the host would resolve by itself.
extension WASI {
    /// The directory entry for `fd` holding `right`, and `path` resolved beneath it.
    func resolve(_ fd: Fd, _ path: String, right: Rights, follow: Bool = false) throws(Errno) -> ResolvedPath {
        let entry = try files.get(fd)
        guard entry.type == .directory else { throw .notdir }
        try entry.require(right)
        return try resolvePath(path, in: entry, followFinal: follow)
    }

    public func pathCreateDirectory(fd: Fd, path: String) throws {
        let target = try resolve(fd, path, right: .pathCreateDirectory)
        try hostCall { mkdirat(target.directory.fd, target.name, 0o777) }
    }

    public func pathFilestatGet(fd: Fd, flags: Lookupflags, path: String) throws -> Filestat {
        let target = try resolve(fd, path, right: .pathFilestatGet, follow: flags.contains(.symlinkFollow))
        var st = stat()
        try hostCall { fstatat(target.directory.fd, target.name, &st, AT_SYMLINK_NOFOLLOW) }
        return Filestat(st)
    }

    public func pathFilestatSetTimes(fd: Fd, flags: Lookupflags, path: String, atim: Timestamp, mtim: Timestamp,
                                     fstFlags: Fstflags) throws {
        var times = try hostTimes(atim: atim, mtim: mtim, flags: fstFlags)
        let target = try resolve(fd, path, right: .pathFilestatSetTimes, follow: flags.contains(.symlinkFollow))
        try hostCall { utimensat(target.directory.fd, target.name, &times, AT_SYMLINK_NOFOLLOW) }
    }

    public func pathLink(oldFd: Fd, oldFlags: Lookupflags, oldPath: String, newFd: Fd, newPath: String) throws {
        let source = try resolve(oldFd, oldPath, right: .pathLinkSource, follow: oldFlags.contains(.symlinkFollow))
        let destination = try resolve(newFd, newPath, right: .pathLinkTarget)
        try hostCall { linkat(source.directory.fd, source.name, destination.directory.fd, destination.name, 0) }
    }

    public func pathReadlink(memory: GuestMemory, fd: Fd, path: String, buf: GuestPointer<UInt8>, bufLen: Size) throws -> Size {
        let target = try resolve(fd, path, right: .pathReadlink)
        let output = try memory.buffer(at: buf.address, count: bufLen)
        var contents = [UInt8](repeating: 0, count: 4096)
        var n = 0
        while true {
            n = try hostCall {
                contents.withUnsafeMutableBufferPointer { b in
                    b.withMemoryRebound(to: CChar.self) { readlinkat(target.directory.fd, target.name, $0.baseAddress!, $0.count) }
                }
            }
            if n < contents.count { break }
            contents = [UInt8](repeating: 0, count: contents.count * 2)
        }
        // An absolute target names a host path: revealing it would leak the host's layout
        // (the link cannot be followed out of the preopen either way). Refused as wasmtime does.
        if n > 0 && contents[0] == UInt8(ascii: "/") { throw Errno.perm }
        let count = min(n, output.count)
        for i in 0..<count { output[i] = contents[i] }
        return Size(count)
    }

    public func pathRemoveDirectory(fd: Fd, path: String) throws {
        let target = try resolve(fd, path, right: .pathRemoveDirectory)
        try hostCall { unlinkat(target.directory.fd, target.name, AT_REMOVEDIR) }
    }

    public func pathRename(fd: Fd, oldPath: String, newFd: Fd, newPath: String) throws {
        let source = try resolve(fd, oldPath, right: .pathRenameSource)
        let destination = try resolve(newFd, newPath, right: .pathRenameTarget)
        try hostCall { renameat(source.directory.fd, source.name, destination.directory.fd, destination.name) }
    }

    public func pathSymlink(oldPath: String, fd: Fd, newPath: String) throws {
        if oldPath.utf8.contains(0) { throw Errno.inval }
        // An absolute target could never be followed inside a preopen; refused as wasmtime does.
        if oldPath.hasPrefix("/") { throw Errno.perm }
        let target = try resolve(fd, newPath, right: .pathSymlink)
        try hostCall { symlinkat(oldPath, target.directory.fd, target.name) }
    }

    public func pathUnlinkFile(fd: Fd, path: String) throws {
        let target = try resolve(fd, path, right: .pathUnlinkFile)
        try hostCall { unlinkat(target.directory.fd, target.name, 0) }
    }
}
