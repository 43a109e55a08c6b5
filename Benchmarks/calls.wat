;; The call micro benchmarks (Benchmarks/calls.py): `loop N` makes N calls of the host's
;; `env.inc` (guest to host); the host calls `add1` N times (host to guest).
(module
  (import "env" "inc" (func $inc (param i32) (result i32)))
  (func (export "loop") (param $n i32) (result i32) (local $acc i32)
    (block $done
      (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (call $inc (local.get $acc)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
    (local.get $acc))
  (func (export "add1") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))
