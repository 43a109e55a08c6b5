#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Kite
import KiteBinary
import KiteWASI

/// The `wasi` fuzz target: the input is a list of WASI calls with their arguments, then the
/// guest memory's first bytes. Each input runs on a fresh WASI instance whose only preopen
/// is a scratch directory (`root`, holding a file and a directory), next to a file that no
/// call may reach: after every input, the scratch parent must hold exactly what it did.
final class WASIFuzzing: @unchecked Sendable {
    static let shared = WASIFuzzing()

    /// Every call but `poll_oneoff`, whose clock subscriptions sleep as long as asked.
    static let calls = [
        "args_get", "args_sizes_get", "environ_get", "environ_sizes_get", "clock_res_get", "clock_time_get",
        "fd_advise", "fd_allocate", "fd_close", "fd_datasync", "fd_fdstat_get", "fd_fdstat_set_flags",
        "fd_fdstat_set_rights", "fd_filestat_get", "fd_filestat_set_size", "fd_filestat_set_times", "fd_pread",
        "fd_prestat_get", "fd_prestat_dir_name", "fd_pwrite", "fd_read", "fd_readdir", "fd_renumber", "fd_seek",
        "fd_sync", "fd_tell", "fd_write", "path_create_directory", "path_filestat_get", "path_filestat_set_times",
        "path_link", "path_open", "path_readlink", "path_remove_directory", "path_rename", "path_symlink",
        "path_unlink_file", "proc_exit", "proc_raise", "sched_yield", "random_get", "sock_accept", "sock_recv",
        "sock_send", "sock_shutdown", "print_greeting",
    ]

    let parent: String
    let root: String
    let null: Int32

    private init() {
        var template = Array("/tmp/kite-fuzz-wasi-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { fatalError("cannot make a scratch directory") }
        parent = String(cString: made)
        root = parent + "/root"
        null = open("/dev/null", O_RDWR)
        write(parent + "/outside", "not to be touched\n")
    }

    func run(_ bytes: [UInt8]) {
        resetRoot()
        var input = Input(bytes)
        let count = 1 + Int(input.byte() % 8)
        var calls: [(name: String, selector: Int, arguments: [UInt8])] = []
        for _ in 0..<count {
            let selector = Int(input.byte()) % Self.calls.count
            calls.append((Self.calls[selector], selector, []))
        }
        do {
            var configuration = WASIConfiguration(arguments: ["fuzz", "-x"], environment: [("KEY", "value")],
                                                  preopens: [(hostPath: root, guestPath: "/sandbox")])
            configuration.stdin = null
            configuration.stdout = null
            configuration.stderr = null
            let wasi = try WASI(configuration)
            defer { wasi.closeDescriptors() }
            let store = Store(stackSlots: 4096, maxDepth: 64)
            var imports = Imports()
            wasi.define(into: &imports, store: store)
            let memory = try Memory(store: store, type: MemoryType(limits: Limits(min: 1, max: 1)))
            wasi.memory = memory
            var functions: [(Function, [Value])] = []
            for call in calls {
                guard case .function(let function)? = imports.lookup("wasi_snapshot_preview1", call.name) else { continue }
                functions.append((function, function.type.parameters.map { input.value(of: $0) }))
            }
            let rest = input.remaining.prefix(memory.byteCount)
            rest.withUnsafeBytes { memory.bytes.copyMemory(from: $0) }
            for (function, arguments) in functions {
                do { _ = try function.invoke(arguments) } catch is WASIExit { break } catch {}
            }
        } catch {
            fatalError("the WASI fixture failed: \(error)")
        }
        checkOutside()
    }

    /// Nothing outside the preopen changed: the parent holds `outside` (unchanged) and `root`.
    private func checkOutside() {
        let names = Set(list(parent))
        guard names == ["outside", "root"], read(parent + "/outside") == "not to be touched\n" else {
            fatalError("a WASI call reached outside its preopened directory: \(names.sorted())")
        }
    }

    private func resetRoot() {
        try? FileManager.default.removeItem(atPath: root)
        mkdir(root, 0o755)
        mkdir(root + "/dir", 0o755)
        write(root + "/file", "some bytes\n")
    }

    private func write(_ path: String, _ text: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { return }
        _ = text.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
    }

    private func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = Glibc.read(fd, &buffer, buffer.count)
        return n >= 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }

    private func list(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(cString: $0.bindMemory(to: CChar.self).baseAddress!) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}

/// Reads the fuzz input front to back; past its end, zeros.
struct Input {
    let bytes: [UInt8]
    var at = 0
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func byte() -> UInt8 {
        defer { at += 1 }
        return at < bytes.count ? bytes[at] : 0
    }

    /// Mostly small numbers (descriptors, lengths, offsets into the page), sometimes any.
    mutating func value(of type: ValueType) -> Value {
        let tag = byte()
        var wide: UInt64 = UInt64(tag)
        if tag >= 0xF0 {
            wide = 0
            for i in 0..<8 { wide |= UInt64(byte()) << (8 * UInt64(i)) }
        } else if tag >= 0xC0 {
            wide = UInt64(byte()) | UInt64(byte()) << 8
        }
        switch type {
        case .i64: return .i64(wide)
        default: return .i32(UInt32(truncatingIfNeeded: wide))
        }
    }

    var remaining: ArraySlice<UInt8> { bytes[min(at, bytes.count)...] }
}
