import Foundation
import Kite
import KiteText

/// The outcome of one `.wast` script.
public struct WastResult: Sendable {
    /// Assertions (`assert_*` commands) that held.
    public var passed = 0
    /// Assertions that did not hold, plus modules and actions that failed outright.
    public var failed = 0
    /// One line per failure: "line N: what happened".
    public var failures: [String] = []
}

/// Runs a `.wast` script file. Never throws: a script that cannot be read or parsed counts
/// as one failure.
public func runWastFile(path: String) -> WastResult {
    guard let data = FileManager.default.contents(atPath: path) else {
        return WastResult(passed: 0, failed: 1, failures: ["cannot read \(path)"])
    }
    return runWast(String(decoding: data, as: UTF8.self))
}

/// Runs a `.wast` script given as text.
public func runWast(_ text: String) -> WastResult {
    let directives: [WASTDirective]
    do {
        directives = try parseWAST(text)
    } catch {
        return WastResult(passed: 0, failed: 1, failures: ["script does not parse: \(error)"])
    }
    var runner = ScriptRunner()
    for directive in directives { runner.run(directive) }
    return runner.result
}

/// Executes script commands against one store, as the spec interpreter's harness does.
struct ScriptRunner {
    let store = Store()
    var imports = Imports()
    var current: Instance?
    var named: [String: Instance] = [:]
    var definitions: [String: CompiledModule] = [:]
    var result = WastResult()

    init() {
        defineSpectest(store: store, into: &imports)
    }

    mutating func pass() { result.passed += 1 }

    mutating func fail(_ line: Int, _ message: String) {
        result.failed += 1
        result.failures.append("line \(line): \(message)")
    }

    mutating func run(_ directive: WASTDirective) {
        let line = directive.line
        switch directive.command {
        case .module(let module):
            do {
                let compiled = try CompiledModule(bytes: try module.encode())
                if module.isDefinition {
                    if let name = module.name { definitions[name] = compiled }
                    return
                }
                let instance = try store.instantiate(compiled, imports: imports)
                current = instance
                if let name = module.name { named[name] = instance }
            } catch {
                current = nil
                fail(line, "module failed: \(describe(error))")
            }
        case .moduleInstance(let instanceName, let definition):
            guard let compiled = definition.flatMap({ definitions[$0] }) else {
                fail(line, "unknown module definition")
                return
            }
            do {
                let instance = try store.instantiate(compiled, imports: imports)
                current = instance
                if let instanceName { named[instanceName] = instance }
            } catch {
                fail(line, "module instance failed: \(describe(error))")
            }
        case .register(let name, let module):
            guard let instance = module.flatMap({ named[$0] }) ?? current else {
                fail(line, "register: no module")
                return
            }
            imports.register(name, instance)
        case .action(let action):
            do { _ = try perform(action) } catch { fail(line, "action failed: \(describe(error))") }
        case .assertReturn(let action, let expected):
            do {
                let values = try perform(action)
                if values.count == expected.count && zip(values, expected).allSatisfy({ matches($0, $1) }) {
                    pass()
                } else {
                    fail(line, "assert_return: got \(values), expected \(expected)")
                }
            } catch {
                fail(line, "assert_return: \(describe(error))")
            }
        case .assertTrap(let action, let message), .assertExhaustion(let action, let message):
            do {
                let values = try perform(action)
                fail(line, "expected trap \"\(message)\", got \(values)")
            } catch let trap as Trap {
                expect(trap.message, contains: message, line: line)
            } catch {
                fail(line, "expected trap \"\(message)\", got \(describe(error))")
            }
        case .assertModuleTrap(let module, let message), .assertUninstantiable(let module, let message):
            do {
                let compiled = try CompiledModule(bytes: try module.encode())
                _ = try store.instantiate(compiled, imports: imports)
                fail(line, "expected instantiation to trap with \"\(message)\"")
            } catch let trap as Trap {
                expect(trap.message, contains: message, line: line)
            } catch {
                fail(line, "expected trap \"\(message)\", got \(describe(error))")
            }
        case .assertMalformed(let module, let message):
            do {
                _ = try CompiledModule(bytes: try module.encode())
                fail(line, "expected malformed \"\(message)\", but the module is accepted")
            } catch let error as TextError {
                // The text format's own wording differs between parsers; any rejection counts.
                _ = error
                pass()
            } catch let error as DecodingError {
                if case .binary = module.source { expect(error.message, contains: message, line: line) } else { pass() }
            } catch {
                fail(line, "expected malformed \"\(message)\", got \(describe(error))")
            }
        case .assertInvalid(let module, let message):
            do {
                _ = try CompiledModule(bytes: try module.encode())
                fail(line, "expected invalid \"\(message)\", but the module validates")
            } catch let error as ValidationError {
                expect(error.message, contains: message, line: line)
            } catch let error as TextError {
                expect(error.message, contains: message, line: line)
            } catch {
                fail(line, "expected invalid \"\(message)\", got \(describe(error))")
            }
        case .assertUnlinkable(let module, let message):
            do {
                let compiled = try CompiledModule(bytes: try module.encode())
                _ = try store.instantiate(compiled, imports: imports)
                fail(line, "expected unlinkable \"\(message)\"")
            } catch let error as LinkError {
                expect(error.message, contains: message, line: line)
            } catch {
                fail(line, "expected unlinkable \"\(message)\", got \(describe(error))")
            }
        case .assertException(let action):
            do {
                let values = try perform(action)
                fail(line, "expected an exception, got \(values)")
            } catch is WasmException {
                pass()
            } catch {
                fail(line, "expected an exception, got \(describe(error))")
            }
        case .unsupported(let what):
            fail(line, "unsupported command: \(what)")
        }
    }

    /// The error must say what the script expects. Newer scripts add the reference
    /// interpreter's details after a colon ("type mismatch: instruction requires [i32] but
    /// stack has []"): the part before it is the error's kind, and that must match.
    mutating func expect(_ actual: String, contains expected: String, line: Int) {
        let kind = expected.split(separator: ":", maxSplits: 1).first.map(String.init) ?? expected
        if actual.contains(expected) || (kind != expected && !kind.isEmpty && actual.contains(kind)) {
            pass()
        } else {
            fail(line, "got \"\(actual)\", expected \"\(expected)\"")
        }
    }

    func perform(_ action: WASTAction) throws -> [Value] {
        switch action {
        case .invoke(let module, let name, let args):
            guard let instance = module.flatMap({ named[$0] }) ?? current else { throw ScriptError("no module") }
            guard let function = instance.exportedFunction(name) else { throw ScriptError("no exported function \(name)") }
            return try function.invoke(try args.map(toValue))
        case .get(let module, let name):
            guard let instance = module.flatMap({ named[$0] }) ?? current else { throw ScriptError("no module") }
            guard let global = instance.exportedGlobal(name) else { throw ScriptError("no exported global \(name)") }
            return [global.value]
        }
    }
}

struct ScriptError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

func describe(_ error: Error) -> String {
    switch error {
    case let e as DecodingError: return "malformed: \(e)"
    case let e as ValidationError: return "invalid: \(e)"
    case let e as LinkError: return "unlinkable: \(e)"
    case let e as Trap: return "trap: \(e)"
    case let e as TextError: return "text: \(e)"
    default: return "\(error)"
    }
}
