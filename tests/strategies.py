"""Hypothesis strategies for valid scenario documents, and a TOML writer for them."""

from __future__ import annotations

import datetime
import math
import re

from hypothesis import strategies as st

OPTION_NAMES = ["rooster", "hen", "mixed", "a_b", "opt2", "park", "farm", "x"]
FLOW_NAMES = ["land_sale", "tax", "cost", "rent", "subsidy", "road"]
AREA_UNITS = ["mu", "ha", "m2", "acre"]

_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=20
).filter(lambda text: text.strip() != "")

SCENARIO_NAMES = st.one_of(
    st.sampled_from(["Songjiang 2016: rooster or hen", "test", "松江 plot", 'quote " and \\']),
    _TEXT,
)

LABELS = st.one_of(
    st.sampled_from(["Residential land sale", "Industrial land", "Mixed use", "工业用地"]),
    _TEXT,
)


def _floats(low: float, high: float, **kwargs) -> st.SearchStrategy[float]:
    return st.floats(
        low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False, **kwargs
    )


AMOUNTS = st.one_of(
    st.just(0),
    st.just(0.0),
    st.integers(-50_000_000, 50_000_000),
    _floats(-5e7, 5e7),
)

RATES = st.one_of(st.just(0.0), _floats(-0.5, 0.5))


@st.composite
def _schedules(draw) -> list[dict]:
    count = draw(st.integers(1, 4))
    starts = [draw(st.sampled_from([0, 1]))]
    for _ in range(count - 1):
        starts.append(starts[-1] + draw(st.integers(1, 60)))
    return [{"from": start, "rate": draw(RATES)} for start in starts]


def _maybe(draw, key: str, strategy, target: dict) -> None:
    """Set ``target[key]`` from ``strategy`` about two times in three."""
    if draw(st.integers(0, 2)) > 0:
        target[key] = draw(strategy)


@st.composite
def _flows(draw, horizon: int) -> dict:
    flow: dict = {"kind": draw(st.sampled_from(["once", "annual"])), "amount": draw(AMOUNTS)}
    _maybe(draw, "share", st.one_of(st.just(1.0), st.just(0.0), _floats(0.0, 1.0)), flow)
    if draw(st.integers(0, 3)) == 0:
        flow["basis"] = "total"

    if flow["kind"] == "once":
        _maybe(draw, "year", st.integers(0, horizon + 3), flow)
        return flow

    start = draw(st.integers(0, horizon + 2)) if draw(st.booleans()) else None
    first = 1 if start is None else start
    if start is not None:
        flow["start"] = start
    if first > horizon or draw(st.booleans()):
        flow["end"] = draw(st.integers(first, max(first, horizon) + 5))
    _maybe(draw, "ramp", st.integers(0, 10), flow)
    _maybe(draw, "growth", _floats(-0.5, 0.2, exclude_min=True), flow)
    _maybe(draw, "hazard", _floats(0.0, 0.5), flow)
    return flow


@st.composite
def _scenario_docs(
    draw, max_options: int, max_flows: int, max_horizon: int, schedule: bool
) -> dict:
    horizon = draw(st.integers(1, max_horizon))
    pool = OPTION_NAMES + [f"opt{i}" for i in range(3, max_options + 3)]
    option_names = draw(
        st.lists(st.sampled_from(pool), min_size=2, max_size=max_options, unique=True)
    )

    scenario: dict = {"name": draw(SCENARIO_NAMES)}
    if draw(st.integers(0, 3)) == 0:
        scenario["description"] = draw(LABELS)
    scenario["area"] = draw(st.one_of(st.integers(1, 5000), _floats(0.1, 5000.0, exclude_min=True)))
    _maybe(draw, "area_unit", st.sampled_from(AREA_UNITS), scenario)
    scenario["horizon"] = horizon
    if draw(st.booleans()):
        scenario["baseline"] = draw(st.sampled_from(option_names))

    if schedule and draw(st.booleans()):
        discount = {"schedule": draw(_schedules())}
    else:
        discount = {"rate": draw(RATES)}

    options = {}
    for name in option_names:
        option: dict = {}
        _maybe(draw, "label", LABELS, option)
        flow_names = draw(
            st.lists(st.sampled_from(FLOW_NAMES), min_size=0, max_size=max_flows, unique=True)
        )
        if flow_names:
            option["flows"] = {flow: draw(_flows(horizon)) for flow in flow_names}
        options[name] = option

    return {"scenario": scenario, "discount": discount, "options": options}


def scenario_docs(
    max_options: int = 3, max_flows: int = 3, max_horizon: int = 80, schedule: bool = True
) -> st.SearchStrategy[dict]:
    """Valid scenario documents, as ``tomllib.loads`` would return them."""
    return _scenario_docs(max_options, max_flows, max_horizon, schedule)


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_string(text: str) -> str:
    parts = ['"']
    for char in text:
        if char == '"':
            parts.append('\\"')
        elif char == "\\":
            parts.append("\\\\")
        elif char == "\n":
            parts.append("\\n")
        elif char == "\t":
            parts.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            parts.append(f"\\u{ord(char):04X}")
        else:
            parts.append(char)
    parts.append('"')
    return "".join(parts)


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        items = (f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _write_table(path: list[str], table: dict, lines: list[str]) -> None:
    has_scalars = any(not isinstance(value, dict) for value in table.values())
    has_tables = any(isinstance(value, dict) for value in table.values())
    if path and (has_scalars or not has_tables):
        if lines:
            lines.append("")
        lines.append("[" + ".".join(_toml_key(part) for part in path) + "]")
    for key, value in table.items():
        if not isinstance(value, dict):
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in table.items():
        if isinstance(value, dict):
            _write_table([*path, key], value, lines)


def doc_to_toml(doc: dict) -> str:
    """TOML text that ``tomllib.loads`` reads back as ``doc``."""
    lines: list[str] = []
    _write_table([], doc, lines)
    return "\n".join(lines) + "\n"
