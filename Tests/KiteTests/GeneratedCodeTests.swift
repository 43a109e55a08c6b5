import Foundation
import Testing

/// The handlers, emitters and lowering tables are generated from Tools/instructions.def;
/// a stale committed copy would make them disagree with the table.
@Test func generatedCodeIsUpToDate() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", TestPaths.packageRoot.appendingPathComponent("Tools/generate.py").path, "--check"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    process.waitUntilExit()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 0, "\(output)")
}
