;; Recursion without end: Kite stops it with the trap "call stack exhausted".
(module
  (func $down (export "down") (param i32) (result i32)
    (call $down (i32.add (local.get 0) (i32.const 1)))))
