import CKiteDispatch

/// Execution stopped: `message` is the spec's wording ("integer divide by zero", ...).
public struct Trap: Error, CustomStringConvertible, Sendable {
    /// The spec's wording for the trap (`integer divide by zero`, `all fuel consumed`).
    public var message: String
    /// The function executing when the trap happened: its export name, or `func[index]`.
    public var function: String?
    /// A trap with `message`; host functions throw one to stop the guest with that message.
    public init(_ message: String, function: String? = nil) {
        self.message = message
        self.function = function
    }
    public var description: String { function.map { "\(message) (in \($0))" } ?? message }

    init(code: UInt32, detail: UInt64) {
        self.init(code: code)
        if code == KITE_TRAP_UNDEFINED_ELEMENT.rawValue || code == KITE_TRAP_UNINITIALIZED_ELEMENT.rawValue {
            message += " \(detail)"
        }
    }

    init(code: UInt32) {
        switch code {
        case KITE_TRAP_UNREACHABLE.rawValue: message = "unreachable executed"
        case KITE_TRAP_DIVIDE_BY_ZERO.rawValue: message = "integer divide by zero"
        case KITE_TRAP_INTEGER_OVERFLOW.rawValue: message = "integer overflow"
        case KITE_TRAP_INVALID_CONVERSION.rawValue: message = "invalid conversion to integer"
        case KITE_TRAP_OUT_OF_BOUNDS_MEMORY.rawValue: message = "out of bounds memory access"
        case KITE_TRAP_OUT_OF_BOUNDS_TABLE.rawValue: message = "out of bounds table access"
        case KITE_TRAP_UNDEFINED_ELEMENT.rawValue: message = "undefined element"
        case KITE_TRAP_UNINITIALIZED_ELEMENT.rawValue: message = "uninitialized element"
        case KITE_TRAP_INDIRECT_CALL_TYPE_MISMATCH.rawValue: message = "indirect call type mismatch"
        case KITE_TRAP_CALL_STACK_EXHAUSTED.rawValue: message = "call stack exhausted"
        case KITE_TRAP_NULL_FUNCTION_REFERENCE.rawValue: message = "null function reference"
        case KITE_TRAP_NULL_REFERENCE.rawValue: message = "null reference"
        case KITE_TRAP_OUT_OF_FUEL.rawValue: message = "all fuel consumed"
        case KITE_TRAP_INTERRUPTED.rawValue: message = "interrupted"
        case KITE_TRAP_EXCEPTION.rawValue: message = "uncaught exception"
        case KITE_TRAP_OUT_OF_MEMORY.rawValue: message = "out of memory"
        case KITE_TRAP_NULL_STRUCTURE.rawValue: message = "null structure reference"
        case KITE_TRAP_NULL_ARRAY.rawValue: message = "null array reference"
        case KITE_TRAP_NULL_I31.rawValue: message = "null i31 reference"
        case KITE_TRAP_OUT_OF_BOUNDS_ARRAY.rawValue: message = "out of bounds array access"
        case KITE_TRAP_CAST_FAILURE.rawValue: message = "cast failure"
        default: message = "trap \(code)"
        }
    }
}

/// An import the module cannot be linked to, in the spec's words: nothing is defined under
/// its name ("unknown import"), or what is defined does not fit ("incompatible import type").
public struct LinkError: Error, CustomStringConvertible, Sendable {
    /// Which of the spec's link errors this is.
    public enum Kind: Sendable, Equatable {
        case unknownImport
        case incompatibleImportType
        /// The value was created in another store (instances, functions and memories of one
        /// store point at each other directly, so a store links only its own values).
        case crossStore
    }
    /// Which link error.
    public var kind: Kind
    /// The import's module and field names.
    public var module: String
    public var name: String
    /// What the module declares and what was supplied, in text-format words
    /// (`func (i32) -> ()`, `memory 1..2`); nil for an unknown import.
    public var expected: String?
    public var actual: String?

    /// A link error for the import `module`.`name`.
    public init(_ kind: Kind, module: String, name: String, expected: String? = nil, actual: String? = nil) {
        self.kind = kind
        self.module = module
        self.name = name
        self.expected = expected
        self.actual = actual
    }

    /// The spec's wording with the import's name: "unknown import env.f",
    /// "incompatible import type for env.f".
    public var message: String {
        switch kind {
        case .unknownImport: return "unknown import \(module).\(name)"
        case .incompatibleImportType: return "incompatible import type for \(module).\(name)"
        case .crossStore: return "cross-store import \(module).\(name): a store links only values created in it"
        }
    }

    /// The message, and for an incompatible import what was expected and what was given.
    public var description: String {
        guard let expected, let actual else { return message }
        return "\(message): expected \(expected), got \(actual)"
    }
}

/// The host would not or could not provide what a module asks for: a table beyond the store's
/// `Limits`, memory the system cannot reserve. Instantiation fails; nothing has trapped.
public struct ResourceError: Error, CustomStringConvertible, Sendable {
    /// What could not be provided, and the limit or reason.
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
