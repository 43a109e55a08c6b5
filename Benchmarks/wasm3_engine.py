"""wasm3 (pywasm3 0.5) behind pyrunner.py. wasm3 has no WASI of its own: wasi_preview1.py provides
it, and every host function is a Python function linked by wasm3 signature."""

import os
import time

import wasm3

import wasmfile
from wasi_preview1 import NOSYS, ProcExit, Wasi

STACK_BYTES = 1 << 20  # wasm3's value stack, in bytes (its CLI's default is 64 KiB)
SIGNATURE = {"i32": "i", "i64": "I", "f32": "f", "f64": "F"}
ZERO = {"i32": 0, "i64": 0, "f32": 0.0, "f64": 0.0}


class Unsupported(Exception):
    """The module imports what pywasm3 cannot link."""


def is_trap(error: Exception) -> bool:
    return str(error).startswith("[trap]")


def load(path: str) -> bytes:
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\0asm":
        import wasmtime  # only for its WAT parser: wasm3 reads binaries only

        data = bytes(wasmtime.wat2wasm(data.decode()))
    return data


def signature(imp: wasmfile.FuncImport) -> str:
    types = imp.params + imp.results
    if any(t not in SIGNATURE for t in types) or len(imp.results) > 1:
        raise Unsupported(f"{imp.module}.{imp.name}: wasm3 links host functions of numeric types with at most one result")
    result = SIGNATURE[imp.results[0]] if imp.results else "v"
    return f"{result}({''.join(SIGNATURE[t] for t in imp.params)})"


def link(module, imports: list[wasmfile.FuncImport], host: dict) -> None:
    """Links every function import to host[(module, name)], a Python function."""
    for imp in imports:
        if (imp.module, imp.name) not in host:
            raise Unsupported(f"no host function for {imp.module}.{imp.name}")
        module.link_function(imp.module, imp.name, signature(imp), host[imp.module, imp.name])


def instantiate(data: bytes, host: dict):
    env = wasm3.Environment()
    module = env.parse_module(data)
    runtime = env.new_runtime(STACK_BYTES)
    runtime.load(module)
    link(module, wasmfile.read_module(data).func_imports, host)
    return runtime


def zero_stub(imp: wasmfile.FuncImport):
    result = ZERO[imp.results[0]] if imp.results else None
    return lambda *args: result


def coremark(path: str) -> dict:
    def clock_ms():
        ms = time.monotonic_ns() // 1_000_000
        return (ms + 2**31) % 2**32 - 2**31  # an i32, signed as wasm3 takes it
    runtime = instantiate(load(path), {("env", "clock_ms"): clock_ms})
    run = runtime.find_function("run")
    start = time.perf_counter_ns()
    score = run()
    return {"score": score, "run_ns": time.perf_counter_ns() - start}


def startup(path: str) -> dict:
    """compile_ns: wasm3's parse (it compiles each function on its first call); instantiate_ns:
    load (data and element segments) and link stubs."""
    data = load(path)
    imports = wasmfile.read_module(data).func_imports
    stubs = {(imp.module, imp.name): zero_stub(imp) for imp in imports}
    start = time.perf_counter_ns()
    env = wasm3.Environment()
    module = env.parse_module(data)
    compiled = time.perf_counter_ns()
    runtime = env.new_runtime(STACK_BYTES)
    runtime.load(module)
    link(module, imports, stubs)
    instantiated = time.perf_counter_ns()
    return {"compile_ns": compiled - start, "instantiate_ns": instantiated - compiled}


def sightglass(directory: str, file: str) -> dict:
    data = load(os.path.join(directory, file))
    os.chdir(directory)
    imports = wasmfile.read_module(data).func_imports
    start = time.perf_counter_ns()
    env = wasm3.Environment()
    module = env.parse_module(data)
    compiled = time.perf_counter_ns()
    runtime = env.new_runtime(STACK_BYTES)
    runtime.load(module)
    wasi = Wasi(lambda: runtime.get_memory(0), [file], [(".", ".")])
    regions, started = [], []
    host = {("bench", "start"): lambda: started.append(time.perf_counter_ns()),
            ("bench", "end"): lambda: regions.append(time.perf_counter_ns() - started.pop())}
    for name, function in wasi.functions().items():
        host["wasi_snapshot_preview1", name] = function
    for imp in imports:  # the rest of preview1: ENOSYS, as a WASI host does for what it lacks
        if imp.module == "wasi_snapshot_preview1":
            host.setdefault((imp.module, imp.name), lambda *args: NOSYS)
    link(module, imports, host)
    try:
        runtime.find_function("_start")()
        code = 0
    except ProcExit as exit:
        code = exit.code
    end = time.perf_counter_ns()
    return {"measured_ns": sum(regions), "run_ns": end - compiled, "compile_ns": compiled - start, "exit_code": code}


def invoke(path: str, function: str, arguments: list[int]) -> dict:
    runtime = instantiate(load(path), {})
    target = runtime.find_function(function)
    start = time.perf_counter_ns()
    results = target(*arguments)
    end = time.perf_counter_ns()
    for value in results if isinstance(results, tuple) else [] if results is None else [results]:
        print(value)
    return {"run_ns": end - start}
