"""Fuzzing the command line: whatever arrives, a result or one clear error.

Scenario documents come from the schema (``strategies.scenario_docs``) and are
then mutated the ways typed and converted files go wrong: wrong types, missing
and extra keys, empty tables, non-ASCII and malformed names, flows of the same
name in different options, extreme and non-finite numbers, horizons up to 1000
with rates near -1 and growth near its bounds. Each goes to ``compare``,
``cashflows``, ``validate`` and ``evaluate`` in every format. The command-line
arguments ``--set``, ``--unit``, ``--format``, ``--points`` and ``--parcels``
are fuzzed the same way.

Every outcome must be exit status 0 with output that parses (JSON without
NaN or Infinity, CSV without ``nan`` or ``inf`` cells, no number missing where
one is due) or exit status 2 with exactly one ``error:`` line; never exit
status 1, never a traceback. Every format must agree on the outcome.

Example counts scale with ``LANDCALC_TEST_SCALE`` (see ``conftest.py``): the
default is the quick CI profile, ``LANDCALC_TEST_SCALE=50`` the fuzz profile.
Below the fuzz tests: regression tests for the failures they found.
"""

from __future__ import annotations

import copy
import csv
import datetime
import io
import json
import math
import re
import tempfile
from pathlib import Path

import pytest
from conftest import Run, examples, run_cli
from hypothesis import HealthCheck, currently_in_test_context, event, given, note, settings
from hypothesis import strategies as st
from strategies import doc_to_toml, scenario_docs

from landcalc.errors import LandcalcError
from landcalc.scenario import load_scenario

FORMATS = ("table", "csv", "json", "markdown")
SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large]

# --------------------------------------------------------------------------
# Running a command and judging its outcome


run = run_cli


def _no_constants(token):
    raise AssertionError(f"JSON output holds {token}")


NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
#: Columns that may be empty or null: "none" (no payback, no break-even rate,
#: no comparison for the baseline, an option without that flow).
MAY_BE_EMPTY = re.compile(r"^(payback_year|breakeven_rate|difference)(\.|$)|^flow\.")
#: Columns that hold text, not numbers.
TEXT_COLUMNS = {"file", "scenario", "option", "label", "baseline", "error", "options", "valid"}


def check_json_numbers(data, command: str) -> None:
    """Results are numbers; null only where a metric may have no value."""
    if command == "compare":
        for opt in data["options"].values():
            for key in ("npv", "npv_per_mu", "undiscounted"):
                assert isinstance(opt[key], int | float), (key, opt[key])
            assert all(isinstance(v, int | float) for v in opt["flows"].values()), opt
        for cmp in data["comparisons"].values():
            assert isinstance(cmp["difference"], int | float), cmp
    elif command == "cashflows":
        arrays = [data["discount_factor"]]
        for opt in data["options"].values():
            arrays += [opt["cash"], opt["discounted"], opt["cumulative"], *opt["flows"].values()]
        for cmp in data["comparisons"].values():
            arrays += [cmp["difference"], cmp["cumulative_difference"]]
        for arr in arrays:
            assert all(isinstance(v, int | float) for v in arr), arr
    elif command in ("evaluate", "portfolio"):
        rows = data if command == "evaluate" else data["rows"]
        for row in rows:
            for key, v in row.items():
                if key.startswith(("npv.", "difference.")):
                    assert isinstance(v, int | float), (key, v)
        if command == "portfolio":
            totals = data["totals"]
            numbers = [totals["area_mu"], *totals["npv"].values()]
            numbers += [*totals["difference"].values(), *totals.get("plans", {}).values()]
            numbers += [w["area_mu"] for w in totals["wins"].values()]
            assert all(isinstance(v, int | float) for v in numbers), totals


def check_csv(text: str, command: str) -> None:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows, "empty CSV"
    header = rows[0]
    for row in rows[1:]:
        assert len(row) == len(header), (header, row)
        for key, cell in zip(header, row, strict=True):
            if command in ("evaluate", "portfolio") and "." not in key:
                continue  # a column carried through from the points file
            if key in TEXT_COLUMNS:
                continue
            assert cell.strip().lower() not in NON_FINITE, (key, cell)
            if cell == "":
                assert MAY_BE_EMPTY.search(key) or command in ("evaluate", "portfolio"), (key, row)
                if command in ("evaluate", "portfolio"):
                    assert not key.startswith(("npv.", "difference.")), (key, row)
                continue
            if command == "validate" and key not in ("horizon", "area_mu"):
                continue
            assert math.isfinite(float(cell)), (key, cell)


HUMAN_NON_FINITE = re.compile(r"(^|[│|┃])\s*[-+]?(nan|inf|infinity)\s*(?=[│|┃])", re.I | re.M)


def check_success(res: Run, command: str, fmt: str, names_ok: bool) -> None:
    out = res.stdout
    assert out.endswith("\n"), out[-200:]
    if fmt == "json":
        data = json.loads(out, parse_constant=_no_constants)
        check_json_numbers(data, command)
    elif fmt == "csv":
        check_csv(out, command)
    elif fmt == "markdown":
        assert out.startswith("### "), out[:200]
    if fmt in ("table", "markdown") and names_ok:
        assert not HUMAN_NON_FINITE.search(out), HUMAN_NON_FINITE.search(out)


def outcome(res: Run, command: str, fmt: str, name: str | None = None, names_ok=True):
    """Check one run; return ``0`` or the error line."""
    if currently_in_test_context():
        note(f"{command} --format {fmt}: exit {res.code}\n{res.stderr}")
    assert "Traceback" not in res.stdout + res.stderr
    assert res.code in (0, 2), (res.code, res.stderr)
    if res.code == 0:
        check_success(res, command, fmt, names_ok)
        return 0
    assert res.stderr.endswith("\n"), res.stderr
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    line = lines[0]
    assert line.startswith("error: "), line
    assert "internal error" not in line, line
    if name is not None:
        assert name in line, line
    if command != "validate":
        assert res.stdout == "", res.stdout[:500]
    return line


def every_format(args: list[str], command: str, name=None, names_ok=True):
    """Run ``args`` in every format; they must agree. Returns the common outcome."""
    seen = {}
    for fmt in FORMATS:
        res = run(*args, "--format", fmt)
        seen[fmt] = outcome(res, command, fmt, name, names_ok)
    assert len(set(seen.values())) == 1, seen
    result = seen["table"]
    event(f"{command}: {'ok' if result == 0 else 'error'}")
    return result


# --------------------------------------------------------------------------
# Mutations of scenario documents

CHINESE = ["公鸡", "母鸡", "住宅用地", "工业用地", "税收", "土地出让", "混合用地", "松江"]
EXTREME = [
    1e300,
    -1e300,
    1e-300,
    -1e-300,
    5e-324,
    1.7976931348623157e308,
    -0.0,
    0,
    -1,
    1,
    2.5,
    -0.999999,
    0.999999,
    1 - 1e-16,
    999,
    1000,
    1001,
    10**18,
    2**64,
    10**400,
    -(10**400),
    math.inf,
    -math.inf,
    math.nan,
]
WRONG_TYPES = [
    "",
    " ",
    "1,000",
    "1000",
    "8%",
    "inf",
    "nan",
    "年",
    True,
    False,
    [],
    [1, 2],
    [{"from": 1}],
    {},
    {"value": 1},
    datetime.date(2016, 1, 1),
    datetime.datetime(2016, 1, 1, 12, 0),
]
KNOWN_KEYS = [
    "name",
    "description",
    "area",
    "area_unit",
    "horizon",
    "baseline",
    "rate",
    "schedule",
    "from",
    "label",
    "flows",
    "kind",
    "basis",
    "amount",
    "share",
    "year",
    "start",
    "end",
    "ramp",
    "growth",
    "hazard",
    "scenario",
    "discount",
    "options",
    "uncertain",
    "correlations",
]
MISSPELT = ["hazzard", "horizen", "amout", "Rate", "anual", "flow", "option", "senario", "áreа"]
NAMES = st.one_of(
    st.sampled_from(CHINESE),
    st.sampled_from(["", " ", "a b", "a.b", "a=b", 'a"b', "scenario", "discount", "options"]),
    st.text(max_size=8),
)
VALUES = st.one_of(
    st.sampled_from(EXTREME),
    st.sampled_from(WRONG_TYPES),
    st.floats(),
    st.integers(),
    st.text(max_size=10),
)
#: Values near the edges of each field's range (and a little beyond).
FIELD_EXTREMES = {
    "horizon": [1, 2, 999, 1000, 1001, 0],
    "area": [1e-300, 5e-324, 1e-10, 1e300, 1.7976931348623157e308, 0.0],
    "area_unit": ["m2", "ha", "acre", "mu"],
    "rate": [-0.999999, -0.99, -0.9, -0.5, 0.0, -0.0, 1e-300, 1.0, 10.0, 1e300, -1.0],
    "amount": [1e300, -1e300, 1e-300, -1e-300, 1.7976931348623157e308, -0.0, 0.0],
    "share": [0.0, 1e-300, 1.0, 1.0000001],
    "growth": [-0.999999, -0.99, -1 + 1e-15, 0.5, 10.0, 1e3, 1e300],
    "hazard": [0.0, 1e-300, 0.5, 0.999999, 1 - 1e-16, 1.0],
    "year": [0, 1, 1000, 10**6, 10**18, 2**63, 1e19],
    "start": [0, 1, 999, 1000, 10**6, 2**63, 1e19],
    "end": [0, 1, 1000, 10**6, 10**18, 2**63, 1e19],
    "ramp": [0, 1, 999, 1000, 10**6, 2**63, 1e19],
    "from": [0, 1, 2, 999, 1000, 10**6, 2**63, 1e19],
}


def locations(node, prefix=()):
    """Every (location, value) in a document; list items are located by index."""
    if isinstance(node, dict):
        items = list(node.items())
    elif isinstance(node, list):
        items = list(enumerate(node))
    else:
        return []
    out = []
    for key, value in items:
        loc = (*prefix, key)
        out.append((loc, value))
        out.extend(locations(value, loc))
    return out


def parent_of(doc, loc):
    node = doc
    for key in loc[:-1]:
        node = node[key]
    return node


def tables_of(doc):
    return [()] + [loc for loc, v in locations(doc) if isinstance(v, dict)]


def _set_value(draw, doc):
    locs = locations(doc)
    if locs:
        loc, _ = draw(st.sampled_from(locs))
        parent_of(doc, loc)[loc[-1]] = copy.deepcopy(draw(VALUES))


def _delete(draw, doc):
    locs = locations(doc)
    if locs:
        loc, _ = draw(st.sampled_from(locs))
        del parent_of(doc, loc)[loc[-1]]


def _extra_key(draw, doc):
    loc = draw(st.sampled_from(tables_of(doc)))
    table = parent_of(doc, loc)[loc[-1]] if loc else doc
    key = draw(st.one_of(st.sampled_from(KNOWN_KEYS + MISSPELT), NAMES))
    table[key] = copy.deepcopy(draw(VALUES))


def _empty_table(draw, doc):
    tables = [loc for loc in tables_of(doc) if loc]
    if tables:
        loc = draw(st.sampled_from(tables))
        parent_of(doc, loc)[loc[-1]] = {}


def _rename_option(draw, doc):
    opts = doc.get("options")
    if isinstance(opts, dict) and opts:
        old = draw(st.sampled_from(sorted(opts)))
        new = draw(NAMES)
        if new not in opts:
            opts[new] = opts.pop(old)
            sc = doc.get("scenario")
            if isinstance(sc, dict) and sc.get("baseline") == old and draw(st.booleans()):
                sc["baseline"] = new


def _rename_flow(draw, doc):
    flows = [
        v
        for loc, v in locations(doc)
        if len(loc) == 3 and loc[2] == "flows" and isinstance(v, dict) and v
    ]
    if flows:
        table = draw(st.sampled_from(flows))
        old = draw(st.sampled_from(sorted(table)))
        new = draw(NAMES)
        if new not in table:
            table[new] = table.pop(old)


def _duplicate_flow(draw, doc):
    """Give a flow of one option to another under the same name (which is legal)."""
    opts = doc.get("options")
    if not isinstance(opts, dict) or len(opts) < 2:
        return
    names = sorted(opts)
    src, dst = draw(st.permutations(names))[:2]
    if not isinstance(opts[src], dict) or not isinstance(opts[dst], dict):
        return
    flows = opts[src].get("flows")
    if isinstance(flows, dict) and flows:
        fname = draw(st.sampled_from(sorted(flows)))
        target = opts[dst].setdefault("flows", {})
        if isinstance(target, dict):
            target[fname] = copy.deepcopy(flows[fname])


def _extreme_field(draw, doc):
    locs = [(loc, v) for loc, v in locations(doc) if loc and loc[-1] in FIELD_EXTREMES]
    if locs:
        loc, _ = draw(st.sampled_from(locs))
        parent_of(doc, loc)[loc[-1]] = draw(st.sampled_from(FIELD_EXTREMES[loc[-1]]))


def _long_and_steep(draw, doc):
    """A horizon up to 1000 with a rate near -1, growth near its bounds or a huge amount."""
    sc = doc.get("scenario")
    if isinstance(sc, dict):
        sc["horizon"] = draw(st.sampled_from([1000, 999, 500]) | st.integers(1, 1000))
    if draw(st.booleans()):
        doc["discount"] = {"rate": draw(st.sampled_from(FIELD_EXTREMES["rate"]))}
    else:
        rates = st.sampled_from(FIELD_EXTREMES["rate"][:-1])
        doc["discount"] = {
            "schedule": [
                {"from": 1, "rate": draw(rates)},
                {"from": draw(st.sampled_from([2, 500, 999, 1000, 2000])), "rate": draw(rates)},
            ]
        }
    for loc, v in locations(doc):
        if loc and loc[-1] in ("growth", "hazard", "amount") and draw(st.booleans()):
            parent_of(doc, loc)[loc[-1]] = draw(st.sampled_from(FIELD_EXTREMES[loc[-1]]))
        if isinstance(v, dict) and v.get("kind") == "annual" and draw(st.booleans()):
            v["growth"] = draw(st.sampled_from(FIELD_EXTREMES["growth"]))


def _uncertain(draw, doc):
    paths = ["discount.rate", "scenario.area", "hen.tax.amount", "nope.x.y", "", "a..b"]
    for loc, _ in locations(doc):
        if len(loc) == 4 and loc[0] == "options" and loc[2] == "flows":
            paths.append(f"{loc[1]}.{loc[3]}.amount")
    key = draw(st.sampled_from(paths) | st.text(max_size=8))
    spec = draw(
        st.sampled_from(
            [{"dist": "uniform", "low": 0, "high": 1}, {"dist": "normal"}, 0.5, "uniform", []]
        )
    )
    doc["uncertain"] = {key: copy.deepcopy(spec)}


MUTATIONS = [
    _set_value,
    _delete,
    _extra_key,
    _empty_table,
    _rename_option,
    _rename_flow,
    _duplicate_flow,
    _extreme_field,
    _long_and_steep,
    _uncertain,
]


@st.composite
def mutated_docs(draw):
    """A schema-generated document with up to four mutations; returns (doc, mutation names)."""
    doc = copy.deepcopy(draw(scenario_docs(max_options=3, max_flows=3, max_horizon=60)))
    done = []
    for _ in range(draw(st.integers(0, 4))):
        op = draw(st.sampled_from(MUTATIONS))
        op(draw, doc)
        done.append(op.__name__.lstrip("_"))
    return doc, done


def _names_ok(doc) -> bool:
    """False when a label or name is itself 'inf' or 'nan' (a cell that may show it)."""
    texts = [str(k) for loc, _ in locations(doc) for k in loc if isinstance(k, str)]
    texts += [v for _, v in locations(doc) if isinstance(v, str)]
    return not any(t.strip().lower() in NON_FINITE for t in texts)


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory(prefix="landcalc-fuzz-") as tmp:
        yield Path(tmp)


def write_doc(folder: Path, doc) -> str:
    path = folder / "fuzz.toml"
    path.write_text(doc_to_toml(doc), encoding="utf-8")
    return str(path)


def points_for(path: str, draw) -> str:
    """A small points CSV for the scenario at ``path`` (its paths if it loads).

    Most cells are near the file's value; some are extreme or out of range.
    """
    try:
        sc = load_scenario(path)
        current = {p: sc.value(p) for p in sc.paths()}
    except LandcalcError:
        current = {"scenario.area": 1.0}
    cols = draw(st.lists(st.sampled_from(sorted(current)), min_size=1, max_size=3, unique=True))

    def cell(col):
        v = current[col]
        whole = col.rsplit(".", 1)[-1] in ("horizon", "year", "start", "end", "ramp")
        near = [v, v + 1, max(v - 1, 0)] if whole else [v, v * 0.5, v * 2, v + 0.01, -v]
        pick = draw(st.integers(0, 9))
        if pick < 7:
            return draw(st.sampled_from(near))
        if pick < 9:
            return draw(st.sampled_from(EXTREME[:-3] + FIELD_EXTREMES["rate"]))
        return draw(st.floats(allow_nan=False) | st.integers(-(2**70), 2**70))

    rows = [[cell(c) for c in cols] for _ in range(draw(st.integers(1, 4)))]
    lines = [",".join(["id", *cols])]
    lines += [",".join([f"p{i}", *map(str, row)]) for i, row in enumerate(rows)]
    pts = Path(path).with_name("points.csv")
    pts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(pts)


# --------------------------------------------------------------------------
# Fuzz: mutated scenario documents, every command, every format


@settings(max_examples=examples(60), deadline=None, suppress_health_check=SLOW)
@given(case=mutated_docs())
def test_fuzz_compare(folder, case):
    doc, done = case
    note(f"mutations: {done}")
    path = write_doc(folder, doc)
    note(Path(path).read_text(encoding="utf-8"))
    result = every_format(["compare", path], "compare", path, _names_ok(doc))
    checked = every_format(["validate", path], "validate", path, _names_ok(doc))
    # validate fails exactly when loading fails; compare may also refuse a result
    # that cannot be represented (an overflow), never accept what validate refuses
    if checked != 0:
        assert result == checked


@settings(max_examples=examples(50), deadline=None, suppress_health_check=SLOW)
@given(case=mutated_docs())
def test_fuzz_cashflows(folder, case):
    doc, done = case
    note(f"mutations: {done}")
    path = write_doc(folder, doc)
    note(Path(path).read_text(encoding="utf-8"))
    every_format(["cashflows", path], "cashflows", path, _names_ok(doc))


@settings(max_examples=examples(80), deadline=None, suppress_health_check=SLOW)
@given(case=mutated_docs())
def test_fuzz_validate(folder, case):
    doc, done = case
    note(f"mutations: {done}")
    path = write_doc(folder, doc)
    note(Path(path).read_text(encoding="utf-8"))
    every_format(["validate", path], "validate", path, _names_ok(doc))


@settings(max_examples=examples(50), deadline=None, suppress_health_check=SLOW)
@given(case=mutated_docs(), data=st.data())
def test_fuzz_evaluate(folder, case, data):
    doc, done = case
    note(f"mutations: {done}")
    path = write_doc(folder, doc)
    note(Path(path).read_text(encoding="utf-8"))
    pts = points_for(path, data.draw)
    note(Path(pts).read_text(encoding="utf-8"))
    every_format(["evaluate", path, "--points", pts], "evaluate", None, _names_ok(doc))


def _rename_all(doc, draw):
    """Every option and flow renamed to a Chinese name (legal: no spaces or dots)."""
    pool = [f"{a}{b}" for a in CHINESE for b in ("", "甲", "乙", "二")]
    names = iter(draw(st.permutations(pool)))
    mapping = {}
    opts = {}
    for name, opt in doc["options"].items():
        mapping[name] = next(names)
        flows = opt.get("flows", {})
        renamed = dict(opt)
        if flows:
            renamed["flows"] = {next(names): f for f in flows.values()}
        opts[mapping[name]] = renamed
    doc["options"] = opts
    base = doc["scenario"].get("baseline")
    if base is not None:
        doc["scenario"]["baseline"] = mapping[base]
    return doc


@settings(max_examples=examples(30), deadline=None, suppress_health_check=SLOW)
@given(doc=scenario_docs(max_options=3, max_flows=3, max_horizon=60), data=st.data())
def test_fuzz_valid_documents_with_chinese_names_and_shared_flows_succeed(folder, doc, data):
    """Legal variations of a valid document: every command succeeds in every format."""
    doc = copy.deepcopy(doc)
    if data.draw(st.booleans()):
        _duplicate_flow(data.draw, doc)
    if data.draw(st.booleans()):
        doc = _rename_all(doc, data.draw)
    path = write_doc(folder, doc)
    note(Path(path).read_text(encoding="utf-8"))
    for command in ("compare", "cashflows", "validate"):
        assert every_format([command, path], command, path, _names_ok(doc)) == 0
    pts = points_for(path, data.draw)
    every_format(["evaluate", path, "--points", pts], "evaluate", None, _names_ok(doc))


# --------------------------------------------------------------------------
# Fuzz: command-line arguments

VALID = """\
[scenario]
name = "Fuzz base"
area = 10
horizon = 30

[discount]
rate = 0.05

[options.rooster]
label = "Residential land sale"

[options.rooster.flows.land_sale]
kind = "once"
amount = 30_000_000

[options.hen]
label = "Industrial land"

[options.hen.flows.land_sale]
kind = "once"
amount = 1_000_000

[options.hen.flows.tax]
kind = "annual"
amount = 1_200_000
share = 0.4
start = 2
ramp = 3
growth = 0.03
hazard = 0.02
"""

SET_PATHS = [
    "scenario.area",
    "scenario.horizon",
    "scenario.name",
    "scenario.area_unit",
    "scenario.baseline",
    "scenario.description",
    "discount.rate",
    "hen.tax.amount",
    "hen.tax.share",
    "hen.tax.start",
    "hen.tax.end",
    "hen.tax.ramp",
    "hen.tax.growth",
    "hen.tax.hazard",
    "hen.tax.kind",
    "hen.tax.basis",
    "hen.tax.year",
    "hen.label",
    "rooster.land_sale.year",
    "rooster.land_sale.amount",
    "options.hen.flows.tax.amount",
    "options.hen.tax",
    "hen",
    "hen.tax",
    "hen.tax.amount.x",
    "hen..amount",
    ".",
    "",
    "discount",
    "discount.schedule",
    "hen.tax.hazzard",
    "hn.tax.amount",
    "公鸡.税收.amount",
]
SET_VALUES = [
    "1",
    "0",
    "-0.0",
    "2.5",
    "1e300",
    "-1e300",
    "1e-300",
    "1e400",
    "-1e400",
    "1" + "0" * 400,
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "8%",
    "-100%",
    "1e400%",
    "x%",
    "%",
    "1,000",
    "1_000",
    "0x10",
    "0b11",
    ".5",
    "5.",
    "true",
    '"text"',
    "'text'",
    "[1, 2]",
    "{a = 1}",
    "2016-01-01",
    "annual",
    "once",
    "total",
    "ha",
    "hen",
    "rooster",
    "1\nx = 2",
    "1 # note",
    "",
    " ",
    "= 1",
    "-0.999999",
    "1000",
    "1001",
    "松江",
]


@st.composite
def _set_text(draw):
    """One --set argument: mostly a known path with a tricky value, sometimes garbage."""
    kind = draw(st.integers(0, 9))
    if kind == 0:
        return draw(st.text(max_size=16))
    path = draw(st.sampled_from(SET_PATHS)) if kind > 1 else draw(st.text(max_size=12))
    pick = draw(st.integers(0, 9))
    if pick < 6:
        value = draw(st.sampled_from(SET_VALUES))
    elif pick < 8:
        value = repr(draw(st.floats() | st.integers()))
    else:
        value = draw(st.text(max_size=12))
    return f"{path}={value}"


def _set_texts():
    return st.lists(_set_text(), min_size=1, max_size=3)


@settings(max_examples=examples(150), deadline=None, suppress_health_check=SLOW)
@given(
    sets=_set_texts(),
    command=st.sampled_from(["compare", "cashflows", "validate", "evaluate"]),
    fmt=st.sampled_from(FORMATS),
)
def test_fuzz_set(folder, sets, command, fmt):
    path = folder / "valid.toml"
    path.write_text(VALID, encoding="utf-8")
    args = [command, str(path)]
    if command == "evaluate":
        pts = folder / "valid-points.csv"
        pts.write_text("id,hen.tax.amount\na,500000\nb,2e6\n", encoding="utf-8")
        args += ["--points", str(pts)]
    for s in sets:
        args += ["--set", s]
    note(repr(args))
    res = run(*args, "--format", fmt)
    event(f"--set: exit {res.code}")
    outcome(res, command, fmt)


def _mostly(draw, good, anything, p=0.8):
    """A draw from ``good`` with probability about ``p``, else from ``anything``."""
    return draw(good) if draw(st.integers(0, 99)) < 100 * p else draw(anything)


@st.composite
def _mostly_valid(draw, valid, junk):
    return _mostly(draw, st.sampled_from(valid), st.sampled_from(junk) | st.text(max_size=6), 0.7)


@settings(max_examples=examples(100), deadline=None, suppress_health_check=SLOW)
@given(
    unit=_mostly_valid(["yuan", "wan", "yi", "k", "M", "B"], ["m", "lakh", "", "YUAN"]),
    fmt=_mostly_valid(list(FORMATS), ["xlsx", "JSON", "md", ""]),
    command=st.sampled_from(["compare", "cashflows", "validate", "evaluate", "portfolio"]),
)
def test_fuzz_unit_and_format(folder, unit, fmt, command):
    path = folder / "valid.toml"
    path.write_text(VALID, encoding="utf-8")
    args = [command, str(path), "--unit", unit, "--format", fmt]
    if command in ("evaluate", "portfolio"):
        pts = folder / "valid-points.csv"
        pts.write_text("id,hen.tax.amount\na,500000\nb,2e6\n", encoding="utf-8")
        args += ["--points" if command == "evaluate" else "--parcels", str(pts)]
    note(repr(args))
    res = run(*args)
    event(f"--unit/--format: exit {res.code}")
    outcome(res, command, fmt if fmt in FORMATS else "table")
    if unit in ("yuan", "wan", "yi", "k", "M", "B") and fmt in FORMATS:
        assert res.code == 0, res.stderr


POINT_HEADERS = [
    "id",
    "name",
    "district",
    "scenario.area",
    "scenario.horizon",
    "discount.rate",
    "hen.tax.amount",
    "hen.tax.start",
    "hen.tax.end",
    "hen.tax.ramp",
    "hen.tax.growth",
    "hen.tax.hazard",
    "hen.tax.share",
    "rooster.land_sale.year",
    "options.hen.flows.tax.amount",
    "hen.tax.kind",
    "hen.tax.hazzard",
    "hen.tax",
    "a.b",
    ".",
    "",
    " ",
    '"quoted"',
    "松江",
]
POINT_CELLS = [
    "0",
    "1",
    "2",
    "3",
    "50",
    "1000",
    "1001",
    "2.5",
    "-1",
    "0.05",
    "-0.999999",
    "0.999999",
    "1e300",
    "-1e300",
    "1e-300",
    "1e400",
    "nan",
    "inf",
    "-inf",
    "-0.0",
    "",
    " ",
    "1,000",
    '"1,000"',
    '"2"',
    '"',
    '"a\nb"',
    "abc",
    "8%",
    "0x10",
    "1_000",
    "松江",
    "\t",
]


GOOD_POINT_HEADERS = POINT_HEADERS[:15]
#: Valid cells for each field (and for columns carried through).
GOOD_POINT_CELLS = {
    "amount": ["5e5", "2000000", "0", "-1e6"],
    "share": ["0.5", "1", "0"],
    "growth": ["0.02", "-0.01", "0"],
    "hazard": ["0.03", "0"],
    "rate": ["0.05", "0.08", "0"],
    "area": ["10", "2.5", "1000"],
    "horizon": ["30", "50", "1000"],
    "start": ["2", "3"],
    "end": ["30", "40"],
    "ramp": ["0", "3"],
    "year": ["0", "5"],
    None: ["a", "Sijing", "松江", "7"],
}


@st.composite
def points_files(draw):
    """Bytes of a points CSV: mostly well-formed, with bad headers, cells, rows and bytes."""
    header = [
        _mostly(draw, st.sampled_from(GOOD_POINT_HEADERS), st.sampled_from(POINT_HEADERS))
        if draw(st.integers(0, 9))
        else draw(st.text(max_size=6))
        for _ in range(draw(st.integers(0, 4)))
    ]
    cell = st.sampled_from(POINT_CELLS) | st.text(max_size=5)
    fields = [h.rsplit(".", 1)[-1] if "." in h else None for h in header]
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 9)):
            good = [st.sampled_from(GOOD_POINT_CELLS.get(f, ["1"])) for f in fields]
        else:
            good = [st.sampled_from(GOOD_POINT_CELLS[None])] * draw(st.integers(0, 6))
        rows.append([_mostly(draw, g, cell, 0.9) for g in good])
    sep = _mostly(draw, st.just("\n"), st.sampled_from(["\r\n", "\n\n", "\r"]))
    text = sep.join(",".join(r) for r in [header, *rows])
    if draw(st.booleans()):
        text += "\n"
    encoding = _mostly(draw, st.just("utf-8"), st.sampled_from(["utf-8-sig", "gbk", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if draw(st.integers(0, 19)) == 0:
        data = draw(st.binary(max_size=40))
    return data


@settings(max_examples=examples(200), deadline=None, suppress_health_check=SLOW)
@given(
    data=points_files(),
    command=st.sampled_from(["evaluate", "portfolio", "portfolio-best"]),
    fmt=st.sampled_from(FORMATS),
)
def test_fuzz_points_and_parcels(folder, data, command, fmt):
    path = folder / "valid.toml"
    path.write_text(VALID, encoding="utf-8")
    pts = folder / "fuzz-points.csv"
    pts.write_bytes(data)
    note(repr(data))
    if command == "evaluate":
        args = ["evaluate", str(path), "--points", str(pts)]
    else:
        args = ["portfolio", str(path), "--parcels", str(pts)]
        if command == "portfolio-best":
            args += ["--choose", "best"]
    res = run(*args, "--format", fmt)
    event(f"points: exit {res.code}")
    # a carried-through column may hold the text "nan" or "inf"
    names_ok = not re.search(rb"(?i)nan|inf", data)
    outcome(res, "evaluate" if command == "evaluate" else "portfolio", fmt, names_ok=names_ok)


# --------------------------------------------------------------------------
# Regression tests: failures the fuzz tests found


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def one_error(res: Run) -> str:
    line = outcome(res, "compare", "table")
    assert line != 0, res.stdout[:500]
    return line


#: Rates near -1 over 1000 years: discount factors beyond the range of a float.
STEEP = VALID.replace("horizon = 30", "horizon = 1000").replace("rate = 0.05", "rate = -0.999999")


@pytest.mark.parametrize("fmt", FORMATS)
def test_cashflows_overflow_is_an_error_not_inf(tmp_path, fmt):
    """cashflows printed inf and nan (and numpy warnings) where a number overflowed."""
    path = write(tmp_path, "steep.toml", STEEP)
    line = one_error(run("cashflows", path, "--format", fmt))
    assert line == (
        f"error: {path}: the discount factor in year 52 cannot be represented (it overflows "
        "beyond 1.8e308); check amounts near 1e300, rates near -1 and growth over long horizons"
    )
    line = one_error(
        run(
            "cashflows",
            path,
            "--set",
            "discount.rate=0.05",
            "--set",
            "hen.tax.growth=1e300",
            "--format",
            fmt,
        )
    )
    assert "the cash of hen.tax in year 4 cannot be represented (it overflows beyond " in line


def test_schedule_overflow_is_no_crash(tmp_path):
    """A steep negative schedule was an internal error (OverflowError in the engine).

    The discount factor of the schedule's first period overflows at its end (year 499),
    beyond the horizon; within it every number fits (DF(30) is about 1e180). While the
    engine overflows, compare and evaluate say so in one line; once it does not, compare
    must agree with cashflows, which computes the schedule year by year.
    """
    text = VALID.replace(
        "rate = 0.05", "schedule = [{from = 1, rate = -0.999999}, {from = 500, rate = 0.0}]"
    )
    path = write(tmp_path, "schedule.toml", text)
    res = run("compare", path, "--format", "json")
    cf = run("cashflows", path, "--format", "json")
    assert outcome(cf, "cashflows", "json") == 0
    if outcome(res, "compare", "json") == 0:
        npv = json.loads(res.stdout)["options"]
        cumulative = json.loads(cf.stdout)["options"]
        for o in ("rooster", "hen"):
            assert npv[o]["npv"] == pytest.approx(cumulative[o]["cumulative"][-1], rel=1e-9)
    else:
        assert res.stderr == (
            f"error: {path}: a discount factor or an NPV cannot be represented (it overflows "
            "beyond 1.8e308); check amounts near 1e300, rates near -1 and growth over long "
            "horizons\n"
        )
    pts = write(tmp_path, "points.csv", "id,hen.tax.amount\na,1\n")
    res = run("evaluate", path, "--points", pts)
    if outcome(res, "evaluate", "table") != 0:
        assert res.stderr.startswith(f"error: --points {pts}: a discount factor or an NPV ")


@pytest.mark.parametrize(
    ("key", "shown"), [("\\r", "\\r"), ("\\u000b", "\\x0b"), ("\\u2028", "\\u2028")]
)
def test_error_with_a_line_break_in_a_name_stays_one_line(tmp_path, key, shown):
    """A key holding a line break (\\r, \\v, U+2028) split the error over two lines."""
    path = write(tmp_path, "x.toml", VALID + f'\n[uncertain]\n"{key}" = 1\n')
    line = one_error(run("validate", path))
    assert line == f"error: {path}: uncertain.{shown}: is not a parameter path (line 33)"
    res = run("compare", path, "--set", f"a{key.encode().decode('unicode_escape')}b")
    assert one_error(res) == f"error: --set a{shown}b: expected PATH=VALUE, e.g. hen.tax.amount=2e6"


@pytest.mark.parametrize("unit", ["m2", "mu"])
def test_area_that_rounds_to_zero_mu_is_an_error(tmp_path, unit):
    """5e-324 m2 is 0 mu: compare divided by it (ZeroDivisionError, exit 1)."""
    path = write(
        tmp_path, "x.toml", VALID.replace("area = 10", f'area = 5e-324\narea_unit = "{unit}"')
    )
    if unit == "mu":  # a tiny area in mu is still an area
        assert run("compare", path).code == 0
        return
    assert one_error(run("compare", path)) == (
        f"error: {path}: scenario.area = 5e-324: is too small to convert from m2 to mu "
        "(it rounds to 0) (line 3)"
    )
    big = VALID.replace("area = 10", 'area = 1e308\narea_unit = "ha"')
    line = one_error(run("compare", write(tmp_path, "y.toml", big)))
    assert "scenario.area = 1e+308: is too large to convert from ha to mu" in line
    ok = write(tmp_path, "ok.toml", VALID.replace("area = 10", 'area = 10\narea_unit = "m2"'))
    pts = write(tmp_path, "points.csv", "id,scenario.area\na,1\nb,5e-324\n")
    assert outcome(run("evaluate", ok, "--points", pts), "evaluate", "table") == (
        f"error: --points {pts}: line 3, column 2 (scenario.area): scenario.area = 5e-324: "
        "is too small to convert from m2 to mu (it rounds to 0)"
    )


def test_set_value_of_several_lines_is_not_cut_short(tmp_path):
    """--set 'hen.tax.amount=1\\nx = 2' silently set 1 and dropped the rest."""
    path = write(tmp_path, "x.toml", VALID)
    line = one_error(run("compare", path, "--set", "hen.tax.amount=1\nx = 2"))
    assert line == (
        'error: --set hen.tax.amount=1\\nx = 2: hen.tax.amount = "1\\nx = 2": '
        "must be a number, not a string"
    )


@pytest.mark.parametrize("command", ["evaluate", "portfolio"])
def test_land_book_overflow_names_the_row(tmp_path, command):
    """evaluate and portfolio wrote inf (CSV, table) or a silent null (JSON) on overflow."""
    path = write(tmp_path, "x.toml", VALID)
    pts = write(tmp_path, "points.csv", "id,rooster.land_sale.amount\na,1e6\nb,1e308\n")
    flag = "--points" if command == "evaluate" else "--parcels"
    for fmt in FORMATS:
        res = run(command, path, flag, pts, "--format", fmt)
        assert outcome(res, command, fmt) == (
            f"error: {flag} {pts}: line 3: the NPV of rooster cannot be represented (it "
            "overflows beyond 1.8e308 yuan); check amounts near 1e300, rates near -1 and "
            "growth over long horizons"
        )
    # every row fits, but their total does not
    pts = write(tmp_path, "big.csv", "id,rooster.land_sale.amount\na,1e307\nb,1e307\n")
    res = run("portfolio", path, "--parcels", pts, "--format", "json")
    assert outcome(res, "portfolio", "json") == (
        f"error: --parcels {pts}: the total NPV of rooster cannot be represented (it overflows "
        "beyond 1.8e308); check amounts near 1e300, rates near -1 and growth over long horizons"
    )


def test_tiny_negative_money_is_not_shown_as_minus_zero(tmp_path):
    """A difference of -7e-317 yuan showed as '-0' in the table."""
    path = write(tmp_path, "x.toml", VALID.replace("area = 10", "area = 1e-320"))
    out = run("compare", path).stdout
    assert "-0 " not in out and "-0.00" not in out
    assert re.search(r"│ hen\s+│\s+0 │", out), out


def test_chart_of_huge_values_has_short_labels(tmp_path):
    """--chart labelled its axis with a 290-digit number for amounts near 1e300."""
    path = write(tmp_path, "x.toml", VALID.replace("amount = 30_000_000", "amount = 1e300"))
    res = run("compare", path, "--chart", "--width", "60")
    assert res.code == 0, res.stderr
    chart = res.stdout.split("Cumulative discounted cash")[1]
    assert max(len(line) for line in chart.splitlines()) <= 60
    assert " 1.000e+292 " in chart


@pytest.mark.parametrize("fmt", FORMATS)
def test_npv_per_mu_overflow_is_an_error_not_inf(tmp_path, fmt):
    """An NPV of 1e300 over 1e-300 mu showed 'inf' per mu in tables and null in JSON."""
    text = VALID.replace("area = 10", "area = 1e-300").replace(
        "amount = 30_000_000", 'amount = 1e300\nbasis = "total"'
    )
    path = write(tmp_path, "x.toml", text)
    assert one_error(run("compare", path, "--format", fmt)) == (
        f"error: {path}: the NPV per mu of rooster cannot be represented (it overflows beyond "
        "1.8e308 yuan/mu); check amounts near 1e300, rates near -1 and growth over long horizons"
    )


def test_verdict_amount_overflow_is_left_out(tmp_path):
    """The verdict's 'would need' amount overflowed: a numpy warning (exit 1 under -W error)
    and 'it would need inf B yuan/mu/yr of tax'."""
    path = write(tmp_path, "x.toml", VALID)
    res = run(
        "compare", path, "--set", "hen.tax.ramp=1e300", "--set", "rooster.land_sale.amount=1e300"
    )
    assert outcome(res, "compare", "table") == 0
    assert res.stderr == ""
    assert res.stdout.rstrip().endswith("the hen is worth 1e+292 B yuan less than the rooster.")


@pytest.mark.parametrize("field", ["start", "end", "ramp"])
@pytest.mark.parametrize("value", ["9.223372036854776e+18", str(2**63), "1e300"])
def test_whole_years_beyond_int64_are_no_crash(tmp_path, field, value):
    """hen.tax.start = 2**63 (a whole number beyond int64) crashed cashflows (OverflowError)."""
    path = write(tmp_path, "x.toml", VALID)
    for command in ("compare", "cashflows"):
        for fmt in FORMATS:
            res = run(command, path, "--set", f"hen.tax.{field}={value}", "--format", fmt)
            assert outcome(res, command, fmt) == 0, res.stderr
