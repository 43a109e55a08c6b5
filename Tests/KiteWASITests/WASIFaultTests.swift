import Foundation
import Glibc
import KiteWASI
import Testing

/// Host failures reach the guest as the right errno, and writes are written in full.
struct WASIFaultTests {
    /// A WASI whose stdout is `stdout` and whose only preopen (descriptor 3) is `directory`.
    func wasi(stdout: Int32 = 1, directory: String? = nil) throws -> WASI {
        var configuration = WASIConfiguration(preopens: directory.map { [($0, "/")] } ?? [])
        configuration.stdout = stdout
        return try WASI(configuration)
    }

    /// fd_write of `chunks` (one iovec each, laid out after the iovec array) on `fd`.
    func write(_ wasi: WASI, fd: Fd, _ chunks: [[UInt8]]) throws -> Size {
        let total = chunks.reduce(0) { $0 + $1.count }
        var memory = [UInt8](repeating: 0, count: 8 * chunks.count + total)
        var at = 8 * chunks.count
        for (i, chunk) in chunks.enumerated() {
            withUnsafeBytes(of: UInt32(at).littleEndian) { memory.replaceSubrange(8 * i..<8 * i + 4, with: $0) }
            withUnsafeBytes(of: UInt32(chunk.count).littleEndian) { memory.replaceSubrange(8 * i + 4..<8 * i + 8, with: $0) }
            memory.replaceSubrange(at..<at + chunk.count, with: chunk)
            at += chunk.count
        }
        return try memory.withUnsafeMutableBytes { raw throws -> Size in
            let guest = GuestMemory(bytes: raw)
            return try wasi.fdWrite(memory: guest, fd: fd, iovs: try CiovecArray(guest, address: 0, count: UInt32(chunks.count)))
        }
    }

    func errno(_ body: () throws -> Void) -> Errno? {
        do { try body() } catch let e as Errno { return e } catch { return nil }
        return .success
    }

    @Test func aFullDeviceIsNospc() throws {
        let full = open("/dev/full", O_WRONLY)
        try #require(full >= 0)
        defer { close(full) }
        let wasi = try wasi(stdout: full)
        #expect(errno { _ = try write(wasi, fd: 1, [Array("hello".utf8)]) } == .nospc)
    }

    @Test func aDirectoryRemovedUnderAnOpenDescriptor() throws {
        let root = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: root.path + "/gone", withIntermediateDirectories: true)
        let wasi = try wasi(directory: root.path)
        let gone = try wasi.pathOpen(fd: 3, dirflags: [], path: "gone", oflags: .directory,
                                     fsRightsBase: [.pathOpen, .pathCreateFile, .fdReaddir, .pathCreateDirectory],
                                     fsRightsInheriting: [.fdWrite, .fdRead], fdflags: [])
        try FileManager.default.removeItem(atPath: root.path + "/gone")
        #expect(errno { _ = try wasi.pathOpen(fd: gone, dirflags: [], path: "new.txt", oflags: .creat,
                                              fsRightsBase: [.fdWrite], fsRightsInheriting: [], fdflags: []) } == .noent)
        #expect(errno { try wasi.pathCreateDirectory(fd: gone, path: "sub") } == .noent)
        #expect(!FileManager.default.fileExists(atPath: root.path + "/gone"))
    }

    /// Many iovecs, more bytes than a pipe holds, a reader that takes them in small pieces:
    /// one fd_write returns only when every byte went out, in order.
    @Test func writesAreWrittenInFull() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let chunks = (0..<40).map { i in [UInt8](repeating: UInt8(i), count: 10_000 + i) }
        let expected = chunks.flatMap { $0 }
        let readEnd = ends[0], writeEnd = ends[1]
        let reader = Thread {
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 3000)
            while true {
                let n = read(readEnd, &buffer, buffer.count)
                if n <= 0 { break }
                received += buffer[0..<n]
            }
            close(readEnd)
            ReaderResult.shared.bytes = received
        }
        reader.start()
        let wasi = try wasi(stdout: writeEnd)
        #expect(try write(wasi, fd: 1, chunks) == Size(expected.count))
        close(writeEnd)
        while ReaderResult.shared.bytes == nil { usleep(1000) }
        #expect(ReaderResult.shared.bytes == expected)
    }

    /// A non-blocking pipe with no reader takes what fits: the count of what went out, then
    /// `again` once it is full.
    @Test func aShortWriteReturnsWhatWentOut() throws {
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]); close(ends[1]) }
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        let capacity = Int(fcntl(ends[1], 1032 /* F_GETPIPE_SZ */))
        let wasi = try wasi(stdout: ends[1])
        let written = try write(wasi, fd: 1, [[UInt8](repeating: 1, count: capacity / 2), [UInt8](repeating: 2, count: capacity)])
        #expect(Int(written) == capacity)
        #expect(errno { _ = try write(wasi, fd: 1, [[3]]) } == .again)
    }
}

final class ReaderResult: @unchecked Sendable {
    static let shared = ReaderResult()
    var bytes: [UInt8]?
}
