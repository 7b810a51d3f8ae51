"""Distributions of [uncertain] and correlations of [correlations] (SPEC sections 4 and 5).

Quantile functions are checked against known values (reference values from an
independent implementation, SciPy 1.17's ``special.ndtri``/``betaincinv``,
quoted to 16 digits) and against exact polynomials; sample moments and
quantiles against closed forms, with tolerances of five standard errors of
the sample statistic, so that a correct implementation fails about once in
a million runs and a wrong one by more than that fails every time.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from conftest import examples
from hypothesis import given, settings
from hypothesis import strategies as st

from landcalc.correlate import (
    ImanConover,
    conflicting_pairs,
    is_psd,
    nearest_correlation,
    parse_correlations,
    prepare,
    spearman,
    target_matrix,
)
from landcalc.distributions import (
    Choice,
    Lognormal,
    Normal,
    Pert,
    Triangular,
    Uniform,
    betainc,
    erfc,
    norm_cdf,
    norm_ppf,
    parse_uncertain,
)
from landcalc.errors import ScenarioError
from landcalc.scenario import scenario_from_text
from landcalc.simulate import Sampler

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
end = 18
ramp = 3
growth = 0.03
hazard = 0.02
"""

N = 200_000


def scenario(uncertain: str = "", correlations: str = "", source="case.toml"):
    text = BASE
    if uncertain:
        text += "\n[uncertain]\n" + uncertain
    if correlations:
        text += "\n[correlations]\n" + correlations
    return scenario_from_text(text, source=source)


def load_error(uncertain: str, correlations: str = "") -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        scenario(uncertain, correlations)
    return info.value


def line_in(text: str, marker: str) -> int:
    """The line of the full scenario text on which ``marker`` stands."""
    full = BASE + "\n[uncertain]\n" + text
    found = [i for i, line in enumerate(full.splitlines(), start=1) if marker in line]
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------
# Special functions against known values


@pytest.mark.parametrize(
    ("q", "z"),
    [
        (0.975, 1.959963984540054),
        (0.025, -1.9599639845400545),
        (0.5, 0.0),
        (1e-10, -6.361340902404056),
        (0.999, 3.090232306167813),
        (1e-300, -37.0470962993612),
        (0.8413447460685429, 1.0),
        (1 - 1e-12, 7.0344869100478356),
    ],
)
def test_normal_quantile_known_values(q, z):
    # both routes: a small array is solved directly, a large one uses the table
    small = float(norm_ppf(np.array([q]))[0])
    large = float(norm_ppf(np.full(5000, q))[0])
    for got in (small, large):
        assert got == pytest.approx(z, rel=1e-14, abs=1e-15)


def test_normal_quantile_ends_and_outside():
    out = norm_ppf(np.array([0.0, 1.0, -0.1, 1.1, np.nan]))
    assert out[0] == -np.inf and out[1] == np.inf
    assert np.isnan(out[2:]).all()


@pytest.mark.parametrize(
    ("z", "value"),
    [
        (0.0, 1.0),
        (0.5, 0.4795001221869535),
        (1.0, 0.15729920705028516),
        (-1.0, 1.8427007929497148),
        (2.0, 0.004677734981047266),
        (5.0, 1.5374597944280347e-12),
        (10.0, 2.0884875837625446e-45),
        (26.0, 5.663192408856145e-296),
    ],
)
def test_erfc_known_values(z, value):
    assert float(erfc(z)) == pytest.approx(value, rel=2e-15)
    assert float(erfc(np.array([z]))[0]) == pytest.approx(math.erfc(z), rel=2e-15)


def test_erfc_matches_math_erfc_everywhere():
    z = np.linspace(-6.0, 26.0, 3201)
    ref = np.array([math.erfc(v) for v in z])
    assert np.allclose(erfc(z), ref, rtol=1e-14, atol=0)


def exact_betainc(x: Fraction, a: int, b: int) -> Fraction:
    """I_x(a, b) for whole a, b: the binomial tail sum_{j >= a} C(n, j) x^j (1-x)^(n-j)."""
    n = a + b - 1
    return sum((math.comb(n, j) * x**j * (1 - x) ** (n - j) for j in range(a, n + 1)), Fraction(0))


@pytest.mark.parametrize(("a", "b"), [(1, 5), (2, 4), (3, 3), (4, 2), (5, 1), (2, 7), (6, 3)])
def test_betainc_against_the_exact_polynomial(a, b):
    xs = [Fraction(k, 64) for k in range(1, 64)] + [Fraction(1, 10**6), 1 - Fraction(1, 10**6)]
    got = betainc(np.array([float(x) for x in xs]), a, b)
    for x, g in zip(xs, got, strict=True):
        exact = exact_betainc(x, a, b)
        tail = min(exact, 1 - exact)
        # relative to the smaller tail where it is computed directly
        assert abs(g - float(exact)) <= 1e-13 * float(tail) + 2.3e-16, (x, a, b)


@pytest.mark.parametrize(
    ("a", "b", "quantiles"),
    [
        (
            1.94,
            4.06,
            [2.0124289225545463e-07, 0.1053577446144359, 0.30266247046635936]
            + [0.5725083432612605, 0.995845219575559],
        ),
        (
            1.3,
            4.7,
            [1.3662471236387176e-10, 0.04234243022455836, 0.1842548788311651]
            + [0.4401290670917565, 0.9893136624440116],
        ),
        (
            4.2,
            1.8,
            [0.0010017308148422758, 0.45466594956641815, 0.7233277406074812]
            + [0.9100978695407583, 0.9999970904037109],
        ),
        (3.0, 3.0, [4.6416965608476333e-05, 0.2466364532884666, 0.5, 0.7533635467115334]),
    ],
)
def test_pert_quantiles_against_the_beta_quantile(a, b, quantiles):
    # pert(0, mode, 1) is Beta(a, b) with a = 1 + 4 mode, b = 1 + 4 (1 - mode)
    mode = (a - 1.0) / 4.0
    d = Pert(0.0, mode, 1.0)
    assert d.shapes == pytest.approx((a, b), rel=1e-15)
    qs = np.array([1e-12, 0.1, 0.5, 0.9, 1 - 1e-9])[: len(quantiles)]
    for q, x in zip(qs, quantiles, strict=True):
        assert float(d.ppf(q)) == pytest.approx(x, rel=1e-13, abs=1e-15)
        assert float(d.ppf(np.full(4096, q))[0]) == pytest.approx(x, rel=1e-13, abs=1e-15)


@settings(max_examples=examples(20), deadline=None)
@given(
    low=st.floats(-1e6, 1e6),
    width=st.floats(1e-3, 1e6),
    mode_at=st.floats(0.0, 1.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_quantile_routes_agree_and_invert_the_cdf(low, width, mode_at, seed):
    """The table route (large arrays) and the exact solver agree; F(ppf(q)) = q."""
    d = Pert(low, low + mode_at * width, low + width)
    q = np.random.default_rng(seed).random(2500)  # the table route needs 2048 or more
    table = d.ppf(q)
    direct = np.concatenate([d.ppf(q[i : i + 500]) for i in range(0, q.size, 500)])
    tol = 1e-13 * width + 8 * np.spacing(max(abs(d.low), abs(d.high)))
    assert np.all(np.abs(table - direct) <= tol)
    assert np.all(np.diff(d.ppf(np.sort(q))) >= -tol)
    unit = Pert(0.0, mode_at, 1.0)
    a, b = unit.shapes
    assert np.all(np.abs(betainc(unit.ppf(q), a, b) - q) <= 1e-12)
    z = norm_ppf(q)
    assert np.all(np.abs(norm_cdf(z) - q) <= 1e-14 * np.maximum(q, 1 - q))


# --------------------------------------------------------------------------
# Samples against closed forms


def sample(dist, n=N, seed=2016):
    return dist.sample(np.random.default_rng(seed), n)


def check_moments(x, mean, var):
    """Sample mean and variance within five standard errors of ``mean`` and ``var``."""
    n = x.size
    assert abs(x.mean() - mean) <= 5 * math.sqrt(var / n), (x.mean(), mean)
    m4 = np.mean((x - x.mean()) ** 4)
    se_var = math.sqrt(max(m4 - var * var, 0.0) / n)
    assert abs(x.var(ddof=1) - var) <= 5 * se_var + 1e-12 * var, (x.var(ddof=1), var)


def check_quantiles(x, dist, probs=(0.05, 0.25, 0.5, 0.75, 0.95)):
    """P(X < ppf(p)) <= p <= P(X <= ppf(p)) for the draws, within five standard errors."""
    n = x.size
    for p in probs:
        v = dist.ppf(p)
        se = 5 * math.sqrt(p * (1 - p) / n)
        below, upto = np.count_nonzero(x < v) / n, np.count_nonzero(x <= v) / n
        assert below - se <= p <= upto + se, (p, below, upto)


CASES = [
    # (distribution, mean, variance, quantiles {p: value}) in closed form
    (Uniform(2.0, 5.0), 3.5, 9 / 12, {0.1: 2.3, 0.5: 3.5, 0.9: 4.7}),
    (
        Triangular(0.0, 1.0, 4.0),
        5 / 3,
        (0 + 1 + 16 - 0 - 0 - 4) / 18,
        {0.25: 1.0, 0.5: 4 - math.sqrt(6), 0.1: math.sqrt(0.4)},
    ),
    (
        Pert(255_000.0, 500_000.0, 1_300_000.0),
        (255_000 + 4 * 500_000 + 1_300_000) / 6,
        None,
        {},
    ),
    (Normal(10.0, 3.0), 10.0, 9.0, {0.975: 10 + 3 * 1.959963984540054, 0.5: 10.0}),
    (Normal(0.0, 1.0, -1.0, 2.0), 0.22963717909132902, 0.5197625392115339, {}),
    (Normal(0.0, 1.0, 5.0, 6.0), 5.183147090477182, 0.029452430768436844, {}),
    (
        Lognormal(10.0, 4.0),
        10.0,
        16.0,
        {0.05: 4.926801606716498, 0.5: 9.284766908852594, 0.95: 17.497537638658308},
    ),
    (Lognormal(10.0, 4.0, 6.0, 20.0), 10.391691921143655, 9.692831109739032, {}),
    (Choice((1.0, 2.0, 5.0), (1.0, 2.0, 1.0)), 2.5, (1 * 1 + 2 * 4 + 1 * 25) / 4 - 6.25, {}),
]


@pytest.mark.parametrize(("dist", "mean", "var", "quantiles"), CASES, ids=lambda c: str(c)[:30])
def test_closed_forms_and_samples(dist, mean, var, quantiles):
    if var is None:  # PERT: (mean - low)(high - mean) / 7
        var = (mean - dist.low) * (dist.high - mean) / 7
    assert dist.mean() == pytest.approx(mean, rel=1e-12)
    assert dist.var() == pytest.approx(var, rel=1e-10)
    for p, value in quantiles.items():
        assert float(dist.ppf(p)) == pytest.approx(value, rel=1e-13)
    x = sample(dist)
    check_moments(x, mean, var)
    check_quantiles(x, dist)


@pytest.mark.parametrize(
    "dist",
    [
        Normal(0.0, 1.0, -1.0, 2.0),
        Normal(0.0, 1.0, 5.0, 6.0),
        Normal(0.0, 1.0, -6.0, -5.5),
        Normal(3.0, 2.0, low=2.5),
        Normal(3.0, 2.0, high=-4.0),
        Lognormal(10.0, 4.0, 6.0, 20.0),
        Lognormal(10.0, 40.0, high=3.0),
        Lognormal(1.0, 0.1, low=1.4),
    ],
    ids=str,
)
def test_truncation_bounds_hold(dist):
    x = sample(dist, 50_000)
    lo, hi = dist.support
    assert x.min() >= lo and x.max() <= hi
    # inverse-CDF truncation, not clipping: no pile-up at the bounds
    assert np.count_nonzero(x == lo) + np.count_nonzero(x == hi) <= 2
    check_quantiles(x, dist)


def test_choice_draws_each_value_with_its_weight():
    d = Choice((5.0, 1.0, 3.0, 9.0), (1.0, 0.0, 2.0, 1.0))
    x = sample(d, 100_000)
    assert set(np.unique(x)) == {3.0, 5.0, 9.0}  # weight 0 is never drawn
    for value, p in ((3.0, 0.5), (5.0, 0.25), (9.0, 0.25)):
        share = np.count_nonzero(x == value) / x.size
        assert abs(share - p) <= 5 * math.sqrt(p * (1 - p) / x.size)
    assert d.ppf([0.0, 0.5, 0.5000001, 1.0]).tolist() == [3.0, 3.0, 5.0, 9.0]


@pytest.mark.parametrize(
    "dist",
    [
        Uniform(7.5, 7.5),
        Triangular(7.5, 7.5, 7.5),
        Pert(7.5, 7.5, 7.5),
        Normal(7.5, 0.0),
        Normal(7.5, 0.0, 1.0, 9.0),
        Normal(2.0, 1.0, 7.5, 7.5),
        Lognormal(7.5, 0.0),
        Choice((7.5,), (2.0,)),
        Choice((7.5, 3.0), (1.0, 0.0)),
    ],
    ids=str,
)
def test_zero_width_is_a_constant(dist):
    assert dist.constant == 7.5
    assert dist.mean() == 7.5 and dist.var() == 0.0
    x = sample(dist, 10_000)
    assert np.all(x == 7.5)
    assert dist.tornado_range() == (7.5, 7.5)


def test_whole_year_paths_are_rounded():
    sc = scenario(
        '"hen.tax.start" = { dist = "uniform", low = 1, high = 6 }\n'
        '"scenario.horizon" = { dist = "normal", mean = 20, sd = 4, low = 10, high = 30 }\n'
        '"hen.tax.ramp" = { dist = "choice", values = [0.4, 2.6] }\n'
    )
    dists = parse_uncertain(sc)
    for path, d in dists.items():
        assert d.whole
        x = sample(d, 20_000)
        assert np.all(x == np.round(x)), path
    start = sample(dists["hen.tax.start"], 20_000)
    assert start.min() == 1 and start.max() == 6
    # rounding a continuous uniform: the ends get half the weight of the inner years
    assert abs(np.mean(start == 1) - 0.1) < 0.01 and abs(np.mean(start == 3) - 0.2) < 0.015
    assert dists["hen.tax.start"].mean() is None  # no closed form once rounded
    assert dists["hen.tax.ramp"].mean() == 1.5  # a choice rounds its values: 0 and 3
    assert dists["scenario.horizon"].tornado_range() == (15.0, 25.0)


def test_tornado_range_is_uniform_bounds_else_p10_p90():
    assert Uniform(0.06, 0.10).tornado_range() == (0.06, 0.10)
    d = Normal(100.0, 10.0)
    lo, hi = d.tornado_range()
    assert lo == pytest.approx(100 - 10 * 1.2815515655446004, rel=1e-14)
    assert hi == pytest.approx(100 + 10 * 1.2815515655446004, rel=1e-14)
    p = Pert(0.0, 0.2, 1.0)
    assert p.tornado_range() == (float(p.ppf(0.1)), float(p.ppf(0.9)))


def test_ppf_outside_zero_one_is_nan_and_ends_are_the_support():
    for d in (Uniform(1.0, 2.0), Triangular(1.0, 1.5, 2.0), Pert(1.0, 1.2, 2.0)):
        assert d.ppf([0.0, 1.0]).tolist() == [1.0, 2.0]
        assert np.isnan(d.ppf([-0.5, 1.5, np.nan])).all()
    assert Normal(0.0, 1.0).ppf([0.0, 1.0]).tolist() == [-np.inf, np.inf]
    assert Lognormal(1.0, 1.0).ppf(0.0) == 0.0


# --------------------------------------------------------------------------
# Parsing [uncertain]


def test_parse_gives_canonical_paths_in_file_order():
    sc = scenario(
        '"options.hen.flows.tax.amount" = { dist = "pert", low = 2e5, mode = 5e5, high = 1.3e6 }\n'
        '"discount.rate" = { dist = "uniform", low = 0.06, high = 0.10 }\n'
        '"hen.tax.share" = { dist = "triangular", low = 0.25, mode = 0.35, high = 0.5 }\n'
    )
    dists = parse_uncertain(sc)
    assert list(dists) == ["hen.tax.amount", "discount.rate", "hen.tax.share"]
    assert isinstance(dists["hen.tax.amount"], Pert)
    assert dists["hen.tax.amount"].describe() == ("pert(low=200,000, mode=500,000, high=1,300,000)")


BAD = [
    (
        '"hen.tax.amount" = { dist = "trangular", low = 1, mode = 2, high = 3 }',
        'uncertain.hen.tax.amount.dist = "trangular": unknown distribution; '
        "did you mean 'triangular'?",
    ),
    (
        '"hen.tax.amount" = { dist = "uniform", low = 5, high = 3 }',
        "uncertain.hen.tax.amount: low = 5 is above high = 3",
    ),
    (
        '"hen.tax.amount" = { dist = "normal", mean = 5, sd = -1 }',
        "uncertain.hen.tax.amount.sd = -1: must be at least 0",
    ),
    (
        '"hen.tax.amount" = { dist = "pert", low = 1, mode = 9, high = 5 }',
        "uncertain.hen.tax.amount.mode = 9: must be between low = 1 and high = 5",
    ),
    (
        '"hen.tax.amount" = { dist = "choice", values = [1, 2], weights = [0, 0] }',
        "uncertain.hen.tax.amount.weights = [...]: must add up to a positive number",
    ),
    (
        '"hen.tax.amount" = { dist = "choice", values = [1, 2], weights = [1, -1] }',
        "uncertain.hen.tax.amount.weights = [...]: must not be negative; -1 is",
    ),
    (
        '"hen.tax.amount" = { dist = "choice", values = [1, 2], weights = [1] }',
        "uncertain.hen.tax.amount.weights = [...]: has 1 entries where values has 2",
    ),
    (
        '"hen.tax.amount" = { dist = "choice", values = [] }',
        "uncertain.hen.tax.amount.values = [...]: must be a non-empty list of numbers",
    ),
    (
        '"hen.tax.amount" = { dist = "pert", low = 1, mod = 2, high = 3 }',
        "uncertain.hen.tax.amount.mod: unknown parameter of a pert distribution; "
        "did you mean 'mode'?",
    ),
    (
        '"hen.tax.amount" = { dist = "uniform", low = 1 }',
        "uncertain.hen.tax.amount: missing parameter 'high'; "
        "a uniform distribution needs low, high",
    ),
    (
        '"hen.tax.amount" = { low = 1, high = 2 }',
        "uncertain.hen.tax.amount: missing key 'dist'; give one of uniform, triangular, pert, "
        "normal, lognormal, choice",
    ),
    (
        '"hen.tax.amount" = { dist = "uniform", low = "1", high = 2 }',
        'uncertain.hen.tax.amount.low = "1": must be a number, not a string',
    ),
    (
        '"hen.tax.amount" = { dist = "uniform", low = nan, high = 2 }',
        "uncertain.hen.tax.amount.low = nan: must be a finite number",
    ),
    (
        '"hen.tax.amount" = { dist = "lognormal", mean = -5, sd = 1 }',
        "uncertain.hen.tax.amount.mean = -5: must be above 0 (a lognormal value is always "
        "positive)",
    ),
    (
        '"hen.tax.share" = { dist = "uniform", low = 0.2, high = 1.2 }',
        "uncertain.hen.tax.share: uniform can draw 1.2 at its high end, but hen.tax.share "
        "must be between 0 and 1",
    ),
    (
        '"hen.tax.share" = { dist = "normal", mean = 0.4, sd = 0.1 }',
        "uncertain.hen.tax.share: a normal distribution without low can draw any value below "
        "its mean, but hen.tax.share must be between 0 and 1; give low to truncate it",
    ),
    (
        '"hen.tax.hazard" = { dist = "lognormal", mean = 0.03, sd = 0.01, low = 0.01 }',
        "uncertain.hen.tax.hazard: a lognormal distribution without high can draw any value "
        "above its mean, but hen.tax.hazard must be at least 0 and below 1; give high to "
        "truncate it",
    ),
    (
        '"hen.tax.hazard" = { dist = "choice", values = [0.1, 1.0] }',
        "uncertain.hen.tax.hazard.values: 1 is out of range: hen.tax.hazard must be at least "
        "0 and below 1",
    ),
    (
        '"scenario.area" = { dist = "uniform", low = 0, high = 5 }',
        "uncertain.scenario.area: uniform can draw 0 at its low end, but scenario.area must "
        "be above 0",
    ),
    (
        '"hen.tax.amount" = { dist = "normal", mean = 0, sd = 1, low = 50, high = 60 }',
        "uncertain.hen.tax.amount: low and high leave (almost) no probability",
    ),
    (
        '"hen.tax.start" = { dist = "uniform", low = 1, high = 30 }',
        "uncertain.hen.tax.start: can draw hen.tax.start = 30 after hen.tax.end = 18",
    ),
    (
        '"hen.tax.amount" = 5',
        "uncertain.hen.tax.amount = 5: must be a table such as",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD, ids=[e[:40] for _, e in BAD])
def test_bad_distributions_name_the_path_value_and_line(text, expected):
    exc = load_error(text + "\n") if "after hen.tax.end" not in expected else None
    if exc is None:  # the start/end check runs when the inputs are drawn
        sc = scenario(text + "\n")
        with pytest.raises(ScenarioError) as info:
            parse_uncertain(sc)
        exc = info.value
    message = str(exc)
    assert message.startswith(f"case.toml: {expected}"), message
    key = text.split('"')[1]
    assert message.endswith(f"(line {line_in(text, key)})")
    assert "\n" not in message


def test_an_uncertain_path_may_be_given_only_once():
    exc = load_error(
        '"hen.tax.amount" = { dist = "uniform", low = 1, high = 2 }\n'
        '"options.hen.flows.tax.amount" = { dist = "uniform", low = 1, high = 2 }\n'
    )
    assert "uncertain.options.hen.flows.tax.amount: gives hen.tax.amount a second time" in str(exc)


def test_good_and_constant_distributions_load():
    sc = scenario(
        '"hen.tax.amount" = { dist = "normal", mean = 1e6, sd = 2e5 }\n'
        '"hen.tax.share" = { dist = "lognormal", mean = 0.4, sd = 0.1, high = 1 }\n'
        '"hen.tax.hazard" = { dist = "uniform", low = 0.02, high = 0.02 }\n'
        '"scenario.area" = { dist = "lognormal", mean = 10, sd = 3 }\n'
    )
    dists = parse_uncertain(sc)
    assert dists["hen.tax.hazard"].constant == 0.02
    assert dists["scenario.area"].support == (0.0, math.inf)


# --------------------------------------------------------------------------
# Correlations


THREE = (
    '"hen.tax.amount" = { dist = "pert", low = 2e5, mode = 5e5, high = 1.3e6 }\n'
    '"hen.tax.growth" = { dist = "uniform", low = 0, high = 0.05 }\n'
    '"discount.rate" = { dist = "triangular", low = 0.04, mode = 0.08, high = 0.1 }\n'
    '"hen.tax.share" = { dist = "choice", values = [0.25, 0.35, 0.5], weights = [1, 2, 1] }\n'
)


def draw_columns(correlations: str, n=60_000, seed=11):
    sc = scenario(THREE, correlations)
    dists = parse_uncertain(sc)
    corr = prepare(sc, dists)
    return Sampler(dists, corr, seed, n).rows(0, n)


@pytest.mark.parametrize(
    "pairs",
    [
        [("hen.tax.amount", "hen.tax.growth", 0.5)],
        [("hen.tax.amount", "hen.tax.growth", -0.7), ("hen.tax.growth", "discount.rate", 0.3)],
        [("hen.tax.amount", "discount.rate", 0.7), ("hen.tax.amount", "hen.tax.growth", 0.6)],
    ],
)
def test_rank_correlations_hit_their_targets(pairs):
    text = "pairs = [" + ", ".join(f'["{a}", "{b}", {r}]' for a, b, r in pairs) + "]\n"
    cols = draw_columns(text)
    given_pairs = {frozenset((a, b)): r for a, b, r in pairs}
    names = ["hen.tax.amount", "hen.tax.growth", "discount.rate"]
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            target = given_pairs.get(frozenset((a, b)), None)
            rho = spearman(cols[a], cols[b])
            if target is not None:
                assert abs(rho - target) <= 0.02, (a, b, rho, target)
    # a correlated discrete input keeps its own distribution too
    assert set(np.unique(cols["hen.tax.share"])) == {0.25, 0.35, 0.5}


def test_iman_conover_keeps_every_marginal_exactly():
    plain = draw_columns("")
    correlated = draw_columns('pairs = [["hen.tax.amount", "hen.tax.growth", 0.6]]\n')
    for path in plain:
        assert np.array_equal(np.sort(plain[path]), np.sort(correlated[path])), path
    # ... while the pairing changed: independent before, correlated after
    assert abs(spearman(plain["hen.tax.amount"], plain["hen.tax.growth"])) < 0.02
    assert spearman(correlated["hen.tax.amount"], correlated["hen.tax.growth"]) > 0.55
    # inputs outside every pair are drawn exactly as without correlations
    assert np.array_equal(plain["discount.rate"], correlated["discount.rate"])


def test_iman_conover_rearranges_in_place_and_only_rearranges():
    rng = np.random.default_rng(3)
    u = rng.random((3, 5000))
    before = np.sort(u, axis=1)
    target = np.array([[1.0, 0.4, -0.2], [0.4, 1.0, 0.1], [-0.2, 0.1, 1.0]])
    out = ImanConover(target).arrange(u, rng)
    assert out is u
    assert np.array_equal(np.sort(u, axis=1), before)
    assert abs(spearman(u[0], u[1]) - 0.4) < 0.03


def test_perfect_correlation_gives_identical_ranks():
    cols = draw_columns('pairs = [["hen.tax.amount", "hen.tax.growth", 1.0]]\n', n=20_000)
    order_a = np.argsort(cols["hen.tax.amount"])
    assert np.all(np.diff(cols["hen.tax.growth"][order_a]) >= 0)


CONFLICT = (
    'pairs = [["hen.tax.amount", "hen.tax.growth", 0.9], '
    '["hen.tax.growth", "discount.rate", 0.9], '
    '["hen.tax.amount", "discount.rate", -0.9], '
    '["hen.tax.share", "hen.tax.amount", 0.1]]\n'
)


def test_a_matrix_that_is_not_psd_names_the_conflicting_pairs():
    sc = scenario(THREE, CONFLICT)
    dists = parse_uncertain(sc)
    with pytest.raises(ScenarioError) as info:
        prepare(sc, dists)
    message = str(info.value)
    assert message.startswith("case.toml: correlations.pairs: these correlations cannot hold")
    for pair in (
        "hen.tax.amount ~ hen.tax.growth 0.9",
        "hen.tax.growth ~ discount.rate 0.9",
        "hen.tax.amount ~ discount.rate -0.9",
    ):
        assert pair in message
    assert "hen.tax.share" not in message  # not part of the conflict
    assert "--fix-correlations" in message
    full = BASE + "\n[uncertain]\n" + THREE + "\n[correlations]\n" + CONFLICT
    assert message.endswith(f"(line {len(full.splitlines())})")


def test_fix_uses_the_nearest_valid_matrix_with_a_warning():
    sc = scenario(THREE, CONFLICT)
    dists = parse_uncertain(sc)
    corr = prepare(sc, dists, fix=True)
    assert is_psd(corr.spearman)
    assert np.allclose(np.diag(corr.spearman), 1.0)
    (warning,) = corr.warnings
    assert "nearest valid matrix" in warning and "hen.tax.amount ~ hen.tax.growth 0.9 ->" in warning
    used = {frozenset((p.a, p.b)): p.rho for p in corr.used_pairs}
    assert used[frozenset(("hen.tax.amount", "hen.tax.growth"))] < 0.9
    cols = Sampler(dists, corr, 5, 40_000).rows(0, 40_000)
    assert (
        abs(
            spearman(cols["hen.tax.amount"], cols["hen.tax.growth"])
            - used[frozenset(("hen.tax.amount", "hen.tax.growth"))]
        )
        < 0.03
    )


def test_nearest_correlation_matches_higham_2002():
    a = np.array([[2, -1, 0, 0], [-1, 2, -1, 0], [0, -1, 2, -1], [0, 0, -1, 2]], dtype=float)
    x = nearest_correlation(a)
    expected = np.array(
        [
            [1.0, -0.8084, 0.1916, 0.1068],
            [-0.8084, 1.0, -0.6562, 0.1916],
            [0.1916, -0.6562, 1.0, -0.8084],
            [0.1068, 0.1916, -0.8084, 1.0],
        ]
    )
    assert np.allclose(x, expected, atol=1e-4)
    assert is_psd(x, tol=1e-10)


def test_conflicting_pairs_are_the_smallest_inconsistent_set():
    from landcalc.correlate import Pair

    names = ["a", "b", "c", "d"]
    pairs = [Pair("a", "b", 0.9), Pair("b", "c", 0.9), Pair("c", "d", 0.2), Pair("a", "c", -0.9)]
    assert not is_psd(target_matrix(names, pairs))
    assert conflicting_pairs(names, pairs) == [pairs[0], pairs[1], pairs[3]]


BAD_PAIRS = [
    ('pairs = [["hen.tax.amount", "hen.tax.grwth", 0.5]]', "'hen.tax.grwth': unknown field"),
    ('pairs = [["hen.tax.amount", "hen.tax.hazard", 0.5]]', "'hen.tax.hazard' is not in "),
    ('pairs = [["hen.tax.amount", "hen.tax.growth", 1.5]]', "must be between -1 and 1"),
    ('pairs = [["hen.tax.amount", "hen.tax.amount", 0.5]]', "correlates hen.tax.amount with"),
    ('pairs = [["hen.tax.amount", 0.5]]', "must be [PATH, PATH, RHO]"),
    ("pairs = 3", "must be a list of [PATH, PATH, RHO]"),
    (
        'pairs = [["hen.tax.amount", "hen.tax.growth", 0.5], '
        '["options.hen.flows.tax.growth", "hen.tax.amount", 0.2]]',
        "hen.tax.growth ~ hen.tax.amount is already given by pair 1",
    ),
]


@pytest.mark.parametrize(("text", "expected"), BAD_PAIRS, ids=[e for _, e in BAD_PAIRS])
def test_bad_correlation_pairs_are_load_errors(text, expected):
    exc = load_error(THREE, text + "\n")
    message = str(exc)
    assert message.startswith("case.toml: correlations.pairs"), message
    assert expected in message
    full = BASE + "\n[uncertain]\n" + THREE + "\n[correlations]\n" + text
    assert message.endswith(f"(line {len(full.splitlines())})")


def test_a_misspelt_pair_path_gets_a_suggestion():
    message = str(load_error(THREE, 'pairs = [["hen.tax.amount", "hen.tax.grwth", 0.5]]\n'))
    assert "did you mean 'hen.tax.growth'?" in message


def test_pairs_with_a_constant_input_are_dropped():
    sc = scenario(
        '"hen.tax.amount" = { dist = "uniform", low = 1e6, high = 1e6 }\n'
        '"hen.tax.growth" = { dist = "uniform", low = 0, high = 0.05 }\n',
        'pairs = [["hen.tax.amount", "hen.tax.growth", 0.5]]\n',
    )
    dists = parse_uncertain(sc)
    assert parse_correlations(sc, dists) == []
    assert prepare(sc, dists) is None


def test_spearman_of_known_samples():
    x = np.arange(10.0)
    assert spearman(x, x**3) == pytest.approx(1.0)
    assert spearman(x, -x) == pytest.approx(-1.0)
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(0.9486832980505138)


@pytest.mark.parametrize("rho", [0.5, -0.6])
def test_the_target_is_a_rank_correlation_not_a_pearson_one(rho):
    """Normal scores with Pearson r have Spearman (6/pi) asin(r/2), 0.018 short at r = 0.5."""
    text = f'pairs = [["hen.tax.amount", "discount.rate", {rho}]]\n'
    cols = draw_columns(text, n=131_072, seed=8)
    assert abs(spearman(cols["hen.tax.amount"], cols["discount.rate"]) - rho) < 0.006
