// 128-bit SIMD values as C vector types (GCC/Clang vector extensions), and the Wasm lane
// semantics that C vector operators do not give directly. The compiler lowers the vector
// types to the host's vector unit (SSE2 on baseline x86-64, NEON on arm64) and to scalar
// code anywhere else, so this is also the portable fallback; a few helpers use a single
// SSE2 instruction where the generic form compiles to a lane-by-lane loop.
//
// A v128 lives in two consecutive 8-byte frame slots, little-endian: lane 0 is the lowest
// address. Handlers copy it in and out with memcpy (the slots are only 8-byte aligned).
#ifndef CKITE_SIMD_H
#define CKITE_SIMD_H

#include <stdint.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define KITE_VECTOR(T, N) __attribute__((vector_size(N * sizeof(T))))
typedef int8_t kite_i8x16 KITE_VECTOR(int8_t, 16);
typedef uint8_t kite_u8x16 KITE_VECTOR(uint8_t, 16);
typedef int16_t kite_i16x8 KITE_VECTOR(int16_t, 8);
typedef uint16_t kite_u16x8 KITE_VECTOR(uint16_t, 8);
typedef int32_t kite_i32x4 KITE_VECTOR(int32_t, 4);
typedef uint32_t kite_u32x4 KITE_VECTOR(uint32_t, 4);
typedef int64_t kite_i64x2 KITE_VECTOR(int64_t, 2);
typedef uint64_t kite_u64x2 KITE_VECTOR(uint64_t, 2);
typedef float kite_f32x4 KITE_VECTOR(float, 4);
typedef double kite_f64x2 KITE_VECTOR(double, 2);
// Halves and doubles, for widening and narrowing.
typedef int8_t kite_i8x8 KITE_VECTOR(int8_t, 8);
typedef uint8_t kite_u8x8 KITE_VECTOR(uint8_t, 8);
typedef int16_t kite_i16x4 KITE_VECTOR(int16_t, 4);
typedef uint16_t kite_u16x4 KITE_VECTOR(uint16_t, 4);
typedef int32_t kite_i32x2 KITE_VECTOR(int32_t, 2);
typedef uint32_t kite_u32x2 KITE_VECTOR(uint32_t, 2);
typedef float kite_f32x2 KITE_VECTOR(float, 2);
typedef int16_t kite_i16x16 KITE_VECTOR(int16_t, 16);
typedef uint16_t kite_u16x16 KITE_VECTOR(uint16_t, 16);
typedef int32_t kite_i32x8 KITE_VECTOR(int32_t, 8);
typedef uint32_t kite_u32x8 KITE_VECTOR(uint32_t, 8);

// Lanes [0, n/2) and [n/2, n) of a vector, as a half-width vector.
#define KITE_LOW8(v) __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7)
#define KITE_HIGH8(v) __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15)
#define KITE_LOW4(v) __builtin_shufflevector(v, v, 0, 1, 2, 3)
#define KITE_HIGH4(v) __builtin_shufflevector(v, v, 4, 5, 6, 7)
#define KITE_LOW2(v) __builtin_shufflevector(v, v, 0, 1)
#define KITE_HIGH2(v) __builtin_shufflevector(v, v, 2, 3)
// The even and odd lanes, for pairwise operations.
#define KITE_EVEN16(v) __builtin_shufflevector(v, v, 0, 2, 4, 6, 8, 10, 12, 14)
#define KITE_ODD16(v) __builtin_shufflevector(v, v, 1, 3, 5, 7, 9, 11, 13, 15)
#define KITE_EVEN8(v) __builtin_shufflevector(v, v, 0, 2, 4, 6)
#define KITE_ODD8(v) __builtin_shufflevector(v, v, 1, 3, 5, 7)
#define KITE_WIDEN(v, T) __builtin_convertvector(v, T)

/// Lanes of `a` where `mask` is all ones, of `b` where it is zero (a bitwise select).
#define KITE_BLEND(mask, a, b) ((((kite_u64x2)(mask)) & (kite_u64x2)(a)) | (~((kite_u64x2)(mask)) & (kite_u64x2)(b)))

// Integer absolute value that wraps (abs(INT_MIN) == INT_MIN), computed unsigned.
#define KITE_IABS(a, U, BITS) ({ U m_ = (U)((a) >> (BITS - 1)); ((U)(a) ^ m_) - m_; })

// min and max with Wasm's NaN rule (NaN in, NaN out) and signed zeros (-0 < +0): where the
// lanes are equal, OR-ing (min) or AND-ing (max) their bits picks -0 or +0.
static inline kite_f32x4 kite_f32x4_min(kite_f32x4 a, kite_f32x4 b) {
    kite_u32x4 lt = (kite_u32x4)(a < b), gt = (kite_u32x4)(b < a), eq = (kite_u32x4)(a == b);
    kite_u32x4 ua = (kite_u32x4)a, ub = (kite_u32x4)b, nan = (kite_u32x4)(a + b);
    return (kite_f32x4)((lt & ua) | (gt & ub) | (eq & (ua | ub)) | (~(lt | gt | eq) & nan));
}
static inline kite_f32x4 kite_f32x4_max(kite_f32x4 a, kite_f32x4 b) {
    kite_u32x4 lt = (kite_u32x4)(a < b), gt = (kite_u32x4)(b < a), eq = (kite_u32x4)(a == b);
    kite_u32x4 ua = (kite_u32x4)a, ub = (kite_u32x4)b, nan = (kite_u32x4)(a + b);
    return (kite_f32x4)((gt & ua) | (lt & ub) | (eq & (ua & ub)) | (~(lt | gt | eq) & nan));
}
static inline kite_f64x2 kite_f64x2_min(kite_f64x2 a, kite_f64x2 b) {
    kite_u64x2 lt = (kite_u64x2)(a < b), gt = (kite_u64x2)(b < a), eq = (kite_u64x2)(a == b);
    kite_u64x2 ua = (kite_u64x2)a, ub = (kite_u64x2)b, nan = (kite_u64x2)(a + b);
    return (kite_f64x2)((lt & ua) | (gt & ub) | (eq & (ua | ub)) | (~(lt | gt | eq) & nan));
}
static inline kite_f64x2 kite_f64x2_max(kite_f64x2 a, kite_f64x2 b) {
    kite_u64x2 lt = (kite_u64x2)(a < b), gt = (kite_u64x2)(b < a), eq = (kite_u64x2)(a == b);
    kite_u64x2 ua = (kite_u64x2)a, ub = (kite_u64x2)b, nan = (kite_u64x2)(a + b);
    return (kite_f64x2)((gt & ua) | (lt & ub) | (eq & (ua & ub)) | (~(lt | gt | eq) & nan));
}

// Saturating float -> integer truncation: NaN gives 0, out-of-range lanes the nearest bound.
// Lanes that would overflow the conversion are zeroed before it (the conversion of an
// out-of-range value is undefined in C) and set to the bound after.
static inline kite_i32x4 kite_trunc_sat_f32x4_s(kite_f32x4 a) {
    kite_i32x4 high = a >= 2147483648.0f, low = a < -2147483648.0f, nan = a != a;
    kite_f32x4 safe = (kite_f32x4)KITE_BLEND(high | low | nan, (kite_f32x4){0}, a);
    kite_i32x4 r = __builtin_convertvector(safe, kite_i32x4);
    return (r & ~(high | low)) | (high & 0x7FFFFFFF) | (low & (int32_t)0x80000000);
}
static inline kite_u32x4 kite_trunc_sat_f32x4_u(kite_f32x4 a) {
    kite_i32x4 high = a >= 4294967296.0f, low = ~(a > -1.0f);  // NaN lanes too
    kite_f32x4 safe = (kite_f32x4)KITE_BLEND(high | low, (kite_f32x4){0}, a);
    kite_u32x4 r = __builtin_convertvector(safe, kite_u32x4);
    return (r & ~(kite_u32x4)(high | low)) | (kite_u32x4)high;
}
static inline kite_i32x4 kite_trunc_sat_f64x2_s_zero(kite_f64x2 a) {
    kite_i64x2 high = a >= 2147483648.0, low = a <= -2147483649.0, nan = a != a;
    kite_f64x2 safe = (kite_f64x2)KITE_BLEND(high | low | nan, (kite_f64x2){0}, a);
    kite_i64x2 r = __builtin_convertvector(safe, kite_i64x2);
    r = (r & ~(high | low)) | (high & 0x7FFFFFFF) | (low & (int64_t)-2147483648LL);
    kite_i32x2 n = __builtin_convertvector(r, kite_i32x2);
    return __builtin_shufflevector(n, (kite_i32x2){0}, 0, 1, 2, 3);
}
static inline kite_u32x4 kite_trunc_sat_f64x2_u_zero(kite_f64x2 a) {
    kite_i64x2 high = a >= 4294967296.0, low = ~(a > -1.0);
    kite_f64x2 safe = (kite_f64x2)KITE_BLEND(high | low, (kite_f64x2){0}, a);
    kite_i64x2 r = __builtin_convertvector(safe, kite_i64x2);
    r = (r & ~(high | low)) | (high & 0xFFFFFFFF);
    kite_u32x2 n = __builtin_convertvector((kite_u64x2)r, kite_u32x2);
    return __builtin_shufflevector(n, (kite_u32x2){0}, 0, 1, 2, 3);
}

// Narrowing with signed or unsigned saturation.
static inline kite_i8x16 kite_narrow_i16x8_s(kite_i16x8 a, kite_i16x8 b) {
#if defined(__SSE2__)
    return (kite_i8x16)_mm_packs_epi16((__m128i)a, (__m128i)b);
#else
    kite_i16x16 w = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    w = __builtin_elementwise_min(__builtin_elementwise_max(w, (kite_i16x16){0} - 128), (kite_i16x16){0} + 127);
    return __builtin_convertvector(w, kite_i8x16);
#endif
}
static inline kite_u8x16 kite_narrow_i16x8_u(kite_i16x8 a, kite_i16x8 b) {
#if defined(__SSE2__)
    return (kite_u8x16)_mm_packus_epi16((__m128i)a, (__m128i)b);
#else
    kite_i16x16 w = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    w = __builtin_elementwise_min(__builtin_elementwise_max(w, (kite_i16x16){0}), (kite_i16x16){0} + 255);
    return __builtin_convertvector(w, kite_u8x16);
#endif
}
static inline kite_i16x8 kite_narrow_i32x4_s(kite_i32x4 a, kite_i32x4 b) {
#if defined(__SSE2__)
    return (kite_i16x8)_mm_packs_epi32((__m128i)a, (__m128i)b);
#else
    kite_i32x8 w = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7);
    w = __builtin_elementwise_min(__builtin_elementwise_max(w, (kite_i32x8){0} - 32768), (kite_i32x8){0} + 32767);
    return __builtin_convertvector(w, kite_i16x8);
#endif
}
static inline kite_u16x8 kite_narrow_i32x4_u(kite_i32x4 a, kite_i32x4 b) {
    kite_i32x8 w = __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7);
    w = __builtin_elementwise_min(__builtin_elementwise_max(w, (kite_i32x8){0}), (kite_i32x8){0} + 65535);
    return __builtin_convertvector(w, kite_u16x8);
}

/// Bit i = the sign bit of lane i.
static inline uint32_t kite_bitmask_i8x16(kite_i8x16 a) {
#if defined(__SSE2__)
    return (uint32_t)_mm_movemask_epi8((__m128i)a);
#else
    uint32_t r = 0;
    for (int i = 0; i < 16; i++) r |= (uint32_t)(a[i] < 0) << i;
    return r;
#endif
}
static inline uint32_t kite_bitmask_i16x8(kite_i16x8 a) {
#if defined(__SSE2__)
    return (uint32_t)_mm_movemask_epi8(_mm_packs_epi16((__m128i)a, _mm_setzero_si128()));
#else
    uint32_t r = 0;
    for (int i = 0; i < 8; i++) r |= (uint32_t)(a[i] < 0) << i;
    return r;
#endif
}
static inline uint32_t kite_bitmask_i32x4(kite_i32x4 a) {
#if defined(__SSE2__)
    return (uint32_t)_mm_movemask_ps((__m128)a);
#else
    return (uint32_t)(a[0] < 0) | (uint32_t)(a[1] < 0) << 1 | (uint32_t)(a[2] < 0) << 2 | (uint32_t)(a[3] < 0) << 3;
#endif
}
static inline uint32_t kite_bitmask_i64x2(kite_i64x2 a) {
    return (uint32_t)(a[0] < 0) | (uint32_t)(a[1] < 0) << 1;
}

// Lane replacement as a blend with a one-lane mask, in vector registers: writing the lane
// into a copy in memory and reading the whole vector back would stall on store forwarding.
#define KITE_REPLACE_LANE(V, a, lane, value, ...) \
    ({ const V index_ = {__VA_ARGS__}; V m_ = (V)(index_ == ((V){0} + (lane))); ((a) & ~m_) | (((V){0} + (value)) & m_); })
static inline kite_u8x16 kite_replace_lane_u8x16(kite_u8x16 a, uint32_t lane, uint8_t v) {
    return KITE_REPLACE_LANE(kite_u8x16, a, (uint8_t)lane, v, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
}
static inline kite_u16x8 kite_replace_lane_u16x8(kite_u16x8 a, uint32_t lane, uint16_t v) {
    return KITE_REPLACE_LANE(kite_u16x8, a, (uint16_t)lane, v, 0, 1, 2, 3, 4, 5, 6, 7);
}
static inline kite_u32x4 kite_replace_lane_u32x4(kite_u32x4 a, uint32_t lane, uint32_t v) {
    return KITE_REPLACE_LANE(kite_u32x4, a, lane, v, 0, 1, 2, 3);
}
static inline kite_u64x2 kite_replace_lane_u64x2(kite_u64x2 a, uint32_t lane, uint64_t v) {
    return KITE_REPLACE_LANE(kite_u64x2, a, (uint64_t)lane, v, 0, 1);
}

// Byte permutations (SSE2 has no variable byte shuffle): the result is assembled in two
// 64-bit registers from byte loads, then joined, so it never goes through memory in pieces.
static inline kite_u8x16 kite_permute(const uint8_t *bytes, uint64_t lo, uint64_t hi, unsigned mask) {
    uint64_t rlo = 0, rhi = 0;
    for (int i = 0; i < 8; i++) {
        rlo |= (uint64_t)bytes[(lo >> (8 * i)) & mask] << (8 * i);
        rhi |= (uint64_t)bytes[(hi >> (8 * i)) & mask] << (8 * i);
    }
    return (kite_u8x16)(kite_u64x2){rlo, rhi};
}

/// i8x16.swizzle: lane i of the result is lane b[i] of a, or 0 where b[i] >= 16.
static inline kite_u8x16 kite_swizzle(kite_u8x16 a, kite_u8x16 b) {
    uint8_t bytes[32] = {0};
    memcpy(bytes, &a, 16);
    // Indices of 16 or more read the zero half; min(b, 16) keeps them there.
    kite_u64x2 index = (kite_u64x2)__builtin_elementwise_min(b, (kite_u8x16){0} + 16);
    return kite_permute(bytes, index[0], index[1], 31);
}

/// i8x16.shuffle: lane i of the result is lane lanes[i] of the 32 lanes of a and b (the
/// indices, validated below 32, are the immediates lo and hi, byte i of the pair for lane i).
static inline kite_u8x16 kite_shuffle(kite_u8x16 a, kite_u8x16 b, uint64_t lo, uint64_t hi) {
    uint8_t both[32];
    memcpy(both, &a, 16);
    memcpy(both + 16, &b, 16);
    return kite_permute(both, lo, hi, 31);
}

/// i16x8.q15mulr_sat_s: (a * b + 2^14) >> 15, saturated (only -1 * -1 in Q15 overflows).
static inline kite_i16x8 kite_q15mulr_sat(kite_i16x8 a, kite_i16x8 b) {
    kite_i32x8 p = (KITE_WIDEN(a, kite_i32x8) * KITE_WIDEN(b, kite_i32x8) + 0x4000) >> 15;
    p = __builtin_elementwise_min(p, (kite_i32x8){0} + 32767);
    return __builtin_convertvector(p, kite_i16x8);
}

#endif
