"""Monte Carlo: ``landcalc.simulate`` and the ``simulate`` command (SPEC sections 4 and 5)."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from conftest import SCENARIOS, examples
from hypothesis import given, settings
from hypothesis import strategies as st
from test_cli import fails, leftovers, ok, run

import landcalc
import landcalc.simulate as simulate_module
from landcalc.analysis import compare
from landcalc.cli import main
from landcalc.distributions import parse_uncertain
from landcalc.engine import evaluate
from landcalc.errors import ScenarioError
from landcalc.scenario import load_scenario, scenario_from_text
from landcalc.simulate import (
    Sampler,
    compare_summary,
    draws_out_columns,
    scenario_hash,
    simulate,
    summarize,
)

BASE = """\
[scenario]
name = "Two options"
area = 10
horizon = 20

[discount]
rate = 0.05

[options.rooster.flows.land_sale]
kind = "once"
amount = 30_000_000

[options.hen.flows.land_sale]
kind = "once"
amount = 1_000_000

[options.hen.flows.tax]
kind = "annual"
amount = 1_200_000
share = 0.4
start = 2
ramp = 3
growth = 0.03
hazard = 0.02
"""

#: Inputs of every kind, whole years included, with a correlation.
MIXED = (
    BASE
    + """
[uncertain]
"hen.tax.amount" = { dist = "pert", low = 1e6, mode = 2.5e6, high = 6e6 }
"hen.tax.growth" = { dist = "uniform", low = 0.0, high = 0.05 }
"discount.rate" = { dist = "triangular", low = 0.02, mode = 0.05, high = 0.08 }
"hen.tax.hazard" = { dist = "normal", mean = 0.02, sd = 0.01, low = 0, high = 0.1 }
"hen.tax.start" = { dist = "choice", values = [1, 2, 3, 4], weights = [1, 3, 3, 1] }
"hen.tax.ramp" = { dist = "uniform", low = 0, high = 4 }
"hen.land_sale.amount" = { dist = "lognormal", mean = 1e6, sd = 3e5 }

[correlations]
pairs = [["hen.tax.amount", "hen.tax.growth", 0.5], ["discount.rate", "hen.tax.hazard", -0.3]]
"""
)

SPEC_STATS = {"mean", "std", "p5", "p50", "p95"}


def make(text, name="case.toml", folder=None):
    if folder is not None:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        return load_scenario(path)
    return scenario_from_text(text, source=name)


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def read_csv(path) -> tuple[list[str], list[dict]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return reader.fieldnames, rows


def number(text):
    return None if text == "" else float(text)


# --------------------------------------------------------------------------
# A closed form: the difference is linear in a uniform amount


def test_probability_of_beating_the_baseline_matches_its_closed_form():
    sc = make(BASE)
    # the difference is linear in hen.tax.amount: find the amount where it is zero
    x = np.array([1e6, 3e6])
    d = evaluate(sc, {"hen.tax.amount": x}, metrics=()).difference["hen"]
    root = x[0] - d[0] * (x[1] - x[0]) / (d[1] - d[0])
    low, high = 2e6, 8e6
    assert low < root < high
    p = (high - root) / (high - low)
    sc = make(
        BASE + f'\n[uncertain]\n"hen.tax.amount" = {{ dist = "uniform", low = {low}, '
        f"high = {high} }}\n"
    )
    n = 40_000
    res = simulate(sc, n, seed=20160512)
    c = res.comparisons["hen"]
    se = math.sqrt(p * (1 - p) / n)
    assert abs(c.probability_better - p) <= 4 * se, (c.probability_better, p)
    assert c.probability_better_se == math.sqrt(
        c.probability_better * (1 - c.probability_better) / n
    )
    # the mean difference is the difference at the mean amount (linearity)
    at_mean = evaluate(sc, {"hen.tax.amount": [0.5 * (low + high)]}, metrics=()).difference
    half_range = (d[1] - d[0]) / (x[1] - x[0]) * (high - low)
    assert abs(c.difference.mean - at_mean["hen"][0]) <= 4 * abs(half_range) / math.sqrt(12 * n)
    assert res.options["rooster"].std == 0.0


# --------------------------------------------------------------------------
# Zero width reproduces compare


ZERO = (
    BASE
    + """
[uncertain]
"hen.tax.amount" = { dist = "uniform", low = 1_200_000, high = 1_200_000 }
"hen.tax.share" = { dist = "triangular", low = 0.4, mode = 0.4, high = 0.4 }
"hen.tax.growth" = { dist = "pert", low = 0.03, mode = 0.03, high = 0.03 }
"hen.tax.hazard" = { dist = "normal", mean = 0.02, sd = 0 }
"discount.rate" = { dist = "lognormal", mean = 0.05, sd = 0 }
"hen.tax.start" = { dist = "choice", values = [2] }

[correlations]
pairs = [["hen.tax.amount", "hen.tax.growth", 0.5]]
"""
)


@pytest.mark.parametrize(
    "text",
    [
        ZERO,
        ZERO.replace("hen.tax.amount", "rooster.land_sale.amount").replace(
            "1_200_000", "30_000_000"
        ),
    ],
)
def test_zero_width_distributions_reproduce_compare_exactly(folder, text):
    sc = make(text, folder=folder)
    ref = compare(sc)
    res = simulate(sc, 3000, seed=1, draws_out="draws.csv")
    for name, o in ref.options.items():
        s = res.options[name]
        assert (s.mean, s.p5, s.p50, s.p95) == (o.npv,) * 4
        assert s.std == 0.0
    for name, c in ref.comparisons.items():
        r = res.comparisons[name]
        assert (r.difference.mean, r.difference.p5, r.difference.p50, r.difference.p95) == (
            c.difference,
        ) * 4
        assert r.difference.std == 0.0
        assert r.probability_better == (1.0 if c.difference > 0 else 0.0)
        assert r.probability_better_se == 0.0
    _, rows = read_csv("draws.csv")
    assert len(rows) == 3000
    expected = {
        "npv.rooster": ref.options["rooster"].npv,
        "npv.hen": ref.options["hen"].npv,
        "difference.hen": ref.comparisons["hen"].difference,
        "payback_year.hen": ref.comparisons["hen"].payback_year,
        "breakeven_rate.hen": ref.comparisons["hen"].breakeven_rate,
    }
    for row in rows:
        assert {k: number(row[k]) for k in expected} == expected


# --------------------------------------------------------------------------
# Reproducibility


@pytest.fixture
def small_blocks(monkeypatch):
    """Random-number blocks of 2,500 draws, so that short runs have several."""
    monkeypatch.setattr(simulate_module, "BLOCK", 2500)


def test_same_seed_same_json_whatever_the_chunk_size(small_blocks):
    sc = make(MIXED)
    n = 10_000
    ref = simulate(sc, n, seed=99).to_dict()
    for chunk in (4096, 3333, 10_000, 997):
        again = simulate(sc, n, seed=99, chunk_size=chunk, workers=1).to_dict()
        assert json.dumps(again) == json.dumps(ref), chunk
    other = simulate(sc, n, seed=100).to_dict()
    assert other["options"]["hen"]["mean"] != ref["options"]["hen"]["mean"]


def test_draws_out_is_identical_whatever_the_chunk_size(folder, small_blocks):
    sc = make(MIXED)
    n = 10_000
    simulate(sc, n, seed=5, draws_out="a.csv")
    simulate(sc, n, seed=5, draws_out="b.csv", chunk_size=1234)
    assert Path("a.csv").read_bytes() == Path("b.csv").read_bytes()
    assert leftovers(folder) == []


def test_a_missing_seed_is_drawn_and_reported():
    sc = make(MIXED)
    first = simulate(sc, 2000)
    assert isinstance(first.seed, int) and 0 <= first.seed < 2**32
    assert simulate(sc, 2000, seed=first.seed).to_dict() == first.to_dict()


@settings(max_examples=examples(10), deadline=None)
@given(cuts=st.lists(st.integers(1, 9999), max_size=5), seed=st.integers(0, 2**63))
def test_rows_do_not_depend_on_how_the_run_is_cut(cuts, seed):
    sc = make(MIXED)
    dists = parse_uncertain(sc)
    from landcalc.correlate import prepare

    corr = prepare(sc, dists)
    old = simulate_module.BLOCK
    simulate_module.BLOCK = 2500  # several blocks in a short run
    try:
        whole = Sampler(dists, corr, seed, 10_000).rows(0, 10_000)
        edges = [0, *sorted(set(cuts)), 10_000]
        parts = Sampler(dists, corr, seed, 10_000, workers=1)
        pieces = [parts.rows(a, b) for a, b in zip(edges[:-1], edges[1:], strict=True)]
    finally:
        simulate_module.BLOCK = old
    for path, values in whole.items():
        assert np.array_equal(np.concatenate([p[path] for p in pieces]), values)


# --------------------------------------------------------------------------
# Every --draws-out row is compare with that row's values


def test_every_draws_out_row_equals_compare_with_those_values(folder):
    Path("mixed.toml").write_text(MIXED, encoding="utf-8")
    sc = load_scenario("mixed.toml")
    res = simulate(sc, 4000, seed=2016, draws_out="draws.csv")
    header, rows = read_csv("draws.csv")
    assert header == draws_out_columns(sc, res.distributions)
    assert header == [
        "hen.tax.amount",
        "hen.tax.growth",
        "discount.rate",
        "hen.tax.hazard",
        "hen.tax.start",
        "hen.tax.ramp",
        "hen.land_sale.amount",
        "npv.rooster",
        "npv.hen",
        "difference.hen",
        "payback_year.hen",
        "breakeven_rate.hen",
    ]
    assert len(rows) == 4000
    paths = list(res.distributions)
    picks = np.random.default_rng(0).choice(len(rows), 25, replace=False)
    for i in sorted(picks):
        row = rows[i]
        sets = [f"{p}={row[p]}" for p in paths]
        ref = compare(load_scenario("mixed.toml", overrides=sets)).to_dict()
        assert float(row["npv.rooster"]) == ref["options"]["rooster"]["npv"]
        assert float(row["npv.hen"]) == ref["options"]["hen"]["npv"]
        cmp = ref["comparisons"]["hen"]
        assert float(row["difference.hen"]) == cmp["difference"]
        assert number(row["payback_year.hen"]) == cmp["payback_year"]
        assert number(row["breakeven_rate.hen"]) == cmp["breakeven_rate"]
    # whole years are written as whole numbers, and drawn as such
    assert {row["hen.tax.start"] for row in rows} <= {"1", "2", "3", "4"}
    assert {row["hen.tax.ramp"] for row in rows} == {"0", "1", "2", "3", "4"}
    # the statistics are those of the rows
    npv = np.array([float(r["npv.hen"]) for r in rows])
    assert res.options["hen"].mean == pytest.approx(npv.mean(), rel=1e-12)
    assert res.options["hen"].p50 == np.percentile(npv, 50)
    diff = np.array([float(r["difference.hen"]) for r in rows])
    assert res.comparisons["hen"].probability_better == np.mean(diff > 0)


def test_a_sample_of_rows_through_the_command_line(folder):
    Path("mixed.toml").write_text(MIXED, encoding="utf-8")
    ok("simulate", "mixed.toml", "-n", "300", "--seed", "3", "--draws-out", "d.csv", "-q")
    _, rows = read_csv("d.csv")
    for row in rows[::100]:
        sets = [
            a
            for p in parse_uncertain(load_scenario("mixed.toml"))
            for a in ("--set", f"{p}={row[p]}")
        ]
        data = json.loads(ok("compare", "mixed.toml", *sets, "-f", "json").stdout)
        assert float(row["difference.hen"]) == data["comparisons"]["hen"]["difference"]
        assert number(row["breakeven_rate.hen"]) == data["comparisons"]["hen"]["breakeven_rate"]


# --------------------------------------------------------------------------
# Statistics


@settings(max_examples=examples(40), deadline=None)
@given(
    values=st.lists(st.floats(-1e12, 1e12), min_size=1, max_size=300),
)
def test_summaries_are_numpy_statistics(values):
    x = np.array(values)
    s = summarize(x.copy())
    assert s.mean == pytest.approx(float(np.mean(x)), rel=1e-12, abs=1e-3)
    if x.size > 1:
        assert s.std == pytest.approx(float(np.std(x, ddof=1)), rel=1e-9, abs=1e-3)
    else:
        assert s.std is None
    q = np.percentile(x, [5, 50, 95])
    assert [s.p5, s.p50, s.p95] == pytest.approx(list(q), rel=1e-15, abs=1e-300)
    p = compare_summary("x", x.copy())
    assert p.probability_better == np.count_nonzero(x > 0) / x.size


def test_summary_of_identical_values_is_exact():
    x = np.full(100_001, 0.1)
    s = summarize(x)
    assert (s.mean, s.std, s.p5, s.p50, s.p95) == (0.1, 0.0, 0.1, 0.1, 0.1)


@pytest.mark.parametrize(("p", "need"), [(0.5, 10_000), (0.1, 3600), (0.01, 396), (0.0, 1)])
def test_draws_needed_for_half_a_point(p, need):
    from landcalc.simulate import ComparisonSummary, Summary

    c = ComparisonSummary("x", p, 0.0, Summary(0, 0, 0, 0, 0), 100)
    assert c.draws_for_target == need


# --------------------------------------------------------------------------
# The JSON


def test_json_is_the_spec_plus_what_describes_the_run():
    sc = make(MIXED)
    data = simulate(sc, 1000, seed=7).to_dict()
    assert list(data) == [
        "draws",
        "seed",
        "options",
        "comparisons",
        "landcalc_version",
        "scenario",
    ]
    assert data["draws"] == 1000 and data["seed"] == 7
    assert list(data["options"]) == ["rooster", "hen"]
    for stats in data["options"].values():
        assert set(stats) == SPEC_STATS
    assert list(data["comparisons"]) == ["hen"]
    cmp = data["comparisons"]["hen"]
    assert set(cmp) == {"probability_better", "probability_better_se", "difference"}
    assert set(cmp["difference"]) == SPEC_STATS
    assert data["landcalc_version"] == landcalc.__version__
    assert data["scenario"] == {
        "name": "Two options",
        "file": "case.toml",
        "sha256": scenario_hash(sc),
    }


def test_the_hash_follows_the_values_not_the_layout():
    a = scenario_hash(make(MIXED))
    assert a == scenario_hash(make("# a comment\n" + MIXED.replace("area = 10", "area   =  10")))
    assert a != scenario_hash(make(MIXED.replace("area = 10", "area = 11")))
    assert len(a) == 64 and int(a, 16) >= 0


# --------------------------------------------------------------------------
# Library errors


def test_a_scenario_without_uncertain_inputs_is_an_error():
    with pytest.raises(ScenarioError, match=r"case.toml: has no \[uncertain\] inputs"):
        simulate(make(BASE), 100, seed=1)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"draws": 0}, "draws must be at least 1"),
        ({"draws": 10, "seed": -1}, "seed must be at least 0"),
        ({"draws": 2.5}, "draws must be a whole number"),
        ({"draws": 10, "chunk_size": 0}, "chunk_size must be at least 1"),
    ],
)
def test_bad_counts(kwargs, message):
    with pytest.raises(landcalc.LandcalcError, match=message):
        simulate(make(MIXED), **kwargs)


def test_a_start_that_can_follow_its_end_is_found_before_drawing():
    text = BASE.replace("hazard = 0.02", "hazard = 0.02\nend = 5") + (
        '\n[uncertain]\n"hen.tax.start" = { dist = "uniform", low = 1, high = 8 }\n'
    )
    sc = make(text)  # loading does not need the file's end
    with pytest.raises(ScenarioError, match="can draw hen.tax.start = 8 after hen.tax.end = 5"):
        simulate(sc, 100, seed=1)


def test_the_bundled_songjiang_scenario_has_five_sourced_inputs_and_a_correlation():
    sc = load_scenario(SCENARIOS / "songjiang-2016.toml")
    dists = parse_uncertain(sc)
    assert list(dists) == [
        "hen.tax.amount",
        "hen.tax.share",
        "hen.tax.hazard",
        "hen.tax.growth",
        "discount.rate",
    ]
    assert (dists["hen.tax.amount"].low, dists["hen.tax.amount"].high) == (255_000, 1_300_000)
    assert (dists["hen.tax.share"].low, dists["hen.tax.share"].high) == (0.25, 0.50)
    assert (dists["discount.rate"].low, dists["discount.rate"].high) == (0.06, 0.10)
    res = simulate(sc, 20_000, seed=7)
    assert [(p.a, p.b, p.rho) for p in res.correlation.pairs] == [
        ("hen.tax.amount", "hen.tax.growth", 0.5)
    ]
    # every input keeps the file's value as its mode; the rooster's NPV does not move
    assert res.options["rooster"].std == 0.0
    assert res.comparisons["hen"].difference.p95 < 0  # the rooster wins in every draw here
    text = (SCENARIOS / "songjiang-2016.toml").read_text(encoding="utf-8")
    uncertain = text[text.index("[uncertain]") :]
    for line in uncertain.splitlines():
        if line.startswith('"'):
            above = uncertain[: uncertain.index(line)].rstrip().splitlines()[-1]
            assert above.startswith("#"), f"no source comment above {line}"


# --------------------------------------------------------------------------
# The command line


@pytest.fixture
def mixed(folder):
    (folder / "mixed.toml").write_text(MIXED, encoding="utf-8")
    return folder / "mixed.toml"


def test_cli_json_equals_the_library(mixed):
    data = json.loads(
        ok("simulate", "mixed.toml", "-n", "2000", "--seed", "4", "-f", "json").stdout
    )
    assert data == json.loads(json.dumps(simulate(load_scenario("mixed.toml"), 2000, 4).to_dict()))


def test_cli_table(mixed):
    res = ok("simulate", "mixed.toml", "-n", "5000", "--seed", "4")
    out = res.stdout
    assert "Two options - 5,000 draws, seed 4: NPV of each option" in out
    assert "rooster (baseline)" in out
    assert "Against the baseline (rooster)" in out and "P(better)" in out
    assert "Uncertain inputs" in out and "pert(low=1,000,000, mode=2,500,000" in out
    assert "hen.tax.amount ~ hen.tax.growth 0.5" in out
    assert "Difference hen - rooster [" in out and "┴" in out  # 0 lies inside the range
    assert re.search(r"hen is worth more than rooster in [\d.]+% of 5,000 draws", out)
    assert out.rstrip().endswith(
        "Seed 4: run again with --seed 4 --draws 5000 to repeat these draws."
    )
    assert res.stderr == ""  # no progress bar when stderr is not a terminal
    assert "\x1b[" not in out


def test_cli_markdown_puts_the_histogram_in_a_code_block(mixed):
    out = ok("simulate", "mixed.toml", "-n", "2000", "--seed", "4", "-f", "markdown").stdout
    assert out.startswith("### Two options - 2,000 draws, seed 4")
    assert "| Option | P(better) | SE |" in out
    assert "\n```text\n" in out and out.count("```") == 2


def test_cli_csv_has_one_row_per_option_and_comparison(mixed):
    out = ok("simulate", "mixed.toml", "-n", "2000", "--seed", "4", "-f", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == [
        "kind",
        "option",
        "mean",
        "std",
        "p5",
        "p50",
        "p95",
        "probability_better",
        "probability_better_se",
    ]
    assert [(r["kind"], r["option"]) for r in rows] == [
        ("npv", "rooster"),
        ("npv", "hen"),
        ("difference", "hen"),
    ]
    data = simulate(load_scenario("mixed.toml"), 2000, 4).to_dict()
    assert float(rows[2]["probability_better"]) == data["comparisons"]["hen"]["probability_better"]
    assert float(rows[1]["p50"]) == data["options"]["hen"]["p50"]
    assert rows[0]["probability_better"] == ""


def test_cli_output_file_and_draws_out(mixed):
    ok(
        "simulate",
        "mixed.toml",
        "-n",
        "1500",
        "--seed",
        "8",
        "-o",
        "r.json",
        "--draws-out",
        "d.csv",
    )
    data = json.loads(Path("r.json").read_text(encoding="utf-8"))
    assert data["draws"] == 1500 and data["seed"] == 8
    header, rows = read_csv("d.csv")
    assert len(rows) == 1500 and header[0] == "hen.tax.amount"
    assert leftovers(mixed.parent) == []


def test_cli_unit_changes_the_table_only(mixed):
    args = ("simulate", "mixed.toml", "-n", "1000", "--seed", "2")
    assert "Mean [wan yuan]" in ok(*args, "--unit", "wan").stdout
    assert ok(*args, "--unit", "wan", "-f", "json").stdout == ok(*args, "-f", "json").stdout


def test_cli_set_changes_the_file_and_warns_for_an_uncertain_path(mixed):
    res = ok("simulate", "mixed.toml", "-n", "1000", "--seed", "2", "--set", "hen.tax.amount=5e6")
    assert "warning: --set hen.tax.amount=5e6: hen.tax.amount is drawn from [uncertain]" in (
        res.stderr
    )
    quiet = ok(
        "simulate", "mixed.toml", "-n", "1000", "--seed", "2", "-q", "--set", "hen.tax.amount=5e6"
    )
    assert quiet.stderr == ""
    shorter = json.loads(
        ok(
            "simulate",
            "mixed.toml",
            "-n",
            "1000",
            "--seed",
            "2",
            "--set",
            "scenario.horizon=10",
            "-f",
            "json",
        ).stdout
    )
    longer = json.loads(
        ok("simulate", "mixed.toml", "-n", "1000", "--seed", "2", "-f", "json").stdout
    )
    assert shorter["options"]["hen"]["mean"] < longer["options"]["hen"]["mean"]


BAD_FILES = [
    (
        '"hen.tax.amount" = { dist = "trangular", low = 1, mode = 2, high = 3 }',
        "did you mean 'triangular'?",
    ),
    ('"hen.tax.amount" = { dist = "uniform", low = 5, high = 3 }', "low = 5 is above high = 3"),
    ('"hen.tax.amount" = { dist = "normal", mean = 5, sd = -1 }', "sd = -1: must be at least 0"),
    ('"hen.tax.amount" = { dist = "pert", low = 1, mode = 9, high = 5 }', "mode = 9: must be"),
    ('"hen.tax.amount" = { dist = "choice", values = [1], weights = [0] }', "positive number"),
    ('"hen.tax.share" = { dist = "uniform", low = 0.5, high = 2 }', "must be between 0 and 1"),
]


@pytest.mark.parametrize(("text", "expected"), BAD_FILES, ids=[e for _, e in BAD_FILES])
def test_cli_bad_distributions(folder, text, expected):
    Path("bad.toml").write_text(BASE + "\n[uncertain]\n" + text + "\n", encoding="utf-8")
    line = len(BASE.splitlines()) + 3
    for command in ("simulate", "validate", "compare"):
        message = (
            fails(command, "bad.toml", "-n", "10")
            if command == "simulate"
            else fails(command, "bad.toml")
        )
        assert message.startswith("error: bad.toml: uncertain.hen.tax."), message
        assert expected in message
        assert message.endswith(f"(line {line})")


def test_cli_correlations_that_cannot_hold(folder):
    given = MIXED[MIXED.index("pairs = ") :]
    text = MIXED.replace(
        given,
        'pairs = [["hen.tax.amount", "hen.tax.growth", 0.9], '
        '["hen.tax.growth", "discount.rate", 0.9], '
        '["hen.tax.amount", "discount.rate", -0.9]]\n',
    )
    Path("c.toml").write_text(text, encoding="utf-8")
    message = fails("simulate", "c.toml", "-n", "100")
    assert "hen.tax.amount ~ discount.rate -0.9" in message and "--fix-correlations" in message
    res = ok("simulate", "c.toml", "-n", "2000", "--seed", "1", "--fix-correlations", "-f", "json")
    assert res.stderr.startswith("warning: correlations: the given pairs cannot hold together")
    assert json.loads(res.stdout)["draws"] == 2000


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("-n", "0"), "Invalid value for '--draws'"),
        (("--seed", "-1"), "Invalid value for '--seed'"),
        (("--seed", "x"), "Invalid value for '--seed'"),
        (("--draws-out", "nowhere/d.csv"), "error: --draws-out nowhere/d.csv: the folder"),
        (("--draws-out", "same.json", "-o", "same.json"), "is also the -o file"),
        (("-o", "r.dat"), "cannot tell the format"),
    ],
)
def test_cli_bad_options(mixed, args, expected):
    message = fails("simulate", "mixed.toml", *args)
    assert expected in message
    assert leftovers(mixed.parent) == []


def test_cli_without_uncertain_inputs(folder):
    Path("plain.toml").write_text(BASE, encoding="utf-8")
    assert fails("simulate", "plain.toml").startswith(
        "error: plain.toml: has no [uncertain] inputs to simulate"
    )


def interrupt_on_second_chunk(monkeypatch, exc):
    calls = []
    real = simulate_module.evaluate

    def evaluate_then_fail(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise exc
        return real(*args, **kwargs)

    monkeypatch.setattr(simulate_module, "evaluate", evaluate_then_fail)
    monkeypatch.setattr(simulate_module, "DEFAULT_CHUNK", 1000)


@pytest.mark.parametrize(
    ("exc", "code", "message"),
    [
        (KeyboardInterrupt(), 130, "error: interrupted"),
        (ScenarioError("broke", source="x"), 2, "error: x: broke"),
    ],
)
def test_no_partial_file_after_an_error_or_ctrl_c(mixed, monkeypatch, exc, code, message):
    Path("old.csv").write_text("old\n", encoding="utf-8")
    results = []
    for args in (("--draws-out", "new.csv", "-o", "r.json"), ("--draws-out", "old.csv")):
        interrupt_on_second_chunk(monkeypatch, exc)
        results.append(run("simulate", "mixed.toml", "-n", "5000", *args))
    for r in results:
        assert r.code == code and r.stderr.strip() == message and "Traceback" not in r.stderr
    assert not Path("new.csv").exists() and not Path("r.json").exists()
    assert Path("old.csv").read_text(encoding="utf-8") == "old\n"
    assert leftovers(mixed.parent) == []


def run_on_a_terminal(*args):
    """Run with stderr reporting itself as a terminal; (code, stdout, stderr)."""
    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        sys.stderr.isatty = lambda: True
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


def test_progress_bar_only_on_a_terminal_and_not_with_quiet(mixed):
    code, out, err = run_on_a_terminal("simulate", "mixed.toml", "-n", "3000", "--seed", "1")
    assert code == 0 and "simulating" in err and "draws" in err
    code, out, err = run_on_a_terminal("simulate", "mixed.toml", "-n", "3000", "--seed", "1", "-q")
    assert code == 0 and err == ""
    assert ok("simulate", "mixed.toml", "-n", "3000", "--seed", "1").stderr == ""


def test_help_has_an_example():
    out = ok("simulate", "--help").stdout
    assert "Example:" in out
    assert "landcalc simulate scenarios/songjiang-2016.toml --draws 1000000 --seed 7" in out
    for option in ("--draws", "--seed", "--draws-out", "--fix-correlations", "--set", "--format"):
        assert option in out


def test_simulate_is_listed_by_the_group():
    assert "simulate" in ok("--help").stdout


# --------------------------------------------------------------------------
# The documentation stays true


DOC = (Path(__file__).resolve().parent.parent / "docs" / "simulate.md").read_text(encoding="utf-8")


def test_the_worked_example_in_the_docs_is_current(monkeypatch):
    monkeypatch.chdir(SCENARIOS.parent)
    out = ok("simulate", "scenarios/songjiang-2016.toml", "--seed", "7").stdout
    shown = "\n".join(line.rstrip() for line in out.splitlines())
    assert "$ landcalc simulate scenarios/songjiang-2016.toml --seed 7\n" + shown in DOC
    data = json.loads(
        ok("simulate", "scenarios/songjiang-2016.toml", "--seed", "7", "-f", "json").stdout
    )
    assert f'"sha256": "{data["scenario"]["sha256"]}"' in DOC
    assert f'"mean": {data["options"]["hen"]["mean"]!r}' in DOC


def test_the_python_example_in_the_docs_runs(monkeypatch):
    monkeypatch.chdir(SCENARIOS.parent)
    (code,) = re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
    exec(compile(code, "docs/simulate.md", "exec"), {})
