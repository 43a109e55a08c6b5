import ArgumentParser
import Kite

/// `kite validate`: whether a module is well-formed and valid, as `wasm-tools validate` says
/// it. The error names the byte offset and uses the spec's wording.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that a module is well-formed and valid (exit code 1 and the error if not).")

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    @Flag(help: "Validate by translating every function (the translator's own checks) instead of with the validator.")
    var eager = false

    func run() throws {
        let bytes = try loadModuleBytes(file)
        do {
            _ = try CompiledModule(bytes: bytes, compilationMode: eager ? .eager : .lazy)
        } catch {
            print("invalid: \(error)")
            throw ExitCode(1)
        }
        print("valid")
    }
}
