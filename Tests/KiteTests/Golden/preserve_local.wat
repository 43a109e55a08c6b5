;; A pending local.get must keep the old value when the local is overwritten before use.
(module
  (func (param i32) (result i32)
    (local.get 0)
    (local.set 0 (i32.const 9))
    (local.get 0)
    (i32.sub)))
