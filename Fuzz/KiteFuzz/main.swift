// kite-fuzz: Kite's fuzz targets (Sources/KiteFuzzTargets) under libFuzzer. Tools/fuzz builds
// it with -sanitize=fuzzer,address and runs each target for a while; a plain build only
// replays inputs. See RELIABILITY.md.
#if canImport(Glibc)
import Glibc
#endif
import CKiteFuzz
import Foundation
import KiteFuzzTargets
import KiteText

let usage = """
    usage: kite-fuzz TARGET [LIBFUZZER-FLAGS] [CORPUS-DIR...]   fuzz (a -sanitize=fuzzer build)
           kite-fuzz TARGET --replay FILE...                    run saved inputs once each
           kite-fuzz seeds TARGET OUT-DIR FILE...               seed corpus from .wast/.wat/.wasm files
    TARGET: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))
    """

nonisolated(unsafe) var selected = FuzzTarget.decode

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(2)
}

/// Seeds: the modules of scripts and text files, binary modules as they are (decode, run);
/// the text files themselves (text).
func writeSeeds(_ target: FuzzTarget, _ directory: String, _ files: [String]) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    var written = 0
    for file in files {
        let url = URL(fileURLWithPath: file)
        let bytes = [UInt8](try Data(contentsOf: url))
        var seeds: [[UInt8]] = []
        switch (target, url.pathExtension) {
        case (.text, "wast"), (.text, "wat"): seeds = [bytes]
        case (.text, _), (.wasi, _): continue
        case (_, "wasm"): seeds = [bytes]
        case (_, "wat"): if let binary = try? wat2wasm(bytes: bytes) { seeds = [binary] }
        case (_, "wast"):
            for directive in (try? parseWAST(bytes: bytes)) ?? [] {
                if case .module(let module) = directive.command, let binary = try? module.encode() { seeds.append(binary) }
            }
        default: continue
        }
        for (i, seed) in seeds.enumerated() {
            let name = "\(url.deletingPathExtension().lastPathComponent)-\(i).\(target == .text ? url.pathExtension : "wasm")"
            try Data(seed).write(to: URL(fileURLWithPath: directory).appendingPathComponent(name))
            written += 1
        }
    }
    print("kite-fuzz: \(written) seeds in \(directory)")
}

var arguments = CommandLine.arguments
guard arguments.count >= 2 else { fail(usage) }
if arguments[1] == "seeds" {
    guard arguments.count >= 4, let target = FuzzTarget(rawValue: arguments[2]) else { fail(usage) }
    do { try writeSeeds(target, arguments[3], Array(arguments[4...])) } catch { fail("kite-fuzz: \(error)") }
    exit(0)
}
guard let target = FuzzTarget(rawValue: arguments[1]) else { fail(usage) }
selected = target
if arguments.count >= 3 && arguments[2] == "--replay" {
    for file in arguments[3...] {
        guard let data = FileManager.default.contents(atPath: file) else { fail("kite-fuzz: cannot read \(file)") }
        target([UInt8](data))
    }
    print("kite-fuzz: \(arguments.count - 3) inputs replayed")
    exit(0)
}
// libFuzzer sees the program name and everything after the target.
arguments.remove(at: 1)
var cStrings: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
var argc = Int32(arguments.count)
let status = cStrings.withUnsafeMutableBufferPointer { buffer -> Int32 in
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return kite_fuzz_run_driver(&argc, &argv) { data, size in
        selected([UInt8](UnsafeBufferPointer(start: data, count: size)))
        return 0
    }
}
if status == -1 { fail("kite-fuzz: built without libFuzzer (Tools/fuzz builds it); use --replay") }
exit(status)
