import Foundation
import Testing

/// A host function crashes (a null write) in a child process: the report on stderr has the
/// native backtrace, with the crashing function in it, and the guest call stack.
struct CrashReportTests {
    @Test func aHostCrashPrintsTheNativeBacktraceAndTheGuestStack() throws {
        let result = try runProduct("kite-crash-probe", expectSignal: true)
        #expect(result.status == SIGSEGV, "\(result.stderr)")
        let report = result.stderr
        #expect(report.contains("Kite: fatal signal 11 (SIGSEGV) in the host"), "\(report)")
        #expect(report.contains("native backtrace, innermost first:"))
        // The crashing Swift function, demangled.
        #expect(report.contains("deliberateNullStore("), "\(report)")
        #expect(!report.contains("$s"), "\(report)")
        let guest = try #require(report.components(separatedBy: "guest call stack, innermost first:\n").last)
        // Named by their exports (the text format writes no name section).
        #expect(guest.hasPrefix("  in a host call from inner\n"), "\(guest)")
        #expect(guest.contains("  outerGuestFunction\n"), "\(guest)")
    }
}
