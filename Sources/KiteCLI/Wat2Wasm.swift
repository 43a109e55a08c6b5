import ArgumentParser
import Foundation
import KiteText

struct Wat2Wasm: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "wat2wasm", abstract: "Encode a .wat text module as a .wasm binary.")

    @Argument(help: "The text module.")
    var file: String

    @Option(name: .shortAndLong, help: "Where to write the binary module.")
    var output: String

    func run() throws {
        let bytes = try loadModuleBytes(file)
        guard FileManager.default.createFile(atPath: output, contents: Data(bytes)) else {
            throw CLIError("cannot write \(output)")
        }
    }
}
