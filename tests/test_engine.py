"""The batch engine against hand-computed values, the slow reference, and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import SEED, examples
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from reference import (
    breakeven_rate,
    cumulative_discounted,
    discount_factors,
    option_cash,
    payback_year,
    reference_compare,
)
from strategies import doc_to_toml, scenario_docs

from landcalc.analysis import compare
from landcalc.engine import evaluate
from landcalc.scenario import scenario_from_dict, scenario_from_text


def stream_doc(cash, rate):
    """A document whose 'b' option has ``cash`` as once flows and 'a' has nothing."""
    flows = {f"y{t}": {"kind": "once", "amount": c, "year": t} for t, c in enumerate(cash)}
    return {
        "scenario": {"name": "stream", "area": 1, "horizon": len(cash) - 1},
        "discount": {"rate": rate},
        "options": {"a": {}, "b": {"flows": flows}},
    }


# -- hand-computed values ----------------------------------------------------


def test_textbook_npv_and_irr():
    sc = scenario_from_dict(stream_doc([-15000, 1500, 2500, 3500, 4500, 6000], 0.05))
    res = evaluate(sc)
    assert res.npv["b"][0] == pytest.approx(122.8948549509, abs=1e-9)
    assert res.difference["b"][0] == pytest.approx(122.8948549509, abs=1e-9)
    assert res.breakeven_rate["b"][0] == pytest.approx(0.0524329, abs=1e-7)
    assert res.payback_year["b"][0] == 5
    assert res.undiscounted["b"][0] == pytest.approx(3000.0)


def test_seed_breakeven_tax_is_the_annuity_ratio():
    # 30 M vs 1 M yuan per mu, tax from year 1 to 50 at 8%: tax* = 29e6 / annuity factor
    annuity = (1 - 1.08**-50) / 0.08
    tax = 29e6 / annuity
    assert tax == pytest.approx(2_370_542.8867, abs=1e-3)
    sc = scenario_from_text(SEED, overrides={"hen.tax.amount": tax})
    res = evaluate(sc)
    assert abs(res.difference["hen"][0]) < 1e-12 * 3e10 * 10
    assert res.breakeven_rate["hen"][0] == pytest.approx(0.08, abs=1e-9)
    # and compare's verdict solves for the same amount
    result = compare(scenario_from_text(SEED))
    assert result.comparisons["hen"].match.value == pytest.approx(tax, rel=1e-12)
    assert "2.37 M yuan/mu/yr of tax to match" in result.verdict()[0]


@pytest.mark.parametrize(
    "rate,growth,hazard,n",
    [
        (0.08, 0.03, 0.02, 50),
        (0.05, 0.05, 0.0, 30),
        (0.1, 0.0, 0.1, 200),
        (0.0, 0.0, 0.0, 10),
        (0.03, 0.06, 0.02, 1000),
    ],
)
def test_growing_annuity_closed_form(rate, growth, hazard, n):
    text = f"""
[scenario]
name = "annuity"
area = 1
horizon = {n}
[discount]
rate = {rate}
[options.a.flows.none]
kind = "once"
amount = 0
[options.b.flows.tax]
kind = "annual"
amount = 100
growth = {growth}
hazard = {hazard}
"""
    res = evaluate(scenario_from_text(text))
    v = 1 / (1 + rate)
    x = (1 + growth) * (1 - hazard) * v
    expected = 100 * v * n if x == 1 else 100 * v * (1 - x**n) / (1 - x)
    assert res.npv["b"][0] == pytest.approx(expected, rel=1e-12)


def test_ramp_weights_and_per_total_basis():
    text = """
[scenario]
name = "ramp"
area = 2
area_unit = "ha"
horizon = 6
[discount]
rate = 0.0
[options.a.flows.road]
kind = "once"
amount = -500
basis = "total"
[options.b.flows.tax]
kind = "annual"
amount = 4
start = 1
ramp = 3
"""
    res = evaluate(scenario_from_text(text))
    # 30 mu; weights 1/4, 2/4, 3/4, 1, 1, 1 in years 1..6
    assert res.npv["b"][0] == pytest.approx(4 * 30 * (0.25 + 0.5 + 0.75 + 3))
    assert res.npv["a"][0] == pytest.approx(-500)


def test_declining_schedule_discount_factors():
    text = """
[scenario]
name = "gb"
area = 1
horizon = 80
[discount]
schedule = [{from = 0, rate = 0.035}, {from = 31, rate = 0.03}, {from = 76, rate = 0.025}]
[options.a.flows.none]
kind = "once"
amount = 0
[options.b.flows.at40]
kind = "once"
amount = 1000
year = 40
[options.b.flows.at80]
kind = "once"
amount = 1000
year = 80
"""
    res = evaluate(scenario_from_text(text))
    df40 = 1.035**-30 * 1.03**-10
    df80 = 1.035**-30 * 1.03**-45 * 1.025**-5
    assert res.flow_npv["b"]["at40"][0] == pytest.approx(1000 * df40, rel=1e-13)
    assert res.flow_npv["b"]["at80"][0] == pytest.approx(1000 * df80, rel=1e-13)


def test_payback_after_the_last_dip():
    # cumulative: -100, 20, -30, 70 -> payback in year 3
    sc = scenario_from_dict(stream_doc([-100, 120, -50, 100], 0.0))
    res = evaluate(sc)
    assert res.payback_year["b"][0] == 3
    # negative at the horizon -> none
    res = evaluate(scenario_from_dict(stream_doc([-100, 50, 40], 0.0)))
    assert math.isnan(res.payback_year["b"][0])


def test_several_break_even_rates_are_flagged_and_lowest_reported():
    # (1 + r)^2 roots of -1, 2.3, -1.32 at r = 0.1 and r = 0.2
    sc = scenario_from_dict(stream_doc([-1.0, 2.3, -1.32], 0.05))
    res = evaluate(sc)
    assert res.several_roots["b"][0]
    assert res.breakeven_rate["b"][0] == pytest.approx(0.1, abs=1e-10)
    result = compare(sc)
    assert result.warnings and "several break-even rates" in result.warnings[0]


def test_no_break_even_rate():
    res = evaluate(scenario_from_dict(stream_doc([10.0, 5.0, 5.0], 0.05)))
    assert math.isnan(res.breakeven_rate["b"][0])
    # identical options: zero difference everywhere, no rate
    res = evaluate(scenario_from_dict(stream_doc([0.0, 0.0], 0.05)))
    assert math.isnan(res.breakeven_rate["b"][0])
    assert res.payback_year["b"][0] == 0


# -- the slow reference on random scenarios ---------------------------------


def _scale(doc, name):
    dfs = discount_factors(doc)
    return sum(abs(c) * d for c, d in zip(option_cash(doc, name), dfs, strict=True)) + 1.0


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenario_docs())
def test_engine_matches_reference(doc):
    sc = scenario_from_text(doc_to_toml(doc), source="generated")
    ref = reference_compare(doc, grid=50)
    res = evaluate(sc)
    base = ref["scenario"]["baseline"]
    assert sc.baseline == base
    for name, o in ref["options"].items():
        tol = 1e-9 * _scale(doc, name)
        assert res.npv[name][0] == pytest.approx(o["npv"], abs=tol)
        assert res.undiscounted[name][0] == pytest.approx(
            o["undiscounted"], abs=1e-9 * (sum(abs(c) for c in option_cash(doc, name)) + 1)
        )
        for f, v in o["flows"].items():
            assert res.flow_npv[name][f][0] == pytest.approx(v, abs=tol)
    dfs = discount_factors(doc)
    for name, c in ref["comparisons"].items():
        tol = 1e-9 * (_scale(doc, name) + _scale(doc, base))
        assert res.difference[name][0] == pytest.approx(c["difference"], abs=tol)
        diff = [a - b for a, b in zip(option_cash(doc, name), option_cash(doc, base), strict=True)]
        cum = cumulative_discounted(diff, dfs)
        if all(v == 0 or abs(v) > tol for v in cum):
            got = res.payback_year[name][0]
            assert (None if math.isnan(got) else int(got)) == payback_year(diff, dfs)
        gross = [
            abs(a) + abs(b)
            for a, b in zip(option_cash(doc, name), option_cash(doc, base), strict=True)
        ]
        _check_breakeven(diff, res.breakeven_rate[name][0], gross)


def _npv_at(diff, r):
    return math.fsum(c / (1 + r) ** t for t, c in enumerate(diff))


def _check_breakeven(diff, got, gross):
    """The engine's rate is a root; where the reference sees one clear root, it is that one.

    ``gross``: |cash| of both options per year, the scale of the rounding in ``diff``.
    """
    if not math.isnan(got):
        assert -0.99 < got <= 1.0
        scale = math.fsum(abs(c) / (1 + got) ** t for t, c in enumerate(gross))
        assert abs(_npv_at(diff, got)) <= 1e-8 * scale
    ref, several = breakeven_rate(diff, grid=400)
    if ref is None or several or not (-0.98 < ref < 0.99):
        return
    # a simple root well inside the range: the engine must find it
    h = 1e-4
    if _npv_at(diff, ref - h) * _npv_at(diff, ref + h) >= 0:
        return  # a touching (double) root; a grid need not see it
    assert not math.isnan(got)
    assert got == pytest.approx(ref, abs=1e-6)


# -- properties ----------------------------------------------------------------


@settings(max_examples=examples(60), deadline=None)
@given(scenario_docs(), st.floats(-3, 3, allow_nan=False).filter(lambda k: abs(k) > 1e-3))
def test_linear_in_amounts(doc, k):
    sc = scenario_from_text(doc_to_toml(doc))
    vals = {}
    for o in sc.options.values():
        for f in o.flows.values():
            vals[f"{o.name}.{f.name}.amount"] = f.amount * k
    assume(vals)
    base = evaluate(sc, metrics=())
    scaled = evaluate(sc, vals, metrics=())
    for name in sc.options:
        tol = 1e-9 * _scale(sc.document, name) * max(1, abs(k))
        assert scaled.npv[name][0] == pytest.approx(k * base.npv[name][0], abs=tol)


@settings(max_examples=examples(80), deadline=None)
@given(scenario_docs(schedule=False))
def test_npv_at_break_even_rate_is_zero(doc):
    sc = scenario_from_text(doc_to_toml(doc))
    res = evaluate(sc)
    for name in sc.alternatives:
        r = res.breakeven_rate[name][0]
        if math.isnan(r):
            continue
        at = evaluate(sc, {"discount.rate": r}, metrics=())
        scale = _scale(at_doc(doc, r), name) + _scale(at_doc(doc, r), sc.baseline)
        assert abs(at.difference[name][0]) <= 1e-8 * scale


@settings(max_examples=examples(150), deadline=None)
@given(
    st.floats(1, 1e8),
    st.lists(st.floats(-1e6, 1e7, allow_nan=False), min_size=1, max_size=60),
    st.floats(-0.5, 0.5),
)
def test_break_even_of_an_investment_stream(cost, later, rate):
    """A cost then returns: where the NPV changes sign over the range, a root is found."""
    cash = [-cost, *later]
    sc = scenario_from_dict(stream_doc(cash, rate))
    r = evaluate(sc).breakeven_rate["b"][0]
    lo, hi = _npv_at(cash, -0.95), _npv_at(cash, 1.0)
    if lo * hi < 0:
        assert not math.isnan(r)
    if not math.isnan(r):
        scale = math.fsum(abs(c) / (1 + r) ** t for t, c in enumerate(cash))
        assert abs(_npv_at(cash, r)) <= 1e-8 * scale


def at_doc(doc, r):
    out = dict(doc)
    out["discount"] = {"rate": r}
    return out


@settings(max_examples=examples(40), deadline=None)
@given(scenario_docs(schedule=False), st.integers(1, 40), st.integers(1, 7))
def test_batch_equals_row_by_row(doc, n, chunk):
    sc = scenario_from_text(doc_to_toml(doc))
    rng = np.random.default_rng(n)
    vals = {"discount.rate": rng.uniform(-0.2, 0.3, n)}
    annual = [
        f"{o.name}.{f.name}"
        for o in sc.options.values()
        for f in o.flows.values()
        if f.kind == "annual"
    ]
    for p in annual[:2]:
        vals[p + ".growth"] = rng.uniform(-0.1, 0.1, n)
        vals[p + ".ramp"] = rng.integers(0, 4, n).astype(float)
    vals["scenario.horizon"] = rng.integers(1, 60, n).astype(float)
    batch = evaluate(sc, vals, chunk_size=chunk, workers=2)
    for i in range(n):
        one = evaluate(sc, {k: v[i] for k, v in vals.items()})
        for name in sc.options:
            assert_allclose(batch.npv[name][i], one.npv[name][0], rtol=1e-12, atol=1e-6)
        for name in sc.alternatives:
            assert_allclose(batch.payback_year[name][i], one.payback_year[name][0])
            assert_allclose(
                batch.breakeven_rate[name][i], one.breakeven_rate[name][0], rtol=1e-9, atol=1e-12
            )


@settings(max_examples=examples(60), deadline=None)
@given(scenario_docs())
def test_payback_consistent_with_cumulative(doc):
    from landcalc.analysis import cashflows

    sc = scenario_from_text(doc_to_toml(doc))
    res = evaluate(sc)
    cf = cashflows(sc)
    for name in sc.alternatives:
        cum = cf.cumulative_difference[name]
        tol = 1e-9 * (np.abs(cf.difference[name] * cf.discount_factor).sum() + 1)
        assume(np.all((cum == 0) | (np.abs(cum) > tol)))
        p = res.payback_year[name][0]
        if math.isnan(p):
            assert cum[-1] < 0
        else:
            p = int(p)
            assert np.all(cum[p:] >= 0)
            assert p == 0 or cum[p - 1] < 0
        assert cum[-1] == pytest.approx(res.difference[name][0], abs=tol * 10)


def test_cashflows_sum_to_compare():
    sc = scenario_from_text(
        SEED, overrides=["hen.tax.ramp=2", "hen.tax.hazard=0.03", "hen.tax.start=3"]
    )
    from landcalc.analysis import cashflows

    cf = cashflows(sc)
    res = evaluate(sc)
    for name in sc.options:
        assert cf.cumulative[name][-1] == pytest.approx(res.npv[name][0], rel=1e-12)


def test_chunking_and_threads_do_not_change_results():
    sc = scenario_from_text(SEED, overrides=["hen.tax.ramp=2", "hen.tax.hazard=0.03"])
    rng = np.random.default_rng(3)
    n = 5000
    vals = {"hen.tax.amount": rng.uniform(5e5, 4e6, n), "discount.rate": rng.uniform(0, 0.2, n)}
    a = evaluate(sc, vals, chunk_size=n, workers=1)
    b = evaluate(sc, vals, chunk_size=77, workers=2)
    for name in sc.alternatives:
        np.testing.assert_array_equal(a.difference[name], b.difference[name])
        np.testing.assert_array_equal(a.payback_year[name], b.payback_year[name])
        np.testing.assert_array_equal(a.breakeven_rate[name], b.breakeven_rate[name])


def test_bad_batch_values_are_named():
    from landcalc.errors import ScenarioError

    sc = scenario_from_text(SEED)
    with pytest.raises(ScenarioError, match=r"hen\.tax\.hazard = 1\.5: must be at least 0"):
        evaluate(sc, {"hen.tax.hazard": [0.1, 1.5]})
    with pytest.raises(ScenarioError, match="did you mean 'hen.tax'"):
        evaluate(sc, {"hen.tx.amount": [1.0]})
    with pytest.raises(ScenarioError, match="values where others have"):
        evaluate(sc, {"hen.tax.amount": [1.0, 2.0], "discount.rate": [0.1, 0.2, 0.3]})


def test_schedule_past_the_horizon_is_not_computed():
    sc = scenario_from_dict(
        {
            "scenario": {"name": "s", "area": 10, "horizon": 10},
            "discount": {"schedule": [{"from": 1, "rate": -0.6}, {"from": 1000, "rate": 0.0}]},
            "options": {"a": {"flows": {"x": {"kind": "once", "amount": 1}}}, "b": {}},
        }
    )
    res = evaluate(sc)
    assert res.npv["a"][0] == 10.0 and res.difference["b"][0] == -10.0


def test_zero_amount_is_zero_even_where_discounting_overflows():
    sc = scenario_from_dict(
        {
            "scenario": {"name": "z", "area": 1, "horizon": 1000},
            "discount": {"rate": -0.999999},
            "options": {
                "rooster": {"flows": {"s": {"kind": "once", "amount": 30e6}}},
                "hen": {"flows": {"t": {"kind": "annual", "amount": 0}}},
            },
        }
    )
    res = evaluate(sc)
    assert res.npv["hen"][0] == 0.0 and res.difference["hen"][0] == -30e6
