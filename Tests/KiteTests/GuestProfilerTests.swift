import Kite
import KiteText
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The sampling profiler finds the function that is known to be hot, names host functions
/// under the wasm function that called them, and writes what flame-graph tools read.
/// Serialized: one sampler runs at a time in a process.
@Suite(.serialized) struct GuestProfilerTests {
    /// `main` runs `cold` (a loop of N/16 iterations) then `hot` (N iterations).
    static let twoLoops = """
        (module
          (func $spin (param $n i32) (result i32) (local $acc i32)
            (loop $l
              (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $n) (i32.const 3))))
              (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l))
            (local.get $acc))
          (func $hot (export "hot") (param i32) (result i32) (call $spin (local.get 0)))
          (func $cold (export "cold") (param i32) (result i32) (call $spin (i32.div_u (local.get 0) (i32.const 16))))
          (func (export "main") (param i32) (result i32)
            (i32.add (call $cold (local.get 0)) (call $hot (local.get 0)))))
        """

    @Test func theHotFunctionIsTheHottest() throws {
        let store = Store()
        let instance = try store.instantiate(try CompiledModule(bytes: try wat2wasm(Self.twoLoops)))
        let profiler = GuestProfiler(store: store, intervalNanoseconds: 200_000)
        try profiler.start()
        // Long enough for a few hundred samples even on a fast machine.
        _ = try instance.exports[function: "main"]!([.i32(200_000_000)])
        let profile = profiler.stop()
        #expect(profile.sampleCount > 50, "\(profile.report())")
        let functions = profile.functions()
        // The loop itself runs in the unexported $spin: func[0]; hot and cold are its callers.
        #expect(functions.first?.name == "func[0]", "\(profile.report())")
        let viaHot = profile.stacks.filter { $0.key == ["main", "hot", "func[0]"] }.values.reduce(0, +)
        let viaCold = profile.stacks.filter { $0.key == ["main", "cold", "func[0]"] }.values.reduce(0, +)
        #expect(viaHot > 4 * viaCold, "\(profile.foldedStacks())")
        #expect(Double(viaHot) > 0.7 * Double(profile.sampleCount), "\(profile.foldedStacks())")
        let main = try #require(functions.first { $0.name == "main" })
        #expect(main.selfSamples < profile.sampleCount / 10 && main.totalSamples > profile.sampleCount * 9 / 10)
    }

    @Test func hostTimeIsShownUnderItsWasmCallerWithItsNativeFrames() throws {
        let store = Store()
        let wait = Function(store: store, parameters: [.i32]) { _, args in
            busyWait(milliseconds: Double(args[0].i32))
            return []
        }
        let instance = try store.instantiate(try CompiledModule(bytes: try wat2wasm("""
            (module (import "env" "wait" (func $wait (param i32)))
              (func $caller (export "caller") (call $wait (i32.const 150)))
              (func (export "main") (call $caller)))
            """)), imports: ["env": ["wait": wait]])
        let profiler = GuestProfiler(store: store, intervalNanoseconds: 500_000)
        try profiler.start()
        try instance.exports[function: "main"]!()
        let profile = profiler.stop()
        // The host function's time is under the wasm function that called it...
        let underCaller = profile.stacks.filter { $0.key.starts(with: ["main", "caller", "env::wait"]) }.values.reduce(0, +)
        #expect(Double(underCaller) > 0.8 * Double(profile.sampleCount), "\(profile.foldedStacks())")
        let hostShare = try #require(profile.functions().first { $0.name == "env::wait" })
        #expect(Double(hostShare.totalSamples) > 0.8 * Double(profile.sampleCount))
        // ...and below it, the native frames it ran (libunwind), named: the embedder's
        // function, without Kite's own call adapters in between.
        let native = profile.stacks.filter { stack, _ in
            stack.dropFirst(3).allSatisfy { $0.hasPrefix("[native] ") }
                && stack.contains { $0.hasPrefix("[native] ") && $0.contains("busyWait(milliseconds:") }
        }.values.reduce(0, +)
        #expect(Double(native) > 0.7 * Double(profile.sampleCount), "\(profile.foldedStacks())")
        #expect(!profile.foldedStacks().contains("callValueHost"))
    }

    @Test func aHostFunctionsCallBackIntoWasmKeepsItsCallers() throws {
        let store = Store()
        let back = Function(store: store, parameters: [.i32]) { caller, args in
            try caller.instance!.exports[function: "spin"]!([args[0]])
            return []
        }
        let instance = try store.instantiate(try CompiledModule(bytes: try wat2wasm("""
            (module (import "env" "back" (func $back (param i32)))
              (func $spin (export "spin") (param $n i32)
                (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
              (func $caller (call $back (i32.const 60000000)))
              (func (export "main") (call $caller)))
            """)), imports: ["env": ["back": back]])
        let profiler = GuestProfiler(store: store, intervalNanoseconds: 500_000)
        try profiler.start()
        try instance.exports[function: "main"]!()
        let profile = profiler.stop()
        // The wasm the host function runs sits under that host function and its wasm caller
        // (func[2]: the text encoder writes no name section).
        let nested = profile.stacks.filter { $0.key == ["main", "func[2]", "env::back", "spin"] }.values.reduce(0, +)
        #expect(profile.sampleCount > 10 && Double(nested) > 0.8 * Double(profile.sampleCount), "\(profile.foldedStacks())")
    }

    @Test func timeTranslatingAFunctionOnItsFirstCallIsNamed() throws {
        // A long body (about 300,000 instructions) translated when main first calls it (no
        // constants: a function with very many is translated early, during validation).
        let body = String(repeating: "(drop (i32.add (local.get 0) (local.get 0)))\n", count: 100_000)
        let store = Store(engine: Engine(configuration: EngineConfiguration(compilationMode: .lazy)))
        let instance = try parseWasm(bytes: try wat2wasm("""
            (module (func $long (param i32) \(body))
              (func (export "main") (call $long (i32.const 1))))
            """)).instantiate(store: store)
        let profiler = GuestProfiler(store: store, intervalNanoseconds: 100_000)
        try profiler.start()
        try instance.exports[function: "main"]!()
        let profile = profiler.stop()
        let translating = profile.stacks.filter { $0.key == ["main", "(translating wasm)"] }.values.reduce(0, +)
        #expect(translating > 0 && Double(translating) > 0.5 * Double(profile.sampleCount), "\(profile.foldedStacks())")
    }

    @Test func foldedStacksAndTheFlameGraphAreWellFormed() throws {
        let profile = GuestProfile(intervalNanoseconds: 1_000_000,
                                   stacks: [["main", "a & b"]: 3, ["main"]: 1, ["main", "c"]: 6], dropped: 0)
        #expect(profile.foldedStacks() == "main 1\nmain;a & b 3\nmain;c 6\n")
        let svg = profile.flameGraphSVG()
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>\n"))
        #expect(svg.contains("<title>main: 10 samples (100.0%)</title>"))
        #expect(svg.contains("<title>c: 6 samples (60.0%)</title>"))
        #expect(svg.contains("<title>a &amp; b: 3 samples (30.0%)</title>"))
        #expect(profile.report().contains("  60.0    60.0        6  c"))
    }

    @Test func onlyOneProfilerSamplesAtATime() throws {
        let store = Store()
        let first = GuestProfiler(store: store)
        try first.start()
        #expect(throws: ResourceError.self) { try GuestProfiler(store: store).start() }
        _ = first.stop()
        let again = GuestProfiler(store: store)
        try again.start()
        #expect(again.stop().sampleCount >= 0)
    }
}

/// Spins for `milliseconds` (a host function doing real work; a sleep is sampled the same way).
@inline(never) func busyWait(milliseconds: Double) {
    let until = monotonicMilliseconds() + milliseconds
    while monotonicMilliseconds() < until {}
}

private func monotonicMilliseconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) * 1000 + Double(now.tv_nsec) / 1e6
}
