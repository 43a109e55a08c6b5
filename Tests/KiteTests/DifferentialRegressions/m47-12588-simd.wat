(module
  (type (;0;) (func (result v128 funcref i32 f32 v128 f64 v128)))
  (table (;0;) 1143 funcref)
  (global (;0;) (mut i32) i32.const 0)
  (global (;1;) (mut i64) i64.const 0)
  (global (;2;) (mut v128) v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)
  (global (;3;) (mut i64) i64.const 0)
  (global (;4;) (mut i32) i32.const 0)
  (global (;5;) (mut i32) i32.const 2000)
  (export "r5" (func 0))
  (export "" (func 1))
  (export "2" (table 0))
  (export "3" (global 0))
  (export "S" (global 1))
  (export "5" (global 2))
  (export "b" (global 3))
  (export "7" (global 4))
  (elem (;0;) funcref)
  (func (;0;) (type 0) (result v128 funcref i32 f32 v128 f64 v128)
    global.get 5
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    block (type 0) (result v128 funcref i32 f32 v128 f64 v128) ;; label = @1
      block (result externref) ;; label = @2
        call 1
        i8x16.popcnt
        f32x4.extract_lane 1
        i32.trunc_f32_u
        table.get 0
        i32.const -1024
        i32.const 8192
        return_call_indirect (type 0)
        v128.const i32x4 0xa8643bc9 0xf1c70c1e 0x427e1f85 0xc2600f0e
        i16x8.gt_s
        i32x4.extadd_pairwise_i16x8_s
        i16x8.extend_high_i8x16_u
        i32x4.abs
        i32x4.extend_low_i16x8_s
        i64x2.extend_high_i32x4_s
        f64x2.convert_low_i32x4_u
        f32x4.abs
        i32x4.abs
        f32x4.extract_lane 0
        i64.trunc_f32_s
        i64x2.splat
        i32x4.extadd_pairwise_i16x8_s
        block ;; label = @3
          f32.const 0x1p-95 (;=0.00000000000000000000000000002524355;)
          block ;; label = @4
            table.size 0
            br_if 1 (;@3;)
            ref.null extern
            i32.const -1405852485
            i32.clz
            table.size 0
            nop
            f32.convert_i32_u
            elem.drop 0
            loop (result f64) ;; label = @5
              global.get 5
              i32.eqz
              if ;; label = @6
                unreachable
              end
              global.get 5
              i32.const 1
              i32.sub
              global.set 5
              elem.drop 0
              f64.const -0x1.de4b31f75acd9p+497 (;=-764473734102087200000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
              i64.trunc_sat_f64_s
              i64.popcnt
              f64.convert_i64_s
              i32.trunc_f64_u
              table.size 0
              i32.or
              table.size 0
              call_indirect (type 0)
              br 1 (;@4;)
              i32x4.abs
              i64x2.extract_lane 1
              i64.ctz
              i32.const 3
              block (type 0) (result v128 funcref i32 f32 v128 f64 v128) ;; label = @6
                ref.null extern
                i64.const 5066371141773384244
                elem.drop 0
                i64.clz
                i32.const 511
                global.get 0
                i32.xor
                global.set 0
                global.get 1
                i64.xor
                global.set 1
                drop
                v128.const i32x4 0xfffff000 0xffffffff 0xffffffff 0x03ffffff
                ref.null func
                i32.const -1048576
                f32.const 0x1.p-143 (;=0.00000000000000000000000000000000000000000009;)
                v128.const i32x4 0xd5db2d40 0x378748f9 0xc6a73d8a 0xa3f9440c
                f64.const 0x1.ffffffffffffcp-1024 (;=0.000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000011125369292536;)
                v128.const i32x4 0xffffffff 0xfffffffd 0x07ffffff 0x00000000
              end
              global.get 2
              v128.xor
              global.set 2
              i64.reinterpret_f64
              global.get 3
              i64.xor
              global.set 3
              global.get 2
              v128.xor
              global.set 2
              i32.reinterpret_f32
              global.get 4
              i32.xor
              global.set 4
              global.get 0
              i32.xor
              global.set 0
              drop
              global.get 2
              v128.xor
              global.set 2
              global.get 0
              i32.xor
              global.set 0
              global.get 1
              i64.xor
              global.set 1
              i64.reinterpret_f64
              global.get 3
              i64.xor
              global.set 3
              global.get 2
              v128.xor
              global.set 2
              i32.reinterpret_f32
              global.get 4
              i32.xor
              global.set 4
              global.get 0
              i32.xor
              global.set 0
              drop
              global.get 2
              v128.xor
              global.set 2
              global.get 0
              i32.xor
              global.set 0
              f64.const 0x1.73c293e2bb3eap-143 (;=0.00000000000000000000000000000000000000000013023670346644863;)
            end
            i64.reinterpret_f64
            global.get 3
            i64.xor
            global.set 3
            i32.reinterpret_f32
            global.get 4
            i32.xor
            global.set 4
            global.get 0
            i32.xor
            global.set 0
            drop
          end
          i32.reinterpret_f32
          global.get 4
          i32.xor
          global.set 4
        end
        global.get 2
        v128.xor
        global.set 2
        i64.reinterpret_f64
        global.get 3
        i64.xor
        global.set 3
        global.get 2
        v128.xor
        global.set 2
        i32.reinterpret_f32
        global.get 4
        i32.xor
        global.set 4
        global.get 0
        i32.xor
        global.set 0
        drop
        global.get 2
        v128.xor
        global.set 2
        global.get 0
        i32.xor
        global.set 0
        drop
        i64.reinterpret_f64
        global.get 3
        i64.xor
        global.set 3
        global.get 2
        v128.xor
        global.set 2
        i32.reinterpret_f32
        global.get 4
        i32.xor
        global.set 4
        global.get 0
        i32.xor
        global.set 0
        drop
        global.get 2
        v128.xor
        global.set 2
        ref.null extern
      end
      drop
      v128.const i32x4 0x00000000 0x00200000 0xffffffff 0xffffffdf
      ref.null func
      i32.const 8388608
      f32.const -0x1.d06f62p+69 (;=-1070914400000000000000;)
      v128.const i32x4 0x00000000 0xe0000000 0xffffffff 0x00000003
      f64.const 0x1.fffffffffffffp-992 (;=0.0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000477830972673648;)
      v128.const i32x4 0xfffffff8 0xffffffff 0x10000000 0x00000000
    end
  )
  (func (;1;) (type 0) (result v128 funcref i32 f32 v128 f64 v128)
    (local i32 v128 v128 f32 f32 v128 v128)
    global.get 5
    i32.eqz
    if ;; label = @1
      unreachable
    end
    global.get 5
    i32.const 1
    i32.sub
    global.set 5
    local.get 0
    i32.eqz
    i32x4.splat
    i16x8.all_true
    elem.drop 0
    f64.convert_i32_u
    i32.const -1272653448
    i32.clz
    local.set 0
    i32.trunc_f64_s
    v128.const i32x4 0xc838d4a6 0x3c1a4a6f 0xb941e8ef 0x2402f151
    f64x2.extract_lane 1
    f32.demote_f64
    call 1
    elem.drop 0
    f32x4.nearest
    local.tee 1
    v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
    local.get 1
    local.get 1
    f32x4.eq
    v128.bitselect
    f64x2.nearest
    local.tee 2
    v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
    local.get 2
    local.get 2
    f64x2.eq
    v128.bitselect
    i8x16.bitmask
    i64.extend_i32_s
    i64.eqz
    f32.const -0x1.fedd12p-41 (;=-0.00000000000090747597;)
    f32.nearest
    local.tee 3
    f32.const nan (;=NaN;)
    local.get 3
    local.get 3
    f32.eq
    select
    f64.const -0x1.52a6dc05c4b8p+426 (;=-229240617245842700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000;)
    i32.const 1073741824
    i64.extend_i32_u
    f32.const -0x1.ab08d6p+37 (;=-229262410000;)
    v128.const i32x4 0x39a44060 0x6eb180a4 0x77fec121 0x7375cb80
    i64x2.extend_low_i32x4_s
    i16x8.extract_lane_s 3
    call_indirect (type 0)
    f64x2.neg
    i8x16.abs
    i8x16.popcnt
    i32x4.trunc_sat_f32x4_s
    i8x16.abs
    i16x8.extend_low_i8x16_u
    f32x4.extract_lane 3
    f32.floor
    local.tee 4
    f32.const nan (;=NaN;)
    local.get 4
    local.get 4
    f32.eq
    select
    f64.const -0x1.2ff29ad4199fp+253 (;=-17184929837193800000000000000000000000000000000000000000000000000000000000000;)
    i64.const 8316037886993330533
    f32.const 0x1.a2f30ap-122 (;=0.00000000000000000000000000000000000030779539;)
    i64.trunc_f32_u
    i64.ctz
    call 1
    f32x4.ceil
    local.tee 5
    v128.const i32x4 0x7fc00000 0x7fc00000 0x7fc00000 0x7fc00000
    local.get 5
    local.get 5
    f32x4.eq
    v128.bitselect
    f32x4.neg
    i16x8.abs
    i32x4.extend_high_i16x8_s
    i32x4.bitmask
    ref.null extern
    call 0
    i32.const -2
    call_indirect (type 0)
    i16x8.extadd_pairwise_i8x16_s
    i8x16.popcnt
    f64x2.nearest
    local.tee 6
    v128.const i32x4 0x00000000 0x7ff80000 0x00000000 0x7ff80000
    local.get 6
    local.get 6
    f64x2.eq
    v128.bitselect
    i32x4.neg
    i64x2.extend_low_i32x4_u
    i64x2.extract_lane 1
    local.get 0
    i32.extend8_s
    i32.popcnt
    i8x16.splat
    i16x8.extend_high_i8x16_s
    global.get 2
    v128.xor
    global.set 2
    global.get 1
    i64.xor
    global.set 1
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    global.get 2
    v128.xor
    global.set 2
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    global.get 0
    i32.xor
    global.set 0
    drop
    global.get 2
    v128.xor
    global.set 2
    global.get 2
    v128.xor
    global.set 2
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    drop
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    global.get 0
    i32.xor
    global.set 0
    drop
    global.get 2
    v128.xor
    global.set 2
    drop
    global.get 0
    i32.xor
    global.set 0
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    global.get 2
    v128.xor
    global.set 2
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    global.get 0
    i32.xor
    global.set 0
    drop
    global.get 2
    v128.xor
    global.set 2
    global.get 1
    i64.xor
    global.set 1
    global.get 1
    i64.xor
    global.set 1
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    global.get 2
    v128.xor
    global.set 2
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    global.get 0
    i32.xor
    global.set 0
    drop
    global.get 2
    v128.xor
    global.set 2
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    global.get 1
    i64.xor
    global.set 1
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    global.get 0
    i32.xor
    global.set 0
    i64.reinterpret_f64
    global.get 3
    i64.xor
    global.set 3
    global.get 2
    v128.xor
    global.set 2
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    global.get 0
    i32.xor
    global.set 0
    drop
    global.get 2
    v128.xor
    global.set 2
    i32.reinterpret_f32
    global.get 4
    i32.xor
    global.set 4
    global.get 0
    i32.xor
    global.set 0
    v128.const i32x4 0x85c831d1 0x41009f1d 0xbbbc8d08 0xd87de02e
    ref.null func
    i32.const 16383
    f32.const -0x1.fdfdfcp+126 (;=-169473950000000000000000000000000000000;)
    v128.const i32x4 0x00000000 0xfffffffe 0x00001fff 0x00000000
    f64.const 0x1.844e0e2ed17c9p-225 (;=0.0000000000000000000000000000000000000000000000000000000000000000000281309167566122;)
    v128.const i32x4 0x8585cbe4 0xdf70e113 0xd7cbb20c 0x309aaa53
  )
)
