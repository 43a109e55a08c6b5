;; v128 values take two slots; a load keeps its offset immediate; a v128.const right before
;; the operation that uses it travels in that instruction (i32x4.mul_imm); local.set is
;; folded into the producer; lane immediates and shuffle indices are operands.
(module
  (memory 1)
  (func (param i32) (result i32)
    (local v128)
    (local.set 1 (i32x4.mul (v128.load offset=16 (local.get 0)) (v128.const i32x4 3 3 3 3)))
    (v128.store offset=32 (local.get 0)
      (i8x16.shuffle 0 17 2 19 4 21 6 23 8 25 10 27 12 29 14 31 (local.get 1) (local.get 1)))
    (i32x4.extract_lane 2 (local.get 1))))
