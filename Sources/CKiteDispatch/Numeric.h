// Wasm numeric semantics that C operators do not give directly: min/max with NaN and
// signed zeros, trapping and saturating float-to-int truncation, bit reinterpretation.
#ifndef CKITE_NUMERIC_H
#define CKITE_NUMERIC_H

#include <math.h>
#include <stdint.h>
#include <string.h>
#include "CKiteDispatch.h"

static inline uint32_t kite_f32_bits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static inline uint64_t kite_f64_bits(double f) { uint64_t u; memcpy(&u, &f, 8); return u; }
static inline float kite_f32_from_bits(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
static inline double kite_f64_from_bits(uint64_t u) { double f; memcpy(&f, &u, 8); return f; }

// NaN in, NaN out (a + b quiets it); -0 is less than +0.
static inline float kite_f32_min(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? a : b;
    return a < b ? a : b;
}
static inline float kite_f32_max(float a, float b) {
    if (a != a || b != b) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? b : a;
    return a > b ? a : b;
}
static inline double kite_f64_min(double a, double b) {
    if (a != a || b != b) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? a : b;
    return a < b ? a : b;
}
static inline double kite_f64_max(double a, double b) {
    if (a != a || b != b) return a + b;
    if (a == 0 && b == 0) return signbit(a) ? b : a;
    return a > b ? a : b;
}

// Truncation is defined when the truncated value fits; the bounds are exact in each type.
static inline bool kite_trunc_ok_f32_i32s(float a) { return a >= -2147483648.0f && a < 2147483648.0f; }
static inline bool kite_trunc_ok_f32_i32u(float a) { return a > -1.0f && a < 4294967296.0f; }
static inline bool kite_trunc_ok_f64_i32s(double a) { return a > -2147483649.0 && a < 2147483648.0; }
static inline bool kite_trunc_ok_f64_i32u(double a) { return a > -1.0 && a < 4294967296.0; }
static inline bool kite_trunc_ok_f32_i64s(float a) { return a >= -9223372036854775808.0f && a < 9223372036854775808.0f; }
static inline bool kite_trunc_ok_f32_i64u(float a) { return a > -1.0f && a < 18446744073709551616.0f; }
static inline bool kite_trunc_ok_f64_i64s(double a) { return a >= -9223372036854775808.0 && a < 9223372036854775808.0; }
static inline bool kite_trunc_ok_f64_i64u(double a) { return a > -1.0 && a < 18446744073709551616.0; }
static inline uint32_t kite_trunc_trap_f32(float a) { return a != a ? KITE_TRAP_INVALID_CONVERSION : KITE_TRAP_INTEGER_OVERFLOW; }
static inline uint32_t kite_trunc_trap_f64(double a) { return a != a ? KITE_TRAP_INVALID_CONVERSION : KITE_TRAP_INTEGER_OVERFLOW; }

static inline uint32_t kite_sat_f32_i32s(float a) {
    if (a != a) return 0;
    if (a < -2147483648.0f) return 0x80000000u;
    if (a >= 2147483648.0f) return 0x7FFFFFFFu;
    return (uint32_t)(int32_t)a;
}
static inline uint32_t kite_sat_f32_i32u(float a) {
    if (a != a || a <= -1.0f) return 0;
    if (a >= 4294967296.0f) return 0xFFFFFFFFu;
    return (uint32_t)a;
}
static inline uint32_t kite_sat_f64_i32s(double a) {
    if (a != a) return 0;
    if (a <= -2147483649.0) return 0x80000000u;
    if (a >= 2147483648.0) return 0x7FFFFFFFu;
    return (uint32_t)(int32_t)a;
}
static inline uint32_t kite_sat_f64_i32u(double a) {
    if (a != a || a <= -1.0) return 0;
    if (a >= 4294967296.0) return 0xFFFFFFFFu;
    return (uint32_t)a;
}
static inline uint64_t kite_sat_f32_i64s(float a) {
    if (a != a) return 0;
    if (a < -9223372036854775808.0f) return 0x8000000000000000ull;
    if (a >= 9223372036854775808.0f) return 0x7FFFFFFFFFFFFFFFull;
    return (uint64_t)(int64_t)a;
}
static inline uint64_t kite_sat_f32_i64u(float a) {
    if (a != a || a <= -1.0f) return 0;
    if (a >= 18446744073709551616.0f) return ~0ull;
    return (uint64_t)a;
}
static inline uint64_t kite_sat_f64_i64s(double a) {
    if (a != a) return 0;
    if (a < -9223372036854775808.0) return 0x8000000000000000ull;
    if (a >= 9223372036854775808.0) return 0x7FFFFFFFFFFFFFFFull;
    return (uint64_t)(int64_t)a;
}
static inline uint64_t kite_sat_f64_i64u(double a) {
    if (a != a || a <= -1.0) return 0;
    if (a >= 18446744073709551616.0) return ~0ull;
    return (uint64_t)a;
}

#endif
