import CKiteDispatch
import KiteBinary
import KiteTranslator

/// A decoded, validated and translated module, ready to instantiate any number of times.
/// Its bytecode is direct-threaded (word 0 of each instruction is a handler address) and
/// lives in stable memory shared by all its instances.
public final class CompiledModule: @unchecked Sendable {
    public let module: Module
    public let functions: [CompiledFunction]
    let code: [UnsafeMutableBufferPointer<UInt64>]
    let constants: [UnsafeMutableBufferPointer<KiteSlot>]

    /// The handler address of every op, in `Op` order.
    static let handlerAddresses: [UInt64] = (0..<kite_handler_count).map { kite_handler_address($0) }

    /// Decodes, validates and translates a binary module.
    /// Throws `DecodingError` (malformed) or `ValidationError` (invalid).
    public convenience init(bytes: [UInt8]) throws {
        try self.init(module: try decodeModule(bytes))
    }

    public init(module: Module) throws {
        precondition(Int(kite_handler_count) == Op.allCases.count, "handler table and Op enum disagree: regenerate")
        let translated = try translateModule(module, handlers: Self.handlerAddresses)
        self.module = module
        functions = translated.functions
        code = functions.map { f in
            let buffer = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(f.code.count, 1))
            _ = buffer.initialize(from: f.code)
            return buffer
        }
        constants = functions.map { f in
            let buffer = UnsafeMutableBufferPointer<KiteSlot>.allocate(capacity: max(f.constants.count, 1))
            for (i, bits) in f.constants.enumerated() { buffer[i] = KiteSlot(u64: bits) }
            return buffer
        }
    }

    deinit {
        code.forEach { $0.deallocate() }
        constants.forEach { $0.deallocate() }
    }

    /// Bytes of register bytecode and constant pools, all functions together (the start-up
    /// target compares it with the Wasm function bodies it came from).
    public var bytecodeByteCount: Int {
        functions.reduce(0) { $0 + $1.code.count * 8 + $1.constants.count * 8 }
    }

    /// Names and types of what the module imports, in order.
    public var imports: [Import] { module.imports }
}
