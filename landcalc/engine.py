"""The batch engine: every metric of SPEC section 3 for N parameter sets at once.

:func:`evaluate` takes a :class:`~landcalc.scenario.Scenario` and, for any of
its numeric parameter paths, a scalar or an array of shape (N,). It returns a
:class:`BatchResult` of arrays of shape (N,). ``compare`` is the N = 1 case;
sweeps, Monte Carlo and land books are large N. There is no Python loop over
parameter sets: rows are processed in chunks (bounded memory), and chunks may
run on several threads (numpy releases the GIL inside its loops).

How each metric is computed
---------------------------
* NPVs, per-flow NPVs and undiscounted totals use closed forms: a ``once``
  flow is one discounted amount; an ``annual`` flow is a ramp (a short sum over
  the ramp years) followed by a growing geometric series, summed per segment of
  constant discount rate with ``expm1`` so that it stays accurate when growth
  and discount nearly cancel. The cost does not grow with the horizon.
* The payback year needs the cumulative discounted difference in every year,
  so it steps through the years once (vectorised over rows); the same pass
  counts the sign changes of the undiscounted difference stream.
* The break-even rate is the root of the difference's NPV as a function of a
  constant rate, in (-0.99, 1]. By Descartes' rule of signs a stream with at
  most one sign change has at most one such root: those rows are bracketed by
  bisection and refined with the Illinois method on ``log(1 + r)``. Rows whose
  stream changes sign more often are first scanned on a grid of rates, and the
  lowest root is refined; ``several_roots`` flags rows where the grid saw
  more than one.

Conventions: year 0 is the decision year and is not discounted (unlike a
spreadsheet's NPV(), which discounts its first value); amounts are yuan per mu
unless a flow has ``basis = "total"``; costs are negative.
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from landcalc.scenario import Scenario, check_values

#: Rows per chunk: large enough to amortise numpy's per-call cost, small
#: enough that a chunk's working arrays stay in cache.
DEFAULT_CHUNK = 1 << 16

#: The break-even rate is searched in (RATE_LOW, RATE_HIGH].
RATE_LOW = -0.99
RATE_HIGH = 1.0
_U_LOW = math.log1p(RATE_LOW)
_U_HIGH = math.log1p(RATE_HIGH)
#: Grid (in log(1 + r)) scanned for streams that may have several roots.
_GRID = np.linspace(_U_LOW, _U_HIGH, 257)
#: Lower ends tried, in order, when the NPV at -0.99 overflows.
_FALLBACK_LOWS = (-0.95, -0.9, -0.75, -0.5, -0.25)

ALL_METRICS = frozenset({"payback", "breakeven"})


@dataclass
class BatchResult:
    """Metrics of N parameter sets, each an array of shape (N,).

    Attributes
    ----------
    n : int
        Number of parameter sets.
    options : list of str
        Option names, in file order.
    baseline : str
    npv : dict of str to ndarray
        NPV of each option [yuan].
    flow_npv : dict of str to dict of str to ndarray
        NPV of each flow of each option [yuan]; they add up to ``npv``.
    undiscounted : dict of str to ndarray
        Plain sum of each option's cash, years 0..H [yuan].
    difference : dict of str to ndarray
        NPV(option) - NPV(baseline) for every non-baseline option [yuan].
    payback_year : dict of str to ndarray
        Float arrays holding whole years; NaN where there is none.
    breakeven_rate : dict of str to ndarray
        The lowest constant rate in (-0.99, 1] at which ``difference`` is zero;
        NaN where there is none.
    several_roots : dict of str to ndarray
        Boolean: the difference has more than one break-even rate.
    """

    n: int
    options: list
    baseline: str
    npv: dict
    flow_npv: dict
    undiscounted: dict
    difference: dict
    payback_year: dict = field(default_factory=dict)
    breakeven_rate: dict = field(default_factory=dict)
    several_roots: dict = field(default_factory=dict)

    @property
    def alternatives(self):
        return [o for o in self.options if o != self.baseline]

    def unrepresentable(self):
        """``(row, what, why)`` of the first NPV or difference that is inf or NaN, or None.

        Such a value means the inputs are beyond what a float can hold
        (amounts near 1e300, rates near -1 over long horizons); callers turn
        it into an error instead of printing ``inf`` or ``nan``.
        """
        checks = [(f"the NPV of {o}", self.npv[o]) for o in self.options]
        checks += [(f"the difference of {o}", self.difference[o]) for o in self.alternatives]
        for what, values in checks:
            bad = ~np.isfinite(values)
            if bad.any():
                i = int(np.argmax(bad))
                why = "it overflows beyond 1.8e308 yuan" if np.isinf(values[i]) else "undefined"
                return i, what, why
        return None

    def row(self, i):
        """Plain Python values of row ``i`` (for tests and single results)."""

        def f(x):
            v = float(x[i])
            return None if math.isnan(v) else v

        out = {
            "npv": {o: float(self.npv[o][i]) for o in self.options},
            "undiscounted": {o: float(self.undiscounted[o][i]) for o in self.options},
            "flows": {
                o: {k: float(v[i]) for k, v in self.flow_npv[o].items()} for o in self.options
            },
            "difference": {o: float(self.difference[o][i]) for o in self.alternatives},
        }
        if self.payback_year:
            out["payback_year"] = {
                o: (None if (p := f(self.payback_year[o])) is None else int(p))
                for o in self.alternatives
            }
        if self.breakeven_rate:
            out["breakeven_rate"] = {o: f(self.breakeven_rate[o]) for o in self.alternatives}
        return out


def evaluate(
    scenario: Scenario,
    values=None,
    *,
    metrics=ALL_METRICS,
    chunk_size: int = DEFAULT_CHUNK,
    workers: int | None = None,
    origin: str | None = None,
    checked: bool = False,
) -> BatchResult:
    """Evaluate a scenario for a batch of parameter sets.

    Parameters
    ----------
    scenario : Scenario
        The scenario; any parameter not in ``values`` keeps its file value.
    values : mapping of str to array_like, optional
        Parameter path (``hen.tax.amount``, ``discount.rate``,
        ``scenario.horizon``, long forms too) to a scalar or an array of shape
        (N,). All arrays must have the same length N. Setting
        ``discount.rate`` replaces a declining schedule with that constant rate.
    metrics : set of str, optional
        Which of the costlier metrics to compute: ``"payback"`` and
        ``"breakeven"`` (both by default). NPVs, flow NPVs, undiscounted
        totals and differences are always computed.
    chunk_size : int, optional
        Rows per chunk; memory is bounded by about 30 arrays of this length
        per worker.
    workers : int, optional
        Threads for chunks (default: the number of CPUs, at most 4).
    origin : str, optional
        Where ``values`` came from, for error messages.
    checked : bool, optional
        True when ``values`` were already resolved by
        :func:`landcalc.scenario.check_values`.

    Returns
    -------
    BatchResult

    Raises
    ------
    ScenarioError
        For an unknown path or a value out of its valid range.

    Examples
    --------
    >>> import numpy as np
    >>> from landcalc.scenario import scenario_from_text
    >>> sc = scenario_from_text('''
    ... [scenario]
    ... name = "demo"
    ... area = 1
    ... horizon = 2
    ... [discount]
    ... rate = 0.1
    ... [options.a.flows.sale]
    ... kind = "once"
    ... amount = 100
    ... [options.b.flows.rent]
    ... kind = "annual"
    ... amount = 60
    ... ''')
    >>> res = evaluate(sc, {"discount.rate": [0.0, 0.1]})
    >>> np.round(res.difference["b"], 4)
    array([20.    ,  4.1322])
    """
    vals = dict(values or {})
    if not checked:
        vals = check_values(scenario, vals, origin=origin)
    n = 1
    for path, arr in vals.items():
        if arr.ndim == 1:
            if n != 1 and arr.shape[0] != n:
                from landcalc.errors import ScenarioError

                raise ScenarioError(
                    f"has {arr.shape[0]} values where others have {n}", source=origin, path=path
                )
            n = arr.shape[0]
    metrics = frozenset(metrics or ())
    unknown = metrics - ALL_METRICS
    if unknown:
        raise ValueError(f"unknown metrics: {sorted(unknown)}")
    out = _allocate(scenario, n, metrics)
    chunk_size = max(1, int(chunk_size))
    starts = list(range(0, n, chunk_size))
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)

    def run(start):
        sl = slice(start, min(n, start + chunk_size))
        chunk = {p: (a[sl] if a.ndim == 1 else a) for p, a in vals.items()}
        _evaluate_chunk(scenario, chunk, sl.stop - sl.start, metrics, out, sl)

    if workers > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(run, s) for s in starts]
            try:
                for f in futures:
                    f.result()
            except BaseException:
                # Ctrl-C or an error: drop the chunks not started, so that the
                # pool's shutdown waits only for the ones already running
                for f in futures:
                    f.cancel()
                raise
    else:
        for s in starts:
            run(s)
    return out


def _allocate(scenario, n, metrics):
    opts = list(scenario.options)
    alts = scenario.alternatives
    res = BatchResult(
        n=n,
        options=opts,
        baseline=scenario.baseline,
        npv={o: np.empty(n) for o in opts},
        flow_npv={o: {f: np.empty(n) for f in scenario.options[o].flows} for o in opts},
        undiscounted={o: np.empty(n) for o in opts},
        difference={o: np.empty(n) for o in alts},
    )
    if "payback" in metrics:
        res.payback_year = {o: np.empty(n) for o in alts}
    if "breakeven" in metrics:
        res.breakeven_rate = {o: np.empty(n) for o in alts}
        res.several_roots = {o: np.zeros(n, dtype=bool) for o in alts}
    return res


# --------------------------------------------------------------------------
# Parameters of one chunk


class _Chunk:
    """The arrays of one chunk: per flow its coefficient and timing, and the discounting."""

    def __init__(self, scenario, vals, n):
        self.n = n
        sc = scenario

        def get(path, default):
            a = vals.get(path)
            return default if a is None else a

        from landcalc.scenario import AREA_UNITS

        self.H = get("scenario.horizon", float(sc.horizon))
        area = get("scenario.area", float(sc.area))
        A = area * AREA_UNITS[sc.area_unit]
        if "discount.rate" in vals or sc.discount.schedule is None:
            rate = vals.get("discount.rate")
            self.rate = float(sc.discount.rate) if rate is None else rate
            self.schedule = None
        else:
            self.rate = None
            self.schedule = sc.discount.schedule
        self.flows = {}
        for oname, opt in sc.options.items():
            fl = {}
            for fname, flow in opt.flows.items():
                pre = f"{oname}.{fname}."
                amount = get(pre + "amount", flow.amount)
                share = get(pre + "share", flow.share)
                coef = amount * share * (A if flow.basis == "per_mu" else 1.0)
                if flow.kind == "once":
                    fl[fname] = _Once(coef, get(pre + "year", float(flow.year)))
                else:
                    end = get(pre + "end", None)
                    if end is None:
                        end = self.H if flow.end is None else float(flow.end)
                    growth = get(pre + "growth", flow.growth)
                    hazard = get(pre + "hazard", flow.hazard)
                    lq = np.log1p(growth) + np.log1p(-np.asarray(hazard, dtype=float))
                    fl[fname] = _Annual(
                        coef,
                        get(pre + "start", float(flow.start)),
                        np.minimum(end, self.H),
                        get(pre + "ramp", float(flow.ramp)),
                        lq,
                    )
            self.flows[oname] = fl

    def segments(self, rate=None, H=None):
        """Segments of constant rate: (first year a, last year b, DF(a-1), log v).

        DF(t) = DF(a-1) * v ** (t - a + 1) for a <= t <= b.
        """
        H = self.H if H is None else H
        if rate is None and self.schedule is None:
            rate = self.rate
        if rate is not None:
            return [(0.0, 0.0, 1.0, 0.0), (1.0, H, 1.0, -np.log1p(rate))]
        segs = [(0.0, 0.0, 1.0, 0.0)]
        sched = self.schedule
        last = float(np.max(H))
        df = 1.0
        for i, (frm, r) in enumerate(sched):
            a = max(frm, 1)
            if a > last:
                break  # periods after the horizon discount nothing
            b = sched[i + 1][0] - 1 if i + 1 < len(sched) else None
            if b is not None and b < a:
                continue
            lv = -math.log1p(r)
            segs.append((float(a), H if b is None else float(b), df, lv))
            if b is not None:
                df = float(df * np.exp((b - a + 1) * lv))  # inf, not an exception
        return segs

    def take(self, idx):
        """The same chunk restricted to rows ``idx`` (0-d parameters stay 0-d)."""
        c = object.__new__(_Chunk)
        c.n = len(idx)
        c.H = _take(self.H, idx)
        c.rate = None if self.rate is None else _take(self.rate, idx)
        c.schedule = self.schedule
        c.flows = {o: {f: v.take(idx) for f, v in fl.items()} for o, fl in self.flows.items()}
        return c


def _take(x, idx):
    x = np.asarray(x)
    return x[idx] if x.ndim == 1 else x


class _Once:
    kind = "once"

    def __init__(self, coef, year):
        self.coef = np.asarray(coef, dtype=float)
        self.year = np.asarray(year, dtype=float)

    def take(self, idx):
        return _Once(_take(self.coef, idx), _take(self.year, idx))

    def pv(self, segs, H):
        df = 0.0
        for a, b, d0, lv in segs:
            inside = (self.year >= a) & (self.year <= b)
            df = df + np.where(inside, d0 * np.exp((self.year - a + 1.0) * lv), 0.0)
        return _times(self.coef, np.where(self.year <= H, df, 0.0))

    def stepper(self, H):
        return lambda t: self.cash(t, H)

    def cash(self, t, H):
        hit = (self.year == t) & (t <= H)
        if hit.ndim == 0:
            return self.coef if hit else None
        return np.where(hit, self.coef, 0.0)


class _Annual:
    kind = "annual"

    def __init__(self, coef, start, end, ramp, lq):
        self.coef = np.asarray(coef, dtype=float)
        self.start = np.asarray(start, dtype=float)
        self.end = np.asarray(end, dtype=float)  # already capped at the horizon
        self.ramp = np.asarray(ramp, dtype=float)
        self.lq = np.asarray(lq, dtype=float)

    def take(self, idx):
        return _Annual(
            *(_take(x, idx) for x in (self.coef, self.start, self.end, self.ramp, self.lq))
        )

    def pv(self, segs, H):
        s, e, R, lq = self.start, np.minimum(self.end, H), self.ramp, self.lq
        total = 0.0
        for a, b, d0, lv in segs:
            t0 = np.maximum(s, a)
            t1 = np.minimum(e, b)
            cnt = t1 - t0 + 1.0
            scalar = np.ndim(cnt) == 0
            if (cnt <= 0) if scalar else not np.any(cnt > 0):
                continue
            k0 = t0 - s
            k1 = t1 - s
            expo = 0.0
            if not _is_zero(lv):
                expo = (t0 - a + 1.0) * lv
            if not _is_zero(k0):
                expo = expo + k0 * lq
            pre = d0 * np.exp(expo)
            g = _ramp_geometric(lq + lv, k0, k1, R)
            term = pre * g
            total = total + (term if scalar else np.where(cnt > 0, term, 0.0))
        return _times(self.coef, total)

    def stepper(self, H):
        """Yearly cash by recurrence (one multiply a year) when timing is the same in every row."""
        if self.start.ndim or self.end.ndim or self.ramp.ndim or np.ndim(H):
            return lambda t: self.cash(t, H)
        s, e, R = float(self.start), float(min(self.end, H)), float(self.ramp)
        q = np.exp(self.lq)
        state = {"level": None}

        def step(t):
            if t < s or t > e:
                return None
            level = state["level"]
            level = self.coef * 1.0 if level is None else level * q
            state["level"] = level
            w = (t - s + 1.0) / (R + 1.0)
            return level * w if w < 1.0 else level

        return step

    def cash(self, t, H):
        """Cash in year ``t`` (None when no row has any)."""
        s, e, R = self.start, self.end, self.ramp
        k = t - s
        if s.ndim == 0 and e.ndim == 0 and R.ndim == 0 and np.ndim(H) == 0:
            if k < 0 or t > e or t > H:
                return None
            w = min(1.0, (k + 1.0) / (R + 1.0))
            return (self.coef * w) * np.exp(k * self.lq)
        active = (k >= 0) & (t <= e) & (t <= H)
        w = np.minimum(1.0, (k + 1.0) / (R + 1.0))
        return np.where(active, self.coef * w * np.exp(k * self.lq), 0.0)


def _times(coef, value):
    """``coef * value``, exactly 0 where ``coef`` is 0 (even if ``value`` overflowed)."""
    if np.ndim(coef) == 0:
        return 0.0 * np.ones_like(value) if coef == 0 else coef * value
    out = coef * value
    zero = coef == 0
    if zero.any():
        out = np.where(zero, 0.0, out)
    return out


def _is_zero(x):
    return np.ndim(x) == 0 and x == 0


def _geometric(lx, n):
    """sum_{i=0}^{n-1} x**i with x = exp(lx), accurate when x is near 1."""
    em = np.expm1(lx)
    if np.ndim(em) == 0:
        return n if em == 0 else np.expm1(n * lx) / em
    out = np.expm1(n * lx)
    zero = em == 0.0
    np.divide(out, em, out=out, where=~zero)
    if zero.any():
        out[zero] = np.broadcast_to(n, out.shape)[zero]
    return out


def _ramp_geometric(lx, k0, k1, R):
    """sum_{k=k0}^{k1} min(1, (k+1)/(R+1)) * x**(k-k0), with x = exp(lx)."""
    kf = np.maximum(k0, R)
    nf = k1 - kf + 1.0
    if np.ndim(nf) == 0:
        if nf > 0:
            full = _geometric(lx, nf)
            if not _is_zero(kf - k0):
                full = np.exp((kf - k0) * lx) * full
        else:
            full = 0.0
    else:
        full = np.where(nf > 0, np.exp((kf - k0) * lx) * _geometric(lx, np.maximum(nf, 0.0)), 0.0)
    m = np.minimum(k1, R - 1.0) - k0 + 1.0
    mmax = int(np.max(m)) if np.size(m) else 0
    if mmax <= 0:
        return full
    x = np.exp(lx)
    xi = 1.0
    ramp = 0.0
    scalar = np.ndim(m) == 0 and np.ndim(k0) == 0 and np.ndim(R) == 0
    for i in range(mmax):
        w = (k0 + i + 1.0) / (R + 1.0)
        ramp = ramp + (w * xi if scalar else np.where(i < m, w * xi, 0.0))
        xi = xi * x
    return full + ramp


# --------------------------------------------------------------------------
# One chunk


def _evaluate_chunk(scenario, vals, n, metrics, out, sl):
    with np.errstate(all="ignore"):
        ch = _Chunk(scenario, vals, n)
        segs = ch.segments()
        flat = [(0.0, ch.H, 1.0, 0.0)]
        npv = {}
        for oname, fl in ch.flows.items():
            tot = np.zeros(n)
            und = np.zeros(n)
            for fname, f in fl.items():
                v = np.broadcast_to(f.pv(segs, ch.H), (n,))
                out.flow_npv[oname][fname][sl] = v
                tot += v
                und += np.broadcast_to(f.pv(flat, ch.H), (n,))
            out.npv[oname][sl] = tot
            out.undiscounted[oname][sl] = und
            npv[oname] = tot
        base = scenario.baseline
        alts = scenario.alternatives
        for o in alts:
            out.difference[o][sl] = npv[o] - npv[base]
        if not metrics or not alts:
            return
        changes = _step_years(ch, scenario, alts, metrics, out, sl)
        if "breakeven" in metrics:
            und = {o: out.undiscounted[o][sl] for o in ch.flows}
            for o in alts:
                f0 = und[o] - und[base]
                fr = (npv[o] - npv[base]) if ch.schedule is None else None
                rate, several = _breakeven(ch, o, base, changes[o], f0, fr)
                out.breakeven_rate[o][sl] = rate
                out.several_roots[o][sl] = several


def _schedule_rate(schedule, t):
    """The rate of the schedule entry with the largest ``from`` <= t."""
    r = schedule[0][1]
    for frm, rate in schedule:
        if frm <= t:
            r = rate
    return r


def _step_years(ch, scenario, alts, metrics, out, sl):
    """One pass over the years: payback years and sign changes of each difference stream."""
    n = ch.n
    base = scenario.baseline
    H = ch.H
    T = int(np.max(H))
    want_payback = "payback" in metrics
    cum = {o: np.zeros(n) for o in alts}
    last_neg = {o: np.full(n, -1.0) for o in alts}
    sign = {o: np.zeros(n) for o in alts}
    changes = {o: np.zeros(n, dtype=np.int64) for o in alts}
    steppers = {o: [f.stepper(H) for f in fl.values()] for o, fl in ch.flows.items()}
    # discount factor per year: an array when the rate varies by row, else a scalar
    if ch.schedule is None:
        v = np.exp(-np.log1p(ch.rate))
        df = np.ones(n) if np.ndim(v) else 1.0
    else:
        v = None
        df = 1.0
    live = None
    for t in range(T + 1):
        if t > 0:
            df = df * (v if v is not None else 1.0 / (1.0 + _schedule_rate(ch.schedule, t)))
        cash = {}
        for oname, steps in steppers.items():
            c = None
            for step in steps:
                x = step(t)
                if x is not None:
                    c = x if c is None else c + x
            cash[oname] = c
        if np.ndim(H):
            live = t <= H
        for o in alts:
            a, b = cash[o], cash[base]
            if a is None and b is None:
                d = 0.0
            elif b is None:
                d = a
            elif a is None:
                d = -b
            else:
                d = a - b
            if np.ndim(d) == 0 and live is None:
                d = float(d)
                if d != 0.0:
                    s = 1.0 if d > 0 else -1.0
                    changes[o] += sign[o] * s < 0
                    sign[o][:] = s
            else:
                d = np.broadcast_to(d, (n,))
                if live is not None:
                    d = np.where(live, d, 0.0)
                s = np.sign(d)
                changes[o] += s * sign[o] < 0
                np.copyto(sign[o], s, where=s != 0)
            if want_payback:
                c = cum[o]
                if not (np.ndim(d) == 0 and d == 0.0):
                    c += d * df
                neg = c < 0
                if live is not None:
                    neg &= live
                np.copyto(last_neg[o], float(t), where=neg)
    if want_payback:
        for o in alts:
            out.payback_year[o][sl] = np.where(cum[o] < 0, np.nan, last_neg[o] + 1.0)
    return changes


# --------------------------------------------------------------------------
# Break-even rate


def _same_flow(f, g):
    """True when two flows bring the same cash in every year of every row."""
    if type(f) is not type(g):
        return False
    names = ("coef", "year") if f.kind == "once" else ("coef", "start", "end", "ramp", "lq")
    for name in names:
        a, b = getattr(f, name), getattr(g, name)
        if a is b:
            continue
        if a.ndim or b.ndim or a != b:
            return False
    return True


def _difference_flows(ch, option, base):
    """(+1, flow) for the option, (-1, flow) for the baseline, identical pairs cancelled.

    A cost that both options bear (the same acquisition of the same plot)
    cancels exactly here, instead of being subtracted from itself at rates
    where both terms are huge and the rounding of one swamps the result.
    """
    mine = list(ch.flows[option].values())
    theirs = list(ch.flows[base].values())
    for f in list(mine):
        for g in theirs:
            if _same_flow(f, g):
                mine.remove(f)
                theirs.remove(g)
                break
    return [(1.0, f) for f in mine] + [(-1.0, g) for g in theirs]


def _diff_at(ch, option, base, u, with_scale=False):
    """NPV(option) - NPV(base) at the constant rate r = expm1(u), per row.

    With ``with_scale``, also the sum of the terms' absolute values: a value
    within rounding of zero relative to it has no reliable sign.
    """
    rate = np.expm1(u)
    segs = ch.segments(rate=rate)
    total = 0.0
    scale = 0.0
    for sgn, f in _difference_flows(ch, option, base):
        pv = f.pv(segs, ch.H)
        total = total + sgn * pv
        if with_scale:
            scale = scale + np.abs(pv)
    total = np.broadcast_to(total, (ch.n,)).astype(float)
    if with_scale:
        return total, np.broadcast_to(scale, (ch.n,))
    return total


def _breakeven(ch, option, base, changes, f0, fr):
    """Break-even rates of one comparison; ``f0``/``fr``: the difference at r = 0 and r = rate."""
    n = ch.n
    rate = np.full(n, np.nan)
    several = np.zeros(n, dtype=bool)
    one = np.nonzero(changes == 1)[0]
    many = np.nonzero(changes >= 2)[0]
    if one.size:
        rate[one] = _single_root(
            ch.take(one), option, base, f0[one], None if fr is None else fr[one]
        )
    if many.size:
        r, sev = _lowest_root(ch.take(many), option, base)
        rate[many] = r
        several[many] = sev
    return rate, several


def _low_end(ch, option, base):
    """(u, f(u)) at the lowest rate whose NPV has a reliable sign, per row.

    At rates near -1 the terms of the NPV can overflow, or be so large that
    rounding swamps their difference; such rows try the next rate up.
    """
    n = ch.n
    u = np.full(n, _U_LOW)
    fu, scale = _diff_at(ch, option, base, u, with_scale=True)
    bad = ~np.isfinite(fu) | (np.abs(fu) <= 1e-9 * scale)
    for r in _FALLBACK_LOWS:
        if not bad.any():
            break
        idx = np.nonzero(bad)[0]
        uu = np.full(idx.size, math.log1p(r))
        fv, sv = _diff_at(ch.take(idx), option, base, uu, with_scale=True)
        u[idx] = uu
        fu[idx] = fv
        bad[idx] = ~np.isfinite(fv) | (np.abs(fv) <= 1e-9 * sv)
    return u, fu


def _single_root(ch, option, base, f0, fr):
    """Rows with at most one root (one sign change): bracket, then refine.

    The difference at r = 0 (the undiscounted difference) and at the file's
    constant rate are known already; where they differ in sign they bracket
    the root for free. Other rows are bracketed by the ends of the range and
    a few bisection steps.
    """
    n = ch.n
    result = np.full(n, np.nan)
    a = np.zeros(n)
    b = np.zeros(n)
    fa = np.asarray(f0, dtype=float).copy()
    fb = np.full(n, np.nan)
    free = np.zeros(n, dtype=bool)
    if fr is not None and ch.rate is not None:
        ur = np.broadcast_to(np.log1p(ch.rate), (n,))
        free = (np.sign(f0) * np.sign(fr) < 0) & (ur > _U_LOW) & (ur <= _U_HIGH)
        b[free] = ur[free]
        fb[free] = fr[free]
    rest = np.nonzero(~free)[0]
    if rest.size:
        sub = ch.take(rest)
        lo, flo = _low_end(sub, option, base)
        hi = np.full(rest.size, _U_HIGH)
        fhi = _diff_at(sub, option, base, hi)
        result[rest[fhi == 0]] = RATE_HIGH
        f00 = fa[rest]
        # the root lies below r = 0 or above it; r = 0 splits the range for free
        below = np.sign(flo) * np.sign(f00) < 0
        above = ~below & (np.sign(f00) * np.sign(fhi) < 0)
        ra, rb = np.where(below, lo, 0.0), np.where(below, 0.0, hi)
        rfa, rfb = np.where(below, flo, f00), np.where(below, f00, fhi)
        ok = (below | above) & np.isfinite(rfa) & np.isfinite(rfb)
        a[rest], b[rest], fa[rest], fb[rest] = ra, rb, rfa, rfb
        free[rest[ok]] = True
        zero = rest[(f00 == 0)]
        result[zero] = 0.0
        free[zero] = False
    idx = np.nonzero(free)[0]
    if idx.size:
        result[idx] = _illinois(ch.take(idx), option, base, a[idx], b[idx], fa[idx], fb[idx])
    return result


def _lowest_root(ch, option, base):
    """Rows that may have several roots: grid scan, lowest root, flag when several."""
    n = ch.n
    lo, flo = _low_end(ch, option, base)
    grid = np.maximum(_GRID[None, :], lo[:, None])
    fgrid = np.empty_like(grid)
    fgrid[:, 0] = flo
    for j in range(1, grid.shape[1]):
        fgrid[:, j] = _diff_at(ch, option, base, grid[:, j])
    s = np.sign(fgrid)
    s[~np.isfinite(fgrid)] = 0
    # a root is a sign change between neighbours or an exact zero at a grid point
    zero = (fgrid == 0) & np.isfinite(fgrid)
    cross = (s[:, :-1] * s[:, 1:]) < 0
    roots = cross.sum(axis=1) + zero.sum(axis=1)
    result = np.full(n, np.nan)
    several = roots > 1
    first_zero = np.where(zero.any(axis=1), zero.argmax(axis=1), grid.shape[1])
    first_cross = np.where(cross.any(axis=1), cross.argmax(axis=1), grid.shape[1])
    use_zero = first_zero <= first_cross
    rows = np.arange(n)
    zr = use_zero & (first_zero < grid.shape[1])
    result[zr] = np.expm1(grid[rows[zr], first_zero[zr]])
    cr = ~use_zero & (first_cross < grid.shape[1])
    if cr.any():
        idx = np.nonzero(cr)[0]
        j = first_cross[idx]
        a, b = grid[idx, j], grid[idx, j + 1]
        fa, fb = fgrid[idx, j], fgrid[idx, j + 1]
        result[idx] = _illinois(ch.take(idx), option, base, a, b, fa, fb)
    return result, several


def _illinois(ch, option, base, a, b, fa, fb, tol=1e-13, maxiter=200):
    """Refine brackets [a, b] (in u = log(1 + r)) with sign(fa) != sign(fb); returns rates.

    False position with the Anderson-Bjorck weighting (the Illinois family):
    superlinear, and both ends of every bracket move. A step bisects instead
    where the bracket is wide and one end's value dwarfs the other's
    (false position would crawl there) and every tenth step. Converged rows
    are dropped from the working arrays once they are a large share of them.
    """
    a, b, fa, fb = (np.array(x, dtype=float) for x in (a, b, fa, fb))
    out = np.full(a.size, np.nan)
    rows = np.arange(a.size)  # original position of each working row
    live = np.ones(a.size, dtype=bool)
    sub = ch
    for it in range(maxiter):
        c = (a * fb - b * fa) / (fb - fa)
        lo = np.minimum(a, b)
        hi = np.maximum(a, b)
        ratio = np.abs(fa) / np.abs(fb)
        bad = ~((c > lo) & (c < hi))
        bad |= ((hi - lo) > 0.01) & ((ratio > 1e3) | (ratio < 1e-3))
        if it % 10 == 9:
            bad[:] = True
        c = np.where(bad, 0.5 * (a + b), c)
        fc = _diff_at(sub, option, base, c)
        cross = (fc < 0) != (fb < 0)
        m = np.where(bad, 1.0, 1.0 - fc / fb)
        m = np.where(m > 0, m, 0.5)
        small = tol * (1.0 + np.abs(c))
        # converged: an exact zero, a narrow bracket, or a tiny secant step that
        # also shrank the value tenfold (a crawling step shrinks it far less)
        done = (fc == 0) | ~np.isfinite(fc)
        done |= ~bad & (np.abs(c - b) <= small) & (np.abs(fc) <= 0.1 * np.abs(fb))
        fa = np.where(cross, fb, fa * m)
        a = np.where(cross, b, a)
        b, fb = c, fc
        done |= np.abs(c - a) <= small
        new = done & live
        if new.any():
            out[rows[new]] = c[new]
            live &= ~done
            left = np.count_nonzero(live)
            if left == 0:
                break
            if left < 0.6 * live.size:
                keep = np.nonzero(live)[0]
                sub = sub.take(keep)
                rows, a, b, fa, fb = rows[keep], a[keep], b[keep], fa[keep], fb[keep]
                live = np.ones(keep.size, dtype=bool)
    else:
        out[rows[live]] = 0.5 * (a[live] + b[live])
    return np.expm1(out)
