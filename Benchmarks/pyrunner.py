"""The runner protocol of Benchmarks/README.md for the engines that run inside Python: wasm3
(pywasm3) and Wasmtime (wasmtime-py). The harness starts one process per run, so that a crash or a
hang stays contained, exactly as it does for kite-runner and wasmkit-runner:

    python3 pyrunner.py ENGINE [--json OUT] coremark FILE | startup FILE | sightglass DIR [FILE.wasm]
                                            | invoke FILE FUNC ARGS...

ENGINE is `wasm3` or `wasmtime`, implemented by wasm3_engine.py and wasmtime_engine.py."""

import importlib
import json
import sys

USAGE = "coremark FILE | startup FILE | sightglass DIR [FILE.wasm] | invoke FILE FUNC ARGS..."
ENGINES = ("wasm3", "wasmtime")


def run_command(engine, args: list[str]) -> dict:
    match args:
        case ["coremark", path]:
            return engine.coremark(path)
        case ["startup", path]:
            return engine.startup(path)
        case ["sightglass", directory]:
            return engine.sightglass(directory, "benchmark.wasm")
        case ["sightglass", directory, file]:
            return engine.sightglass(directory, file)
        case ["invoke", path, function, *arguments]:
            return engine.invoke(path, function, [int(a) for a in arguments])
    raise ValueError(f"usage: pyrunner.py ENGINE [--json OUT] {USAGE}")


def main() -> int:
    args = sys.argv[1:]
    name = args.pop(0) if args and args[0] in ENGINES else None
    json_path, engine = None, None
    if args[:1] == ["--json"] and len(args) >= 2:
        json_path = args[1]
        del args[:2]
    try:
        if name is None:
            raise ValueError(f"usage: pyrunner.py {{{','.join(ENGINES)}}} [--json OUT] {USAGE}")
        engine = importlib.import_module(f"{name}_engine")
        report = run_command(engine, args)
    except Exception as error:  # the protocol: a message, then 134 for a trap, 1 for anything else
        sys.stdout.flush()
        print(f"{name}-runner: {error}" if name else f"pyrunner: {error}", file=sys.stderr)
        return 134 if engine and engine.is_trap(error) else 1
    text = json.dumps(report, sort_keys=True)
    if json_path:
        with open(json_path, "w") as f:
            f.write(text)
    else:
        print(text, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
