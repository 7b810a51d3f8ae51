"""Checks of the reference implementation against values worked out by hand."""

from __future__ import annotations

import json
import math
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reference import (
    area_mu,
    breakeven_rate,
    discount_factors,
    flow_cash,
    npv,
    option_cash,
    payback_year,
    reference_compare,
    undiscounted,
)
from strategies import doc_to_toml, scenario_docs


def make_doc(options: dict, horizon: int, discount: dict | None = None, **scenario) -> dict:
    base = {"name": "hand", "area": 1, "horizon": horizon}
    base.update(scenario)
    return {
        "scenario": base,
        "discount": discount if discount is not None else {"rate": 0.0},
        "options": options,
    }


def once_flows(cash: list[float]) -> dict:
    return {f"y{t}": {"kind": "once", "amount": c, "year": t} for t, c in enumerate(cash)}


HAND_CASH = [-15000, 1500, 2500, 3500, 4500, 6000]


def test_npv_and_breakeven_of_hand_example():
    doc = make_doc(
        {"base": {}, "project": {"flows": once_flows(HAND_CASH)}},
        horizon=5,
        discount={"rate": 0.05},
    )
    dfs = discount_factors(doc)
    assert option_cash(doc, "project") == [float(c) for c in HAND_CASH]
    assert abs(npv(option_cash(doc, "project"), dfs) - 122.8948549509) < 1e-9
    assert undiscounted(option_cash(doc, "project")) == 3000.0

    result = reference_compare(doc)
    comparison = result["comparisons"]["project"]
    assert abs(comparison["difference"] - 122.8948549509) < 1e-9
    assert abs(comparison["breakeven_rate"] - 0.0524329) < 1e-6
    assert comparison["payback_year"] == 5

    rate, several = breakeven_rate([float(c) for c in HAND_CASH])
    assert not several
    cash_at_rate = sum(c / (1 + rate) ** t for t, c in enumerate(HAND_CASH))
    assert abs(cash_at_rate) < 1e-8


@pytest.mark.parametrize(
    ("amount", "rate", "growth", "hazard", "years"),
    [
        (1000.0, 0.08, 0.0, 0.0, 50),
        (1_200_000.0, 0.05, 0.03, 0.02, 30),
        (-250.0, 0.035, -0.1, 0.3, 100),
        (7.5, -0.2, 0.1, 0.0, 12),
        (3e7, 0.5, 0.2, 0.45, 1),
    ],
)
def test_growing_annuity_matches_closed_form(amount, rate, growth, hazard, years):
    flow = {"kind": "annual", "amount": amount, "growth": growth, "hazard": hazard}
    doc = make_doc({"a": {}, "b": {"flows": {"tax": flow}}}, years, {"rate": rate})
    v = 1 / (1 + rate)
    x = (1 + growth) * (1 - hazard) / (1 + rate)
    closed = amount * v * (1 - x**years) / (1 - x)
    got = npv(flow_cash(doc, "b", "tax"), discount_factors(doc))
    assert math.isclose(got, closed, rel_tol=1e-11)


@settings(max_examples=60, deadline=None)
@given(
    amount=st.floats(-5e7, 5e7).filter(lambda a: abs(a) > 1e-3),
    rate=st.floats(-0.5, 0.5),
    growth=st.floats(-0.5, 0.2),
    hazard=st.floats(0.0, 0.5),
    years=st.integers(1, 120),
    area=st.floats(0.5, 5000),
)
def test_growing_annuity_property(amount, rate, growth, hazard, years, area):
    x = (1 + growth) * (1 - hazard) / (1 + rate)
    if abs(1 - x) < 1e-3:
        return
    flow = {"kind": "annual", "amount": amount, "growth": growth, "hazard": hazard}
    doc = make_doc({"a": {}, "b": {"flows": {"tax": flow}}}, years, {"rate": rate}, area=area)
    closed = area * amount / (1 + rate) * (1 - x**years) / (1 - x)
    got = npv(flow_cash(doc, "b", "tax"), discount_factors(doc))
    assert math.isclose(got, closed, rel_tol=1e-9, abs_tol=1e-9 * abs(area * amount))


def test_ramp_weights():
    flow = {"kind": "annual", "amount": 1.0, "ramp": 3}
    doc = make_doc({"a": {}, "b": {"flows": {"f": flow}}}, horizon=8)
    assert flow_cash(doc, "b", "f") == [0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0]


def test_ramp_with_late_start_end_and_growth():
    flow = {"kind": "annual", "amount": 100.0, "start": 3, "end": 6, "ramp": 1, "growth": 0.1}
    doc = make_doc({"a": {}, "b": {"flows": {"f": flow}}}, horizon=8)
    expected = [0.0, 0.0, 0.0, 50.0, 110.0, 121.0, 133.1, 0.0, 0.0]
    got = flow_cash(doc, "b", "f")
    assert len(got) == 9
    assert all(math.isclose(g, e, rel_tol=1e-14) for g, e in zip(got, expected, strict=True))


def test_annual_flow_clipped_by_horizon_and_start_zero():
    flow = {"kind": "annual", "amount": 2.0, "start": 0, "end": 99, "share": 0.5}
    doc = make_doc({"a": {}, "b": {"flows": {"f": flow}}}, horizon=3, area=10)
    assert flow_cash(doc, "b", "f") == [10.0, 10.0, 10.0, 10.0]


def test_once_flow_after_horizon_and_total_basis():
    flows = {
        "late": {"kind": "once", "amount": 5.0, "year": 4},
        "fixed": {"kind": "once", "amount": 7.0, "year": 3, "basis": "total"},
        "per_mu": {"kind": "once", "amount": 2.0, "share": 0.25},
    }
    doc = make_doc({"a": {}, "b": {"flows": flows}}, horizon=3, area=2, area_unit="ha")
    assert flow_cash(doc, "b", "late") == [0.0, 0.0, 0.0, 0.0]
    assert flow_cash(doc, "b", "fixed") == [0.0, 0.0, 0.0, 7.0]
    assert flow_cash(doc, "b", "per_mu") == [15.0, 0.0, 0.0, 0.0]
    assert option_cash(doc, "b") == [15.0, 0.0, 0.0, 7.0]


def test_area_units():
    def area(value, unit=None):
        scenario = {"area": value} if unit is None else {"area": value, "area_unit": unit}
        return area_mu({"scenario": scenario})

    assert area(1000) == 1000.0
    assert area(3.5, "mu") == 3.5
    assert area(2, "ha") == 30.0
    assert math.isclose(area(10000 / 15, "m2"), 1.0, rel_tol=1e-15)
    assert math.isclose(area(10000, "m2"), 15.0, rel_tol=1e-15)
    assert math.isclose(area(1, "acre"), 4046.8564224 * 15 / 10000, rel_tol=1e-15)


def test_green_book_schedule():
    schedule = [
        {"from": 1, "rate": 0.035},
        {"from": 31, "rate": 0.03},
        {"from": 76, "rate": 0.025},
    ]
    doc = make_doc({"a": {}, "b": {}}, horizon=100, discount={"schedule": schedule})
    dfs = discount_factors(doc)
    assert len(dfs) == 101
    assert dfs[0] == 1.0
    df30 = 1.035**-30
    df75 = df30 * 1.03**-45
    hand = {
        1: 1 / 1.035,
        10: 1.035**-10,
        30: df30,
        31: df30 / 1.03,
        75: df75,
        76: df75 / 1.025,
        100: df75 * 1.025**-25,
    }
    for year, value in hand.items():
        assert math.isclose(dfs[year], value, rel_tol=1e-12), year


def test_schedule_from_zero_and_constant_rate():
    schedule = [{"from": 0, "rate": 0.05}, {"from": 3, "rate": 0.02}]
    doc = make_doc({"a": {}, "b": {}}, horizon=4, discount={"schedule": schedule})
    expected = [1.0, 1 / 1.05, 1 / 1.05**2, 1 / 1.05**2 / 1.02, 1 / 1.05**2 / 1.02**2]
    got = discount_factors(doc)
    assert all(math.isclose(g, e, rel_tol=1e-14) for g, e in zip(got, expected, strict=True))

    doc = make_doc({"a": {}, "b": {}}, horizon=3, discount={"rate": -0.5})
    assert discount_factors(doc) == [1.0, 2.0, 4.0, 8.0]


@pytest.mark.parametrize(
    ("cash", "expected"),
    [
        ([-10, 15, -10, 3, 4], 4),
        ([-10, 15, -10, 6, 1], 3),
        ([-10, 15, -10, 3, 1], None),
        ([-10, 10, 0], 1),
        ([5, -10, 20], 2),
        ([1, 2, 3], 0),
        ([0, 0, 0], 0),
        ([3, -3], 0),
        ([0, 0, -1], None),
    ],
)
def test_payback_year_at_zero_rate(cash, expected):
    dfs = [1.0] * len(cash)
    assert payback_year([float(c) for c in cash], dfs) == expected


def test_payback_year_through_a_document():
    # cumulative at 10%: -100, +9.09, -32.23, -24.72, +43.58; at 0%: -100, 20, -30, -20, 80
    cash = [-100, 120, -50, 10, 100]
    doc = make_doc(
        {"base": {}, "x": {"flows": once_flows(cash)}}, horizon=4, discount={"rate": 0.1}
    )
    assert reference_compare(doc)["comparisons"]["x"]["payback_year"] == 4
    doc["discount"]["rate"] = 0.0
    assert reference_compare(doc)["comparisons"]["x"]["payback_year"] == 4


def seed_doc(tax: float) -> dict:
    return make_doc(
        {
            "rooster": {"flows": {"land_sale": {"kind": "once", "amount": 30e6}}},
            "hen": {
                "flows": {
                    "land_sale": {"kind": "once", "amount": 1e6},
                    "tax": {"kind": "annual", "amount": tax, "start": 1, "end": 50},
                }
            },
        },
        horizon=50,
        discount={"rate": 0.08},
        area=1000,
    )


ANNUITY_FACTOR = (1 - 1.08**-50) / 0.08


def test_seed_like_case():
    result = reference_compare(seed_doc(2_370_533.4))
    difference = result["comparisons"]["hen"]["difference"]
    assert abs(difference) / 3e10 < 1e-5
    closed = 1000 * (2_370_533.4 * ANNUITY_FACTOR - 29e6)
    assert abs(difference - closed) / 3e10 < 1e-13
    assert result["comparisons"]["hen"]["payback_year"] is None
    assert result["scenario"]["baseline"] == "rooster"
    assert result["options"]["rooster"]["npv"] == 3e10


def test_seed_like_breakeven_tax():
    tax = 29e6 / ANNUITY_FACTOR
    result = reference_compare(seed_doc(tax))
    assert abs(result["comparisons"]["hen"]["difference"]) / 3e10 < 1e-12
    assert abs(result["comparisons"]["hen"]["breakeven_rate"] - 0.08) < 1e-9
    below = reference_compare(seed_doc(tax * 0.999))["comparisons"]["hen"]["breakeven_rate"]
    assert below < 0.08


def test_breakeven_rate_edge_cases():
    assert breakeven_rate([0.0, 0.0, 0.0]) == (None, False)
    assert breakeven_rate([1.0, 1.0]) == (None, False)
    assert breakeven_rate([-1.0, 2.5]) == (None, False)
    assert breakeven_rate([-1.0, 2.0]) == (1.0, False)

    rate, several = breakeven_rate([-1.0, 1.0])
    assert abs(rate) < 1e-12 and not several

    rate, several = breakeven_rate([-1.0, 2.3, -1.32])
    assert abs(rate - 0.1) < 1e-12 and several

    rate, several = breakeven_rate([-1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1e-30])
    assert rate is None and not several

    rate, several = breakeven_rate([100.0, -50.0])
    assert abs(rate - (-0.5)) < 1e-12 and not several


def test_compare_structure_and_defaults():
    doc = make_doc(
        {
            "hen": {"flows": {"tax": {"kind": "annual", "amount": 10.0}}},
            "rooster": {"label": "Sale", "flows": {"sale": {"kind": "once", "amount": 30.0}}},
            "empty": {},
        },
        horizon=3,
        discount={"rate": 0.0},
        area=3,
        area_unit="ha",
    )
    result = reference_compare(doc)
    assert result["scenario"] == {
        "name": "hand",
        "file": None,
        "area_mu": 45.0,
        "horizon": 3,
        "baseline": "hen",
    }
    assert list(result["options"]) == ["hen", "rooster", "empty"]
    assert result["options"]["hen"] == {
        "label": "hen",
        "npv": 1350.0,
        "npv_per_mu": 30.0,
        "undiscounted": 1350.0,
        "flows": {"tax": 1350.0},
    }
    assert result["options"]["rooster"]["label"] == "Sale"
    assert result["options"]["empty"]["flows"] == {}
    rooster = result["comparisons"]["rooster"]
    assert list(result["comparisons"]) == ["rooster", "empty"]
    assert rooster["difference"] == 0.0 and rooster["payback_year"] == 0
    assert abs(rooster["breakeven_rate"]) < 1e-12
    assert result["comparisons"]["empty"] == {
        "difference": -1350.0,
        "payback_year": None,
        "breakeven_rate": None,
    }


@settings(max_examples=25, deadline=None)
@given(scenario_docs(max_horizon=30))
def test_reference_compare_is_self_consistent(doc):
    result = reference_compare(doc)
    json.dumps(result, allow_nan=False)
    baseline = result["scenario"]["baseline"]
    assert baseline in doc["options"]
    assert set(result["comparisons"]) == set(doc["options"]) - {baseline}
    dfs = discount_factors(doc)
    for name, option in result["options"].items():
        scale = sum(abs(c) for c in option_cash(doc, name)) * max(dfs) + 1.0
        assert abs(math.fsum(option["flows"].values()) - option["npv"]) <= 1e-12 * scale
    for name, comparison in result["comparisons"].items():
        expected = result["options"][name]["npv"] - result["options"][baseline]["npv"]
        assert comparison["difference"] == expected
        payback = comparison["payback_year"]
        assert payback is None or 0 <= payback <= doc["scenario"]["horizon"]
        rate = comparison["breakeven_rate"]
        assert rate is None or -0.99 < rate <= 1.0


def effective_flow_fields(flow: dict, horizon: int) -> tuple[int, int]:
    return flow.get("start", 1), flow.get("end", horizon)


@settings(max_examples=150, deadline=None)
@given(scenario_docs())
def test_generated_documents_are_valid(doc):
    scenario = doc["scenario"]
    horizon = scenario["horizon"]
    assert 1 <= horizon <= 80
    assert 0.1 < scenario["area"] <= 5000
    assert 2 <= len(doc["options"]) <= 3
    assert scenario.get("baseline", next(iter(doc["options"]))) in doc["options"]
    discount = doc["discount"]
    assert ("rate" in discount) != ("schedule" in discount)
    if "schedule" in discount:
        starts = [entry["from"] for entry in discount["schedule"]]
        assert starts[0] in (0, 1)
        assert starts == sorted(set(starts))
    for option in doc["options"].values():
        for flow in option.get("flows", {}).values():
            assert math.isfinite(flow["amount"]) and abs(flow["amount"]) <= 5e7
            assert 0 <= flow.get("share", 1) <= 1
            if flow["kind"] == "annual":
                start, end = effective_flow_fields(flow, horizon)
                assert 0 <= start <= end
                assert -0.5 < flow.get("growth", 0) <= 0.2
                assert 0 <= flow.get("hazard", 0) <= 0.5
            else:
                assert flow.get("year", 0) >= 0


@settings(max_examples=200, deadline=None)
@given(scenario_docs(max_options=6, max_flows=4))
def test_doc_to_toml_round_trips(doc):
    assert tomllib.loads(doc_to_toml(doc)) == doc


def test_doc_to_toml_escapes_and_other_tables():
    doc = {
        "scenario": {"name": 'a\x00b\x7f"\\\n\t é 😀 松江', "area": 1e-300, "horizon": 1},
        "discount": {"schedule": [{"from": 0, "rate": -0.0}, {"from": 5, "rate": 1e16}]},
        "options": {"a": {}, "b": {"flows": {}}},
        "uncertain": {"hen.tax.amount": {"dist": "uniform", "low": 4e5, "high": 3e6}},
        "correlations": {"pairs": [["hen.tax.amount", "hen.tax.growth", 0.5]]},
    }
    text = doc_to_toml(doc)
    assert tomllib.loads(text) == doc
    assert '"hen.tax.amount"' in text
