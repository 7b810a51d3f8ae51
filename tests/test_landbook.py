"""Land books: evaluate and portfolio from CSV files."""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
from conftest import SCENARIOS
from test_exports import run

from landcalc.analysis import compare
from landcalc.landbook import portfolio, read_points
from landcalc.scenario import load_scenario

SONGJIANG = str(SCENARIOS / "songjiang-2016.toml")
PARCELS = str(SCENARIOS / "songjiang-parcels.csv")


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def points(tmp_path):
    p = tmp_path / "points.csv"
    p.write_text(
        "id,hen.tax.amount,options.hen.flows.tax.growth,district,discount.rate,hen.tax.start\n"
        "a,500000,0.02,Sijing,0.08,3\n"
        'b,1300000,0.05,"Dongjing, north",0.06,2\n'
        "c,2.5e6,0,Sheshan,0.1,1\n"
        "d,900000,-0.01,Xinqiao,0.03,5\n",
        encoding="utf-8",
    )
    return p


def test_every_row_equals_compare_with_set(points):
    code, out, err = run(["evaluate", SONGJIANG, "--points", str(points), "-f", "csv"])
    assert code == 0, err
    rows = rows_of(out)
    assert [r["id"] for r in rows] == ["a", "b", "c", "d"]
    assert [r["district"] for r in rows] == ["Sijing", "Dongjing, north", "Sheshan", "Xinqiao"]
    assert list(rows[0])[:6] == [
        "id",
        "hen.tax.amount",
        "options.hen.flows.tax.growth",
        "district",
        "discount.rate",
        "hen.tax.start",
    ]
    for r in rows:
        sets = [
            f"hen.tax.amount={r['hen.tax.amount']}",
            f"hen.tax.growth={r['options.hen.flows.tax.growth']}",
            f"discount.rate={r['discount.rate']}",
            f"hen.tax.start={r['hen.tax.start']}",
        ]
        ref = compare(load_scenario(SONGJIANG, overrides=sets))
        assert float(r["npv.rooster"]) == pytest.approx(ref.options["rooster"].npv, rel=1e-12)
        assert float(r["npv.hen"]) == pytest.approx(ref.options["hen"].npv, rel=1e-12)
        c = ref.comparisons["hen"]
        assert float(r["difference.hen"]) == pytest.approx(c.difference, rel=1e-12)
        assert (int(r["payback_year.hen"]) if r["payback_year.hen"] else None) == c.payback_year
        if c.breakeven_rate is None:
            assert r["breakeven_rate.hen"] == ""
        else:
            assert float(r["breakeven_rate.hen"]) == pytest.approx(c.breakeven_rate, abs=1e-10)


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv"])
def test_evaluate_formats(points, fmt):
    code, out, err = run(["evaluate", SONGJIANG, "--points", str(points), "-f", fmt])
    assert code == 0, err
    if fmt == "json":
        data = json.loads(out)
        assert len(data) == 4 and data[1]["district"] == "Dongjing, north"
        assert data[0]["payback_year.hen"] is None
    elif fmt == "csv":
        assert len(rows_of(out)) == 4
    else:
        assert "Dongjing, north" in out and "difference.hen" in out


def test_evaluate_writes_atomically(points, tmp_path):
    target = tmp_path / "out.csv"
    assert run(["evaluate", SONGJIANG, "--points", str(points), "-o", str(target)])[0] == 0
    assert len(rows_of(target.read_text(encoding="utf-8"))) == 4
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


BAD = [
    ("", "the file is empty"),
    ("1,2\n3,4\n", "line 1: no header"),
    (
        "id,hen.tax.amont\na,1\n",
        "line 1, column 2 (hen.tax.amont): unknown field of an annual "
        "flow; did you mean 'hen.tax.amount'?",
    ),
    ("id,hen.tx.amount\na,1\n", "line 1, column 2 (hen.tx.amount): unknown flow; did you mean"),
    (
        "id,hen.tax.amount\na,1\nb,abc\n",
        "line 3, column 2 (hen.tax.amount): hen.tax.amount = 'abc': not a number",
    ),
    (
        "id,hen.tax.amount\na,1\nb,\n",
        "line 3, column 2 (hen.tax.amount): hen.tax.amount: the cell is empty",
    ),
    (
        "id,hen.tax.start\na,1\nb,2.5\n",
        "line 3, column 2 (hen.tax.start): hen.tax.start = 2.5: must be a whole number of years",
    ),
    (
        "id,hen.tax.hazard\na,0.1\nb,0.2\nc,1.5\n",
        "line 4, column 2 (hen.tax.hazard): hen.tax.hazard = 1.5: must be at least 0 and below 1",
    ),
    ("id,hen.tax.amount\na,1\nb,2,3\n", "line 3: has 3 cells where the header has 2"),
    ("id,hen.tax.amount\n", "has a header but no rows"),
    ("id,name\na,b\n", "line 1: no column names a parameter path"),
    (
        "id,hen.tax.start\na,60\n",
        "line 2, column 2 (hen.tax.start): hen.tax.start = 60 is after hen.tax.end = 50",
    ),
    (
        "id,hen.tax.amount,options.hen.flows.tax.amount\na,1,2\n",
        "hen.tax.amount is given by two columns",
    ),
]


@pytest.mark.parametrize("text,needle", BAD)
@pytest.mark.parametrize("command,flag", [("evaluate", "--points"), ("portfolio", "--parcels")])
def test_bad_csv(tmp_path, text, needle, command, flag):
    bad = tmp_path / "bad.csv"
    bad.write_text(text, encoding="utf-8")
    target = tmp_path / "out.csv"
    target.write_text("old", encoding="utf-8")
    code, out, err = run([command, SONGJIANG, flag, str(bad), "-o", str(target)])
    assert code == 2
    assert err.startswith(f"error: {flag} {bad}: ") and err.count("\n") == 1
    assert needle in err
    assert "Traceback" not in err and out == ""
    assert target.read_text(encoding="utf-8") == "old"


def test_missing_points_file(tmp_path):
    code, _, err = run(["evaluate", SONGJIANG, "--points", str(tmp_path / "no.csv")])
    assert code == 2 and "no such file" in err


# -- portfolio -------------------------------------------------------------------


def test_portfolio_totals_are_sums_of_rows():
    sc = load_scenario(SONGJIANG)
    pts = read_points(sc, PARCELS, what="--parcels")
    res = portfolio(sc, pts, choose="best")
    b = res.rows.batch
    t = res.totals
    assert 30 <= t.parcels <= 60
    assert t.area_mu == pytest.approx(1000.0)
    assert t.area_mu == pytest.approx(pts.values["scenario.area"].sum())
    for o in sc.options:
        assert t.npv[o] == pytest.approx(b.npv[o].sum(), rel=1e-12)
    assert t.difference["hen"] == pytest.approx(b.difference["hen"].sum(), rel=1e-12)
    hen_better = b.npv["hen"] > b.npv["rooster"]
    assert t.wins_parcels["hen"] == int(hen_better.sum())
    assert t.wins_parcels["rooster"] + t.wins_parcels["hen"] == t.parcels
    assert t.wins_mu["hen"] == pytest.approx(pts.values["scenario.area"][hen_better].sum())
    # --choose best picks the larger NPV on every parcel
    expect = np.where(hen_better, "hen", "rooster")
    assert list(t.best) == list(expect)
    best_total = np.where(hen_better, b.npv["hen"], b.npv["rooster"]).sum()
    assert t.plans["best"] == pytest.approx(best_total, rel=1e-12)
    assert t.plans["best"] >= max(t.npv.values()) - 1e-6 * abs(best_total)


def test_portfolio_mixed_plan(tmp_path):
    book = tmp_path / "book.csv"
    book.write_text(
        "id,scenario.area,hen.tax.amount\nlow,10,300000\nhigh,20,12000000\n", encoding="utf-8"
    )
    sc = load_scenario(SONGJIANG)
    res = portfolio(sc, read_points(sc, book), choose="best")
    assert list(res.totals.best) == ["rooster", "hen"]
    assert res.totals.wins_mu == {"rooster": 10.0, "hen": 20.0}
    assert res.totals.plans["best"] > res.totals.plans["all.rooster"]
    assert res.totals.plans["best"] > res.totals.plans["all.hen"]


def test_one_parcel_book_equals_compare(tmp_path):
    book = tmp_path / "one.csv"
    book.write_text("id,scenario.area,hen.tax.share\nonly,250,0.45\n", encoding="utf-8")
    code, out, err = run(["portfolio", SONGJIANG, "--parcels", str(book), "-f", "json"])
    assert code == 0, err
    data = json.loads(out)
    ref = compare(load_scenario(SONGJIANG, overrides=["scenario.area=250", "hen.tax.share=0.45"]))
    assert data["totals"]["npv"]["hen"] == pytest.approx(ref.options["hen"].npv, rel=1e-12)
    assert data["totals"]["difference"]["hen"] == pytest.approx(
        ref.comparisons["hen"].difference, rel=1e-12
    )
    assert data["totals"]["area_mu"] == 250
    assert data["rows"][0]["id"] == "only"


@pytest.mark.parametrize("fmt", ["table", "markdown", "csv"])
def test_portfolio_formats(fmt):
    code, out, err = run(
        ["portfolio", SONGJIANG, "--parcels", PARCELS, "--choose", "best", "-f", fmt]
    )
    assert code == 0, err
    if fmt == "csv":
        rows = rows_of(out)
        assert rows[0]["best"] in ("rooster", "hen") and rows[0]["id"] == "SJ-001"
    else:
        assert "Totals" in out and "Plans" in out and "1,000 mu in all" in out


def test_bundled_book_is_reproducible():
    import subprocess
    import sys

    made = subprocess.run(
        [sys.executable, str(SCENARIOS / "make_parcels.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    with open(PARCELS, encoding="utf-8") as fh:
        assert made == fh.read()


def test_nan_free_outputs():
    sc = load_scenario(SONGJIANG)
    res = portfolio(sc, read_points(sc, PARCELS))
    assert all(math.isfinite(v) for v in res.totals.npv.values())


# -- portfolio --simulate --------------------------------------------------------

UNCERTAIN = """
[uncertain]
"discount.rate" = { dist = "uniform", low = 0.08, high = 0.08 }
"hen.tax.growth" = { dist = "uniform", low = 0.02, high = 0.02 }
"""


def _book_with_uncertain(tmp_path, text):
    scen = tmp_path / "sj.toml"
    base = (SCENARIOS / "songjiang-2016.toml").read_text(encoding="utf-8")
    cut = base.find("[uncertain]")
    if cut >= 0:
        base = base[:cut]
        c2 = base.find("[correlations]")
        base = base if c2 < 0 else base[:c2]
    scen.write_text(base + text, encoding="utf-8")
    return scen


def test_zero_width_simulation_reproduces_the_deterministic_total(tmp_path):
    from landcalc.landbook import simulate_portfolio

    scen = _book_with_uncertain(tmp_path, UNCERTAIN)
    sc = load_scenario(scen)
    pts = read_points(sc, PARCELS)
    det = portfolio(sc, pts, choose="best")
    sim = simulate_portfolio(sc, pts, 50, seed=3, best=det.totals.best)
    d = sim["comparisons"]["hen"]["difference"]
    for key in ("mean", "p5", "p50", "p95"):
        assert d[key] == pytest.approx(det.totals.difference["hen"], rel=1e-12)
    assert d["std"] == pytest.approx(0.0, abs=1e-6 * abs(d["mean"]))
    assert sim["plan"]["difference"]["mean"] == pytest.approx(
        det.totals.plans["best_minus_all_baseline"], abs=1e-3
    )


def test_portfolio_simulation_is_reproducible_and_shared(tmp_path):
    from landcalc.landbook import simulate_portfolio

    text = (
        '\n[uncertain]\n"discount.rate" = { dist = "uniform", low = 0.03, high = 0.10 }\n'
        '"hen.tax.share" = { dist = "uniform", low = 0.25, high = 0.5 }\n'
    )
    scen = _book_with_uncertain(tmp_path, text)
    sc = load_scenario(scen)
    book = tmp_path / "book.csv"
    book.write_text(
        "id,scenario.area,hen.tax.amount\na,10,3000000\nb,30,9000000\n", encoding="utf-8"
    )
    pts = read_points(sc, book)
    a = simulate_portfolio(sc, pts, 60, seed=11, block_rows=64)
    b = simulate_portfolio(sc, pts, 60, seed=11, block_rows=100_000)
    assert a == b  # the same seed, whatever the block size
    assert simulate_portfolio(sc, pts, 60, seed=12) != a
    # each draw is one rate and one share for every parcel: re-evaluate draw by draw
    from landcalc.correlate import prepare
    from landcalc.distributions import parse_uncertain
    from landcalc.simulate import Sampler

    dists = parse_uncertain(sc)
    drawn = Sampler(dists, prepare(sc, dists), 11, 60).rows(0, 60)
    totals = []
    for i in range(60):
        sets = [
            f"discount.rate={float(drawn['discount.rate'][i])!r}",
            f"hen.tax.share={float(drawn['hen.tax.share'][i])!r}",
        ]
        one = portfolio(load_scenario(scen, overrides=sets), pts)
        totals.append(one.totals.difference["hen"])
    d = a["comparisons"]["hen"]["difference"]
    assert d["mean"] == pytest.approx(np.mean(totals), rel=1e-9)
    assert d["p50"] == pytest.approx(np.percentile(totals, 50), rel=1e-9)
    assert a["comparisons"]["hen"]["probability_better"] == np.mean(np.array(totals) > 0)


def test_portfolio_simulate_cli(tmp_path):
    code, out, err = run(
        [
            "portfolio",
            SONGJIANG,
            "--parcels",
            PARCELS,
            "--simulate",
            "200",
            "--seed",
            "5",
            "--choose",
            "best",
            "-f",
            "json",
        ]
    )
    assert code == 0, err
    sim = json.loads(out)["totals"]["simulation"]
    assert sim["draws"] == 200 and sim["seed"] == 5
    assert "hen.tax.amount" in sim["not_drawn"]
    assert "not drawn" in err
    assert set(sim["comparisons"]["hen"]) == {
        "probability_better",
        "probability_better_se",
        "difference",
    }
    again = run(
        [
            "portfolio",
            SONGJIANG,
            "--parcels",
            PARCELS,
            "--simulate",
            "200",
            "--seed",
            "5",
            "--choose",
            "best",
            "-f",
            "json",
        ]
    )[1]
    assert again == out


@pytest.mark.parametrize(
    "args,needle",
    [
        (["--seed", "3"], "--seed 3: goes with --simulate"),
        (["--simulate", "0"], "--simulate 0: must be at least 1"),
        (["--simulate", "5", "--seed", "-1"], "--seed -1: must be 0 or more"),
    ],
)
def test_portfolio_simulate_bad_options(args, needle):
    code, out, err = run(["portfolio", SONGJIANG, "--parcels", PARCELS, *args])
    assert code == 2 and needle in err and err.count("\n") == 1
