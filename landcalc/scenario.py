"""Scenario files: loading, validation, parameter paths and overrides.

A scenario is a TOML file (SPEC section 2) read with the standard library's
:mod:`tomllib`. This module turns it into a validated, immutable
:class:`Scenario`, resolves parameter paths (``hen.tax.amount`` or the long
form ``options.hen.flows.tax.amount``) and applies ``--set PATH=VALUE``
overrides before validation, so an override is checked exactly like a value
written in the file.

Nothing here imports numpy at module level; :func:`check_values` (for
batches of values) imports it when called.
"""

from __future__ import annotations

import datetime
import math
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from landcalc.errors import InputError, ScenarioError, did_you_mean, format_value

#: Area units and their size in mu (1 mu = 10000/15 m2; 15 mu = 1 ha).
AREA_UNITS = {
    "mu": 1.0,
    "ha": 15.0,
    "m2": 15.0 / 10000.0,
    "acre": 4046.8564224 * 15.0 / 10000.0,
}

#: Names that options may not take: they would make short paths ambiguous.
RESERVED_NAMES = ("scenario", "discount", "uncertain", "correlations", "options")

FLOW_KINDS = ("once", "annual")
BASES = ("per_mu", "total")
MAX_HORIZON = 1000

_NAME_RE = re.compile(r"^[^\s.=,:\[\]{}\"']+$")


@dataclass(frozen=True)
class Rule:
    """The valid range of one numeric field, used for file values and batches alike."""

    message: str
    low: float | None = None
    low_open: bool = False
    high: float | None = None
    high_open: bool = False
    whole: bool = False

    def check(self, value):
        """The message if the scalar ``value`` breaks the rule, else None."""
        if not math.isfinite(value):
            return "must be a finite number"
        if self.whole and value != int(value):
            return self.message
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            return self.message
        if self.high is not None and (value >= self.high if self.high_open else value > self.high):
            return self.message
        return None

    def bad_mask(self, arr):
        """Boolean array: where ``arr`` breaks the rule (numpy)."""
        import numpy as np

        bad = ~np.isfinite(arr)
        with np.errstate(invalid="ignore"):
            if self.whole:
                bad |= arr != np.round(arr)
            if self.low is not None:
                bad |= (arr <= self.low) if self.low_open else (arr < self.low)
            if self.high is not None:
                bad |= (arr >= self.high) if self.high_open else (arr > self.high)
        return bad


ANY = Rule("must be a finite number")
YEARS = Rule("must be a whole number of years, at least 0", low=0, whole=True)

#: Every numeric field of a flow, with its rule and default (None: required
#: or, for ``end``, the horizon).
FLOW_FIELDS = {
    "amount": (ANY, None),
    "share": (Rule("must be between 0 and 1", low=0, high=1), 1.0),
    "year": (YEARS, 0),
    "start": (YEARS, 1),
    "end": (YEARS, None),
    "ramp": (YEARS, 0),
    "growth": (Rule("must be above -1", low=-1, low_open=True), 0.0),
    "hazard": (Rule("must be at least 0 and below 1", low=0, high=1, high_open=True), 0.0),
}
KIND_FIELDS = {
    "once": ("amount", "share", "year"),
    "annual": ("amount", "share", "start", "end", "ramp", "growth", "hazard"),
}
FLOW_TEXT_KEYS = ("kind", "basis")

SCENARIO_RULES = {
    "area": Rule("must be above 0", low=0, low_open=True),
    "horizon": Rule(
        f"must be a whole number of years from 1 to {MAX_HORIZON}",
        low=1,
        high=MAX_HORIZON,
        whole=True,
    ),
}
RATE_RULE = Rule("must be above -1", low=-1, low_open=True)
SCENARIO_KEYS = ("name", "description", "area", "area_unit", "horizon", "baseline")
TOP_KEYS = ("scenario", "discount", "options", "uncertain", "correlations")
WHOLE_FIELDS = frozenset({"year", "start", "end", "ramp", "horizon"})


@dataclass(frozen=True)
class Flow:
    """One cash flow of an option. Amounts are yuan per mu unless ``basis == "total"``.

    ``end`` is None when the file leaves it to the horizon.
    """

    name: str
    kind: str
    amount: float
    share: float = 1.0
    basis: str = "per_mu"
    year: int = 0
    start: int = 1
    end: int | None = None
    ramp: int = 0
    growth: float = 0.0
    hazard: float = 0.0

    @property
    def fields(self):
        """The numeric fields that this kind of flow takes."""
        return KIND_FIELDS[self.kind]


@dataclass(frozen=True)
class Option:
    name: str
    label: str
    flows: dict[str, Flow]


@dataclass(frozen=True)
class Discount:
    """A constant ``rate`` or a ``schedule`` of ``(from_year, rate)`` pairs."""

    rate: float | None = None
    schedule: tuple[tuple[int, float], ...] | None = None

    def rate_in_year(self, t):
        """The rate r_t that discounts year ``t`` (t >= 1)."""
        if self.schedule is None:
            return self.rate
        r = self.schedule[0][1]
        for start, rate in self.schedule:
            if start <= t:
                r = rate
        return r

    def describe(self):
        """Words for the rate: ``8%`` or ``3.5% falling to 2.5%``."""
        if self.schedule is None:
            return f"{percent(self.rate)}"
        first, last = self.schedule[0][1], self.schedule[-1][1]
        if first == last:
            return percent(first)
        verb = "falling" if last < first else "rising"
        return f"{percent(first)} {verb} to {percent(last)}"


def percent(x):
    """``0.08 -> '8%'``, ``0.035 -> '3.5%'``."""
    text = f"{x * 100:.4g}"
    return f"{text}%"


@dataclass(frozen=True)
class Scenario:
    """A validated scenario.

    Attributes
    ----------
    name, description : str
    area : float
        The plot's area in ``area_unit``.
    area_unit : str
        ``mu``, ``ha``, ``m2`` or ``acre``.
    horizon : int
        The last year counted, H [yr].
    discount : Discount
    options : dict of str to Option
        In file order.
    baseline : str
        The option every other option is compared with.
    source : str or None
        The file it was read from.
    document : dict
        The TOML document after overrides (what was validated).
    """

    name: str
    description: str
    area: float
    area_unit: str
    horizon: int
    discount: Discount
    options: dict[str, Option]
    baseline: str
    source: str | None = None
    document: dict = field(default_factory=dict, repr=False, compare=False)
    lines: dict = field(default_factory=dict, repr=False, compare=False)
    origins: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def area_mu(self) -> float:
        """The area in mu."""
        return self.area * AREA_UNITS[self.area_unit]

    @property
    def alternatives(self) -> list[str]:
        """Every option but the baseline, in file order."""
        return [name for name in self.options if name != self.baseline]

    @property
    def uncertain(self) -> dict:
        return self.document.get("uncertain", {})

    @property
    def correlations(self) -> dict:
        return self.document.get("correlations", {})

    def paths(self) -> list[str]:
        """Every numeric parameter path of this scenario, short form."""
        out = ["scenario.area", "scenario.horizon"]
        if self.discount.schedule is None:
            out.append("discount.rate")
        for opt in self.options.values():
            for flow in opt.flows.values():
                out.extend(f"{opt.name}.{flow.name}.{f}" for f in flow.fields)
        return out

    def value(self, path: str) -> float:
        """The current value of a numeric path (defaults filled in)."""
        path = self.resolve(path)
        head, _, rest = path.partition(".")
        if head == "scenario":
            return float(getattr(self, rest))
        if head == "discount":
            if self.discount.rate is None:
                raise ScenarioError("is a schedule, not one rate", source=self.source, path=path)
            return float(self.discount.rate)
        opt, flow_name, fld = path.split(".")
        flow = self.options[opt].flows[flow_name]
        v = getattr(flow, fld)
        if v is None:  # end defaults to the horizon
            v = self.horizon
        return float(v)

    def values(self) -> dict[str, float]:
        """Every numeric path with its current value."""
        return {p: self.value(p) for p in self.paths()}

    def explicit_paths(self) -> list[str]:
        """The numeric paths whose value is written in the file (or set by an override)."""
        out = []
        for p in self.paths():
            if _doc_get(self.document, _doc_location(p)) is not _NOTHING:
                out.append(p)
        return out

    def resolve(self, path: str) -> str:
        """The canonical short form of a numeric parameter path.

        Raises ScenarioError (with a "did you mean") for an unknown path.
        """
        return resolve_path(self, path)

    def is_whole(self, path: str) -> bool:
        """True for whole-year fields (horizon, year, start, end, ramp)."""
        return path.rsplit(".", 1)[-1] in WHOLE_FIELDS

    def rule(self, path: str) -> Rule:
        """The validity rule of a numeric path."""
        path = self.resolve(path)
        head, _, rest = path.partition(".")
        if head == "scenario":
            return SCENARIO_RULES[rest]
        if head == "discount":
            return RATE_RULE
        return FLOW_FIELDS[path.rsplit(".", 1)[-1]][0]


# --------------------------------------------------------------------------
# Paths


def split_path(text: str) -> list[str]:
    """Split a dotted path; the long form ``options.X.flows.Y.Z`` becomes ``[X, Y, Z]``."""
    parts = [p.strip() for p in str(text).strip().split(".")]
    if parts and parts[0] == "options":
        parts = parts[1:]
        if len(parts) >= 2 and parts[1] == "flows":
            parts = parts[:1] + parts[2:]
    return parts


def resolve_path(scenario: Scenario, text: str) -> str:
    """Canonical short form of a numeric path, or ScenarioError with a suggestion."""
    parts = split_path(text)
    src = scenario.source
    if not parts or any(p == "" for p in parts):
        raise ScenarioError("is not a parameter path", path=text, source=None)
    head = parts[0]
    if head == "scenario":
        if len(parts) == 2 and parts[1] in SCENARIO_RULES:
            return f"scenario.{parts[1]}"
        return _unknown(text, parts[1:2], list(SCENARIO_RULES), "scenario.", src)
    if head == "discount":
        if parts == ["discount", "rate"]:
            return "discount.rate"
        return _unknown(text, parts[1:2], ["rate"], "discount.", src)
    if head not in scenario.options:
        return _unknown(text, [head], list(scenario.options), "", src, what="option")
    opt = scenario.options[head]
    if len(parts) < 2:
        raise ScenarioError(
            "is an option, not a number; give OPTION.FLOW.FIELD", path=text, source=None
        )
    if parts[1] not in opt.flows:
        return _unknown(text, [parts[1]], list(opt.flows), f"{head}.", src, what="flow")
    flow = opt.flows[parts[1]]
    if len(parts) != 3 or parts[2] not in flow.fields:
        return _unknown(
            text,
            parts[2:3],
            list(flow.fields),
            f"{head}.{parts[1]}.",
            src,
            what=f"field of {'an' if flow.kind == 'annual' else 'a'} {flow.kind} flow",
        )
    return f"{head}.{parts[1]}.{parts[2]}"


def _unknown(text, tail, choices, prefix, source, what="parameter path"):
    word = tail[0] if tail else ""
    hint = did_you_mean(word, choices) if word else None
    if hint:
        hint = hint.replace(f"'{_closest(word, choices)}'", f"'{prefix}{_closest(word, choices)}'")
    elif choices:
        hint = "known: " + ", ".join(prefix + c for c in choices)
    raise ScenarioError(f"unknown {what}", path=text, hint=hint, source=None)


def _closest(word, choices):
    import difflib

    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    if close:
        return close[0]
    lowered = {c.lower(): c for c in choices}
    return lowered.get(str(word).lower(), "")


_NOTHING = object()


def _doc_location(path: str) -> tuple:
    """Where a short path lives in the TOML document."""
    parts = split_path(path)
    if parts[0] in ("scenario", "discount"):
        return tuple(parts)
    if len(parts) == 2:
        return ("options", parts[0], parts[1])
    return ("options", parts[0], "flows", *parts[1:])


def _doc_get(doc, loc):
    node = doc
    for key in loc:
        if not isinstance(node, dict) or key not in node:
            return _NOTHING
        node = node[key]
    return node


# --------------------------------------------------------------------------
# Loading


def load_scenario(path, overrides=None) -> Scenario:
    """Read, override and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        A TOML scenario file (SPEC section 2).
    overrides : iterable of str or mapping, optional
        ``"PATH=VALUE"`` texts (as given to ``--set``) or a mapping of path
        to value, applied before validation.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        When the file is missing, is not TOML, or breaks a rule; the
        message names the file, the parameter path, the value and the line.
    """
    name = str(path)
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ScenarioError("no such file", source=name) from None
    except IsADirectoryError:
        raise ScenarioError("is a folder, not a scenario file", source=name) from None
    except PermissionError:
        raise ScenarioError("cannot be read (permission denied)", source=name) from None
    except OSError as exc:
        raise ScenarioError(f"cannot be read ({exc.strerror or exc})", source=name) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError("is UTF-16 text", source=name, hint="save it as UTF-8") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError(
            f"is not UTF-8 text (byte {exc.start})",
            source=name,
            hint="save it as UTF-8",
            line=data.count(b"\n", 0, exc.start) + 1,
        ) from None
    if "\x00" in text:
        raise ScenarioError(
            "holds NUL bytes; it is not a text file",
            source=name,
            line=text.count("\n", 0, text.index("\x00")) + 1,
        )
    return scenario_from_text(text, source=name, overrides=overrides)


def scenario_from_text(text: str, source=None, overrides=None) -> Scenario:
    """Parse TOML text and validate it (see :func:`load_scenario`).

    A leading byte-order mark (which some Windows editors write) is ignored.
    """
    text = text.removeprefix("\ufeff")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg, line = _toml_error(exc)
        raise ScenarioError(f"not valid TOML: {msg}", source=source, line=line) from None
    return scenario_from_dict(doc, source=source, overrides=overrides, lines=find_lines(text))


def _toml_error(exc):
    msg = str(exc)
    m = re.search(r"\s*\(at line (\d+), column \d+\)\s*$", msg)
    line = None
    if m:
        line = int(m.group(1))
        msg = msg[: m.start()]
    elif getattr(exc, "lineno", None):
        line = exc.lineno
        msg = getattr(exc, "msg", msg)
    return msg, line


def scenario_from_dict(doc: Mapping, source=None, overrides=None, lines=None) -> Scenario:
    """Validate a TOML document (the dict :func:`tomllib.loads` returns).

    The document is copied; ``overrides`` (see :func:`load_scenario`) are
    applied to the copy before validation.
    """
    doc = _deepcopy(doc)
    origins = {}
    if overrides:
        for path_text, value, origin in _parse_overrides(overrides):
            loc = _override_location(doc, path_text, origin)
            _doc_set(doc, loc, value)
            if loc == ("discount", "rate"):
                doc["discount"].pop("schedule", None)
            origins[loc] = origin
    return _Validator(doc, source, lines or {}, origins).scenario()


def _deepcopy(obj):
    if isinstance(obj, Mapping):
        return {k: _deepcopy(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_deepcopy(v) for v in obj]
    return obj


def parse_set(text: str):
    """Split ``PATH=VALUE`` and read VALUE as a TOML value.

    A bare word that is not TOML is taken as a string; ``8%`` means 0.08.

    >>> parse_set("hen.tax.amount=2e6")
    ('hen.tax.amount', 2000000.0)
    >>> parse_set("discount.rate=6%")
    ('discount.rate', 0.06)
    """
    path, sep, raw = str(text).partition("=")
    path = path.strip()
    if not sep or not path:
        raise InputError(f"--set {text}: expected PATH=VALUE, e.g. hen.tax.amount=2e6")
    return path, parse_value(raw, f"--set {text}")


def parse_value(raw: str, origin: str):
    """Read one value written as TOML (``2e6``, ``3``, ``"name"``), ``8%`` or a bare word."""
    raw = raw.strip()
    if raw == "":
        raise InputError(f"{origin}: the value is empty")
    pct = raw.endswith("%")
    body = raw[:-1].strip() if pct else raw
    try:
        doc = tomllib.loads(f"v = {body}")
        if list(doc) != ["v"]:  # more than one value, e.g. "1\nx = 2"
            raise tomllib.TOMLDecodeError("not one value")
        value = doc["v"]
    except tomllib.TOMLDecodeError:
        if pct:
            raise InputError(f"{origin}: '{raw}' is not a percentage") from None
        low = body.lower()
        if low in ("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "-infinity"):
            return float(low.replace("infinity", "inf"))
        try:
            return float(body)  # forms TOML does not take, e.g. '.5' or '5.'
        except ValueError:
            return body
    if pct:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"{origin}: '{raw}' is not a percentage")
        try:
            return value / 100.0
        except OverflowError:  # an integer beyond the range of a float
            raise InputError(f"{origin}: '{raw}' is too large to be a number") from None
    return value


def _parse_overrides(overrides):
    if isinstance(overrides, Mapping):
        for k, v in overrides.items():
            yield str(k), v, f"--set {k}={v}"
        return
    for item in overrides:
        if isinstance(item, tuple):
            k, v = item
            yield str(k), v, f"--set {k}={v}"
        else:
            k, v = parse_set(item)
            yield k, v, f"--set {item}"


def _override_location(doc, path_text, origin):
    """Where ``--set PATH`` writes in the document; unknown options/flows are errors."""
    parts = split_path(path_text)
    if not parts or any(p == "" for p in parts):
        raise InputError(f"{origin}: '{path_text}' is not a parameter path")
    head = parts[0]
    if head in ("scenario", "discount"):
        if len(parts) != 2:
            raise InputError(f"{origin}: '{path_text}' is not a parameter path")
        keys = SCENARIO_KEYS if head == "scenario" else ("rate",)
        if parts[1] not in keys:
            hint = did_you_mean(parts[1], keys)
            raise InputError(
                f"{origin}: unknown parameter path '{path_text}'"
                + (f"; {hint.replace(chr(39), chr(39) + head + '.', 1)}" if hint else "")
            )
        return tuple(parts)
    options = doc.get("options") if isinstance(doc.get("options"), dict) else {}
    if head not in options:
        hint = did_you_mean(head, list(options) + ["scenario", "discount"])
        raise InputError(
            f"{origin}: unknown option '{head}' in '{path_text}'" + (f"; {hint}" if hint else "")
        )
    if len(parts) == 2 and parts[1] == "label":
        return ("options", head, "label")
    flows = options[head].get("flows") if isinstance(options[head], dict) else None
    flows = flows if isinstance(flows, dict) else {}
    if len(parts) != 3:
        raise InputError(f"{origin}: '{path_text}' is not a parameter path; give OPTION.FLOW.FIELD")
    if parts[1] not in flows:
        hint = did_you_mean(parts[1], flows)
        raise InputError(
            f"{origin}: unknown flow '{parts[1]}' of option '{head}'"
            + (f"; {hint}" if hint else "")
        )
    known = set(FLOW_FIELDS) | set(FLOW_TEXT_KEYS)
    if parts[2] not in known:
        hint = did_you_mean(parts[2], sorted(known))
        raise InputError(
            f"{origin}: unknown field '{parts[2]}' in '{path_text}'" + (f"; {hint}" if hint else "")
        )
    return ("options", head, "flows", parts[1], parts[2])


def _doc_set(doc, loc, value):
    node = doc
    for key in loc[:-1]:
        nxt = node.get(key)
        if not isinstance(nxt, dict):
            nxt = {}
            node[key] = nxt
        node = nxt
    node[loc[-1]] = value


# --------------------------------------------------------------------------
# Validation


def _short(loc):
    """Display form of a document location (short path)."""
    if loc and loc[0] == "options":
        rest = list(loc[1:])
        if len(rest) >= 2 and rest[1] == "flows":
            rest = rest[:1] + rest[2:]
        return ".".join(str(x) for x in rest) if rest else "options"
    return ".".join(str(x) for x in loc)


class _Validator:
    def __init__(self, doc, source, lines, origins):
        self.doc = doc
        self.source = source
        self.lines = lines
        self.origins = origins

    # errors -------------------------------------------------------------
    def fail(self, loc, message, value=ScenarioError._MISSING, hint=None, show_value=True):
        origin = self.origins.get(loc)
        source = origin or self.source
        line = None if origin else self._line(loc)
        kwargs = {"value": value} if (show_value and value is not ScenarioError._MISSING) else {}
        raise ScenarioError(
            message,
            source=source,
            path=_short(loc) if loc else None,
            line=line,
            hint=hint,
            **kwargs,
        )

    def _line(self, loc):
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return None

    def unknown_keys(self, table, loc, allowed, what="key", extra_hint=None):
        for key in table:
            if key not in allowed:
                # a key of the other kind of flow says so before any look-alike
                hint = extra_hint(key) if extra_hint else None
                if hint is None:
                    hint = did_you_mean(key, allowed)
                if hint is None:
                    hint = "allowed: " + ", ".join(allowed)
                self.fail((*loc, key), f"unknown {what}", hint=hint)

    def number(self, table, loc, rule, default=_NOTHING):
        key = loc[-1]
        if key not in table:
            if default is _NOTHING:
                self.fail(loc[:-1], f"missing required key '{key}'", show_value=False)
            return default
        value = table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(loc, f"must be a number, not {_type_name(value)}", value)
        try:
            number = float(value)
        except OverflowError:  # an integer beyond the range of a float
            self.fail(loc, f"is too large to be a number ({len(str(abs(value)))} digits)")
        msg = rule.check(number)
        if msg:
            self.fail(loc, msg, value)
        return int(value) if rule.whole else float(value)

    def text(self, table, loc, choices=None, default=_NOTHING, nonempty=False):
        key = loc[-1]
        if key not in table:
            if default is _NOTHING:
                self.fail(loc[:-1], f"missing required key '{key}'", show_value=False)
            return default
        value = table[key]
        if not isinstance(value, str):
            self.fail(loc, f"must be a string, not {_type_name(value)}", value)
        if nonempty and not value.strip():
            self.fail(loc, "must not be empty", value)
        if choices is not None and value not in choices:
            hint = did_you_mean(value, choices)
            self.fail(loc, "is not one of " + ", ".join(choices), value, hint=hint)
        return value

    # the document -----------------------------------------------------------
    def scenario(self) -> Scenario:
        doc = self.doc
        self.unknown_keys(doc, (), TOP_KEYS, what="table")
        sc = _doc_get(doc, ("scenario",))
        if sc is _NOTHING:
            raise ScenarioError("missing [scenario] table", source=self.source)
        if not isinstance(sc, dict):
            self.fail(("scenario",), f"must be a table, not {_type_name(sc)}", sc)
        self.unknown_keys(sc, ("scenario",), SCENARIO_KEYS)
        name = self.text(sc, ("scenario", "name"), nonempty=True)
        description = self.text(sc, ("scenario", "description"), default="")
        area = self.number(sc, ("scenario", "area"), SCENARIO_RULES["area"])
        area_unit = self.text(sc, ("scenario", "area_unit"), choices=list(AREA_UNITS), default="mu")
        problem = _area_in_mu_problem(area, area_unit)
        if problem:
            self.fail(("scenario", "area"), problem, area)
        horizon = self.number(sc, ("scenario", "horizon"), SCENARIO_RULES["horizon"])
        discount = self.discount()
        options = self.options(horizon)
        baseline = self.text(sc, ("scenario", "baseline"), default=next(iter(options)))
        if baseline not in options:
            self.fail(
                ("scenario", "baseline"),
                "is not one of the options",
                baseline,
                hint=did_you_mean(baseline, options) or "options: " + ", ".join(options),
            )
        self.uncertain(options)
        self.correlations()
        sc = Scenario(
            name=name,
            description=description,
            area=area,
            area_unit=area_unit,
            horizon=horizon,
            discount=discount,
            options=options,
            baseline=baseline,
            source=self.source,
            document=doc,
            lines=self.lines,
            origins=self.origins,
        )
        if "uncertain" in doc or "correlations" in doc:
            from landcalc.distributions import check_uncertain

            check_uncertain(sc)
        return sc

    def discount(self) -> Discount:
        d = _doc_get(self.doc, ("discount",))
        if d is _NOTHING:
            raise ScenarioError(
                "missing [discount] table; give rate = 0.08 or a schedule",
                source=self.source,
            )
        if not isinstance(d, dict):
            self.fail(("discount",), f"must be a table, not {_type_name(d)}", d)
        self.unknown_keys(d, ("discount",), ("rate", "schedule"))
        if "rate" in d and "schedule" in d:
            self.fail(("discount",), "give either rate or schedule, not both", show_value=False)
        if "rate" in d:
            return Discount(rate=self.number(d, ("discount", "rate"), RATE_RULE))
        if "schedule" not in d:
            self.fail(("discount",), "give rate = 0.08 or a schedule", show_value=False)
        sched = d["schedule"]
        loc = ("discount", "schedule")
        if not isinstance(sched, list) or not sched:
            self.fail(loc, "must be a non-empty list of {from = YEAR, rate = RATE}", sched)
        out = []
        for i, entry in enumerate(sched):
            eloc = (*loc, str(i))
            if not isinstance(entry, dict):
                self.fail(
                    eloc,
                    f"must be a table {{from = YEAR, rate = RATE}}, not {_type_name(entry)}",
                    entry,
                )
            self.unknown_keys(entry, eloc, ("from", "rate"))
            start = self.number(entry, (*eloc, "from"), YEARS)
            rate = self.number(entry, (*eloc, "rate"), RATE_RULE)
            if i == 0 and start not in (0, 1):
                self.fail((*eloc, "from"), "the first entry must start from year 0 or 1", start)
            if out and start <= out[-1][0]:
                self.fail(
                    (*eloc, "from"),
                    f"must be after the previous entry's from ({out[-1][0]})",
                    start,
                )
            out.append((start, rate))
        return Discount(schedule=tuple(out))

    def options(self, horizon) -> dict[str, Option]:
        opts = _doc_get(self.doc, ("options",))
        if opts is _NOTHING:
            raise ScenarioError(
                "missing [options] table: give at least two options", source=self.source
            )
        if not isinstance(opts, dict):
            self.fail(("options",), f"must be a table, not {_type_name(opts)}", opts)
        if len(opts) < 2:
            self.fail(
                ("options",),
                f"needs at least two options to compare, found {len(opts)}",
                show_value=False,
            )
        out = {}
        for name, table in opts.items():
            loc = ("options", name)
            self.check_name(loc, name, "option")
            if name in RESERVED_NAMES:
                self.fail(
                    loc,
                    f"'{name}' cannot name an option (it would make paths ambiguous)",
                    show_value=False,
                )
            if not isinstance(table, dict):
                self.fail(loc, f"must be a table, not {_type_name(table)}", table)
            self.unknown_keys(table, loc, ("label", "flows"))
            label = self.text(table, (*loc, "label"), default=name)
            flows_t = table.get("flows", {})
            if not isinstance(flows_t, dict):
                self.fail((*loc, "flows"), f"must be a table, not {_type_name(flows_t)}", flows_t)
            flows = {}
            for fname, ft in flows_t.items():
                flows[fname] = self.flow((*loc, "flows", fname), fname, ft, horizon)
            out[name] = Option(name=name, label=label, flows=flows)
        return out

    def check_name(self, loc, name, what):
        if not name or not _NAME_RE.match(name):
            self.fail(
                loc if name else loc[:-1],
                f"{what} names may not be empty or contain spaces, dots, '=', ',' or quotes",
                show_value=False,
            )

    def flow(self, loc, name, table, horizon) -> Flow:
        self.check_name(loc, name, "flow")
        if not isinstance(table, dict):
            self.fail(loc, f"must be a table, not {_type_name(table)}", table)
        kind = self.text(table, (*loc, "kind"), choices=list(FLOW_KINDS))
        allowed = (*FLOW_TEXT_KEYS, *KIND_FIELDS[kind])
        other = "annual" if kind == "once" else "once"

        def kind_hint(key):
            if key in KIND_FIELDS[other]:
                return f"'{key}' belongs to {other} flows; this flow is kind = \"{kind}\""
            return None

        self.unknown_keys(table, loc, allowed, extra_hint=kind_hint)
        basis = self.text(table, (*loc, "basis"), choices=list(BASES), default="per_mu")
        vals = {}
        for fld in KIND_FIELDS[kind]:
            rule, default = FLOW_FIELDS[fld]
            if fld == "amount":
                default = _NOTHING
            vals[fld] = self.number(table, (*loc, fld), rule, default=default)
        if kind == "annual" and vals["end"] is not None and vals["start"] > vals["end"]:
            self.fail((*loc, "start"), f"must not be after end ({vals['end']})", vals["start"])
        return Flow(name=name, kind=kind, basis=basis, **vals)

    def uncertain(self, options):
        unc = _doc_get(self.doc, ("uncertain",))
        if unc is _NOTHING:
            return
        if not isinstance(unc, dict):
            self.fail(("uncertain",), f"must be a table, not {_type_name(unc)}", unc)
        probe = Scenario(
            name="",
            description="",
            area=1.0,
            area_unit="mu",
            horizon=1,
            discount=Discount(rate=0.0),
            options=options,
            baseline="",
            source=self.source,
        )
        for key, spec in unc.items():
            loc = ("uncertain", key)
            try:
                resolve_path(probe, key)
            except ScenarioError as exc:
                raise ScenarioError(
                    exc.message,
                    source=self.source,
                    path=f"uncertain.{key}",
                    hint=exc.hint,
                    line=self._line(loc),
                ) from None
            if not isinstance(spec, dict):
                self.fail(
                    loc,
                    f'must be a table such as {{dist = "uniform", low = 0, '
                    f"high = 1}}, not {_type_name(spec)}",
                    spec,
                )

    def correlations(self):
        cor = _doc_get(self.doc, ("correlations",))
        if cor is _NOTHING:
            return
        if not isinstance(cor, dict):
            self.fail(("correlations",), f"must be a table, not {_type_name(cor)}", cor)
        self.unknown_keys(cor, ("correlations",), ("pairs",))


def _area_in_mu_problem(area, unit):
    """Why ``area`` in ``unit`` has no usable size in mu (None when it has one)."""
    mu = area * AREA_UNITS[unit]
    if not math.isfinite(mu):
        return f"is too large to convert from {unit} to mu (beyond the range of a number)"
    if mu <= 0:
        return f"is too small to convert from {unit} to mu (it rounds to 0)"
    return None


def _type_name(value):
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, datetime.datetime):
        return "a date and time"
    if isinstance(value, datetime.date):
        return "a date"
    if isinstance(value, datetime.time):
        return "a time of day"
    return type(value).__name__


# --------------------------------------------------------------------------
# Line numbers (tomllib does not report them)

_KEY_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_\-]+)\s*')


def _read_key(text, pos):
    """Read a dotted key starting at ``pos``; return (parts, end) or (None, pos)."""
    parts = []
    while True:
        m = _KEY_TOKEN.match(text, pos)
        if not m:
            return None, pos
        tok = m.group(1)
        if tok[0] == '"':
            try:
                tok = tomllib.loads(f"k = {tok}")["k"]
            except tomllib.TOMLDecodeError:
                tok = tok[1:-1]
        elif tok[0] == "'":
            tok = tok[1:-1]
        parts.append(tok)
        pos = m.end()
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


def find_lines(text: str) -> dict[tuple, int]:
    """Map document locations (tuples of keys) to 1-based line numbers.

    A best-effort scan for error messages: table headers, ``key = value``
    lines and the keys of inline tables are found; the first place wins.
    """
    lines: dict[tuple, int] = {}
    table: tuple = ()
    array_counts: dict[tuple, int] = {}
    # TOML ends lines at "\n" only (str.splitlines would also split at \x0c or \u2028)
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            parts, _ = _read_key(line, 2)
            if parts:
                key = tuple(parts)
                idx = array_counts.get(key, 0)
                array_counts[key] = idx + 1
                table = (*key, str(idx))
                for i in range(1, len(table) + 1):  # [a.b] also opens [a]
                    lines.setdefault(table[:i], number)
            continue
        if line.startswith("["):
            parts, _ = _read_key(line, 1)
            if parts:
                table = tuple(parts)
                for i in range(1, len(table) + 1):
                    lines.setdefault(table[:i], number)
            continue
        parts, pos = _read_key(line, 0)
        if not parts or pos >= len(line) or line[pos] != "=":
            continue
        loc = (*table, *parts)
        lines.setdefault(loc, number)
        rest = line[pos + 1 :]
        if "{" in rest:
            # keys inside an inline table on the same line
            depth_loc = loc
            for m in re.finditer(r'[{,]\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_\-]+)\s*=', rest):
                sub, _ = _read_key(m.group(1), 0)
                if sub:
                    lines.setdefault((*depth_loc, *sub), number)
    return lines


def format_path_value(path, value):
    """``hen.tax.hazard = 1.5`` (for messages)."""
    return f"{path} = {format_value(value)}"


# --------------------------------------------------------------------------
# Batches of values


def check_values(scenario: Scenario, values: Mapping, origin: str | None = None) -> dict:
    """Resolve the paths of a batch and check every value against its rule.

    Parameters
    ----------
    scenario : Scenario
    values : mapping of str to array_like
        Parameter path (short or long form) to a scalar or an array of shape (N,).
    origin : str, optional
        Where the values came from (``--vary hen.tax.amount=...``), for messages.

    Returns
    -------
    dict of str to ndarray
        Canonical path to float64 array (0-d for scalars).

    Raises
    ------
    ScenarioError
        For an unknown path, or the first value that breaks a rule, named with
        its path; also when a flow's start is after its end.
    """
    import numpy as np

    out = {}
    for key, raw in values.items():
        try:
            path = scenario.resolve(key)
        except ScenarioError as exc:
            raise ScenarioError(exc.message, source=origin, path=exc.path, hint=exc.hint) from None
        if path in out:
            raise ScenarioError("is given twice", source=origin, path=path)
        arr = np.asarray(raw, dtype=float)
        if arr.ndim > 1:
            raise ScenarioError(
                f"must be a scalar or 1-d array, got shape {arr.shape}", source=origin, path=path
            )
        rule = scenario.rule(path)
        bad = rule.bad_mask(arr)
        if bad.any():
            first = arr[bad].flat[0] if arr.ndim else float(arr)
            v = float(first)
            v = int(v) if (v.is_integer() and math.isfinite(v) and scenario.is_whole(path)) else v
            raise ScenarioError(
                rule.check(float(first)) or rule.message, source=origin, path=path, value=v
            )
        if path == "scenario.area":
            with np.errstate(over="ignore", under="ignore"):
                bad = ~np.isfinite(arr * AREA_UNITS[scenario.area_unit])
                bad |= arr * AREA_UNITS[scenario.area_unit] <= 0
            if bad.any():
                v = float(arr[bad].flat[0] if arr.ndim else arr)
                problem = _area_in_mu_problem(v, scenario.area_unit)
                raise ScenarioError(problem, source=origin, path=path, value=v)
        out[path] = arr
    # start after end, for annual flows whose start or end vary
    for opt in scenario.options.values():
        for flow in opt.flows.values():
            if flow.kind != "annual":
                continue
            ps, pe = f"{opt.name}.{flow.name}.start", f"{opt.name}.{flow.name}.end"
            if ps not in out and pe not in out:
                continue
            start = out.get(ps, flow.start)
            end = out.get(pe, flow.end if flow.end is not None else math.inf)
            bad = np.asarray(start) > np.asarray(end)
            if bad.any():
                s = np.broadcast_to(start, bad.shape)[bad].flat[0] if bad.ndim else start
                e = np.broadcast_to(end, bad.shape)[bad].flat[0] if bad.ndim else end
                raise ScenarioError(
                    f"must not be after end ({_num(e)})", source=origin, path=ps, value=_num(s)
                )
    return out


def _num(x):
    x = float(x)
    return int(x) if x.is_integer() else x


def iter_scenarios(paths: Iterable, overrides=None):
    """Load several scenario files (the same overrides for each)."""
    for p in paths:
        yield load_scenario(p, overrides=overrides)
