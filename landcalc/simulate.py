"""Monte Carlo over the ``[uncertain]`` inputs: how sure can we be that an option wins?

:func:`simulate` draws every uncertain input (SPEC section 4), imposes the
rank correlations of ``[correlations]`` (Iman-Conover, see
:mod:`landcalc.correlate`), evaluates every draw with the batch engine and
summarises: per option the mean, standard deviation, P5, P50 and P95 of
its NPV; per comparison with the baseline the probability that the option
is worth more (difference > 0) with its standard error, and the
distribution of the difference.

Reproducibility
---------------
Draws come from numpy's PCG64 generator. The run is cut into blocks of
about :data:`BLOCK` draws whose boundaries depend only on the number of
draws; block ``b`` uses ``SeedSequence(seed, spawn_key=(b,))``, and within
a block each input draws its uniform numbers in ``[uncertain]`` order, then
the correlation step draws its permutations. So a seed and a number of
draws fix every draw, whatever the chunk size of the evaluation (and how
many threads run it). Statistics are computed from all draws at once
(exact quantiles, not streaming estimates).

Memory
------
The run keeps one float64 array of ``draws`` values per option (NPV) and
per comparison (difference), 8 bytes each; everything else is bounded by
the chunk size. Ten million draws of a two-option scenario keep 240 MB.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from landcalc.correlate import Correlation, ImanConover, prepare
from landcalc.distributions import U_MIN, parse_uncertain
from landcalc.engine import ALL_METRICS, evaluate
from landcalc.errors import InputError, ScenarioError
from landcalc.scenario import Scenario, check_values

#: Draws when none are asked for.
DEFAULT_DRAWS = 100_000
#: Draws per random-number block (the unit of reproducibility).
BLOCK = 1 << 16
#: Draws per call of the engine (memory is bounded by about 40 arrays of this length).
DEFAULT_CHUNK = 1 << 17
#: The standard error of a probability that the convergence note aims at (0.5 percentage points).
SE_TARGET = 0.005
#: Percentiles reported, as fractions.
PERCENTILES = {"p5": 0.05, "p50": 0.50, "p95": 0.95}


@dataclass
class Summary:
    """Mean, standard deviation (n - 1 denominator) and percentiles of one quantity [yuan]."""

    mean: float
    std: float | None
    p5: float
    p50: float
    p95: float

    def to_dict(self) -> dict:
        return {"mean": self.mean, "std": self.std, "p5": self.p5, "p50": self.p50, "p95": self.p95}


@dataclass
class ComparisonSummary:
    """One option against the baseline over all draws."""

    option: str
    probability_better: float
    probability_better_se: float
    difference: Summary
    draws: int

    @property
    def draws_for_target(self) -> int:
        """Draws for the standard error of ``probability_better`` to fall below 0.5 points.

        n = p (1 - p) / 0.005^2 with the estimated p; at most 10,000 (p = 0.5).
        """
        p = self.probability_better
        return max(1, math.ceil(p * (1.0 - p) / SE_TARGET**2 - 1e-9))

    def to_dict(self) -> dict:
        return {
            "probability_better": self.probability_better,
            "probability_better_se": self.probability_better_se,
            "difference": self.difference.to_dict(),
        }


@dataclass
class SimulationResult:
    """The result of :func:`simulate`; ``to_dict()`` is the JSON of ``simulate``.

    Attributes
    ----------
    scenario : Scenario
    draws : int
    seed : int
        The seed used (drawn fresh when none was given).
    distributions : dict of str to Distribution
    correlation : Correlation or None
    options : dict of str to Summary
        NPV of each option [yuan].
    comparisons : dict of str to ComparisonSummary
        Each non-baseline option against the baseline.
    npv, difference : dict of str to ndarray
        Every draw's NPV of each option and difference of each comparison
        [yuan], in no particular order (the percentiles are found by
        partitioning these arrays in place); ``--draws-out`` keeps draw order.
    several_roots : dict of str to int
        Draws whose difference has several break-even rates (when computed).
    warnings : list of str
    """

    scenario: Scenario
    draws: int
    seed: int
    distributions: dict
    correlation: Correlation | None
    options: dict
    comparisons: dict
    npv: dict = field(repr=False)
    difference: dict = field(repr=False)
    several_roots: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)

    @property
    def scenario_hash(self) -> str:
        return scenario_hash(self.scenario)

    def to_dict(self) -> dict:
        """The JSON object of ``simulate``: SPEC section 4, then the version and the scenario."""
        from landcalc import __version__

        sc = self.scenario
        return {
            "draws": self.draws,
            "seed": self.seed,
            "options": {name: s.to_dict() for name, s in self.options.items()},
            "comparisons": {name: c.to_dict() for name, c in self.comparisons.items()},
            "landcalc_version": __version__,
            "scenario": {"name": sc.name, "file": sc.source, "sha256": self.scenario_hash},
        }


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 of the scenario as validated (after ``--set``), as canonical JSON.

    Comments, layout and key order of the file do not change it; any value does.
    """
    text = json.dumps(
        scenario.document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_seed() -> int:
    """A fresh seed from the operating system's entropy, in 0 .. 2^32 - 1."""
    return int(np.random.SeedSequence().entropy % (1 << 32))


# --------------------------------------------------------------------------
# Drawing the inputs


class Sampler:
    """Every draw of every uncertain input, block by block, reproducibly.

    Parameters
    ----------
    distributions : dict of str to Distribution
    correlation : Correlation or None
    seed : int
    draws : int
    """

    def __init__(self, distributions, correlation, seed, draws, workers=None):
        self.paths = list(distributions)
        self.dists = [distributions[p] for p in self.paths]
        self.seed = int(seed)
        self.draws = int(draws)
        nb = max(1, -(-self.draws // BLOCK))
        self.bounds = [b * self.draws // nb for b in range(nb + 1)]
        self.group = []
        self.ic = None
        if correlation is not None:
            self.group = [self.paths.index(n) for n in correlation.names]
            self.ic = ImanConover(correlation.spearman)
        self.workers = workers if workers is not None else min(os.cpu_count() or 1, 4)
        self._cache = {}

    @property
    def blocks(self) -> int:
        return len(self.bounds) - 1

    def block(self, b: int) -> np.ndarray:
        """The values of block ``b``: an array (inputs, draws in the block)."""
        m = self.bounds[b + 1] - self.bounds[b]
        seq = np.random.SeedSequence(self.seed, spawn_key=(b,))
        rng = np.random.Generator(np.random.PCG64(seq))
        u = rng.random((len(self.dists), m))
        np.maximum(u, U_MIN, out=u)
        if self.ic is not None:
            sub = u[self.group]
            self.ic.arrange(sub, rng)
            u[self.group] = sub
        for j, dist in enumerate(self.dists):
            u[j] = dist.draw(u[j])
        return u

    def rows(self, start: int, stop: int) -> dict:
        """Draws ``start`` .. ``stop - 1`` of every input: path -> array.

        The blocks are drawn on up to ``workers`` threads; the last block is
        kept for the next call when it reaches beyond ``stop``.
        """
        first = int(np.searchsorted(self.bounds, start, side="right")) - 1
        wanted = []
        b = first
        while b < self.blocks and self.bounds[b] < stop:
            wanted.append(b)
            b += 1
        todo = [b for b in wanted if b not in self._cache]
        if len(todo) > 1 and self.workers > 1:
            with ThreadPoolExecutor(max_workers=min(self.workers, len(todo))) as pool:
                made = list(pool.map(self.block, todo))
        else:
            made = [self.block(b) for b in todo]
        cache = dict(self._cache)
        cache.update(zip(todo, made, strict=True))
        parts = []
        for b in wanted:
            lo = max(start, self.bounds[b]) - self.bounds[b]
            hi = min(stop, self.bounds[b + 1]) - self.bounds[b]
            parts.append(cache[b][:, lo:hi])
        last = wanted[-1]
        self._cache = {last: cache[last]} if self.bounds[last + 1] > stop else {}
        block = parts[0] if len(parts) == 1 else np.concatenate(parts, axis=1)
        return {p: block[j] for j, p in enumerate(self.paths)}


# --------------------------------------------------------------------------
# Statistics


#: Values summed at a time for means and variances (bounds the working memory).
_SUM_BLOCK = 1 << 20


def summarize(x: np.ndarray) -> Summary:
    """Mean, std and P5/P50/P95 of ``x``, whose values it reorders in place.

    The percentiles are numpy's default (linear interpolation between order
    statistics), found with :meth:`numpy.ndarray.partition` on ``x`` itself so
    that no copy is made; the values stay, in another order. Sums run over
    fixed blocks of ``x``. A sample of identical values gives exactly that
    value for every statistic and a standard deviation of 0.
    """
    n = x.size
    shift = float(x[0])
    total = 0.0
    for s in range(0, n, _SUM_BLOCK):
        total += float(np.sum(x[s : s + _SUM_BLOCK] - shift))
    offset = total / n
    mean = shift + offset
    center = shift + offset
    squares = 0.0
    for s in range(0, n, _SUM_BLOCK):
        d = x[s : s + _SUM_BLOCK] - center
        squares += float(np.dot(d, d))
    std = math.sqrt(squares / (n - 1)) if n > 1 else None
    positions = {k: (n - 1) * p for k, p in PERCENTILES.items()}
    kth = sorted({min(int(math.floor(h)) + i, n - 1) for h in positions.values() for i in (0, 1)})
    x.partition(kth)
    out = {}
    for key, h in positions.items():
        lo = int(math.floor(h))
        a = float(x[lo])
        b = float(x[min(lo + 1, n - 1)])
        t = h - lo
        out[key] = a + (b - a) * t if t < 0.5 else b - (b - a) * (1.0 - t)
    return Summary(mean=mean, std=std, **out)


def compare_summary(option, diff) -> ComparisonSummary:
    """Probability that ``diff`` > 0, its standard error, and :func:`summarize` of ``diff``."""
    n = diff.size
    p = float(np.count_nonzero(diff > 0)) / n
    return ComparisonSummary(
        option=option,
        probability_better=p,
        probability_better_se=math.sqrt(p * (1.0 - p) / n),
        difference=summarize(diff),
        draws=n,
    )


# --------------------------------------------------------------------------
# The run


def simulate(
    scenario: Scenario,
    draws: int = DEFAULT_DRAWS,
    seed: int | None = None,
    *,
    chunk_size: int | None = None,
    draws_out: str | None = None,
    progress=None,
    fix_correlations: bool = False,
    metrics=None,
    workers: int | None = None,
) -> SimulationResult:
    """Monte Carlo over the scenario's ``[uncertain]`` inputs.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario with an ``[uncertain]`` table (and optionally
        ``[correlations]``).
    draws : int, optional
        Number of draws N (at least 1).
    seed : int, optional
        Seed of numpy's PCG64 generator (>= 0); None draws a fresh one, which
        the result reports.
    chunk_size : int, optional
        Draws per call of the engine (default :data:`DEFAULT_CHUNK`); it bounds
        memory and does not change any result.
    draws_out : str, optional
        Also write every draw to this CSV file (atomically: a temporary file
        renamed at the end, removed on error or Ctrl-C). Columns: one per
        uncertain path, ``npv.OPTION`` per option, then ``difference.OPTION``,
        ``payback_year.OPTION``, ``breakeven_rate.OPTION`` per non-baseline
        option.
    progress : callable, optional
        Called as ``progress(done, total)`` after each chunk.
    fix_correlations : bool, optional
        Use the nearest valid correlation matrix (with a warning) instead of
        failing when ``[correlations]`` is not positive semi-definite.
    metrics : set of str, optional
        Engine metrics (``"payback"``, ``"breakeven"``); by default both when
        ``draws_out`` is given (they are columns of it), none otherwise (the
        statistics need only NPVs).
    workers : int, optional
        Engine threads (default: the engine's).

    Returns
    -------
    SimulationResult

    Raises
    ------
    ScenarioError
        For an empty or invalid ``[uncertain]`` table, invalid
        ``[correlations]``, or draws that break a rule (a start after an end).
    InputError
        For a bad number of draws or seed, or a ``draws_out`` that cannot be written.

    Examples
    --------
    >>> from landcalc.scenario import load_scenario
    >>> sc = load_scenario("scenarios/songjiang-2016.toml")  # doctest: +SKIP
    >>> res = simulate(sc, 100_000, seed=7)  # doctest: +SKIP
    >>> res.comparisons["hen"].probability_better  # doctest: +SKIP
    """
    draws = _check_count(draws, "draws", minimum=1)
    chunk_size = _check_count(
        DEFAULT_CHUNK if chunk_size is None else chunk_size, "chunk_size", minimum=1
    )
    if seed is None:
        seed = new_seed()
    seed = _check_count(seed, "seed", minimum=0)
    dists = parse_uncertain(scenario)
    if not dists:
        raise ScenarioError(
            "has no [uncertain] inputs to simulate; add for example "
            '"discount.rate" = { dist = "uniform", low = 0.06, high = 0.10 }',
            source=scenario.source,
        )
    correlation = prepare(scenario, dists, fix=fix_correlations)
    warnings = list(correlation.warnings) if correlation else []
    warnings += _set_warnings(scenario, dists)
    if metrics is None:
        metrics = ALL_METRICS if draws_out else frozenset()
    metrics = frozenset(metrics)

    options = list(scenario.options)
    alts = scenario.alternatives
    npv = {o: np.empty(draws) for o in options}
    diff = {o: np.empty(draws) for o in alts}
    several = {o: 0 for o in alts} if "breakeven" in metrics else {}
    sampler = Sampler(dists, correlation, seed, draws, workers=workers)
    origin = f"{scenario.source or 'scenario'} [uncertain]"
    kwargs = {} if workers is None else {"workers": workers}
    chunks = [(s, min(draws, s + chunk_size)) for s in range(0, draws, chunk_size)]

    with contextlib.ExitStack() as stack:
        out = None
        if draws_out is not None:
            out = stack.enter_context(_open_draws_out(draws_out))
            out.write((",".join(draws_out_columns(scenario, dists)) + "\n").encode("utf-8"))
        # the next chunk is drawn on a thread while the engine evaluates this one
        ahead = ThreadPoolExecutor(max_workers=1)
        stack.callback(ahead.shutdown, wait=True, cancel_futures=True)
        pending = ahead.submit(sampler.rows, *chunks[0])
        for i, (start, stop) in enumerate(chunks):
            drawn = pending.result()
            if i + 1 < len(chunks):
                pending = ahead.submit(sampler.rows, *chunks[i + 1])
            values = check_values(scenario, drawn, origin=origin)
            res = evaluate(scenario, values, metrics=metrics, checked=True, **kwargs)
            bad = res.unrepresentable()
            if bad is not None:
                from landcalc.landbook import OVERFLOW_HINT

                j, what, why = bad
                raise InputError(
                    f"{scenario.source or 'scenario'}: draw {start + j + 1:,}: {what} cannot be "
                    f"represented ({why}); {OVERFLOW_HINT}"
                )
            for o in options:
                npv[o][start:stop] = res.npv[o]
            for o in alts:
                diff[o][start:stop] = res.difference[o]
                if several:
                    several[o] += int(np.count_nonzero(res.several_roots[o]))
            if out is not None:
                _write_rows(out, scenario, values, res, alts)
            del res, values, drawn
            if progress is not None:
                progress(stop, draws)
    opt_stats = {o: summarize(npv[o]) for o in options}
    cmp_stats = {o: compare_summary(o, diff[o]) for o in alts}
    for o, count in several.items():
        if count:
            warnings.append(
                f"{o}: in {count:,} of {draws:,} draws the difference with {scenario.baseline} "
                "has several break-even rates; the lowest is reported"
            )
    return SimulationResult(
        scenario=scenario,
        draws=draws,
        seed=seed,
        distributions=dists,
        correlation=correlation,
        options=opt_stats,
        comparisons=cmp_stats,
        npv=npv,
        difference=diff,
        several_roots=several,
        warnings=warnings,
    )


def draws_out_columns(scenario, distributions) -> list[str]:
    """The header of ``--draws-out`` (SPEC section 4)."""
    cols = list(distributions)
    cols += [f"npv.{o}" for o in scenario.options]
    for o in scenario.alternatives:
        cols += [f"difference.{o}", f"payback_year.{o}", f"breakeven_rate.{o}"]
    return cols


#: Rows formatted at a time for --draws-out (bounds the text buffer).
_WRITE_ROWS = 1 << 15


def _write_rows(fh, scenario, values, res, alts):
    from landcalc.columns import csv_rows

    n = res.n
    cols = [np.broadcast_to(v, (n,)) for v in values.values()]
    cols += [res.npv[o] for o in scenario.options]
    nan = np.full(n, np.nan)
    for o in alts:
        cols += [
            res.difference[o],
            res.payback_year.get(o, nan),
            res.breakeven_rate.get(o, nan),
        ]
    for s in range(0, n, _WRITE_ROWS):
        fh.write(csv_rows([c[s : s + _WRITE_ROWS] for c in cols]).encode("utf-8"))


@contextlib.contextmanager
def _open_draws_out(path):
    """The --draws-out file, written atomically (see :func:`landcalc.output.atomic_path`)."""
    from landcalc.output import atomic_path

    with _draws_out_errors(), atomic_path(path) as tmp, open(tmp, "wb") as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


def check_draws_out(path) -> None:
    """Fail early when the --draws-out file cannot be written."""
    from landcalc.output import check_target

    with _draws_out_errors():
        check_target(path)


@contextlib.contextmanager
def _draws_out_errors():
    """Name the option --draws-out in the messages of landcalc.output (which say -o)."""
    try:
        yield
    except InputError as exc:
        text = str(exc)
        if text.startswith("-o "):
            text = "--draws-out " + text[3:]
        raise InputError(text) from None


def _check_count(value, name, minimum):
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise InputError(f"{name} must be a whole number, not {value!r}")
    if value < minimum:
        raise InputError(f"{name} must be at least {minimum}, not {value}")
    return int(value)


def _set_warnings(scenario, dists):
    out = []
    for loc, origin in (scenario.origins or {}).items():
        parts = [p for i, p in enumerate(loc) if not (i == 0 and p == "options") and p != "flows"]
        path = ".".join(parts)
        if path in dists:
            out.append(f"{origin}: {path} is drawn from [uncertain], so the value set is not used")
    return out
