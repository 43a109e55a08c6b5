;; Loads and stores carry their offset immediate; memory.grow returns into a temporary.
(module
  (memory 1)
  (func (param i32) (result i32)
    (i32.store offset=8 (local.get 0) (i32.const 3))
    (drop (memory.grow (i32.const 1)))
    (i32.load8_u offset=8 (local.get 0))))
