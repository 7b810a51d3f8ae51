"""Charts in the terminal, image files and spreadsheets."""

from __future__ import annotations

import re
import sys

import pytest
from click.testing import CliRunner
from conftest import SCENARIOS

from landcalc.analysis import compare
from landcalc.cli import cli, main
from landcalc.engine import evaluate
from landcalc.scenario import load_scenario, scenario_from_text

SMALL = """
[scenario]
name = "small plot"
area = 10
horizon = 12
[discount]
rate = 0.05
[options.rooster.flows.land_sale]
kind = "once"
amount = 3_000_000
[options.hen.flows.land_sale]
kind = "once"
amount = 1_000_000
[options.hen.flows.tax]
kind = "annual"
amount = 800_000
share = 0.5
start = 2
ramp = 2
growth = 0.03
hazard = 0.02
"""


def run(args):
    """Run the CLI entry point; (exit code, stdout, stderr)."""
    runner = CliRunner()
    with runner.isolation() as (out, err, *_):
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code
        sys.stdout.flush()
        sys.stderr.flush()
        return code, out.getvalue().decode(), err.getvalue().decode()


@pytest.fixture
def small(tmp_path):
    p = tmp_path / "small.toml"
    p.write_text(SMALL, encoding="utf-8")
    return p


# -- terminal charts -----------------------------------------------------------


@pytest.mark.parametrize("width", [60, 100])
def test_compare_chart_marks_the_crossing_year(small, width):
    code, out, err = run(["compare", str(small), "--chart", "--width", str(width)])
    assert code == 0, err
    payback = compare(load_scenario(small)).comparisons["hen"].payback_year
    assert payback is not None
    assert "Cumulative discounted cash" in out
    assert f"year {payback}: hen overtakes rooster" in out
    chart = out[out.index("Cumulative discounted cash") :]
    assert all(len(line) <= width for line in chart.splitlines()[1:])
    assert "\x1b[" not in out  # plain text when not a terminal


def test_chart_goes_to_stderr_when_stdout_carries_json(small):
    code, out, err = run(["cashflows", str(small), "--chart", "-f", "json"])
    assert code == 0
    assert "Cumulative discounted cash" in err
    assert out.lstrip().startswith("{")
    import json

    json.loads(out)


# -- images ----------------------------------------------------------------------


def test_plot_png_svg_pdf(small, tmp_path):
    png, svg, pdf = tmp_path / "a.png", tmp_path / "a.svg", tmp_path / "a.pdf"
    assert run(["compare", str(small), "--plot", str(png)])[0] == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run(["cashflows", str(small), "--plot", str(svg), "-o", str(tmp_path / "x.csv")])[0] == 0
    text = svg.read_text(encoding="utf-8")
    assert re.search(r"<svg[^>]*xmlns", text)
    assert "Cumulative discounted cash [M yuan]" in text
    assert "Year" in text and "small plot" in text and "discount 5%" in text
    assert run(["compare", str(small), "--plot", str(pdf)])[0] == 0
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_plot_bad_extension_is_an_error_before_any_output(small, tmp_path):
    out_csv = tmp_path / "r.csv"
    code, out, err = run(
        ["compare", str(small), "--plot", str(tmp_path / "a.gif"), "-o", str(out_csv)]
    )
    assert code == 2
    assert err.startswith("error: --plot") and err.count("\n") == 1
    assert not out_csv.exists()


# -- workbooks -------------------------------------------------------------------


def _workbook_values(path, inputs=None):
    """Recompute every formula of the workbook with a formula engine."""
    formulas = pytest.importorskip("formulas")
    model = formulas.ExcelModel().loads(str(path)).finish()
    sol = model.calculate(inputs=inputs or {})
    out = {}
    for key, value in sol.items():
        m = re.match(r"'\[[^\]]+\](.+)'!([A-Z]+\d+)$", key)
        if m:
            v = value.value
            out[(m.group(1), m.group(2))] = v[0][0] if hasattr(v, "__getitem__") else v
    return out


def test_cashflows_workbook_is_live(small, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "audit.xlsx"
    code, _, err = run(["cashflows", str(small), "-o", str(book)])
    assert code == 0, err
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames[0] == "NPV"
    assert {"Assumptions", "rooster", "hen"} <= set(wb.sheetnames)
    npv_sheet = wb["NPV"]
    assert str(npv_sheet["C5"].value).startswith("=SUM(")
    assert str(npv_sheet["C6"].value).startswith("=SUM(")
    assert str(npv_sheet["F6"].value) == "=C6-C5"
    assert "p_hen.tax.amount" in wb.defined_names
    assert "discount.rate" in [c.value for c in wb["Assumptions"]["A"]]
    sc = load_scenario(small)
    res = evaluate(sc)
    values = _workbook_values(book)
    assert float(values[("NPV", "C5")]) == pytest.approx(res.npv["rooster"][0], rel=1e-9)
    assert float(values[("NPV", "C6")]) == pytest.approx(res.npv["hen"][0], rel=1e-9)
    # the auditor changes the rate cell: every number moves as landcalc predicts
    rate_row = [c.value for c in wb["Assumptions"]["A"]].index("discount.rate") + 1
    moved = _workbook_values(book, {f"'[audit.xlsx]ASSUMPTIONS'!B{rate_row}": 0.11})
    at11 = evaluate(sc, {"discount.rate": 0.11})
    assert float(moved[("NPV", "C6")]) == pytest.approx(at11.npv["hen"][0], rel=1e-9)
    assert float(moved[("NPV", "F6")]) == pytest.approx(at11.difference["hen"][0], rel=1e-9)
    assert at11.npv["hen"][0] != pytest.approx(res.npv["hen"][0], rel=1e-3)


def test_schedule_workbook_matches(tmp_path):
    pytest.importorskip("openpyxl")
    text = SMALL.replace(
        "rate = 0.05", "schedule = [{from = 1, rate = 0.035}, {from = 6, rate = 0.03}]"
    )
    f = tmp_path / "gb.toml"
    f.write_text(text, encoding="utf-8")
    book = tmp_path / "gb.xlsx"
    assert run(["cashflows", str(f), "-o", str(book)])[0] == 0
    values = _workbook_values(book)
    res = evaluate(scenario_from_text(text))
    assert float(values[("NPV", "C6")]) == pytest.approx(res.npv["hen"][0], rel=1e-9)


def test_compare_workbook_has_the_tables(small, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "c.xlsx"
    assert run(["compare", str(small), "-o", str(book)])[0] == 0
    wb = openpyxl.load_workbook(book)
    assert len(wb.sheetnames) == 3
    first = wb[wb.sheetnames[0]]
    assert first["C1"].value == "NPV [yuan]"
    assert first["C1"].value and first["C2"].number_format == "#,##0"
    res = compare(load_scenario(small))
    assert first["C3"].value == pytest.approx(res.options["hen"].npv)


def test_bundled_workbook_opens(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = tmp_path / "sj.xlsx"
    r = CliRunner().invoke(
        cli, ["cashflows", str(SCENARIOS / "songjiang-greenbook.toml"), "-o", str(book)]
    )
    assert r.exit_code == 0
    assert "LOOKUP" in str(openpyxl.load_workbook(book)["hen"]["B3"].value)


# -- missing extras --------------------------------------------------------------


@pytest.mark.parametrize(
    "module,args,needle",
    [
        ("xlsxwriter", ["-o", "out.xlsx"], "pip install 'landcalc[xlsx]'"),
        ("matplotlib", ["--plot", "out.png"], "pip install 'landcalc[plot]'"),
    ],
)
def test_missing_extra_is_a_clear_error(small, tmp_path, monkeypatch, module, args, needle):
    monkeypatch.setitem(sys.modules, module, None)  # import fails as if not installed
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["compare", str(small), *args])
    assert code == 2
    assert needle in err and err.startswith("error:") and err.count("\n") == 1
    assert "Traceback" not in err
    assert not (tmp_path / args[1]).exists()


@pytest.mark.parametrize(
    "args,labels",
    [
        (
            ["sweep", "--vary", "hen.tax.amount=1e5:3e6:6"],
            ["Difference [M yuan]", "hen.tax.amount [yuan]"],
        ),
        (
            ["sweep", "--vary", "hen.tax.amount=1e5:3e6:6", "--vary", "discount.rate=2%:12%:6"],
            ["discount.rate [per year]", "hen minus rooster", "break-even"],
        ),
        (["tornado", "--swing", "20%"], ["tornado", "Difference, hen minus rooster"]),
        (
            ["tornado", "--swing", "20%", "--spider"],
            ["spider chart", "Change of the input from its file value"],
        ),
    ],
)
def test_what_if_pictures(small, tmp_path, args, labels):
    svg = tmp_path / "p.svg"
    command, rest = args[0], args[1:]
    code, out, err = run(
        [command, str(small), *rest, "-o", str(tmp_path / "r.csv"), "--plot", str(svg)]
    )
    assert code == 0, err
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    for label in labels:
        assert label in text
    assert "small plot" in text and "discount 5%" in text


def test_simulate_picture_and_workbook(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    svg, book = tmp_path / "sim.svg", tmp_path / "sim.xlsx"
    code, out, err = run(
        [
            "simulate",
            str(SCENARIOS / "songjiang-2016.toml"),
            "--draws",
            "2000",
            "--seed",
            "3",
            "-o",
            str(book),
            "--plot",
            str(svg),
        ]
    )
    assert code == 0, err
    text = svg.read_text(encoding="utf-8")
    assert "Cumulative share of draws [%]" in text and "Draws" in text
    assert "2,000 draws (seed 3)" in text and "discount 8%" in text
    wb = openpyxl.load_workbook(book)
    cells = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert any(isinstance(v, str) and "[yuan]" in v for v in cells)
    assert any(isinstance(v, float) for v in cells)


def test_simulate_chart_goes_to_stderr_with_json():
    code, out, err = run(
        [
            "simulate",
            str(SCENARIOS / "songjiang-2016.toml"),
            "--draws",
            "3000",
            "--seed",
            "1",
            "-f",
            "json",
            "--chart",
        ]
    )
    assert code == 0
    import json

    assert json.loads(out)["draws"] == 3000
    assert "Difference hen - rooster" in err and "3,000 draws" in err
