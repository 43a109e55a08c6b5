// A program that crashes inside a host function on purpose, for the crash-report test
// (Tests/KiteCLITests/CrashReportTests.swift runs it in a child process).
import Kite
import KiteText

CrashReports.install()
let store = Store()
let module = try CompiledModule(bytes: try wat2wasm("""
    (module (import "host" "crash" (func $crash))
      (func $innerGuestFunction (export "inner") (call $crash))
      (func (export "outerGuestFunction") (call $innerGuestFunction)))
    """))
let crash = Function(store: store, parameters: []) { _, _ in
    deliberateNullStore()
    return []
}
let instance = try module.instantiate(store: store, imports: ["host": ["crash": crash]])
try instance.exports[function: "outerGuestFunction"]!()

@inline(never) func deliberateNullStore() {
    // A write through a null pointer: the host bug a crash report is for.
    let pointer = UnsafeMutablePointer<Int>(bitPattern: Int.random(in: 0...0) | 8)!
    pointer.pointee = 1
}
