"""Draw the pictures of the README from the bundled scenarios.

Run from the repository root (needs the extra ``landcalc[plot]``):

    python docs/make_pictures.py

Every picture is made by the same library calls as the commands' ``--plot``.
"""

from pathlib import Path

from landcalc import plots, whatif
from landcalc.analysis import cashflows, compare
from landcalc.scenario import load_scenario
from landcalc.simulate import simulate

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "img"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    plots.DPI = 60  # small files for the repository
    scen = ROOT / "scenarios"

    hen_wins = load_scenario(scen / "hen-wins.toml")
    res = compare(hen_wins)
    paybacks = {n: c.payback_year for n, c in res.comparisons.items()}
    plots.plot_cumulative(cashflows(hen_wins), str(OUT / "crossing.png"), paybacks)

    songjiang = load_scenario(scen / "songjiang-2016.toml")
    axes = [
        whatif.parse_vary("hen.tax.amount=1e6:2e7:40", songjiang),
        whatif.parse_vary("discount.rate=2%:12%:41", songjiang),
    ]
    plots.plot_sweep(whatif.sweep(songjiang, axes), str(OUT / "sweep.png"))
    plots.plot_tornado(whatif.tornado(songjiang, 0.2), str(OUT / "tornado.png"))
    plots.plot_spider(whatif.spider(songjiang, 0.2, 9), str(OUT / "spider.png"))
    plots.plot_simulation(simulate(songjiang, 100_000, seed=7), str(OUT / "simulate.png"))
    for p in sorted(OUT.glob("*.png")):
        print(f"{p.relative_to(ROOT)}: {p.stat().st_size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
