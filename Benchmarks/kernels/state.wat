;; A br_table state machine: a tiny bytecode VM counting down, dispatching on a state value.
(module
  (func (export "state") (param $n i32) (result i32)
    (local $state i32) (local $acc i32)
    (block $exit
      (loop $dispatch
        (block $s3 (block $s2 (block $s1 (block $s0
          (br_table $s0 $s1 $s2 $s3 $exit (local.get $state)))
          ;; state 0: add
          (local.set $acc (i32.add (local.get $acc) (local.get $n)))
          (local.set $state (i32.const 1))
          (br $dispatch))
          ;; state 1: mix
          (local.set $acc (i32.xor (local.get $acc) (i32.shl (local.get $acc) (i32.const 3))))
          (local.set $state (i32.const 2))
          (br $dispatch))
          ;; state 2: count down
          (local.set $n (i32.sub (local.get $n) (i32.const 1)))
          (local.set $state (select (i32.const 3) (i32.const 4) (local.get $n)))
          (br $dispatch))
        ;; state 3: back to the start
        (local.set $state (i32.const 0))
        (br $dispatch)))
    (local.get $acc)))
