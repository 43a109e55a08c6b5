import ArgumentParser

@main
struct KiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kite",
        abstract: "A fast WebAssembly interpreter.",
        subcommands: [Run.self, Bench.self, Wast.self, Inspect.self, Validate.self, Wat2Wasm.self]
    )
}
