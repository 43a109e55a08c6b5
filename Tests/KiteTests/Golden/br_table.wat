;; br_table entries point at landing pads that move the branch value into the target's slot.
(module
  (func (param i32) (result i32)
    (block $a (result i32)
      (block $b (result i32)
        (br_table $a $b $a (i32.const 5) (local.get 0)))
      (i32.const 1)
      (i32.add))))
