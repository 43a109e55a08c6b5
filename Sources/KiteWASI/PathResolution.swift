import Glibc

/// A directory descriptor reached while resolving a path: borrowed (the starting directory)
/// or opened here (closed when released).
final class DirectoryHandle {
    let fd: Int32
    private let owned: Bool
    init(fd: Int32, owned: Bool) { self.fd = fd; self.owned = owned }
    deinit { if owned { close(fd) } }
}

/// A path resolved beneath a directory descriptor: operate on `name` (one component, or
/// `.`, never a symlink that was to be followed) relative to `directory.fd` with `*at` calls.
/// `name` carries a trailing `/` when the guest's path had one, so the host checks that it
/// is a directory.
struct ResolvedPath {
    let directory: DirectoryHandle
    let name: String

    /// The name without a trailing slash (for calls that must not see one).
    var bareName: String { name.hasSuffix("/") ? String(name.dropLast()) : name }
}

/// The most symlinks one resolution expands (Linux's limit), then `loop`.
let maxSymlinkExpansions = 40

/// Resolves `path` beneath the directory `start` one component at a time, so nothing can
/// leave it: an absolute path, a `..` above `start` or a symlink to either throws
/// `notcapable`. Intermediate components are opened with `O_NOFOLLOW` and symlinks among
/// them are expanded here; the final component is expanded only when `followFinal` (or
/// when the path ends in `/`, as POSIX does).
func resolvePath(_ path: String, in start: FileEntry, followFinal: Bool) throws(Errno) -> ResolvedPath {
    guard start.type == .directory else { throw .notdir }
    if path.utf8.contains(0) { throw .inval }
    if path.isEmpty { throw .noent }
    if path.hasPrefix("/") { throw .notcapable }

    var stack = [DirectoryHandle(fd: start.hostFD, owned: false)]
    // Components still to walk, next one last (so expansions push onto the end).
    var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).reversed() as [String]
    var trailingSlash = path.hasSuffix("/")
    var expansions = 0

    if pending.isEmpty { return ResolvedPath(directory: stack[0], name: ".") }  // unreachable: "/" is absolute

    while let component = pending.popLast() {
        let isLast = pending.isEmpty
        let top = stack[stack.count - 1]
        switch component {
        case ".":
            if isLast { return ResolvedPath(directory: top, name: trailingSlash ? "./" : ".") }
            continue
        case "..":
            guard stack.count > 1 else { throw .notcapable }
            stack.removeLast()
            if isLast { return ResolvedPath(directory: stack[stack.count - 1], name: trailingSlash ? "./" : ".") }
            continue
        default:
            break
        }
        if isLast {
            if followFinal || trailingSlash, let target = readSymlink(top.fd, component) {
                expansions += 1
                try expand(target, into: &pending, trailingSlash: &trailingSlash, expansions: expansions)
                continue
            }
            return ResolvedPath(directory: top, name: trailingSlash ? component + "/" : component)
        }
        let fd = openat(top.fd, component, hostOPath | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if fd >= 0 {
            stack.append(DirectoryHandle(fd: fd, owned: true))
            continue
        }
        let failure = errno
        if failure == ENOTDIR || failure == ELOOP, let target = readSymlink(top.fd, component) {
            expansions += 1
            var ignored = false
            try expand(target, into: &pending, trailingSlash: &ignored, expansions: expansions)
            continue
        }
        throw Errno(host: failure)
    }
    // The path ran out on a symlink expansion that ended in "." or ".." handled above.
    return ResolvedPath(directory: stack[stack.count - 1], name: ".")
}

/// Replaces a symlink by its target's components (relative to the link's directory).
private func expand(_ target: String, into pending: inout [String], trailingSlash: inout Bool,
                    expansions: Int) throws(Errno) {
    guard expansions <= maxSymlinkExpansions else { throw .loop }
    if target.hasPrefix("/") { throw .notcapable }
    if target.isEmpty { throw .noent }
    if pending.isEmpty && target.hasSuffix("/") { trailingSlash = true }
    let parts = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    if parts.isEmpty { throw .notcapable }
    pending.append(contentsOf: parts.reversed())
}

/// The target of `name` in `dirfd` when it is a symlink, else nil.
func readSymlink(_ dirfd: Int32, _ name: String) -> String? {
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buffer.withUnsafeMutableBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { readlinkat(dirfd, name, $0.baseAddress!, $0.count) }
        }
        if n < 0 { return nil }
        if n < buffer.count { return String(decoding: buffer[0..<n], as: UTF8.self) }
        buffer = [UInt8](repeating: 0, count: buffer.count * 2)
    }
}
