#if canImport(Glibc)
import Glibc
#endif
import Kite
import KiteBinary
import KiteText
import KiteTranslator

/// The fuzz targets (Tools/fuzz runs them under libFuzzer with AddressSanitizer; the tests
/// replay the inputs that once crashed, Tests/KiteTests/FuzzRegressions). Each takes any
/// bytes and must return: an error is fine, a crash, a hang or a sanitizer report is a bug.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// Binary decoding, validation and translation of every function (eager compilation).
    case decode
    /// The text format: a WAST script's parse, and each module in it encoded to binary.
    case text
    /// Instantiation with every import stubbed, then each export called, with fuel.
    case run
    /// The WASI shim's argument decoding: every call on arguments and guest memory made of
    /// the input, inside a scratch preopened directory.
    case wasi

    public func callAsFunction(_ bytes: [UInt8]) {
        switch self {
        case .decode: Self.compile(bytes)
        case .text: Self.parse(bytes)
        case .run: Self.instantiateAndRun(bytes)
        case .wasi: WASIFuzzing.shared.run(bytes)
        }
    }

    static func compile(_ bytes: [UInt8]) {
        do {
            _ = try CompiledModule(bytes: bytes, compilationMode: .eager)
        } catch {
            expectExplained(error)
        }
    }

    /// Rejections must say what and where (the spec's wording and a byte offset): anything
    /// else escaping the decoder or validator is a bug.
    static func expectExplained(_ error: Error) {
        guard error is DecodingError || error is ValidationError || error is ResourceError else {
            fatalError("unexplained rejection: \(type(of: error)): \(error)")
        }
    }

    static func parse(_ bytes: [UInt8]) {
        guard let directives = try? parseWAST(bytes: bytes) else { return }
        for directive in directives {
            if case .module(let module) = directive.command { _ = try? module.encode() }
        }
        if let binary = try? wat2wasm(bytes: bytes) { compile(binary) }
    }

    /// Stores capped well below libFuzzer's memory limit; fuel bounds every call.
    static func instantiateAndRun(_ bytes: [UInt8]) {
        guard let module = try? CompiledModule(bytes: bytes, metered: true) else { return }
        let store = Store(stackSlots: 1 << 16, maxDepth: 2_000,
                          limits: StoreLimits(maxTableElements: 1 << 16, maxMemoryBytes: 16 << 20, maxGCHeapBytes: 64 << 20))
        guard let imports = StubImports.make(for: module, in: store),
              let instance = try? withFuel(store, { try store.instantiate(module, imports: imports) }) else { return }
        for export in instance.exports {
            guard case .function(let function) = export.value else { continue }
            let outcome = Result { try withFuel(store) { try function.invoke(function.type.parameters.map { Value.zero($0) }) } }
            if verbose { print("\(export.name): \(outcome)") }
        }
    }

    /// KITE_FUZZ_VERBOSE=1: `run` prints what each export returned (to check seeds reach code).
    static let verbose = getenv("KITE_FUZZ_VERBOSE") != nil

    static func withFuel<T>(_ store: Store, _ body: () throws -> T) throws -> T {
        store.fuel = 20_000
        return try body()
    }
}
