"""A slow, plain reference implementation of SPEC section 3.

It works on the scenario document exactly as ``tomllib.loads`` returns it and uses
only the standard library, so that the fast engine can be checked against it.
"""

from __future__ import annotations

import math

MU_PER_UNIT = {
    "mu": 1.0,
    "ha": 15.0,
    "m2": 1.0 / (10000.0 / 15.0),
    "acre": 4046.8564224 / (10000.0 / 15.0),
}

BREAKEVEN_LOW = -0.99
BREAKEVEN_HIGH = 1.0
BREAKEVEN_GRID = 20000
BREAKEVEN_TOL = 1e-13


def horizon(doc: dict) -> int:
    """The horizon H."""
    return int(doc["scenario"]["horizon"])


def area_mu(doc: dict) -> float:
    """The plot's area in mu."""
    scenario = doc["scenario"]
    unit = scenario.get("area_unit", "mu")
    return float(scenario["area"]) * MU_PER_UNIT[unit]


def baseline_name(doc: dict) -> str:
    """The baseline option: ``scenario.baseline`` or the first option."""
    name = doc["scenario"].get("baseline")
    if name is None:
        name = next(iter(doc["options"]))
    return name


def discount_factors(doc: dict) -> list[float]:
    """DF(t) for t = 0..H."""
    h = horizon(doc)
    discount = doc["discount"]
    dfs = [1.0]
    for t in range(1, h + 1):
        if "rate" in discount:
            rate = float(discount["rate"])
        else:
            rate = None
            for entry in discount["schedule"]:
                if entry["from"] <= t:
                    rate = float(entry["rate"])
            if rate is None:
                raise ValueError(f"no schedule entry covers year {t}")
        dfs.append(dfs[t - 1] / (1.0 + rate))
    return dfs


def flow_cash(doc: dict, option: str, flow: str) -> list[float]:
    """Cash of one flow in each year t = 0..H."""
    h = horizon(doc)
    spec = doc["options"][option]["flows"][flow]
    amount = float(spec["amount"])
    share = float(spec.get("share", 1.0))
    area = 1.0 if spec.get("basis") == "total" else area_mu(doc)
    cash = [0.0] * (h + 1)

    if spec["kind"] == "once":
        year = int(spec.get("year", 0))
        if 0 <= year <= h:
            cash[year] = amount * share * area
        return cash

    if spec["kind"] != "annual":
        raise ValueError(f"unknown flow kind {spec['kind']!r}")
    start = int(spec.get("start", 1))
    end = int(spec.get("end", h))
    ramp = int(spec.get("ramp", 0))
    growth = float(spec.get("growth", 0.0))
    hazard = float(spec.get("hazard", 0.0))
    for t in range(0, h + 1):
        if start <= t <= min(end, h):
            n = t - start
            weight = min(1.0, (n + 1) / (ramp + 1))
            cash[t] = amount * share * area * weight * (1.0 + growth) ** n * (1.0 - hazard) ** n
    return cash


def option_cash(doc: dict, option: str) -> list[float]:
    """Cash of an option (all its flows) in each year t = 0..H."""
    h = horizon(doc)
    flows = doc["options"][option].get("flows", {})
    per_flow = [flow_cash(doc, option, name) for name in flows]
    return [math.fsum(cash[t] for cash in per_flow) for t in range(h + 1)]


def npv(cash: list[float], dfs: list[float]) -> float:
    """Sum of CF(t) * DF(t)."""
    return math.fsum(c * d for c, d in zip(cash, dfs, strict=True))


def undiscounted(cash: list[float]) -> float:
    """Plain sum of CF(t)."""
    return math.fsum(cash)


def cumulative_discounted(cash: list[float], dfs: list[float]) -> list[float]:
    """The running sum of CF(k) * DF(k) for k <= t, for every t."""
    terms = [c * d for c, d in zip(cash, dfs, strict=True)]
    return [math.fsum(terms[: t + 1]) for t in range(len(terms))]


def payback_year(diff_cash: list[float], dfs: list[float]) -> int | None:
    """Smallest t with the cumulative discounted difference >= 0 from t to H."""
    cumulative = cumulative_discounted(diff_cash, dfs)
    if cumulative[-1] < 0:
        return None
    t = len(cumulative) - 1
    while t > 0 and cumulative[t - 1] >= 0:
        t -= 1
    return t


def npv_at_rate_sign(cash: list[float], rate: float) -> float:
    """A number with the sign of the NPV of ``cash`` at a constant ``rate`` > -1.

    For rate >= 0 it is the NPV itself; below 0 it is the NPV times (1 + rate)^H,
    which has the same sign and zeros but cannot overflow.
    """
    h = len(cash) - 1
    growth = 1.0 + rate
    if rate >= 0:
        return math.fsum(c / growth**t for t, c in enumerate(cash) if c != 0)
    return math.fsum(c * growth ** (h - t) for t, c in enumerate(cash) if c != 0)


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def breakeven_rate(diff_cash: list[float], grid: int = BREAKEVEN_GRID) -> tuple[float | None, bool]:
    """The lowest constant rate in (-0.99, 1] with NPV zero, and whether there are several."""
    if all(c == 0 for c in diff_cash):
        return None, False

    rates = [BREAKEVEN_LOW + (BREAKEVEN_HIGH - BREAKEVEN_LOW) * i / grid for i in range(grid)]
    rates.append(BREAKEVEN_HIGH)
    values = [npv_at_rate_sign(diff_cash, r) for r in rates]

    roots_seen = 0
    first_root = None
    for i in range(1, len(rates)):
        if values[i] == 0:
            bracket = (rates[i], rates[i])
        elif _sign(values[i - 1]) * _sign(values[i]) < 0:
            bracket = (rates[i - 1], rates[i])
        else:
            continue
        roots_seen += 1
        if first_root is None:
            first_root = bracket

    if first_root is None:
        return None, False
    several = roots_seen > 1
    lo, hi = first_root
    if lo == hi:
        return lo, several

    sign_lo = _sign(npv_at_rate_sign(diff_cash, lo))
    while hi - lo > BREAKEVEN_TOL:
        mid = (lo + hi) / 2
        if mid <= lo or mid >= hi:
            break
        value = npv_at_rate_sign(diff_cash, mid)
        if value == 0:
            return mid, several
        if _sign(value) == sign_lo:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2, several


def reference_compare(doc: dict, grid: int = BREAKEVEN_GRID) -> dict:
    """The SPEC section 4 "JSON of compare" object for one document (file = None)."""
    dfs = discount_factors(doc)
    area = area_mu(doc)
    baseline = baseline_name(doc)

    options = {}
    cash_of = {}
    for name, option in doc["options"].items():
        cash = option_cash(doc, name)
        cash_of[name] = cash
        flows = {flow: npv(flow_cash(doc, name, flow), dfs) for flow in option.get("flows", {})}
        value = npv(cash, dfs)
        options[name] = {
            "label": option.get("label", name),
            "npv": value,
            "npv_per_mu": value / area,
            "undiscounted": undiscounted(cash),
            "flows": flows,
        }

    comparisons = {}
    for name in doc["options"]:
        if name == baseline:
            continue
        diff = [x - b for x, b in zip(cash_of[name], cash_of[baseline], strict=True)]
        rate, _several = breakeven_rate(diff, grid=grid)
        comparisons[name] = {
            "difference": options[name]["npv"] - options[baseline]["npv"],
            "payback_year": payback_year(diff, dfs),
            "breakeven_rate": rate,
        }

    return {
        "scenario": {
            "name": doc["scenario"]["name"],
            "file": None,
            "area_mu": area,
            "horizon": horizon(doc),
            "baseline": baseline,
        },
        "options": options,
        "comparisons": comparisons,
    }
