import Foundation
import Testing

/// A compiled C guest (Tests/Guests/hostile.c, wasi-libc) run by `kite run --dir`, as a user
/// runs one: every way out of its preopen a C program has fails, nothing around the preopen
/// changes, and a file the user may not write is `EACCES`.
struct HostileGuestTests {
    static let guests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Guests")

    /// A fresh sandbox: `root/` (to be preopened as `.`) holding inside.txt, readonly.txt (0444)
    /// and sub/; beside it outside.txt and outdir/, which the guest must not reach.
    static func sandbox() throws -> URL {
        let box = URL(fileURLWithPath: Scratch.directory).appendingPathComponent("sandbox-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: box.appendingPathComponent("root/sub"), withIntermediateDirectories: true)
        try fm.createDirectory(at: box.appendingPathComponent("outdir"), withIntermediateDirectories: true)
        try "in\n".write(to: box.appendingPathComponent("root/inside.txt"), atomically: false, encoding: .utf8)
        try "ro\n".write(to: box.appendingPathComponent("root/readonly.txt"), atomically: false, encoding: .utf8)
        try "out\n".write(to: box.appendingPathComponent("outside.txt"), atomically: false, encoding: .utf8)
        try fm.setAttributes([.posixPermissions: 0o444], ofItemAtPath: box.appendingPathComponent("root/readonly.txt").path)
        for directory in [Scratch.directory, box.path, box.appendingPathComponent("root").path] {
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory)
        }
        return box
    }

    /// Every entry under `directory` but `root/`: its kind, contents or link target, mode and
    /// modification time, so a truncation, a `utimes` or a new name shows.
    static func tree(_ directory: URL) throws -> [String: String] {
        var entries: [String: String] = [:]
        let fm = FileManager.default
        for name in try fm.subpathsOfDirectory(atPath: directory.path) where name != "root" && !name.hasPrefix("root/") {
            let path = directory.appendingPathComponent(name).path
            let attributes = try fm.attributesOfItem(atPath: path)
            let stamp = "\(attributes[.posixPermissions] ?? "") \(attributes[.modificationDate] ?? "")"
            switch attributes[.type] as? FileAttributeType {
            case .typeSymbolicLink?: entries[name] = "link \(try fm.destinationOfSymbolicLink(atPath: path))"
            case .typeDirectory?: entries[name] = "directory \(stamp)"
            default: entries[name] = "file \(stamp) \(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self))"
            }
        }
        return entries
    }

    @Test func noEscapeFromThePreopen() throws {
        let box = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: box) }
        let before = try Self.tree(box)
        #expect(before.count == 2)
        let run = try runProduct("kite", ["run", "--dir", ".", Self.guests.appendingPathComponent("hostile.wasm").path, "escape"],
                                 in: box.appendingPathComponent("root"))
        #expect(run.status == 0 && run.stderr.isEmpty)
        // What each attempt got (Wasmtime's answers but for `perm` where Kite says `notcapable`: build.sh).
        let expected = try String(contentsOf: Self.guests.appendingPathComponent("hostile.escape.expected"), encoding: .utf8)
        #expect(run.stdout == expected)
        #expect(try Self.tree(box) == before)
        // The only changes are the guest's own, inside the preopen.
        let inside = try FileManager.default.subpathsOfDirectory(atPath: box.appendingPathComponent("root").path).sorted()
        #expect(inside == ["inside.txt", "link-out", "readonly.txt", "renamed.txt", "sub", "sub/deep", "up"])
    }

    /// Opening a read-only file for writing is `EACCES`. Root bypasses permission checks, so
    /// when the tests run as root the guest runs as `nobody` (setpriv, util-linux).
    @Test func aReadOnlyFileIsPermissionDenied() throws {
        let setpriv = "/usr/bin/setpriv"
        if getuid() == 0 && !FileManager.default.isExecutableFile(atPath: setpriv) { return }
        let box = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: box) }
        let before = try Self.tree(box)
        let guest = Self.guests.appendingPathComponent("hostile.wasm").path
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kite").path
        let run = getuid() == 0
            ? try runExecutable(setpriv, ["--reuid=65534", "--regid=65534", "--clear-groups", executable, "run", "--dir", ".", guest, "readonly"],
                                in: box.appendingPathComponent("root"))
            : try runProduct("kite", ["run", "--dir", ".", guest, "readonly"], in: box.appendingPathComponent("root"))
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        #expect(run.stdout == """
            read readonly.txt: succeeded
            write readonly.txt: Permission denied
            truncate readonly.txt: Permission denied

            """)
        #expect(try Self.tree(box) == before)
        #expect(try String(contentsOf: box.appendingPathComponent("root/readonly.txt"), encoding: .utf8) == "ro\n")
    }

    /// A file system smaller than one write: the write is short (the bytes that fit, counted),
    /// the next is `ENOSPC`. A 64 KiB tmpfs is mounted in a mount namespace of its own
    /// (`unshare -m`, util-linux), which needs root; elsewhere /dev/full stands in
    /// (WASIFaultTests).
    @Test func aFullFileSystemIsNoSpace() throws {
        let unshare = "/usr/bin/unshare"
        guard getuid() == 0 && FileManager.default.isExecutableFile(atPath: unshare) else { return }
        let box = try Self.sandbox()
        defer { try? FileManager.default.removeItem(at: box) }
        let small = box.appendingPathComponent("root/small")
        try FileManager.default.createDirectory(at: small, withIntermediateDirectories: true)
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("kite").path
        let script = #"mount -t tmpfs -o size=64k tmpfs "$1" || exit 99; cd "$1" && exec "$2" run --dir . "$3" fill"#
        let run = try runExecutable(unshare, ["-m", "sh", "-c", script, "sh", small.path, executable,
                                              Self.guests.appendingPathComponent("hostile.wasm").path])
        if run.status == 99 { return }  // root without the right to mount (a container)
        #expect(run.status == 0 && run.stderr.isEmpty, "\(run.stderr)")
        #expect(run.stdout == """
            write 100000 bytes: 65536 written
            write 100000 more: No space left on device
            size: 65536

            """)
    }
}
