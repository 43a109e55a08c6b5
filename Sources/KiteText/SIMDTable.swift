// SIMD (0xFD prefix) mnemonics and their opcodes, from the spec's binary encoding table
// (128-bit SIMD of WebAssembly 2.0, plus the relaxed SIMD instructions of 3.0).

enum SIMDTable {
    static let ops: [(String, OpInfo)] = {
        var t: [(String, OpInfo)] = []
        func op(_ code: UInt32, _ name: String, _ imm: Immediate = .none) {
            t.append((name, OpInfo(opcode: [0xFD] + LEB.unsigned(UInt64(code)), immediate: imm)))
        }
        op(0, "v128.load", .memarg(align: 4))
        op(1, "v128.load8x8_s", .memarg(align: 3)); op(2, "v128.load8x8_u", .memarg(align: 3))
        op(3, "v128.load16x4_s", .memarg(align: 3)); op(4, "v128.load16x4_u", .memarg(align: 3))
        op(5, "v128.load32x2_s", .memarg(align: 3)); op(6, "v128.load32x2_u", .memarg(align: 3))
        op(7, "v128.load8_splat", .memarg(align: 0)); op(8, "v128.load16_splat", .memarg(align: 1))
        op(9, "v128.load32_splat", .memarg(align: 2)); op(10, "v128.load64_splat", .memarg(align: 3))
        op(11, "v128.store", .memarg(align: 4))
        op(12, "v128.const", .v128)
        op(13, "i8x16.shuffle", .shuffle)
        op(14, "i8x16.swizzle")
        op(15, "i8x16.splat"); op(16, "i16x8.splat"); op(17, "i32x4.splat")
        op(18, "i64x2.splat"); op(19, "f32x4.splat"); op(20, "f64x2.splat")
        op(21, "i8x16.extract_lane_s", .lane); op(22, "i8x16.extract_lane_u", .lane)
        op(23, "i8x16.replace_lane", .lane)
        op(24, "i16x8.extract_lane_s", .lane); op(25, "i16x8.extract_lane_u", .lane)
        op(26, "i16x8.replace_lane", .lane)
        op(27, "i32x4.extract_lane", .lane); op(28, "i32x4.replace_lane", .lane)
        op(29, "i64x2.extract_lane", .lane); op(30, "i64x2.replace_lane", .lane)
        op(31, "f32x4.extract_lane", .lane); op(32, "f32x4.replace_lane", .lane)
        op(33, "f64x2.extract_lane", .lane); op(34, "f64x2.replace_lane", .lane)
        // Comparisons 35...76.
        let intCmp = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"]
        for (s, shape) in ["i8x16", "i16x8", "i32x4"].enumerated() {
            for (k, c) in intCmp.enumerated() { op(UInt32(35 + s * 10 + k), "\(shape).\(c)") }
        }
        let floatCmp = ["eq", "ne", "lt", "gt", "le", "ge"]
        for (k, c) in floatCmp.enumerated() { op(UInt32(65 + k), "f32x4.\(c)") }
        for (k, c) in floatCmp.enumerated() { op(UInt32(71 + k), "f64x2.\(c)") }
        op(77, "v128.not"); op(78, "v128.and"); op(79, "v128.andnot"); op(80, "v128.or")
        op(81, "v128.xor"); op(82, "v128.bitselect"); op(83, "v128.any_true")
        op(84, "v128.load8_lane", .memargLane(align: 0)); op(85, "v128.load16_lane", .memargLane(align: 1))
        op(86, "v128.load32_lane", .memargLane(align: 2)); op(87, "v128.load64_lane", .memargLane(align: 3))
        op(88, "v128.store8_lane", .memargLane(align: 0)); op(89, "v128.store16_lane", .memargLane(align: 1))
        op(90, "v128.store32_lane", .memargLane(align: 2)); op(91, "v128.store64_lane", .memargLane(align: 3))
        op(92, "v128.load32_zero", .memarg(align: 2)); op(93, "v128.load64_zero", .memarg(align: 3))
        op(94, "f32x4.demote_f64x2_zero"); op(95, "f64x2.promote_low_f32x4")
        op(96, "i8x16.abs"); op(97, "i8x16.neg"); op(98, "i8x16.popcnt"); op(99, "i8x16.all_true")
        op(100, "i8x16.bitmask"); op(101, "i8x16.narrow_i16x8_s"); op(102, "i8x16.narrow_i16x8_u")
        op(103, "f32x4.ceil"); op(104, "f32x4.floor"); op(105, "f32x4.trunc"); op(106, "f32x4.nearest")
        op(107, "i8x16.shl"); op(108, "i8x16.shr_s"); op(109, "i8x16.shr_u")
        op(110, "i8x16.add"); op(111, "i8x16.add_sat_s"); op(112, "i8x16.add_sat_u")
        op(113, "i8x16.sub"); op(114, "i8x16.sub_sat_s"); op(115, "i8x16.sub_sat_u")
        op(116, "f64x2.ceil"); op(117, "f64x2.floor")
        op(118, "i8x16.min_s"); op(119, "i8x16.min_u"); op(120, "i8x16.max_s"); op(121, "i8x16.max_u")
        op(122, "f64x2.trunc"); op(123, "i8x16.avgr_u")
        op(124, "i16x8.extadd_pairwise_i8x16_s"); op(125, "i16x8.extadd_pairwise_i8x16_u")
        op(126, "i32x4.extadd_pairwise_i16x8_s"); op(127, "i32x4.extadd_pairwise_i16x8_u")
        op(128, "i16x8.abs"); op(129, "i16x8.neg"); op(130, "i16x8.q15mulr_sat_s")
        op(131, "i16x8.all_true"); op(132, "i16x8.bitmask")
        op(133, "i16x8.narrow_i32x4_s"); op(134, "i16x8.narrow_i32x4_u")
        op(135, "i16x8.extend_low_i8x16_s"); op(136, "i16x8.extend_high_i8x16_s")
        op(137, "i16x8.extend_low_i8x16_u"); op(138, "i16x8.extend_high_i8x16_u")
        op(139, "i16x8.shl"); op(140, "i16x8.shr_s"); op(141, "i16x8.shr_u")
        op(142, "i16x8.add"); op(143, "i16x8.add_sat_s"); op(144, "i16x8.add_sat_u")
        op(145, "i16x8.sub"); op(146, "i16x8.sub_sat_s"); op(147, "i16x8.sub_sat_u")
        op(148, "f64x2.nearest"); op(149, "i16x8.mul")
        op(150, "i16x8.min_s"); op(151, "i16x8.min_u"); op(152, "i16x8.max_s"); op(153, "i16x8.max_u")
        op(155, "i16x8.avgr_u")
        op(156, "i16x8.extmul_low_i8x16_s"); op(157, "i16x8.extmul_high_i8x16_s")
        op(158, "i16x8.extmul_low_i8x16_u"); op(159, "i16x8.extmul_high_i8x16_u")
        op(160, "i32x4.abs"); op(161, "i32x4.neg"); op(163, "i32x4.all_true"); op(164, "i32x4.bitmask")
        op(167, "i32x4.extend_low_i16x8_s"); op(168, "i32x4.extend_high_i16x8_s")
        op(169, "i32x4.extend_low_i16x8_u"); op(170, "i32x4.extend_high_i16x8_u")
        op(171, "i32x4.shl"); op(172, "i32x4.shr_s"); op(173, "i32x4.shr_u")
        op(174, "i32x4.add"); op(177, "i32x4.sub"); op(181, "i32x4.mul")
        op(182, "i32x4.min_s"); op(183, "i32x4.min_u"); op(184, "i32x4.max_s"); op(185, "i32x4.max_u")
        op(186, "i32x4.dot_i16x8_s")
        op(188, "i32x4.extmul_low_i16x8_s"); op(189, "i32x4.extmul_high_i16x8_s")
        op(190, "i32x4.extmul_low_i16x8_u"); op(191, "i32x4.extmul_high_i16x8_u")
        op(192, "i64x2.abs"); op(193, "i64x2.neg"); op(195, "i64x2.all_true"); op(196, "i64x2.bitmask")
        op(199, "i64x2.extend_low_i32x4_s"); op(200, "i64x2.extend_high_i32x4_s")
        op(201, "i64x2.extend_low_i32x4_u"); op(202, "i64x2.extend_high_i32x4_u")
        op(203, "i64x2.shl"); op(204, "i64x2.shr_s"); op(205, "i64x2.shr_u")
        op(206, "i64x2.add"); op(209, "i64x2.sub"); op(213, "i64x2.mul")
        op(214, "i64x2.eq"); op(215, "i64x2.ne"); op(216, "i64x2.lt_s"); op(217, "i64x2.gt_s")
        op(218, "i64x2.le_s"); op(219, "i64x2.ge_s")
        op(220, "i64x2.extmul_low_i32x4_s"); op(221, "i64x2.extmul_high_i32x4_s")
        op(222, "i64x2.extmul_low_i32x4_u"); op(223, "i64x2.extmul_high_i32x4_u")
        let arith = ["abs", "neg", "", "sqrt", "add", "sub", "mul", "div", "min", "max", "pmin", "pmax"]
        for (k, a) in arith.enumerated() where !a.isEmpty {
            op(UInt32(224 + k), "f32x4.\(a)")
            op(UInt32(236 + k), "f64x2.\(a)")
        }
        op(248, "i32x4.trunc_sat_f32x4_s"); op(249, "i32x4.trunc_sat_f32x4_u")
        op(250, "f32x4.convert_i32x4_s"); op(251, "f32x4.convert_i32x4_u")
        op(252, "i32x4.trunc_sat_f64x2_s_zero"); op(253, "i32x4.trunc_sat_f64x2_u_zero")
        op(254, "f64x2.convert_low_i32x4_s"); op(255, "f64x2.convert_low_i32x4_u")
        // Relaxed SIMD (WebAssembly 3.0).
        let relaxed = [
            "i8x16.relaxed_swizzle", "i32x4.relaxed_trunc_f32x4_s", "i32x4.relaxed_trunc_f32x4_u",
            "i32x4.relaxed_trunc_f64x2_s_zero", "i32x4.relaxed_trunc_f64x2_u_zero",
            "f32x4.relaxed_madd", "f32x4.relaxed_nmadd", "f64x2.relaxed_madd", "f64x2.relaxed_nmadd",
            "i8x16.relaxed_laneselect", "i16x8.relaxed_laneselect", "i32x4.relaxed_laneselect",
            "i64x2.relaxed_laneselect", "f32x4.relaxed_min", "f32x4.relaxed_max",
            "f64x2.relaxed_min", "f64x2.relaxed_max", "i16x8.relaxed_q15mulr_s",
            "i16x8.relaxed_dot_i8x16_i7x16_s", "i32x4.relaxed_dot_i8x16_i7x16_add_s",
        ]
        for (k, name) in relaxed.enumerated() { op(UInt32(0x100 + k), name) }
        return t
    }()
}
