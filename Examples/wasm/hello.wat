;; A WASI command that prints a greeting: what WASI-Hello runs (hello.wasm is this file
;; assembled with `wat2wasm wasm/hello.wat -o wasm/hello.wasm`).
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param $fd i32) (param $iovs i32) (param $iovs_len i32) (param $nwritten i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello, World!\n")
  (func (export "_start")
    ;; One iovec at address 0: the 14 bytes at 16.
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 14))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
