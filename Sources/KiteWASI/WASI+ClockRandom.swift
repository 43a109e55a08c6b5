import Glibc

/// Clocks, randomness, scheduling and process control.
extension WASI {
    public func clockResGet(id: Clockid) throws -> Timestamp {
        var ts = timespec()
        try hostCall { clock_getres(id.hostClock, &ts) }
        return max(ts.nanoseconds, 1)
    }

    public func clockTimeGet(id: Clockid, precision: Timestamp) throws -> Timestamp {
        var ts = timespec()
        try hostCall { clock_gettime(id.hostClock, &ts) }
        return ts.nanoseconds
    }

    public func randomGet(memory: GuestMemory, buf: GuestPointer<UInt8>, bufLen: Size) throws {
        let target = try memory.buffer(at: buf.address, count: bufLen)
        var done = 0
        while done < target.count {
            let chunk = min(256, target.count - done)  // getentropy's limit per call
            try hostCall { getentropy(target.baseAddress! + done, chunk) }
            done += chunk
        }
    }

    public func schedYield() throws {
        sched_yield()
    }

    public func procExit(rval: Exitcode) throws -> Never {
        throw WASIExit(code: rval)
    }

    /// Signals are not delivered to the guest (as in wasmtime).
    public func procRaise(sig: Signal) throws {
        throw Errno.notsup
    }
}

extension Clockid {
    var hostClock: clockid_t {
        switch self {
        case .realtime: return CLOCK_REALTIME
        case .monotonic: return CLOCK_MONOTONIC
        case .processCputimeId: return CLOCK_PROCESS_CPUTIME_ID
        case .threadCputimeId: return CLOCK_THREAD_CPUTIME_ID
        }
    }
}

extension timespec {
    var nanoseconds: UInt64 { UInt64(max(tv_sec, 0)) &* 1_000_000_000 &+ UInt64(max(tv_nsec, 0)) }

    init(nanoseconds: UInt64) {
        self.init(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }
}
