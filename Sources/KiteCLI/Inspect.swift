import ArgumentParser
import Kite
import KiteBinary
import KiteTranslator

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the register bytecode of a module's functions.")

    @Argument(help: "The module (.wasm or .wat).")
    var file: String

    @Option(help: "Only this function: an export name or a function index.")
    var function: String?

    func run() throws {
        let module = try decodeModule(try loadModuleBytes(file))
        let translated = try translateModule(module, handlers: identityHandlers)
        let imported = module.importedFunctionCount
        var names: [Int: String] = [:]
        for export in module.exports {
            if case .function(let i) = export.descriptor { names[Int(i)] = export.name }
        }
        for (i, compiled) in translated.functions.enumerated() {
            let index = imported + i
            if let wanted = function, wanted != names[index], wanted != String(index) { continue }
            print("func \(index)\(names[index].map { " \"\($0)\"" } ?? "") \(module.types[Int(compiled.typeIndex)])")
            print(printBytecode(compiled))
        }
    }
}
