(module
  (table (;0;) 0 295978 nullexternref ref.null noextern)
  (memory (;0;) 0 5)
  (global (;0;) (mut i32) i32.const 2000)
  (export "" (table 0))
  (export "1" (memory 0))
)
