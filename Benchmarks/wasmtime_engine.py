"""Wasmtime's JIT (wasmtime-py, Cranelift, default configuration) behind pyrunner.py."""

import os
import time

import wasmtime as wt


def is_trap(error: Exception) -> bool:
    return isinstance(error, wt.Trap)


def load(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()  # wasmtime.Module takes .wat text as well


def clock_ms() -> int:
    ms = time.monotonic_ns() // 1_000_000
    return (ms + 2**31) % 2**32 - 2**31  # an i32, signed as wasmtime-py takes it


def zero(kind: wt.ValType):
    if kind in (wt.ValType.i32(), wt.ValType.i64()):
        return 0
    if kind in (wt.ValType.f32(), wt.ValType.f64()):
        return 0.0
    return None  # a null reference


def stub_imports(store: wt.Store, linker: wt.Linker, module: wt.Module) -> None:
    """Every import a stub: functions return zeros, memories are new ones of the import's type."""
    for imp in module.imports:
        if isinstance(imp.type, wt.FuncType):
            results = [zero(kind) for kind in imp.type.results]
            value = results[0] if len(results) == 1 else results or None
            linker.define_func(imp.module, imp.name, imp.type, lambda *args, value=value: value)
        elif isinstance(imp.type, wt.MemoryType):
            linker.define(store, imp.module, imp.name, wt.Memory(store, imp.type))
        else:
            raise ValueError(f"startup stubs only functions and memories; {imp.module}.{imp.name} is neither")


def coremark(path: str) -> dict:
    engine = wt.Engine()
    store = wt.Store(engine)
    linker = wt.Linker(engine)
    linker.define_func("env", "clock_ms", wt.FuncType([], [wt.ValType.i32()]), clock_ms)
    instance = linker.instantiate(store, wt.Module(engine, load(path)))
    run = instance.exports(store)["run"]
    start = time.perf_counter_ns()
    score = run(store)
    return {"score": score, "run_ns": time.perf_counter_ns() - start}


def startup(path: str) -> dict:
    """compile_ns: Cranelift compiles every function; instantiate_ns: linking stubs and instantiating."""
    data = load(path)
    start = time.perf_counter_ns()
    engine = wt.Engine()
    module = wt.Module(engine, data)
    compiled = time.perf_counter_ns()
    store = wt.Store(engine)
    linker = wt.Linker(engine)
    stub_imports(store, linker, module)
    linker.instantiate(store, module)
    instantiated = time.perf_counter_ns()
    return {"compile_ns": compiled - start, "instantiate_ns": instantiated - compiled}


def sightglass(directory: str, file: str) -> dict:
    data = load(os.path.join(directory, file))
    os.chdir(directory)
    start = time.perf_counter_ns()
    engine_config = wt.Config()
    # splay uses Wasm GC (structs and arrays), which wasmtime enables only when asked.
    engine_config.wasm_gc = True
    engine_config.wasm_function_references = True
    engine = wt.Engine(engine_config)
    module = wt.Module(engine, data)
    compiled = time.perf_counter_ns()
    config = wt.WasiConfig()
    config.argv = [file]
    config.preopen_dir(".", ".")
    config.inherit_stdout()
    config.inherit_stderr()
    store = wt.Store(engine)
    store.set_wasi(config)
    linker = wt.Linker(engine)
    linker.define_wasi()
    regions, started = [], []
    nothing = wt.FuncType([], [])
    linker.define_func("bench", "start", nothing, lambda: started.append(time.perf_counter_ns()))
    linker.define_func("bench", "end", nothing, lambda: regions.append(time.perf_counter_ns() - started.pop()))
    instance = linker.instantiate(store, module)
    try:
        instance.exports(store)["_start"](store)
        code = 0
    except wt.ExitTrap as exit:
        code = exit.code
    end = time.perf_counter_ns()
    return {"measured_ns": sum(regions), "run_ns": end - compiled, "compile_ns": compiled - start, "exit_code": code}


def invoke(path: str, function: str, arguments: list[int]) -> dict:
    engine = wt.Engine()
    store = wt.Store(engine)
    instance = wt.Linker(engine).instantiate(store, wt.Module(engine, load(path)))
    target = instance.exports(store)[function]
    start = time.perf_counter_ns()
    results = target(store, *arguments)
    end = time.perf_counter_ns()
    for value in results if isinstance(results, list) else [] if results is None else [results]:
        print(value)
    return {"run_ns": end - start}
