#!/usr/bin/env python3
"""Kite's two validators against each other and against wasm-tools, on invalid code.

    python3 Tools/validate-fuzz.py [--count N] [--seed S] [--mutate]

Generates N modules with `wasm-tools smith --allow-invalid-funcs true` (function bodies taken
from random bytes: most are malformed or invalid somewhere; with --mutate, valid modules
with one byte turned into a numeric opcode, mostly type errors) and checks each three ways:
`wasm-tools validate`, `kite validate` (the validator of lazy compilation) and `kite validate
--eager` (the translator's own checks). The two Kite answers must be the same, message and
byte offset included, and must agree with wasm-tools on valid versus invalid. Uses
.build/release/kite (`swift build -c release --product kite`). Exit code 1 on any
disagreement.
"""
import argparse
import collections
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KITE = os.environ.get("KITE", os.path.join(ROOT, ".build", "release", "kite"))
# The features Kite implements, SIMD and relaxed SIMD included (Tools/differential.py still
# generates no SIMD), bodies from raw bytes.
SMITH_FLAGS = ["--allow-invalid-funcs", "true", "--simd-enabled", "true", "--relaxed-simd-enabled", "true",
               "--exceptions-enabled", "true", "--gc-enabled", "true", "--threads-enabled", "false",
               "--custom-page-sizes-enabled", "false", "--wide-arithmetic-enabled", "false", "--compact-imports-enabled", "false",
               "--min-funcs", "1"]

# wasm-tools validates with the same features left out (a mutated byte can name a GC type).
REFERENCE_FEATURES = "--features=-threads,-wide-arithmetic,-custom-page-sizes"


def kite(path, eager):
    done = subprocess.run([KITE, "validate", path] + (["--eager"] if eager else []), capture_output=True, text=True)
    if done.returncode not in (0, 1) or not done.stdout.startswith(("valid", "invalid")):
        return f"crashed (exit {done.returncode}): {done.stderr.strip()[-300:]}"
    return done.stdout.strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mutate", action="store_true",
                        help="valid smith modules with one byte of their code turned into a numeric opcode, "
                             "instead of bodies from raw bytes")
    args = parser.parse_args()
    counts = {"valid": 0, "invalid": 0, "skipped": 0}
    messages = collections.Counter()
    disagreements = 0
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "m.wasm")
        for n in range(args.count):
            data = random.Random(args.seed * 1_000_003 + n).randbytes(4096)
            flags = SMITH_FLAGS[2:] if args.mutate else SMITH_FLAGS
            made = subprocess.run(["wasm-tools", "smith", "-o", path] + flags, input=data, capture_output=True)
            if made.returncode != 0:
                counts["skipped"] += 1
                continue
            if args.mutate:
                # One byte of the module's second half (where the code section is) becomes a
                # plain numeric opcode: mostly well-formed code with a type error in it.
                module = bytearray(open(path, "rb").read())
                pick = random.Random(n)
                module[pick.randrange(len(module) // 2, len(module))] = pick.randrange(0x45, 0xC5)
                open(path, "wb").write(module)
            reference = subprocess.run(["wasm-tools", "validate", REFERENCE_FEATURES, path], capture_output=True).returncode == 0
            lazy, eager = kite(path, False), kite(path, True)
            problem = None
            if lazy != eager:
                problem = f"validator: {lazy}\n  translator: {eager}"
            elif lazy.startswith("crashed"):
                problem = lazy
            elif (lazy == "valid") != reference:
                problem = f"wasm-tools says {'valid' if reference else 'invalid'}, Kite: {lazy}"
            if problem:
                disagreements += 1
                kept = os.path.join(tempfile.gettempdir(), f"validate-fuzz-{args.seed}-{n}.wasm")
                os.replace(path, kept)
                print(f"module {n} ({kept}):\n  {problem}")
                continue
            counts["valid" if lazy == "valid" else "invalid"] += 1
            if lazy != "valid":
                messages[lazy.removeprefix("invalid: ").split(" (at byte offset")[0]] += 1
    for message, n in messages.most_common(12):
        print(f"{n:6d}  {message}")
    print(f"validate-fuzz: {counts['valid']} valid and {counts['invalid']} invalid modules agreed, "
          f"{counts['skipped']} not generated, {disagreements} disagreed")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
