"""What-if library calls: parsers, sweeps, tornado, spider and goal seek.

Results are checked against ``compare`` run on the scenario with the same
values set by overrides: the single-scenario path, independent of the batch.
"""

from __future__ import annotations

import csv
import io
import json
import math

import numpy as np
import pytest
from conftest import SCENARIOS, SEED, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from landcalc.analysis import compare
from landcalc.charts import sign_grid, tornado_chart
from landcalc.columns import cells, write_rows
from landcalc.errors import InputError, LandcalcError
from landcalc.scenario import load_scenario, scenario_from_text
from landcalc.whatif import (
    breakeven,
    format_param,
    parse_param,
    parse_swing,
    parse_vary,
    parse_within,
    spider,
    sweep,
    tornado,
)

TWO = """\
[scenario]
name = "Two options"
area = 10
horizon = 40
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
end = 35
ramp = 3
growth = 0.03
hazard = 0.02
"""

#: The seed case of the issue: 30 M vs 1 M yuan per mu, tax from year 1, 8%, 50 years.

#: A difference stream -100, +230, -132 (years 0-2): zero at 10% and at 20%.
TWO_ROOTS = """\
[scenario]
name = "two roots"
area = 1
horizon = 2
[discount]
rate = {rate}
[options.a.flows.none]
kind = "once"
amount = 0
[options.b.flows.y0]
kind = "once"
amount = -100
[options.b.flows.y1]
kind = "once"
amount = 230
year = 1
[options.b.flows.y2]
kind = "once"
amount = -132
year = 2
"""


@pytest.fixture(scope="module")
def two():
    return scenario_from_text(TWO, source="two.toml")


@pytest.fixture(scope="module")
def songjiang():
    return load_scenario(SCENARIOS / "songjiang-2016.toml")


def direct(text, **values):
    """``compare`` of the scenario text with ``values`` set as overrides."""
    sc = scenario_from_text(text, overrides={k.replace("__", "."): v for k, v in values.items()})
    return compare(sc)


def compare_at(text, overrides):
    return compare(scenario_from_text(text, overrides=overrides))


def scale(res):
    """A size for tolerances: the largest NPV of the comparison [yuan]."""
    return max(abs(o.npv) for o in res.options.values())


# --------------------------------------------------------------------------
# Parsers


def test_vary_linear_is_linspace(two):
    v = parse_vary("discount.rate=0.02:0.10:5", two)
    assert v.path == "discount.rate"
    assert v.values.tolist() == np.linspace(0.02, 0.10, 5).tolist()
    assert v.values[0] == 0.02 and v.values[-1] == 0.10


def test_vary_log_list_percent_and_long_form(two):
    assert parse_vary("hen.tax.amount=1e5:1e7:3:log", two).values.tolist() == pytest.approx(
        [1e5, 1e6, 1e7], rel=1e-12
    )
    assert parse_vary("hen.tax.amount=1e5:1e7:3:LOG", two).values[1] == pytest.approx(1e6)
    assert parse_vary("discount.rate=2%:6%:3", two).values.tolist() == pytest.approx(
        [0.02, 0.04, 0.06], rel=1e-12
    )
    v = parse_vary("options.hen.flows.tax.share=0.1, 0.5,1", two)
    assert v.path == "hen.tax.share"
    assert v.values.tolist() == [0.1, 0.5, 1.0]
    assert parse_vary("hen.tax.amount=7", two).values.tolist() == [7.0]


def test_vary_whole_years(two):
    assert parse_vary("scenario.horizon=10:50:5", two).values.tolist() == [10, 20, 30, 40, 50]
    assert parse_vary("hen.tax.end=20,30", two).values.tolist() == [20, 30]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hen.tax.amount=1:2", "expected START:STOP:STEPS or v1,v2,..."),
        ("hen.tax.amount=1:2:3:4", "expected START:STOP:STEPS or v1,v2,..."),
        ("hen.tax.amount", "expected PATH=START:STOP:STEPS or PATH=v1,v2,..."),
        ("=1:2:3", "expected PATH=START:STOP:STEPS"),
        ("hen.tax.amount=", "expected PATH=START:STOP:STEPS"),
        ("hen.tax.amount=1:5:0", "STEPS must be a whole number of points, at least 2"),
        ("hen.tax.amount=1:5:1", "STEPS must be a whole number of points, at least 2"),
        ("hen.tax.amount=1:5:2.5", "STEPS must be a whole number of points"),
        ("hen.tax.amount=1:5:x", "(got 'x')"),
        ("hen.tax.amount=5:1:3", "START must be below STOP"),
        ("hen.tax.amount=5:5:3", "START must be below STOP"),
        ("hen.tax.amount=10:1:3:log", "START must be below STOP"),
        ("hen.tax.amount=0:10:3:log", "log spacing needs START above 0"),
        ("hen.tax.amount=-5:10:3:log", "log spacing needs START above 0"),
        ("hen.tax.amount=a:2:3", "'a' is not a number"),
        ("hen.tax.amount=1,,2", "an empty value in the list"),
        ("hen.tax.amount=1,2,", "an empty value in the list"),
        ("hen.tax.amount=1,x", "'x' is not a number"),
        ("hen.tax.amount=1,nan", "'nan' is not a finite number"),
        ("hen.tax.amount=1," + "9" * 400, "is not a finite number"),
        ("hen.tax.amount=1:2:" + "9" * 400, "is too many"),
        ("hen.tax.amount=1:2:3,4", "expected START:STOP:STEPS or v1,v2,..."),
        ("scenario.horizon=10:50:4", "takes whole years, but 10:50:4 gives 23.33; try STEPS = 3"),
        ("scenario.horizon=10.5:50:3", "START and STOP must be whole"),
        ("hen.tax.ramp=1:10:3:log", "log spacing gives fractions"),
        ("hen.tax.start=1.5", "takes whole years"),
        ("hen.tax.hazard=0:1.5:4", "hen.tax.hazard = 1.0: must be at least 0 and below 1"),
        ("hen.tax.share=0.5,2", "hen.tax.share = 2.0: must be between 0 and 1"),
        ("scenario.horizon=0:10:3", "must be a whole number of years from 1 to 1000"),
        ("hen.tax.start=30:40:3", "hen.tax.start = 40: must not be after end (35)"),
        ("hen.tax.amout=1:2:3", "unknown field of an annual flow; did you mean 'hen.tax.amount'?"),
        ("hen.tx.amount=1:2:3", "unknown flow; did you mean 'hen.tax'?"),
        ("discount.rat=1:2:3", "did you mean 'discount.rate'?"),
    ],
)
def test_bad_vary_names_the_text(two, text, expected):
    with pytest.raises(InputError) as info:
        parse_vary(text, two)
    message = str(info.value)
    assert message.startswith(f"--vary {text}: "), message
    assert expected in message
    assert "\n" not in message


def test_vary_too_many_points(two):
    with pytest.raises(InputError, match="too many"):
        parse_vary("hen.tax.amount=1:2:20000001", two)


def test_within_and_swing_and_param(two):
    assert parse_within("0.02:0.12") == (0.02, 0.12)
    assert parse_within(" 2% : 12% ") == (0.02, 0.12)
    assert parse_within("-1e6:5e6") == (-1e6, 5e6)
    assert parse_swing("20%") == 0.2
    assert parse_swing("0.05") == 0.05
    assert parse_swing("100%") == 1.0
    assert parse_param("options.hen.flows.tax.growth", two) == "hen.tax.growth"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.1", "expected LOW:HIGH"),
        ("1:2:3", "expected LOW:HIGH"),
        (":0.2", "expected LOW:HIGH"),
        ("0.2:0.1", "LOW must be below HIGH"),
        ("0.1:0.1", "LOW must be below HIGH"),
        ("a:1", "'a' is not a number"),
        ("0:inf", "'inf' is not a finite number"),
        ("0:" + "9" * 400, "is not a finite number"),
    ],
)
def test_bad_within(text, expected):
    with pytest.raises(InputError) as info:
        parse_within(text)
    assert str(info.value).startswith(f"--within {text}: ")
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("abc", "expected a fraction such as 20% or 0.2"),
        ("", "expected a fraction"),
        ("0", "must be above 0 and at most 100%"),
        ("-5%", "must be above 0 and at most 100%"),
        ("150%", "must be above 0 and at most 100%"),
        ("20", "must be above 0 and at most 100% (did you mean 20%?)"),
        ("nan", "must be above 0"),
        ("9" * 400, "must be above 0 and at most 100%"),
        ("x%", "'x%' is not a percentage"),
    ],
)
def test_bad_swing(text, expected):
    with pytest.raises(InputError) as info:
        parse_swing(text)
    assert str(info.value).startswith(f"--swing {text}: ")
    assert expected in str(info.value)


def test_bad_param(two):
    with pytest.raises(InputError) as info:
        parse_param("hen.tax.groth", two)
    assert str(info.value).startswith("--param hen.tax.groth: ")
    assert "did you mean 'hen.tax.growth'?" in str(info.value)


def test_format_param():
    assert format_param("discount.rate", 0.08) == "8%"
    assert format_param("hen.tax.share", 0.35) == "35%"
    assert format_param("hen.tax.amount", 2370542.8867) == "2,370,543"
    assert format_param("scenario.area", 12.5) == "12.5"
    assert format_param("scenario.horizon", 50.0) == "50"
    assert format_param("hen.tax.end", None) == "none"


# --------------------------------------------------------------------------
# Sweeps


def test_sweep_rows_run_like_nested_loops(two):
    res = sweep(
        two,
        [
            parse_vary("discount.rate=0.03,0.06", two),
            parse_vary("hen.tax.amount=1e6,2e6,3e6", two),
        ],
    )
    assert res.shape == (2, 3)
    assert res.n == 6
    assert res.values["discount.rate"].tolist() == [0.03] * 3 + [0.06] * 3
    assert res.values["hen.tax.amount"].tolist() == [1e6, 2e6, 3e6] * 2
    names = [name for name, _ in res.columns()]
    assert names == [
        "discount.rate",
        "hen.tax.amount",
        "npv.rooster",
        "npv.hen",
        "difference.hen",
        "payback_year.hen",
        "breakeven_rate.hen",
    ]
    grid = res.grid("hen")
    assert grid.shape == (2, 3)
    assert grid[1, 2] == res.batch.difference["hen"][5]


def check_rows_equal_compare(text, res):
    """Every row of a sweep equals compare() with the row's values as overrides."""
    paths = res.paths
    b = res.batch
    for i in range(res.n):
        overrides = {p: float(res.values[p][i]) for p in paths}
        overrides = {p: (int(v) if res.scenario.is_whole(p) else v) for p, v in overrides.items()}
        ref = compare_at(text, overrides)
        tol = 1e-12 * scale(ref)
        for o, opt in ref.options.items():
            assert b.npv[o][i] == pytest.approx(opt.npv, abs=tol), (i, o)
        for o, c in ref.comparisons.items():
            assert b.difference[o][i] == pytest.approx(c.difference, abs=tol)
            pb = b.payback_year[o][i]
            assert (None if math.isnan(pb) else int(pb)) == c.payback_year, (i, overrides)
            br = b.breakeven_rate[o][i]
            if c.breakeven_rate is None:
                assert math.isnan(br)
            else:
                assert br == pytest.approx(c.breakeven_rate, abs=1e-10)


def test_one_two_and_three_way_sweeps_equal_compare():
    text = TWO
    sc = scenario_from_text(text)
    one = sweep(sc, [parse_vary("hen.tax.amount=1e6:1e7:4", sc)])
    check_rows_equal_compare(text, one)
    twoway = sweep(
        sc,
        [parse_vary("hen.tax.amount=2e6,8e6", sc), parse_vary("hen.tax.start=1,5", sc)],
    )
    check_rows_equal_compare(text, twoway)
    three = sweep(
        sc,
        [
            parse_vary("discount.rate=0.02:0.08:2", sc),
            parse_vary("hen.tax.end=10,35", sc),
            parse_vary("scenario.horizon=20,40", sc),
        ],
    )
    assert three.n == 8
    check_rows_equal_compare(text, three)
    # some rows pay back and have a break-even rate, others do not
    assert np.isfinite(twoway.batch.payback_year["hen"]).any()
    assert np.isnan(three.batch.payback_year["hen"]).any()


PATH_VALUES = {
    "discount.rate": st.floats(-0.05, 0.3),
    "hen.tax.amount": st.floats(0, 2e7),
    "hen.tax.growth": st.floats(-0.2, 0.2),
    "hen.tax.hazard": st.floats(0, 0.5),
    "hen.tax.start": st.integers(0, 35),
    "hen.tax.ramp": st.integers(0, 10),
    "scenario.horizon": st.integers(1, 60),
    "rooster.land_sale.year": st.integers(0, 60),
}


@settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_sweeps_equal_compare(data):
    paths = data.draw(
        st.lists(st.sampled_from(sorted(PATH_VALUES)), min_size=1, max_size=3, unique=True)
    )
    sc = scenario_from_text(TWO)
    vary = []
    for p in paths:
        vals = data.draw(st.lists(PATH_VALUES[p], min_size=1, max_size=2))
        vary.append((p, vals))
    check_rows_equal_compare(TWO, sweep(sc, vary))


def test_sweep_accepts_a_mapping_and_rejects_bad_input(two):
    res = sweep(two, {"hen.tax.share": [0.2, 0.4]})
    assert res.values["hen.tax.share"].tolist() == [0.2, 0.4]
    with pytest.raises(InputError, match="at least one"):
        sweep(two, [])
    with pytest.raises(InputError, match="varied twice"):
        sweep(two, [("hen.tax.share", [0.2]), ("options.hen.flows.tax.share", [0.3])])
    with pytest.raises(LandcalcError, match="must be between 0 and 1"):
        sweep(two, [("hen.tax.share", [0.2, 3])])
    with pytest.raises(InputError, match="too many"):
        sweep(two, [("hen.tax.amount", np.zeros(5000)), ("discount.rate", np.zeros(5000))])


def test_sweep_start_after_end_on_the_grid(two):
    with pytest.raises(LandcalcError) as info:
        sweep(two, [parse_vary("hen.tax.start=5,20", two), parse_vary("hen.tax.end=10,30", two)])
    assert "--vary hen.tax.start=5,20 --vary hen.tax.end=10,30" in str(info.value)
    assert "hen.tax.start = 20: must not be after end (10)" in str(info.value)


def test_sweep_warns_about_several_break_even_rates():
    sc = scenario_from_text(TWO_ROOTS.format(rate=0.15))
    res = sweep(sc, [("b.y1.amount", [230.0, 200.0])])
    assert res.batch.several_roots["b"].tolist() == [True, False]
    (warning,) = res.warnings()
    assert warning.startswith("b: at 1 of 2 points")


# --------------------------------------------------------------------------
# Goal seek


def annuity_factor(rate, years):
    return (1 - (1 + rate) ** -years) / rate


def test_seed_breakeven_tax_is_the_annuity_formula():
    res = breakeven(scenario_from_text(SEED), "hen.tax.amount")
    value = res.comparisons["hen"].value
    assert value == pytest.approx(29e6 / annuity_factor(0.08, 50), rel=1e-13)
    assert round(value, 4) == 2370542.8867
    assert res.method == "linear"
    assert res.to_dict() == {
        "param": "hen.tax.amount",
        "comparisons": {"hen": {"value": value, "difference_at_value": pytest.approx(0, abs=1)}},
    }
    again = direct(SEED, hen__tax__amount=value)
    assert abs(again.comparisons["hen"].difference) <= 1e-12 * scale(again)


@pytest.mark.parametrize(
    "param",
    [
        "hen.tax.amount",
        "hen.tax.share",
        "hen.land_sale.amount",
        "rooster.land_sale.amount",
        "scenario.area",
        "discount.rate",
        "hen.tax.growth",
        "hen.tax.hazard",
    ],
)
def test_difference_is_zero_at_the_breakeven_value(param):
    # a plot where the hen loses by a little, so every parameter has a root in range
    text = TWO + '[options.rooster.flows.road]\nkind = "once"\namount = -1e7\nbasis = "total"\n'
    text = text.replace("amount = 30_000_000", "amount = 9_000_000")
    sc = scenario_from_text(text)
    res = breakeven(sc, param)
    g = res.comparisons["hen"]
    assert g.value is not None, res.notes()
    again = compare_at(text, {param: g.value})
    assert abs(again.comparisons["hen"].difference) <= 1e-9 * scale(again)
    assert g.difference_at_value == pytest.approx(again.comparisons["hen"].difference, abs=1e-3)
    assert g.value != sc.value(param)


def test_several_roots_nearest_to_the_file_value():
    near_low = breakeven(scenario_from_text(TWO_ROOTS.format(rate=0.12)), "discount.rate")
    g = near_low.comparisons["b"]
    assert g.value == pytest.approx(0.1, abs=1e-12)
    assert g.roots == pytest.approx([0.1, 0.2], abs=1e-12)
    (note,) = near_low.several_notes()
    assert note.startswith("b: 2 values of discount.rate make the difference with a zero")
    assert near_low.warnings() == [note]
    near_high = breakeven(scenario_from_text(TWO_ROOTS.format(rate=0.19)), "discount.rate")
    assert near_high.comparisons["b"].value == pytest.approx(0.2, abs=1e-12)
    within = breakeven(
        scenario_from_text(TWO_ROOTS.format(rate=0.12)), "discount.rate", within=(0.15, 0.5)
    )
    assert within.comparisons["b"].value == pytest.approx(0.2, abs=1e-12)
    assert within.comparisons["b"].roots == pytest.approx([0.2], abs=1e-12)


def test_no_root_in_range_gives_none_and_a_note(songjiang):
    res = breakeven(songjiang, "hen.tax.hazard")
    assert res.to_dict()["comparisons"]["hen"] == {"value": None, "difference_at_value": None}
    (note,) = res.notes()
    assert "no value of hen.tax.hazard in the range searched [0%, 99.99%]" in note
    res = breakeven(songjiang, "discount.rate", within=(0.0, 0.2))
    assert res.comparisons["hen"].value is None
    assert "--within [0%, 20%]" in res.notes()[0]
    share = breakeven(songjiang, "hen.tax.share")
    assert share.comparisons["hen"].value is None
    assert share.comparisons["hen"].needed == pytest.approx(
        0.35 * breakeven(songjiang, "hen.tax.amount").comparisons["hen"].value / 500_000
    )
    assert "would be zero at hen.tax.share = 678.3%, outside" in share.notes()[0]
    area = breakeven(songjiang, "scenario.area")
    assert area.comparisons["hen"].proportional
    assert "proportional to scenario.area" in area.notes()[0]


def test_amounts_are_solved_over_all_real_numbers(songjiang):
    res = breakeven(songjiang, "hen.land_cost.amount")
    # the hen's land would have to bring money in instead of costing it
    assert res.comparisons["hen"].value == pytest.approx(-24e6 + 27_503_721_337.78704 / 1000)
    assert math.isinf(res.low) and math.isinf(res.high)
    limited = breakeven(songjiang, "hen.land_cost.amount", within=(-3e7, 0))
    assert limited.comparisons["hen"].value is None


def test_whole_years_give_the_first_year_that_reverses_the_answer():
    sc = load_scenario(SCENARIOS / "hen-wins.toml")
    res = breakeven(sc, "hen.tax.end")
    g = res.comparisons["hen"]
    assert res.method == "whole"
    assert g.value == 39 and isinstance(g.value, int)
    at = {
        end: direct(sc_text(sc), hen__tax__end=end).comparisons["hen"].difference
        for end in (38, 39, 40, 50)
    }
    assert at[50] > 0 and at[40] > 0  # the hen wins down to 40 years of tax
    assert at[39] <= 0 and at[38] <= 0
    assert g.difference_at_value == pytest.approx(at[39], rel=1e-12)
    horizon = breakeven(sc, "scenario.horizon")
    assert horizon.comparisons["hen"].value == 39
    assert breakeven(sc, "hen.tax.end", within=(45, 60)).comparisons["hen"].value is None


def sc_text(sc):
    return (SCENARIOS / "hen-wins.toml").read_text(encoding="utf-8")


def test_whole_year_search_upwards_and_zero_difference():
    # the rooster's sale moved later: the hen wins from the first year it is discounted enough
    sc = load_scenario(SCENARIOS / "songjiang-2016.toml")
    g = breakeven(sc, "rooster.land_sale.year").comparisons["hen"]
    text = (SCENARIOS / "songjiang-2016.toml").read_text(encoding="utf-8")
    before = compare_at(text, {"rooster.land_sale.year": g.value - 1}).comparisons["hen"]
    after = compare_at(text, {"rooster.land_sale.year": g.value}).comparisons["hen"]
    assert before.difference < 0 <= after.difference
    equal = scenario_from_text(TWO_ROOTS.format(rate=0.1))  # the file's rate is a root
    assert breakeven(equal, "discount.rate").comparisons["b"].value == pytest.approx(0.1)


def test_an_amount_whose_break_even_is_zero():
    # the hen's only flow: its difference is proportional to the amount, and 0 is the root
    text = SEED.replace("amount = 30_000_000", "amount = 0").replace(
        "amount = 1_000_000\n", "amount = 0\n"
    )
    g = breakeven(scenario_from_text(text), "hen.tax.amount").comparisons["hen"]
    assert g.value == 0 and not g.proportional


def test_breakeven_of_an_unrelated_option_is_none():
    sc = load_scenario(SCENARIOS / "three-options.toml")
    res = breakeven(sc, "mixed.tax.amount")
    assert res.comparisons["hen"].value is None
    assert "does not change the difference" in res.none_notes()[0]
    assert res.comparisons["mixed"].value is not None


def test_breakeven_of_a_rate_over_a_schedule():
    sc = load_scenario(SCENARIOS / "songjiang-greenbook.toml")
    res = breakeven(sc, "discount.rate")
    assert res.current is None
    rate = compare(sc).comparisons["hen"].breakeven_rate
    assert res.comparisons["hen"].value == pytest.approx(rate, abs=1e-10)


def test_within_outside_the_valid_range(two):
    with pytest.raises(InputError, match="--within 0:1: hen.tax.hazard = 1: must be"):
        breakeven(two, "hen.tax.hazard", within=(0, 1))
    with pytest.raises(InputError, match="--within 2.2:2.8: holds no whole year"):
        breakeven(two, "hen.tax.ramp", within=(2.2, 2.8))
    with pytest.raises(InputError, match="--within 2.2:2.8: holds no whole year"):
        breakeven(two, "hen.tax.ramp", within="2.2:2.8")
    with pytest.raises(InputError, match="no valid whole year"):
        breakeven(two, "hen.tax.start", within=(36, 40))
    with pytest.raises(InputError, match="--within needs --param"):
        breakeven(two, None, within=(0, 1))


def test_what_would_have_to_be_true_table(songjiang):
    table = breakeven(songjiang)
    params = [r.param for r in table.rows]
    assert sorted(params) == sorted(songjiang.explicit_paths())
    keys = [r.distance() for r in table.rows]
    assert keys == sorted(keys)
    assert params[0] == "rooster.land_sale.amount"  # 30 M -> 2.5 M, the nearest (-92%)
    changes = [r.relative_change("hen") for r in table.rows if r.distance()[0] == 0]
    assert changes == sorted(changes)
    by = {r.param: r for r in table.rows}
    assert by["hen.tax.amount"].comparisons["hen"].value == pytest.approx(
        breakeven(songjiang, "hen.tax.amount").comparisons["hen"].value, rel=1e-12
    )
    assert by["hen.tax.growth"].comparisons["hen"].value == pytest.approx(
        breakeven(songjiang, "hen.tax.growth").comparisons["hen"].value, rel=1e-12
    )
    assert by["rooster.land_sale.year"].distance()[0] == 1  # from 0: after the relative ones
    assert by["hen.tax.hazard"].distance()[0] == 2  # none: last
    data = table.to_dict()
    assert [d["param"] for d in data] == params
    assert set(data[0]["comparisons"]["hen"]) == {
        "value",
        "difference_at_value",
        "relative_change",
    }


@settings(max_examples=examples(15), deadline=None)
@given(
    amount=st.floats(1e5, 5e6),
    growth=st.floats(-0.05, 0.08),
    hazard=st.floats(0, 0.1),
    rate=st.floats(0.0, 0.15),
    start=st.integers(0, 10),
)
def test_goal_seek_of_growth_and_hazard_is_a_root(amount, growth, hazard, rate, start):
    overrides = {
        "hen.tax.amount": amount,
        "hen.tax.growth": growth,
        "hen.tax.hazard": hazard,
        "discount.rate": rate,
        "hen.tax.start": start,
    }
    sc = scenario_from_text(TWO, overrides=overrides)
    for param in ("hen.tax.growth", "hen.tax.hazard", "discount.rate"):
        g = breakeven(sc, param).comparisons["hen"]
        if g.value is None:
            continue
        again = compare_at(TWO, {**overrides, param: g.value})
        assert abs(again.comparisons["hen"].difference) <= 1e-8 * scale(again), param


# --------------------------------------------------------------------------
# Tornado and spider


def test_tornado_with_swing_against_direct_evaluation():
    sc = scenario_from_text(TWO)
    res = tornado(sc, 0.2)
    assert res.source == "swing"
    assert [r.param for r in res.rows] != sc.explicit_paths()  # reordered
    assert sorted(r.param for r in res.rows) == sorted(sc.explicit_paths())
    swings = [r.swing["hen"] for r in res.rows]
    assert swings == sorted(swings, reverse=True)
    base = compare(sc).comparisons["hen"].difference
    assert res.base_difference["hen"] == pytest.approx(base, rel=1e-12)
    for r in res.rows:
        lo = direct(TWO, **{r.param.replace(".", "__"): r.low}).comparisons["hen"].difference
        hi = direct(TWO, **{r.param.replace(".", "__"): r.high}).comparisons["hen"].difference
        assert r.difference_low["hen"] == pytest.approx(lo, rel=1e-12, abs=1e-3)
        assert r.difference_high["hen"] == pytest.approx(hi, rel=1e-12, abs=1e-3)
        assert r.swing["hen"] == pytest.approx(abs(hi - lo), rel=1e-9, abs=1e-3)
        assert r.low <= r.high
    by = {r.param: r for r in res.rows}
    assert (by["hen.tax.amount"].low, by["hen.tax.amount"].high) == (960_000, 1_440_000)
    assert (by["hen.tax.share"].low, by["hen.tax.share"].high) == (0.32, 0.48)
    assert (by["hen.tax.start"].low, by["hen.tax.start"].high) == (2, 2)  # 1.6, 2.4 round to 2
    assert (by["hen.tax.ramp"].low, by["hen.tax.ramp"].high) == (2, 4)  # 2.4, 3.6
    assert (by["scenario.horizon"].low, by["scenario.horizon"].high) == (32, 48)
    assert by["hen.tax.start"].swing["hen"] == 0
    assert isinstance(by["hen.tax.ramp"].low, int)


def test_tornado_clips_into_the_valid_range():
    text = TWO.replace("share = 0.4", "share = 0.9").replace("end = 35", "end = 2")
    sc = scenario_from_text(text)
    by = {r.param: r for r in tornado(sc, 0.5).rows}
    assert (by["hen.tax.share"].low, by["hen.tax.share"].high) == (0.45, 1.0)
    assert (by["hen.tax.start"].low, by["hen.tax.start"].high) == (1, 2)  # not after end = 2
    assert (by["hen.tax.end"].low, by["hen.tax.end"].high) == (2, 3)  # not before start = 2
    high_hazard = scenario_from_text(TWO.replace("hazard = 0.02", "hazard = 0.9"))
    row = {r.param: r for r in tornado(high_hazard, 0.5).rows}["hen.tax.hazard"]
    assert row.low == 0.45 and 0.999 < row.high < 1


def test_tornado_from_uncertain_ranges():
    text = (
        TWO
        + "[uncertain]\n"
        + '"hen.tax.amount" = { dist = "triangular", low = 5e5, mode = 1.2e6, high = 3e6 }\n'
        + '"discount.rate" = { dist = "uniform", low = 0.03, high = 0.09 }\n'
        + '"hen.tax.start" = { dist = "uniform", low = 1, high = 6 }\n'
    )
    sc = scenario_from_text(text)
    res = tornado(sc)
    assert res.source == "uncertain" and res.swing is None
    by = {r.param: r for r in res.rows}
    assert set(by) == {"hen.tax.amount", "discount.rate", "hen.tax.start"}
    assert (by["discount.rate"].low, by["discount.rate"].high) == (0.03, 0.09)
    assert (by["hen.tax.start"].low, by["hen.tax.start"].high) == (1, 6)
    # triangular P10 and P90 (the mode is below the median here)
    lo, mode, hi = 5e5, 1.2e6, 3e6
    p10 = lo + math.sqrt(0.1 * (hi - lo) * (mode - lo))
    p90 = hi - math.sqrt(0.1 * (hi - lo) * (hi - mode))
    assert by["hen.tax.amount"].low == pytest.approx(p10, rel=1e-12)
    assert by["hen.tax.amount"].high == pytest.approx(p90, rel=1e-12)
    for r in res.rows:
        ref = direct(text, **{r.param.replace(".", "__"): r.high}).comparisons["hen"].difference
        assert r.difference_high["hen"] == pytest.approx(ref, rel=1e-12)
    swings = [r.swing["hen"] for r in res.rows]
    assert swings == sorted(swings, reverse=True)


def test_tornado_over_a_rate_schedule_keeps_the_schedule_elsewhere():
    text = (SCENARIOS / "songjiang-greenbook.toml").read_text(encoding="utf-8")
    text += '\n[uncertain]\n"discount.rate" = { dist = "uniform", low = 0.02, high = 0.05 }\n'
    text += '"hen.tax.amount" = { dist = "uniform", low = 4e5, high = 6e5 }\n'
    sc = scenario_from_text(text)
    by = {r.param: r for r in tornado(sc).rows}
    assert by["discount.rate"].current is None
    ref = direct(text, discount__rate=0.02).comparisons["hen"].difference
    assert by["discount.rate"].difference_low["hen"] == pytest.approx(ref, rel=1e-12)
    # the amount rows keep the Green Book schedule
    ref = direct(text, hen__tax__amount=6e5).comparisons["hen"].difference
    assert by["hen.tax.amount"].difference_high["hen"] == pytest.approx(ref, rel=1e-12)


def test_tornado_without_uncertain_asks_for_swing(two):
    with pytest.raises(InputError, match="no \\[uncertain\\] table; give --swing 20%"):
        tornado(two)


def test_spider_against_direct_evaluation():
    sc = scenario_from_text(TWO)
    res = spider(sc, 0.2, 5)
    assert res.changes.tolist() == pytest.approx([-0.2, -0.1, 0.0, 0.1, 0.2])
    i = res.params.index("hen.tax.growth")
    assert res.values[i].tolist() == pytest.approx([0.024, 0.027, 0.03, 0.033, 0.036])
    for j, v in enumerate(res.values[i].tolist()):
        ref = direct(TWO, hen__tax__growth=v).comparisons["hen"].difference
        assert res.difference["hen"][i, j] == pytest.approx(ref, rel=1e-12)
    mid = res.difference["hen"][:, 2]
    assert mid == pytest.approx(np.full(len(res.params), res.base_difference["hen"]), rel=1e-12)
    spread = np.ptp(res.difference["hen"], axis=1)
    assert spread.tolist() == sorted(spread.tolist(), reverse=True)
    assert res.to_dict()["rows"][0]["param"] == res.params[0]
    with pytest.raises(InputError):
        spider(sc, 0.2, 1)


# --------------------------------------------------------------------------
# Writing columns, and the charts


@settings(max_examples=examples(50), deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-(10**15), 10**15).map(float),
        ),
        min_size=1,
        max_size=600,
    )
)
def test_cells_read_back_exactly(values):
    arr = np.array(values, dtype=float)
    texts = cells(arr).tolist()
    back = [float(t) if t else math.nan for t in texts]
    assert np.array_equal(np.array(back), arr, equal_nan=True)
    js = cells(arr, json_style=True).tolist()
    assert all(t == "null" for t, v in zip(js, values, strict=True) if not math.isfinite(v))


def test_cells_of_repeated_values_and_ints():
    arr = np.tile([0.1, 2.0, 3e20, np.nan], 1000)
    assert cells(arr).tolist()[:4] == ["0.1", "2", "3e+20", ""]
    assert cells(arr, json_style=True).tolist()[:4] == ["0.1", "2.0", "3e+20", "null"]
    assert cells([3.0, np.nan], "int").tolist() == ["3", ""]


@pytest.mark.parametrize("block", [1, 2, 1000])
def test_write_rows_csv_and_json(block):
    cols = [np.array([1.5, 2.0, np.nan]), np.array([1.0, np.nan, 3.0])]
    buf = io.StringIO()
    write_rows(buf, ["a.x", "b"], cols, ["float", "int"], "csv", block=block)
    assert buf.getvalue() == "a.x,b\n1.5,1\n2,\n,3\n"
    assert list(csv.DictReader(io.StringIO(buf.getvalue())))[0] == {"a.x": "1.5", "b": "1"}
    buf = io.StringIO()
    write_rows(buf, ["a.x", "b"], cols, ["float", "int"], "json", block=block)
    assert json.loads(buf.getvalue()) == [
        {"a.x": 1.5, "b": 1},
        {"a.x": 2.0, "b": None},
        {"a.x": None, "b": 3},
    ]


def test_sign_grid_marks_the_frontier():
    signs = np.array([[-1, -1, 1], [-1, 1, 1], [0, 1, np.nan]])
    text = sign_grid(
        signs,
        ["r1", "r2", "r3"],
        row_title="row",
        col_title="col",
        col_first="a",
        col_last="c",
        ahead="ahead",
        behind="behind",
    ).plain.splitlines()
    assert text[0] == "row  col: a → c"
    assert text[1:4] == [" r1  - -|+", " r2  -|+ +", " r3  0|+ ?"]
    assert "break-even between two neighbours" in text[4]


def test_tornado_chart_bars_start_at_the_base():
    text = tornado_chart(["a", "b"], [-10.0, 5.0], [10.0, 0.0], 0.0, width=21).plain
    lines = text.splitlines()
    assert lines[1].startswith("a  ▒▒▒▒▒▒▒▒▒▒│██████████")
    assert lines[2].startswith("b  " + " " * 10 + "│▒▒▒▒▒ ")  # b: the high end is the base
    assert "base 0" in lines[3]
