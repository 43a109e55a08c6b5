import ArgumentParser
import Foundation
import Kite

/// `kite profile MODULE [ARGS...]`: `kite run` with the sampling profiler on, reporting the
/// hottest functions and writing the profile for people and tools to look at.
struct Profile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a module as `kite run` does and report where the guest spent its time.",
        discussion: """
            kite profile [RUN OPTIONS] FILE [GUEST ARGS...]
            kite profile [RUN OPTIONS] FILE --invoke NAME [ARGS...]

            A timer samples the guest's call stack every --interval (wall-clock time) while it
            runs; nothing about how the code runs changes. The hottest functions (self and total
            share of the samples) go to stderr; PREFIX.folded (folded stacks, what flame-graph
            tools read), PREFIX.svg (a flame graph; hover a box for its samples) and
            PREFIX.json (a Firefox Profiler profile: open it at profiler.firefox.com) are written.
            --exact also counts every call and every register instruction (code translated
            for counting: slower, exact, the same on every run) and prints the functions by
            instructions executed with their calls and sampled shares, then the hottest
            functions' bytecode listings (as `kite inspect` prints them) with each
            instruction's count and the byte offset of the wasm instruction it came from.
            Functions are named by the module's name section, else their export, else func[N];
            host functions by their import (wasi_snapshot_preview1::fd_write).
            """
    )

    @Option(help: "Time between samples: 1ms (default), 250us, ...")
    var interval: String = "1ms"

    @Option(help: "Write PREFIX.folded, PREFIX.svg and PREFIX.json.")
    var output: String = "kite-profile"

    @Option(help: "Rows of the report.")
    var top: Int = 20

    @Flag(help: "Also count every call and register instruction (slower; exact and repeatable).")
    var exact = false

    @OptionGroup var options: Run

    func run() throws {
        var request = ProfileRequest(intervalNanoseconds: try ProfileRequest.nanoseconds(interval))
        request.paths = [output + ".folded", output + ".svg", output + ".json"]
        request.reportRows = top
        request.exact = exact
        throw ExitCode(try options.execute(profiling: request))
    }
}

/// What to sample and where the profile goes.
struct ProfileRequest {
    var intervalNanoseconds: UInt64
    /// Each written in the format its extension names: .svg a flame graph, .json a Firefox
    /// Profiler profile, anything else folded stacks.
    var paths: [String] = []
    /// Rows of the report printed to stderr; nil: no report (`kite run --profile`).
    var reportRows: Int?
    /// Count instead of sampling: the report and the counted listings go to stderr.
    var exact = false
    /// When sampling started, in milliseconds since 1970 (the Firefox profile's start time).
    var startTimeMilliseconds = Date().timeIntervalSince1970 * 1000

    init(intervalNanoseconds: UInt64) {
        self.intervalNanoseconds = intervalNanoseconds
    }

    /// wasmtime's `--profile=guest[,PATH[,INTERVAL]]`.
    init(wasmtimeSpelling text: String) throws {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == "guest", parts.count <= 3 else {
            throw CLIError("--profile wants guest[,PATH[,INTERVAL]] (the guest profiler), got \(text)")
        }
        self.init(intervalNanoseconds: parts.count > 2 ? try Self.nanoseconds(parts[2]) : 1_000_000)
        paths = [parts.count > 1 && !parts[1].isEmpty ? parts[1] : "kite-guest-profile.json"]
    }

    static func nanoseconds(_ text: String) throws -> UInt64 {
        let seconds = try GuestLimits.seconds(text)
        guard seconds >= 0.000_01, seconds <= 10 else { throw CLIError("a profiling interval wants 10us to 10s, got \(text)") }
        return UInt64(seconds * 1e9)
    }

    func write(_ profile: ExactProfile, sampled: GuestProfile?) {
        FileHandle.standardError.write(Data(profile.report(top: reportRows ?? 20, sampled: sampled).utf8))
    }

    /// The sampled report (unless the exact one was printed) and the files.
    func write(_ profile: GuestProfile) throws {
        if let reportRows, !exact {
            FileHandle.standardError.write(Data((profile.report(top: reportRows)
                + "(calls and register instructions per function, and per instruction: --exact)\n").utf8))
        }
        for path in paths {
            let text = path.hasSuffix(".svg") ? profile.flameGraphSVG()
                : path.hasSuffix(".json") ? profile.firefoxProfileJSON(startTimeMilliseconds: startTimeMilliseconds)
                : profile.foldedStacks()
            guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8)) else {
                throw CLIError("cannot write \(path)")
            }
        }
    }
}
