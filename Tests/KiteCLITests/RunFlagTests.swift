import Foundation
import Testing

/// wasmtime's `run` flags that `kite run` speaks beside the limits: `--env NAME` inheriting,
/// `--dir HOST::GUEST`, `-S inherit-env`, `--argv0`, `-W unknown-imports-trap`, `kite --version` and `kite FILE`.
struct RunFlagTests {
    /// Exits with the number of environment variables the guest sees.
    let environCount = """
        (module
          (import "wasi_snapshot_preview1" "environ_sizes_get" (func $sizes (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (func (export "_start") (drop (call $sizes (i32.const 0) (i32.const 4))) (call $exit (i32.load (i32.const 0)))))
        """
    /// Exits with the byte size of the guest's argv strings (NULs included).
    let argvBytes = """
        (module
          (import "wasi_snapshot_preview1" "args_sizes_get" (func $sizes (param i32 i32) (result i32)))
          (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
          (memory (export "memory") 1)
          (func (export "_start") (drop (call $sizes (i32.const 0) (i32.const 4))) (call $exit (i32.load (i32.const 4)))))
        """

    @Test func envWithoutAValueInheritsTheHostsOnly() throws {
        let module = try Scratch.file("environ.wat", environCount)
        #expect(ProcessInfo.processInfo.environment["PATH"] != nil)
        #expect(try kite("run", "--env", "PATH", module).status == 1)
        #expect(try kite("run", "--env", "KITE_SURELY_UNSET_VARIABLE", module).status == 0)
        #expect(try kite("run", "--env", "A=1", "--env", "PATH", module).status == 2)
        let inherited = try kite("run", "-S", "inherit-env", module).status
        #expect(inherited == Int32(ProcessInfo.processInfo.environment.count % 256))
        let unknown = try kite("run", "-S", "tcp", module)
        #expect(unknown.status == 1 || unknown.status == 64)
        #expect(unknown.stderr.contains("unknown -S option `tcp`"), "\(unknown.stderr)")
    }

    @Test func dirMapsAHostDirectoryToTheGuestsName() throws {
        let host = Scratch.directory + "/\(UUID().uuidString)-shared"
        try FileManager.default.createDirectory(atPath: host, withIntermediateDirectories: true)
        try "from the host".write(toFile: host + "/note.txt", atomically: true, encoding: .utf8)
        // Prints the name preopen 3 has for the guest (8 bytes), then note.txt opened in it.
        let module = try Scratch.file("dir.wat", """
            (module
              (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $name (param i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "path_open"
                (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (data (i32.const 100) "note.txt")
              (func (export "_start")
                (drop (call $name (i32.const 3) (i32.const 200) (i32.const 8)))
                (i32.store (i32.const 0) (i32.const 200)) (i32.store (i32.const 4) (i32.const 8))
                (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
                (drop (call $open (i32.const 3) (i32.const 0) (i32.const 100) (i32.const 8) (i32.const 0)
                                  (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 16)))
                (i32.store (i32.const 0) (i32.const 300)) (i32.store (i32.const 4) (i32.const 64))
                (drop (call $read (i32.load (i32.const 16)) (i32.const 0) (i32.const 1) (i32.const 20)))
                (i32.store (i32.const 4) (i32.load (i32.const 20)))
                (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
            """)
        let mapped = try kite("run", "--dir", host + "::/sandbox", module)
        #expect(mapped.status == 0 && mapped.stderr.isEmpty, "\(mapped.stderr)")
        #expect(mapped.stdout == "/sandboxfrom the host")
        // A host directory that does not exist is an error before the guest starts.
        let missing = try kite("run", "--dir", host + "/absent::/sandbox", module)
        #expect(missing.status == 1 && missing.stderr.contains("cannot open directory"), "\(missing.stderr)")
    }

    @Test func argv0ReplacesTheModulePath() throws {
        let module = try Scratch.file("argv.wat", argvBytes)
        #expect(try kite("run", "--argv0", "x", module, "ab").status == 5)  // "x\0ab\0"
        #expect(try kite("run", module).status == Int32((module.utf8.count + 1) % 256))
    }

    @Test func unknownImportsTrapOnlyWhenCalled() throws {
        let module = try Scratch.file("imports.wat", """
            (module (import "env" "missing" (func $m))
              (func (export "_start"))
              (func (export "calls") (call $m)))
            """)
        #expect(try kite("run", module).status == 1)  // cannot link
        #expect(try kite("run", "-W", "unknown-imports-trap", module).status == 0)
        let called = try kite("run", "-W", "unknown-imports-trap", module, "--invoke", "calls")
        #expect(called.status == 134)
        #expect(called.stderr.contains("unknown import: `env::missing` has not been defined"), "\(called.stderr)")
    }

    @Test func versionAndTheRunShorthand() throws {
        let version = try kite("--version")
        #expect(version.status == 0 && version.stdout.hasPrefix("kite "))
        let module = try Scratch.file("argv.wat", argvBytes)
        #expect(try kite(module, "ab").status == Int32((module.utf8.count + 1 + 3) % 256))
    }

    @Test func preloadLinksAnotherModulesExports() throws {
        let lib = try Scratch.file("lib.wat", """
            (module (func (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))
            """)
        let main = try Scratch.file("main.wat", """
            (module
              (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
              (import "lib" "double" (func $double (param i32) (result i32)))
              (func (export "_start") (call $exit (call $double (i32.const 21)))))
            """)
        #expect(try kite("run", "--preload", "lib=\(lib)", main).status == 42)
        let unlinked = try kite("run", main)
        #expect(unlinked.status == 1 && unlinked.stderr.contains("lib"), "\(unlinked.stderr)")
        let bad = try kite("run", "--preload", "lib", main)
        #expect(bad.stderr.contains("--preload wants NAME=MODULE"), "\(bad.stderr)")
    }

    /// A WASI call reads the memory of the instance that made it (as in wasmtime), not the
    /// command's: the preloaded module's pointers are into its own memory.
    @Test func wasiCallsUseTheCallersMemory() throws {
        let lib = try Scratch.file("say.wat", """
            (module
              (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (data (i32.const 16) "from the library\\n")
              (func (export "say")
                (i32.store (i32.const 0) (i32.const 16))
                (i32.store (i32.const 4) (i32.const 17))
                (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
            """)
        let main = try Scratch.file("quiet.wat", """
            (module
              (import "lib" "say" (func $say))
              (memory (export "memory") 1)
              (func (export "_start") (call $say)))
            """)
        let result = try kite("run", "--preload", "lib=\(lib)", main)
        #expect(result.status == 0 && result.stdout == "from the library\n", "\(result.stdout) \(result.stderr)")
    }
}
