import ArgumentParser
import Foundation
import Kite
import KiteBinary

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run a module's exported function.")

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    @Option(help: "The exported function to call.")
    var invoke: String

    @Argument(help: "Arguments for the function, one per parameter.")
    var arguments: [String] = []

    func run() throws {
        let module = try CompiledModule(bytes: try loadModuleBytes(file))
        let store = Store()
        let instance = try store.instantiate(module)
        guard let function = instance.exportedFunction(invoke) else {
            throw CLIError("no exported function named \(invoke)")
        }
        let type = function.type
        guard arguments.count == type.parameters.count else {
            throw CLIError("\(invoke) takes \(type.parameters.count) arguments, got \(arguments.count)")
        }
        let values = try zip(arguments, type.parameters).map { try parseValue($0, $1) }
        do {
            let results = try function.invoke(values)
            for result in results { print(format(result)) }
        } catch let trap as Trap {
            FileHandle.standardError.write("error: wasm trap in \(invoke): \(trap.message)\n".data(using: .utf8)!)
            throw ExitCode(134)
        }
    }
}

func parseValue(_ text: String, _ type: ValueType) throws -> Value {
    func integer(_ s: String) -> Int64? {
        if s.hasPrefix("0x") { return UInt64(s.dropFirst(2), radix: 16).map { Int64(bitPattern: $0) } }
        if s.hasPrefix("-0x") { return UInt64(s.dropFirst(3), radix: 16).map { 0 &- Int64(bitPattern: $0) } }
        return Int64(s) ?? UInt64(s).map { Int64(bitPattern: $0) }
    }
    switch type {
    case .i32:
        guard let v = integer(text) else { throw CLIError("not an i32: \(text)") }
        return .i32(UInt32(truncatingIfNeeded: v))
    case .i64:
        guard let v = integer(text) else { throw CLIError("not an i64: \(text)") }
        return .i64(UInt64(bitPattern: v))
    case .f32:
        guard let v = Float(text) else { throw CLIError("not an f32: \(text)") }
        return .f32(v.bitPattern)
    case .f64:
        guard let v = Double(text) else { throw CLIError("not an f64: \(text)") }
        return .f64(v.bitPattern)
    default:
        throw CLIError("arguments of type \(type) are not supported on the command line")
    }
}

/// Prints results the way wasmtime does: integers signed, floats as numbers.
func format(_ value: Value) -> String {
    switch value {
    case .i32(let v): return String(Int32(bitPattern: v))
    case .i64(let v): return String(Int64(bitPattern: v))
    case .f32(let v): return String(Float(bitPattern: v))
    case .f64(let v): return String(Double(bitPattern: v))
    default: return value.description
    }
}
