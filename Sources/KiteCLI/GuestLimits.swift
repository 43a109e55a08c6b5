import Foundation
import Kite

/// `kite run -W KEY=VALUE`: wasmtime's names for the limits of an untrusted guest. Fuel and
/// the timeout need metered code (compiled with `metered: true`); the others are store limits.
struct GuestLimits {
    var fuel: UInt64?
    var timeout: Double?
    var limits = StoreLimits()
    var stackSlots = Store.defaultStackSlots
    var trapUnknownImports = false
    /// Translate for exact counts (`kite profile --exact`).
    var exactProfiling = false

    var metered: Bool { fuel != nil || timeout != nil }

    init(_ options: [String]) throws {
        for option in options {
            if ["unknown-imports-trap", "unknown-imports-trap=y", "unknown-imports-trap=yes", "unknown-imports-trap=true"].contains(option) {
                trapUnknownImports = true
                continue
            }
            guard let equals = option.firstIndex(of: "=") else { throw CLIError("-W wants KEY=VALUE, got \(option)") }
            let key = String(option[..<equals]), value = String(option[option.index(after: equals)...])
            func number() throws -> UInt64 {
                guard let n = UInt64(value) else { throw CLIError("-W \(key) wants a number, got \(value)") }
                return n
            }
            switch key {
            case "fuel": fuel = try number()
            case "timeout": timeout = try Self.seconds(value)
            case "max-memory-size": limits.maxMemoryBytes = try number()
            case "max-table-elements": limits.maxTableElements = UInt32(clamping: try number())
            case "max-wasm-stack": stackSlots = max(1024, Int(clamping: try number() / 8))
            default:
                throw CLIError("unknown -W option `\(key)` (known: fuel, timeout, max-memory-size, max-table-elements, max-wasm-stack, unknown-imports-trap)")
            }
        }
    }

    /// `2s`, `500ms`, `1.5s`, `1m`, or plain seconds.
    static func seconds(_ text: String) throws -> Double {
        for (suffix, scale) in [("ms", 0.001), ("us", 0.000_001), ("ns", 0.000_000_001), ("s", 1.0), ("m", 60.0), ("h", 3600.0)] {
            if text.hasSuffix(suffix), let n = Double(text.dropLast(suffix.count)), n >= 0 { return n * scale }
        }
        if let n = Double(text), n >= 0 { return n }
        throw CLIError("-W timeout wants a duration such as 2s or 500ms, got \(text)")
    }

    /// The store for the guest: the limits, the fuel, and a timer that interrupts it.
    func makeStore() -> Store {
        let configuration = EngineConfiguration(stackSize: stackSlots * 8, exactProfiling: exactProfiling)
        let store = Store(engine: Engine(configuration: configuration), limits: limits)
        store.fuel = fuel
        if let timeout {
            let handle = store.interruptHandle
            let timer = Thread {
                Thread.sleep(forTimeInterval: timeout)
                handle.interrupt()
            }
            timer.start()
        }
        return store
    }
}
