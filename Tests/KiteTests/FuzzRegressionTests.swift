import Foundation
import KiteFuzzTargets
import Testing

/// Every input a fuzz target once crashed on (FuzzRegressions/TARGET/*), replayed through
/// that target: it must return (a crash fails the whole test run). Tools/fuzz copies new
/// crashes here.
struct FuzzRegressionTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzRegressions")

    static var inputs: [(target: FuzzTarget, file: String)] {
        FuzzTarget.allCases.flatMap { target in
            let folder = directory.appendingPathComponent(target.rawValue)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            return files.filter { !$0.hasPrefix(".") }.sorted().map { (target, folder.appendingPathComponent($0).path) }
        }
    }

    @Test func savedCrashesRunCleanly() throws {
        for (target, file) in Self.inputs {
            target([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
        }
    }

    /// The targets themselves: a valid module runs through each without complaint.
    @Test func targetsAcceptAValidModule() {
        let module: [UInt8] = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
                               0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,          // type: () -> i32
                               0x03, 0x02, 0x01, 0x00,                            // one function
                               0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00,          // export "f"
                               0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x07, 0x0B]    // i32.const 7
        FuzzTarget.decode(module)
        FuzzTarget.run(module)
        FuzzTarget.text(Array("(module (func (export \"f\") (result i32) (i32.const 7)))".utf8))
        FuzzTarget.wasi([3, 0, 1, 2] + [UInt8](repeating: 0, count: 64))
    }
}
