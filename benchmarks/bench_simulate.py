"""Benchmark of ``landcalc simulate`` (Monte Carlo) against a per-draw Python loop.

Run from the repository root:

    .venv/bin/python benchmarks/bench_simulate.py            # 10^6 and 10^7 draws
    .venv/bin/python benchmarks/bench_simulate.py --quick    # 10^5 and 10^6 draws
    .venv/bin/python benchmarks/bench_simulate.py --json simulate.json

What it measures (see benchmarks/README.md):

1. ``landcalc.simulate.simulate`` on the bundled Songjiang scenario (5
   uncertain inputs, one rank correlation), each case in a fresh process:
   N = 10^6 with break-even rates and payback years included (as
   ``--draws-out`` needs them), N = 10^6 with the statistics only (the
   command's default), and the same two at N = 10^7; wall time of the first
   call (tables of quantiles built, threads started) and the peak resident
   memory of the process;
2. the loop a script would write: for each draw, the yearly cash of each
   option, ``numpy_financial.npv`` per option and ``numpy_financial.irr`` of
   the difference, timed on 10^3 draws (the same draws landcalc makes), and
   the NPVs cross-checked against landcalc's;
3. ``landcalc simulate`` end to end on the command line (10^6 draws, JSON
   to a pipe), and ``--draws-out`` throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_FILE = ROOT / "scenarios" / "songjiang-2016.toml"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import num, peak_rss_bytes, plain_flows, table, verdict, yearly_cash  # noqa: E402

#: Appended to the file when it has no [uncertain] table (an older checkout).
UNCERTAIN = """
[uncertain]
"hen.tax.amount" = { dist = "pert", low = 255_000, mode = 500_000, high = 1_300_000 }
"hen.tax.share" = { dist = "pert", low = 0.25, mode = 0.35, high = 0.50 }
"hen.tax.hazard" = { dist = "pert", low = 0.0, mode = 0.03, high = 0.08 }
"hen.tax.growth" = { dist = "pert", low = 0.0, mode = 0.02, high = 0.05 }
"discount.rate" = { dist = "uniform", low = 0.06, high = 0.10 }

[correlations]
pairs = [["hen.tax.amount", "hen.tax.growth", 0.5]]
"""

SEED = 2016
MB = 1e6
TARGET_1M_S = 2.0
TARGET_10M_S = 20.0
TARGET_MEMORY_MB = 500.0
CASES = {
    # name: (draws, break-even included)
    "1M-full": (1_000_000, True),
    "1M-stats": (1_000_000, False),
    "10M-stats": (10_000_000, False),
    "10M-full": (10_000_000, True),
}


def load_bench_scenario():
    """The bundled Songjiang scenario, with the [uncertain] table added if it has none."""
    from landcalc.scenario import load_scenario, scenario_from_text

    sc = load_scenario(SCENARIO_FILE)
    if sc.uncertain:
        return sc, str(SCENARIO_FILE.relative_to(ROOT))
    text = SCENARIO_FILE.read_text(encoding="utf-8") + UNCERTAIN
    return scenario_from_text(text, source="songjiang (inline [uncertain])"), "inline"


# --------------------------------------------------------------------------
# (1) one case in a fresh process


def run_case(name, scale):
    from landcalc.engine import ALL_METRICS
    from landcalc.simulate import simulate

    draws, full = CASES[name]
    draws = max(1000, int(draws * scale))
    sc, _ = load_bench_scenario()
    rss_before = peak_rss_bytes()
    t0 = time.perf_counter()
    res = simulate(sc, draws, SEED, metrics=ALL_METRICS if full else None)
    first = time.perf_counter() - t0
    rss_peak = peak_rss_bytes()
    again = None
    if draws <= 1_000_000:
        del res
        times = []
        for _ in range(2):
            t0 = time.perf_counter()
            res = simulate(sc, draws, SEED, metrics=ALL_METRICS if full else None)
            times.append(time.perf_counter() - t0)
            del res
        again = min(times)
        rss_peak = max(rss_peak, peak_rss_bytes())
    return {
        "draws": draws,
        "breakeven": full,
        "first_s": first,
        "best_again_s": again,
        "ns_per_draw": first / draws * 1e9,
        "rss_before_mb": rss_before / MB,
        "rss_peak_mb": rss_peak / MB,
    }


def spawn_case(name, scale):
    cmd = [sys.executable, __file__, "--case", name, "--scale", repr(scale)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": tail[:200]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# (2) the per-draw loop


def draws_for_loop(sc, n):
    """The first ``n`` draws landcalc makes, as plain lists per path."""
    from landcalc.correlate import prepare
    from landcalc.distributions import parse_uncertain
    from landcalc.simulate import Sampler

    dists = parse_uncertain(sc)
    rows = Sampler(dists, prepare(sc, dists), SEED, n).rows(0, n)
    return {p: v.tolist() for p, v in rows.items()}


def python_loop(sc, values, with_irr):
    """Per draw: yearly cash, npf.npv per option, npf.irr of each difference."""
    import numpy_financial as npf

    options = plain_flows(sc)
    horizon = sc.horizon
    base = sc.baseline
    others = [o for o in options if o != base]
    paths = [p for p in values if p != "discount.rate"]
    rates = values["discount.rate"]
    npvs = {o: [] for o in options}
    irrs = {o: [] for o in others}
    for i in range(len(rates)):
        params = {p: values[p][i] for p in paths}
        cash = {o: yearly_cash(flows, horizon, params) for o, flows in options.items()}
        for o in options:
            npvs[o].append(npf.npv(rates[i], cash[o]))
        if with_irr:
            for o in others:
                irrs[o].append(npf.irr([x - b for x, b in zip(cash[o], cash[base], strict=True)]))
    return npvs, irrs


def bench_loop(sc, n):
    import numpy as np

    from landcalc.engine import evaluate

    values = draws_for_loop(sc, n)
    out = {}
    for label, with_irr in (("npv_irr", True), ("npv_only", False)):
        times = []
        for _ in range(3):
            t0 = time.perf_counter()
            npvs, _ = python_loop(sc, values, with_irr)
            times.append(time.perf_counter() - t0)
        out[label] = {
            "best_s": min(times),
            "median_s": statistics.median(times),
            "us_per_draw": min(times) / n * 1e6,
        }
    res = evaluate(sc, {p: np.asarray(v) for p, v in values.items()}, metrics=())
    worst = 0.0
    for o, ref in npvs.items():
        ref = np.asarray(ref)
        worst = max(worst, float((np.abs(res.npv[o] - ref) / np.maximum(np.abs(ref), 1.0)).max()))
    out["npv_max_rel_error"] = worst
    out["draws"] = n
    return out


# --------------------------------------------------------------------------
# (3) the command line


def bench_cli(draws, out_draws):
    exe = Path(sys.executable).parent / "landcalc"
    if not exe.exists():
        return {"error": "no landcalc command next to this Python"}
    scen = str(SCENARIO_FILE.relative_to(ROOT))
    cmd = [str(exe), "simulate", scen, "--draws", str(draws), "--seed", str(SEED), "-f", "json"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - t0
    out = {"draws": draws, "wall_s": wall}
    if proc.returncode != 0:
        out["error"] = (proc.stderr.strip().splitlines() or ["?"])[-1][:200]
        return out
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "draws.csv"
        cmd = [str(exe), "simulate", scen, "--draws", str(out_draws), "--seed", str(SEED)]
        cmd += ["-f", "json", "--draws-out", str(target)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
        out["draws_out_wall_s"] = time.perf_counter() - t0
        out["draws_out_draws"] = out_draws
        if proc.returncode == 0 and target.exists():
            out["draws_out_mb"] = target.stat().st_size / MB
        else:
            out["draws_out_error"] = (proc.stderr.strip().splitlines() or ["?"])[-1][:200]
    return out


# --------------------------------------------------------------------------
# Report


def main(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark landcalc simulate.")
    parser.add_argument("--quick", action="store_true", help="10^5 and 10^6 draws")
    parser.add_argument("--loop-n", type=int, default=1000, help="draws in the loop (1000)")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    parser.add_argument("--case", choices=list(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.case:
        print(json.dumps(run_case(args.case, args.scale)))
        return 0

    scale = 0.1 if args.quick else 1.0
    started = time.perf_counter()
    import numpy as np
    import numpy_financial as npf

    from landcalc import simulate as simulate_module

    sc, source = load_bench_scenario()
    report = {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
            "numpy_financial": getattr(npf, "__version__", "?"),
        },
        "scenario": {"source": source, "uncertain": list(sc.uncertain)},
        "settings": {
            "seed": SEED,
            "scale": scale,
            "block": simulate_module.BLOCK,
            "chunk": simulate_module.DEFAULT_CHUNK,
        },
    }
    cases = {name: spawn_case(name, scale) for name in CASES}
    report["cases"] = cases
    loop = bench_loop(sc, args.loop_n)
    report["loop"] = loop
    cli = bench_cli(int(1_000_000 * scale), int(100_000 * scale))
    report["cli"] = cli

    m = report["machine"]
    print("landcalc simulate benchmark")
    print(
        f"machine: {m['cpus']} CPUs, Python {m['python']}, numpy {m['numpy']}, "
        f"numpy-financial {m['numpy_financial']}"
    )
    print(
        f"scenario: {source}; uncertain: {', '.join(report['scenario']['uncertain'])}; "
        f"one rank correlation; seed {SEED}"
    )
    print(
        f"random-number blocks of {simulate_module.BLOCK:,} draws, engine chunks of "
        f"{simulate_module.DEFAULT_CHUNK:,}; each case in a fresh process; 1 MB = 10^6 bytes"
    )
    print()
    print("(1) landcalc.simulate.simulate")
    rows = []
    for name, c in cases.items():
        if "error" in c:
            rows.append([name, "failed: " + c["error"], "", "", "", ""])
            continue
        rows.append(
            [
                f"{c['draws']:,} draws, " + ("break-even included" if c["breakeven"] else "stats"),
                f"{c['first_s']:.2f}",
                num(c["best_again_s"], ".2f"),
                f"{c['ns_per_draw']:,.0f}",
                f"{c['rss_before_mb']:.0f}",
                f"{c['rss_peak_mb']:.0f}",
            ]
        )
    print(table(["case", "first s", "again s", "ns/draw", "RSS before MB", "peak RSS MB"], rows))
    print()

    print(f"(2) per-draw Python loop with numpy-financial, {loop['draws']:,} draws")
    rows = []
    for label, key, case in (
        ("npv + irr  vs  break-even included", "npv_irr", cases["1M-full"]),
        ("npv only   vs  stats", "npv_only", cases["1M-stats"]),
    ):
        entry = loop[key]
        ns = None if "error" in case else case["ns_per_draw"]
        ratio = None if ns is None else entry["us_per_draw"] * 1e3 / ns
        entry["ratio"] = ratio
        rows.append(
            [
                label,
                f"{entry['best_s']:.3f}",
                f"{entry['us_per_draw']:,.1f}",
                num(ns, ",.0f"),
                num(ratio, ",.0f") + "x",
            ]
        )
    print(
        table(["loop  vs  simulate case", "best s", "us/draw", "simulate ns/draw", "ratio"], rows)
    )
    print(
        "cross-check: max relative NPV difference landcalc vs npf.npv "
        f"{loop['npv_max_rel_error']:.1e}"
    )
    print()

    print("(3) command line")
    if "error" in cli:
        print(f"landcalc simulate: {cli['error']}")
    else:
        print(
            f"landcalc simulate songjiang-2016.toml --draws {cli['draws']:,} -f json: "
            f"{cli['wall_s']:.2f} s wall"
        )
        if "draws_out_mb" in cli:
            rate = cli["draws_out_draws"] / cli["draws_out_wall_s"]
            print(
                f"... --draws {cli['draws_out_draws']:,} --draws-out: "
                f"{cli['draws_out_wall_s']:.2f} s wall, {cli['draws_out_mb']:.1f} MB of CSV "
                f"(about {rate:,.0f} rows/s, break-even included)"
            )
    print()

    targets = []

    def target(name, measured, goal, ok):
        targets.append({"check": name, "measured": measured, "target": goal, "met": ok})

    big = scale == 1.0
    c1 = cases["1M-full"]
    if "error" not in c1:
        target(
            f"{c1['draws']:,} draws, break-even included",
            f"{c1['first_s']:.2f} s",
            f"< {TARGET_1M_S:.0f} s",
            c1["first_s"] < TARGET_1M_S if big else None,
        )
    for name in ("10M-stats", "10M-full"):
        c = cases[name]
        if "error" in c:
            target(f"{name}", "failed", "", False)
            continue
        label = f"{c['draws']:,} draws, " + (
            "break-even included" if c["breakeven"] else "stats (default)"
        )
        target(
            label,
            f"{c['first_s']:.1f} s, {c['rss_peak_mb']:.0f} MB peak RSS",
            f"< {TARGET_10M_S:.0f} s, < {TARGET_MEMORY_MB:.0f} MB",
            (c["first_s"] < TARGET_10M_S and c["rss_peak_mb"] < TARGET_MEMORY_MB) if big else None,
        )
    ratio = loop["npv_irr"].get("ratio")
    target("speed-up per draw vs npf loop", num(ratio, ",.0f") + "x", "reported", None)
    report["targets"] = targets
    print("Targets")
    print(
        table(
            ["check", "measured", "target", "result"],
            [[t["check"], t["measured"], t["target"], verdict(t["met"])] for t in targets],
        )
    )
    if not big:
        print("note: --quick runs a tenth of the draws; the targets apply to the full run")
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
