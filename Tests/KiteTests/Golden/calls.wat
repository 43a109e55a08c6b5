;; Call arguments are materialized into consecutive slots; the callee frame starts at the
;; first of them and the result comes back in place.
(module
  (func $f (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1)))
  (func (param i32) (result i32)
    (call $f (local.get 0) (i32.const 7))))
