"""The what-if commands through ``landcalc.cli.main``: sweep, tornado, breakeven.

Sweep rows are checked against ``landcalc compare --set ...`` run on the same
values; errors must be one ``error:`` line naming the bad text, exit status 2
and no output file.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shlex
import subprocess
import sys

import pytest
from conftest import ROOT, SCENARIOS
from test_cli import THREE, TWO, fails, leftovers, ok, run

SONGJIANG = str(SCENARIOS / "songjiang-2016.toml")

UNCERTAIN = (
    TWO
    + """
[uncertain]
"hen.tax.amount" = { dist = "uniform", low = 8e5, high = 2e6 }
"discount.rate" = { dist = "triangular", low = 0.03, mode = 0.05, high = 0.09 }
"""
)


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "two.toml").write_text(TWO, encoding="utf-8")
    (tmp_path / "three.toml").write_text(THREE, encoding="utf-8")
    (tmp_path / "unc.toml").write_text(UNCERTAIN, encoding="utf-8")
    return tmp_path


def rows_of(text):
    return list(csv.DictReader(io.StringIO(text)))


def number(cell):
    return None if cell == "" else float(cell)


def compare_json(file, sets):
    args = ["compare", file, "-f", "json"]
    for s in sets:
        args += ["--set", s]
    return json.loads(ok(*args).stdout)


def assert_rows_equal_compare(file, rows, paths, options, alternatives):
    for row in rows:
        ref = compare_json(file, [f"{p}={row[p]}" for p in paths])
        scale = max(abs(o["npv"]) for o in ref["options"].values())
        for o in options:
            assert float(row[f"npv.{o}"]) == pytest.approx(
                ref["options"][o]["npv"], abs=1e-12 * scale
            )
        for o in alternatives:
            c = ref["comparisons"][o]
            assert float(row[f"difference.{o}"]) == pytest.approx(
                c["difference"], abs=1e-12 * scale
            )
            pb = row[f"payback_year.{o}"]
            assert (None if pb == "" else int(pb)) == c["payback_year"]
            br = number(row[f"breakeven_rate.{o}"])
            if c["breakeven_rate"] is None:
                assert br is None
            else:
                assert br == pytest.approx(c["breakeven_rate"], abs=1e-10)


# --------------------------------------------------------------------------
# sweep


def test_one_way_sweep_csv_equals_compare(files):
    out = ok("sweep", "two.toml", "--vary", "hen.tax.amount=1e6:1e7:4", "-f", "csv").stdout
    rows = rows_of(out)
    assert out.splitlines()[0] == (
        "hen.tax.amount,npv.rooster,npv.hen,difference.hen,payback_year.hen,breakeven_rate.hen"
    )
    assert [r["hen.tax.amount"] for r in rows] == ["1000000", "4000000", "7000000", "10000000"]
    assert {r["payback_year.hen"] for r in rows} - {""}  # some pay back
    assert_rows_equal_compare("two.toml", rows, ["hen.tax.amount"], ["rooster", "hen"], ["hen"])


def test_two_way_sweep_csv_equals_compare(files):
    out = ok(
        "sweep",
        "two.toml",
        "--vary",
        "hen.tax.start=1,4",
        "--vary",
        "discount.rate=2%:8%:3",
        "--set",
        "hen.tax.amount=5e6",
        "-f",
        "csv",
    ).stdout
    rows = rows_of(out)
    assert [(r["hen.tax.start"], r["discount.rate"]) for r in rows] == [
        ("1", "0.02"),
        ("1", "0.05"),
        ("1", "0.08"),
        ("4", "0.02"),
        ("4", "0.05"),
        ("4", "0.08"),
    ]
    for r in rows:
        ref = compare_json(
            "two.toml",
            [
                f"hen.tax.start={r['hen.tax.start']}",
                f"discount.rate={r['discount.rate']}",
                "hen.tax.amount=5e6",
            ],
        )
        c = ref["comparisons"]["hen"]
        assert float(r["difference.hen"]) == pytest.approx(c["difference"], rel=1e-12)
        assert (None if r["payback_year.hen"] == "" else int(r["payback_year.hen"])) == c[
            "payback_year"
        ]
        assert float(r["breakeven_rate.hen"]) == pytest.approx(c["breakeven_rate"], abs=1e-10)


def test_three_way_sweep_of_three_options_equals_compare(files):
    out = ok(
        "sweep",
        "three.toml",
        "--vary",
        "mixed.tax.amount=5e5,2e6",
        "--vary",
        "scenario.horizon=10,30",
        "--vary",
        "rooster.land_sale.year=0,5",
        "-o",
        "grid.csv",
    )
    assert out.stdout == ""
    text = (files / "grid.csv").read_text(encoding="utf-8")
    rows = rows_of(text)
    assert len(rows) == 8
    assert list(rows[0]) == [
        "mixed.tax.amount",
        "scenario.horizon",
        "rooster.land_sale.year",
        "npv.rooster",
        "npv.hen",
        "npv.mixed",
        "difference.rooster",
        "payback_year.rooster",
        "breakeven_rate.rooster",
        "difference.mixed",
        "payback_year.mixed",
        "breakeven_rate.mixed",
    ]
    assert_rows_equal_compare(
        "three.toml",
        rows,
        ["mixed.tax.amount", "scenario.horizon", "rooster.land_sale.year"],
        ["rooster", "hen", "mixed"],
        ["rooster", "mixed"],
    )


def test_sweep_json_is_a_list_of_rows_like_the_csv(files):
    args = ["sweep", "two.toml", "--vary", "hen.tax.ramp=0,5", "--vary", "hen.tax.share=0.1,1"]
    data = json.loads(ok(*args, "-f", "json").stdout)
    rows = rows_of(ok(*args, "-f", "csv").stdout)
    assert isinstance(data, list) and len(data) == 4
    for obj, row in zip(data, rows, strict=True):
        assert list(obj) == list(row)
        assert isinstance(obj["hen.tax.ramp"], int)
        for k, v in obj.items():
            assert v == number(row[k]) or (v is None and row[k] == "")
    assert any(obj["payback_year.hen"] is None for obj in data)


def test_sweep_table_markdown_and_grid(files):
    out = ok(
        "sweep",
        SONGJIANG,
        "--vary",
        "hen.tax.amount=1e6:2e7:5",
        "--vary",
        "discount.rate=0.02:0.12:6",
    ).stdout
    assert "sweep of hen.tax.amount, discount.rate (5 x 6 = 30 points)" in out
    assert "hen against rooster: sign of the difference" in out
    grid = [
        line for line in out.splitlines() if line.strip().startswith(("1,000,000", "5,750,000"))
    ]
    assert grid[-2].split()[1:] == ["-"] * 6  # 1 M yuan/mu: the rooster wins at every rate
    assert "|" in grid[-1]  # 5.75 M: the hen wins at low rates only; the frontier is marked
    assert grid[-1].split("|")[0].split()[1:] == ["+", "+"]
    assert "The hen is ahead of the rooster at" in out
    md = ok("sweep", "two.toml", "--vary", "discount.rate=0.02,0.04", "-f", "markdown").stdout
    assert md.startswith("### Two options: sweep of discount.rate (2 points)")
    assert "| 2% |" in md and "| 4% |" in md


def test_sweep_with_unit_scales_only_people_formats(files):
    table = ok("sweep", "two.toml", "--vary", "discount.rate=0.05", "--unit", "wan").stdout
    assert "[wan yuan]" in table
    csv_out = ok("sweep", "two.toml", "--vary", "discount.rate=0.05", "--unit", "wan", "-f", "csv")
    assert rows_of(csv_out.stdout)[0]["npv.rooster"] == "300000000"


def test_large_sweep_streams_to_csv_but_not_to_a_table(files):
    args = ["sweep", "two.toml", "--vary", "hen.tax.amount=1e5:1e7:200"]
    args += ["--vary", "discount.rate=0:0.1:60"]
    message = fails(*args)
    assert message == (
        "error: sweep: 12,000 points is too many for a table (at most 10,000 rows); "
        "write them to a file with -o sweep.csv (or --format csv or json)"
    )
    assert fails(*args, "-o", "big.md").startswith("error: sweep: 12,000 points is too many")
    assert not (files / "big.md").exists()
    ok(*args, "-o", "big.csv")
    rows = rows_of((files / "big.csv").read_text(encoding="utf-8"))
    assert len(rows) == 12_000
    assert rows[-1]["hen.tax.amount"] == "10000000" and rows[-1]["discount.rate"] == "0.1"
    assert leftovers(files) == []


def test_workbooks(files):
    pytest.importorskip("xlsxwriter")
    from zipfile import ZipFile

    ok("sweep", "two.toml", "--vary", "discount.rate=0.02,0.04", "-o", "s.xlsx")
    ok("tornado", "two.toml", "--swing", "10%", "-o", "t.xlsx")
    ok("breakeven", "two.toml", "--param", "hen.tax.amount", "-o", "b.xlsx")
    for name in ("s.xlsx", "t.xlsx", "b.xlsx"):
        with ZipFile(files / name) as book:
            strings = book.read("xl/sharedStrings.xml").decode("utf-8")
        assert "param" in strings or "discount.rate" in strings
    big = [
        "sweep",
        "two.toml",
        "--vary",
        "hen.tax.amount=1:2:101",
        "--vary",
        "discount.rate=0:0.1:101",
    ]
    assert fails(*big, "-o", "big.xlsx").startswith(
        "error: sweep: 10,201 points is too many for a workbook"
    )
    assert not (files / "big.xlsx").exists()


def test_interrupted_sweep_leaves_no_file(files, monkeypatch):
    import landcalc.columns as columns

    real = columns.write_rows

    def interrupted(fh, *args, **kwargs):
        fh.write("param,partial\n1,2\n")
        raise KeyboardInterrupt

    monkeypatch.setattr(columns, "write_rows", interrupted)
    res = run("sweep", "two.toml", "--vary", "discount.rate=0:0.1:5", "-o", "out.csv")
    assert res.code == 130
    assert res.stderr.strip() == "error: interrupted"  # after the newline click ends ^C with
    assert not (files / "out.csv").exists()
    assert leftovers(files) == []
    (files / "out.csv").write_text("old\n", encoding="utf-8")
    run("sweep", "two.toml", "--vary", "discount.rate=0:0.1:5", "-o", "out.csv")
    assert (files / "out.csv").read_text(encoding="utf-8") == "old\n"
    monkeypatch.setattr(columns, "write_rows", real)
    ok("sweep", "two.toml", "--vary", "discount.rate=0:0.1:5", "-o", "out.csv")
    assert (files / "out.csv").read_text(encoding="utf-8").startswith("discount.rate,")


@pytest.mark.parametrize(
    ("vary", "expected"),
    [
        ("hen.tax.amount=1:2", "--vary hen.tax.amount=1:2: expected START:STOP:STEPS or v1,v2,..."),
        ("hen.tax.amount=1:5:0", "--vary hen.tax.amount=1:5:0: STEPS must be a whole number"),
        ("hen.tax.amount=5:1:3", "--vary hen.tax.amount=5:1:3: START must be below STOP"),
        ("hen.tax.amount=9:1:3:log", "--vary hen.tax.amount=9:1:3:log: START must be below"),
        ("hen.tax.amount=0:1:3:log", "--vary hen.tax.amount=0:1:3:log: log spacing needs START"),
        ("hen.tax.amount=x,1", "--vary hen.tax.amount=x,1: 'x' is not a number"),
        ("hen.tax.amount", "--vary hen.tax.amount: expected PATH=START:STOP:STEPS"),
        ("scenario.horizon=1:10:5", "--vary scenario.horizon=1:10:5: scenario.horizon takes whole"),
        ("hen.tax.ramp=0.5,1", "--vary hen.tax.ramp=0.5,1: hen.tax.ramp takes whole years"),
        ("hen.tax.hazard=0:1:3", "--vary hen.tax.hazard=0:1:3: hen.tax.hazard = 1.0: must be"),
        ("hen.tax.amout=1:2:3", "--vary hen.tax.amout=1:2:3: hen.tax.amout: unknown field"),
        ("hn.tax.amount=1:2:3", "--vary hn.tax.amount=1:2:3: hn.tax.amount: unknown option"),
    ],
)
def test_bad_vary(files, vary, expected):
    message = fails("sweep", "two.toml", "--vary", vary, "-o", "out.csv")
    assert message.startswith(f"error: {expected}"), message
    assert not (files / "out.csv").exists()
    assert leftovers(files) == []


def test_bad_vary_did_you_mean(files):
    message = fails("sweep", "two.toml", "--vary", "hen.tax.groth=0:0.1:3")
    assert message.endswith("did you mean 'hen.tax.growth'?")


def test_sweep_needs_a_vary(files):
    assert fails("sweep", "two.toml").startswith("error: Missing option '--vary'")


def test_sweep_path_twice(files):
    message = fails("sweep", "two.toml", "--vary", "discount.rate=0.1", "--vary", "discount.rate=2")
    assert message == "error: --vary discount.rate=2: discount.rate is varied twice"


def test_warnings_go_to_stderr_and_quiet_silences_them(files):
    (files / "roots.toml").write_text(
        "[scenario]\nname = 'two roots'\narea = 1\nhorizon = 2\n[discount]\nrate = 0.12\n"
        "[options.a.flows.none]\nkind = 'once'\namount = 0\n"
        "[options.b.flows.y0]\nkind = 'once'\namount = -100\n"
        "[options.b.flows.y1]\nkind = 'once'\namount = 230\nyear = 1\n"
        "[options.b.flows.y2]\nkind = 'once'\namount = -132\nyear = 2\n",
        encoding="utf-8",
    )
    res = run("sweep", "roots.toml", "--vary", "b.y1.amount=230,200", "-f", "csv")
    assert res.code == 0
    assert res.stderr.startswith("warning: b: at 1 of 2 points the difference with a changes")
    assert "warning" not in res.stdout
    res = run("breakeven", "roots.toml", "--param", "discount.rate", "-f", "json")
    assert res.stderr.startswith("warning: b: 2 values of discount.rate make the difference")
    assert json.loads(res.stdout)["comparisons"]["b"]["value"] == pytest.approx(0.1)
    for args in (
        ["sweep", "roots.toml", "--vary", "b.y1.amount=230,200", "-f", "csv"],
        ["breakeven", "roots.toml", "--param", "discount.rate", "-f", "json"],
    ):
        res = run(*args, "--quiet")
        assert res.code == 0 and res.stderr == ""


# --------------------------------------------------------------------------
# tornado


def test_tornado_csv_has_the_spec_columns_sorted_by_swing(files):
    rows = rows_of(ok("tornado", "two.toml", "--swing", "20%", "-f", "csv").stdout)
    assert list(rows[0]) == [
        "param",
        "low",
        "high",
        "difference_low.hen",
        "difference_high.hen",
        "swing.hen",
    ]
    swings = [float(r["swing.hen"]) for r in rows]
    assert swings == sorted(swings, reverse=True)
    for r in rows[:4]:
        lo = compare_json("two.toml", [f"{r['param']}={r['low']}"])["comparisons"]["hen"]
        hi = compare_json("two.toml", [f"{r['param']}={r['high']}"])["comparisons"]["hen"]
        assert float(r["difference_low.hen"]) == pytest.approx(lo["difference"], rel=1e-12)
        assert float(r["difference_high.hen"]) == pytest.approx(hi["difference"], rel=1e-12)
        assert float(r["swing.hen"]) == pytest.approx(
            abs(hi["difference"] - lo["difference"]), rel=1e-9
        )
    by = {r["param"]: r for r in rows}
    assert (by["hen.tax.start"]["low"], by["hen.tax.start"]["high"]) == ("2", "2")
    assert (by["scenario.horizon"]["low"], by["scenario.horizon"]["high"]) == ("16", "24")


def test_tornado_of_three_options(files):
    rows = rows_of(ok("tornado", "three.toml", "--swing", "0.1", "-f", "csv").stdout)
    assert list(rows[0])[3:] == [
        "difference_low.rooster",
        "difference_high.rooster",
        "swing.rooster",
        "difference_low.mixed",
        "difference_high.mixed",
        "swing.mixed",
    ]
    largest = [max(float(r["swing.rooster"]), float(r["swing.mixed"])) for r in rows]
    assert largest == sorted(largest, reverse=True)


def test_tornado_table_draws_bars_and_json(files):
    out = ok("tornado", "two.toml", "--swing", "20%").stdout
    assert out.startswith("Tornado: difference hen - rooster as each input moves alone")
    assert "▒" in out and "█" in out and "│ base" in out
    assert "every input of the file moved by ±20% of its value" in out
    data = json.loads(ok("tornado", "two.toml", "--swing", "20%", "-f", "json").stdout)
    assert data["source"] == "swing" and data["swing"] == 0.2
    assert set(data["rows"][0]) == {
        "param",
        "current",
        "low",
        "high",
        "difference_low",
        "difference_high",
        "swing",
    }
    md = ok("tornado", "two.toml", "--swing", "20%", "-f", "markdown").stdout
    assert "```text" in md and "| Input |" in md


def test_tornado_from_uncertain(files):
    rows = rows_of(ok("tornado", "unc.toml", "-f", "csv").stdout)
    by = {r["param"]: r for r in rows}
    assert set(by) == {"hen.tax.amount", "discount.rate"}
    assert (by["hen.tax.amount"]["low"], by["hen.tax.amount"]["high"]) == ("800000", "2000000")
    # triangular(0.03, 0.05, 0.09): P10 and P90
    p10 = 0.03 + math.sqrt(0.1 * 0.06 * 0.02)
    p90 = 0.09 - math.sqrt(0.1 * 0.06 * 0.04)
    assert float(by["discount.rate"]["low"]) == pytest.approx(p10, rel=1e-12)
    assert float(by["discount.rate"]["high"]) == pytest.approx(p90, rel=1e-12)
    out = ok("tornado", "unc.toml").stdout
    assert "the inputs of [uncertain] at their low and high" in out


def test_spider(files):
    out = ok("tornado", "two.toml", "--swing", "20%", "--spider", "--steps", "3").stdout
    assert "Spider: difference hen - rooster as each input moves" in out
    assert "-20%" in out and "+20%" in out and "0%" in out
    rows = rows_of(ok("tornado", "two.toml", "--swing", "20%", "--spider", "-f", "csv").stdout)
    assert list(rows[0]) == ["param", "change", "value", "difference.hen"]
    growth = [r for r in rows if r["param"] == "hen.tax.growth"]
    assert [r["value"] for r in growth] == ["0.024", "0.027", "0.03", "0.033", "0.036"]
    for r in growth:
        ref = compare_json("two.toml", [f"hen.tax.growth={r['value']}"])
        assert float(r["difference.hen"]) == pytest.approx(
            ref["comparisons"]["hen"]["difference"], rel=1e-12
        )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--swing", "abc"], "error: --swing abc: expected a fraction such as 20% or 0.2"),
        (["--swing", "0"], "error: --swing 0: must be above 0 and at most 100%"),
        (["--swing", "20"], "error: --swing 20: must be above 0 and at most 100% (did you mean"),
        (["--swing", "-5%"], "error: --swing -5%: must be above 0"),
        (["--spider"], "error: --spider needs --swing"),
        (["--steps", "3"], "error: --steps 3: goes with --spider"),
        (["--swing", "1%", "--spider", "--steps", "1"], "error: --steps 1: must be from 2 to 101"),
        (["--swing", "1%", "--steps", "x"], "error: Invalid value for '--steps': 'x'"),
        ([], "error: two.toml: the scenario has no [uncertain] table; give --swing 20%"),
        (["--set", "hen.tax.hazard=2"], "error: --set hen.tax.hazard=2: hen.tax.hazard = 2"),
    ],
)
def test_bad_tornado(files, args, expected):
    message = fails("tornado", "two.toml", *args, "-o", "t.csv")
    assert message.startswith(expected), message
    assert not (files / "t.csv").exists()


# --------------------------------------------------------------------------
# breakeven


def test_breakeven_json_is_exactly_the_spec(files):
    data = json.loads(ok("breakeven", SONGJIANG, "--param", "hen.tax.amount", "-f", "json").stdout)
    assert set(data) == {"param", "comparisons"}
    assert data["param"] == "hen.tax.amount"
    assert set(data["comparisons"]) == {"hen"}
    hen = data["comparisons"]["hen"]
    assert set(hen) == {"value", "difference_at_value"}
    ref = compare_json(SONGJIANG, [f"hen.tax.amount={hen['value']!r}"])
    assert abs(ref["comparisons"]["hen"]["difference"]) < 1e-3
    assert abs(hen["difference_at_value"]) < 1e-3
    # the verdict of compare quotes the same number
    assert f"{hen['value'] / 1e6:.3g} M yuan/mu/yr" in ok("compare", SONGJIANG).stdout


def test_breakeven_non_linear_and_long_path(files):
    data = json.loads(
        ok("breakeven", "two.toml", "--param", "options.hen.flows.tax.growth", "-f", "json").stdout
    )
    assert data["param"] == "hen.tax.growth"
    g = data["comparisons"]["hen"]["value"]
    ref = compare_json("two.toml", [f"hen.tax.growth={g!r}"])
    assert abs(ref["comparisons"]["hen"]["difference"]) < 1e-3


def test_breakeven_within_and_null(files):
    data = json.loads(
        ok(
            "breakeven", SONGJIANG, "--param", "discount.rate", "--within", "0:0.2", "-f", "json"
        ).stdout
    )
    assert data == {
        "param": "discount.rate",
        "comparisons": {"hen": {"value": None, "difference_at_value": None}},
    }
    out = ok("breakeven", SONGJIANG, "--param", "discount.rate", "--within", "0:0.2").stdout
    assert "hen: no value of discount.rate in --within [0%, 20%]" in out
    data = json.loads(
        ok(
            "breakeven", SONGJIANG, "--param", "discount.rate", "--within=-20%:0", "-f", "json"
        ).stdout
    )
    assert data["comparisons"]["hen"]["value"] == pytest.approx(-0.0495391103, abs=1e-9)


def test_breakeven_whole_years(files):
    data = json.loads(
        ok(
            "breakeven", str(SCENARIOS / "hen-wins.toml"), "--param", "hen.tax.end", "-f", "json"
        ).stdout
    )
    assert data["comparisons"]["hen"]["value"] == 39
    out = ok("breakeven", str(SCENARIOS / "hen-wins.toml"), "--param", "hen.tax.end").stdout
    assert "nearest whole year" in out


def test_breakeven_table_of_every_input(files):
    out = ok("breakeven", SONGJIANG).stdout
    assert out.startswith("Break-even value of each input")
    assert "what would have to be true for the hen to match the rooster" in out
    assert "Outside the valid range, it would take hen.tax.share = 678.3%." in out
    lines = [line for line in out.splitlines() if line.startswith("│")]
    assert lines[0].split("│")[1].strip() == "rooster.land_sale.amount"
    rows = rows_of(ok("breakeven", SONGJIANG, "-f", "csv").stdout)
    assert list(rows[0]) == [
        "param",
        "current",
        "value.hen",
        "difference_at_value.hen",
        "relative_change.hen",
    ]
    changes = [float(r["relative_change.hen"]) for r in rows if r["relative_change.hen"]]
    assert changes == sorted(changes)
    data = json.loads(ok("breakeven", SONGJIANG, "-f", "json").stdout)
    assert [d["param"] for d in data] == [r["param"] for r in rows]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--param", "hen.tax.amout"], "error: --param hen.tax.amout: hen.tax.amout: unknown"),
        (["--param", "hen.tax.amout"], "did you mean 'hen.tax.amount'?"),
        (["--param", "hen"], "error: --param hen: hen: is an option, not a number"),
        (["--param", "discount.rate", "--within", "5"], "error: --within 5: expected LOW:HIGH"),
        (["--param", "discount.rate", "--within", "0.2:0.1"], "error: --within 0.2:0.1: LOW must"),
        (["--param", "discount.rate", "--within", "a:b"], "error: --within a:b: 'a' is not"),
        (["--within", "0:1"], "error: --within 0:1: needs --param"),
        (
            ["--param", "hen.tax.hazard", "--within", "0:1"],
            "error: --within 0:1: hen.tax.hazard = 1: must be at least 0 and below 1",
        ),
        (["--param", "hen.tax.ramp", "--within", "1.2:1.8"], "error: --within 1.2:1.8: holds no"),
    ],
)
def test_bad_breakeven(files, args, expected):
    message = fails("breakeven", "two.toml", *args, "-o", "b.json")
    assert message.startswith(expected) or message.endswith(expected), message
    assert not (files / "b.json").exists()


# --------------------------------------------------------------------------
# Help and start-up


@pytest.mark.parametrize("command", ["sweep", "tornado", "breakeven"])
def test_help_has_examples_and_shared_options(command):
    out = ok(command, "--help").stdout
    assert out.startswith(f"Usage: landcalc {command}")
    assert "Examples:" in out
    for option in ("--set", "--format", "--output", "--unit", "--quiet"):
        assert option in out
    assert re.search(rf"^\s+{command}\s", ok("--help").stdout, flags=re.M)


@pytest.mark.parametrize("command", ["sweep", "tornado", "breakeven"])
def test_help_does_not_import_numpy(command):
    code = (
        "import sys\n"
        "from landcalc.cli import main\n"
        "try:\n"
        f"    main([{command!r}, '--help'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "print('numpy' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "False"


# --------------------------------------------------------------------------
# docs/whatif.md stays true

DOC = (ROOT / "docs" / "whatif.md").read_text(encoding="utf-8")


def doc_examples():
    """(command, expected lines) of every ``$ landcalc ...`` in the doc's console blocks."""
    out = []
    for block in re.findall(r"```console\n(.*?)```", DOC, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, *lines = chunk.rstrip("\n").split("\n")
            out.append((command, lines))
    return out


@pytest.mark.parametrize(("command", "expected"), doc_examples(), ids=lambda x: str(x)[:60])
def test_doc_examples_are_current(command, expected, monkeypatch):
    monkeypatch.chdir(ROOT)
    args = shlex.split(command)
    assert args[0] == "landcalc"
    res = run(*args[1:])
    shown = [line.rstrip() for line in (res.stdout + res.stderr).splitlines()]
    if "..." in expected:
        cut = expected.index("...")
        head, tail = expected[:cut], expected[cut + 1 :]
        assert shown[: len(head)] == head
        assert shown[len(shown) - len(tail) :] == tail
    else:
        assert shown == expected


def test_doc_examples_cover_every_command():
    commands = {shlex.split(c)[1] for c, _ in doc_examples()}
    assert {"sweep", "tornado", "breakeven"} <= commands


def test_doc_python_example_runs(monkeypatch):
    monkeypatch.chdir(ROOT)
    (code,) = re.findall(r"```python\n(.*?)```", DOC, flags=re.S)
    exec(compile(code, "docs/whatif.md", "exec"), {})
    assert os.getcwd() == str(ROOT)
