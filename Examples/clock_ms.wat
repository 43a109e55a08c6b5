;; env.clock_ms for CoreMark (wasmi-benchmarks/wasm/coremark.wasm imports it; each engine's
;; embedding gives it a millisecond clock). As a --preload module it lets the kite CLI run
;; and profile CoreMark: it reads WASI's monotonic clock.
;;
;;   kite run --preload env=Examples/clock_ms.wat coremark.wasm --invoke run
;;   kite profile --preload env=Examples/clock_ms.wat coremark.wasm --invoke run
(module
  (import "wasi_snapshot_preview1" "clock_time_get"
    (func $clock_time_get (param $id i32) (param $precision i64) (param $time i32) (result i32)))
  (memory (export "memory") 1)  ;; WASI writes into the caller's exported memory
  (func (export "clock_ms") (result i32)
    ;; Clock 1: monotonic; the nanoseconds land at address 0.
    (drop (call $clock_time_get (i32.const 1) (i64.const 1000) (i32.const 0)))
    (i32.wrap_i64 (i64.div_u (i64.load (i32.const 0)) (i64.const 1000000)))))
