import Glibc

/// `path_open`: resolves beneath the directory, opens with `O_NOFOLLOW` (symlinks were
/// expanded during resolution when asked for), and gives the new descriptor the requested
/// rights narrowed to what the directory may hand on and what the file's type allows.
extension WASI {
    public func pathOpen(fd: Fd, dirflags: Lookupflags, path: String, oflags: Oflags, fsRightsBase: Rights,
                         fsRightsInheriting: Rights, fdflags: Fdflags) throws -> Fd {
        let parent = try files.get(fd)
        guard parent.type == .directory else { throw Errno.notdir }
        var needed: Rights = .pathOpen
        if oflags.contains(.creat) { needed.insert(.pathCreateFile) }
        if oflags.contains(.trunc) { needed.insert(.pathFilestatSetSize) }
        try parent.require(needed)
        let target = try resolvePath(path, in: parent, followFinal: dirflags.contains(.symlinkFollow))

        let wantsRead = !fsRightsBase.intersection([.fdRead, .fdReaddir]).isEmpty
        let wantsWrite = !fsRightsBase.intersection([.fdWrite, .fdDatasync, .fdAllocate, .fdFilestatSetSize]).isEmpty
            || fdflags.contains(.append) || oflags.contains(.trunc)
        var flags = O_NOFOLLOW | O_CLOEXEC | fdflags.hostFlags
        if oflags.contains(.creat) { flags |= O_CREAT }
        if oflags.contains(.excl) { flags |= O_EXCL }
        if oflags.contains(.trunc) { flags |= O_TRUNC }
        if oflags.contains(.directory) { flags |= O_DIRECTORY }

        // A directory can only be opened for reading.
        var existing = stat()
        let isDirectory = fstatat(target.directory.fd, target.bareName, &existing, AT_SYMLINK_NOFOLLOW) == 0
            && existing.st_mode & S_IFMT == S_IFDIR
        if isDirectory || oflags.contains(.directory) {
            if wantsWrite && isDirectory { throw Errno.isdir }
            flags |= O_RDONLY
        } else {
            flags |= wantsWrite ? (wantsRead ? O_RDWR : O_WRONLY) : O_RDONLY
        }
        let hostFD = try hostCall { openat(target.directory.fd, target.name, flags, 0o666) }
        let type = hostFiletype(hostFD)
        let allowed: Rights = type == .directory ? .directoryBase : .fileBase
        let entry = FileEntry(hostFD: hostFD, type: type,
                              rightsBase: fsRightsBase.intersection(parent.rightsInheriting).intersection(allowed),
                              rightsInheriting: fsRightsInheriting.intersection(parent.rightsInheriting))
        return files.insert(entry)
    }
}
