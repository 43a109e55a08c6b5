import Glibc
import Kite

/// The sightglass benchmark protocol: `bench.start` and `bench.end` (both `() -> ()`)
/// bracket the measured region; this host times every region between them.
public final class BenchTimer {
    /// Nanoseconds of each measured region, in order.
    public private(set) var regions: [UInt64] = []
    private var started: UInt64?

    /// A timer with no regions measured yet.
    public init() {}

    /// Nanoseconds of all measured regions together.
    public var total: UInt64 { regions.reduce(0, +) }

    /// Defines `bench.start` and `bench.end` in `imports`.
    public func define(into imports: inout Imports, store: Store) {
        let type = FunctionType(parameters: [], results: [])
        imports.define("bench", "start", .function(Function(store: store, type: type) { _ in
            self.started = monotonicNow()
            return []
        }))
        imports.define("bench", "end", .function(Function(store: store, type: type) { _ in
            let end = monotonicNow()
            if let started = self.started { self.regions.append(end - started) }
            self.started = nil
            return []
        }))
    }
}

/// Nanoseconds on the monotonic clock.
public func monotonicNow() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return ts.nanoseconds
}
