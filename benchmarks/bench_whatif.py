"""Benchmark of the what-if tools: a 10^6-point sweep, its CSV, and goal seek.

Run from the repository root:

    .venv/bin/python benchmarks/bench_whatif.py            # 1,000 x 1,000 grid
    .venv/bin/python benchmarks/bench_whatif.py --quick    # 300 x 300 grid
    .venv/bin/python benchmarks/bench_whatif.py --json whatif.json

What it measures (see benchmarks/README.md):

1. ``landcalc.whatif.sweep`` of the Songjiang scenario over a two-way grid
   (hen.tax.amount x discount.rate, every metric: NPVs, difference, payback
   year, break-even rate): best of 3, and the peak memory, in a fresh process;
2. writing that sweep as CSV (``landcalc.columns``, as ``sweep -o x.csv``
   does) against ``numpy.savetxt`` of the same numbers, and as JSON;
3. the loop a script would write instead: ``compare(load_scenario(FILE,
   overrides=...))`` for each point, timed on 100 points of the same grid;
4. goal seek (``landcalc.whatif.breakeven``) of non-linear parameters, best
   of 5, and the "what would have to be true" table of every input;
5. ``landcalc sweep ... -o grid.csv`` end to end, with its peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIO_FILE = ROOT / "scenarios" / "songjiang-2016.toml"

AMOUNT = ("hen.tax.amount", 1e5, 2e7)  # yuan/mu/yr: the hen wins above about 9.7 M
RATE = ("discount.rate", 0.02, 0.12)
REPEATS = 3
MB = 1e6

TARGET_SWEEP_S = 1.5
TARGET_MEMORY_MB = 400.0
TARGET_SEEK_S = 0.2
SEEK_PARAMS = ("hen.tax.growth", "hen.tax.hazard", "discount.rate", "hen.tax.end")


def varies(k):
    return [f"{p}={lo}:{hi}:{k}" for p, lo, hi in (AMOUNT, RATE)]


def peak_rss_bytes(who=resource.RUSAGE_SELF):
    rss = resource.getrusage(who).ru_maxrss
    return rss if sys.platform == "darwin" else rss * 1024


def load():
    from landcalc.scenario import load_scenario

    return load_scenario(SCENARIO_FILE)


# --------------------------------------------------------------------------
# (1) and (2): in a fresh process each


def case_sweep(k):
    from landcalc.whatif import parse_vary, sweep

    sc = load()
    axes = [parse_vary(v, sc) for v in varies(k)]
    rss_before = peak_rss_bytes()
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        res = sweep(sc, axes)
        times.append(time.perf_counter() - t0)
        del res
    rss_peak = peak_rss_bytes()
    tracemalloc.start()
    res = sweep(sc, axes)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    b = res.batch
    return {
        "n": res.n,
        "times_s": times,
        "best_s": min(times),
        "median_s": statistics.median(times),
        "ns_per_point": min(times) / res.n * 1e9,
        "rss_before_mb": rss_before / MB,
        "rss_peak_mb": rss_peak / MB,
        "traced_peak_mb": traced / MB,
        "hen_ahead": int((b.difference["hen"] > 0).sum()),
        "with_payback": int((b.payback_year["hen"] == b.payback_year["hen"]).sum()),
        "with_breakeven_rate": int((b.breakeven_rate["hen"] == b.breakeven_rate["hen"]).sum()),
    }


def case_write(k):
    import numpy as np

    from landcalc.columns import write_rows
    from landcalc.whatif import parse_vary, sweep
    from landcalc.whatif_view import sweep_columns

    sc = load()
    res = sweep(sc, [parse_vary(v, sc) for v in varies(k)])
    names, arrays, kinds = sweep_columns(res)
    out = {"rows": res.n, "columns": len(names)}
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("csv", "json"):
            path = Path(tmp) / f"sweep.{fmt}"
            times = []
            for _ in range(2):
                t0 = time.perf_counter()
                with open(path, "w", encoding="utf-8", newline="") as fh:
                    write_rows(fh, names, arrays, kinds, fmt)
                times.append(time.perf_counter() - t0)
            out[f"{fmt}_s"] = min(times)
            out[f"{fmt}_mb"] = path.stat().st_size / MB
        # the same numbers with numpy.savetxt: its default format, and %.17g (round trip)
        matrix = np.column_stack(arrays)
        for label, fmt in (("savetxt_s", "%.18e"), ("savetxt_g17_s", "%.17g")):
            path = Path(tmp) / "savetxt.csv"
            t0 = time.perf_counter()
            np.savetxt(path, matrix, fmt=fmt, delimiter=",", header=",".join(names), comments="")
            out[label] = time.perf_counter() - t0
            out[label.replace("_s", "_mb")] = path.stat().st_size / MB
        # every value reads back exactly
        back = np.genfromtxt(Path(tmp) / "sweep.csv", delimiter=",", skip_header=1, max_rows=20000)
        exact = all(
            np.array_equal(back[:, j], arrays[j][:20000], equal_nan=True) for j in range(len(names))
        )
        out["csv_reads_back_exactly_first_20000_rows"] = bool(exact)
    return out


def spawn(case, k):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--case", case, "--k", str(k)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines() or ["(no output)"]
        return {"error": lines[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# (3) the loop, (4) goal seek, (5) the command line


def bench_loop(k, points):
    """``compare`` with overrides, one call per point, on ``points`` points of the grid."""
    import numpy as np

    from landcalc.analysis import compare
    from landcalc.scenario import load_scenario
    from landcalc.whatif import parse_vary, sweep

    sc = load()
    res = sweep(sc, [parse_vary(v, sc) for v in varies(k)])
    idx = np.linspace(0, res.n - 1, points).round().astype(int)
    amounts = res.values[AMOUNT[0]][idx].tolist()
    rates = res.values[RATE[0]][idx].tolist()
    times, worst = [], 0.0
    for rep in range(REPEATS):
        t0 = time.perf_counter()
        diffs = []
        for a, r in zip(amounts, rates, strict=True):
            one = compare(load_scenario(SCENARIO_FILE, overrides={AMOUNT[0]: a, RATE[0]: r}))
            diffs.append(one.comparisons["hen"].difference)
        times.append(time.perf_counter() - t0)
        if rep == 0:
            ref = res.batch.difference["hen"][idx]
            worst = float(np.max(np.abs(np.array(diffs) - ref) / np.maximum(np.abs(ref), 1.0)))
    best = min(times)
    return {"points": points, "best_s": best, "us_per_point": best / points * 1e6, "max_rel": worst}


def bench_seek():
    from landcalc.whatif import breakeven

    sc = load()
    out = {}
    for p in (*SEEK_PARAMS, "hen.tax.amount"):
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            res = breakeven(sc, p)
            times.append(time.perf_counter() - t0)
        g = res.comparisons["hen"]
        out[p] = {
            "best_s": min(times),
            "method": res.method,
            "value": g.value,
            "difference_at_value": g.difference_at_value,
        }
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        table = breakeven(sc)
        times.append(time.perf_counter() - t0)
    out["table"] = {"best_s": min(times), "inputs": len(table.rows)}
    return out


LAUNCHER = r"""
import json, resource, subprocess, sys, time
t0 = time.perf_counter()
proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
rss = rss if sys.platform == "darwin" else rss * 1024
print(json.dumps({"code": proc.returncode, "stderr": proc.stderr, "elapsed_s": elapsed,
                  "peak_rss_mb": rss / 1e6}))
"""


def bench_cli(k):
    exe = Path(sys.executable).parent / "landcalc"
    if not exe.exists():
        return {"error": "no landcalc command next to this Python"}
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "grid.csv"
        cmd = [str(exe), "sweep", str(SCENARIO_FILE)]
        for v in varies(k):
            cmd += ["--vary", v]
        cmd += ["-o", str(target)]
        # a small launcher, so that the peak RSS of its only child is the command's
        proc = subprocess.run(
            [sys.executable, "-c", LAUNCHER, *cmd], capture_output=True, text=True, cwd=ROOT
        )
        if proc.returncode != 0:
            return {"error": proc.stderr.strip()[-200:]}
        run = json.loads(proc.stdout.strip().splitlines()[-1])
        if run["code"] != 0:
            return {"error": run["stderr"][-200:]}
        lines = sum(1 for _ in open(target, encoding="utf-8"))
        seek_cmd = [str(exe), "breakeven", str(SCENARIO_FILE), "--param", "hen.tax.growth"]
        seek = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run(seek_cmd, capture_output=True, cwd=ROOT, check=True)
            seek.append(time.perf_counter() - t0)
    return {
        "sweep_s": run["elapsed_s"],
        "sweep_rss_mb": run["peak_rss_mb"],
        "csv_lines": lines,
        "breakeven_median_s": statistics.median(seek),
    }


# --------------------------------------------------------------------------
# Report


def table(headers, rows):
    cells = [headers] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def fmt(row):
        parts = [row[0].ljust(widths[0])]
        parts += [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]
        return "  ".join(parts).rstrip()

    return "\n".join(
        [fmt(cells[0]), "  ".join("-" * w for w in widths)] + [fmt(r) for r in cells[1:]]
    )


def verdict(ok):
    return "n/a" if ok is None else ("met" if ok else "MISSED")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark landcalc's what-if tools.")
    parser.add_argument("--k", type=int, default=1000, help="points per axis (1000)")
    parser.add_argument("--loop-points", type=int, default=100, help="points in the loop (100)")
    parser.add_argument("--quick", action="store_true", help="a 300 x 300 grid")
    parser.add_argument("--json", metavar="FILE", help="also write the numbers as JSON")
    parser.add_argument("--case", choices=["sweep", "write"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case == "sweep":
        print(json.dumps(case_sweep(args.k)))
        return 0
    if args.case == "write":
        print(json.dumps(case_write(args.k)))
        return 0
    if args.quick:
        args.k = 300
    started = time.perf_counter()
    import numpy as np

    k, n = args.k, args.k * args.k
    report = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "numpy": np.__version__,
        },
        "grid": {"k": k, "n": n, "axes": [AMOUNT, RATE]},
    }
    report["sweep"] = sw = spawn("sweep", k)
    report["write"] = wr = spawn("write", k)
    report["loop"] = lp = bench_loop(k, args.loop_points)
    report["seek"] = sk = bench_seek()
    report["cli"] = cl = bench_cli(k)

    m = report["machine"]
    print("landcalc what-if benchmark")
    print(f"machine: {m['cpus']} CPUs, Python {m['python']}, numpy {m['numpy']}")
    print(
        f"scenario: {SCENARIO_FILE.relative_to(ROOT)}; grid {k:,} x {k:,} = {n:,} points: "
        f"{AMOUNT[0]} {AMOUNT[1]:g}..{AMOUNT[2]:g} x {RATE[0]} {RATE[1]:g}..{RATE[2]:g}"
    )
    print()
    print("(1) whatif.sweep, every metric (NPVs, difference, payback year, break-even rate)")
    if "error" in sw:
        print(f"failed: {sw['error']}")
    else:
        print(
            table(
                ["", "best s", "median s", "ns/point", "RSS before MB", "peak RSS MB", "traced MB"],
                [
                    [
                        f"{n:,} points",
                        f"{sw['best_s']:.3f}",
                        f"{sw['median_s']:.3f}",
                        f"{sw['ns_per_point']:.0f}",
                        f"{sw['rss_before_mb']:.0f}",
                        f"{sw['rss_peak_mb']:.0f}",
                        f"{sw['traced_peak_mb']:.0f}",
                    ]
                ],
            )
        )
        print(
            f"hen ahead at {sw['hen_ahead']:,} points; payback at {sw['with_payback']:,}; "
            f"a break-even rate at {sw['with_breakeven_rate']:,}"
        )
    print()
    print("(2) writing the sweep (in blocks of 50,000 rows)")
    if "error" in wr:
        print(f"failed: {wr['error']}")
    else:
        print(
            table(
                ["writer", "s", "MB", "vs savetxt"],
                [
                    [
                        "landcalc.columns CSV",
                        f"{wr['csv_s']:.2f}",
                        f"{wr['csv_mb']:.0f}",
                        f"{wr['savetxt_s'] / wr['csv_s']:.1f}x faster",
                    ],
                    [
                        "landcalc.columns JSON rows",
                        f"{wr['json_s']:.2f}",
                        f"{wr['json_mb']:.0f}",
                        f"{wr['savetxt_s'] / wr['json_s']:.1f}x faster",
                    ],
                    [
                        "numpy.savetxt fmt=%.18e",
                        f"{wr['savetxt_s']:.2f}",
                        f"{wr['savetxt_mb']:.0f}",
                        "",
                    ],
                    [
                        "numpy.savetxt fmt=%.17g",
                        f"{wr['savetxt_g17_s']:.2f}",
                        f"{wr['savetxt_g17_mb']:.0f}",
                        "",
                    ],
                ],
            )
        )
        print(
            f"{wr['rows']:,} rows x {wr['columns']} columns; CSV reads back exactly "
            f"(first 20,000 rows checked): {wr['csv_reads_back_exactly_first_20000_rows']}"
        )
    print()
    print("(3) the loop instead: compare(load_scenario(FILE, overrides)) per point")
    ratio = None
    if "error" not in sw:
        ratio = lp["us_per_point"] * 1e3 / sw["ns_per_point"]
    print(
        table(
            ["", "points", "best s", "us/point", "sweep ns/point", "sweep faster by"],
            [
                [
                    "loop",
                    lp["points"],
                    f"{lp['best_s']:.3f}",
                    f"{lp['us_per_point']:,.0f}",
                    "n/a" if ratio is None else f"{sw['ns_per_point']:.0f}",
                    "n/a" if ratio is None else f"{ratio:,.0f}x",
                ]
            ],
        )
    )
    print(f"loop vs sweep, max relative difference of the difference: {lp['max_rel']:.1e}")
    print()
    print("(4) goal seek (whatif.breakeven), best of 5")
    rows = []
    for p, r in sk.items():
        if p == "table":
            continue
        rows.append([p, r["method"], f"{r['best_s'] * 1e3:.1f}", str(r["value"])])
    rows.append(
        [
            f"every input ({sk['table']['inputs']})",
            "table",
            f"{sk['table']['best_s'] * 1e3:.1f}",
            "",
        ]
    )
    print(table(["param", "method", "ms", "break-even value"], rows))
    print()
    print("(5) command line, end to end")
    if "error" in cl:
        print(f"failed: {cl['error']}")
    else:
        rss = f"{cl['sweep_rss_mb']:.0f}"
        print(
            table(
                ["command", "s", "peak RSS MB"],
                [
                    [f"landcalc sweep ({n:,} points) -o grid.csv", f"{cl['sweep_s']:.2f}", rss],
                    [
                        "landcalc breakeven --param hen.tax.growth (median of 5)",
                        f"{cl['breakeven_median_s']:.3f}",
                        "",
                    ],
                ],
            )
        )
    print()

    big = n >= 1_000_000
    targets = []

    def target(name, measured, goal, ok):
        targets.append({"check": name, "measured": measured, "target": goal, "met": ok})

    if "error" not in sw:
        target(
            f"sweep of {n:,} points",
            f"{sw['best_s']:.3f} s",
            f"< {TARGET_SWEEP_S} s at 10^6",
            (sw["best_s"] < TARGET_SWEEP_S) if big else None,
        )
        target(
            "sweep peak memory",
            f"{max(sw['rss_peak_mb'], sw['traced_peak_mb']):.0f} MB",
            f"< {TARGET_MEMORY_MB:.0f} MB at 10^6",
            (max(sw["rss_peak_mb"], sw["traced_peak_mb"]) < TARGET_MEMORY_MB) if big else None,
        )
    if "error" not in wr:
        target(
            "CSV write vs numpy.savetxt",
            f"{wr['csv_s']:.2f} s vs {wr['savetxt_s']:.2f} s",
            "no slower",
            wr["csv_s"] <= wr["savetxt_s"],
        )
    worst_seek = max(r["best_s"] for p, r in sk.items() if p in SEEK_PARAMS)
    target(
        "goal seek, non-linear",
        f"{worst_seek * 1e3:.1f} ms (slowest)",
        "< 0.2 s",
        worst_seek < TARGET_SEEK_S,
    )
    report["targets"] = targets
    print("Targets")
    print(
        table(
            ["check", "measured", "target", "result"],
            [[t["check"], t["measured"], t["target"], verdict(t["met"])] for t in targets],
        )
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
