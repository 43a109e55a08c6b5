import Kite
@testable import KiteWASI
import Testing

/// `KITE_LOG=wasi=trace` / `--trace wasi`: each call with its core arguments, then its errno.
struct TraceTests {
    /// Writes "hi\n" through an iovec at 1024 (nwritten at 2048), closes a bad fd, writes
    /// through an iovec array outside memory, then exits with the byte count written.
    let program = """
    (module
      (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
      (import "wasi_snapshot_preview1" "fd_close" (func $fd_close (param i32) (result i32)))
      (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 0) "hi\\n")
      (func (export "_start")
        (i32.store (i32.const 1024) (i32.const 0))
        (i32.store (i32.const 1028) (i32.const 3))
        (drop (call $fd_write (i32.const 1) (i32.const 1024) (i32.const 1) (i32.const 2048)))
        (drop (call $fd_close (i32.const 99)))
        (drop (call $fd_write (i32.const 1) (i32.const 65532) (i32.const 2) (i32.const 2048)))
        (call $proc_exit (i32.load (i32.const 2048)))))
    """

    @Test func traceShowsEveryCallAndErrno() throws {
        let output = try runCommand(wat: program, trace: true)
        #expect(output.stdoutText == "hi\n")
        #expect(output.exitCode == 3)
        #expect(output.trace == [
            "> fd_write(fd=1, iovs=1024, iovs_len=1, nwritten=2048)",
            "> errno=No error occurred. System call completed successfully. (Errno::Success(0))",
            "> fd_close(fd=99)",
            "> errno=Bad file descriptor. (Errno::Badf(8))",
            "> fd_write(fd=1, iovs=65532, iovs_len=2, nwritten=2048)",
            "> errno=Bad address. (Errno::Fault(21))",
            "> proc_exit(rval=3)",
        ])
    }

    @Test func tracingIsOffByDefault() throws {
        let output = try runCommand(wat: program, trace: false)
        #expect(output.trace.isEmpty)
        #expect(output.exitCode == 3)
    }

    @Test func kiteLogDirectives() {
        #expect(WASITrace.enabled(byDirective: "wasi=trace"))
        #expect(WASITrace.enabled(byDirective: "kite=info, wasi=trace"))
        #expect(WASITrace.enabled(byDirective: "trace"))
        #expect(!WASITrace.enabled(byDirective: "wasi=debug"))
        #expect(!WASITrace.enabled(byDirective: ""))
    }

    @Test func everyErrnoTracesInTheSameShape() {
        #expect(Errno.allCases.count == 77)
        #expect(Errno.success.description == "No error occurred. System call completed successfully. (Errno::Success(0))")
        #expect(Errno.tooBig.description == "Argument list too long. (Errno::TooBig(1))")
        #expect(Errno.notcapable.description == "Extension: Capabilities insufficient. (Errno::Notcapable(76))")
        for errno in Errno.allCases {
            #expect(errno.description == "\(errno.summary) (Errno::\(errno.traceName)(\(errno.rawValue)))")
            #expect(!errno.summary.isEmpty)
        }
    }
}
