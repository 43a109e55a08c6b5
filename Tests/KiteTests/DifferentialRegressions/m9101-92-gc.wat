(module
  (table (;0;) 22 nullexternref)
  (global (;0;) i32 i32.const -2026723689)
  (global (;1;) (mut i32) i32.const 2000)
  (export "o%d{\u{1d}" (table 0))
  (export "" (global 0))
  (data (;0;) "\b8")
  (data (;1;) "RX")
)
