"""Loading and validating scenario files (SPEC sections 2 and 5), at library level."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from conftest import TWO

from landcalc.errors import InputError, LandcalcError, ScenarioError
from landcalc.scenario import (
    Discount,
    Flow,
    check_values,
    load_scenario,
    parse_set,
    scenario_from_dict,
    scenario_from_text,
)

SCENARIOS = Path(__file__).parent.parent / "scenarios"


THREE = """\
[scenario]
name = "Three options"
description = "housing, industry or half of each"
area = 66.5
area_unit = "ha"
horizon = 30
baseline = "hen"

[discount]
schedule = [{from = 1, rate = 0.035}, {from = 11, rate = 0.03}, {from = 21, rate = 0.025}]

[options.rooster.flows.land_sale]
kind = "once"
amount = 30_000_000
year = 1

[options.hen.flows.tax]
kind = "annual"
amount = 500_000
end = 25
basis = "total"

[options.mixed.flows.sale]
kind = "once"
amount = 15_000_000
share = 0.5
"""

TWO_PATHS = [
    "scenario.area",
    "scenario.horizon",
    "discount.rate",
    "rooster.land_sale.amount",
    "rooster.land_sale.share",
    "rooster.land_sale.year",
    "hen.land_sale.amount",
    "hen.land_sale.share",
    "hen.land_sale.year",
    "hen.tax.amount",
    "hen.tax.share",
    "hen.tax.start",
    "hen.tax.end",
    "hen.tax.ramp",
    "hen.tax.growth",
    "hen.tax.hazard",
]


def edit(text: str, old: str, new: str) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def line_of(text: str, marker: str) -> int:
    """The 1-based number of the one line of ``text`` that contains ``marker``."""
    found = [i for i, line in enumerate(text.splitlines(), start=1) if marker in line]
    assert len(found) == 1, f"{marker!r} is on lines {found}"
    return found[0]


def write(tmp_path: Path, text: str, name: str = "case.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_error(tmp_path: Path, text: str, overrides=None) -> tuple[str, str]:
    """(the one-line message, the file name) of loading ``text`` from a file."""
    path = write(tmp_path, text)
    with pytest.raises(LandcalcError) as info:
        load_scenario(path, overrides=overrides)
    message = str(info.value)
    assert "\n" not in message
    return message, str(path)


# --------------------------------------------------------------------------
# Keys and defaults


def test_two_option_file_loads_with_every_value():
    sc = scenario_from_text(TWO, source="two.toml")
    assert sc.name == "Two options"
    assert sc.source == "two.toml"
    assert sc.area == 10.0
    assert sc.horizon == 20
    assert isinstance(sc.horizon, int)
    assert sc.discount == Discount(rate=0.05, schedule=None)
    assert list(sc.options) == ["rooster", "hen"]
    assert sc.options["rooster"].label == "Residential land sale"
    assert sc.options["hen"].label == "Industrial land, taxes over time"
    assert list(sc.options["hen"].flows) == ["land_sale", "tax"]
    assert sc.options["hen"].flows["tax"] == Flow(
        name="tax",
        kind="annual",
        amount=1_200_000.0,
        share=0.4,
        basis="per_mu",
        start=2,
        end=None,
        ramp=3,
        growth=0.03,
        hazard=0.02,
    )


def test_defaults_of_scenario_and_flows():
    sc = scenario_from_text(TWO)
    assert sc.description == ""
    assert sc.area_unit == "mu"
    assert sc.area_mu == 10.0
    assert sc.baseline == "rooster"  # the first option
    assert sc.alternatives == ["hen"]
    once = sc.options["rooster"].flows["land_sale"]
    assert (once.kind, once.share, once.year, once.basis) == ("once", 1.0, 0, "per_mu")
    minimal = edit(
        TWO,
        "share = 0.4\nstart = 2\nramp = 3\ngrowth = 0.03\nhazard = 0.02\n",
        "",
    )
    tax = scenario_from_text(minimal).options["hen"].flows["tax"]
    assert tax.share == 1.0
    assert tax.start == 1
    assert tax.end is None
    assert tax.ramp == 0
    assert tax.growth == 0.0
    assert tax.hazard == 0.0
    assert tax.basis == "per_mu"


def test_end_defaults_to_the_horizon_in_values():
    sc = scenario_from_text(TWO)
    assert sc.options["hen"].flows["tax"].end is None
    assert sc.value("hen.tax.end") == 20.0
    longer = scenario_from_text(TWO, overrides=["scenario.horizon=35"])
    assert longer.value("hen.tax.end") == 35.0


def test_three_option_file_with_baseline_schedule_and_basis():
    sc = scenario_from_text(THREE, source="three.toml")
    assert sc.description == "housing, industry or half of each"
    assert sc.baseline == "hen"
    assert sc.alternatives == ["rooster", "mixed"]
    assert sc.discount.rate is None
    assert sc.discount.schedule == ((1, 0.035), (11, 0.03), (21, 0.025))
    assert sc.area_mu == pytest.approx(66.5 * 15)
    # an option without a label is labelled with its name
    assert sc.options["mixed"].label == "mixed"
    assert sc.options["hen"].flows["tax"].basis == "total"
    assert sc.options["hen"].flows["tax"].end == 25
    assert sc.options["rooster"].flows["land_sale"].year == 1
    assert sc.options["mixed"].flows["sale"].share == 0.5


def test_basis_total_and_per_mu():
    sc = scenario_from_text(edit(TWO, 'kind = "annual"', 'kind = "annual"\nbasis = "total"'))
    assert sc.options["hen"].flows["tax"].basis == "total"
    assert sc.options["hen"].flows["land_sale"].basis == "per_mu"


def test_scenario_from_dict_copies_the_document():
    doc = {
        "scenario": {"name": "d", "area": 2, "horizon": 3},
        "discount": {"rate": 0.1},
        "options": {
            "a": {"flows": {"x": {"kind": "once", "amount": 5}}},
            "b": {"flows": {"y": {"kind": "annual", "amount": 1}}},
        },
    }
    sc = scenario_from_dict(doc, overrides=["a.x.amount=7"])
    assert sc.options["a"].flows["x"].amount == 7.0
    assert doc["options"]["a"]["flows"]["x"]["amount"] == 5  # the input is untouched
    assert sc.baseline == "a"
    assert sc.source is None


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.toml")))
def test_bundled_scenarios_load(name):
    sc = load_scenario(SCENARIOS / name)
    assert sc.source == str(SCENARIOS / name)
    assert len(sc.options) >= 2
    assert sc.baseline in sc.options


def test_songjiang_values():
    sc = load_scenario(SCENARIOS / "songjiang-2016.toml")
    assert sc.area_mu == 1000.0
    assert sc.horizon == 50
    assert sc.baseline == "rooster"
    assert sc.value("discount.rate") == 0.08
    assert sc.value("hen.tax.amount") == 500_000.0
    assert sc.value("hen.tax.share") == 0.35


# --------------------------------------------------------------------------
# Area units


@pytest.mark.parametrize(
    ("area", "unit", "mu"),
    [
        (10, "mu", 10.0),
        (2, "ha", 30.0),
        (10_000, "m2", 15.0),
        (1, "m2", 15.0 / 10_000.0),
        (1, "acre", 4046.8564224 * 15.0 / 10_000.0),
        (100, "acre", 404_685.64224 * 15.0 / 10_000.0),
    ],
)
def test_area_units(area, unit, mu):
    text = edit(TWO, "area = 10\n", f'area = {area}\narea_unit = "{unit}"\n')
    sc = scenario_from_text(text)
    assert sc.area_unit == unit
    assert sc.area == float(area)
    assert sc.area_mu == pytest.approx(mu, rel=1e-12)


def test_one_mu_is_two_thirds_of_a_thousand_m2():
    sc = scenario_from_text(
        edit(TWO, "area = 10\n", 'area = 666.6666666666666\narea_unit = "m2"\n')
    )
    assert sc.area_mu == pytest.approx(1.0, rel=1e-12)


# --------------------------------------------------------------------------
# Discount: rate or schedule


@pytest.mark.parametrize("first", [0, 1])
def test_schedule_may_start_from_year_0_or_1(first):
    text = edit(
        TWO,
        "rate = 0.05",
        f"schedule = [{{from = {first}, rate = 0.035}}, {{from = 31, rate = 0.03}}]",
    )
    sc = scenario_from_text(text)
    assert sc.discount.schedule == ((first, 0.035), (31, 0.03))
    assert sc.discount.rate_in_year(1) == 0.035
    assert sc.discount.rate_in_year(30) == 0.035
    assert sc.discount.rate_in_year(31) == 0.03
    assert sc.discount.rate_in_year(500) == 0.03
    assert sc.discount.describe() == "3.5% falling to 3%"
    assert "discount.rate" not in sc.paths()


def test_constant_rate_applies_to_every_year():
    sc = scenario_from_text(TWO)
    assert [sc.discount.rate_in_year(t) for t in (1, 2, 20)] == [0.05, 0.05, 0.05]
    assert sc.discount.describe() == "5%"


def test_negative_rate_above_minus_one_is_allowed():
    sc = scenario_from_text(edit(TWO, "rate = 0.05", "rate = -0.5"))
    assert sc.discount.rate == -0.5


def test_discount_rate_of_a_schedule_has_no_single_value():
    sc = scenario_from_text(THREE, source="three.toml")
    with pytest.raises(ScenarioError) as info:
        sc.value("discount.rate")
    assert str(info.value) == "three.toml: discount.rate: is a schedule, not one rate"


# --------------------------------------------------------------------------
# Parameter paths


def test_paths_and_values():
    sc = scenario_from_text(TWO)
    assert sc.paths() == TWO_PATHS
    assert sc.values() == {
        "scenario.area": 10.0,
        "scenario.horizon": 20.0,
        "discount.rate": 0.05,
        "rooster.land_sale.amount": 30_000_000.0,
        "rooster.land_sale.share": 1.0,
        "rooster.land_sale.year": 0.0,
        "hen.land_sale.amount": 1_000_000.0,
        "hen.land_sale.share": 1.0,
        "hen.land_sale.year": 0.0,
        "hen.tax.amount": 1_200_000.0,
        "hen.tax.share": 0.4,
        "hen.tax.start": 2.0,
        "hen.tax.end": 20.0,
        "hen.tax.ramp": 3.0,
        "hen.tax.growth": 0.03,
        "hen.tax.hazard": 0.02,
    }


def test_paths_of_a_schedule_scenario_leave_out_the_rate():
    sc = scenario_from_text(THREE)
    assert sc.paths()[:3] == [
        "scenario.area",
        "scenario.horizon",
        "rooster.land_sale.amount",
    ]
    assert "mixed.sale.year" in sc.paths()
    assert "hen.tax.hazard" in sc.paths()


@pytest.mark.parametrize(
    ("long", "short"),
    [
        ("options.hen.flows.tax.amount", "hen.tax.amount"),
        ("hen.tax.amount", "hen.tax.amount"),
        ("options.rooster.flows.land_sale.year", "rooster.land_sale.year"),
        ("scenario.area", "scenario.area"),
        ("scenario.horizon", "scenario.horizon"),
        ("discount.rate", "discount.rate"),
    ],
)
def test_short_and_long_paths_resolve_the_same(long, short):
    sc = scenario_from_text(TWO)
    assert sc.resolve(long) == short
    assert sc.value(long) == sc.value(short)


def test_short_and_long_overrides_give_the_same_scenario():
    short = scenario_from_text(TWO, overrides=["hen.tax.amount=2e6"])
    long = scenario_from_text(TWO, overrides=["options.hen.flows.tax.amount=2e6"])
    assert short.options["hen"].flows["tax"].amount == 2e6
    assert short == long
    assert short != scenario_from_text(TWO)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("hen.tax.hazzard", "hen.tax.hazzard: unknown field of a"),
        ("hen.tx.amount", "hen.tx.amount: unknown flow; did you mean 'hen.tax'?"),
        ("hn.tax.amount", "hn.tax.amount: unknown option; did you mean 'hen'?"),
        ("scenario.aera", "scenario.aera: unknown parameter path; did you mean 'scenario.area'?"),
        ("discount.rat", "discount.rat: unknown parameter path; did you mean 'discount.rate'?"),
        ("hen", "hen: is an option, not a number; give OPTION.FLOW.FIELD"),
    ],
)
def test_resolve_unknown_path(path, expected):
    sc = scenario_from_text(TWO)
    with pytest.raises(ScenarioError) as info:
        sc.resolve(path)
    assert str(info.value).startswith(expected)


def test_resolve_unknown_field_suggests_the_full_path():
    sc = scenario_from_text(TWO)
    with pytest.raises(ScenarioError) as info:
        sc.resolve("hen.tax.hazzard")
    assert str(info.value).endswith("; did you mean 'hen.tax.hazard'?")


# --------------------------------------------------------------------------
# --set overrides


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hen.tax.amount=2e6", ("hen.tax.amount", 2_000_000.0)),
        ("hen.tax.amount=2_000_000", ("hen.tax.amount", 2_000_000)),
        ("hen.tax.amount=-3", ("hen.tax.amount", -3)),
        ("discount.rate=6%", ("discount.rate", 0.06)),
        ("discount.rate=0.06", ("discount.rate", 0.06)),
        ("discount.rate=.5", ("discount.rate", 0.5)),
        (" hen.tax.share = 0.5 ", ("hen.tax.share", 0.5)),
        ("scenario.name=Hello World", ("scenario.name", "Hello World")),
        ('scenario.name="Quoted name"', ("scenario.name", "Quoted name")),
        ("hen.tax.basis=total", ("hen.tax.basis", "total")),
        ("hen.tax.amount=true", ("hen.tax.amount", True)),
    ],
)
def test_parse_set(text, expected):
    path, value = parse_set(text)
    assert (path, value) == expected
    assert type(value) is type(expected[1])


@pytest.mark.parametrize("text", ["hen.tax.amount=nan", "hen.tax.amount=inf", "a=-inf"])
def test_parse_set_non_finite_numbers(text):
    _, value = parse_set(text)
    assert isinstance(value, float)
    assert not math.isfinite(value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hen.tax.amount", "--set hen.tax.amount: expected PATH=VALUE, e.g. hen.tax.amount=2e6"),
        ("=3", "--set =3: expected PATH=VALUE, e.g. hen.tax.amount=2e6"),
        ("", "--set : expected PATH=VALUE, e.g. hen.tax.amount=2e6"),
        ("discount.rate=", "--set discount.rate=: the value is empty"),
        ("discount.rate=abc%", "--set discount.rate=abc%: 'abc%' is not a percentage"),
    ],
)
def test_parse_set_bad_text(text, message):
    with pytest.raises(InputError) as info:
        parse_set(text)
    assert str(info.value) == message


def test_overrides_of_every_kind():
    sc = scenario_from_text(
        TWO,
        overrides=[
            "scenario.name=Hello World",
            "scenario.area=2.5",
            "scenario.horizon=30",
            "discount.rate=6%",
            "hen.tax.amount=2e6",
            "options.hen.flows.tax.share=0.5",
            "hen.tax.end=25",
            "rooster.land_sale.year=1",
            "hen.tax.basis=total",
        ],
    )
    assert sc.name == "Hello World"
    assert sc.area == 2.5
    assert sc.horizon == 30
    assert sc.discount == Discount(rate=0.06)
    tax = sc.options["hen"].flows["tax"]
    assert (tax.amount, tax.share, tax.end, tax.basis) == (2e6, 0.5, 25, "total")
    assert sc.options["rooster"].flows["land_sale"].year == 1
    # the file's other values stay
    assert tax.hazard == 0.02


def test_overrides_as_mapping_and_tuples():
    by_map = scenario_from_text(TWO, overrides={"hen.tax.amount": 2e6, "discount.rate": 0.06})
    by_tuple = scenario_from_text(TWO, overrides=[("hen.tax.amount", 2e6), ("discount.rate", 0.06)])
    assert by_map == by_tuple
    assert by_map.value("hen.tax.amount") == 2e6
    assert by_map.value("discount.rate") == 0.06


def test_the_last_of_repeated_overrides_wins():
    sc = scenario_from_text(TWO, overrides=["hen.tax.amount=1", "hen.tax.amount=2"])
    assert sc.value("hen.tax.amount") == 2.0


def test_discount_rate_override_replaces_a_schedule():
    sc = scenario_from_text(THREE, overrides=["discount.rate=0.07"])
    assert sc.discount == Discount(rate=0.07, schedule=None)
    assert "discount.rate" in sc.paths()
    assert sc.value("discount.rate") == 0.07
    assert "schedule" not in sc.document["discount"]


def test_overrides_do_not_change_the_file_values_of_a_second_load(tmp_path):
    path = write(tmp_path, TWO)
    assert load_scenario(path, overrides=["hen.tax.amount=5"]).value("hen.tax.amount") == 5.0
    assert load_scenario(path).value("hen.tax.amount") == 1_200_000.0


# An override is checked exactly as the same value written in the file: the message
# differs only in where the value came from (the --set text and no line number).
SAME_RULES = [
    ("hen.tax.hazard", "hazard = 0.02", "hazard = {v}", "1.5"),
    ("hen.tax.share", "share = 0.4", "share = {v}", "1.2"),
    ("hen.tax.growth", "growth = 0.03", "growth = {v}", "-1"),
    ("hen.tax.ramp", "ramp = 3", "ramp = {v}", "-1"),
    ("hen.tax.start", "start = 2", "start = {v}", "1.5"),
    ("scenario.horizon", "horizon = 20", "horizon = {v}", "2.5"),
    ("scenario.horizon", "horizon = 20", "horizon = {v}", "1001"),
    ("scenario.area", "area = 10", "area = {v}", "0"),
    ("discount.rate", "rate = 0.05", "rate = {v}", "-1"),
    ("hen.tax.amount", "amount = 1_200_000", "amount = {v}", '"abc"'),
    ("hen.tax.amount", "amount = 1_200_000", "amount = {v}", "true"),
    ("hen.tax.amount", "amount = 1_200_000", "amount = {v}", "nan"),
]


@pytest.mark.parametrize(("path", "old", "new", "value"), SAME_RULES)
def test_override_is_validated_like_a_file_value(tmp_path, path, old, new, value):
    text = edit(TWO, old, new.format(v=value))
    from_file, name = load_error(tmp_path, text)
    line = line_of(text, new.format(v=value))
    prefix, suffix = f"{name}: ", f" (line {line})"
    assert from_file.startswith(prefix)
    assert from_file.endswith(suffix)
    core = from_file[len(prefix) : -len(suffix)]
    assert core.startswith(f"{path} = ")

    with pytest.raises(ScenarioError) as info:
        load_scenario(write(tmp_path, TWO, "good.toml"), overrides=[f"{path}={value}"])
    assert str(info.value) == f"--set {path}={value}: {core}"


def test_override_error_names_the_set_text_not_the_file(tmp_path):
    path = write(tmp_path, TWO)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides=["hen.tax.hazard=1.5"])
    assert str(info.value) == (
        "--set hen.tax.hazard=1.5: hen.tax.hazard = 1.5: must be at least 0 and below 1"
    )


def test_override_start_after_end(tmp_path):
    path = write(tmp_path, TWO)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, overrides=["hen.tax.end=10", "hen.tax.start=12"])
    assert (
        str(info.value) == "--set hen.tax.start=12: hen.tax.start = 12: must not be after end (10)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "hen.tax.hazzard=0.1",
            "--set hen.tax.hazzard=0.1: unknown field 'hazzard' in 'hen.tax.hazzard'; "
            "did you mean 'hazard'?",
        ),
        (
            "options.hen.flows.tax.hazzard=0.1",
            "--set options.hen.flows.tax.hazzard=0.1: unknown field 'hazzard' in "
            "'options.hen.flows.tax.hazzard'; did you mean 'hazard'?",
        ),
        (
            "hen.tx.amount=1",
            "--set hen.tx.amount=1: unknown flow 'tx' of option 'hen'; did you mean 'tax'?",
        ),
        (
            "hn.tax.amount=1",
            "--set hn.tax.amount=1: unknown option 'hn' in 'hn.tax.amount'; did you mean 'hen'?",
        ),
        (
            "scenario.aera=1",
            "--set scenario.aera=1: unknown parameter path 'scenario.aera'; "
            "did you mean 'scenario.area'?",
        ),
        (
            "discount.rat=0.1",
            "--set discount.rat=0.1: unknown parameter path 'discount.rat'; "
            "did you mean 'discount.rate'?",
        ),
        (
            "hen.tax=1",
            "--set hen.tax=1: 'hen.tax' is not a parameter path; give OPTION.FLOW.FIELD",
        ),
        ("hen..amount=1", "--set hen..amount=1: 'hen..amount' is not a parameter path"),
    ],
)
def test_override_unknown_path(tmp_path, text, message):
    path = write(tmp_path, TWO)
    with pytest.raises(InputError) as info:
        load_scenario(path, overrides=[text])
    assert str(info.value) == message


def test_override_of_a_field_of_the_other_kind_of_flow():
    with pytest.raises(ScenarioError) as info:
        scenario_from_text(TWO, source="two.toml", overrides=["rooster.land_sale.start=3"])
    message = str(info.value)
    assert message.startswith("--set rooster.land_sale.start=3: rooster.land_sale.start: ")
    assert "'start' belongs to annual flows" in message
    assert "(line" not in message


def test_override_bad_text_is_an_input_error(tmp_path):
    path = write(tmp_path, TWO)
    with pytest.raises(InputError) as info:
        load_scenario(path, overrides=["hen.tax.amount"])
    assert str(info.value) == ("--set hen.tax.amount: expected PATH=VALUE, e.g. hen.tax.amount=2e6")


# --------------------------------------------------------------------------
# check_values: batches of values


def test_check_values_resolves_and_converts():
    sc = scenario_from_text(TWO)
    out = check_values(
        sc,
        {
            "options.hen.flows.tax.amount": [1, 2, 3],
            "discount.rate": 0.05,
            "scenario.horizon": [10, 30],
        },
    )
    assert list(out) == ["hen.tax.amount", "discount.rate", "scenario.horizon"]
    assert out["hen.tax.amount"].dtype == np.float64
    np.testing.assert_array_equal(out["hen.tax.amount"], [1.0, 2.0, 3.0])
    assert out["discount.rate"].shape == ()
    assert float(out["discount.rate"]) == 0.05


@pytest.mark.parametrize(
    ("values", "message"),
    [
        (
            {"hen.tax.hazard": [0.1, 1.5, 2.0]},
            "--vary: hen.tax.hazard = 1.5: must be at least 0 and below 1",
        ),
        ({"hen.tax.hazard": 1.0}, "--vary: hen.tax.hazard = 1.0: must be at least 0 and below 1"),
        ({"hen.tax.share": [0.5, -0.1]}, "--vary: hen.tax.share = -0.1: must be between 0 and 1"),
        (
            {"hen.tax.amount": [1.0, np.nan]},
            "--vary: hen.tax.amount = nan: must be a finite number",
        ),
        ({"hen.tax.amount": [np.inf]}, "--vary: hen.tax.amount = inf: must be a finite number"),
        (
            {"scenario.horizon": [10, 2.5]},
            "--vary: scenario.horizon = 2.5: must be a whole number of years from 1 to 1000",
        ),
        (
            {"scenario.horizon": [1001]},
            "--vary: scenario.horizon = 1001: must be a whole number of years from 1 to 1000",
        ),
        ({"discount.rate": [0.0, -1.0]}, "--vary: discount.rate = -1.0: must be above -1"),
        ({"scenario.area": [0.0]}, "--vary: scenario.area = 0.0: must be above 0"),
        (
            {"hen.tax.start": [1, 30], "hen.tax.end": [10, 20]},
            "--vary: hen.tax.start = 30: must not be after end (20)",
        ),
        ({"hen.tax.end": [1, 5]}, "--vary: hen.tax.start = 2: must not be after end (1)"),
        (
            {"hen.tax.amount": 1, "options.hen.flows.tax.amount": 2},
            "--vary: hen.tax.amount: is given twice",
        ),
        (
            {"hen.tax.amount": [[1.0, 2.0]]},
            "--vary: hen.tax.amount: must be a scalar or 1-d array, got shape (1, 2)",
        ),
    ],
)
def test_check_values_names_the_bad_value(values, message):
    sc = scenario_from_text(TWO)
    with pytest.raises(ScenarioError) as info:
        check_values(sc, values, origin="--vary")
    assert str(info.value) == message


def test_check_values_unknown_path_has_did_you_mean():
    sc = scenario_from_text(TWO)
    with pytest.raises(ScenarioError) as info:
        check_values(sc, {"hen.tax.hazzard": [0.1]}, origin="--vary hen.tax.hazzard=0:0.1:3")
    message = str(info.value)
    assert message.startswith("--vary hen.tax.hazzard=0:0.1:3: hen.tax.hazzard: unknown")
    assert message.endswith("; did you mean 'hen.tax.hazard'?")


def test_check_values_of_an_unset_end_uses_no_bound():
    sc = scenario_from_text(TWO)
    out = check_values(sc, {"hen.tax.start": [1, 19]})
    np.testing.assert_array_equal(out["hen.tax.start"], [1.0, 19.0])


# --------------------------------------------------------------------------
# Bad input (SPEC section 5): one line naming the file, the path, the value and the line


def test_missing_file(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value) == f"{path}: no such file"


def test_folder_instead_of_file(tmp_path):
    with pytest.raises(ScenarioError) as info:
        load_scenario(tmp_path)
    assert str(info.value) == f"{tmp_path}: is a folder, not a scenario file"


def test_not_utf8(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(TWO.replace("Two options", "Caf\u00e9").encode("latin-1"))
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    assert str(info.value).startswith(f"{path}: is not UTF-8 text (byte ")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("area = 10", "area = = 10"),
        ("[options.hen]", "[options hen]"),
        ('label = "Residential land sale"', 'label = "Residential land sale'),
        ("hazard = 0.02", "hazard = 0.02 0.03"),
    ],
)
def test_toml_syntax_error_has_the_line(tmp_path, old, new):
    text = edit(TWO, old, new)
    message, name = load_error(tmp_path, text)
    assert message.startswith(f"{name}: not valid TOML: ")
    assert message.endswith(f" (line {line_of(text, new)})")
    assert "column" not in message


# (edit of TWO: old, new), the line marker (None: no line number), the expected message
# after "FILE: " and before " (line N)".
BAD_FILES = {
    "unknown key": (
        ("hazard = 0.02", "hazzard = 0.02"),
        "hazzard = 0.02",
        "hen.tax.hazzard: unknown key; did you mean 'hazard'?",
    ),
    "unknown scenario key": (
        ("horizon = 20", "horizon = 20\nhorizn = 20"),
        "horizn = 20",
        "scenario.horizn: unknown key; did you mean 'horizon'?",
    ),
    "unknown option key": (
        ('label = "Residential land sale"', 'lable = "Residential land sale"'),
        "lable =",
        "rooster.lable: unknown key; did you mean 'label'?",
    ),
    "misspelt table": (
        ("[discount]", "[discont]"),
        "[discont]",
        "discont: unknown table; did you mean 'discount'?",
    ),
    "unknown table": (
        ("[discount]", "[extra]\nx = 1\n\n[discount]"),
        "[extra]",
        "extra: unknown table; allowed: scenario, discount, options, uncertain, correlations",
    ),
    "string for a number": (
        ("area = 10", 'area = "10"'),
        'area = "10"',
        'scenario.area = "10": must be a number, not a string',
    ),
    "boolean for a number": (
        ("hazard = 0.02", "hazard = true"),
        "hazard = true",
        "hen.tax.hazard = true: must be a number, not a boolean",
    ),
    "list for a number": (
        ("share = 0.4", "share = [0.4]"),
        "share = [0.4]",
        "hen.tax.share = [...]: must be a number, not a list",
    ),
    "number for a string": (
        ('name = "Two options"', "name = 2"),
        "name = 2",
        "scenario.name = 2: must be a string, not a number",
    ),
    "hazard 1.5": (
        ("hazard = 0.02", "hazard = 1.5"),
        "hazard = 1.5",
        "hen.tax.hazard = 1.5: must be at least 0 and below 1",
    ),
    "hazard 1": (
        ("hazard = 0.02", "hazard = 1"),
        "hazard = 1",
        "hen.tax.hazard = 1: must be at least 0 and below 1",
    ),
    "hazard negative": (
        ("hazard = 0.02", "hazard = -0.01"),
        "hazard = -0.01",
        "hen.tax.hazard = -0.01: must be at least 0 and below 1",
    ),
    "share 1.2": (
        ("share = 0.4", "share = 1.2"),
        "share = 1.2",
        "hen.tax.share = 1.2: must be between 0 and 1",
    ),
    "growth -1": (
        ("growth = 0.03", "growth = -1"),
        "growth = -1",
        "hen.tax.growth = -1: must be above -1",
    ),
    "ramp negative": (
        ("ramp = 3", "ramp = -1"),
        "ramp = -1",
        "hen.tax.ramp = -1: must be a whole number of years, at least 0",
    ),
    "start not whole": (
        ("start = 2", "start = 2.5"),
        "start = 2.5",
        "hen.tax.start = 2.5: must be a whole number of years, at least 0",
    ),
    "year negative": (
        ("amount = 30_000_000", "amount = 30_000_000\nyear = -1"),
        "year = -1",
        "rooster.land_sale.year = -1: must be a whole number of years, at least 0",
    ),
    "rate -1": (
        ("rate = 0.05", "rate = -1"),
        "rate = -1",
        "discount.rate = -1: must be above -1",
    ),
    "horizon 0": (
        ("horizon = 20", "horizon = 0"),
        "horizon = 0",
        "scenario.horizon = 0: must be a whole number of years from 1 to 1000",
    ),
    "horizon 1001": (
        ("horizon = 20", "horizon = 1001"),
        "horizon = 1001",
        "scenario.horizon = 1001: must be a whole number of years from 1 to 1000",
    ),
    "horizon 2.5": (
        ("horizon = 20", "horizon = 2.5"),
        "horizon = 2.5",
        "scenario.horizon = 2.5: must be a whole number of years from 1 to 1000",
    ),
    "area 0": (
        ("area = 10", "area = 0"),
        "area = 0",
        "scenario.area = 0: must be above 0",
    ),
    "area negative": (
        ("area = 10", "area = -5"),
        "area = -5",
        "scenario.area = -5: must be above 0",
    ),
    "area unit": (
        ("area = 10", 'area = 10\narea_unit = "hectare"'),
        'area_unit = "hectare"',
        'scenario.area_unit = "hectare": is not one of mu, ha, m2, acre',
    ),
    "nan": (
        ("growth = 0.03", "growth = nan"),
        "growth = nan",
        "hen.tax.growth = nan: must be a finite number",
    ),
    "inf": (
        ("amount = 1_200_000", "amount = inf"),
        "amount = inf",
        "hen.tax.amount = inf: must be a finite number",
    ),
    "minus inf": (
        ("rate = 0.05", "rate = -inf"),
        "rate = -inf",
        "discount.rate = -inf: must be a finite number",
    ),
    "start after end": (
        ("start = 2", "start = 12\nend = 10"),
        "start = 12",
        "hen.tax.start = 12: must not be after end (10)",
    ),
    "baseline not an option": (
        ("horizon = 20", 'horizon = 20\nbaseline = "roostr"'),
        'baseline = "roostr"',
        "scenario.baseline = \"roostr\": is not one of the options; did you mean 'rooster'?",
    ),
    "baseline far from any option": (
        ("horizon = 20", 'horizon = 20\nbaseline = "zzz"'),
        'baseline = "zzz"',
        'scenario.baseline = "zzz": is not one of the options; options: rooster, hen',
    ),
    "once flow with start": (
        ("amount = 30_000_000", "amount = 30_000_000\nstart = 3"),
        "start = 3",
        "rooster.land_sale.start: unknown key; 'start' belongs to annual flows; "
        'this flow is kind = "once"',
    ),
    "once flow with hazard": (
        ("amount = 30_000_000", "amount = 30_000_000\nhazard = 0.1"),
        "hazard = 0.1",
        "rooster.land_sale.hazard: unknown key; 'hazard' belongs to annual flows; "
        'this flow is kind = "once"',
    ),
    "annual flow with year": (
        ("hazard = 0.02", "hazard = 0.02\nyear = 3"),
        "year = 3",
        "hen.tax.year: unknown key; 'year' belongs to once flows; this flow is kind = \"annual\"",
    ),
    "missing amount": (
        ('kind = "once"\namount = 30_000_000', 'kind = "once"'),
        "[options.rooster.flows.land_sale]",
        "rooster.land_sale: missing required key 'amount'",
    ),
    "missing kind": (
        ('kind = "once"\namount = 30_000_000', "amount = 30_000_000"),
        "[options.rooster.flows.land_sale]",
        "rooster.land_sale: missing required key 'kind'",
    ),
    "unknown kind": (
        ('kind = "annual"', 'kind = "anual"'),
        'kind = "anual"',
        "hen.tax.kind = \"anual\": is not one of once, annual; did you mean 'annual'?",
    ),
    "unknown basis": (
        ('kind = "annual"', 'kind = "annual"\nbasis = "totl"'),
        'basis = "totl"',
        "hen.tax.basis = \"totl\": is not one of per_mu, total; did you mean 'total'?",
    ),
    "rate and schedule": (
        ("rate = 0.05", "rate = 0.05\nschedule = [{from = 1, rate = 0.03}]"),
        "[discount]",
        "discount: give either rate or schedule, not both",
    ),
    "neither rate nor schedule": (
        ("rate = 0.05", ""),
        "[discount]",
        "discount: give rate = 0.08 or a schedule",
    ),
    "schedule not increasing": (
        ("rate = 0.05", "schedule = [{from = 1, rate = 0.035}, {from = 1, rate = 0.03}]"),
        "schedule =",
        "discount.schedule.1.from = 1: must be after the previous entry's from (1)",
    ),
    "schedule decreasing": (
        (
            "rate = 0.05",
            "schedule = [{from = 0, rate = 0.035}, {from = 31, rate = 0.03}, "
            "{from = 20, rate = 0.02}]",
        ),
        "schedule =",
        "discount.schedule.2.from = 20: must be after the previous entry's from (31)",
    ),
    "schedule from 2": (
        ("rate = 0.05", "schedule = [{from = 2, rate = 0.035}]"),
        "schedule =",
        "discount.schedule.0.from = 2: the first entry must start from year 0 or 1",
    ),
    "schedule rate -1": (
        ("rate = 0.05", "schedule = [{from = 1, rate = -1}]"),
        "schedule =",
        "discount.schedule.0.rate = -1: must be above -1",
    ),
    "empty schedule": (
        ("rate = 0.05", "schedule = []"),
        "schedule =",
        "discount.schedule = [...]: must be a non-empty list of {from = YEAR, rate = RATE}",
    ),
    "reserved name scenario": (
        ("[options.hen]", "[options.scenario]"),
        "[options.scenario]",
        "scenario: 'scenario' cannot name an option (it would make paths ambiguous)",
    ),
    "option name with a space": (
        ("[options.hen]", '[options."my hen"]'),
        '[options."my hen"]',
        "my hen: option names may not be empty or contain spaces, dots, '=', ',' or quotes",
    ),
    "empty name": (
        ('name = "Two options"', 'name = "  "'),
        'name = "  "',
        'scenario.name = "  ": must not be empty',
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file(tmp_path, case):
    (old, new), marker, expected = BAD_FILES[case]
    text = edit(TWO, old, new)
    message, name = load_error(tmp_path, text)
    assert message == f"{name}: {expected} (line {line_of(text, marker)})"


@pytest.mark.parametrize("name", ["scenario", "discount", "uncertain", "correlations", "options"])
def test_reserved_option_names(tmp_path, name):
    text = TWO.replace("options.hen", f"options.{name}")
    message, file = load_error(tmp_path, text)
    line = line_of(text, f"[options.{name}]")
    assert message == (
        f"{file}: {name}: '{name}' cannot name an option (it would make paths ambiguous)"
        f" (line {line})"
    )


def test_fewer_than_two_options(tmp_path):
    text = TWO.split("[options.hen]")[0]
    message, name = load_error(tmp_path, text)
    # the line of the first [options.X] header, which opens [options]
    line = line_of(text, "[options.rooster]")
    assert message == (
        f"{name}: options: needs at least two options to compare, found 1 (line {line})"
    )


def test_no_options(tmp_path):
    text = TWO.split("[options.rooster]")[0]
    message, name = load_error(tmp_path, text)
    assert message == f"{name}: missing [options] table: give at least two options"


def test_missing_scenario_table(tmp_path):
    text = TWO.replace('[scenario]\nname = "Two options"\narea = 10\nhorizon = 20\n', "")
    message, name = load_error(tmp_path, text)
    assert message == f"{name}: missing [scenario] table"


def test_missing_discount_table(tmp_path):
    text = edit(TWO, "[discount]\nrate = 0.05\n", "")
    message, name = load_error(tmp_path, text)
    assert message == f"{name}: missing [discount] table; give rate = 0.08 or a schedule"


@pytest.mark.parametrize(
    ("key", "line"),
    [("name", 1), ("area", 1), ("horizon", 1)],
)
def test_missing_required_scenario_key(tmp_path, key, line):
    text = "\n".join(x for x in TWO.splitlines() if not x.startswith(f"{key} =")) + "\n"
    message, name = load_error(tmp_path, text)
    assert message == f"{name}: scenario: missing required key '{key}' (line {line})"


def test_scenario_from_text_without_source_has_no_file_name():
    with pytest.raises(ScenarioError) as info:
        scenario_from_text(edit(TWO, "hazard = 0.02", "hazard = 1.5"))
    line = line_of(TWO, "hazard = 0.02")
    assert str(info.value) == (
        f"hen.tax.hazard = 1.5: must be at least 0 and below 1 (line {line})"
    )


def test_error_attributes():
    with pytest.raises(ScenarioError) as info:
        scenario_from_text(edit(TWO, "hazard = 0.02", "hazard = 1.5"), source="x.toml")
    exc = info.value
    assert (exc.source, exc.path, exc.value) == ("x.toml", "hen.tax.hazard", 1.5)
    assert exc.line == line_of(TWO, "hazard = 0.02")
    assert exc.message == "must be at least 0 and below 1"
    assert exc.exit_code == 2


def test_first_error_in_file_order(tmp_path):
    text = edit(edit(TWO, "area = 10", "area = 0"), "hazard = 0.02", "hazard = 1.5")
    message, name = load_error(tmp_path, text)
    assert message == f"{name}: scenario.area = 0: must be above 0 (line 3)"


@pytest.mark.parametrize(
    "text",
    [
        TWO + '\n[uncertain]\n"hen.tax.hazzard" = { dist = "uniform", low = 0, high = 0.1 }\n',
    ],
)
def test_uncertain_path_is_checked(tmp_path, text):
    message, name = load_error(tmp_path, text)
    assert message.startswith(f"{name}: uncertain.hen.tax.hazzard: unknown")
    assert "did you mean 'hen.tax.hazard'?" in message
    assert message.endswith(f" (line {line_of(text, 'hazzard')})")
