;; Sieve of Eratosthenes over linear memory, repeated: byte loads and stores.
(module
  (memory 16)
  (func $sieve (param $n i32) (result i32)
    (local $i i32) (local $j i32) (local $count i32)
    (memory.fill (i32.const 0) (i32.const 1) (local.get $n))
    (local.set $i (i32.const 2))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.mul (local.get $i) (local.get $i)) (local.get $n)))
        (if (i32.load8_u (local.get $i))
          (then
            (local.set $j (i32.mul (local.get $i) (local.get $i)))
            (block $end
              (loop $mark
                (br_if $end (i32.ge_u (local.get $j) (local.get $n)))
                (i32.store8 (local.get $j) (i32.const 0))
                (local.set $j (i32.add (local.get $j) (local.get $i)))
                (br $mark)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.set $i (i32.const 2))
    (block $done2
      (loop $count
        (br_if $done2 (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $count (i32.add (local.get $count) (i32.load8_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $count)))
    (local.get $count))
  (func (export "sieve") (param $reps i32) (result i32)
    (local $r i32) (local $last i32)
    (loop $again
      (local.set $last (call $sieve (i32.const 1000000)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br_if $again (i32.lt_u (local.get $r) (local.get $reps))))
    (local.get $last)))
