import Foundation
import Testing

/// `kite profile` and `kite run --profile=guest,...`: the report names the hot function, and
/// the folded stacks and the flame graph are written.
struct ProfileCommandTests {
    /// `main` spends nearly all its time in `hot` (a long loop), a little in `cold`.
    let module = """
        (module
          (func $loop (param $n i32) (result i32) (local $acc i32)
            (loop $l
              (local.set $acc (i32.xor (local.get $acc) (local.get $n)))
              (local.tee $n (i32.sub (local.get $n) (i32.const 1)))
              (br_if $l))
            (local.get $acc))
          (func $hot (export "hot") (param i32) (result i32) (call $loop (local.get 0)))
          (func $cold (export "cold") (param i32) (result i32) (call $loop (i32.shr_u (local.get 0) (i32.const 5))))
          (func (export "main") (param i32) (result i32) (i32.add (call $cold (local.get 0)) (call $hot (local.get 0)))))
        """

    @Test func profileReportsTheHotFunctionAndWritesItsFiles() throws {
        let file = try Scratch.file("hot.wat", module)
        let prefix = Scratch.directory + "/\(UUID().uuidString)-profile"
        let result = try kite("profile", "--interval", "250us", "--output", prefix, file, "--invoke", "main", "150000000")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.isEmpty)  // the guest's result, as `kite run --invoke` prints it
        let rows = result.stderr.split(separator: "\n").map(String.init)
        #expect(rows.first?.contains("samples every 250 µs") == true, "\(result.stderr)")
        // The innermost loop is the unexported func[0]; the table lists it first.
        #expect(rows.count > 2 && rows[2].hasSuffix("  func[0]"), "\(result.stderr)")
        let folded = try String(contentsOfFile: prefix + ".folded", encoding: .utf8)
        #expect(folded.contains("main;hot;func[0] "), "\(folded)")
        let svg = try String(contentsOfFile: prefix + ".svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("<title>hot: "))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: prefix + ".json"))) as? [String: Any]
        let shared = json?["shared"] as? [String: Any]
        #expect((shared?["stringArray"] as? [String])?.contains("func[0]") == true, "\(String(describing: json))")
    }

    @Test func runTakesWasmtimesProfileSpelling() throws {
        let file = try Scratch.file("hot.wat", module)
        let path = Scratch.directory + "/\(UUID().uuidString)-run.folded"
        let result = try kite("run", "--profile=guest,\(path),500us", file, "--invoke", "main", "50000000")
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        let folded = try String(contentsOfFile: path, encoding: .utf8)
        #expect(folded.contains("main;hot;func[0] "), "\(folded)")
        // Without a path it writes what wasmtime writes: a Firefox Profiler profile.
        let directory = Scratch.directory + "/\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let defaulted = try runProduct("kite", ["run", "--profile=guest", file, "--invoke", "main", "1000"],
                                       in: URL(fileURLWithPath: directory))
        #expect(defaulted.status == 0, "\(defaulted.stderr)")
        let json = try String(contentsOfFile: directory + "/kite-guest-profile.json", encoding: .utf8)
        #expect(json.contains("\"preprocessedProfileVersion\""), "\(json)")
        let wrong = try kite("run", "--profile=perf", file, "--invoke", "main", "1")
        #expect(wrong.status != 0 && wrong.stderr.contains("guest[,PATH[,INTERVAL]]"), "\(wrong.stderr)")
    }

    @Test func exactCountsCallsAndPrintsTheCountedListing() throws {
        let file = try Scratch.file("hot.wat", module)
        let prefix = Scratch.directory + "/\(UUID().uuidString)-exact"
        let result = try kite("profile", "--exact", "--output", prefix, file, "--invoke", "main", "64")
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("register instructions executed (exact counts); time shares from ") == true,
                "\(result.stderr)")
        #expect(lines.count > 1 && lines[1] == "  self%  total%  share  instructions         calls  function", "\(result.stderr)")
        // hot and cold call the loop once each: func[0] has 2 calls, and is the hottest.
        #expect(lines.count > 2 && lines[2].hasSuffix("             2  func[0]"), "\(result.stderr)")
        #expect(result.stderr.contains("\nfunc[0]: 2 calls, "), "\(result.stderr)")
        // The loop's back edge ran 64 + 2 times in all (64 and 64 >> 5 iterations).
        #expect(result.stderr.contains("          66  "), "\(result.stderr)")
        // The samples of the same run make the flame graph.
        #expect(FileManager.default.fileExists(atPath: prefix + ".svg"))
    }
}
