"""Land books: many parcels or parameter sets from a CSV, evaluated as one batch.

A points file is a CSV whose header names its columns. A column whose name
contains a dot is a parameter path (``hen.tax.amount``, or the long form
``options.hen.flows.tax.amount``) and its cells are numbers; every other
column (an ``id``, a district name) is carried through unchanged. Each row is
one parameter set applied on top of the scenario file.

:func:`read_points` reads such a file in one pass with numpy's CSV reader
(quoted cells allowed); :func:`evaluate_points` runs every row through the
batch engine at once; :func:`portfolio` adds the totals a district wants.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field

import numpy as np

from landcalc.engine import evaluate
from landcalc.errors import InputError, ScenarioError
from landcalc.scenario import AREA_UNITS, Scenario, _area_in_mu_problem


@dataclass
class Points:
    """Rows of parameter sets read from a CSV.

    Attributes
    ----------
    source : str
        The file name, for messages.
    header : list of str
        Every column, in file order.
    paths : dict of int to str
        Column index -> canonical parameter path, for the parameter columns.
    values : dict of str to ndarray
        Canonical path -> float array of shape (n,).
    carried : dict of int to ndarray
        Column index -> object array of the cells of a carried-through column.
    n : int
        Number of rows.
    path : str
        The file, to find the line of a row.
    """

    source: str
    header: list
    paths: dict
    values: dict
    carried: dict
    n: int
    path: str = ""


def _fail(source, line, column, name, message, hint=None):
    where = f"{source}: line {line}"
    if column is not None:
        where += f", column {column} ({name})"
    text = f"{where}: {message}"
    if hint:
        text += f"; {hint}"
    raise InputError(text)


def read_points(scenario: Scenario, path, what: str = "--points") -> Points:
    """Read a points CSV for ``scenario`` (see the module docstring).

    Raises
    ------
    InputError
        Naming the file, the CSV line and the column: a missing or empty file,
        a missing header, an unknown path column (with "did you mean"), a cell
        that is not a number, a whole-year field that is not whole, a value out
        of range, a row with the wrong number of cells.
    """
    source = f"{what} {path}"
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        raise InputError(f"{source}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{source}: is a folder, not a CSV file") from None
    except OSError as exc:
        raise InputError(f"{source}: cannot be read ({exc.strerror or exc})") from None
    with fh:
        try:
            header = next(csv.reader(fh), None)
        except (csv.Error, UnicodeDecodeError) as exc:
            raise InputError(f"{source}: line 1: not a readable CSV ({exc})") from None
    if header is None or not any(h.strip() for h in header):
        raise InputError(f"{source}: the file is empty; the first line must name the columns")
    header = [h.strip() for h in header]
    paths: dict = {}
    for j, name in enumerate(header, start=1):
        if "." not in name:
            continue
        try:
            canon = scenario.resolve(name)
        except ScenarioError as exc:
            _fail(source, 1, j, name, exc.message, exc.hint)
        if canon in paths.values():
            _fail(source, 1, j, name, f"{canon} is given by two columns")
        paths[j - 1] = canon
    if not paths:
        if all(_is_number(h) for h in header if h):
            _fail(
                source,
                1,
                None,
                None,
                "no header: the first line must name the columns, "
                "e.g. id,hen.tax.amount,scenario.area",
            )
        raise InputError(
            f"{source}: line 1: no column names a parameter path of the scenario "
            f"(for example {', '.join(scenario.paths()[:3])})"
        )
    dtype = np.dtype([(f"c{j}", float if j in paths else object) for j in range(len(header))])
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "input contained no data" is reported below
            data = np.loadtxt(
                path,
                delimiter=",",
                skiprows=1,
                dtype=dtype,
                comments=None,
                quotechar='"',
                ndmin=1,
                encoding="utf-8-sig",
            )
    except (ValueError, IndexError):
        _explain_bad_cell(path, source, header, paths)
        raise InputError(f"{source}: cannot be read as CSV") from None
    n = int(data.shape[0])
    if n == 0:
        raise InputError(f"{source}: has a header but no rows")
    values = {}
    for j, canon in paths.items():
        col = np.ascontiguousarray(data[f"c{j}"], dtype=float)
        rule = scenario.rule(canon)
        bad = rule.bad_mask(col)
        if canon == "scenario.area" and not bad.any():
            with np.errstate(over="ignore", under="ignore"):
                mu = col * AREA_UNITS[scenario.area_unit]
            bad = ~np.isfinite(mu) | (mu <= 0)
        if bad.any():
            i = int(np.argmax(bad))
            v = float(col[i])
            shown = int(v) if (math.isfinite(v) and v.is_integer()) else v
            why = rule.check(v) or _area_in_mu_problem(v, scenario.area_unit) or rule.message
            _fail(source, _line_of_row(path, i), j + 1, header[j], f"{canon} = {shown}: {why}")
        values[canon] = col
    carried = {j: data[f"c{j}"] for j in range(len(header)) if j not in paths}
    _check_start_end(scenario, values, path, source, header, paths)
    return Points(
        source=source,
        header=header,
        paths=paths,
        values=values,
        carried=carried,
        n=n,
        path=str(path),
    )


def _is_number(text):
    try:
        float(text)
    except ValueError:
        return False
    return True


def _line_of_row(path, index):
    """Physical line of data row ``index`` (0-based), counting the header as line 1."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rd = csv.reader(fh)
        next(rd, None)
        for i, _ in enumerate(rd):
            if i == index:
                return rd.line_num
    return index + 2


def _explain_bad_cell(path, source, header, paths):
    """Find the first cell numpy could not read and raise an error naming it."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rd = csv.reader(fh)
        next(rd, None)
        for row in rd:
            line = rd.line_num
            if not row or all(not c.strip() for c in row):
                _fail(source, line, None, None, "empty line in the middle of the table")
            if len(row) != len(header):
                _fail(
                    source,
                    line,
                    None,
                    None,
                    f"has {len(row)} cells where the header has {len(header)}",
                )
            for j, canon in paths.items():
                cell = row[j].strip()
                if cell == "":
                    _fail(source, line, j + 1, header[j], f"{canon}: the cell is empty")
                try:
                    float(cell)
                except ValueError:
                    _fail(source, line, j + 1, header[j], f"{canon} = {cell!r}: not a number")


def _check_start_end(scenario, values, path, source, header, paths):
    for opt in scenario.options.values():
        for flow in opt.flows.values():
            if flow.kind != "annual":
                continue
            ps, pe = f"{opt.name}.{flow.name}.start", f"{opt.name}.{flow.name}.end"
            if ps not in values and pe not in values:
                continue
            start = values.get(ps, float(flow.start))
            end = values.get(pe, math.inf if flow.end is None else float(flow.end))
            bad = np.broadcast_to(
                np.asarray(start) > np.asarray(end), (len(next(iter(values.values()))),)
            )
            if bad.any():
                i = int(np.argmax(bad))
                s = float(np.broadcast_to(start, bad.shape)[i])
                e = float(np.broadcast_to(end, bad.shape)[i])
                col = next((j for j, p in paths.items() if p == ps), None)
                if col is None:
                    col = next(j for j, p in paths.items() if p == pe)
                _fail(
                    source,
                    _line_of_row(path, i),
                    col + 1,
                    header[col],
                    f"{ps} = {s:g} is after {pe} = {e:g}",
                )


# --------------------------------------------------------------------------
# evaluate


@dataclass
class PointsResult:
    """Every row of a points file with its results (SPEC section 4 columns)."""

    scenario: Scenario
    points: Points
    batch: object  # landcalc.engine.BatchResult

    def columns(self):
        """(header, columns, kinds) of the output table, in order."""
        pts, res, sc = self.points, self.batch, self.scenario
        header, cols, kinds = [], [], []
        for j, name in enumerate(pts.header):
            header.append(name)
            if j in pts.paths:
                cols.append(pts.values[pts.paths[j]])
                kinds.append("float")
            else:
                cols.append(pts.carried[j])
                kinds.append("str")
        for o in sc.options:
            header.append(f"npv.{o}")
            cols.append(res.npv[o])
            kinds.append("float")
        for o in sc.alternatives:
            header += [f"difference.{o}", f"payback_year.{o}", f"breakeven_rate.{o}"]
            cols += [res.difference[o], res.payback_year[o], res.breakeven_rate[o]]
            kinds += ["float", "int", "float"]
        return header, cols, kinds


def evaluate_points(scenario: Scenario, points: Points, **kwargs) -> PointsResult:
    """Evaluate every row of ``points`` in one batch (see :func:`landcalc.evaluate`).

    Raises
    ------
    InputError
        Naming the first row whose NPV or difference cannot be represented
        (beyond the range of a float: amounts near 1e300, rates near -1).
    """
    try:
        batch = evaluate(scenario, points.values, checked=True, **kwargs)
    except OverflowError:  # a discount factor or a term beyond the range of a float
        raise InputError(
            f"{points.source}: a discount factor or an NPV cannot be represented "
            f"(it overflows beyond 1.8e308); {OVERFLOW_HINT}"
        ) from None
    bad = batch.unrepresentable()
    if bad is not None:
        i, what, why = bad
        line = _line_of_row(points.path, i) if points.path else i + 2
        raise InputError(
            f"{points.source}: line {line}: {what} cannot be represented ({why}); " + OVERFLOW_HINT
        )
    return PointsResult(scenario=scenario, points=points, batch=batch)


OVERFLOW_HINT = "check amounts near 1e300, rates near -1 and growth over long horizons"


# --------------------------------------------------------------------------
# portfolio


@dataclass
class PortfolioTotals:
    """Totals of a land book (all money in yuan, areas in mu)."""

    parcels: int
    area_mu: float
    npv: dict
    difference: dict
    wins_parcels: dict
    wins_mu: dict
    best: np.ndarray | None = None
    plans: dict = field(default_factory=dict)
    simulation: dict | None = None

    def to_dict(self) -> dict:
        out = {
            "parcels": self.parcels,
            "area_mu": self.area_mu,
            "npv": dict(self.npv),
            "difference": dict(self.difference),
            "wins": {
                o: {"parcels": self.wins_parcels[o], "area_mu": self.wins_mu[o]}
                for o in self.wins_parcels
            },
        }
        if self.plans:
            out["plans"] = dict(self.plans)
        if self.simulation is not None:
            out["simulation"] = self.simulation
        return out


@dataclass
class PortfolioResult:
    rows: PointsResult
    totals: PortfolioTotals


def parcel_areas(scenario: Scenario, points: Points) -> np.ndarray:
    """Area of every parcel in mu (its ``scenario.area`` column, else the file's area)."""
    area = points.values.get("scenario.area")
    factor = AREA_UNITS[scenario.area_unit]
    if area is None:
        return np.full(points.n, scenario.area_mu)
    return area * factor


def portfolio(
    scenario: Scenario, points: Points, choose: str | None = None, **kwargs
) -> PortfolioResult:
    """Evaluate a land book and total it.

    Parameters
    ----------
    scenario : Scenario
    points : Points
        One row per parcel (usually with its own ``scenario.area`` and amounts).
    choose : {None, "best"}
        With ``"best"``, the option with the largest NPV on each parcel (the
        baseline on ties), and the total of that mixed plan against plans that
        put every parcel to one option.

    Returns
    -------
    PortfolioResult
        ``rows`` (as :func:`evaluate_points`) and ``totals``: the number of
        parcels, total area [mu], total NPV of each option, total difference of
        each non-baseline option, and how many parcels and mu each option wins
        (has the largest NPV on; the baseline on ties).
    """
    rows = evaluate_points(scenario, points, **kwargs)
    res = rows.batch
    opts = list(scenario.options)
    areas = parcel_areas(scenario, points)
    npv = np.vstack([res.npv[o] for o in opts])  # (options, parcels)
    base_i = opts.index(scenario.baseline)
    # the baseline wins ties: give it a hair of precedence by ordering
    order = [base_i] + [i for i in range(len(opts)) if i != base_i]
    best_pos = np.argmax(npv[order], axis=0)
    best_idx = np.asarray(order)[best_pos]
    with np.errstate(over="ignore", invalid="ignore"):  # checked below
        totals = PortfolioTotals(
            parcels=points.n,
            area_mu=float(areas.sum()),
            npv={o: float(npv[i].sum()) for i, o in enumerate(opts)},
            difference={o: float(res.difference[o].sum()) for o in scenario.alternatives},
            wins_parcels={o: int((best_idx == i).sum()) for i, o in enumerate(opts)},
            wins_mu={o: float(areas[best_idx == i].sum()) for i, o in enumerate(opts)},
        )
        if choose == "best":
            totals.best = np.asarray(opts, dtype=object)[best_idx]
            mixed = float(npv[best_idx, np.arange(points.n)].sum())
            totals.plans = {"best": mixed}
            for o in opts:
                totals.plans[f"all.{o}"] = totals.npv[o]
            totals.plans["best_minus_all_baseline"] = mixed - totals.npv[scenario.baseline]
        elif choose is not None:
            raise InputError(f"--choose {choose}: the only choice is 'best'")
    sums = [("the total area", totals.area_mu)]
    sums += [(f"the total NPV of {o}", v) for o, v in totals.npv.items()]
    sums += [(f"the total difference of {o}", v) for o, v in totals.difference.items()]
    sums += [(f"the total NPV of the plan {p}", v) for p, v in totals.plans.items()]
    for what, v in sums:
        if not math.isfinite(v):
            raise InputError(
                f"{points.source}: {what} cannot be represented (it overflows beyond 1.8e308); "
                + OVERFLOW_HINT
            )
    return PortfolioResult(rows=rows, totals=totals)


# --------------------------------------------------------------------------
# portfolio under uncertainty

#: Parcel-draws per engine call: bounds the memory of a portfolio simulation.
SIM_BLOCK_ROWS = 1 << 19


def simulate_portfolio(
    scenario: Scenario,
    points: Points,
    draws: int,
    seed: int | None = None,
    *,
    best=None,
    fix_correlations: bool = False,
    block_rows: int = SIM_BLOCK_ROWS,
) -> dict:
    """Draw ``[uncertain]`` ``draws`` times and apply each draw to every parcel at once.

    Every parcel shares the draw (one discount rate, one tax growth for the
    whole book); inputs that the land book sets per parcel are not drawn (a
    warning names them). The engine runs on blocks of whole draws, about
    ``block_rows`` parcel-draws at a time, so memory stays bounded whatever
    draws x parcels is.

    Parameters
    ----------
    best : ndarray of str, optional
        The option chosen for each parcel (``--choose best``); the mixed plan
        is then simulated too.

    Returns
    -------
    dict
        ``draws``, ``seed``, ``drawn`` (the paths drawn), ``not_drawn`` (the
        per-parcel paths), and ``comparisons``: for every non-baseline option,
        the probability that putting every parcel to it beats the all-baseline
        plan (with its standard error) and the distribution of the total
        difference (mean, std, p5, p50, p95 [yuan]); with ``best``, ``plan``:
        the same for the mixed plan.
    """
    from landcalc.correlate import prepare
    from landcalc.distributions import parse_uncertain
    from landcalc.simulate import Sampler, compare_summary, new_seed

    if int(draws) != draws or draws < 1:
        raise InputError(f"--simulate {draws}: must be a whole number of draws, at least 1")
    draws = int(draws)
    if seed is None:
        seed = new_seed()
    dists = parse_uncertain(scenario)
    if not dists:
        raise ScenarioError(
            "has no [uncertain] inputs to draw for --simulate", source=scenario.source
        )
    not_drawn = [p for p in dists if p in points.values]
    shared = {p: d for p, d in dists.items() if p not in points.values}
    if not shared:
        raise InputError(
            "--simulate: every [uncertain] input is set per parcel by the land book; "
            "nothing is left to draw"
        )
    correlation = prepare(_only(scenario, shared), shared, fix=fix_correlations)
    sampler = Sampler(shared, correlation, seed, draws)
    P = points.n
    per_call = max(1, block_rows // P)
    alts = scenario.alternatives
    total = {o: np.empty(draws) for o in alts}
    plan = np.empty(draws) if best is not None else None
    for start in range(0, draws, per_call):
        stop = min(draws, start + per_call)
        m = stop - start
        drawn = sampler.rows(start, stop)
        values = {p: np.tile(v, m) for p, v in points.values.items()}
        values.update({p: np.repeat(v, P) for p, v in drawn.items()})
        res = evaluate(scenario, values, metrics=())
        for o in alts:
            total[o][start:stop] = res.difference[o].reshape(m, P).sum(axis=1)
        if plan is not None:
            acc = np.zeros(m)
            for o in alts:
                mask = np.asarray(best == o)
                if mask.any():
                    acc += res.difference[o].reshape(m, P)[:, mask].sum(axis=1)
            plan[start:stop] = acc
    out = {
        "draws": draws,
        "seed": int(seed),
        "drawn": list(shared),
        "not_drawn": not_drawn,
        "comparisons": {o: compare_summary(o, total[o]).to_dict() for o in alts},
    }
    if plan is not None:
        out["plan"] = compare_summary("best", plan).to_dict()
    if correlation is not None and correlation.warnings:
        out["warnings"] = list(correlation.warnings)
    return out


def _only(scenario, shared):
    """The scenario with only the correlation pairs among the drawn inputs."""
    cor = scenario.document.get("correlations")
    if not cor or "pairs" not in cor:
        return scenario
    pairs = [
        p
        for p in cor["pairs"]
        if isinstance(p, list) and len(p) == 3 and all(scenario.resolve(x) in shared for x in p[:2])
    ]
    if len(pairs) == len(cor["pairs"]):
        return scenario
    from dataclasses import replace

    doc = dict(scenario.document)
    doc["correlations"] = {**cor, "pairs": pairs}
    return replace(scenario, document=doc)
