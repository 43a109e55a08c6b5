// The data model of a `.wast` script, as handed to a script runner.

/// A concrete script value: an argument of an action, or an exactly expected result.
public enum WASTValue: Sendable, Equatable {
    case i32(UInt32)
    case i64(UInt64)
    /// An f32 given by its bit pattern (so NaN payloads and signed zeros survive).
    case f32(UInt32)
    /// An f64 given by its bit pattern.
    case f64(UInt64)
    /// 16 bytes, little-endian lane order as in memory.
    case v128([UInt8])
    /// `(ref.null ht)`: a null reference of heap type `ht` as written (`func`, `extern`, `$t`, ...).
    case refNull(String)
    /// `(ref.extern n)`: the host reference number `n` (an externref).
    case refExtern(UInt64)
    /// `(ref.host n)`: the host reference `n` seen as an internal `anyref` (GC scripts).
    case refHost(UInt64)
}

/// The expected value of one lane of a `v128.const` result.
public enum WASTLaneExpected: Sendable, Equatable {
    /// The lane's exact bits (lane width given by the shape).
    case bits(UInt64)
    /// `nan:canonical` (canonical NaN of either sign) or `nan:arithmetic` (any quiet NaN).
    case nan(canonical: Bool)
}

/// One expected result of `assert_return`.
public indirect enum WASTExpected: Sendable, Equatable {
    /// Exactly this value (floats compare by bit pattern).
    case value(WASTValue)
    /// `f32.const nan:canonical` / `nan:arithmetic`.
    case f32NaN(canonical: Bool)
    /// `f64.const nan:canonical` / `nan:arithmetic`.
    case f64NaN(canonical: Bool)
    /// A `v128.const` with at least one NaN-pattern lane; `shape` is `f32x4` or `f64x2`.
    /// (Vectors without NaN patterns are given as `.value(.v128(bytes))`.)
    case v128Lanes(shape: String, lanes: [WASTLaneExpected])
    /// `(ref.null)` without a heap type: any null reference.
    case refNullAny
    /// `(ref.extern)` without a number: any non-null external reference.
    case refExternAny
    /// `(ref.func)` (any non-null function reference); `(ref.func x)` is also accepted
    /// and given as `.refFunc` since scripts cannot name instance functions reliably.
    case refFunc
    /// `(ref.struct)`, `(ref.array)`, `(ref.i31)`, `(ref.eq)`, `(ref.any)`, `(ref.exn)`:
    /// any non-null reference of that kind (the word after `ref.`).
    case refKind(String)
    /// `(either r1 r2 ...)`: any one of the alternatives.
    case either([WASTExpected])
}

/// An action: calling an export or reading an exported global.
public enum WASTAction: Sendable, Equatable {
    /// `(invoke $module? "name" args...)`.
    case invoke(module: String?, name: String, args: [WASTValue])
    /// `(get $module? "name")`.
    case get(module: String?, name: String)
}

/// How a script gives a module.
public enum WASTModuleSource: Sendable, Equatable {
    /// A text module, already encoded, or the error encoding it raised (kept rather than
    /// thrown so `assert_malformed` / `assert_invalid` can be judged by the runner).
    case text(Result<[UInt8], TextError>)
    /// `(module binary "...")`: the bytes as written.
    case binary([UInt8])
    /// `(module quote "...")`: the concatenated source text; encode with `wat2wasm(bytes:)`
    /// (or `WASTModule.encode()`).
    case quote([UInt8])
}

/// A module of a script, with its optional `$name`.
public struct WASTModule: Sendable, Equatable {
    /// The `$name` (without `$`), if any.
    public var name: String?
    /// True for `(module definition ...)`: to be instantiated by `module instance`.
    public var isDefinition: Bool
    /// Where the module comes from: text, binary, or quoted text.
    public var source: WASTModuleSource
    /// 1-based line of the `(module` keyword in the script.
    public var line: Int

    /// A script module; `line` is where its `(module` keyword is.
    public init(name: String?, isDefinition: Bool = false, source: WASTModuleSource, line: Int = 0) {
        self.name = name
        self.isDefinition = isDefinition
        self.source = source
        self.line = line
    }

    /// The binary module: the encoded text, the literal bytes, or the quoted text encoded
    /// now. Throws the `TextError` of a malformed text or quoted module.
    public func encode() throws -> [UInt8] {
        switch source {
        case .text(let result): return try result.get()
        case .binary(let bytes): return bytes
        case .quote(let text): return try wat2wasm(bytes: text)
        }
    }
}

/// One command of a script.
public enum WASTCommand: Sendable, Equatable {
    /// Define (and, unless `isDefinition`, instantiate) a module.
    case module(WASTModule)
    /// `(module instance $instance? $definition?)`.
    case moduleInstance(instance: String?, definition: String?)
    /// `(register "name" $module?)`: make a module's exports importable as `name`.
    case register(name: String, module: String?)
    /// A bare action whose result is ignored (it must not trap).
    case action(WASTAction)
    case assertReturn(WASTAction, [WASTExpected])
    /// `assert_trap` on an action, with the expected message.
    case assertTrap(WASTAction, String)
    /// `assert_trap` on a module (its start function traps while instantiating).
    case assertModuleTrap(WASTModule, String)
    case assertExhaustion(WASTAction, String)
    /// The module must fail to decode or parse.
    case assertMalformed(WASTModule, String)
    /// The module must decode but fail validation.
    case assertInvalid(WASTModule, String)
    /// The module must fail to link (imports).
    case assertUnlinkable(WASTModule, String)
    /// The module must link but trap while instantiating.
    case assertUninstantiable(WASTModule, String)
    /// The action must throw a WebAssembly exception.
    case assertException(WASTAction)
    /// A command this parser does not understand (threads, custom assertions, GC values
    /// ...): its head and the reason, so the runner can count it as skipped.
    case unsupported(String)
}

/// A command with the 1-based source line where it starts.
public struct WASTDirective: Sendable, Equatable {
    /// 1-based line of the command in the script.
    public var line: Int
    /// The command itself.
    public var command: WASTCommand

    /// `command` found at `line`.
    public init(line: Int, command: WASTCommand) {
        self.line = line
        self.command = command
    }
}
