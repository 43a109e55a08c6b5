import CKiteDispatch

/// Reports on the host dying: once installed, a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE,
/// SIGABRT: a host function's bug, or Kite's) prints the native backtrace (libunwind) and the
/// call stack of the wasm code running on that thread to stderr before the process dies of
/// the signal. Guest traps are not crashes and are unaffected. The `kite` CLI installs it.
public enum CrashReports {
    /// Installs the handlers (once; later calls do nothing). Modules translated afterwards
    /// have their functions named in reports.
    public static func install() {
        kite_crash_reports_install()
    }
}
