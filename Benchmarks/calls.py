#!/usr/bin/env python3
"""The call micro benchmarks: Kite and WasmKit side by side, alternating, on Benchmarks/calls.wat.

    python3 Benchmarks/calls.py [--runs N] [--calls N]

Each run of a runner's `calls FILE N` makes N guest-to-host calls (the guest's loop calls the
host's `env.inc`) and N host-to-guest calls with `[Value]` arguments (`add1`), and reports
nanoseconds per call. Prints the medians and WasmKit ÷ Kite (> 1: Kite is faster)."""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
RUNNERS = {
    "Kite": Path(os.environ.get("KITE_RUNNER", HERE.parent / ".build/release/kite-runner")),
    "WasmKit": Path(os.environ.get("WASMKIT_RUNNER", HERE / "WasmKitRunner/.build/release/wasmkit-runner")),
}
METRICS = {"guest_to_host_ns": "guest → host call, [Value]", "host_to_guest_ns": "host → guest call, [Value]"}
# Kite's typed API, against the same call on WasmKit (which has only its [Value] API).
TYPED = {"guest_to_host_typed_ns": ("guest → host call, typed closure", "guest_to_host_ns"),
         "host_to_guest_typed_ns": ("host → guest call, typed handle", "host_to_guest_ns")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=1_000_000)
    args = parser.parse_args()
    samples = {name: {m: [] for m in list(METRICS) + list(TYPED)} for name in RUNNERS}
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "report.json"
        for _ in range(args.runs):
            for name, runner in RUNNERS.items():
                done = subprocess.run([runner, "--json", report, "calls", HERE / "calls.wat", str(args.calls)],
                                      capture_output=True, text=True)
                if done.returncode != 0 or done.stdout.strip() != str(args.calls):
                    raise SystemExit(f"{name} failed: {done.stderr.strip()}")
                values = json.loads(report.read_text())
                for m in samples[name]:
                    if m in values:
                        samples[name][m].append(values[m])
    print(f"ns per call, median of {args.runs} runs of {args.calls:,} calls each; ratio = WasmKit ÷ Kite (> 1: Kite is faster)\n")
    print("| call | Kite | WasmKit | ratio |")
    print("| --- | ---: | ---: | ---: |")
    for m, label in METRICS.items():
        kite, wasmkit = statistics.median(samples["Kite"][m]), statistics.median(samples["WasmKit"][m])
        print(f"| {label} | {kite:.0f} | {wasmkit:.0f} | {wasmkit / kite:.2f}× |")
    for m, (label, peer) in TYPED.items():
        if samples["Kite"][m]:
            kite, wasmkit = statistics.median(samples["Kite"][m]), statistics.median(samples["WasmKit"][peer])
            print(f"| {label} (WasmKit: [Value]) | {kite:.0f} | {wasmkit:.0f} | {wasmkit / kite:.2f}× |")


if __name__ == "__main__":
    main()
