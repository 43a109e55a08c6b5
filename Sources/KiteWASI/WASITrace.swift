import Glibc

/// Logs each WASI call to stderr the way wasmtime's `RUST_LOG=wasi_common=trace` does:
///
///     > fd_write(fd=1, iovs=1024, iovs_len=1, nwritten=2048)
///     > errno=No error occurred. System call completed successfully. (Errno::Success(0))
///
/// Whether tracing is on is decided once, when the calls are defined; when it is off no
/// call formats anything.
public final class WASITrace: @unchecked Sendable {
    let sink: (String) -> Void

    /// Writes lines to `sink` (default: the host's stderr, unbuffered).
    public init(sink: @escaping (String) -> Void = { WASITrace.writeToStderr($0) }) { self.sink = sink }

    /// On when `KITE_LOG` asks for it: `wasi=trace` (among comma-separated directives) or `trace`.
    public static func fromEnvironment() -> WASITrace? {
        guard let raw = getenv("KITE_LOG") else { return nil }
        return enabled(byDirective: String(cString: raw)) ? WASITrace() : nil
    }

    static func enabled(byDirective text: String) -> Bool {
        text.split(separator: ",").contains { part in
            let directive = part.trimmingCharacters(in: " ")
            return directive == "wasi=trace" || directive == "trace"
        }
    }

    /// Logs a call with its arguments, as `> name(arg=value, ...)`.
    public func call(_ text: String) { sink("> \(text)\n") }
    /// Logs the errno a call returned.
    public func result(_ errno: Errno) { sink("> errno=\(errno.description)\n") }

    /// Writes `line` to file descriptor 2 directly, without buffering.
    public static func writeToStderr(_ line: String) {
        var bytes = Array(line.utf8)
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress! + done, $0.count - done) }
            if n <= 0 { break }
            done += n
        }
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Character) -> Substring {
        var s = self
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return s
    }
}
