;; Calls Kite's example WASI extension `print_greeting` (declared in
;; Tools/witx/wasi_snapshot_preview1.witx): `Tools/kite run examples/greeting.wat`
;; prints "Hello World from the new print_greeting syscall in WASI".
(module
  (import "wasi_snapshot_preview1" "print_greeting" (func $print_greeting (result i32)))
  (memory (export "memory") 1)
  (func (export "_start")
    ;; A non-zero errno is a failure: trap.
    (if (call $print_greeting) (then unreachable))))
