"""Distributions of uncertain inputs: the ``[uncertain]`` table of SPEC section 4.

Every entry of ``[uncertain]`` names a parameter path and a distribution::

    [uncertain]
    "hen.tax.amount" = { dist = "pert", low = 255_000, mode = 500_000, high = 1_300_000 }
    "discount.rate"  = { dist = "uniform", low = 0.06, high = 0.10 }

:func:`parse_uncertain` turns the table into one :class:`Distribution` per
canonical path, with the errors of SPEC section 5. Each distribution has a
vectorised quantile function :meth:`Distribution.ppf`; sampling maps uniform
numbers through it (inverse-CDF sampling), which is also how truncation
works and what lets :mod:`landcalc.correlate` impose rank correlations
without changing any input's distribution.

Distributions (parameters are those of the value itself):

========== ============================ =========================================
``dist``   parameters                   notes
========== ============================ =========================================
uniform    low, high                    low <= high
triangular low, mode, high              low <= mode <= high
pert       low, mode, high              beta-PERT, lambda = 4
normal     mean, sd [, low, high]       truncated to [low, high] when given
lognormal  mean, sd [, low, high]       mean > 0; the mean and sd of the value
choice     values [, weights]           weights >= 0 (equal by default)
========== ============================ =========================================

A distribution of width zero (uniform or triangular or pert with
low = high, normal or lognormal with sd = 0, a choice of one value) is a
constant: every draw is exactly that number.

Numerics without scipy: the standard normal quantile and the beta quantile
(for PERT) are solved by a safeguarded Newton iteration on the logarithm of
the CDF, with ``erfc`` (a power series below 1.5 and a continued fraction
above) and the regularised incomplete beta function (its continued fraction)
written here in numpy. Large arrays first interpolate a table of exact
quantiles (quintic Hermite in the logit of the probability, where the
quantile function is smooth) and solve exactly only where the table is not
accurate to about 1e-15; both routes agree to within a few units in the last
place.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from landcalc.errors import ScenarioError, did_you_mean, format_value
from landcalc.scenario import _type_name

#: Distribution names and their parameters: (required, optional).
DISTRIBUTIONS = {
    "uniform": (("low", "high"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "pert": (("low", "mode", "high"), ()),
    "normal": (("mean", "sd"), ("low", "high")),
    "lognormal": (("mean", "sd"), ("low", "high")),
    "choice": (("values",), ("weights",)),
}

#: The PERT shape parameter (weight of the mode).
PERT_LAMBDA = 4.0

_SQRT2 = math.sqrt(2.0)
_SQRTPI = math.sqrt(math.pi)
_LOG_SQRT2PI = 0.5 * math.log(2.0 * math.pi)
#: The smallest uniform number used in sampling (``Generator.random`` can return 0).
U_MIN = 2.0**-54


# --------------------------------------------------------------------------
# Special functions (vectorised)


def erfc(z):
    """The complementary error function, elementwise, to about 1e-15 relative.

    Below 1.5 it is ``1 - erf(z)`` with erf from its series of positive terms,
    ``erf(z) = 2/sqrt(pi) exp(-z^2) sum_n 2^n z^(2n+1) / (1*3*...*(2n+1))``;
    from 1.5 on, the continued fraction
    ``sqrt(pi) exp(z^2) erfc(z) = 2z / (2z^2+1 - 1*2 / (2z^2+5 - 3*4 / (2z^2+9 - ...)))``,
    which keeps full relative accuracy deep in the tail. Negative arguments
    use ``erfc(-z) = 2 - erfc(z)``.

    >>> float(erfc(0.0)), round(float(erfc(1.0)), 15)
    (1.0, 0.157299207050285)
    """
    z = np.asarray(z, dtype=float)
    a = np.abs(z)
    out = np.empty_like(a)
    with np.errstate(all="ignore"):
        small = a < 1.5
        if small.any():
            x = a[small]
            out[small] = 1.0 - _erf_series(x)
        big = ~small & ~np.isnan(a)
        if big.any():
            out[big] = _erfc_fraction(a[big])
        out[np.isnan(a)] = np.nan
        neg = z < 0
        out[neg] = 2.0 - out[neg]
    return out


def _exp_minus_square(x):
    """exp(-x^2) without the rounding error of forming x^2 (x >= 0)."""
    hi = np.round(x * 16.0) / 16.0
    return np.exp(-hi * hi) * np.exp(-(x - hi) * (x + hi))


def _erf_series(x):
    w = 2.0 * x * x
    term = np.ones_like(x)
    total = np.ones_like(x)
    for n in range(40):
        term = term * w / (2 * n + 3)
        total = total + term
    return (2.0 / _SQRTPI) * x * _exp_minus_square(x) * total


def _erfc_fraction(x):
    w = 2.0 * x * x
    depth = 40
    t = w + 4 * depth + 1
    for k in range(depth, 0, -1):
        t = w + (4 * k - 3) - (2 * k - 1) * (2 * k) / t
    return (2.0 / _SQRTPI) * x / t * _exp_minus_square(x)


def norm_cdf(x):
    """Standard normal CDF, elementwise (relative accuracy kept in the lower tail)."""
    return 0.5 * erfc(-np.asarray(x, dtype=float) / _SQRT2)


def _phi_scalar(x):
    """Standard normal CDF of a Python float (math.erfc; exact 0 and 1 at the infinities)."""
    return 0.5 * math.erfc(-x / _SQRT2)


def _pdf_scalar(x):
    if math.isinf(x):
        return 0.0
    return math.exp(-0.5 * x * x - _LOG_SQRT2PI)


def norm_ppf(q):
    """Standard normal quantile, elementwise; -inf at 0, inf at 1, NaN outside [0, 1].

    >>> round(float(norm_ppf(0.975)), 15)
    1.959963984540054
    """
    q = np.asarray(q, dtype=float)
    return _std_quantile(_NORMAL, q, 1.0 - q)


def betainc(x, a, b):
    """The regularised incomplete beta function I_x(a, b), elementwise in x.

    For ``a, b >= 1`` (as in PERT) accurate to about 1e-14 relative in both
    tails: the continued fraction is used for ``I_x(a, b)`` below
    ``(a + 1) / (a + b + 2)`` and for ``I_{1-x}(b, a)`` above.

    >>> round(float(betainc(0.5, 2.0, 2.0)), 14)
    0.5
    """
    return np.exp(_Beta(float(a), float(b)).log_cdf(np.asarray(x, dtype=float)))


# --------------------------------------------------------------------------
# Standard continuous distributions for the quantile machinery


class _Normal:
    """The standard normal distribution."""

    lo, hi = -40.0, 40.0

    def log_cdf(self, x):
        with np.errstate(all="ignore"):
            return np.log(norm_cdf(x))

    def log_sf(self, x):
        return self.log_cdf(-x)

    def log_pdf(self, x):
        return -0.5 * x * x - _LOG_SQRT2PI

    def dlog_pdf(self, x):
        return -x

    def guess(self, u, v):
        """A rough quantile from the tail expansion of the CDF."""
        with np.errstate(all="ignore"):
            p = np.minimum(u, v)
            w = -2.0 * np.log(p)
            x = np.sqrt(np.maximum(w - np.log(np.maximum(w, 1.0)) - 2 * _LOG_SQRT2PI, 0.0))
        return np.where(u < v, -x, x)


class _Beta:
    """The beta distribution on [0, 1] with shapes a, b >= 1 (the PERT core)."""

    lo, hi = 0.0, 1.0
    depth = 24

    def __init__(self, a, b):
        self.a = a
        self.b = b
        self.lbeta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
        self.switch = (a + 1.0) / (a + b + 2.0)

    def _log_lower(self, x, a, b):
        """log I_x(a, b) by its continued fraction (accurate for x below the switch point)."""
        t = np.ones_like(x)
        for j in range(2 * self.depth, 0, -1):
            m = j // 2
            if j % 2:
                d = -(a + m) * (a + b + m) / ((a + 2 * m) * (a + 2 * m + 1))
            else:
                d = m * (b - m) / ((a + 2 * m - 1) * (a + 2 * m))
            t = 1.0 + (d * x) / t
        return a * np.log(x) + b * np.log1p(-x) - self.lbeta - math.log(a) - np.log(t)

    def _both(self, x, lower):
        x = np.asarray(x, dtype=float)
        out = np.empty_like(x)
        with np.errstate(all="ignore"):
            below = x < self.switch
            a, b = self.a, self.b
            if lower:
                out[below] = self._log_lower(x[below], a, b)
                out[~below] = np.log1p(-np.exp(self._log_lower(1.0 - x[~below], b, a)))
            else:
                out[~below] = self._log_lower(1.0 - x[~below], b, a)
                out[below] = np.log1p(-np.exp(self._log_lower(x[below], a, b)))
            out[x <= 0.0] = -np.inf if lower else 0.0
            out[x >= 1.0] = 0.0 if lower else -np.inf
        return out

    def log_cdf(self, x):
        return self._both(x, True)

    def log_sf(self, x):
        return self._both(x, False)

    def log_pdf(self, x):
        with np.errstate(all="ignore"):
            return (self.a - 1.0) * np.log(x) + (self.b - 1.0) * np.log1p(-x) - self.lbeta

    def dlog_pdf(self, x):
        return (self.a - 1.0) / x - (self.b - 1.0) / (1.0 - x)

    def guess(self, u, v):
        """A rough quantile from the leading term of each tail."""
        a, b = self.a, self.b
        with np.errstate(all="ignore"):
            low = np.exp((np.log(u) + math.log(a) + self.lbeta) / a)
            high = 1.0 - np.exp((np.log(v) + math.log(b) + self.lbeta) / b)
        x = np.where(u < v, low, high)
        return np.clip(x, 1e-300, 1.0 - 2.0**-53)


_NORMAL = _Normal()


def _solve(std, u, v, x, lo, hi):
    """Solve F(x) = u (or S(x) = v above the median) by safeguarded Newton steps.

    The residual is g = log F(x) - log u (log S(x) - log v above the median),
    which is concave in x for the log-concave normal and beta (a, b >= 1)
    distributions. Newton steps from the side where g < 0 therefore move
    monotonically to the root; a step from the other side overshoots to the
    g < 0 side, and when it overshoots the bracket [lo, hi] the iteration
    restarts from the bracket's end on that side (where g was already found
    negative), or bisects when that end is still the domain bound.
    ``lo``/``hi`` are narrowed in place.
    """
    lower = u <= v
    target = np.where(lower, np.log(u), np.log(v))
    x = np.where((x > lo) & (x < hi), x, 0.5 * (lo + hi))
    lo_seen = np.zeros(x.size, dtype=bool)
    hi_seen = np.zeros(x.size, dtype=bool)
    active = np.arange(x.size)
    with np.errstate(all="ignore"):
        for _ in range(400):
            if active.size == 0:
                break
            xa = x[active]
            la = lower[active]
            lf = np.empty_like(xa)
            lf[la] = std.log_cdf(xa[la])
            lf[~la] = std.log_sf(xa[~la])
            r = lf - target[active]
            too_big = np.where(la, r > 0, r < 0)
            lo_a, hi_a = lo[active], hi[active]
            hi_a = np.where(too_big, xa, hi_a)
            lo_a = np.where(too_big | (r == 0), lo_a, xa)
            lo[active], hi[active] = lo_a, hi_a
            lo_s = lo_seen[active] | (~too_big & (r != 0))
            hi_s = hi_seen[active] | too_big
            lo_seen[active], hi_seen[active] = lo_s, hi_s
            # d(log F)/dx = f / F, d(log S)/dx = -f / S
            slope = np.exp(std.log_pdf(xa) - lf)
            slope = np.where(la, slope, -slope)
            step = r / slope
            xn = xa - step
            # a Newton step of a few units in the last place: converged (a
            # stricter test would chase rounding noise)
            scale = np.maximum(np.abs(xa), 1e-300)
            done = (r == 0) | (np.abs(step) <= 9e-16 * scale)
            done |= (hi_a - lo_a) <= 4e-16 * np.maximum(np.abs(lo_a), np.abs(hi_a))
            bad = ~((xn > lo_a) & (xn < hi_a))
            # g < 0 lies below the root for F and above it for S
            to_lo = bad & la & lo_s & (xn <= lo_a)
            to_hi = bad & ~la & hi_s & (xn >= hi_a)
            xn = np.where(bad, 0.5 * (lo_a + hi_a), xn)
            xn = np.where(to_lo, lo_a, np.where(to_hi, hi_a, xn))
            x[active] = np.where(done & (bad | (r == 0)), xa, xn)
            active = active[~done]
    return x


# Quantile tables: x(s) at s = logit(u) on a uniform grid, with quintic
# Hermite pieces between the nodes.
_TABLE_K = 4096
_TABLE_S = 38.0
_TABLE_MIN = 2048
_TABLE_TOL = 1e-15


class _Table:
    def __init__(self, std):
        K, S = _TABLE_K, _TABLE_S
        self.h = 2.0 * S / K
        s = -S + self.h * np.arange(K + 1)
        u, v = _expit(s), _expit(-s)
        x = _solve(std, u, v, std.guess(u, v), np.full(K + 1, std.lo), np.full(K + 1, std.hi))
        with np.errstate(all="ignore"):
            d1 = np.exp(np.log(u) + np.log(v) - std.log_pdf(x))
            d2 = d1 * ((v - u) - std.dlog_pdf(x) * d1)
        h = self.h
        y0, y1 = x[:-1], x[1:]
        p0, p1 = h * d1[:-1], h * d1[1:]
        q0, q1 = h * h * d2[:-1], h * h * d2[1:]
        A = y1 - y0 - p0 - 0.5 * q0
        B = p1 - p0 - q0
        C = q1 - q0
        # x(s_k + t h) = c0 + c1 t + ... + c5 t^5 on piece k (quintic Hermite)
        self.coef = (
            y0.copy(),
            p0.copy(),
            0.5 * q0,
            10.0 * A - 4.0 * B + 0.5 * C,
            -15.0 * A + 7.0 * B - C,
            6.0 * A - 3.0 * B + 0.5 * C,
        )
        self.nodes = x
        # check each piece at its midpoint against the exact quantile
        sm = s[:-1] + 0.5 * h
        um, vm = _expit(sm), _expit(-sm)
        approx = self._horner(np.arange(K), np.full(K, 0.5))
        exact = _solve(std, um, vm, approx.copy(), y0.copy(), y1.copy())
        tol = _TABLE_TOL * np.maximum(np.abs(exact), 1.0)
        self.inexact = ~(np.abs(approx - exact) <= tol)
        self.inexact[0] = self.inexact[-1] = True

    def _horner(self, k, t):
        c = self.coef
        x = c[5].take(k)
        for j in (4, 3, 2, 1, 0):
            x *= t
            x += c[j].take(k)
        return x

    def lookup(self, u, v):
        """(x, k, needs_solving): the interpolated quantile and its piece."""
        with np.errstate(all="ignore"):
            p = np.log(u / v)
        p *= 1.0 / self.h
        p += _TABLE_S / self.h
        outside = ~((p >= 0) & (p < _TABLE_K))
        k = p.astype(np.intp)
        np.clip(k, 0, _TABLE_K - 1, out=k)
        p -= k
        x = self._horner(k, p)
        solve = self.inexact.take(k)
        solve |= outside
        return x, k, solve


def _expit(s):
    return 1.0 / (1.0 + np.exp(-s))


@functools.lru_cache(maxsize=64)
def _table(key):
    std = _NORMAL if key == "normal" else _Beta(*key)
    return _Table(std)


def _std_quantile(std, u, v, key=None):
    """Quantile of a standard distribution at probabilities u, with v = 1 - u given accurately.

    u = 0 gives the lower end of the domain and v = 0 the upper end (the
    normal's are infinite); NaN outside [0, 1].
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    if u.size and u.shape == v.shape and u.min() > 0 and v.min() > 0:
        return _interior_quantile(std, u.ravel(), v.ravel(), key).reshape(u.shape)
    shape = np.broadcast_shapes(u.shape, v.shape)
    u = np.broadcast_to(u, shape).ravel()
    v = np.broadcast_to(v, shape).ravel()
    out = np.full(u.shape, np.nan)
    normal = std is _NORMAL
    out[(u == 0) & (v >= 0)] = -np.inf if normal else std.lo
    out[(v == 0) & (u >= 0)] = np.inf if normal else std.hi
    idx = np.nonzero((u > 0) & (v > 0))[0]
    if idx.size:
        out[idx] = _interior_quantile(std, u[idx], v[idx], key)
    return out.reshape(shape)


def _interior_quantile(std, u, v, key):
    """Quantiles at 0 < u < 1 (1-d arrays)."""
    n = u.size
    if n < _TABLE_MIN:
        return _solve(std, u, v, std.guess(u, v), np.full(n, std.lo), np.full(n, std.hi))
    table = _table("normal" if std is _NORMAL else key)
    x, k, solve = table.lookup(u, v)
    if solve.any():
        j = np.nonzero(solve)[0]
        kj = k[j]
        uj, vj = u[j], v[j]
        far = _far_from_grid(uj, vj)
        lo = np.where(far, std.lo, table.nodes[kj])
        hi = np.where(far, std.hi, table.nodes[kj + 1])
        guess = np.where(far, std.guess(uj, vj), x[j])
        x[j] = _solve(std, uj, vj, guess, lo, hi)
    return x


def _far_from_grid(u, v):
    with np.errstate(all="ignore"):
        s = np.log(u) - np.log(v)
    return ~(np.abs(s) < _TABLE_S)


# --------------------------------------------------------------------------
# Distributions


@dataclass(frozen=True, kw_only=True)
class Distribution:
    """One uncertain input: a distribution over the values of one parameter path.

    Attributes
    ----------
    path : str
        The canonical parameter path (``hen.tax.amount``).
    whole : bool
        Whole-year path: every value is rounded to the nearest integer
        (halves to even, as :func:`numpy.round`).
    """

    path: str = ""
    whole: bool = False
    name = "distribution"

    # interface ------------------------------------------------------------
    def ppf(self, q) -> np.ndarray:
        """The quantile function, elementwise: the value at cumulative probability ``q``.

        ``q`` = 0 and 1 give the ends of the support (possibly infinite);
        NaN outside [0, 1]. Whole-year paths are rounded.
        """
        q = np.asarray(q, dtype=float)
        with np.errstate(invalid="ignore"):
            bad = ~((q >= 0) & (q <= 1))
        if bad.any():
            q = np.where(bad, np.nan, q)
        return self._finish(self._ppf(q, 1.0 - q))

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """``n`` independent draws, by inverse-CDF sampling of ``rng.random(n)``."""
        return self.draw(uniforms(rng, n))

    def draw(self, u) -> np.ndarray:
        """The values at uniform numbers ``u``, all strictly between 0 and 1.

        The same as :meth:`ppf` without its checks of ``u`` (for sampling).
        """
        u = np.asarray(u, dtype=float)
        return self._finish(self._ppf(u, 1.0 - u))

    def tornado_range(self) -> tuple[float, float]:
        """(low, high) for a tornado chart: the P10 and P90 (a uniform's bounds)."""
        lo, hi = self.ppf(np.array([0.1, 0.9]))
        return float(lo), float(hi)

    def mean(self) -> float | None:
        """The mean, where a closed form exists (None once rounded to whole years)."""
        if self.whole and self.constant is None:
            return None
        return self._mean()

    def var(self) -> float | None:
        """The variance, where a closed form exists (None once rounded to whole years)."""
        if self.whole and self.constant is None:
            return None
        return self._var()

    @property
    def support(self) -> tuple[float, float]:
        """The smallest and largest values a draw can take (after rounding)."""
        lo, hi = self._support()
        if self.whole:
            lo, hi = float(np.round(lo)), float(np.round(hi))
        return lo, hi

    @property
    def constant(self) -> float | None:
        """The value of a distribution of width zero, else None."""
        return None

    def describe(self) -> str:
        """``pert(low=255,000, mode=500,000, high=1,300,000)``."""
        parts = [f"{k}={_num(v)}" for k, v in self._params().items()]
        return f"{self.name}({', '.join(parts)})"

    # for subclasses ---------------------------------------------------------
    def _finish(self, x):
        lo, hi = self._support()
        with np.errstate(invalid="ignore"):
            x = np.clip(x, lo, hi) if (np.isfinite(lo) or np.isfinite(hi)) else x
            if self.whole:
                x = np.round(x)
        return x


def _num(x):
    if isinstance(x, list | tuple):
        return "[" + ", ".join(_num(v) for v in x) + "]"
    x = float(x)
    if x.is_integer() and abs(x) >= 1e4 and abs(x) < 1e16:
        return f"{x:,.0f}"
    return f"{x:.6g}"


@dataclass(frozen=True)
class Uniform(Distribution):
    """uniform(low, high): every value in [low, high] equally likely."""

    low: float
    high: float
    name = "uniform"

    def _ppf(self, u, v):
        w = self.high - self.low
        if w == 0:
            return np.where(np.isnan(u), np.nan, self.low)
        return np.where(u <= 0.5, self.low + u * w, self.high - v * w)

    def _support(self):
        return self.low, self.high

    def _params(self):
        return {"low": self.low, "high": self.high}

    def _mean(self):
        return 0.5 * (self.low + self.high)

    def _var(self):
        return (self.high - self.low) ** 2 / 12.0

    @property
    def constant(self):
        return self.low if self.low == self.high else None

    def tornado_range(self):
        lo, hi = self.support
        return float(lo), float(hi)


@dataclass(frozen=True)
class Triangular(Distribution):
    """triangular(low, mode, high)."""

    low: float
    mode: float
    high: float
    name = "triangular"

    def _ppf(self, u, v):
        a, c, b = self.low, self.mode, self.high
        w = b - a
        if w == 0:
            return np.where(np.isnan(u), np.nan, a)
        fc = (c - a) / w
        with np.errstate(invalid="ignore"):
            left = a + np.sqrt(u * w * (c - a))
            right = b - np.sqrt(v * w * (b - c))
        return np.where(u <= fc, left, right)

    def _support(self):
        return self.low, self.high

    def _params(self):
        return {"low": self.low, "mode": self.mode, "high": self.high}

    def _mean(self):
        return (self.low + self.mode + self.high) / 3.0

    def _var(self):
        a, c, b = self.low, self.mode, self.high
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18.0

    @property
    def constant(self):
        return self.low if self.low == self.high else None


@dataclass(frozen=True)
class Pert(Distribution):
    """pert(low, mode, high): low + (high - low) * Beta(alpha, beta), lambda = 4.

    alpha = 1 + 4 (mode - low) / (high - low), beta = 1 + 4 (high - mode) / (high - low);
    the mean is (low + 4 mode + high) / 6.
    """

    low: float
    mode: float
    high: float
    name = "pert"

    @property
    def shapes(self) -> tuple[float, float]:
        w = self.high - self.low
        a = 1.0 + PERT_LAMBDA * (self.mode - self.low) / w
        b = 1.0 + PERT_LAMBDA * (self.high - self.mode) / w
        return a, b

    def _ppf(self, u, v):
        w = self.high - self.low
        if w == 0:
            return np.where(np.isnan(u), np.nan, self.low)
        a, b = self.shapes
        x = _std_quantile(_Beta(a, b), u, v, key=(a, b))
        return self.low + w * x

    def _support(self):
        return self.low, self.high

    def _params(self):
        return {"low": self.low, "mode": self.mode, "high": self.high}

    def _mean(self):
        return (self.low + PERT_LAMBDA * self.mode + self.high) / (PERT_LAMBDA + 2.0)

    def _var(self):
        m = self._mean()
        return (m - self.low) * (self.high - m) / (PERT_LAMBDA + 3.0)

    @property
    def constant(self):
        return self.low if self.low == self.high else None


@dataclass(frozen=True)
class _Truncatable(Distribution):
    mean_: float
    sd: float
    low: float | None = None
    high: float | None = None

    # the standard-normal bounds of the truncation
    def _bounds(self):
        raise NotImplementedError

    def _z(self, u, v):
        """Standard normal quantiles of the truncated distribution at u."""
        alpha, beta = self._bounds()
        flip = alpha > 0
        if flip:
            alpha, beta = -beta, -alpha
            u, v = v, u
        fa = _phi_scalar(alpha)
        sb = _phi_scalar(-beta)
        mass = (_phi_scalar(beta) - fa) if beta <= 0 else (1.0 - fa - sb)
        uu = fa + u * mass
        vv = sb + v * mass
        z = _std_quantile(_NORMAL, uu, vv)
        z = np.clip(z, alpha, beta)
        return -z if flip else z

    def mass(self) -> float:
        """Probability of the untruncated distribution inside [low, high]."""
        return _mass(*self._bounds())

    def _params(self):
        out = {"mean": self.mean_, "sd": self.sd}
        if self.low is not None:
            out["low"] = self.low
        if self.high is not None:
            out["high"] = self.high
        return out


@dataclass(frozen=True)
class Normal(_Truncatable):
    """normal(mean, sd), optionally truncated to [low, high]."""

    name = "normal"

    def _bounds(self):
        lo = -math.inf if self.low is None else (self.low - self.mean_) / self.sd
        hi = math.inf if self.high is None else (self.high - self.mean_) / self.sd
        return lo, hi

    @property
    def constant(self):
        if self.sd == 0:
            return self.mean_
        if self.low is not None and self.low == self.high:
            return self.low
        return None

    def _ppf(self, u, v):
        c = self.constant
        if c is not None:
            return np.where(np.isnan(u), np.nan, c)
        return self.mean_ + self.sd * self._z(u, v)

    def _support(self):
        c = self.constant
        if c is not None:
            return c, c
        lo = -math.inf if self.low is None else self.low
        hi = math.inf if self.high is None else self.high
        return lo, hi

    def _mean(self):
        c = self.constant
        if c is not None:
            return c
        a, b = self._bounds()
        z = self.mass()
        return self.mean_ + self.sd * (_pdf_scalar(a) - _pdf_scalar(b)) / z

    def _var(self):
        if self.constant is not None:
            return 0.0
        a, b = self._bounds()
        z = self.mass()
        pa, pb = _pdf_scalar(a), _pdf_scalar(b)
        ta = 0.0 if math.isinf(a) else a * pa
        tb = 0.0 if math.isinf(b) else b * pb
        d = (pa - pb) / z
        return self.sd**2 * (1.0 + (ta - tb) / z - d * d)


@dataclass(frozen=True)
class Lognormal(_Truncatable):
    """lognormal(mean, sd) of the value itself, optionally truncated to [low, high].

    log(X) is normal with sigma^2 = log(1 + (sd / mean)^2) and
    mu = log(mean) - sigma^2 / 2.
    """

    name = "lognormal"

    @property
    def log_params(self) -> tuple[float, float]:
        s2 = math.log1p((self.sd / self.mean_) ** 2)
        return math.log(self.mean_) - 0.5 * s2, math.sqrt(s2)

    def _bounds(self):
        mu, sigma = self.log_params
        lo = -math.inf if (self.low is None or self.low <= 0) else (math.log(self.low) - mu) / sigma
        hi = math.inf if self.high is None else (math.log(self.high) - mu) / sigma
        return lo, hi

    @property
    def constant(self):
        if self.sd == 0:
            return self.mean_
        if self.low is not None and self.low == self.high:
            return self.low
        return None

    def _ppf(self, u, v):
        c = self.constant
        if c is not None:
            return np.where(np.isnan(u), np.nan, c)
        mu, sigma = self.log_params
        return np.exp(mu + sigma * self._z(u, v))

    def _support(self):
        c = self.constant
        if c is not None:
            return c, c
        lo = 0.0 if self.low is None else max(self.low, 0.0)
        hi = math.inf if self.high is None else self.high
        return lo, hi

    def _partial(self, k):
        """E[X^k; low < X < high] / P(low < X < high)."""
        mu, sigma = self.log_params
        a, b = self._bounds()
        shift = k * sigma
        num = _mass(a - shift, b - shift)
        return math.exp(k * mu + 0.5 * k * k * sigma * sigma) * num / _mass(a, b)

    def _mean(self):
        if self.constant is not None:
            return self.constant
        if self.low is None and self.high is None:
            return self.mean_
        return self._partial(1)

    def _var(self):
        if self.constant is not None:
            return 0.0
        if self.low is None and self.high is None:
            return self.sd**2
        m = self._partial(1)
        return self._partial(2) - m * m


def _mass(a, b):
    """P(a < Z < b) for a standard normal Z, accurate in either tail."""
    if a > 0:
        return _phi_scalar(-a) - _phi_scalar(-b)
    return _phi_scalar(b) - _phi_scalar(a)


@dataclass(frozen=True)
class Choice(Distribution):
    """choice(values, weights): one of the values, with probability proportional to its weight.

    Values are kept in increasing order (so that the quantile function
    rises); values of weight zero are never drawn.
    """

    values: tuple
    weights: tuple
    name = "choice"
    _cum: tuple = field(default=(), repr=False, compare=False)

    def __post_init__(self):
        pairs = sorted((v, w) for v, w in zip(self.values, self.weights, strict=True) if w > 0)
        total = math.fsum(w for _, w in pairs)
        cum, run = [], 0.0
        for _, w in pairs:
            run += w
            cum.append(run / total)
        cum[-1] = 1.0
        object.__setattr__(self, "_cum", (tuple(v for v, _ in pairs), tuple(cum)))

    def _ppf(self, u, v):
        vals, cum = self._cum
        vals = np.asarray(vals, dtype=float)
        cum = np.asarray(cum)
        idx = np.searchsorted(cum, np.where(np.isnan(u), 0.0, u), side="left")
        out = vals[np.minimum(idx, vals.size - 1)]
        return np.where(np.isnan(u) | (u < 0) | (u > 1), np.nan, out)

    def _support(self):
        vals, _ = self._cum
        return vals[0], vals[-1]

    def _params(self):
        return {"values": list(self.values), "weights": list(self.weights)}

    def _probabilities(self):
        vals, cum = self._cum
        probs = np.diff(np.concatenate([[0.0], cum]))
        return np.asarray(vals, dtype=float), probs

    def _mean(self):
        vals, p = self._probabilities()
        return float(np.dot(p, vals))

    def _var(self):
        vals, p = self._probabilities()
        m = np.dot(p, vals)
        return float(np.dot(p, (vals - m) ** 2))

    def mean(self):
        return self._mean()

    def var(self):
        return self._var()

    @property
    def constant(self):
        vals, _ = self._cum
        return vals[0] if len(set(vals)) == 1 else None


def uniforms(rng: np.random.Generator, n) -> np.ndarray:
    """``n`` uniform numbers in (0, 1) from ``rng.random`` (a drawn 0 becomes 2^-54)."""
    u = rng.random(n)
    np.maximum(u, U_MIN, out=u)
    return u


# --------------------------------------------------------------------------
# Parsing the [uncertain] table


def check_uncertain(scenario) -> None:
    """Check ``[uncertain]`` and ``[correlations]`` when a scenario is loaded.

    Everything that does not depend on the file's other values: each
    distribution, its range against the path's rule, and the form of each
    correlation pair. Whether an uncertain start can come after its flow's
    end, and whether the correlations can hold together, are checked when
    the inputs are drawn (``simulate``, ``tornado``).
    """
    from landcalc.correlate import parse_correlations

    parse_correlations(scenario, parse_uncertain(scenario, cross_checks=False))


def parse_uncertain(scenario, *, cross_checks=True) -> dict[str, Distribution]:
    """The distributions of a scenario's ``[uncertain]`` table, by canonical path.

    Parameters
    ----------
    scenario : Scenario
        A loaded scenario; ``scenario.uncertain`` is the raw table.

    Returns
    -------
    dict of str to Distribution
        In file order. Whole-year paths (``start``, ``end``, ``year``,
        ``ramp``, ``horizon``) are rounded when drawn.

    Raises
    ------
    ScenarioError
        For an unknown distribution (with a "did you mean"), a missing or
        unknown parameter, a wrong type, low above high, a negative sd, a mode
        outside the bounds, weights that do not add up to a positive number,
        or a distribution that can draw values outside the path's valid
        range; with ``cross_checks``, also an uncertain ``start`` that can
        come after its flow's ``end``. Messages name ``uncertain.PATH``, the
        file and the TOML line.
    """
    out: dict[str, Distribution] = {}
    table = scenario.uncertain
    if not isinstance(table, dict):
        return out
    for key, spec in table.items():
        ctx = _Context(scenario, key)
        try:
            path = scenario.resolve(key)
        except ScenarioError as exc:
            raise ctx.error(exc.message, hint=exc.hint) from None
        if path in out:
            raise ctx.error(f"gives {path} a second time")
        if not isinstance(spec, dict):
            raise ctx.error(
                'must be a table such as {dist = "uniform", low = 0, high = 1}', value=spec
            )
        dist = _build(ctx, path, spec, scenario.is_whole(path))
        _check_range(ctx, scenario, path, dist)
        out[path] = dist
    if cross_checks:
        _check_start_end(scenario, out)
    return out


class _Context:
    """Where an [uncertain] entry stands, for error messages."""

    def __init__(self, scenario, key):
        self.scenario = scenario
        self.key = key

    def line(self, *sub):
        lines = self.scenario.lines or {}
        loc = ("uncertain", self.key, *sub)
        while loc:
            if loc in lines:
                return lines[loc]
            loc = loc[:-1]
        return None

    def error(self, message, *, param=None, value=ScenarioError._MISSING, hint=None):
        path = f"uncertain.{self.key}" + (f".{param}" if param else "")
        sub = (param,) if param else ()
        return ScenarioError(
            message,
            source=self.scenario.source,
            path=path,
            value=value,
            hint=hint,
            line=self.line(*sub),
        )


def _number(ctx, spec, key):
    value = spec[key]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ctx.error(f"must be a number, not {_type_name(value)}", param=key, value=value)
    if not math.isfinite(value):
        raise ctx.error("must be a finite number", param=key, value=value)
    return float(value)


def _build(ctx, path, spec, whole) -> Distribution:
    if "dist" not in spec:
        raise ctx.error("missing key 'dist'; give one of " + ", ".join(DISTRIBUTIONS))
    name = spec["dist"]
    if not isinstance(name, str):
        raise ctx.error(f"must be a string, not {_type_name(name)}", param="dist", value=name)
    if name not in DISTRIBUTIONS:
        hint = did_you_mean(name, DISTRIBUTIONS) or ("known: " + ", ".join(DISTRIBUTIONS))
        raise ctx.error("unknown distribution", param="dist", value=name, hint=hint)
    required, optional = DISTRIBUTIONS[name]
    allowed = ("dist", *required, *optional)
    for key in spec:
        if key not in allowed:
            hint = did_you_mean(key, allowed) or ("allowed: " + ", ".join(allowed[1:]))
            raise ctx.error(f"unknown parameter of a {name} distribution", param=key, hint=hint)
    for key in required:
        if key not in spec:
            need = ", ".join(required)
            raise ctx.error(f"missing parameter '{key}'; a {name} distribution needs {need}")
    if name == "choice":
        return _build_choice(ctx, path, spec, whole)
    p = {k: _number(ctx, spec, k) for k in (*required, *optional) if k in spec}
    common = {"path": path, "whole": whole}
    if name in ("uniform", "triangular", "pert"):
        if p["low"] > p["high"]:
            raise ctx.error(
                f"low = {format_value(spec['low'])} is above high = {format_value(spec['high'])}"
            )
        if name == "uniform":
            return Uniform(p["low"], p["high"], **common)
        if not p["low"] <= p["mode"] <= p["high"]:
            raise ctx.error(
                f"must be between low = {format_value(spec['low'])} and "
                f"high = {format_value(spec['high'])}",
                param="mode",
                value=spec["mode"],
            )
        cls = Triangular if name == "triangular" else Pert
        return cls(p["low"], p["mode"], p["high"], **common)
    if p["sd"] < 0:
        raise ctx.error("must be at least 0", param="sd", value=spec["sd"])
    low, high = p.get("low"), p.get("high")
    if low is not None and high is not None and low > high:
        raise ctx.error(
            f"low = {format_value(spec['low'])} is above high = {format_value(spec['high'])}"
        )
    if name == "lognormal":
        if p["mean"] <= 0:
            raise ctx.error(
                "must be above 0 (a lognormal value is always positive)",
                param="mean",
                value=spec["mean"],
            )
        if high is not None and high <= 0:
            raise ctx.error(
                "must be above 0 (a lognormal value is always positive)",
                param="high",
                value=spec["high"],
            )
        dist = Lognormal(p["mean"], p["sd"], low, high, **common)
    else:
        dist = Normal(p["mean"], p["sd"], low, high, **common)
    _check_truncation(ctx, spec, dist)
    return dist


def _check_truncation(ctx, spec, dist):
    if dist.low is None and dist.high is None:
        return
    if dist.low is not None and dist.low == dist.high:
        return  # a constant
    if dist.sd == 0:
        m = dist.mean_
        if (dist.low is not None and m < dist.low) or (dist.high is not None and m > dist.high):
            raise ctx.error(
                f"mean = {format_value(spec['mean'])} with sd = 0 lies outside low .. high"
            )
        return
    if not dist.mass() > 1e-300:
        raise ctx.error(
            "low and high leave (almost) no probability: they lie too far out in a tail of "
            f"{dist.name}(mean = {format_value(spec['mean'])}, sd = {format_value(spec['sd'])})"
        )


def _build_choice(ctx, path, spec, whole):
    values = spec["values"]
    if not isinstance(values, list) or not values:
        raise ctx.error("must be a non-empty list of numbers", param="values", value=values)
    vals = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise ctx.error(
                f"must be a list of finite numbers; {format_value(v)} is not",
                param="values",
                value=values,
            )
        vals.append(float(round(v)) if whole else float(v))
    if "weights" in spec:
        weights = spec["weights"]
        if not isinstance(weights, list):
            raise ctx.error("must be a list of numbers", param="weights", value=weights)
        if len(weights) != len(values):
            raise ctx.error(
                f"has {len(weights)} entries where values has {len(values)}",
                param="weights",
                value=weights,
            )
        ws = []
        for w in weights:
            if isinstance(w, bool) or not isinstance(w, int | float) or not math.isfinite(w):
                raise ctx.error(
                    f"must be a list of finite numbers; {format_value(w)} is not",
                    param="weights",
                    value=weights,
                )
            if w < 0:
                raise ctx.error(
                    f"must not be negative; {format_value(w)} is", param="weights", value=weights
                )
            ws.append(float(w))
        if not math.fsum(ws) > 0:
            raise ctx.error("must add up to a positive number", param="weights", value=weights)
    else:
        ws = [1.0] * len(vals)
    return Choice(tuple(vals), tuple(ws), path=path, whole=whole)


def _check_range(ctx, scenario, path, dist):
    """Every value the distribution can draw must be valid for the path."""
    rule = scenario.rule(path)
    if isinstance(dist, Choice):
        for v, w in zip(dist.values, dist.weights, strict=True):
            message = rule.check(v) if w > 0 else None
            if message:
                raise ctx.error(f"{_num(v)} is out of range: {path} {message}", param="values")
        return
    lo, hi = dist.support
    for end, value, bound in (("low", lo, rule.low), ("high", hi, rule.high)):
        if math.isinf(value):
            if bound is None:
                continue
            direction = "below" if end == "low" else "above"
            raise ctx.error(
                f"a {dist.name} distribution without {end} can draw any value {direction} "
                f"its mean, but {path} {rule.message}; give {end} to truncate it"
            )
        if end == "low" and _open_at_zero(dist):
            # an untruncated lognormal comes near 0 but never reaches it
            value = 0.0 if dist.whole else 5e-324
        message = rule.check(value)
        if message:
            raise ctx.error(
                f"{dist.name} can draw {_num(value)} at its {end} end, but {path} {message}"
            )


def _open_at_zero(dist):
    return (
        isinstance(dist, Lognormal)
        and dist.constant is None
        and (dist.low is None or dist.low <= 0)
    )


def _check_start_end(scenario, dists):
    """An uncertain start must never come after its flow's end (and the other way round)."""
    for opt in scenario.options.values():
        for flow in opt.flows.values():
            if flow.kind != "annual":
                continue
            ps, pe = f"{opt.name}.{flow.name}.start", f"{opt.name}.{flow.name}.end"
            if ps not in dists and pe not in dists:
                continue
            start_hi = dists[ps].support[1] if ps in dists else flow.start
            if pe in dists:
                end_lo = dists[pe].support[0]
            elif flow.end is not None:
                end_lo = flow.end
            else:
                continue
            if start_hi > end_lo:
                key = ps if ps in dists else pe
                raw = _raw_key(scenario, key)
                ctx = _Context(scenario, raw)
                raise ctx.error(
                    f"can draw {ps} = {_num(start_hi)} after {pe} = {_num(end_lo)}; "
                    "a flow's start must not be after its end"
                )


def _raw_key(scenario, path):
    for key in scenario.uncertain:
        try:
            if scenario.resolve(key) == path:
                return key
        except ScenarioError:
            continue
    return path
