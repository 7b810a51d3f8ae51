"""Benchmark of landcalc's batch engine against a plain Python loop.

Run from the repository root:

    .venv/bin/python benchmarks/bench_engine.py            # N = 10^6, loop on 10^3 sets
    .venv/bin/python benchmarks/bench_engine.py --quick    # N = 10^5, loop on 200 sets
    .venv/bin/python benchmarks/bench_engine.py --json bench.json

What it measures (see benchmarks/README.md for the meaning of every number):

1. ``landcalc.engine.evaluate`` on N random parameter sets with every metric
   (NPVs, difference, payback year, break-even rate);
2. the same with NPVs only (``metrics=()``);
3. peak memory of each, with ``tracemalloc`` and the process peak RSS; each
   case runs in a fresh subprocess so that the RSS peaks are separate;
4. the loop a user would write: yearly cash-flow lists, ``numpy_financial.npv``
   per option and ``numpy_financial.irr`` of the difference, per parameter set;
5. start-up time of ``landcalc --help`` against ``python -c "import click"``,
   and whether ``--help`` imports numpy or rich.table;
6. ``landcalc compare`` on the flagship scenario, end to end.

Engine timings are the best of 3 repeats (the median is shown too); loop
timings are the best of 3 passes over the loop's sets; start-up timings are
medians.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_FILE = ROOT / "scenarios" / "songjiang-2016.toml"

INLINE_SCENARIO = """\
[scenario]
name = "Songjiang 2016: rooster or hen (inline copy for the benchmark)"
area = 1000
area_unit = "mu"
horizon = 50
baseline = "rooster"

[discount]
rate = 0.08

[options.rooster]
label = "Residential land sale"

[options.rooster.flows.land_sale]
kind = "once"
amount = 30_000_000
year = 0

[options.rooster.flows.land_cost]
kind = "once"
amount = -24_000_000
year = 0

[options.hen]
label = "Industrial land sale and local taxes"

[options.hen.flows.land_sale]
kind = "once"
amount = 1_000_000
year = 0

[options.hen.flows.land_cost]
kind = "once"
amount = -24_000_000
year = 0

[options.hen.flows.tax]
kind = "annual"
amount = 500_000
share = 0.35
start = 3
ramp = 2
growth = 0.02
hazard = 0.03
"""

#: Random parameter ranges (uniform): path -> (low, high).
RANGES = {
    "hen.tax.amount": (2.5e5, 1.3e6),
    "hen.tax.growth": (0.0, 0.05),
    "hen.tax.hazard": (0.0, 0.08),
    "discount.rate": (0.06, 0.10),
}

FULL_METRICS = frozenset({"payback", "breakeven"})
REPEATS = 3
MB = 1e6

TARGET_FULL_NS = 1000.0  # 1 s for 10^6 sets
TARGET_MEMORY_MB = 300.0
TARGET_FULL_SPEEDUP = 1000.0
TARGET_NPV_SPEEDUP = 300.0
TARGET_HELP_RATIO = 1.5
TARGET_COMPARE_S = 0.3
TARGET_REL_ERROR = 1e-9


# --------------------------------------------------------------------------
# Inputs


def load_bench_scenario(source=None):
    """The scenario file, or the inline copy when the file is missing or does not load.

    Returns ``(scenario, source, note)`` where ``source`` is ``"file"`` or ``"inline"``.
    """
    from landcalc.scenario import load_scenario, scenario_from_text

    note = ""
    if source in (None, "file"):
        try:
            return load_scenario(SCENARIO_FILE), "file", note
        except Exception as exc:  # the file may be half written: fall back
            if source == "file":
                raise
            note = f"{type(exc).__name__}: {exc}"
    return scenario_from_text(INLINE_SCENARIO, source="inline"), "inline", note


def draw_values(n, seed):
    """N random parameter sets: a dict of path -> array of shape (n,)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    return {path: rng.uniform(low, high, n) for path, (low, high) in RANGES.items()}


def peak_rss_bytes():
    """Peak resident set size of this process so far."""
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


# --------------------------------------------------------------------------
# (1)-(3): one engine case, run inside a fresh subprocess


def run_case(case, n, seed, source, workers):
    """Time and measure one engine case in this process; return a dict."""
    from landcalc.engine import evaluate

    scenario, _, _ = load_bench_scenario(source)
    values = draw_values(n, seed)
    metrics = FULL_METRICS if case == "full" else ()
    kwargs = {} if workers is None else {"workers": workers}
    rss_before = peak_rss_bytes()

    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        res = evaluate(scenario, values, metrics=metrics, **kwargs)
        times.append(time.perf_counter() - t0)
        del res
    rss_peak = peak_rss_bytes()

    tracemalloc.start()
    res = evaluate(scenario, values, metrics=metrics, **kwargs)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    result_bytes = sum(a.nbytes for a in res.npv.values())
    result_bytes += sum(a.nbytes for a in res.undiscounted.values())
    result_bytes += sum(a.nbytes for a in res.difference.values())
    result_bytes += sum(a.nbytes for d in res.flow_npv.values() for a in d.values())
    result_bytes += sum(a.nbytes for a in res.payback_year.values())
    result_bytes += sum(a.nbytes for a in res.breakeven_rate.values())
    result_bytes += sum(a.nbytes for a in res.several_roots.values())
    input_bytes = sum(a.nbytes for a in values.values())

    best = min(times)
    return {
        "case": case,
        "n": n,
        "metrics": sorted(metrics),
        "times_s": times,
        "best_s": best,
        "median_s": statistics.median(times),
        "sets_per_s": n / best,
        "ns_per_set": best / n * 1e9,
        "tracemalloc_peak_mb": traced_peak / MB,
        "rss_before_mb": rss_before / MB,
        "rss_peak_mb": rss_peak / MB,
        "result_arrays_mb": result_bytes / MB,
        "input_arrays_mb": input_bytes / MB,
    }


def spawn_case(case, n, seed, source, workers):
    """Run one engine case in a fresh Python process; return its dict or an error dict."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--case", case]
    cmd += ["--n", str(n), "--seed", str(seed), "--source", source]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["(no output)"]
        return {"case": case, "n": n, "error": lines[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# (4): the loop a user would write


def plain_flows(scenario):
    """Each option's flows as plain dicts, the way a script would hold them."""
    horizon = scenario.horizon
    area = scenario.area_mu
    options = {}
    for option in scenario.options.values():
        flows = []
        for f in option.flows.values():
            flows.append(
                {
                    "path": f"{option.name}.{f.name}",
                    "kind": f.kind,
                    "amount": f.amount,
                    "share": f.share,
                    "scale": 1.0 if f.basis == "total" else area,
                    "year": f.year,
                    "start": f.start,
                    "end": horizon if f.end is None else f.end,
                    "ramp": f.ramp,
                    "growth": f.growth,
                    "hazard": f.hazard,
                }
            )
        options[option.name] = flows
    return options


def yearly_cash(flows, horizon, params):
    """Cash in years 0..horizon of one option (SPEC section 3)."""
    cash = [0.0] * (horizon + 1)
    for f in flows:
        p = f["path"]
        amount = params.get(p + ".amount", f["amount"])
        share = params.get(p + ".share", f["share"])
        base = amount * share * f["scale"]
        if f["kind"] == "once":
            if f["year"] <= horizon:
                cash[f["year"]] += base
            continue
        growth = params.get(p + ".growth", f["growth"])
        hazard = params.get(p + ".hazard", f["hazard"])
        start, ramp = f["start"], f["ramp"]
        for t in range(start, min(f["end"], horizon) + 1):
            k = t - start
            ramp_share = min(1.0, (k + 1) / (ramp + 1))
            cash[t] += base * ramp_share * (1 + growth) ** k * (1 - hazard) ** k
    return cash


def python_loop(scenario, values, with_irr):
    """NPV of every option (and the IRR of each difference) for each parameter set.

    ``values`` holds plain lists. Returns ``(npvs, irrs)``: lists per option.
    """
    import numpy_financial as npf

    options = plain_flows(scenario)
    horizon = scenario.horizon
    baseline = scenario.baseline
    others = [o for o in options if o != baseline]
    amounts = values["hen.tax.amount"]
    growths = values["hen.tax.growth"]
    hazards = values["hen.tax.hazard"]
    rates = values["discount.rate"]
    npvs = {o: [] for o in options}
    irrs = {o: [] for o in others}
    for i in range(len(rates)):
        params = {
            "hen.tax.amount": amounts[i],
            "hen.tax.growth": growths[i],
            "hen.tax.hazard": hazards[i],
        }
        cash = {o: yearly_cash(flows, horizon, params) for o, flows in options.items()}
        for o in options:
            npvs[o].append(npf.npv(rates[i], cash[o]))
        if with_irr:
            for o in others:
                diff = [x - b for x, b in zip(cash[o], cash[baseline], strict=True)]
                irrs[o].append(npf.irr(diff))
    return npvs, irrs


def time_loop(scenario, values, with_irr):
    times = []
    out = None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        out = python_loop(scenario, values, with_irr)
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times), out


def cross_check(scenario, values, loop_npvs, loop_irrs):
    """Largest relative NPV error of landcalc against npf.npv, and the IRR agreement."""
    import numpy as np

    from landcalc.engine import evaluate

    arrays = {p: np.asarray(v) for p, v in values.items()}
    res = evaluate(scenario, arrays, metrics=FULL_METRICS)
    worst = 0.0
    for o, ref in loop_npvs.items():
        ref = np.asarray(ref)
        err = np.abs(res.npv[o] - ref) / np.maximum(np.abs(ref), 1.0)
        worst = max(worst, float(err.max()))
    irr_worst = 0.0
    both = 0
    mismatched = 0
    for o, ref in loop_irrs.items():
        ref = np.asarray(ref, dtype=float)
        ours = res.breakeven_rate[o]
        ok = np.isfinite(ref) & np.isfinite(ours)
        both += int(ok.sum())
        mismatched += int((np.isfinite(ref) != np.isfinite(ours)).sum())
        if ok.any():
            irr_worst = max(irr_worst, float(np.abs(ours[ok] - ref[ok]).max()))
    return {
        "sets": len(values["discount.rate"]),
        "npv_max_rel_error": worst,
        "irr_compared": both,
        "irr_found_by_one_only": mismatched,
        "irr_max_abs_diff": irr_worst,
    }


# --------------------------------------------------------------------------
# (5)-(6): the command line


HELP_IMPORT_CHECK = r"""
import contextlib, io, json, sys
out = {"ok": False}
try:
    import click
    import landcalc.cli as cli
    group = getattr(cli, "main", None)
    if not isinstance(group, click.Command):
        group = next(
            (v for v in vars(cli).values() if isinstance(v, click.Group)), group
        )
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        if isinstance(group, click.Command):
            code = group.main(["--help"], prog_name="landcalc", standalone_mode=False)
        else:
            sys.argv = ["landcalc", "--help"]
            try:
                group()
                code = 0
            except SystemExit as exc:
                code = exc.code or 0
    out["ok"] = code in (0, None) and "Usage" in buf.getvalue()
    if not out["ok"]:
        out["error"] = f"--help exited with {code!r}"
except BaseException as exc:
    out["error"] = f"{type(exc).__name__}: {exc}"
out["numpy"] = "numpy" in sys.modules
out["rich.table"] = "rich.table" in sys.modules
out["rich"] = "rich" in sys.modules
print(json.dumps(out))
"""


def find_landcalc():
    exe = Path(sys.executable).parent / "landcalc"
    if exe.exists():
        return str(exe)
    return shutil.which("landcalc")


def first_line(text):
    lines = [x for x in text.strip().splitlines() if x.strip()]
    return lines[-1][:120] if lines else "(no output)"


def wall_times(commands, runs):
    """Median wall time of each command, run alternately after one untimed warm-up.

    Returns a list of ``(median_s, error)``; error is None when every run succeeded.
    """
    times = [[] for _ in commands]
    errors = [None for _ in commands]
    for rep in range(runs + 1):
        for i, cmd in enumerate(commands):
            if errors[i] is not None:
                continue
            t0 = time.perf_counter()
            try:
                proc = subprocess.run(
                    cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT
                )
            except OSError as exc:
                errors[i] = str(exc)
                continue
            elapsed = time.perf_counter() - t0
            if proc.returncode != 0:
                errors[i] = f"exit status {proc.returncode}: {first_line(proc.stderr)}"
            elif rep > 0:
                times[i].append(elapsed)
    return [
        (statistics.median(t) if e is None else None, e) for t, e in zip(times, errors, strict=True)
    ]


def bench_cli(runs, scenario_path):
    exe = find_landcalc()
    out = {"runs": runs, "landcalc": exe}
    if exe is None:
        out["help_error"] = out["compare_error"] = "no landcalc command found"
        out["import_click_s"] = wall_times([[sys.executable, "-c", "import click"]], runs)[0][0]
    else:
        results = wall_times(
            [
                [exe, "--help"],
                [sys.executable, "-c", "import click"],
                [exe, "compare", str(scenario_path)],
            ],
            runs,
        )
        (help_s, help_err), (click_s, _), (compare_s, compare_err) = results
        out.update(
            help_s=help_s,
            help_error=help_err,
            import_click_s=click_s,
            compare_s=compare_s,
            compare_error=compare_err,
        )
    proc = subprocess.run(
        [sys.executable, "-c", HELP_IMPORT_CHECK], capture_output=True, text=True, cwd=ROOT
    )
    try:
        out["help_imports"] = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        out["help_imports"] = {"ok": False, "error": first_line(proc.stderr)}
    return out


# --------------------------------------------------------------------------
# Report


def table(headers, rows):
    """Plain-text table: first column left-aligned, the others right-aligned."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def fmt(row):
        parts = [row[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    lines = [fmt(cells[0]), "  ".join("-" * w for w in widths)]
    lines += [fmt(r) for r in cells[1:]]
    return "\n".join(lines)


def num(x, spec):
    return "n/a" if x is None else format(x, spec)


def verdict(ok):
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Benchmark landcalc's batch engine against a plain Python loop.",
    )
    parser.add_argument("--n", type=int, default=1_000_000, help="parameter sets (1000000)")
    parser.add_argument("--loop-n", type=int, default=1000, help="sets in the loop (1000)")
    parser.add_argument("--quick", action="store_true", help="N = 10^5, loop on 200 sets")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    parser.add_argument("--seed", type=int, default=2016, help="random seed (2016)")
    parser.add_argument(
        "--workers", type=int, default=None, help="engine threads (default: the engine's)"
    )
    parser.add_argument("--runs", type=int, default=None, help="CLI timing runs (15; quick 5)")
    parser.add_argument("--case", choices=["full", "npv"], help=argparse.SUPPRESS)
    parser.add_argument("--source", choices=["file", "inline"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.case:
        print(json.dumps(run_case(args.case, args.n, args.seed, args.source, args.workers)))
        return 0

    if args.quick:
        args.n, args.loop_n = 100_000, 200
    runs = args.runs if args.runs is not None else (5 if args.quick else 15)
    started = time.perf_counter()

    import numpy as np
    import numpy_financial as npf

    from landcalc import engine

    scenario, source, note = load_bench_scenario()
    workers = args.workers if args.workers is not None else min(os.cpu_count() or 1, 4)

    report = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
            "numpy_financial": getattr(npf, "__version__", "?"),
        },
        "scenario": {
            "source": str(SCENARIO_FILE.relative_to(ROOT)) if source == "file" else "inline",
            "fallback_reason": note or None,
            "options": list(scenario.options),
            "baseline": scenario.baseline,
            "horizon": scenario.horizon,
        },
        "settings": {
            "n": args.n,
            "loop_n": args.loop_n,
            "seed": args.seed,
            "workers": workers,
            "chunk_size": engine.DEFAULT_CHUNK,
            "engine_statistic": f"best of {REPEATS}",
            "loop_statistic": f"best of {REPEATS}",
            "cli_statistic": f"median of {runs}",
            "ranges": RANGES,
        },
    }

    full = spawn_case("full", args.n, args.seed, source, args.workers)
    npv_only = spawn_case("npv", args.n, args.seed, source, args.workers)
    report["engine"] = {"full": full, "npv_only": npv_only}

    loop_values = {p: a.tolist() for p, a in draw_values(args.loop_n, args.seed).items()}
    irr_best, irr_median, (loop_npvs, loop_irrs) = time_loop(scenario, loop_values, True)
    npv_best, npv_median, _ = time_loop(scenario, loop_values, False)
    check = cross_check(scenario, loop_values, loop_npvs, loop_irrs)
    loops = {
        "npv_irr": {"best_s": irr_best, "median_s": irr_median},
        "npv_only": {"best_s": npv_best, "median_s": npv_median},
    }
    for entry in loops.values():
        entry["us_per_set"] = entry["best_s"] / args.loop_n * 1e6
    report["loop"] = loops
    report["cross_check"] = check

    def speedup(loop, case):
        if "error" in case:
            return None
        return loop["us_per_set"] * 1e3 / case["ns_per_set"]

    full_speedup = speedup(loops["npv_irr"], full)
    npv_speedup = speedup(loops["npv_only"], npv_only)
    loops["npv_irr"]["speedup"] = full_speedup
    loops["npv_only"]["speedup"] = npv_speedup

    if source == "file":
        cli_file = SCENARIO_FILE
        cli = bench_cli(runs, cli_file.relative_to(ROOT))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            cli_file = Path(tmp) / "songjiang-2016.toml"
            cli_file.write_text(INLINE_SCENARIO, encoding="utf-8")
            cli = bench_cli(runs, cli_file)
    report["cli"] = cli

    # ---------------------------------------------------------------- print
    m = report["machine"]
    print("landcalc batch engine benchmark")
    print(
        f"machine: {m['cpus']} CPUs, Python {m['python']}, numpy {m['numpy']}, "
        f"numpy-financial {m['numpy_financial']}"
    )
    where = report["scenario"]["source"]
    if note:
        where += f" (scenario file did not load: {note})"
    print(
        f"scenario: {where}; options {', '.join(scenario.options)} "
        f"(baseline {scenario.baseline}); horizon {scenario.horizon}"
    )
    print(
        f"engine: workers={workers}, chunk_size={engine.DEFAULT_CHUNK}; seed {args.seed}; "
        f"{len(RANGES)} parameters drawn uniformly"
    )
    print(
        f"timings: engine best of {REPEATS} (each case in a fresh process), "
        f"loops best of {REPEATS}, CLI median of {runs}; 1 MB = 10^6 bytes"
    )
    print()

    print(f"(1)-(3) landcalc.engine.evaluate, N = {args.n:,} parameter sets")
    rows = []
    for label, case in (("all metrics", full), ("NPVs only", npv_only)):
        if "error" in case:
            rows.append([label, "failed: " + case["error"]] + [""] * 7)
            continue
        rows.append(
            [
                label,
                f"{case['best_s']:.3f}",
                f"{case['median_s']:.3f}",
                f"{case['sets_per_s']:,.0f}",
                f"{case['ns_per_set']:,.0f}",
                f"{case['tracemalloc_peak_mb']:.1f}",
                f"{case['rss_before_mb']:.1f}",
                f"{case['rss_peak_mb']:.1f}",
            ]
        )
    print(
        table(
            [
                "case",
                "best s",
                "median s",
                "sets/s",
                "ns/set",
                "traced peak MB",
                "RSS before MB",
                "peak RSS MB",
            ],
            rows,
        )
    )
    print()

    print(f"(4) Python loop a user would write, {args.loop_n:,} parameter sets")
    rows = []
    for label, key, case in (
        ("npv + irr  vs  all metrics", "npv_irr", full),
        ("npv only   vs  NPVs only", "npv_only", npv_only),
    ):
        loop = loops[key]
        ns = None if "error" in case else case["ns_per_set"]
        rows.append(
            [
                label,
                f"{loop['best_s']:.3f}",
                f"{loop['us_per_set']:,.1f}",
                num(ns, ",.0f"),
                num(loop["speedup"], ",.0f"),
            ]
        )
    print(table(["loop  vs  engine case", "best s", "us/set", "engine ns/set", "speed-up"], rows))
    print(
        f"cross-check on the loop's {check['sets']:,} sets: max relative NPV error "
        f"{check['npv_max_rel_error']:.2e}; break-even rate vs npf.irr: "
        f"{check['irr_compared']:,} compared, max abs difference "
        f"{check['irr_max_abs_diff']:.2e}, {check['irr_found_by_one_only']} found by one only"
    )
    print()

    print(f"(5)-(6) command line, median of {runs} runs")
    imports = cli["help_imports"]
    rows = [
        ["landcalc --help", num(cli.get("help_s"), ".3f"), cli.get("help_error") or ""],
        ['python -c "import click"', num(cli.get("import_click_s"), ".3f"), ""],
        [
            f"landcalc compare {Path(cli_file).name}",
            num(cli.get("compare_s"), ".3f"),
            cli.get("compare_error") or "",
        ],
    ]
    print(table(["command", "median s", "note"], rows))
    if imports.get("ok"):
        print(
            "import landcalc.cli + group --help: numpy imported: "
            f"{'yes' if imports['numpy'] else 'no'}; rich.table imported: "
            f"{'yes' if imports['rich.table'] else 'no'}"
        )
    else:
        print(f"import landcalc.cli + group --help: not available ({imports.get('error')})")
    print()

    # ---------------------------------------------------------------- targets
    big = args.n >= 1_000_000
    targets = []

    def target(name, measured, goal, ok):
        targets.append({"check": name, "measured": measured, "target": goal, "met": ok})

    if "error" in full:
        target("all metrics, time per set", "failed", "", False)
    else:
        t_label = "N=10^6 all metrics" if args.n == 1_000_000 else "all metrics, per set"
        target(
            t_label,
            f"best {full['best_s']:.3f} s ({full['ns_per_set']:,.0f} ns/set), "
            f"median {full['median_s']:.3f} s",
            "< 1 s (< 1000 ns/set)" if args.n == 1_000_000 else "< 1000 ns/set (1 s at 10^6)",
            full["ns_per_set"] < TARGET_FULL_NS,
        )
    for label, case in (("all metrics", full), ("NPVs only", npv_only)):
        if "error" in case:
            continue
        target(
            f"peak memory, {label}",
            f"{case['rss_peak_mb']:.0f} MB RSS, {case['tracemalloc_peak_mb']:.0f} MB traced",
            f"< {TARGET_MEMORY_MB:.0f} MB at N=10^6",
            (max(case["rss_peak_mb"], case["tracemalloc_peak_mb"]) < TARGET_MEMORY_MB)
            if big
            else None,
        )
    target(
        "speed-up per set vs npv+irr loop",
        num(full_speedup, ",.0f") + "x",
        f">= {TARGET_FULL_SPEEDUP:,.0f}x",
        None if full_speedup is None else full_speedup >= TARGET_FULL_SPEEDUP,
    )
    target(
        "speed-up per set, NPVs vs npv loop",
        num(npv_speedup, ",.0f") + "x",
        f">= {TARGET_NPV_SPEEDUP:,.0f}x",
        None if npv_speedup is None else npv_speedup >= TARGET_NPV_SPEEDUP,
    )
    target(
        "NPV max relative error vs npf.npv",
        f"{check['npv_max_rel_error']:.1e}",
        f"<= {TARGET_REL_ERROR:.0e}",
        check["npv_max_rel_error"] <= TARGET_REL_ERROR,
    )
    help_s, click_s = cli.get("help_s"), cli.get("import_click_s")
    if help_s is None or not click_s:
        target("landcalc --help vs import click", "not available", "<= 1.5x", None)
    else:
        ratio = help_s / click_s
        cli["help_ratio"] = ratio
        target(
            "landcalc --help vs import click",
            f"{ratio:.2f}x",
            f"<= {TARGET_HELP_RATIO}x",
            ratio <= TARGET_HELP_RATIO,
        )
    if imports.get("ok"):
        heavy = [k for k in ("numpy", "rich.table") if imports[k]]
        target(
            "--help imports numpy / rich.table",
            ", ".join(heavy) if heavy else "neither",
            "neither",
            not heavy,
        )
    else:
        target("--help imports numpy / rich.table", "not available", "neither", None)
    compare_s = cli.get("compare_s")
    target(
        "landcalc compare, end to end",
        "not available" if compare_s is None else f"{compare_s:.3f} s",
        f"< {TARGET_COMPARE_S} s",
        None if compare_s is None else compare_s < TARGET_COMPARE_S,
    )
    report["targets"] = targets

    print("Targets")
    print(
        table(
            ["check", "measured", "target", "result"],
            [[t["check"], t["measured"], t["target"], verdict(t["met"])] for t in targets],
        )
    )
    if args.n != 1_000_000 or args.loop_n != 1000:
        print(
            "note: the targets are set for N = 10^6 and a loop of 10^3 sets; with fewer sets "
            "fixed costs weigh more per set"
        )
    elapsed = time.perf_counter() - started
    report["elapsed_s"] = elapsed
    print()
    print(f"benchmark wall time: {elapsed:.1f} s")

    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"numbers written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
