;; if/else with a result: both arms write the same slot; the else arm is reached by a fused
;; branch on eqz.
(module
  (func (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 10))
      (else (i32.sub (local.get 0) (i32.const 1))))))
