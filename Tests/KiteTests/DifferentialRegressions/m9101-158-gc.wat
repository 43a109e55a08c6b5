(module
  (table (;0;) i64 13 959187 nullexternref ref.null noextern)
  (memory (;0;) 0 5)
  (global (;0;) (mut i32) i32.const 2000)
  (export "o" (table 0))
  (export "" (memory 0))
  (elem (;0;) (table 0) (i64.const 0) nullexternref)
)
