"""Benchmark of land books: ``evaluate --points`` on a large CSV, and ``portfolio``.

Run from the repository root:

    .venv/bin/python benchmarks/bench_landbook.py            # 10^6 points
    .venv/bin/python benchmarks/bench_landbook.py --n 100000 # a quicker run

It writes a points CSV of N rows (an ``id`` column carried through and four
parameter columns) to a temporary folder, then reports, each the best of 3:

1. ``numpy.loadtxt`` of the four numeric columns of that file (the yardstick
   for reading);
2. ``landcalc.landbook.read_points`` of the same file (carried-through ``id``
   column included);
3. the engine on the rows read (every metric), i.e. the time beyond reading;
4. writing the result rows as CSV, against ``numpy.savetxt`` of the same
   numbers;
5. the whole command ``landcalc evaluate ... -o out.csv`` end to end, with its
   peak RSS (VmHWM of the fresh process: unlike ``ru_maxrss`` it does not
   inherit the high-water mark of this benchmark's own process);
6. ``portfolio --simulate 1000`` over a land book of 10^4 parcels (10^7
   parcel-draws), end to end in a fresh process, with its peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "songjiang-2016.toml"


def best_of(fn, repeats=3):
    times = []
    out = None
    for _ in range(repeats):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def make_points(path: Path, n: int, seed: int = 2016) -> None:
    rng = np.random.default_rng(seed)
    cols = [
        rng.uniform(2.5e5, 1.3e6, n),
        rng.uniform(0.0, 0.05, n),
        rng.uniform(0.0, 0.08, n),
        rng.uniform(0.06, 0.10, n),
    ]
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("id,hen.tax.amount,hen.tax.growth,hen.tax.hazard,discount.rate\n")
        block = 100_000
        for s in range(0, n, block):
            part = [c[s : s + block].tolist() for c in cols]
            ids = range(s, min(n, s + block))
            fh.write(
                "\n".join(
                    f"p{i},{a!r},{b!r},{c!r},{d!r}"
                    for i, a, b, c, d in zip(ids, *part, strict=True)
                )
            )
            fh.write("\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--parcels", type=int, default=10_000)
    ap.add_argument("--draws", type=int, default=1000)
    args = ap.parse_args(argv)
    from landcalc.columns import write_rows
    from landcalc.engine import evaluate
    from landcalc.landbook import evaluate_points, read_points
    from landcalc.scenario import load_scenario

    sc = load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory() as d:
        pts_file = Path(d) / "points.csv"
        make_points(pts_file, args.n)
        size = pts_file.stat().st_size / 1e6
        print(f"landbook benchmark: N = {args.n:,} rows, {size:.0f} MB CSV; best of 3")
        t_np, _ = best_of(
            lambda: np.loadtxt(pts_file, delimiter=",", skiprows=1, usecols=(1, 2, 3, 4))
        )
        t_read, pts = best_of(lambda: read_points(sc, pts_file))
        t_eval, res = best_of(lambda: evaluate(sc, pts.values, checked=True))
        rows = evaluate_points(sc, pts)
        header, cols, kinds = rows.columns()
        out_csv = Path(d) / "out.csv"

        def ours():
            with open(out_csv, "w", encoding="utf-8") as fh:
                write_rows(fh, header, cols, kinds)

        numeric = np.column_stack(
            [np.asarray(c, dtype=float) for c, k in zip(cols, kinds, strict=True) if k != "str"]
        )
        t_write, _ = best_of(ours)
        t_savetxt, _ = best_of(
            lambda: np.savetxt(Path(d) / "np.csv", numeric, delimiter=",", fmt="%.17g")
        )
        cmd = [
            sys.executable,
            "-c",
            "import sys; from landcalc.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM')]\n"
            "print(int(hwm[0].split()[1]), file=sys.stderr)",
            "evaluate",
            str(SCENARIO),
            "--points",
            str(pts_file),
            "-o",
            str(out_csv),
        ]
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        t_cli = time.perf_counter() - t
        rss = int(proc.stderr.strip().splitlines()[-1]) / 1024
        book = Path(d) / "book.csv"
        rng = np.random.default_rng(7)
        with open(book, "w", encoding="utf-8") as fh:
            fh.write("id,scenario.area,hen.tax.amount\n")
            areas = rng.uniform(5, 80, args.parcels).round(1).tolist()
            taxes = rng.uniform(2.5e5, 1.3e6, args.parcels).round(-3).tolist()
            fh.write(
                "\n".join(
                    f"P{i},{a},{t}" for i, (a, t) in enumerate(zip(areas, taxes, strict=True))
                )
            )
            fh.write("\n")
        cmd = [
            sys.executable,
            "-c",
            "import sys; from landcalc.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM')]\n"
            "print(int(hwm[0].split()[1]), file=sys.stderr)",
            "portfolio",
            str(SCENARIO),
            "--parcels",
            str(book),
            "--simulate",
            str(args.draws),
            "--seed",
            "1",
            "-o",
            str(Path(d) / "book-out.csv"),
            "-q",
        ]
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, check=True)
        t_sim = time.perf_counter() - t
        rss_sim = int(proc.stderr.strip().splitlines()[-1]) / 1024
    print(f"{'step':46s} {'seconds':>8s}")
    print(f"{'numpy.loadtxt, 4 numeric columns':46s} {t_np:8.2f}")
    print(
        f"{'read_points (id carried through)':46s} {t_read:8.2f}   "
        f"ratio to loadtxt {t_read / t_np:.2f}"
    )
    print(f"{'engine, every metric (beyond reading)':46s} {t_eval:8.2f}   target < 2 s")
    print(f"{'write result CSV (' + str(len(header)) + ' columns)':46s} {t_write:8.2f}")
    print(f"{'numpy.savetxt of the same numbers':46s} {t_savetxt:8.2f}")
    print(f"{'landcalc evaluate -o out.csv, end to end':46s} {t_cli:8.2f}   peak RSS {rss:.0f} MB")
    cells = args.parcels * args.draws
    label = f"portfolio --simulate {args.draws}, {args.parcels:,} parcels"
    print(
        f"{label:46s}"
        f" {t_sim:8.2f}   {cells:,} parcel-draws, peak RSS {rss_sim:.0f} MB "
        "(targets < 20 s, < 500 MB)"
    )
    del res


if __name__ == "__main__":
    main()
    resource.getrusage(resource.RUSAGE_SELF)
