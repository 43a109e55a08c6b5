#!/usr/bin/env bash
# Times Kite against WasmKit's CLI on the compute kernels, side by side in one hyperfine run
# per kernel (these machines are noisy: only ratios measured together mean anything).
#
#   WASMKIT_CLI=/path/to/wasmkit-cli Benchmarks/compare.sh [hyperfine options]
#
# Build WasmKit 0.4.2's CLI in release mode from its SwiftPM copy:
#   git clone --branch 0.4.2 <WasmKit repository> wasmkit && cd wasmkit && swift build -c release --product wasmkit-cli
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
: "${WASMKIT_CLI:?set WASMKIT_CLI to a release build of wasmkit-cli}"
command -v hyperfine >/dev/null || { echo "hyperfine is required (apt-get install hyperfine)" >&2; exit 1; }
# --omit-frame-pointers: SwiftPM compiles C with frame pointers by default, which costs every
# handler a push and a pop (see PERFORMANCE.md).
# The same flags as Tools/test, so the two commands share one release build.
swift build -c release --omit-frame-pointers -Xswiftc -enable-testing --package-path "$root" --product kite >&2
kite="$root/.build/release/kite"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# kernel export argument
kernels=(
    "fib fib 30"
    "loops loops 20000"
    "sieve sieve 20"
    "state state 10000000"
    "indirect indirect 10000000"
)
for entry in "${kernels[@]}"; do
    set -- $entry
    "$kite" wat2wasm "$root/Benchmarks/kernels/$1.wat" -o "$work/$1.wasm"
    kite_out=$("$kite" run "$work/$1.wasm" --invoke "$2" "$3")
    wasmkit_out=$("$WASMKIT_CLI" run "$work/$1.wasm" "$2" "i32:$3")
    echo "== $1: kite prints $kite_out, wasmkit prints $wasmkit_out"
    hyperfine --warmup 1 --runs "${RUNS:-5}" --export-markdown "$work/$1.md" \
        -n kite "$kite run $work/$1.wasm --invoke $2 $3" \
        -n wasmkit "$WASMKIT_CLI run $work/$1.wasm $2 i32:$3" "${@:4}"
done
