import Kite
import KiteWASI
import Testing

/// Every guest pointer the glue or a call uses is bounds-checked: `fault`, never a crash.
struct GuestMemoryTests {
    /// Calls `call` (a WAT expression returning the errno) and exits with its errno.
    func errno(of call: String, imports: String) throws -> UInt32? {
        let output = try runCommand(wat: """
        (module
          \(imports)
          (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
          (memory (export "memory") 1)
          (func (export "_start") (call $proc_exit \(call))))
        """)
        #expect(output.trap == nil)
        return output.exitCode
    }

    @Test func resultPointerOutOfRangeIsFault() throws {
        let prestat = #"(import "wasi_snapshot_preview1" "fd_prestat_get" (func $f (param i32 i32) (result i32)))"#
        #expect(try errno(of: "(call $f (i32.const 1) (i32.const 65535))", imports: prestat) == UInt32(Errno.fault.rawValue))
        let sizes = #"(import "wasi_snapshot_preview1" "args_sizes_get" (func $f (param i32 i32) (result i32)))"#
        #expect(try errno(of: "(call $f (i32.const 0) (i32.const 0xFFFFFFFF))", imports: sizes) == UInt32(Errno.fault.rawValue))
        #expect(try errno(of: "(call $f (i32.const 0) (i32.const 65532))", imports: sizes) == 0)
    }

    @Test func bufferOutOfRangeIsFault() throws {
        let random = #"(import "wasi_snapshot_preview1" "random_get" (func $f (param i32 i32) (result i32)))"#
        #expect(try errno(of: "(call $f (i32.const 65000) (i32.const 1000))", imports: random) == UInt32(Errno.fault.rawValue))
        #expect(try errno(of: "(call $f (i32.const 0xFFFFFFF0) (i32.const 0x20))", imports: random) == UInt32(Errno.fault.rawValue))
        #expect(try errno(of: "(call $f (i32.const 65000) (i32.const 536))", imports: random) == 0)
    }

    @Test func iovecBufferOutOfRangeIsFault() throws {
        // An iovec (at 0) whose buffer runs past the end of memory.
        let write = #"(import "wasi_snapshot_preview1" "fd_write" (func $f (param i32 i32 i32 i32) (result i32)))"#
        let call = "(block (result i32) (i32.store (i32.const 0) (i32.const 65530)) (i32.store (i32.const 4) (i32.const 100)) (call $f (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))"
        #expect(try errno(of: call, imports: write) == UInt32(Errno.fault.rawValue))
    }

    @Test func stringOutOfRangeIsFaultAndInvalidUTF8IsIlseq() throws {
        let mkdir = #"(import "wasi_snapshot_preview1" "path_create_directory" (func $f (param i32 i32 i32) (result i32)))"#
        #expect(try errno(of: "(call $f (i32.const 3) (i32.const 65535) (i32.const 2))", imports: mkdir) == UInt32(Errno.fault.rawValue))
        let bad = "(block (result i32) (i32.store8 (i32.const 0) (i32.const 0xFF)) (call $f (i32.const 3) (i32.const 0) (i32.const 1)))"
        #expect(try errno(of: bad, imports: mkdir) == UInt32(Errno.ilseq.rawValue))
    }

    @Test func invalidEnumValueIsInval() throws {
        let clock = #"(import "wasi_snapshot_preview1" "clock_time_get" (func $f (param i32 i64 i32) (result i32)))"#
        #expect(try errno(of: "(call $f (i32.const 9) (i64.const 0) (i32.const 0))", imports: clock) == UInt32(Errno.inval.rawValue))
        #expect(try errno(of: "(call $f (i32.const 1) (i64.const 0) (i32.const 0))", imports: clock) == 0)
    }

    @Test func layoutsMatchThePreview1ABI() {
        #expect(Fdstat.guestSize == 24 && Fdstat.Offset.fsRightsBase == 8)
        #expect(Filestat.guestSize == 64 && Filestat.Offset.nlink == 24 && Filestat.Offset.ctim == 56)
        #expect(Dirent.guestSize == 24 && Dirent.Offset.dType == 20)
        #expect(Subscription.guestSize == 48 && SubscriptionU.payloadOffset == 8 && SubscriptionClock.guestSize == 32)
        #expect(Event.guestSize == 32 && Event.Offset.fdReadwrite == 16)
        #expect(Prestat.guestSize == 8 && Iovec.guestSize == 8)
        #expect(Rights.sockAccept.rawValue == 1 << 29 && Oflags.trunc.rawValue == 8 && Fdflags.sync.rawValue == 16)
    }
}
