import CKiteDispatch
import CLibunwind
import KiteBinary
#if canImport(Glibc)
import Glibc
#endif

/// Samples where the guest spends its time: a timer interrupts the thread that calls into the
/// store every `interval`, and each sample records the wasm call stack (from the frame
/// records the interpreter keeps anyway, and the pc register of the handler that was
/// running) and the host function being called, if any. Code runs exactly as without the
/// profiler: nothing is translated differently and no handler tests anything.
///
/// ```swift
/// let profiler = GuestProfiler(store: store)
/// try profiler.start()
/// try instance.exports[function: "main"]!()
/// let profile = profiler.stop()
/// print(profile.report())
/// ```
///
/// Start and stop it on the thread that runs the guest; one profiler samples at a time.
public final class GuestProfiler {
    public let store: Store
    /// Nanoseconds between samples.
    public let intervalNanoseconds: UInt64
    private var buffer: UnsafeMutableBufferPointer<UInt64>?

    /// A profiler for `store`, sampling every `intervalNanoseconds` (1 ms by default) of
    /// wall-clock time while started.
    public init(store: Store, intervalNanoseconds: UInt64 = 1_000_000) {
        self.store = store
        self.intervalNanoseconds = max(intervalNanoseconds, 10_000)
    }

    deinit {
        if buffer != nil { _ = stop() }
    }

    /// Starts sampling this thread. Throws `ResourceError` when the system refuses a timer
    /// or another profiler is sampling.
    public func start() throws {
        guard buffer == nil else { throw ResourceError("the profiler is already sampling") }
        // 64 MiB of address space; the system commits only the pages samples touch.
        let words = 8 << 20
        let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: words)
        guard kite_sampler_start(store.context, buffer.baseAddress, UInt64(words), intervalNanoseconds) else {
            buffer.deallocate()
            throw ResourceError("cannot start the sampling timer (errno \(errno))")
        }
        self.buffer = buffer
    }

    /// Stops sampling and returns what was sampled since `start`.
    public func stop() -> GuestProfile {
        guard let buffer else { return GuestProfile(intervalNanoseconds: intervalNanoseconds, stacks: [:], dropped: 0) }
        var dropped: UInt64 = 0
        let used = Int(kite_sampler_stop(&dropped))
        defer {
            buffer.deallocate()
            self.buffer = nil
        }
        let symbols = Symbolizer(store: store)
        var nativeSymbols = NativeSymbolizer()
        var stackIndex: [[String]: Int32] = [:]
        var distinctStacks: [[String]] = []
        var timeline: [Int32] = []
        var at = 0
        while at + 4 <= used {
            let header = buffer[at]
            let frames = Int(header & 0xFFFF_FFFF)
            let inHost = header >> 32 & 1 == 1, translating = header >> 33 & 1 == 1
            let nativeCount = Int(header >> 40 & 0xFF), nestedCount = Int(header >> 48 & 0xFF)
            guard at + 4 + frames + nativeCount + 3 * nestedCount <= used else { break }
            let returnPcs = (0..<frames).map { UInt(buffer[at + 4 + $0]) }
            let native = (0..<nativeCount).map { UInt(buffer[at + 4 + frames + $0]) }
            var hostCalls: [Int: (callee: UInt, returnPc: UInt)] = [:]
            for k in 0..<nestedCount {
                let word = at + 4 + frames + nativeCount + 3 * k
                hostCalls[Int(buffer[word])] = (UInt(buffer[word + 1]), UInt(buffer[word + 2]))
            }
            var stack = symbols.stack(returnPcs: returnPcs, pc: UInt(buffer[at + 1]), inHost: inHost,
                                      hostCallee: UInt(buffer[at + 2]), hostReturnPc: UInt(buffer[at + 3]),
                                      callingBack: hostCalls)
            // Translating a function on its first call: the pc is no function's code yet.
            if translating && !inHost { stack[stack.count - 1] = Symbolizer.translating }
            stack += nativeSymbols.frames(innermostFirst: native)
            if let index = stackIndex[stack] {
                timeline.append(index)
            } else {
                stackIndex[stack] = Int32(distinctStacks.count)
                timeline.append(Int32(distinctStacks.count))
                distinctStacks.append(stack)
            }
            at += 4 + frames + nativeCount + 3 * nestedCount
        }
        return GuestProfile(intervalNanoseconds: intervalNanoseconds, distinctStacks: distinctStacks,
                            timeline: timeline, dropped: Int(dropped))
    }
}

/// Names the pcs of a sample: wasm functions by their name-section name, else the export
/// name, else `func[N]`; host functions by the import they were linked to.
struct Symbolizer {
    /// Frames that are not a function of the guest.
    static let outside = "(outside wasm)", runtime = "(kite runtime)", host = "(host)",
               translating = "(translating wasm)"

    let ranges: NamedRanges
    let exitPc = UInt(bitPattern: kite_exit_pc())
    let store: Store

    init(store: Store) {
        self.store = store
        var ranges: [(start: UInt, end: UInt, name: String)] = []
        var seen = Set<ObjectIdentifier>()
        for instance in store.instances where seen.insert(ObjectIdentifier(instance.module)).inserted {
            let name = instance.module.module.displayNames()
            for (start, end, defined) in instance.module.codeRanges() {
                ranges.append((start, end, name(defined)))
            }
        }
        self.ranges = NamedRanges(ranges)
    }

    /// The function whose code holds `pc` (a return pc may point just past the end).
    func name(containing pc: UInt) -> String? {
        ranges.name(containing: pc, endIncluded: true)
    }

    /// A sample's stack, outermost frame first. Frame record k (from the bottom) was pushed
    /// by a call in frame k-1, so its return pc names frame k-1; the bottom record of each
    /// invocation returns to the exit sentinel; the innermost frame is named by the sampled
    /// pc or, during a host call, by that call's return pc and the host function.
    /// `callingBack`: by a bottom record's position (innermost first), the host call that
    /// called back into wasm there; that call's return pc names the wasm function that made it.
    func stack(returnPcs innermostFirst: [UInt], pc: UInt, inHost: Bool, hostCallee: UInt, hostReturnPc: UInt,
               callingBack: [Int: (callee: UInt, returnPc: UInt)] = [:]) -> [String] {
        if innermostFirst.isEmpty { return [inHost ? hostName(hostCallee) : Self.outside] }
        var frames: [String] = []
        for (k, returnPc) in innermostFirst.reversed().enumerated() {
            if returnPc == exitPc {
                // A host function called back into wasm: the wasm function that called it
                // and the host function (unknown if the host called from elsewhere).
                if let call = callingBack[innermostFirst.count - 1 - k] {
                    frames.append(name(containing: call.returnPc) ?? Self.runtime)
                    frames.append(hostName(call.callee))
                } else if k > 0 {
                    frames.append(Self.host)
                }
            } else {
                frames.append(name(containing: returnPc) ?? Self.runtime)
            }
        }
        if inHost {
            frames.append(name(containing: hostReturnPc) ?? Self.runtime)
            frames.append(hostName(hostCallee))
        } else {
            frames.append(name(containing: pc) ?? Self.runtime)
        }
        return frames
    }

    /// A host function by the import it was linked to (`wasi_snapshot_preview1::fd_write`).
    func hostName(_ record: UInt) -> String {
        guard let function = store.function(at: Int(bitPattern: record)) else { return Self.host }
        for instance in store.instances {
            let module = instance.module.module
            var index = 0
            for entry in module.imports {
                guard case .function = entry.descriptor else { continue }
                if index < instance.functions.count, instance.functions[index] === function {
                    return "\(entry.module)::\(entry.name)"
                }
                index += 1
            }
        }
        return Self.host
    }
}

extension KiteBinary.Module {
    /// Names for a profile, by defined-function index: the name section's, else the first
    /// export's, else `func[N]` (N the function index).
    func displayNames() -> (Int) -> String {
        let names = functionNames
        var exported: [UInt32: String] = [:]
        for export in exports {
            if case .function(let f) = export.descriptor, exported[f] == nil { exported[f] = export.name }
        }
        let imported = importedFunctionCount
        return { defined in
            let index = UInt32(imported + defined)
            return names[index] ?? exported[index] ?? "func[\(index)]"
        }
    }
}
