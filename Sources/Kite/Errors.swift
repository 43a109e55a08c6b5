import CKiteDispatch

/// Execution stopped: `message` is the spec's wording ("integer divide by zero", ...).
public struct Trap: Error, CustomStringConvertible, Sendable {
    public var message: String
    /// The function executing when the trap happened: its export name, or `func[index]`.
    public var function: String?
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
        default: message = "trap \(code)"
        }
    }
}

/// Imports that do not fit the module: "unknown import", "incompatible import type".
public struct LinkError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The host would not or could not provide what a module asks for: a table beyond the store's
/// `Limits`, memory the system cannot reserve. Instantiation fails; nothing has trapped.
public struct ResourceError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
