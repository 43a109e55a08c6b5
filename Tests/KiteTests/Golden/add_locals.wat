;; local.get and constants vanish: i32.add reads the parameter and constant slots directly,
;; and local.set retargets the add's destination to the local.
(module
  (func (param i32 i32) (result i32) (local i32)
    (local.set 2 (i32.add (local.get 0) (i32.const 42)))
    (i32.mul (local.get 2) (local.get 1))))
