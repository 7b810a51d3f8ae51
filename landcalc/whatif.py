"""What-if analysis: sweeps, tornado and spider diagrams, and goal seek.

Three deterministic tools on the batch engine (:func:`landcalc.engine.evaluate`):

* :func:`sweep`: every combination of the values given for one or more
  parameters (a full factorial), one row per point;
* :func:`tornado` and :func:`spider`: each input moved on its own, the others
  held at their file values;
* :func:`breakeven`: the value of a parameter at which each comparison's
  difference is zero (goal seek), or that value for every input of the file.

Each tool builds its whole batch of parameter sets first and evaluates it in
one call of the engine (which works through it in chunks), so no Python loop
runs over grid points. The goal seek then refines every bracket of every
parameter together, one batched evaluation per step.

The parsers of the command-line texts (``--vary``, ``--within``, ``--swing``,
``--param``) live here too, so that a script gets the same checks and the
same messages as the command line. Money is in yuan, rates and shares are
fractions (0.08 is 8%), years are whole numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from dataclasses import replace as dc_replace

import numpy as np

from landcalc.engine import ALL_METRICS, DEFAULT_CHUNK, evaluate
from landcalc.errors import InputError, ScenarioError
from landcalc.scenario import (
    MAX_HORIZON,
    WHOLE_FIELDS,
    Scenario,
    check_values,
    parse_value,
    percent,
)

#: The largest sweep: about 200 bytes a point in memory for a two-option scenario.
MAX_POINTS = 10_000_000

#: Fields in which every option's NPV is linear (affine): goal seek is exact.
LINEAR_FIELDS = frozenset({"amount", "share", "area"})
#: Fields searched on a grid of -log(1 - x); rates and growth use log(1 + x).
HAZARD_FIELDS = frozenset({"hazard"})

#: Search range of rates and growth when the valid range is open-ended:
#: from -99.99% to +9,900% a year.
RATE_SEARCH = (-0.9999, 99.0)
#: Search range of hazard: 0 to 99.99% a year.
HAZARD_SEARCH = (0.0, 0.9999)
#: Points of the grid on which a non-linear parameter is scanned for sign changes.
SEARCH_POINTS = 1024
#: Largest whole year searched (the largest horizon a file may have).
WHOLE_SEARCH_TOP = MAX_HORIZON
#: Relative gap below an open bound at which clipped values stop (tornado, spider).
OPEN_BOUND_GAP = 1e-9
#: Tolerance of the refined roots, in the transformed variable.
ROOT_TOL = 1e-14
ROOT_MAXITER = 200


# --------------------------------------------------------------------------
# Parsing the command-line texts


@dataclass(frozen=True)
class Vary:
    """The values of one swept parameter.

    Attributes
    ----------
    path : str
        Canonical short path, e.g. ``hen.tax.amount``.
    values : ndarray (K,)
        The values, in order; whole numbers for whole-year fields.
    text : str or None
        The ``--vary`` text it came from, for messages.
    """

    path: str
    values: np.ndarray
    text: str | None = None

    @property
    def origin(self) -> str | None:
        return None if self.text is None else f"--vary {self.text}"


def parse_vary(text: str, scenario: Scenario) -> Vary:
    """Read ``PATH=START:STOP:STEPS``, ``PATH=START:STOP:STEPS:log`` or ``PATH=v1,v2,...``.

    STEPS is the number of points, START and STOP included (as
    :func:`numpy.linspace`; :func:`numpy.geomspace` with ``:log``). Values
    may be written as percentages (``2%:10%:5``).

    Parameters
    ----------
    text : str
        The text after ``--vary``.
    scenario : Scenario
        Resolves the path and gives its valid range.

    Returns
    -------
    Vary

    Raises
    ------
    InputError
        A one-line message that starts with ``--vary TEXT:``.

    Examples
    --------
    >>> from landcalc.scenario import scenario_from_text
    >>> sc = scenario_from_text('''
    ... [scenario]
    ... name = "demo"
    ... area = 1
    ... horizon = 10
    ... [discount]
    ... rate = 0.08
    ... [options.a.flows.sale]
    ... kind = "once"
    ... amount = 100
    ... [options.b.flows.rent]
    ... kind = "annual"
    ... amount = 15
    ... ''')
    >>> parse_vary("discount.rate=0.02:0.10:5", sc).values.round(2).tolist()
    [0.02, 0.04, 0.06, 0.08, 0.1]
    >>> parse_vary("b.rent.amount=10,20,30", sc).values.tolist()
    [10.0, 20.0, 30.0]
    """
    origin = f"--vary {text}"
    shape_hint = "expected PATH=START:STOP:STEPS or PATH=v1,v2,..."
    path_text, sep, spec = str(text).partition("=")
    path_text, spec = path_text.strip(), spec.strip()
    if not sep or not path_text or not spec:
        raise InputError(f"{origin}: {shape_hint}")
    path = _resolve(scenario, path_text, origin)
    if ":" in spec:
        values = _parse_range(spec, origin, scenario, path)
    else:
        values = np.array([_number(v, origin) for v in _split_list(spec, origin)], dtype=float)
    if values.size > MAX_POINTS:
        raise InputError(f"{origin}: {values.size:,} points is too many (at most {MAX_POINTS:,})")
    if scenario.is_whole(path):
        values = _whole_values(values, origin, path, spec)
    try:
        checked = check_values(scenario, {path: values}, origin=origin)
    except ScenarioError as exc:
        raise InputError(str(exc)) from None
    return Vary(path=path, values=checked[path], text=str(text))


def _split_list(spec, origin):
    items = [v.strip() for v in spec.split(",")]
    if any(v == "" for v in items):
        raise InputError(f"{origin}: an empty value in the list; expected v1,v2,...")
    return items


def _parse_range(spec, origin, scenario, path):
    parts = [p.strip() for p in spec.split(":")]
    log = False
    if len(parts) == 4 and parts[3].lower() == "log":
        log = True
        parts = parts[:3]
    if len(parts) != 3 or "," in spec:
        raise InputError(f"{origin}: expected START:STOP:STEPS or v1,v2,...")
    start, stop = _number(parts[0], origin), _number(parts[1], origin)
    steps = _steps(parts[2], origin)
    if not start < stop:
        raise InputError(
            f"{origin}: START must be below STOP (for another order, list the values: "
            "PATH=v1,v2,...)"
        )
    if log:
        if start <= 0:
            raise InputError(f"{origin}: log spacing needs START above 0")
        if scenario.is_whole(path):
            raise InputError(
                f"{origin}: {path} takes whole years; log spacing gives fractions "
                "(list the years instead: PATH=1,2,5,10,...)"
            )
        return np.geomspace(start, stop, steps)
    return np.linspace(start, stop, steps)


def _steps(text, origin):
    try:
        steps = int(text.replace("_", ""), 10)
    except ValueError:
        steps = None
    if steps is None or steps < 2:
        raise InputError(
            f"{origin}: STEPS must be a whole number of points, at least 2 (got '{text}'); "
            "for one value write PATH=VALUE"
        )
    if steps > MAX_POINTS:
        raise InputError(f"{origin}: {steps:,} points is too many (at most {MAX_POINTS:,})")
    return steps


def _number(text, origin):
    value = parse_value(text, origin)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{origin}: '{text}' is not a number")
    value = _finite(value)
    if value is None:
        raise InputError(f"{origin}: '{text}' is not a finite number")
    return value


def _finite(value):
    """``float(value)``, or None for NaN, infinities and integers too large for a float."""
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def _whole_values(values, origin, path, spec):
    rounded = np.round(values)
    off = np.abs(values - rounded) > 1e-9 * np.maximum(1.0, np.abs(values))
    if not off.any():
        return rounded
    bad = float(values[off][0])
    message = f"{origin}: {path} takes whole years, but {spec} gives {bad:.4g}"
    parts = spec.split(":")
    if len(parts) == 3:
        try:
            start, stop = float(parts[0]), float(parts[1])
        except ValueError:
            start = stop = None
        if start is not None and start.is_integer() and stop.is_integer():
            span = int(stop - start)
            wanted = int(parts[2]) if parts[2].strip().isdigit() else 2
            fits = [span // d + 1 for d in range(1, span + 1) if span % d == 0]
            fits = sorted(fits, key=lambda s: (abs(s - wanted), s))[:2]
            message += "; try STEPS = " + " or ".join(str(s) for s in sorted(fits))
        else:
            message += "; START and STOP must be whole"
    raise InputError(message)


def parse_within(text: str) -> tuple[float, float]:
    """Read ``LOW:HIGH`` (``--within``); percentages allowed.

    >>> parse_within("2%:12%")
    (0.02, 0.12)
    """
    origin = f"--within {text}"
    parts = [p.strip() for p in str(text).split(":")]
    if len(parts) != 2 or not all(parts):
        raise InputError(f"{origin}: expected LOW:HIGH, e.g. 0.02:0.12")
    low, high = _number(parts[0], origin), _number(parts[1], origin)
    if not low < high:
        raise InputError(f"{origin}: LOW must be below HIGH")
    return low, high


def parse_swing(text: str) -> float:
    """Read ``--swing``: ``20%`` or ``0.2``, above 0 and at most 100%.

    >>> parse_swing("20%"), parse_swing("0.05")
    (0.2, 0.05)
    """
    origin = f"--swing {text}"
    raw = str(text).strip()
    value = parse_value(raw, origin) if raw else ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{origin}: expected a fraction such as 20% or 0.2")
    value = _finite(value)
    if value is None or not 0 < value <= 1:
        hint = ""
        if value is not None and 1 < value <= 100 and not raw.endswith("%"):
            hint = f" (did you mean {raw}%?)"
        raise InputError(f"{origin}: must be above 0 and at most 100%{hint}")
    return value


def parse_param(text: str, scenario: Scenario) -> str:
    """The canonical path of ``--param TEXT``; InputError with a "did you mean" when unknown."""
    return _resolve(scenario, str(text).strip(), f"--param {text}")


def _resolve(scenario, text, origin):
    """``scenario.resolve``; an unknown path is an InputError that starts with ``origin``."""
    try:
        return scenario.resolve(text)
    except ScenarioError as exc:
        err = ScenarioError(exc.message, source=origin, path=exc.path, hint=exc.hint)
        raise InputError(str(err)) from None


# --------------------------------------------------------------------------
# Sweeps


@dataclass
class SweepResult:
    """Every point of a full-factorial sweep, as arrays of shape (N,).

    Rows run in the order of nested loops: the first varied parameter
    changes slowest, the last fastest.

    Attributes
    ----------
    scenario : Scenario
    axes : list of Vary
        The varied parameters and their values, in the order given.
    values : dict of str to ndarray (N,)
        The value of each varied parameter at every point.
    batch : BatchResult
        The engine's result: ``npv``, ``difference`` [yuan], ``payback_year``
        [yr] and ``breakeven_rate`` [1/yr] per point (NaN for none).
    """

    scenario: Scenario
    axes: list
    values: dict
    batch: object

    @property
    def n(self) -> int:
        return self.batch.n

    @property
    def shape(self) -> tuple:
        return tuple(len(a.values) for a in self.axes)

    @property
    def paths(self) -> list[str]:
        return [a.path for a in self.axes]

    def columns(self) -> list[tuple[str, np.ndarray]]:
        """``(name, array)`` in the order of the CSV (SPEC section 4)."""
        b = self.batch
        cols = [(p, self.values[p]) for p in self.paths]
        cols += [(f"npv.{o}", b.npv[o]) for o in b.options]
        for o in b.alternatives:
            cols.append((f"difference.{o}", b.difference[o]))
            if b.payback_year:
                cols.append((f"payback_year.{o}", b.payback_year[o]))
            if b.breakeven_rate:
                cols.append((f"breakeven_rate.{o}", b.breakeven_rate[o]))
        return cols

    def grid(self, option: str, metric: str = "difference") -> np.ndarray:
        """A metric of one comparison, shaped as the grid (one axis per varied parameter)."""
        return getattr(self.batch, metric)[option].reshape(self.shape)

    def warnings(self) -> list[str]:
        out = []
        for o, several in self.batch.several_roots.items():
            k = int(np.count_nonzero(several))
            if k:
                out.append(
                    f"{o}: at {k:,} of {self.n:,} points the difference with "
                    f"{self.scenario.baseline} changes sign more than once and has several "
                    "break-even rates; the lowest is shown"
                )
        return out


def sweep(
    scenario: Scenario,
    vary,
    *,
    metrics=ALL_METRICS,
    workers: int | None = None,
    chunk_size: int = DEFAULT_CHUNK,
) -> SweepResult:
    """Evaluate every combination of the given parameter values (a full factorial).

    Parameters
    ----------
    scenario : Scenario
        Parameters that are not varied keep their file values.
    vary : list of Vary or of (path, values) pairs, or a mapping of path to values
        One entry per varied parameter; ``values`` is a 1-d array_like in the
        parameter's unit (yuan, yuan/mu, a fraction, whole years).
    metrics : set of str, optional
        ``"payback"`` and ``"breakeven"`` by default (see
        :func:`landcalc.engine.evaluate`).
    workers, chunk_size : int, optional
        Passed to the engine.

    Returns
    -------
    SweepResult
        N = the product of the numbers of values; row i holds the i-th
        combination, the last parameter changing fastest.

    Raises
    ------
    ScenarioError, InputError
        For an unknown path, a value out of its valid range, a fractional
        value of a whole-year field, a path given twice, or more than
        :data:`MAX_POINTS` points.

    Examples
    --------
    >>> from landcalc.scenario import scenario_from_text
    >>> sc = scenario_from_text('''
    ... [scenario]
    ... name = "demo"
    ... area = 1
    ... horizon = 10
    ... [discount]
    ... rate = 0.08
    ... [options.a.flows.sale]
    ... kind = "once"
    ... amount = 100
    ... [options.b.flows.rent]
    ... kind = "annual"
    ... amount = 15
    ... ''')
    >>> res = sweep(sc, [("discount.rate", [0.0, 0.1]), ("b.rent.amount", [10, 20])])
    >>> res.values["discount.rate"].tolist(), res.values["b.rent.amount"].tolist()
    ([0.0, 0.0, 0.1, 0.1], [10.0, 20.0, 10.0, 20.0])
    >>> res.batch.difference["b"].round(2).tolist()
    [0.0, 100.0, -38.55, 22.89]
    """
    axes = _axes(scenario, vary)
    shape = [len(a.values) for a in axes]
    n = math.prod(shape)
    if n > MAX_POINTS:
        raise InputError(
            f"sweep: {' x '.join(f'{k:,}' for k in shape)} = {n:,} points is too many "
            f"(at most {MAX_POINTS:,})"
        )
    values = {}
    for i, ax in enumerate(axes):
        inner, outer = math.prod(shape[i + 1 :]), math.prod(shape[:i])
        block = np.broadcast_to(ax.values[None, :, None], (outer, len(ax.values), inner))
        values[ax.path] = block.reshape(-1)
    origin = " ".join(a.origin for a in axes if a.origin) or None
    values = check_values(scenario, values, origin=origin)
    batch = evaluate(
        scenario,
        values,
        metrics=metrics,
        workers=workers,
        chunk_size=chunk_size,
        checked=True,
    )
    bad = batch.unrepresentable()
    if bad is not None:
        from landcalc.landbook import OVERFLOW_HINT

        i, what, why = bad
        point = ", ".join(f"{p} = {format_param(p, values[p][i])}" for p in values)
        raise InputError(
            f"sweep: at {point}: {what} cannot be represented ({why}); {OVERFLOW_HINT}"
        )
    return SweepResult(scenario=scenario, axes=axes, values=values, batch=batch)


def _axes(scenario, vary):
    items = list(vary.items()) if isinstance(vary, dict) else list(vary)
    if not items:
        raise InputError("sweep: give at least one parameter to vary")
    axes, seen = [], set()
    for item in items:
        ax = item if isinstance(item, Vary) else None
        if ax is None:
            path_text, raw = item
            path = _resolve(scenario, path_text, None)
            arr = np.atleast_1d(np.asarray(raw, dtype=float))
            if arr.ndim != 1 or arr.size == 0:
                raise InputError(f"sweep: {path} needs a non-empty 1-d array of values")
            arr = check_values(scenario, {path: arr})[path]
            ax = Vary(path=path, values=arr)
        if ax.path in seen:
            where = ax.origin or "sweep"
            raise InputError(f"{where}: {ax.path} is varied twice")
        seen.add(ax.path)
        axes.append(ax)
    return axes


# --------------------------------------------------------------------------
# One input at a time


def _fill_value(scenario, path):
    """The value that reproduces the file in rows where ``path`` is not the one moved.

    A flow whose ``end`` is left to the horizon gets the largest horizon, so
    that it still ends with the horizon of every row.
    """
    head, _, rest = path.partition(".")
    if head not in ("scenario", "discount") and rest.endswith(".end"):
        opt, flow = path.split(".")[:2]
        if scenario.options[opt].flows[flow].end is None:
            return float(MAX_HORIZON)
    return scenario.value(path)


def _current(scenario, path):
    """The file's value of a path, or None where there is none (a rate schedule)."""
    if path == "discount.rate" and scenario.discount.schedule is not None:
        return None
    return scenario.value(path)


@dataclass
class _Rows:
    """Results of rows that each move one parameter: ``difference`` and ``flow_npv`` (N,)."""

    difference: dict
    flow_npv: dict


def _evaluate_rows(scenario, paths, which, x, *, flows=False, strict=False) -> _Rows:
    """Evaluate N rows; row i sets ``paths[which[i]] = x[i]`` (``which[i] < 0``: the file).

    With ``strict``, a row whose NPV cannot be represented is an error naming
    the input and its value (a goal seek instead searches past such rows).

    One engine call for the whole batch, plus one for the rows that replace a
    rate schedule by ``discount.rate`` (one batch cannot hold both).
    """
    which = np.asarray(which, dtype=np.intp)
    x = np.asarray(x, dtype=float)
    n = which.size
    rate_k = paths.index("discount.rate") if "discount.rate" in paths else -1
    if rate_k >= 0 and scenario.discount.schedule is not None:
        on_rate = which == rate_k
        groups = [(np.nonzero(~on_rate)[0], False), (np.nonzero(on_rate)[0], True)]
    else:
        rate_k = -1
        groups = [(np.arange(n), False)]
    alts = scenario.alternatives
    diff = {o: np.empty(n) for o in alts}
    fnpv = (
        {o: {f: np.empty(n) for f in opt.flows} for o, opt in scenario.options.items()}
        if flows
        else {}
    )
    for rows, rate_rows in groups:
        if rows.size == 0:
            continue
        w, xx = which[rows], x[rows]
        values = {}
        if rate_rows:
            values["discount.rate"] = xx
        else:
            for k, path in enumerate(paths):
                hit = w == k
                if k == rate_k or not hit.any():
                    continue
                arr = np.full(rows.size, _fill_value(scenario, path))
                arr[hit] = xx[hit]
                values[path] = arr
        res = evaluate(scenario, values, metrics=(), workers=1)
        bad = res.unrepresentable() if strict else None
        if bad is not None:
            from landcalc.landbook import OVERFLOW_HINT

            j, what, why = bad
            j = min(j, rows.size - 1)
            k = int(w[j])
            where = (
                f"with {paths[k]} = {format_param(paths[k], xx[j])}"
                if k >= 0
                else "at the file's values"
            )
            raise InputError(f"{where}: {what} cannot be represented ({why}); {OVERFLOW_HINT}")
        for o in alts:
            diff[o][rows] = np.broadcast_to(res.difference[o], (rows.size,))
        if flows:
            for o, d in res.flow_npv.items():
                for f, v in d.items():
                    fnpv[o][f][rows] = np.broadcast_to(v, (rows.size,))
    return _Rows(difference=diff, flow_npv=fnpv)


def _clip(scenario, path, values):
    """Round whole-year fields and clip values into their valid range (and start <= end)."""
    rule = scenario.rule(path)
    v = np.asarray(values, dtype=float)
    if rule.whole:
        v = np.floor(v + 0.5)
    if rule.low is not None:
        low = rule.low + (OPEN_BOUND_GAP * max(1.0, abs(rule.low)) if rule.low_open else 0.0)
        v = np.maximum(v, low)
    if rule.high is not None:
        high = rule.high - (OPEN_BOUND_GAP * max(1.0, abs(rule.high)) if rule.high_open else 0.0)
        v = np.minimum(v, high)
    parts = path.split(".")
    if len(parts) == 3 and parts[0] in scenario.options and parts[2] in ("start", "end"):
        flow = scenario.options[parts[0]].flows[parts[1]]
        if parts[2] == "start" and flow.end is not None:
            v = np.minimum(v, flow.end)
        if parts[2] == "end":
            v = np.maximum(v, flow.start)
    return v


def _round_sig(v, digits=12):
    """Round to ``digits`` significant digits: 0.35 * 0.8 is 0.28, not 0.27999999999999997."""
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 10.0 ** (digits - 1 - np.floor(np.log10(np.abs(v))))
        out = np.round(v * scale) / scale
    return np.where(np.isfinite(out) & (v != 0), out, v)


def swing_paths(scenario: Scenario) -> list[str]:
    """The inputs that ``--swing`` moves: every numeric value written in the file.

    Values given by ``--set`` count as written; fields left to their defaults
    do not (name them in ``[uncertain]`` or sweep them instead).
    """
    return scenario.explicit_paths()


@dataclass
class TornadoRow:
    """One input of a tornado diagram.

    Attributes
    ----------
    param : str
    current : float or None
        The file's value (None for ``discount.rate`` over a rate schedule).
    low, high : float
        The two values the input takes, in its unit.
    difference_low, difference_high : dict of str to float
        Each comparison's difference with the input at ``low`` / ``high`` [yuan].
    swing : dict of str to float
        ``|difference_high - difference_low|`` [yuan].
    """

    param: str
    current: float | None
    low: float
    high: float
    difference_low: dict
    difference_high: dict
    swing: dict

    @property
    def largest_swing(self) -> float:
        return max(self.swing.values(), default=0.0)


@dataclass
class TornadoResult:
    """Inputs moved one at a time to their low and high values, largest swing first.

    Attributes
    ----------
    scenario : Scenario
    source : str
        ``"swing"`` (every input moved by ``swing`` of its value) or
        ``"uncertain"`` (the ranges of ``[uncertain]``) or ``"ranges"``.
    swing : float or None
        The fraction, for ``source == "swing"``.
    base_difference : dict of str to float
        Each comparison's difference at the file's values [yuan].
    rows : list of TornadoRow
        Sorted by the largest swing over the comparisons, then by file order.
    """

    scenario: Scenario
    source: str
    swing: float | None
    base_difference: dict
    rows: list

    def to_dict(self) -> dict:
        return {
            "source": self.source,
            "swing": self.swing,
            "base_difference": dict(self.base_difference),
            "rows": [
                {
                    "param": r.param,
                    "current": r.current,
                    "low": r.low,
                    "high": r.high,
                    "difference_low": dict(r.difference_low),
                    "difference_high": dict(r.difference_high),
                    "swing": dict(r.swing),
                }
                for r in self.rows
            ],
        }


def tornado(scenario: Scenario, swing: float | None = None, *, ranges=None) -> TornadoResult:
    """Move each input alone to a low and a high value; sort by the swing of the difference.

    Parameters
    ----------
    scenario : Scenario
    swing : float, optional
        A fraction (0.2 for 20%): every numeric input written in the file
        (:func:`swing_paths`) moves to ``value * (1 - swing)`` and
        ``value * (1 + swing)``. Whole-year fields are rounded to the nearest
        year; values are clipped into their valid range (a field with an
        open bound, such as hazard below 1, stops just inside it), and a
        flow's start stays at or before its end.
    ranges : mapping of str to (low, high), optional
        Explicit ranges instead (rounded and clipped the same way).

    Without either, the inputs of ``[uncertain]`` move to the bounds of a
    uniform distribution and to the P10 and P90 of any other.

    Returns
    -------
    TornadoResult

    Raises
    ------
    InputError
        When there is nothing to move (no ``[uncertain]`` and no ``swing``).

    Notes
    -----
    All 2P + 1 parameter sets (the file's values and each input at each end)
    are evaluated in one batch.
    """
    if swing is not None and ranges is not None:
        raise ValueError("give swing or ranges, not both")
    if swing is not None:
        source = "swing"
        paths = swing_paths(scenario)
        cur = {p: scenario.value(p) for p in paths}
        lows = {p: _round_sig(cur[p] * (1.0 - swing)) for p in paths}
        highs = {p: _round_sig(cur[p] * (1.0 + swing)) for p in paths}
    else:
        if ranges is None:
            source = "uncertain"
            ranges = uncertain_ranges(scenario)
        else:
            source = "ranges"
            ranges = {scenario.resolve(p): r for p, r in dict(ranges).items()}
        paths = list(ranges)
        lows = {p: float(ranges[p][0]) for p in paths}
        highs = {p: float(ranges[p][1]) for p in paths}
    if not paths:
        raise InputError(f"{scenario.source or 'tornado'}: no inputs to move")
    P = len(paths)
    low = np.array([float(_clip(scenario, p, lows[p])) for p in paths])
    high = np.array([float(_clip(scenario, p, highs[p])) for p in paths])
    low, high = np.minimum(low, high), np.maximum(low, high)
    which = np.concatenate([[-1], np.arange(P), np.arange(P)])
    x = np.concatenate([[0.0], low, high])
    res = _evaluate_rows(scenario, paths, which, x, strict=True)
    alts = scenario.alternatives
    base = {o: float(res.difference[o][0]) for o in alts}
    d_low = {o: res.difference[o][1 : P + 1] for o in alts}
    d_high = {o: res.difference[o][P + 1 :] for o in alts}
    swings = {o: np.abs(d_high[o] - d_low[o]) for o in alts}
    top = np.max(np.stack([swings[o] for o in alts]), axis=0) if alts else np.zeros(P)
    order = np.argsort(-top, kind="stable")
    rows = [
        TornadoRow(
            param=paths[i],
            current=_maybe_plain(_current(scenario, paths[i]), scenario.is_whole(paths[i])),
            low=_plain(low[i], scenario.is_whole(paths[i])),
            high=_plain(high[i], scenario.is_whole(paths[i])),
            difference_low={o: float(d_low[o][i]) for o in alts},
            difference_high={o: float(d_high[o][i]) for o in alts},
            swing={o: float(swings[o][i]) for o in alts},
        )
        for i in order
    ]
    return TornadoResult(
        scenario=scenario, source=source, swing=swing, base_difference=base, rows=rows
    )


def uncertain_ranges(scenario: Scenario) -> dict[str, tuple[float, float]]:
    """The tornado range of each ``[uncertain]`` input: uniform bounds, else P10 and P90.

    Read with :func:`landcalc.distributions.parse_uncertain` (so a bad
    distribution gets the same message as in ``simulate``).
    """
    if not scenario.uncertain:
        raise InputError(
            f"{scenario.source or 'tornado'}: the scenario has no [uncertain] table; "
            "give --swing 20% to move every input by 20%"
        )
    try:
        from landcalc.distributions import parse_uncertain
    except ImportError:  # pragma: no cover - distributions ship with landcalc
        raise InputError(
            "tornado over [uncertain] needs landcalc.distributions; give --swing"
        ) from None
    return {
        scenario.resolve(path): tuple(float(v) for v in dist.tornado_range())
        for path, dist in parse_uncertain(scenario).items()
    }


def _maybe_plain(x, whole):
    return None if x is None else _plain(x, whole)


def _plain(x, whole):
    x = float(x)
    return int(x) if whole else x


@dataclass
class SpiderResult:
    """The difference as each input moves from ``-swing`` to ``+swing`` of its value.

    Attributes
    ----------
    scenario : Scenario
    swing : float
    changes : ndarray (S,)
        The relative changes, ``linspace(-swing, swing, steps)``.
    params : list of str
        Sorted by the range of the difference over the steps, largest first.
    current : list of float
    values : ndarray (P, S)
        Each input's value at each step (rounded and clipped as for
        :func:`tornado`).
    difference : dict of str to ndarray (P, S)
        Each comparison's difference at each step [yuan].
    base_difference : dict of str to float
    """

    scenario: Scenario
    swing: float
    changes: np.ndarray
    params: list
    current: list
    values: np.ndarray
    difference: dict
    base_difference: dict

    def to_dict(self) -> dict:
        return {
            "swing": self.swing,
            "changes": self.changes.tolist(),
            "base_difference": dict(self.base_difference),
            "rows": [
                {
                    "param": p,
                    "current": self.current[i],
                    "values": self.values[i].tolist(),
                    "difference": {o: d[i].tolist() for o, d in self.difference.items()},
                }
                for i, p in enumerate(self.params)
            ],
        }


def spider(scenario: Scenario, swing: float, steps: int = 5) -> SpiderResult:
    """Each input moved alone through ``steps`` values from ``-swing`` to ``+swing``.

    Parameters
    ----------
    scenario : Scenario
    swing : float
        Largest relative change, a fraction (0.2 for 20%).
    steps : int
        Number of values per input, both ends included (odd: the file's
        value is one of them).

    Returns
    -------
    SpiderResult
        The same inputs as ``tornado(scenario, swing)``; all P x S parameter
        sets are evaluated in one batch.
    """
    steps = int(steps)
    if steps < 2:
        raise InputError(f"--steps {steps}: must be at least 2")
    paths = swing_paths(scenario)
    if not paths:
        raise InputError(f"{scenario.source or 'spider'}: no inputs to move")
    changes = np.linspace(-swing, swing, steps)
    changes[np.abs(changes) < 1e-15] = 0.0
    cur = np.array([scenario.value(p) for p in paths])
    moved = _round_sig(cur[:, None] * (1.0 + changes[None, :]))
    vals = np.stack([_clip(scenario, p, moved[i]) for i, p in enumerate(paths)])
    P = len(paths)
    which = np.concatenate([[-1], np.repeat(np.arange(P), steps)])
    x = np.concatenate([[0.0], vals.reshape(-1)])
    res = _evaluate_rows(scenario, paths, which, x, strict=True)
    alts = scenario.alternatives
    diff = {o: res.difference[o][1:].reshape(P, steps) for o in alts}
    spread = [np.ptp(diff[o], axis=1) for o in alts]
    top = np.max(np.stack(spread), axis=0) if alts else np.zeros(P)
    order = np.argsort(-top, kind="stable")
    return SpiderResult(
        scenario=scenario,
        swing=float(swing),
        changes=changes,
        params=[paths[i] for i in order],
        current=[_plain(cur[i], scenario.is_whole(paths[i])) for i in order],
        values=vals[order],
        difference={o: d[order] for o, d in diff.items()},
        base_difference={o: float(res.difference[o][0]) for o in alts},
    )


# --------------------------------------------------------------------------
# Goal seek


@dataclass
class GoalSeek:
    """The break-even value of one parameter for one comparison.

    Attributes
    ----------
    option : str
    value : float, int or None
        The value at which the option's difference with the baseline is zero
        (for whole-year fields: the nearest whole year, seen from the file's
        value, at which the difference has reached zero or changed sign);
        None where no value in the range does.
    difference_at_value : float or None
        The difference re-evaluated at ``value`` [yuan]: zero to rounding
        for continuous fields; for whole-year fields, the difference in that
        year.
    roots : list of float
        Every value found (for whole-year fields, the first whole year past
        each crossing).
    needed : float or None
        For linear fields, the exact solution even when it lies outside the
        range (so that a message can say what would be needed).
    """

    option: str
    value: float | None
    difference_at_value: float | None
    roots: list = field(default_factory=list)
    needed: float | None = None
    proportional: bool = False


@dataclass
class BreakevenResult:
    """Goal seek of one parameter for every comparison with the baseline.

    Attributes
    ----------
    scenario : Scenario
    param : str
    current : float or None
        The file's value (None for ``discount.rate`` over a rate schedule).
    method : str
        ``"linear"`` (solved exactly), ``"search"`` (bracketed on a grid and
        refined) or ``"whole"`` (every whole year evaluated).
    low, high : float
        The range searched, in the parameter's unit (may be infinite for
        linear fields).
    within : bool
        True when the range came from ``--within``.
    comparisons : dict of str to GoalSeek
    """

    scenario: Scenario
    param: str
    current: float | None
    method: str
    low: float
    high: float
    within: bool
    comparisons: dict

    def to_dict(self) -> dict:
        """The JSON of ``breakeven`` (SPEC section 4)."""
        return {
            "param": self.param,
            "comparisons": {
                o: {"value": g.value, "difference_at_value": g.difference_at_value}
                for o, g in self.comparisons.items()
            },
        }

    def relative_change(self, option: str) -> float | None:
        """|value - current| / |current|; inf when current is 0; None without a value."""
        g = self.comparisons[option]
        if g.value is None or self.current is None:
            return None
        if self.current == 0:
            return 0.0 if g.value == 0 else math.inf
        return abs(g.value - self.current) / abs(self.current)

    def distance(self) -> tuple:
        """Sort key of the "what would have to be true" table: nearest first."""
        changes = [self.relative_change(o) for o in self.comparisons]
        changes = [c for c in changes if c is not None]
        if not changes:
            return (2, 0.0)
        best = min(changes)
        if math.isinf(best):
            absolute = min(
                abs(g.value - (self.current or 0.0))
                for g in self.comparisons.values()
                if g.value is not None
            )
            return (1, absolute)
        return (0, best)

    def several_notes(self) -> list[str]:
        """One sentence per comparison that has several break-even values."""
        out = []
        for o, g in self.comparisons.items():
            if g.value is not None and len(g.roots) > 1:
                shown = ", ".join(format_param(self.param, r) for r in g.roots[:6])
                more = ", ..." if len(g.roots) > 6 else ""
                out.append(
                    f"{o}: {len(g.roots)} values of {self.param} make the difference with "
                    f"{self.scenario.baseline} zero ({shown}{more}); the nearest to the file's "
                    "value is shown"
                )
        return out

    def none_notes(self) -> list[str]:
        """One sentence per comparison without a break-even value, saying why."""
        out = []
        base = self.scenario.baseline
        for o, g in self.comparisons.items():
            if g.value is not None:
                continue
            if g.proportional:
                out.append(
                    f"{o}: the difference with {base} is proportional to {self.param}, so no "
                    "value in its valid range makes it zero"
                )
            elif self.method == "linear" and g.needed is None:
                out.append(
                    f"{o}: {self.param} does not change the difference with {base}; "
                    "no value makes it zero"
                )
            elif self.method == "linear":
                out.append(
                    f"{o}: the difference with {base} would be zero at {self.param} = "
                    f"{format_param(self.param, g.needed)}, outside {self.range_text()}"
                )
            else:
                out.append(
                    f"{o}: no value of {self.param} in {self.range_text()} makes the "
                    f"difference with {base} zero"
                )
        return out

    def notes(self) -> list[str]:
        return self.none_notes() + self.several_notes()

    def warnings(self) -> list[str]:
        return self.several_notes()

    def interval_text(self) -> str:
        """The range searched as an interval: ``[0%, 99.99%]``, ``(0, inf)``."""
        lo, hi = self.low, self.high
        rule = self.scenario.rule(self.param)
        left = "(" if (math.isinf(lo) or (rule.low_open and lo == rule.low)) else "["
        right = ")" if (math.isinf(hi) or (rule.high_open and hi == rule.high)) else "]"
        p = self.param
        return f"{left}{format_param(p, lo)}, {format_param(p, hi)}{right}"

    def range_text(self) -> str:
        """The range searched, in words: ``the range searched [0%, 100%]``."""
        if math.isinf(self.low) and math.isinf(self.high):
            return "all real numbers"
        word = "--within " if self.within else "the range searched "
        return word + self.interval_text()


@dataclass
class BreakevenTable:
    """The "what would have to be true" table: the break-even of every input of the file.

    Attributes
    ----------
    scenario : Scenario
    rows : list of BreakevenResult
        Sorted by how far the break-even value sits from the current value
        (the smallest relative change over the comparisons first; inputs
        whose current value is 0 next, by absolute change; inputs with no
        break-even value last).
    """

    scenario: Scenario
    rows: list

    def to_dict(self) -> list:
        return [
            {
                "param": r.param,
                "current": r.current,
                "comparisons": {
                    o: {
                        "value": g.value,
                        "difference_at_value": g.difference_at_value,
                        "relative_change": r.relative_change(o),
                    }
                    for o, g in r.comparisons.items()
                },
            }
            for r in self.rows
        ]

    def warnings(self) -> list[str]:
        return [w for r in self.rows for w in r.warnings()]


def breakeven(scenario: Scenario, param: str | None = None, within=None):
    """Goal seek: the value of a parameter at which each comparison's difference is zero.

    Parameters
    ----------
    scenario : Scenario
    param : str, optional
        A parameter path (short or long form). Without it, every numeric
        input written in the file is solved (the "what would have to be
        true" table).
    within : (float, float) or str, optional
        Search only in ``[low, high]`` (in the parameter's unit), given as a
        pair or as the text ``"LOW:HIGH"`` of ``--within``; only with
        ``param``.

    Returns
    -------
    BreakevenResult or BreakevenTable
        A :class:`BreakevenResult` for one ``param``; a
        :class:`BreakevenTable` without.

    Notes
    -----
    * Amounts, shares and the area enter every NPV linearly, so the
      difference is ``d(x) = d(x0) + s (x - x0)`` with the slope ``s`` read
      from the flow NPVs at ``x = 1``; the root is exact. Without
      ``within``, amounts are solved over all real numbers, shares over
      [0, 1] and the area above 0; a root outside the range gives None.
    * Discount rate, growth and hazard are scanned on a grid of
      :data:`SEARCH_POINTS` points, uniform in ``log(1 + x)`` (in
      ``-log(1 - x)`` for hazard) over their valid range (rates and growth
      from -99.99% to 9,900%, hazard from 0 to 99.99%) or over ``within``,
      plus the file's value; every sign change is refined by the Illinois
      method (false position) to about 1e-14 relative, all together. Where
      there are several roots, the nearest to the file's value is returned
      and the others are listed in ``roots``. Roots closer together than
      the grid spacing may be missed.
    * Whole-year fields (horizon, year, start, end, ramp) are evaluated at
      every whole year from their minimum to 1000 (or within ``within``);
      the value returned is the nearest whole year, seen from the file's
      value, at which the difference is zero or has the other sign: the
      first year that reverses the answer.

    Examples
    --------
    >>> from landcalc.scenario import scenario_from_text
    >>> sc = scenario_from_text('''
    ... [scenario]
    ... name = "seed"
    ... area = 1000
    ... horizon = 50
    ... [discount]
    ... rate = 0.08
    ... [options.rooster.flows.land_sale]
    ... kind = "once"
    ... amount = 30_000_000
    ... [options.hen.flows.land_sale]
    ... kind = "once"
    ... amount = 1_000_000
    ... [options.hen.flows.tax]
    ... kind = "annual"
    ... amount = 2_000_000
    ... ''')
    >>> res = breakeven(sc, "hen.tax.amount")
    >>> round(res.comparisons["hen"].value, 4)  # 29e6 / annuity factor of 8%, 50 years
    2370542.8867
    """
    if param is None:
        if within is not None:
            raise InputError("--within needs --param (it is the range of one parameter)")
        paths = swing_paths(scenario)
        results = _solve(scenario, paths, None)
        results.sort(key=lambda r: r.distance())
        return BreakevenTable(scenario=scenario, rows=results)
    path = parse_param(param, scenario)
    text = None
    if isinstance(within, str):
        text, within = within, parse_within(within)
    return _solve(scenario, [path], within, within_text=text)[0]


def _method(scenario, path):
    fld = path.rsplit(".", 1)[-1]
    if fld in LINEAR_FIELDS:
        return "linear"
    if scenario.is_whole(path):
        return "whole"
    return "search"


def _forward(path, x):
    """The variable in which the search grid is uniform."""
    if path.rsplit(".", 1)[-1] in HAZARD_FIELDS:
        return -np.log1p(-np.asarray(x, dtype=float))
    return np.log1p(np.asarray(x, dtype=float))


def _backward(path, u):
    if path.rsplit(".", 1)[-1] in HAZARD_FIELDS:
        return -np.expm1(-np.asarray(u, dtype=float))
    return np.expm1(np.asarray(u, dtype=float))


def _search_range(scenario, path, method, within, within_text=None):
    """(low, high) searched: the valid range, or ``within`` checked against it."""
    rule = scenario.rule(path)
    if within is not None:
        lo, hi = within
        loose = dc_replace(rule, whole=False)
        text = f"--within {within_text}"
        for v in (lo, hi):
            msg = loose.check(float(v))
            if msg:
                shown = int(v) if float(v).is_integer() else float(v)
                raise InputError(str(ScenarioError(msg, source=text, path=path, value=shown)))
        if method == "whole" and math.ceil(lo) > math.floor(hi):
            raise InputError(f"{text}: holds no whole year")
        return float(lo), float(hi)
    if method == "linear":
        lo = -math.inf if rule.low is None else float(rule.low)
        hi = math.inf if rule.high is None else float(rule.high)
        return lo, hi
    if method == "whole":
        top = max(WHOLE_SEARCH_TOP, _current(scenario, path) or 0)
        return float(rule.low), float(top)
    fld = path.rsplit(".", 1)[-1]
    return HAZARD_SEARCH if fld in HAZARD_FIELDS else RATE_SEARCH


def _in_range(x, lo, hi, rule, within):
    """True when ``x`` lies in [lo, hi], respecting the rule's open bounds."""
    if within:
        return lo <= x <= hi
    if x < lo or x > hi:
        return False
    if rule.low_open and x == rule.low:
        return False
    if rule.high_open and x == rule.high:
        return False
    return True


def _candidates(scenario, path, method, lo, hi, current):
    """The values evaluated in the first pass for one path."""
    if method == "linear":
        return np.array([1.0])
    if method == "whole":
        vals = np.arange(math.ceil(lo), math.floor(hi) + 1, dtype=float)
        parts = path.split(".")
        if len(parts) == 3 and parts[2] in ("start", "end") and parts[0] in scenario.options:
            flow = scenario.options[parts[0]].flows[parts[1]]
            if parts[2] == "start" and flow.end is not None:
                vals = vals[vals <= flow.end]
            if parts[2] == "end":
                vals = vals[vals >= flow.start]
        return vals
    u = np.linspace(_forward(path, lo), _forward(path, hi), SEARCH_POINTS)
    grid = _backward(path, u)
    grid[0], grid[-1] = lo, hi
    if current is not None and lo < current < hi:
        grid = np.union1d(grid, [current])
    return grid


def _solve(scenario, paths, within, within_text=None):
    """Goal seek of each path (one batch for the first pass, one per refinement step)."""
    if within is not None and within_text is None:
        within_text = f"{float(within[0]):g}:{float(within[1]):g}"
    alts = scenario.alternatives
    base = scenario.baseline
    plans = []
    for path in paths:
        method = _method(scenario, path)
        current = _current(scenario, path)
        lo, hi = _search_range(scenario, path, method, within, within_text)
        cand = _candidates(scenario, path, method, lo, hi, current)
        if method == "whole":
            if cand.size == 0:
                where = "the range searched" if within is None else f"--within {within_text}"
                raise InputError(
                    f"{path}: no valid whole year in {where} (a start must not be after its end)"
                )
            lo, hi = float(cand[0]), float(cand[-1])
        plans.append((path, method, current, lo, hi, cand))
    which = np.concatenate(
        [[-1]] + [np.full(len(p[5]), k, dtype=np.intp) for k, p in enumerate(plans)]
    )
    x = np.concatenate([[0.0]] + [p[5] for p in plans])
    first = _evaluate_rows(scenario, paths, which, x, flows=True)
    d0 = {o: float(first.difference[o][0]) for o in alts}
    starts = np.cumsum([1] + [len(p[5]) for p in plans])
    found = []  # per plan, per option: {"roots", "value", "needed", ...}
    brackets = []  # (plan index, option, a, b, fa, fb) in the transformed variable
    for k, (path, method, current, lo, hi, cand) in enumerate(plans):
        rows = slice(starts[k], starts[k] + len(cand))
        per = {}
        rule = scenario.rule(path)
        for o in alts:
            d = first.difference[o][rows]
            if method == "linear":
                slope = _linear_slope(scenario, path, o, base, first.flow_npv, starts[k])
                per[o] = _linear_root(
                    current, d0[o], slope, lo, hi, rule, within is not None, path == "scenario.area"
                )
            elif method == "whole":
                per[o] = _whole_root(cand, d, current)
            else:
                zeros, brs = _sign_changes(cand, d)
                u = _forward(path, cand)
                for i in brs:
                    brackets.append((k, o, u[i], u[i + 1], d[i], d[i + 1]))
                per[o] = {"zeros": [float(cand[i]) for i in zeros], "roots": []}
        found.append(per)
    if brackets:
        refined = _refine(scenario, paths, plans, brackets)
        for (k, o, *_), root in zip(brackets, refined, strict=True):
            found[k][o]["roots"].append(float(root))
    # choose, then re-evaluate every chosen value in one batch
    chosen = []
    for k, (_path, method, current, _lo, _hi, _cand) in enumerate(plans):
        for o in alts:
            f = found[k][o]
            if method == "search":
                roots = sorted(set(f["zeros"]) | set(f["roots"]))
                ref = current if current is not None else _schedule_start(scenario)
                value = min(roots, key=lambda r: (abs(r - ref), r)) if roots else None
                f.update(roots=roots, value=value, needed=None)
            chosen.append((k, o, f["value"]))
    have = [(k, o, v) for k, o, v in chosen if v is not None]
    at = {}
    if have:
        res = _evaluate_rows(
            scenario,
            paths,
            np.array([k for k, _, _ in have]),
            np.array([v for _, _, v in have], dtype=float),
        )
        for j, (k, o, _) in enumerate(have):
            at[(k, o)] = float(res.difference[o][j])
    results = []
    for k, (path, method, current, lo, hi, _cand) in enumerate(plans):
        whole = scenario.is_whole(path)
        comps = {}
        for o in alts:
            f = found[k][o]
            v = f["value"]
            comps[o] = GoalSeek(
                option=o,
                value=None if v is None else _plain(v, whole),
                difference_at_value=at.get((k, o)),
                roots=[_plain(r, whole) for r in f["roots"]],
                needed=f.get("needed"),
                proportional=f.get("proportional", False),
            )
        results.append(
            BreakevenResult(
                scenario=scenario,
                param=path,
                current=None if current is None else _plain(current, whole),
                method=method,
                low=lo,
                high=hi,
                within=within is not None,
                comparisons=comps,
            )
        )
    return results


def _schedule_start(scenario):
    sched = scenario.discount.schedule
    return float(sched[0][1]) if sched else 0.0


def _linear_slope(scenario, path, option, base, flow_npv, row):
    """d difference / d x for an amount, share or the area, from flow NPVs at x = 1."""
    parts = path.split(".")
    if parts[0] == "scenario":  # the area: every per-mu flow scales with it
        affected = [
            (o, f.name)
            for o, opt in scenario.options.items()
            for f in opt.flows.values()
            if f.basis == "per_mu"
        ]
    else:
        affected = [(parts[0], parts[1])]
    slope = 0.0
    for o, f in affected:
        v = float(flow_npv[o][f][row])
        if o == option:
            slope += v
        if o == base:
            slope -= v
    return slope


def _linear_root(current, d0, slope, lo, hi, rule, within, area=False):
    """The root of ``d0 + slope * (x - current)``, if it lies in the range."""
    if slope == 0 or not math.isfinite(slope):
        value = current if d0 == 0 else None
        return {"roots": [] if value is None else [value], "value": value, "needed": None}
    needed = current - d0 / slope
    if area and abs(needed) <= 1e-9 * abs(current):
        # every flow is per mu: the difference is proportional to the area
        return {"roots": [], "value": None, "needed": None, "proportional": True}
    ok = math.isfinite(needed) and _in_range(needed, lo, hi, rule, within)
    return {
        "roots": [needed] if ok else [],
        "value": needed if ok else None,
        "needed": needed if math.isfinite(needed) else None,
    }


def _whole_root(cand, d, current):
    """Goal seek over whole years ``cand`` (ascending) with differences ``d``.

    ``value`` is the nearest whole year to ``current`` at which the
    difference is zero or has the other sign; ``roots`` holds, for every
    crossing, the first whole year past it seen from ``current``.
    """
    finite = np.isfinite(d)
    s = np.where(finite, np.sign(d), np.nan)
    ref = cand[0] if current is None else current
    zeros = np.nonzero(s == 0)[0]
    flips = np.nonzero(s[:-1] * s[1:] < 0)[0]
    past = np.where(cand[flips] >= ref, cand[np.minimum(flips + 1, cand.size - 1)], cand[flips])
    roots = sorted({float(v) for v in np.concatenate([cand[zeros], past])})
    here = np.nonzero((cand == ref) & finite)[0]
    if current is None or here.size == 0:
        value = min(roots, key=lambda r: (abs(r - ref), r)) if roots else None
        return {"roots": roots, "value": value, "needed": None}
    s0 = s[here[0]]
    if s0 == 0:
        return {"roots": roots, "value": float(current), "needed": None}
    other = np.nonzero(finite & (s != s0))[0]
    if other.size == 0:
        return {"roots": roots, "value": None, "needed": None}
    dist = np.abs(cand[other] - current)
    best = other[np.lexsort((cand[other], dist))[0]]
    return {"roots": roots, "value": float(cand[best]), "needed": None}


def _sign_changes(cand, d):
    """Indices of exact zeros, and of i where d changes sign between i and i + 1."""
    finite = np.isfinite(d)
    s = np.where(finite, np.sign(d), 0.0)
    zeros = np.nonzero(finite & (d == 0))[0]
    brackets = np.nonzero(finite[:-1] & finite[1:] & (s[:-1] * s[1:] < 0))[0]
    return zeros.tolist(), brackets.tolist()


def _refine(scenario, paths, plans, brackets):
    """Refine every bracket together: Illinois steps, one batched evaluation per step.

    Brackets are in the transformed variable ``u`` (see :func:`_forward`), with
    values of opposite signs at the ends. Every eighth step bisects, so that
    no bracket can crawl.
    """
    alts = scenario.alternatives
    k = np.array([br[0] for br in brackets], dtype=np.intp)
    oi = np.array([alts.index(br[1]) for br in brackets], dtype=np.intp)
    hz = np.array([plans[br[0]][0].rsplit(".", 1)[-1] in HAZARD_FIELDS for br in brackets])
    a, b, fa, fb = (np.array([br[j] for br in brackets], dtype=float) for j in (2, 3, 4, 5))
    out = np.full(k.size, np.nan)
    active = np.arange(k.size)
    for it in range(ROOT_MAXITER):
        if active.size == 0:
            break
        A, B, FA, FB = a[active], b[active], fa[active], fb[active]
        with np.errstate(all="ignore"):
            c = (A * FB - B * FA) / (FB - FA)
        bisect = ~np.isfinite(c) | (c <= np.minimum(A, B)) | (c >= np.maximum(A, B))
        if it % 8 == 7:
            bisect[:] = True
        c = np.where(bisect, 0.5 * (A + B), c)
        res = _evaluate_rows(scenario, paths, k[active], _to_x(hz[active], c))
        diffs = np.stack([res.difference[o] for o in alts])
        fc = diffs[oi[active], np.arange(active.size)]
        cross = np.sign(fc) != np.sign(FB)  # the root lies between B and c
        newA = np.where(cross, B, A)
        newFA = np.where(cross, FB, np.where(bisect, FA, 0.5 * FA))
        a[active], fa[active], b[active], fb[active] = newA, newFA, c, fc
        small = ROOT_TOL * (1.0 + np.abs(c))
        done = (fc == 0) | (np.abs(c - newA) <= small) | ~np.isfinite(fc)
        out[active[done]] = c[done]
        active = active[~done]
    if active.size:
        out[active] = 0.5 * (a[active] + b[active])
    return _to_x(hz, out).tolist()


def _to_x(hazard, u):
    """Back from the search variable: ``-expm1(-u)`` for hazard, ``expm1(u)`` otherwise."""
    with np.errstate(over="ignore"):
        return np.where(hazard, -np.expm1(-u), np.expm1(u))


#: Fields shown as percentages.
PERCENT_FIELDS = frozenset({"rate", "growth", "hazard", "share"})


def format_param(path: str, value) -> str:
    """A parameter's value for people: ``8%``, ``2,370,543``, ``50``, ``none``.

    >>> format_param("hen.tax.growth", 0.035), format_param("hen.tax.amount", 2370542.9)
    ('3.5%', '2,370,543')
    """
    if value is None:
        return "none"
    x = float(value)
    if math.isnan(x):
        return "none"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    fld = path.rsplit(".", 1)[-1]
    if fld in WHOLE_FIELDS and x.is_integer():
        return str(int(x))
    if fld in PERCENT_FIELDS:
        return percent(x)
    if abs(x) >= 1e4:
        return f"{x:,.0f}"
    return f"{x:,.6g}"


__all__ = [
    "BreakevenResult",
    "BreakevenTable",
    "GoalSeek",
    "MAX_POINTS",
    "SpiderResult",
    "SweepResult",
    "TornadoResult",
    "TornadoRow",
    "Vary",
    "breakeven",
    "parse_param",
    "parse_swing",
    "parse_vary",
    "parse_within",
    "format_param",
    "spider",
    "sweep",
    "swing_paths",
    "tornado",
    "uncertain_ranges",
]
