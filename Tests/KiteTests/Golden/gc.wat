;; GC: struct fields are read and written at byte offsets the translator computed (the
;; header is 24 bytes, fields keep their natural alignment: $pair's i64 sits at 32); packed
;; fields and array elements get sized ops (get_8s, get_16u); struct.new takes its fields from
;; consecutive temporaries; casts carry their target kind (with 0x100 for a nullable target)
;; and the canonical type id, listed here as the module's type index; any.convert_extern
;; emits nothing; br_on_cast is a test and an ordinary conditional branch.
(module
  (type $pair (struct (field $a (mut i8)) (field $b (mut i64)) (field $c (ref null $pair))))
  (type $shorts (array (mut i16)))
  (func (param i32 i64) (result i64)
    (local $p (ref null $pair))
    (local.set $p (struct.new $pair (local.get 0) (local.get 1) (ref.null $pair)))
    (struct.set $pair $b (local.get $p) (i64.const 5))
    (i64.add (struct.get $pair $b (local.get $p)) (i64.extend_i32_s (struct.get_s $pair $a (local.get $p)))))
  (func (param (ref $shorts) i32) (result i32)
    (array.set $shorts (local.get 0) (local.get 1) (i32.const 7))
    (i32.add (array.get_u $shorts (local.get 0) (local.get 1)) (array.len (local.get 0))))
  (func (param externref) (result i32)
    (block $no (result anyref)
      (br_on_cast_fail $no anyref (ref $pair) (any.convert_extern (local.get 0)))
      (return (ref.test (ref null $shorts) (ref.cast (ref null $pair) (any.convert_extern (local.get 0))))))
    (drop)
    (i31.get_u (ref.i31 (i32.const -1)))))
