import Foundation
import Testing

/// Derived code is committed: the handlers, emitters and lowering tables come from
/// Tools/instructions.def (Tools/generate.py), the WASI bindings from Tools/witx/
/// (Tools/generate_wasi.py). A stale committed copy would disagree with its source.
@Test(arguments: ["Tools/generate.py", "Tools/generate_wasi.py"])
func generatedCodeIsUpToDate(_ generator: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", TestPaths.packageRoot.appendingPathComponent(generator).path, "--check"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0, "\(generator): \(output)")
}
