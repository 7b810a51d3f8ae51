"""Rank correlations between uncertain inputs: the ``[correlations]`` table.

::

    [correlations]
    pairs = [["hen.tax.amount", "hen.tax.growth", 0.5]]

Each pair gives the Spearman rank correlation of two inputs of
``[uncertain]``; pairs not given are 0. The correlations are imposed by the
method of Iman and Conover (1982), as @RISK and Crystal Ball do: the
uniform numbers drawn for each input are only *reordered*, so every input
keeps exactly the values it would have had without correlation, and only
their pairing across inputs changes.

Iman-Conover, as done here for a block of m draws of g correlated inputs:

1. Scores: each column of S (m x g) is a random permutation of the van der
   Waerden scores Phi^-1(i / (m + 1)), i = 1..m.
2. Their actual correlation E = F F^T (Cholesky); the target C = P P^T.
   T = S (P F^-1)^T has correlation exactly C.
3. Each input's uniforms are sorted and placed in the rank order of its
   column of T.

The target is a Spearman correlation, which the scores carry over as a
Pearson correlation of normal scores; the Pearson value passed to step 2 is
therefore ``2 sin(pi rho / 6)``, the Pearson correlation of a bivariate
normal whose Spearman correlation is rho, so that the drawn ranks have rank
correlation close to rho.

A matrix of targets that is not positive semi-definite cannot be the
correlation of anything: it is an error naming the smallest set of pairs
that conflict, or, with ``fix=True``, it is replaced by the nearest
correlation matrix (Higham 2002, alternating projections) with a warning
per changed pair.

References
----------
R. L. Iman and W. J. Conover (1982), "A distribution-free approach to
inducing rank correlation among input variables", Communications in
Statistics - Simulation and Computation 11(3): 311-334,
doi:10.1080/03610918208812265.
N. J. Higham (2002), "Computing the nearest correlation matrix - a problem
from finance", IMA Journal of Numerical Analysis 22(3): 329-343,
doi:10.1093/imanum/22.3.329.
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass

import numpy as np

from landcalc.errors import ScenarioError, did_you_mean, format_value

#: Smallest eigenvalue still taken as positive semi-definite.
PSD_TOLERANCE = 1e-10


@dataclass(frozen=True)
class Pair:
    """One rank correlation between two uncertain inputs (canonical paths)."""

    a: str
    b: str
    rho: float

    def describe(self, rho=None) -> str:
        return f"{self.a} ~ {self.b} {format_value(self.rho if rho is None else rho)}"


def parse_correlations(scenario, distributions) -> list[Pair]:
    """The pairs of ``[correlations]``, checked against the uncertain inputs.

    Parameters
    ----------
    scenario : Scenario
    distributions : dict of str to Distribution
        From :func:`landcalc.distributions.parse_uncertain`.

    Returns
    -------
    list of Pair
        In file order; pairs that involve an input of width zero (a constant)
        are dropped, since a constant has no ranks.

    Raises
    ------
    ScenarioError
        For a malformed pair, a path that is not an uncertain input, a pair
        of an input with itself, a pair given twice, or a correlation
        outside [-1, 1].
    """
    table = scenario.correlations
    if not isinstance(table, dict) or "pairs" not in table:
        return []
    raw = table["pairs"]
    line = (scenario.lines or {}).get(("correlations", "pairs"))
    source = scenario.source

    def fail(message, i=None, value=ScenarioError._MISSING, hint=None):
        where = "correlations.pairs" if i is None else f"correlations.pairs, pair {i + 1}"
        raise ScenarioError(message, source=source, path=where, value=value, hint=hint, line=line)

    if not isinstance(raw, list):
        fail('must be a list of [PATH, PATH, RHO], e.g. [["a.b.c", "d.e.f", 0.5]]', value=raw)
    out: list[Pair] = []
    seen = {}
    for i, item in enumerate(raw):
        if not isinstance(item, list) or len(item) != 3:
            fail("must be [PATH, PATH, RHO]", i, value=item)
        a, b, rho = item
        paths = []
        for text in (a, b):
            if not isinstance(text, str):
                fail(f"{format_value(text)} is not a parameter path", i)
            try:
                path = scenario.resolve(text)
            except ScenarioError as exc:
                fail(f"'{text}': {exc.message}", i, hint=exc.hint)
            if path not in distributions:
                hint = did_you_mean(text, distributions)
                fail(
                    f"'{text}' is not in [uncertain]; correlations are between uncertain inputs",
                    i,
                    hint=hint or ("uncertain inputs: " + ", ".join(distributions)),
                )
            paths.append(path)
        if isinstance(rho, bool) or not isinstance(rho, int | float) or not math.isfinite(rho):
            fail(f"the correlation {format_value(rho)} is not a finite number", i)
        if not -1.0 <= rho <= 1.0:
            fail(f"the correlation {format_value(rho)} must be between -1 and 1", i)
        if paths[0] == paths[1]:
            fail(f"correlates {paths[0]} with itself", i)
        key = frozenset(paths)
        if key in seen:
            fail(f"{paths[0]} ~ {paths[1]} is already given by pair {seen[key] + 1}", i)
        seen[key] = i
        if any(distributions[p].constant is not None for p in paths):
            continue
        out.append(Pair(paths[0], paths[1], float(rho)))
    return out


def target_matrix(names, pairs) -> np.ndarray:
    """The g x g Spearman matrix of ``names`` (unit diagonal, 0 where no pair is given)."""
    index = {n: i for i, n in enumerate(names)}
    c = np.eye(len(names))
    for p in pairs:
        i, j = index[p.a], index[p.b]
        c[i, j] = c[j, i] = p.rho
    return c


def is_psd(c, tol=PSD_TOLERANCE) -> bool:
    """True when the symmetric matrix ``c`` has no eigenvalue below ``-tol``."""
    return bool(np.linalg.eigvalsh(c).min() >= -tol)


def conflicting_pairs(names, pairs) -> list[Pair]:
    """The given pairs among the smallest set of inputs whose matrix is not PSD.

    Every 2 x 2 correlation matrix is valid, so the search starts with
    triples. With more than 10 inputs it falls back to the inputs that weigh
    in the eigenvector of the most negative eigenvalue.
    """
    c = target_matrix(names, pairs)
    g = len(names)
    if g <= 10:
        for size in range(3, g + 1):
            for subset in itertools.combinations(range(g), size):
                sub = c[np.ix_(subset, subset)]
                if not is_psd(sub):
                    chosen = {names[i] for i in subset}
                    return [p for p in pairs if p.a in chosen and p.b in chosen]
    w, v = np.linalg.eigh(c)
    vec = np.abs(v[:, 0])
    chosen = {names[i] for i in np.nonzero(vec > 0.1 * vec.max())[0]}
    return [p for p in pairs if p.a in chosen and p.b in chosen]


def nearest_correlation(a, *, tol=1e-12, max_iter=1000) -> np.ndarray:
    """The nearest correlation matrix to the symmetric ``a`` (Frobenius norm).

    Higham's alternating projections with Dykstra's correction: onto the
    positive semi-definite matrices, then onto the matrices with unit
    diagonal, until neither moves.
    """
    y = np.array(a, dtype=float)
    ds = np.zeros_like(y)
    for _ in range(max_iter):
        r = y - ds
        w, v = np.linalg.eigh(r)
        x = (v * np.maximum(w, 0.0)) @ v.T
        x = 0.5 * (x + x.T)
        ds = x - r
        y_new = x.copy()
        np.fill_diagonal(y_new, 1.0)
        done = np.linalg.norm(y_new - y) <= tol * max(1.0, np.linalg.norm(y))
        y = y_new
        if done and is_psd(y, tol=1e-12):
            break
    return y


@dataclass
class Correlation:
    """The rank correlations of one simulation, ready for :class:`ImanConover`.

    Attributes
    ----------
    names : list of str
        The correlated inputs (each in at least one pair), in ``[uncertain]`` order.
    pairs : list of Pair
        The pairs as given.
    spearman : ndarray
        The Spearman matrix used (the given one, or its nearest valid matrix).
    warnings : list of str
    """

    names: list
    pairs: list
    spearman: np.ndarray
    warnings: list

    @property
    def used_pairs(self) -> list[Pair]:
        """Each given pair with the correlation actually imposed."""
        index = {n: i for i, n in enumerate(self.names)}
        return [Pair(p.a, p.b, float(self.spearman[index[p.a], index[p.b]])) for p in self.pairs]


def prepare(scenario, distributions, *, fix=False) -> Correlation | None:
    """Parse ``[correlations]`` and check its matrix; None when nothing is correlated.

    Raises ScenarioError when the matrix is not positive semi-definite and
    ``fix`` is False, naming the pairs that conflict.
    """
    pairs = parse_correlations(scenario, distributions)
    if not pairs:
        return None
    involved = {p.a for p in pairs} | {p.b for p in pairs}
    names = [n for n in distributions if n in involved]
    c = target_matrix(names, pairs)
    warnings = []
    if not is_psd(c):
        conflict = conflicting_pairs(names, pairs)
        listed = "; ".join(p.describe() for p in conflict)
        if not fix:
            raise ScenarioError(
                f"these correlations cannot hold together (the matrix is not positive "
                f"semi-definite): {listed}; change them or run with --fix-correlations",
                source=scenario.source,
                path="correlations.pairs",
                line=(scenario.lines or {}).get(("correlations", "pairs")),
            )
        c = nearest_correlation(c)
        index = {n: i for i, n in enumerate(names)}
        changed = [
            f"{p.a} ~ {p.b} {p.rho:g} -> {c[index[p.a], index[p.b]]:.4f}"
            for p in pairs
            if abs(c[index[p.a], index[p.b]] - p.rho) > 5e-5
        ]
        warnings.append(
            "correlations: the given pairs cannot hold together (" + listed + "); used the "
            "nearest valid matrix: " + ", ".join(changed)
        )
    return Correlation(names=names, pairs=pairs, spearman=c, warnings=warnings)


# --------------------------------------------------------------------------
# Iman-Conover


def _cholesky(a, tol=1e-12):
    """Lower-triangular L with L L^T = a for a small positive semi-definite matrix.

    Pure Python, so that the result is the same on every machine. A pivot
    within ``tol`` of zero (a semi-definite matrix) gives a zero column.
    Returns None when ``a`` is not positive semi-definite.
    """
    n = len(a)
    low = [[0.0] * n for _ in range(n)]
    for j in range(n):
        d = a[j][j] - math.fsum(low[j][k] ** 2 for k in range(j))
        if d < -tol:
            return None
        if d <= tol:
            for i in range(j + 1, n):
                rest = a[i][j] - math.fsum(low[i][k] * low[j][k] for k in range(j))
                if abs(rest) > 1e-6:
                    return None
            continue
        low[j][j] = math.sqrt(d)
        for i in range(j + 1, n):
            rest = a[i][j] - math.fsum(low[i][k] * low[j][k] for k in range(j))
            low[i][j] = rest / low[j][j]
    return low


def _inverse_lower(low):
    n = len(low)
    inv = [[0.0] * n for _ in range(n)]
    for i in range(n):
        inv[i][i] = 1.0 / low[i][i]
        for j in range(i):
            inv[i][j] = -math.fsum(low[i][k] * inv[k][j] for k in range(j, i)) / low[i][i]
    return inv


@functools.lru_cache(maxsize=8)
def van_der_waerden(m: int) -> np.ndarray:
    """The m scores Phi^-1(i / (m + 1)), i = 1..m, in increasing order (read-only)."""
    from landcalc.distributions import norm_ppf

    i = np.arange(1, m + 1, dtype=float)
    z = norm_ppf(i / (m + 1))
    z.setflags(write=False)
    return z


class ImanConover:
    """Reorders blocks of uniform numbers so that their ranks carry a target correlation.

    Parameters
    ----------
    spearman : ndarray
        The g x g target rank-correlation matrix (positive semi-definite).
    """

    def __init__(self, spearman):
        c = np.asarray(spearman, dtype=float)
        pearson = 2.0 * np.sin(np.pi * c / 6.0)
        np.fill_diagonal(pearson, 1.0)
        factor = _cholesky(pearson.tolist())
        if factor is None:  # rare: the conversion left the PSD cone
            factor = _cholesky(nearest_correlation(pearson).tolist(), tol=1e-9)
        self.g = c.shape[0]
        self.factor = factor

    def arrange(self, u, rng: np.random.Generator) -> np.ndarray:
        """Reorder each row of ``u`` (g x m uniform numbers) in place; returns ``u``.

        Each row keeps exactly its own values. Blocks of fewer than three
        draws are left as they are.
        """
        g, m = u.shape
        if m < 3 or g < 2:
            return u
        z = van_der_waerden(m)
        perms = [rng.permutation(m) for _ in range(g)]
        scores = [z[p] for p in perms]
        norm = float(np.dot(z, z))
        e = [[float(np.dot(scores[i], scores[j])) / norm for j in range(g)] for i in range(g)]
        f = _cholesky(e)
        if f is None or any(f[i][i] <= 0 for i in range(g)):
            return u
        f_inv = _inverse_lower(f)
        p = self.factor
        # M = P F^-1 (both lower triangular): T_j = sum_{i <= j} M[j][i] S_i
        mix = [
            [math.fsum(p[j][k] * f_inv[k][i] for k in range(i, j + 1)) for i in range(g)]
            for j in range(g)
        ]
        # first input: T_0 is a positive multiple of S_0, whose ranks are perms[0]
        sorted_row = np.sort(u[0])
        u[0] = sorted_row[perms[0]]
        for j in range(1, g):
            t = mix[j][0] * scores[0]
            for i in range(1, j + 1):
                if mix[j][i] != 0.0:
                    t = t + mix[j][i] * scores[i]
            order = np.argsort(t)
            sorted_row = np.sort(u[j])
            u[j, order] = sorted_row
        return u


def spearman(x, y) -> float:
    """Spearman rank correlation of two samples (average ranks for ties)."""
    rx, ry = _ranks(np.asarray(x, dtype=float)), _ranks(np.asarray(y, dtype=float))
    rx -= rx.mean()
    ry -= ry.mean()
    return float(np.dot(rx, ry) / math.sqrt(np.dot(rx, rx) * np.dot(ry, ry)))


def _ranks(a):
    order = np.argsort(a, kind="stable")
    s = a[order]
    # average rank within runs of ties
    edges = np.concatenate([[True], s[1:] != s[:-1], [True]])
    starts = np.nonzero(edges)[0]
    avg = 0.5 * (starts[:-1] + starts[1:] - 1)
    run = np.repeat(avg, np.diff(starts))
    ranks = np.empty(a.size)
    ranks[order] = run
    return ranks
