"""Analyses built on the batch engine: ``compare`` and ``cashflows``.

Each returns a plain result object with a ``to_dict()`` that is the JSON of
SPEC section 4; rendering lives in :mod:`landcalc.render`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from landcalc.engine import evaluate
from landcalc.scenario import Scenario, percent


@dataclass
class FlowMatch:
    """The amount of one flow at which a comparison's difference is zero."""

    flow: str
    path: str
    kind: str
    basis: str
    current: float
    value: float | None

    @property
    def unit(self) -> str:
        per = "/mu" if self.basis == "per_mu" else ""
        return f"yuan{per}/yr" if self.kind == "annual" else f"yuan{per}"


@dataclass
class OptionResult:
    name: str
    label: str
    npv: float
    npv_per_mu: float
    undiscounted: float
    flows: dict


@dataclass
class Comparison:
    option: str
    difference: float
    payback_year: int | None
    breakeven_rate: float | None
    several_roots: bool = False
    match: FlowMatch | None = None


@dataclass
class CompareResult:
    """NPVs of every option and every comparison with the baseline (SPEC section 4)."""

    scenario: Scenario
    options: dict
    comparisons: dict
    warnings: list = field(default_factory=list)

    def to_dict(self) -> dict:
        """The JSON object of ``compare`` for one file, exactly as SPEC section 4."""
        sc = self.scenario
        return {
            "scenario": scenario_header(sc),
            "options": {
                name: {
                    "label": o.label,
                    "npv": o.npv,
                    "npv_per_mu": o.npv_per_mu,
                    "undiscounted": o.undiscounted,
                    "flows": dict(o.flows),
                }
                for name, o in self.options.items()
            },
            "comparisons": {
                name: {
                    "difference": c.difference,
                    "payback_year": c.payback_year,
                    "breakeven_rate": c.breakeven_rate,
                }
                for name, c in self.comparisons.items()
            },
        }

    def verdict(self) -> list[str]:
        """One sentence in words per comparison."""
        sc = self.scenario
        out = []
        for name, c in self.comparisons.items():
            head = f"At {sc.discount.describe()} over {sc.horizon} years the {name}"
            base = sc.baseline
            if c.difference == 0:
                text = f"{head} is worth exactly as much as the {base}"
            else:
                word = "more" if c.difference > 0 else "less"
                text = (
                    f"{head} is worth {human_money(abs(c.difference))} yuan {word} than the {base}"
                )
            m = c.match
            if m is not None and m.value is not None and c.difference != 0:
                amount = f"{human_money(m.value)} {m.unit} of {m.flow}"
                if c.difference < 0:
                    text += f"; it would need {amount} to match"
                else:
                    text += f"; it stays ahead down to {amount}"
            if c.payback_year is not None and c.difference > 0 and c.payback_year > 0:
                text += f", and pays back in year {c.payback_year}"
            out.append(text + ".")
        return out


def scenario_header(sc: Scenario) -> dict:
    """The ``scenario`` object that starts every JSON result."""
    return {
        "name": sc.name,
        "file": sc.source,
        "area_mu": float(sc.area_mu),
        "horizon": int(sc.horizon),
        "baseline": sc.baseline,
    }


def human_money(x: float) -> str:
    """Three significant digits with k, M or B: ``4.5e9 -> '4.5 B'``."""
    a = abs(x)
    for factor, suffix in ((1e9, " B"), (1e6, " M"), (1e3, " k")):
        if a >= factor:
            return f"{x / factor:.3g}{suffix}"
    return f"{x:.3g}"


def _none_if_nan(x):
    x = float(x)
    return None if math.isnan(x) else x


def compare(scenario: Scenario) -> CompareResult:
    """NPV of every option and the comparison of each with the baseline.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario (see :func:`landcalc.load_scenario`).

    Returns
    -------
    CompareResult
        ``options[name]`` has ``npv``, ``npv_per_mu``, ``undiscounted`` and
        per-flow ``flows`` [yuan]; ``comparisons[name]`` has ``difference``
        (NPV(name) - NPV(baseline)) [yuan], ``payback_year`` [yr] and
        ``breakeven_rate`` [1/yr] (None where there is none), and ``match``:
        the amount of the option's largest annual flow at which the
        difference would be zero. ``to_dict()`` gives the SPEC JSON.

    Notes
    -----
    Year 0 is not discounted; amounts are per mu unless ``basis = "total"``.
    """
    try:
        res = evaluate(scenario)
    except OverflowError:  # a discount factor or a term beyond the range of a float
        _unrepresentable(scenario, "a discount factor or an NPV", math.inf, unit="")
    row = res.row(0)
    _check_representable(scenario, row)
    area = scenario.area_mu
    options = {}
    for name, opt in scenario.options.items():
        npv = row["npv"][name]
        if not math.isfinite(npv / area):  # a huge NPV over a tiny area
            _unrepresentable(scenario, f"the NPV per mu of {name}", npv / area, unit=" yuan/mu")
        options[name] = OptionResult(
            name=name,
            label=opt.label,
            npv=npv,
            npv_per_mu=npv / area,
            undiscounted=row["undiscounted"][name],
            flows=row["flows"][name],
        )
    comparisons = {}
    warnings = []
    for name in scenario.alternatives:
        several = bool(res.several_roots[name][0])
        c = Comparison(
            option=name,
            difference=row["difference"][name],
            payback_year=row["payback_year"][name],
            breakeven_rate=row["breakeven_rate"][name],
            several_roots=several,
            match=_match_largest_flow(scenario, name, row),
        )
        if several:
            warnings.append(
                f"{name}: the difference with {scenario.baseline} changes sign more than once "
                f"and has several break-even rates; the lowest ({percent(c.breakeven_rate)}) "
                "is shown"
            )
        comparisons[name] = c
    return CompareResult(
        scenario=scenario, options=options, comparisons=comparisons, warnings=warnings
    )


def _check_representable(scenario, row):
    """An error, not inf or NaN, when a result does not fit in a float."""
    checks = [(f"the NPV of {o}", v) for o, v in row["npv"].items()]
    checks += [(f"the undiscounted total of {o}", v) for o, v in row["undiscounted"].items()]
    checks += [(f"the difference of {o}", v) for o, v in row["difference"].items()]
    for what, v in checks:
        if not math.isfinite(v):
            _unrepresentable(scenario, what, v)


def _unrepresentable(scenario, what, value, unit=" yuan"):
    """Raise the error for a result ``what`` whose ``value`` is inf or NaN."""
    from landcalc.errors import InputError

    raise InputError(
        f"{scenario.source or 'scenario'}: {what} cannot be represented "
        f"({f'it overflows beyond 1.8e308{unit}' if math.isinf(value) else 'it is undefined'})"
        "; check amounts near 1e300, rates near -1 and growth over long horizons"
    )


def _match_largest_flow(scenario, name, row):
    """Goal seek on the amount of the option's largest annual flow (largest |NPV|).

    The difference is linear in an amount, so the answer is exact:
    amount* = amount - difference / (NPV of the flow per yuan of amount).
    """
    opt = scenario.options[name]
    flows = [f for f in opt.flows.values() if f.kind == "annual"] or list(opt.flows.values())
    if not flows:
        return None
    npvs = row["flows"][name]
    flow = max(flows, key=lambda f: abs(npvs[f.name]))
    path = f"{name}.{flow.name}.amount"
    try:
        unit = evaluate(scenario, {path: 1.0}, metrics=()).flow_npv[name][flow.name][0]
    except OverflowError:
        unit = math.inf
    value = None
    if unit != 0 and math.isfinite(unit):
        value = flow.amount - row["difference"][name] / float(unit)
        if not math.isfinite(value):  # beyond the range of a float: no amount to show
            value = None
    return FlowMatch(
        flow=flow.name,
        path=path,
        kind=flow.kind,
        basis=flow.basis,
        current=flow.amount,
        value=value,
    )


# --------------------------------------------------------------------------
# Year-by-year schedule


@dataclass
class CashflowResult:
    """The year-by-year schedule of every option, for audit.

    Attributes
    ----------
    years : ndarray (H+1,)
    discount_factor : ndarray (H+1,)
    flows : dict of str to dict of str to ndarray
        Cash of each flow of each option per year [yuan].
    cash, discounted, cumulative : dict of str to ndarray
        Per option [yuan]; ``cumulative`` is the running sum of ``discounted``.
    difference, cumulative_difference : dict of str to ndarray
        Per non-baseline option: its cash minus the baseline's, and the running
        sum of that difference discounted [yuan].
    """

    scenario: Scenario
    years: np.ndarray
    discount_factor: np.ndarray
    flows: dict
    cash: dict
    discounted: dict
    cumulative: dict
    difference: dict
    cumulative_difference: dict

    def to_dict(self) -> dict:
        sc = self.scenario
        return {
            "scenario": scenario_header(sc),
            "years": self.years.tolist(),
            "discount_factor": self.discount_factor.tolist(),
            "options": {
                name: {
                    "cash": self.cash[name].tolist(),
                    "discounted": self.discounted[name].tolist(),
                    "cumulative": self.cumulative[name].tolist(),
                    "flows": {k: v.tolist() for k, v in self.flows[name].items()},
                }
                for name in self.cash
            },
            "comparisons": {
                name: {
                    "difference": self.difference[name].tolist(),
                    "cumulative_difference": self.cumulative_difference[name].tolist(),
                }
                for name in self.difference
            },
        }


def discount_factors(scenario: Scenario) -> np.ndarray:
    """DF(t) for t = 0..H: DF(0) = 1, DF(t) = DF(t-1) / (1 + r_t)."""
    H = scenario.horizon
    rates = np.array([scenario.discount.rate_in_year(t) for t in range(1, H + 1)], dtype=float)
    return np.concatenate([[1.0], np.cumprod(1.0 / (1.0 + rates))])


def flow_schedule(scenario: Scenario, flow, years: np.ndarray) -> np.ndarray:
    """Cash of one flow in each of ``years`` [yuan] (SPEC section 3, term by term)."""
    H = scenario.horizon
    coef = flow.amount * flow.share * (scenario.area_mu if flow.basis == "per_mu" else 1.0)
    cash = np.zeros(years.shape)
    if flow.kind == "once":
        if flow.year <= H:
            cash[years == flow.year] = coef
        return cash
    end = H if flow.end is None else min(flow.end, H)
    start = float(flow.start)  # a whole number, but it may be beyond the range of int64
    k = years - start
    active = (years >= start) & (years <= end)
    kk = k[active]
    weight = np.minimum(1.0, (kk + 1.0) / (flow.ramp + 1.0))
    cash[active] = coef * weight * (1.0 + flow.growth) ** kk * (1.0 - flow.hazard) ** kk
    return cash


def cashflows(scenario: Scenario) -> CashflowResult:
    """The year-by-year cash, discount factor, discounted cash and cumulative sums.

    Sums of ``discounted`` equal :func:`compare`'s NPVs (to rounding).
    """
    years = np.arange(scenario.horizon + 1)
    flows, cash, disc, cum = {}, {}, {}, {}
    base = scenario.baseline
    with np.errstate(over="ignore", invalid="ignore"):
        df = discount_factors(scenario)
        for name, opt in scenario.options.items():
            flows[name] = {f: flow_schedule(scenario, fl, years) for f, fl in opt.flows.items()}
            c = np.zeros(years.shape)
            for v in flows[name].values():
                c = c + v
            cash[name] = c
            disc[name] = c * df
            cum[name] = np.cumsum(disc[name])
        diff = {o: cash[o] - cash[base] for o in scenario.alternatives}
        cumd = {o: np.cumsum(diff[o] * df) for o in scenario.alternatives}
    columns = [("the discount factor", df, "")]
    for name in scenario.options:
        columns += [(f"the cash of {name}.{f}", v, " yuan") for f, v in flows[name].items()]
        columns += [(f"the cumulative discounted cash of {name}", cum[name], " yuan")]
    columns += [
        (f"the cumulative discounted difference of {o}", cumd[o], " yuan")
        for o in scenario.alternatives
    ]
    for what, values, unit in columns:
        bad = ~np.isfinite(values)
        if bad.any():
            year = int(years[np.argmax(bad)])
            _unrepresentable(scenario, f"{what} in year {year}", float(values[bad][0]), unit)
    return CashflowResult(
        scenario=scenario,
        years=years,
        discount_factor=df,
        flows=flows,
        cash=cash,
        discounted=disc,
        cumulative=cum,
        difference=diff,
        cumulative_difference=cumd,
    )
