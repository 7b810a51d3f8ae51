"""The command line (SPEC sections 4 and 5): commands, formats, output files and errors.

Every run goes through ``landcalc.cli.main(argv)``, the console-script entry point,
inside ``CliRunner.isolation()``: that is where bad input becomes one ``error:``
line and exit status 2, so calling the click group alone would not test it.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import TWO

import landcalc
from landcalc.cli import main
from landcalc.template import TEMPLATE

SCENARIOS = Path(__file__).parent.parent / "scenarios"


THREE = """\
[scenario]
name = "Three options"
area = 1
area_unit = "ha"
horizon = 30
baseline = "hen"

[discount]
schedule = [{from = 1, rate = 0.035}, {from = 11, rate = 0.03}]

[options.rooster]
label = "Housing"

[options.rooster.flows.land_sale]
kind = "once"
amount = 30_000_000

[options.hen]
label = "Industry"

[options.hen.flows.tax]
kind = "annual"
amount = 2_000_000
share = 0.5

[options.mixed]
label = "Half of each"

[options.mixed.flows.land_sale]
kind = "once"
amount = 15_000_000

[options.mixed.flows.tax]
kind = "annual"
amount = 1_000_000
share = 0.5
"""

COMMANDS = ["compare", "cashflows", "validate", "new"]
FORMATS = ["table", "csv", "json", "markdown"]
UNIT_LABELS = {
    "yuan": "yuan",
    "wan": "wan yuan",
    "yi": "yi yuan",
    "k": "k yuan",
    "M": "M yuan",
    "B": "B yuan",
}
COMPARE_CSV_COLUMNS = [
    "file",
    "scenario",
    "option",
    "label",
    "baseline",
    "npv",
    "npv_per_mu",
    "undiscounted",
    "difference",
    "payback_year",
    "breakeven_rate",
]
HAZARD_LINE = TWO.splitlines().index("hazard = 0.02") + 1
PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?(e[+-]?\d+)?$")


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run(*args: str, input: str | None = None) -> Run:
    """Run ``landcalc ARGS`` through ``main`` and capture stdout, stderr and the exit status."""
    runner = CliRunner()
    with runner.isolation(input=input) as (out, err, _):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code
        else:  # pragma: no cover - main always exits
            raise AssertionError("main() returned without sys.exit")
        sys.stdout.flush()  # what a real process does at exit
        sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8")
        stderr = err.getvalue().decode("utf-8")
    assert isinstance(code, int), code
    return Run(code, stdout, stderr)


def ok(*args: str) -> Run:
    res = run(*args)
    assert res.code == 0, res.stderr
    assert "Traceback" not in res.stdout + res.stderr
    return res


def fails(*args: str) -> str:
    """Run a command that must fail on bad input; return its one error line."""
    res = run(*args)
    assert res.code == 2, (res.code, res.stderr)
    assert res.stdout == ""
    assert "Traceback" not in res.stdout + res.stderr
    assert res.stderr.endswith("\n")
    lines = res.stderr.splitlines()
    assert len(lines) == 1, res.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture
def files(tmp_path, monkeypatch):
    """Work in a fresh folder holding two.toml and three.toml."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "two.toml").write_text(TWO, encoding="utf-8")
    (tmp_path / "three.toml").write_text(THREE, encoding="utf-8")
    return tmp_path


def compare_json(*args: str) -> dict | list:
    return json.loads(ok("compare", *args, "--format", "json").stdout)


def parse_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------
# compare


def test_compare_json_has_exactly_the_spec_keys(files):
    data = compare_json("two.toml")
    assert set(data) == {"scenario", "options", "comparisons"}
    assert set(data["scenario"]) == {"name", "file", "area_mu", "horizon", "baseline"}
    assert data["scenario"] == {
        "name": "Two options",
        "file": "two.toml",
        "area_mu": 10.0,
        "horizon": 20,
        "baseline": "rooster",
    }
    assert list(data["options"]) == ["rooster", "hen"]
    for opt in data["options"].values():
        assert set(opt) == {"label", "npv", "npv_per_mu", "undiscounted", "flows"}
    assert data["options"]["hen"]["label"] == "Industrial land, taxes over time"
    assert list(data["options"]["hen"]["flows"]) == ["land_sale", "tax"]
    assert list(data["comparisons"]) == ["hen"]
    assert set(data["comparisons"]["hen"]) == {"difference", "payback_year", "breakeven_rate"}


def test_compare_json_numbers(files):
    data = compare_json("two.toml")
    rooster, hen = data["options"]["rooster"], data["options"]["hen"]
    assert rooster["npv"] == 300_000_000.0
    assert rooster["npv_per_mu"] == 30_000_000.0
    assert rooster["undiscounted"] == 300_000_000.0
    assert rooster["flows"] == {"land_sale": 300_000_000.0}
    assert hen["flows"]["land_sale"] == 10_000_000.0
    # the flows add up to the NPV; the NPV per mu is the NPV over the area
    assert sum(hen["flows"].values()) == pytest.approx(hen["npv"], rel=1e-12)
    assert hen["npv_per_mu"] == pytest.approx(hen["npv"] / 10, rel=1e-12)
    assert hen["undiscounted"] > hen["npv"] > 0
    cmp = data["comparisons"]["hen"]
    assert cmp["difference"] == pytest.approx(hen["npv"] - rooster["npv"], rel=1e-12)
    assert cmp["difference"] < 0
    assert cmp["payback_year"] is None
    assert isinstance(cmp["breakeven_rate"], float)
    assert -0.99 < cmp["breakeven_rate"] < 0.05


def test_compare_three_options_against_a_named_baseline(files):
    data = compare_json("three.toml")
    assert data["scenario"]["baseline"] == "hen"
    assert data["scenario"]["area_mu"] == 15.0
    assert list(data["options"]) == ["rooster", "hen", "mixed"]
    assert list(data["comparisons"]) == ["rooster", "mixed"]
    for name, cmp in data["comparisons"].items():
        assert set(cmp) == {"difference", "payback_year", "breakeven_rate"}
        expected = data["options"][name]["npv"] - data["options"]["hen"]["npv"]
        assert cmp["difference"] == pytest.approx(expected, rel=1e-12)


def test_compare_several_files_gives_a_json_list(files):
    data = compare_json("two.toml", "three.toml")
    assert isinstance(data, list)
    assert [d["scenario"]["file"] for d in data] == ["two.toml", "three.toml"]
    assert [d["scenario"]["name"] for d in data] == ["Two options", "Three options"]
    for d in data:
        assert set(d) == {"scenario", "options", "comparisons"}
    assert data[0] == compare_json("two.toml")
    assert data[1] == compare_json("three.toml")


def test_compare_csv_carries_plain_yuan(files):
    rows = parse_csv(ok("compare", "two.toml", "-f", "csv", "--unit", "wan").stdout)
    data = compare_json("two.toml")
    assert list(rows[0])[: len(COMPARE_CSV_COLUMNS)] == COMPARE_CSV_COLUMNS
    assert list(rows[0])[len(COMPARE_CSV_COLUMNS) :] == ["flow.land_sale", "flow.tax"]
    assert [r["option"] for r in rows] == ["rooster", "hen"]
    assert [r["baseline"] for r in rows] == ["true", "false"]
    for row in rows:
        opt = data["options"][row["option"]]
        for key in ("npv", "npv_per_mu", "undiscounted"):
            assert PLAIN_NUMBER.match(row[key]), row[key]
            assert float(row[key]) == opt[key]
    assert rows[0]["npv"] == "300000000"
    hen = rows[1]
    assert float(hen["difference"]) == data["comparisons"]["hen"]["difference"]
    assert float(hen["breakeven_rate"]) == data["comparisons"]["hen"]["breakeven_rate"]
    assert hen["payback_year"] == ""
    assert rows[0]["difference"] == ""
    assert float(hen["flow.tax"]) == data["options"]["hen"]["flows"]["tax"]
    assert rows[0]["flow.tax"] == ""


def test_compare_csv_of_several_files(files):
    rows = parse_csv(ok("compare", "two.toml", "three.toml", "-f", "csv").stdout)
    assert [(r["file"], r["option"]) for r in rows] == [
        ("two.toml", "rooster"),
        ("two.toml", "hen"),
        ("three.toml", "rooster"),
        ("three.toml", "hen"),
        ("three.toml", "mixed"),
    ]


def test_compare_table_ends_with_the_verdict(files):
    out = ok("compare", "two.toml").stdout
    lines = [line.rstrip() for line in out.splitlines() if line.strip()]
    assert "Two options" in lines[0]
    assert "Against the baseline (rooster)" in out
    assert "rooster (baseline)" in out
    verdict = lines[-1]
    assert verdict.startswith("At 5% over 20 years the hen is worth ")
    assert " less than the rooster" in verdict
    assert verdict.endswith(".")
    assert "\x1b[" not in out  # no colour codes when not on a terminal


def test_compare_table_verdicts_of_three_options(files):
    out = ok("compare", "three.toml").stdout
    lines = [line.rstrip() for line in out.splitlines() if line.strip()]
    assert lines[-2].startswith("At 3.5% falling to 3% over 30 years the rooster is worth ")
    assert lines[-1].startswith("At 3.5% falling to 3% over 30 years the mixed is worth ")
    for line in lines[-2:]:
        assert "than the hen" in line
        assert line.endswith(".")
    assert "hen (baseline)" in out


def test_compare_markdown(files):
    out = ok("compare", "two.toml", "-f", "markdown").stdout
    assert out.startswith("### Two options")
    assert "| Option | Label | NPV [M yuan] |" in out
    assert "| rooster (baseline) | Residential land sale | 300.00 |" in out
    assert out.rstrip().splitlines()[-1].startswith("At 5% over 20 years the hen is worth ")


@pytest.mark.parametrize("unit", list(UNIT_LABELS))
def test_unit_in_table_and_markdown_headers(files, unit):
    label = UNIT_LABELS[unit]
    for fmt in ("table", "markdown"):
        out = ok("compare", "two.toml", "--unit", unit, "-f", fmt).stdout
        assert f"NPV [{label}]" in out
        assert f"NPV per mu [{label}/mu]" in out
        assert f"Undiscounted [{label}]" in out
        assert f"Difference [{label}]" in out


@pytest.mark.parametrize(
    ("unit", "shown"),
    [
        ("yuan", "300,000,000"),
        ("wan", "30,000.00"),
        ("yi", "3.00"),
        ("k", "300,000.00"),
        ("M", "300.00"),
        ("B", "0.30"),
    ],
)
def test_unit_scales_the_money(files, unit, shown):
    out = ok("compare", "two.toml", "--unit", unit, "-f", "markdown").stdout
    assert f"| rooster (baseline) | Residential land sale | {shown} |" in out


@pytest.mark.parametrize("unit", list(UNIT_LABELS))
def test_unit_does_not_change_machine_formats(files, unit):
    plain_json = ok("compare", "two.toml", "-f", "json").stdout
    plain_csv = ok("compare", "two.toml", "-f", "csv").stdout
    assert ok("compare", "two.toml", "-f", "json", "--unit", unit).stdout == plain_json
    assert ok("compare", "two.toml", "-f", "csv", "--unit", unit).stdout == plain_csv


def test_set_overrides_change_the_result(files):
    base = compare_json("two.toml")
    more = compare_json("two.toml", "--set", "hen.tax.amount=2e6")
    assert more["options"]["hen"]["flows"]["tax"] == pytest.approx(
        base["options"]["hen"]["flows"]["tax"] * 2e6 / 1.2e6, rel=1e-12
    )
    assert more["options"]["rooster"] == base["options"]["rooster"]
    long = compare_json("two.toml", "--set", "options.hen.flows.tax.amount=2_000_000")
    assert long == more


def test_set_repeatable_and_percent(files):
    data = compare_json(
        "two.toml",
        "--set",
        "discount.rate=0%",
        "--set",
        "hen.tax.growth=0",
        "--set",
        "hen.tax.hazard=0",
        "--set",
        "hen.tax.ramp=0",
        "--set",
        "scenario.name=Flat case",
    )
    assert data["scenario"]["name"] == "Flat case"
    # 19 years (2..20) of 1.2 M x 0.4 x 10 mu, undiscounted
    assert data["options"]["hen"]["flows"]["tax"] == pytest.approx(19 * 4_800_000, rel=1e-12)
    assert data["options"]["hen"]["npv"] == data["options"]["hen"]["undiscounted"]


def test_set_discount_rate_replaces_a_schedule(files):
    flat = compare_json("three.toml", "--set", "discount.rate=0")
    hen = flat["options"]["hen"]
    assert hen["npv"] == pytest.approx(hen["undiscounted"], rel=1e-12)
    assert hen["npv"] == pytest.approx(30 * 2_000_000 * 0.5 * 15, rel=1e-12)
    out = ok("compare", "three.toml", "--set", "discount.rate=6%").stdout
    assert out.strip().splitlines()[-1].startswith("At 6% over 30 years")


def test_songjiang_from_the_repository():
    path = str(SCENARIOS / "songjiang-2016.toml")
    data = json.loads(ok("compare", path, "-f", "json").stdout)
    assert data["scenario"] == {
        "name": "Songjiang 2016: rooster or hen",
        "file": path,
        "area_mu": 1000.0,
        "horizon": 50,
        "baseline": "rooster",
    }
    assert data["options"]["rooster"]["npv"] == pytest.approx(6e9, rel=1e-12)
    assert list(data["comparisons"]) == ["hen"]


# --------------------------------------------------------------------------
# cashflows


def test_cashflows_json(files):
    data = json.loads(ok("cashflows", "two.toml", "-f", "json").stdout)
    assert set(data) == {"scenario", "years", "discount_factor", "options", "comparisons"}
    assert data["years"] == list(range(21))
    assert data["discount_factor"][0] == 1.0
    assert data["discount_factor"][1] == pytest.approx(1 / 1.05, rel=1e-15)
    assert data["discount_factor"][20] == pytest.approx(1.05**-20, rel=1e-12)
    hen = data["options"]["hen"]
    assert hen["flows"]["tax"][:3] == [0.0, 0.0, pytest.approx(1_200_000 * 0.4 * 10 / 4)]
    assert hen["cumulative"][-1] == pytest.approx(compare_json("two.toml")["options"]["hen"]["npv"])
    assert list(data["comparisons"]) == ["hen"]


def test_cashflows_csv(files):
    rows = parse_csv(ok("cashflows", "two.toml", "-f", "csv").stdout)
    assert len(rows) == 21
    assert [int(r["year"]) for r in rows] == list(range(21))
    assert list(rows[0])[:2] == ["year", "discount_factor"]
    for key in ("cash.hen.tax", "cash.hen", "discounted.hen", "cumulative.rooster"):
        assert key in rows[0]
    assert rows[0]["cash.rooster"] == "300000000"
    for r in rows:
        for key in ("cash.hen", "cumulative.hen", "cumulative_difference.hen"):
            assert PLAIN_NUMBER.match(r[key]), r[key]
    npv = compare_json("two.toml")["comparisons"]["hen"]["difference"]
    assert float(rows[-1]["cumulative_difference.hen"]) == pytest.approx(npv, rel=1e-12)


def test_cashflows_table_and_markdown(files):
    table = ok("cashflows", "two.toml").stdout
    assert "rooster: Residential land sale (baseline)" in table
    assert "hen minus rooster" in table
    assert "Discount factor" in table
    md = ok("cashflows", "two.toml", "-f", "markdown", "--unit", "wan").stdout
    assert md.startswith("### rooster: Residential land sale (baseline)")
    assert "Cash [wan yuan]" in md
    assert "### hen minus rooster" in md


# --------------------------------------------------------------------------
# validate


def test_validate_table(files):
    res = ok("validate", "two.toml", "three.toml")
    assert res.stdout.splitlines() == [
        'ok: two.toml: "Two options", 2 options (rooster, hen), baseline rooster, 20 years, 10 mu',
        'ok: three.toml: "Three options", 3 options (rooster, hen, mixed), baseline hen, '
        "30 years, 15 mu",
    ]
    assert res.stderr == ""


def test_validate_json_csv_markdown(files):
    data = json.loads(ok("validate", "two.toml", "three.toml", "-f", "json").stdout)
    assert [d["file"] for d in data] == ["two.toml", "three.toml"]
    assert data[1] == {
        "file": "three.toml",
        "valid": True,
        "scenario": "Three options",
        "options": ["rooster", "hen", "mixed"],
        "baseline": "hen",
        "horizon": 30,
        "area_mu": 15.0,
        "error": None,
    }
    rows = parse_csv(ok("validate", "two.toml", "-f", "csv").stdout)
    assert rows == [
        {
            "file": "two.toml",
            "valid": "true",
            "scenario": "Two options",
            "options": "rooster, hen",
            "baseline": "rooster",
            "horizon": "20",
            "area_mu": "10",
            "error": "",
        }
    ]
    md = ok("validate", "two.toml", "-f", "markdown").stdout
    assert md.startswith("### Scenario files")
    assert "| two.toml | yes | Two options | rooster, hen | rooster | 20 | 10 |" in md


def test_validate_the_bundled_scenarios():
    paths = sorted(str(p) for p in SCENARIOS.glob("*.toml"))
    assert len(paths) >= 2
    res = ok("validate", *paths)
    lines = res.stdout.splitlines()
    assert len(lines) == len(paths)
    for line, path in zip(lines, paths, strict=True):
        assert line.startswith(f"ok: {path}: ")


def test_validate_one_good_one_bad(files):
    (files / "bad.toml").write_text(TWO.replace("hazard = 0.02", "hazard = 1.5"))
    res = run("validate", "two.toml", "bad.toml")
    assert res.code == 2
    assert res.stdout.splitlines() == [
        'ok: two.toml: "Two options", 2 options (rooster, hen), baseline rooster, 20 years, 10 mu'
    ]
    assert res.stderr.splitlines() == [
        "error: bad.toml: hen.tax.hazard = 1.5: must be at least 0 and below 1"
        f" (line {HAZARD_LINE})"
    ]
    assert "Traceback" not in res.stdout + res.stderr


def test_validate_one_good_one_bad_json(files):
    res = run("validate", "two.toml", "missing.toml", "-f", "json")
    assert res.code == 2
    data = json.loads(res.stdout)
    assert [d["valid"] for d in data] == [True, False]
    assert data[1]["error"] == "missing.toml: no such file"
    assert res.stderr == "error: missing.toml: no such file\n"


def test_validate_with_set(files):
    res = run("validate", "two.toml", "--set", "hen.tax.hazard=1.5")
    assert res.code == 2
    assert res.stdout == ""
    assert res.stderr == (
        "error: --set hen.tax.hazard=1.5: hen.tax.hazard = 1.5: must be at least 0 and below 1\n"
    )


# --------------------------------------------------------------------------
# Every command in every format, and -o


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", ["compare", "cashflows", "validate"])
def test_every_command_in_every_format(files, command, fmt):
    out = ok(command, "two.toml", "--format", fmt).stdout
    assert out.endswith("\n")
    if fmt == "json":
        data = json.loads(out)
        if command == "validate":
            assert data[0]["file"] == "two.toml"
        else:
            assert data["scenario"]["file"] == "two.toml"
    elif fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        assert len(rows) >= 2
        assert all(len(r) == len(rows[0]) for r in rows)
    elif fmt == "markdown":
        assert out.startswith("### ")
        assert re.search(r"^\| (---:?|:?---) \|", out, flags=re.M)
    else:
        assert "two.toml" in out or "Two options" in out or "rooster" in out
        assert not out.lstrip().startswith(("{", "[", "###"))


@pytest.mark.parametrize(
    ("ext", "fmt"), [(".csv", "csv"), (".json", "json"), (".md", "markdown"), (".txt", "table")]
)
@pytest.mark.parametrize("command", ["compare", "cashflows", "validate"])
def test_output_format_from_extension(files, command, ext, fmt):
    target = files / f"out{ext}"
    res = ok(command, "two.toml", "-o", str(target))
    assert res.stdout == ""
    written = target.read_text(encoding="utf-8")
    if command == "validate" and fmt == "table":
        # on stdout, validate prints one "ok:" line per file; a file gets the table
        assert written.startswith("Scenario files")
        assert re.search(r"two\.toml\s+\S+\s+yes\s+\S+\s+Two options", written)
    else:
        assert written == ok(command, "two.toml", "--format", fmt).stdout
    assert leftovers(files) == []


def test_output_uppercase_extension_and_relative_name(files):
    ok("compare", "two.toml", "-o", "OUT.JSON")
    assert json.loads((files / "OUT.JSON").read_text())["scenario"]["file"] == "two.toml"


def test_format_wins_over_extension(files):
    ok("compare", "two.toml", "-o", "out.txt", "--format", "json")
    assert json.loads((files / "out.txt").read_text())["scenario"]["name"] == "Two options"


def test_output_replaces_an_existing_file(files):
    target = files / "out.csv"
    target.write_text("old\n")
    ok("compare", "two.toml", "-o", "out.csv")
    assert target.read_text().startswith("file,scenario,option,")
    assert leftovers(files) == []


def test_output_dash_is_stdout(files):
    res = ok("compare", "two.toml", "-o", "-", "-f", "json")
    assert json.loads(res.stdout)["scenario"]["file"] == "two.toml"
    assert not (files / "-").exists()


# --------------------------------------------------------------------------
# new


def test_new_writes_a_template_that_validates_and_compares(files):
    res = ok("new", "plot.toml")
    assert res.stdout == ""
    assert "wrote plot.toml" in res.stderr
    assert (files / "plot.toml").read_text(encoding="utf-8") == TEMPLATE
    assert ok("validate", "plot.toml").stdout.startswith('ok: plot.toml: "My plot: rooster or hen"')
    data = compare_json("plot.toml")
    assert data["scenario"]["baseline"] == "rooster"
    assert list(data["comparisons"]) == ["hen"]
    assert ok("compare", "plot.toml").stdout.strip().splitlines()[-1].startswith("At 8% over 50")
    assert leftovers(files) == []


def test_new_refuses_to_overwrite_without_force(files):
    target = files / "plot.toml"
    target.write_text("# mine\n")
    line = fails("new", "plot.toml")
    assert line == "error: plot.toml: already exists; use --force to overwrite it"
    assert target.read_text() == "# mine\n"
    ok("new", "plot.toml", "--force")
    assert target.read_text(encoding="utf-8") == TEMPLATE


def test_new_to_stdout(files):
    res = ok("new", "-")
    assert res.stdout == TEMPLATE
    assert not (files / "-").exists()


# --------------------------------------------------------------------------
# Help and version


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_has_examples(command):
    args = ["--help"] if command is None else [command, "--help"]
    res = ok(*args)
    assert "Example" in res.stdout
    assert res.stdout.startswith("Usage: landcalc")


def test_group_help_lists_every_command():
    out = ok("--help").stdout
    for command in COMMANDS:
        assert re.search(rf"^\s+{command}\s", out, flags=re.M), command


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag):
    res = ok(flag)
    assert res.stdout == f"landcalc, version {landcalc.__version__}\n"


# --------------------------------------------------------------------------
# Errors: exit status 2, one line on stderr, nothing on stdout, no traceback


def test_missing_file(files):
    assert fails("compare", "nope.toml") == "error: nope.toml: no such file"


def test_missing_second_file(files):
    assert fails("compare", "two.toml", "nope.toml") == "error: nope.toml: no such file"


def test_bad_toml(files):
    (files / "bad.toml").write_text(TWO.replace("area = 10", "area = = 10"))
    line = fails("compare", "bad.toml")
    assert line.startswith("error: bad.toml: not valid TOML: ")
    assert line.endswith(" (line 3)")


def test_unknown_key(files):
    (files / "bad.toml").write_text(TWO.replace("hazard = 0.02", "hazzard = 0.02"))
    assert fails("compare", "bad.toml") == (
        "error: bad.toml: hen.tax.hazzard: unknown key; did you mean 'hazard'?"
        f" (line {HAZARD_LINE})"
    )


@pytest.mark.parametrize("command", ["compare", "cashflows"])
def test_value_out_of_range(files, command):
    (files / "bad.toml").write_text(TWO.replace("hazard = 0.02", "hazard = 1.5"))
    assert fails(command, "bad.toml") == (
        "error: bad.toml: hen.tax.hazard = 1.5: must be at least 0 and below 1"
        f" (line {HAZARD_LINE})"
    )


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("hen.tax.amount", "error: --set hen.tax.amount: expected PATH=VALUE"),
        ("hen.tax.hazzard=0.1", "error: --set hen.tax.hazzard=0.1: unknown field 'hazzard'"),
        ("hn.tax.amount=1", "error: --set hn.tax.amount=1: unknown option 'hn'"),
        (
            "hen.tax.amount=abc",
            'error: --set hen.tax.amount=abc: hen.tax.amount = "abc": '
            "must be a number, not a string",
        ),
        (
            "hen.tax.hazard=1.5",
            "error: --set hen.tax.hazard=1.5: hen.tax.hazard = 1.5: must be at least 0 and below 1",
        ),
        ("hen.tax.amount=nan", "error: --set hen.tax.amount=nan: hen.tax.amount = nan: must be"),
        ("discount.rate=x%", "error: --set discount.rate=x%: 'x%' is not a percentage"),
    ],
)
def test_bad_set(files, setting, expected):
    line = fails("compare", "two.toml", "--set", setting)
    assert line.startswith(expected)
    assert "(line" not in line


@pytest.mark.parametrize(
    ("setting", "hint"),
    [
        ("hen.tax.hazzard=0.1", "did you mean 'hazard'?"),
        ("hn.tax.amount=1", "did you mean 'hen'?"),
        ("hen.tx.amount=1", "did you mean 'tax'?"),
        ("scenario.aera=1", "did you mean 'scenario.area'?"),
    ],
)
def test_bad_set_path_has_did_you_mean(files, setting, hint):
    assert fails("cashflows", "two.toml", "--set", setting).endswith(hint)


def test_unknown_format(files):
    line = fails("compare", "two.toml", "--format", "xml")
    assert "'xml' is not one of" in line
    assert "landcalc compare --help" in line


def test_unknown_unit(files):
    line = fails("compare", "two.toml", "--unit", "lakh")
    assert "'lakh' is not one of" in line


def test_unknown_command():
    assert fails("compair") == (
        "error: no such command 'compair'; did you mean 'compare'? (see 'landcalc --help')"
    )


def test_no_file_given():
    line = fails("compare")
    assert "Missing argument" in line


def test_output_unknown_extension(files):
    assert fails("compare", "two.toml", "-o", "out.xyz") == (
        "error: -o out.xyz: cannot tell the format from '.xyz'; "
        "use .csv, .json, .md, .txt or .xlsx, or give --format table|csv|json|markdown"
    )
    assert not (files / "out.xyz").exists()


def test_output_no_extension(files):
    line = fails("compare", "two.toml", "-o", "result")
    assert line.startswith("error: -o result: cannot tell the format from 'no extension'")


def test_output_into_a_missing_folder(files):
    assert fails("compare", "two.toml", "-o", "nowhere/out.csv") == (
        "error: -o nowhere/out.csv: the folder 'nowhere' does not exist"
    )
    assert not (files / "nowhere").exists()


@pytest.mark.parametrize("extra", [[], ["--format", "csv"]])
def test_output_is_a_folder(files, extra):
    (files / "sub").mkdir()
    assert fails("compare", "two.toml", "-o", "sub", *extra) == (
        "error: -o sub: is a folder; give a file name"
    )
    assert list((files / "sub").iterdir()) == []


def test_output_folder_with_an_extension(files):
    (files / "out.csv").mkdir()
    assert fails("cashflows", "two.toml", "-o", "out.csv") == (
        "error: -o out.csv: is a folder; give a file name"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "bad.toml"],
        ["compare", "two.toml", "bad.toml"],
        ["compare", "two.toml", "--set", "hen.tax.hazard=2"],
        ["cashflows", "bad.toml"],
    ],
)
def test_failed_run_leaves_an_existing_output_untouched(files, args):
    (files / "bad.toml").write_text(TWO.replace("hazard = 0.02", "hazard = 1.5"))
    target = files / "result.json"
    target.write_text('{"old": true}\n')
    fails(*args, "-o", "result.json")
    assert target.read_text() == '{"old": true}\n'
    assert leftovers(files) == []
    assert sorted(p.name for p in files.iterdir()) == [
        "bad.toml",
        "result.json",
        "three.toml",
        "two.toml",
    ]


def test_failed_run_creates_no_output(files):
    fails("compare", "nope.toml", "-o", "result.csv")
    assert not (files / "result.csv").exists()
    assert leftovers(files) == []


def test_error_in_a_real_process(tmp_path):
    """The console entry point: exit status 2 and one line, no traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "landcalc", "compare", "nope.toml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == "error: nope.toml: no such file\n"


# --------------------------------------------------------------------------
# Start-up cost


@pytest.mark.parametrize("args", [["--help"], ["compare", "--help"]])
def test_help_does_not_import_numpy(args):
    code = (
        "import sys\n"
        "from landcalc.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "print('numpy' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Usage: landcalc" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "False"
