import Foundation
import KiteWASI
import Testing

/// Preopened directories are the only way into the host file system: `..`, absolute paths
/// and symlinks must never reach outside one (`notcapable`), and nothing outside changes.
struct SandboxTests {
    let root: TemporaryDirectory
    let sandbox: String
    let outside: String
    let wasi: WASI
    /// The preopen's descriptor (after stdin, stdout, stderr).
    let dir: Fd = 3

    init() throws {
        root = try TemporaryDirectory()
        sandbox = root.path + "/sandbox"
        outside = root.path + "/outside"
        let fm = FileManager.default
        try fm.createDirectory(atPath: sandbox + "/sub", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try "secret".write(toFile: outside + "/secret.txt", atomically: false, encoding: .utf8)
        try "inside".write(toFile: sandbox + "/file.txt", atomically: false, encoding: .utf8)
        try fm.createSymbolicLink(atPath: sandbox + "/escape", withDestinationPath: "../outside")
        try fm.createSymbolicLink(atPath: sandbox + "/sub/deep-escape", withDestinationPath: "../../outside/secret.txt")
        try fm.createSymbolicLink(atPath: sandbox + "/absolute", withDestinationPath: outside)
        try fm.createSymbolicLink(atPath: sandbox + "/etc", withDestinationPath: "/etc")
        try fm.createSymbolicLink(atPath: sandbox + "/inner", withDestinationPath: "sub")
        wasi = try WASI(WASIConfiguration(preopens: [(sandbox, "/")], trace: nil))
    }

    func errno(_ body: () throws -> Void) -> Errno? {
        do { try body() } catch let e as Errno { return e } catch { return nil }
        return .success
    }

    func open(_ path: String, follow: Bool = true, oflags: Oflags = [], rights: Rights = [.fdRead]) throws -> Fd {
        try wasi.pathOpen(fd: dir, dirflags: follow ? .symlinkFollow : [], path: path, oflags: oflags,
                          fsRightsBase: rights, fsRightsInheriting: [], fdflags: [])
    }

    @Test func dotDotCannotLeaveThePreopen() {
        #expect(errno { _ = try open("../outside/secret.txt") } == .notcapable)
        #expect(errno { _ = try open("sub/../../outside/secret.txt") } == .notcapable)
        #expect(errno { _ = try open("..") } == .notcapable)
        #expect(errno { _ = try open("sub/../file.txt") } == .success)
    }

    @Test func absolutePathsAreRefused() {
        #expect(errno { _ = try open("/etc/passwd") } == .notcapable)
        #expect(errno { _ = try open(sandbox + "/file.txt") } == .notcapable)
        #expect(errno { _ = try wasi.pathFilestatGet(fd: dir, flags: [], path: "/etc/passwd") } == .notcapable)
    }

    @Test func symlinksCannotLeadOutside() {
        #expect(errno { _ = try open("escape/secret.txt") } == .notcapable)
        #expect(errno { _ = try open("escape") } == .notcapable)
        #expect(errno { _ = try open("sub/deep-escape") } == .notcapable)
        #expect(errno { _ = try open("absolute/secret.txt") } == .notcapable)
        #expect(errno { _ = try open("etc/passwd") } == .notcapable)
        #expect(errno { _ = try wasi.pathFilestatGet(fd: dir, flags: .symlinkFollow, path: "escape") } == .notcapable)
        // Not following the final symlink inspects or opens the link itself, inside the sandbox.
        #expect(errno { _ = try open("escape", follow: false) } == .loop)
        #expect((try? wasi.pathFilestatGet(fd: dir, flags: [], path: "escape").filetype) == .symbolicLink)
        // A symlink that stays inside works.
        #expect(errno { _ = try open("inner/../file.txt") } == .success)
    }

    @Test func nothingOutsideIsTouched() throws {
        #expect(errno { _ = try open("escape/created.txt", oflags: .creat, rights: [.fdWrite]) } == .notcapable)
        #expect(errno { try wasi.pathCreateDirectory(fd: dir, path: "escape/newdir") } == .notcapable)
        #expect(errno { try wasi.pathUnlinkFile(fd: dir, path: "../outside/secret.txt") } == .notcapable)
        #expect(errno { try wasi.pathUnlinkFile(fd: dir, path: "escape/secret.txt") } == .notcapable)
        #expect(errno { try wasi.pathRename(fd: dir, oldPath: "file.txt", newFd: dir, newPath: "escape/moved.txt") } == .notcapable)
        #expect(errno { try wasi.pathLink(oldFd: dir, oldFlags: .symlinkFollow, oldPath: "escape/secret.txt", newFd: dir, newPath: "stolen") } == .notcapable)
        #expect(errno { _ = try open("sub/deep-escape", oflags: .trunc, rights: [.fdWrite]) } == .notcapable)
        #expect(errno { try wasi.pathSymlink(oldPath: "/etc/passwd", fd: dir, newPath: "link") } == .perm)
        let fm = FileManager.default
        #expect(try fm.contentsOfDirectory(atPath: outside) == ["secret.txt"])
        #expect(try String(contentsOfFile: outside + "/secret.txt", encoding: .utf8) == "secret")
        #expect(fm.fileExists(atPath: sandbox + "/file.txt"))
        #expect(!fm.fileExists(atPath: sandbox + "/stolen"))
        #expect(!fm.fileExists(atPath: sandbox + "/link"))
    }

    @Test func readlinkNeverRevealsAHostPath() throws {
        var buffer = [UInt8](repeating: 0, count: 256)
        try buffer.withUnsafeMutableBytes { (raw) throws -> Void in
            let memory = GuestMemory(bytes: raw)
            func readlink(_ path: String) throws -> String {
                let n = try wasi.pathReadlink(memory: memory, fd: dir, path: path, buf: GuestPointer(0), bufLen: 256)
                return String(decoding: raw.prefix(Int(n)), as: UTF8.self)
            }
            // Relative targets are the guest's own business.
            #expect(try readlink("escape") == "../outside")
            #expect(try readlink("inner") == "sub")
            // Absolute targets name host paths (the sandbox's own location, /etc): refused as wasmtime does.
            #expect(errno { _ = try readlink("absolute") } == .perm)
            #expect(errno { _ = try readlink("etc") } == .perm)
            // Nothing of the host's layout reached guest memory.
            #expect(!String(decoding: raw, as: UTF8.self).contains(root.path))
        }
    }

    @Test func malformedPathsAndDescriptors() {
        #expect(errno { _ = try open("file.txt\0") } == .inval)
        #expect(errno { _ = try open("") } == .noent)
        #expect(errno { _ = try wasi.pathOpen(fd: 1, dirflags: [], path: "x", oflags: [], fsRightsBase: [],
                                                fsRightsInheriting: [], fdflags: []) } == .notdir)
        #expect(errno { _ = try wasi.pathOpen(fd: 42, dirflags: [], path: "x", oflags: [], fsRightsBase: [],
                                                fsRightsInheriting: [], fdflags: []) } == .badf)
    }
}
