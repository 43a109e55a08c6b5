import ArgumentParser

@main
struct KiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kite",
        abstract: "A fast WebAssembly interpreter.",
        discussion: "`kite FILE [ARGS...]` is short for `kite run FILE [ARGS...]`, as with wasmtime.",
        version: "kite \(kiteVersion)",
        subcommands: [Run.self, Profile.self, Bench.self, Wast.self, Inspect.self, Validate.self, Wat2Wasm.self],
        defaultSubcommand: Run.self
    )
}

/// What `kite --version` prints after the name.
let kiteVersion = "0.1.0"
