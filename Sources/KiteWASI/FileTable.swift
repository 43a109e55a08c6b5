import Glibc

/// One open guest descriptor: the host descriptor behind it, what it is, and its rights.
final class FileEntry {
    var hostFD: Int32
    var type: Filetype
    var rightsBase: Rights
    var rightsInheriting: Rights
    /// The name a preopened directory is reported under (`fd_prestat_dir_name`).
    let preopenPath: String?
    /// False for stdio: the host's descriptors are borrowed, never closed.
    let owned: Bool

    init(hostFD: Int32, type: Filetype, rightsBase: Rights, rightsInheriting: Rights,
         preopenPath: String? = nil, owned: Bool = true) {
        self.hostFD = hostFD
        self.type = type
        self.rightsBase = rightsBase
        self.rightsInheriting = rightsInheriting
        self.preopenPath = preopenPath
        self.owned = owned
    }

    deinit {
        if owned { close(hostFD) }
    }

    /// Throws `notcapable` unless every right in `needed` is held.
    func require(_ needed: Rights) throws(Errno) {
        guard rightsBase.isSuperset(of: needed) else { throw .notcapable }
    }
}

/// The guest's descriptor numbers. New descriptors take the lowest free number.
struct FileTable {
    private var entries: [Fd: FileEntry] = [:]

    subscript(fd: Fd) -> FileEntry? { entries[fd] }

    /// The entry for `fd`, or `badf`.
    func get(_ fd: Fd) throws(Errno) -> FileEntry {
        guard let entry = entries[fd] else { throw .badf }
        return entry
    }

    @discardableResult
    mutating func insert(_ entry: FileEntry) -> Fd {
        var fd: Fd = 0
        while entries[fd] != nil { fd += 1 }
        entries[fd] = entry
        return fd
    }

    mutating func remove(_ fd: Fd) -> FileEntry? { entries.removeValue(forKey: fd) }

    mutating func set(_ fd: Fd, _ entry: FileEntry) { entries[fd] = entry }

    /// Drops every descriptor, closing the host descriptors WASI owns.
    mutating func removeAll() { entries.removeAll() }

    mutating func installStdio(stdin: Int32, stdout: Int32, stderr: Int32) {
        for (fd, host) in [(Fd(0), stdin), (1, stdout), (2, stderr)] {
            let type = hostFiletype(host)
            var rights: Rights = fd == 0 ? .stdinBase : .stdoutBase
            if isatty(host) != 0 { rights.subtract([.fdSeek, .fdTell]) } else if type == .regularFile { rights.formUnion(.fileBase) }
            entries[fd] = FileEntry(hostFD: host, type: isatty(host) != 0 ? .characterDevice : type,
                                    rightsBase: rights, rightsInheriting: [], owned: false)
        }
    }
}

extension Rights {
    /// What a regular file's descriptor may hold.
    static let fileBase: Rights = [.fdDatasync, .fdRead, .fdSeek, .fdFdstatSetFlags, .fdSync, .fdTell, .fdWrite,
                                   .fdAdvise, .fdAllocate, .fdFilestatGet, .fdFilestatSetSize,
                                   .fdFilestatSetTimes, .pollFdReadwrite]
    /// What a directory's descriptor may hold.
    static let directoryBase: Rights = [.fdFdstatSetFlags, .fdSync, .fdAdvise, .pathCreateDirectory,
                                        .pathCreateFile, .pathLinkSource, .pathLinkTarget, .pathOpen, .fdReaddir,
                                        .pathReadlink, .pathRenameSource, .pathRenameTarget, .pathFilestatGet,
                                        .pathFilestatSetSize, .pathFilestatSetTimes, .fdFilestatGet,
                                        .fdFilestatSetTimes, .pathSymlink, .pathRemoveDirectory, .pathUnlinkFile]
    /// What descriptors opened through a directory may hold.
    static let directoryInheriting: Rights = directoryBase.union(fileBase)
    static let stdinBase: Rights = [.fdRead, .fdFdstatSetFlags, .fdFilestatGet, .pollFdReadwrite, .fdSeek, .fdTell]
    static let stdoutBase: Rights = [.fdWrite, .fdFdstatSetFlags, .fdFilestatGet, .pollFdReadwrite, .fdSeek, .fdTell,
                                     .fdDatasync, .fdSync]
}

/// The WASI type of what a host descriptor refers to.
func hostFiletype(_ fd: Int32) -> Filetype {
    var st = stat()
    guard fstat(fd, &st) == 0 else { return .unknown }
    return wasiFiletype(mode: st.st_mode)
}

func wasiFiletype(mode: mode_t) -> Filetype {
    switch mode & S_IFMT {
    case S_IFREG: return .regularFile
    case S_IFDIR: return .directory
    case S_IFLNK: return .symbolicLink
    case S_IFCHR: return .characterDevice
    case S_IFBLK: return .blockDevice
    case S_IFSOCK: return .socketStream
    default: return .unknown
    }
}
