"""A corpus of bad scenario files (``tests/data/bad/``): every command refuses each cleanly.

Each file holds one mistake a person makes when typing a scenario or converting
one from a spreadsheet, and begins with a ``#`` comment saying which. For every
file, every command that reads scenarios and every format must end with exit
status 2 and one ``error:`` line naming the file: no traceback, nothing on
stdout, and an existing ``-o`` file left as it was with no temporary file
beside it. ``validate`` is the exception, by design: its report (stdout in
csv, json and markdown, or the ``-o`` file) is its result, and lists the file
as invalid with the same error; as a table, stdout holds only the ``ok:``
lines of other files.

Below the corpus: regression tests for the failures the corpus and the fuzz
tests (``tests/test_fuzz.py``) found.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from conftest import Run, run_cli

BAD = Path(__file__).parent / "data" / "bad"
CORPUS = sorted(BAD.glob("*.toml"))
FORMATS = ("table", "csv", "json", "markdown")
EXTENSIONS = {"table": ".txt", "csv": ".csv", "json": ".json", "markdown": ".md"}
#: Commands that compute: on bad input they print nothing at all.
COMPUTING = ("compare", "cashflows", "evaluate", "portfolio")
OLD = '{"old": true}\n'

GOOD = """\
[scenario]
name = "Good"
area = 10
horizon = 20

[discount]
rate = 0.05

[options.rooster.flows.land_sale]
kind = "once"
amount = 30_000_000

[options.hen.flows.tax]
kind = "annual"
amount = 1_200_000
share = 0.4
"""


run = run_cli


def one_error(res: Run, name: str, what: str) -> str:
    """The one ``error:`` line of a failed run; it must name the file ``name``."""
    assert res.code == 2, (what, res.code, res.stderr)
    assert "Traceback" not in res.stdout + res.stderr, what
    assert res.stderr.endswith("\n"), what
    lines = res.stderr.splitlines()
    assert len(lines) == 1, (what, res.stderr)
    assert lines[0].startswith("error: "), (what, lines[0])
    assert name in lines[0], (what, lines[0])
    assert "internal error" not in lines[0], (what, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """A folder with a good scenario and a small valid points CSV."""
    folder = tmp_path_factory.mktemp("bad_inputs")
    (folder / "good.toml").write_text(GOOD, encoding="utf-8")
    (folder / "points.csv").write_text("id,scenario.area\np1,10\np2,20\n", encoding="utf-8")
    return folder


def command_args(command: str, path: str, work: Path) -> list[str]:
    if command == "evaluate":
        return ["evaluate", path, "--points", str(work / "points.csv")]
    if command == "portfolio":
        return ["portfolio", path, "--parcels", str(work / "points.csv")]
    return [command, path]


def corpus_cases():
    """Every file of the corpus, plus an empty file (which cannot carry a comment)."""
    return [pytest.param(p, id=p.stem) for p in CORPUS] + [pytest.param(None, id="empty-file")]


def check_output_folder(folder: Path, target: Path, expect_old: bool, what: str) -> None:
    if expect_old:
        assert target.read_text(encoding="utf-8") == OLD, what
    tmp = [p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    assert tmp == [], what
    assert sorted(p.name for p in folder.iterdir()) == [target.name], what


# --------------------------------------------------------------------------
# The corpus


def test_the_corpus_has_one_commented_file_per_mistake():
    assert len(CORPUS) >= 45
    for path in CORPUS:
        data = path.read_bytes()
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = data.decode("utf-16")
        else:
            text = data.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
        first = text.splitlines()[0]
        assert first.startswith("# ") and len(first) > 10, path.name


@pytest.mark.parametrize("path", corpus_cases())
def test_every_command_and_format_refuses_a_bad_file(path, work, tmp_path):
    if path is None:
        path = tmp_path / "empty.toml"
        path.write_bytes(b"")
    name = str(path)
    first = None
    for command in COMPUTING:
        args = command_args(command, name, work)
        for fmt in FORMATS:
            what = f"{command} --format {fmt}"
            res = run(*args, "--format", fmt)
            line = one_error(res, name, what)
            assert res.stdout == "", what
            # every command and format tells the same mistake the same way
            first = first or line
            assert line == first, (what, line, first)
            out = tmp_path / command / f"result{EXTENSIONS[fmt]}"
            out.parent.mkdir(parents=True, exist_ok=True)
            for old in out.parent.iterdir():
                old.unlink()
            out.write_text(OLD, encoding="utf-8")
            res = run(*args, "-o", str(out))
            assert one_error(res, name, f"{what} -o") == first
            assert res.stdout == "", what
            check_output_folder(out.parent, out, True, what)


@pytest.mark.parametrize("path", corpus_cases())
def test_validate_refuses_a_bad_file_and_reports_it(path, work, tmp_path):
    if path is None:
        path = tmp_path / "empty.toml"
        path.write_bytes(b"")
    name = str(path)
    good = str(work / "good.toml")
    # table: one ok-line for the good file only, one error line for the bad one
    res = run("validate", good, name)
    line = one_error(res, name, "validate")
    assert res.stdout.splitlines() == [
        f'ok: {good}: "Good", 2 options (rooster, hen), baseline rooster, 20 years, 10 mu'
    ]
    assert run("validate", name).stdout == ""
    message = line.removeprefix("error: ")
    for fmt in ("csv", "json", "markdown"):
        res = run("validate", name, "--format", fmt)
        assert one_error(res, name, f"validate --format {fmt}") == line
        if fmt == "json":
            assert json.loads(res.stdout)[0] | {"error": None} == {
                "file": name,
                "valid": False,
                "scenario": None,
                "options": None,
                "baseline": None,
                "horizon": None,
                "area_mu": None,
                "error": None,
            }
            assert json.loads(res.stdout)[0]["error"] == message
        elif fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(res.stdout)))
            assert [(r["file"], r["valid"], r["error"]) for r in rows] == [(name, "false", message)]
        else:
            assert "| no |" in res.stdout
    # -o: the report replaces the old file whole; no temporary file is left
    out = tmp_path / "out" / "report.json"
    out.parent.mkdir()
    out.write_text(OLD, encoding="utf-8")
    res = run("validate", name, "-o", str(out))
    assert one_error(res, name, "validate -o") == line
    assert res.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))[0]["error"] == message
    check_output_folder(out.parent, out, False, "validate -o")


# --------------------------------------------------------------------------
# Regression tests: failures the corpus found


def write(folder: Path, name: str, data: str | bytes) -> str:
    path = folder / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return str(path)


def test_huge_integer_is_an_error_not_a_crash(tmp_path):
    """A 400-digit integer (too large for a float) was an internal error (exit 1)."""
    digits = "9" * 400
    path = write(tmp_path, "x.toml", GOOD.replace("amount = 1_200_000", f"amount = {digits}"))
    line = one_error(run("compare", path), path, "compare")
    assert line == (
        f"error: {path}: hen.tax.amount: is too large to be a number (400 digits) (line 15)"
    )
    good = write(tmp_path, "good.toml", GOOD)
    line = one_error(run("compare", good, "--set", f"scenario.horizon={digits}"), "--set", "set")
    assert line.endswith("scenario.horizon: is too large to be a number (400 digits)")
    line = one_error(run("compare", good, "--set", f"discount.rate={digits}%"), "--set", "%")
    assert line == f"error: --set discount.rate={digits}%: '{digits}%' is too large to be a number"


def test_byte_order_mark_is_accepted(tmp_path):
    """A UTF-8 file with a byte-order mark (Windows Notepad) was 'not valid TOML'."""
    path = write(tmp_path, "bom.toml", b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    res = run("compare", path, "--format", "json")
    assert res.code == 0, res.stderr
    assert json.loads(res.stdout)["scenario"]["name"] == "Good"


def test_other_encodings_say_save_as_utf8(tmp_path):
    """UTF-16 was 'not UTF-8 text (byte 0)'; other encodings named no line."""
    path = write(tmp_path, "u16.toml", GOOD.encode("utf-16"))
    assert one_error(run("validate", path), path, "utf-16") == (
        f"error: {path}: is UTF-16 text; save it as UTF-8"
    )
    text = GOOD.replace('name = "Good"', 'name = "松江"')
    path = write(tmp_path, "gbk.toml", text.encode("gbk"))
    assert one_error(run("validate", path), path, "gbk") == (
        f"error: {path}: is not UTF-8 text (byte 19); save it as UTF-8 (line 2)"
    )


def test_nul_bytes_are_named(tmp_path):
    path = write(tmp_path, "nul.toml", GOOD.replace("[discount]", "[disc\x00ount]"))
    assert one_error(run("validate", path), path, "nul") == (
        f"error: {path}: holds NUL bytes; it is not a text file (line 6)"
    )


def test_choices_are_listed_once(tmp_path):
    """The valid units were listed twice: 'is not one of mu, ...; one of: mu, ...'."""
    path = write(tmp_path, "x.toml", GOOD.replace("area = 10", 'area = 10\narea_unit = "hectare"'))
    assert one_error(run("validate", path), path, "unit") == (
        f'error: {path}: scenario.area_unit = "hectare": is not one of mu, ha, m2, acre (line 4)'
    )


def test_empty_option_name_is_named(tmp_path):
    """An empty option name showed as 'x.toml: : option names may not be empty'."""
    path = write(tmp_path, "x.toml", GOOD + '\n[options.""]\nlabel = "no name"\n')
    line = one_error(run("validate", path), path, "empty name")
    assert line.startswith(f"error: {path}: options: option names may not be empty")
    path = write(tmp_path, "y.toml", GOOD + '\n[options.hen.flows.""]\nkind = "once"\n')
    line = one_error(run("validate", path), path, "empty flow name")
    assert line.startswith(f"error: {path}: hen: flow names may not be empty")


def test_misspelt_parent_table_has_a_line(tmp_path):
    """[option.hen] (for [options.hen]) gave no line: [option] is only implied by it."""
    text = GOOD.replace("[options.hen.flows.tax]", "[option.hen.flows.tax]")
    path = write(tmp_path, "x.toml", text)
    line = text.split("\n").index("[option.hen.flows.tax]") + 1
    assert one_error(run("validate", path), path, "option") == (
        f"error: {path}: option: unknown table; did you mean 'options'? (line {line})"
    )


def test_a_date_is_named_as_a_date(tmp_path):
    path = write(tmp_path, "x.toml", GOOD.replace("share = 0.4", "share = 0.4\nstart = 2018-01-01"))
    line = one_error(run("validate", path), path, "date")
    assert "hen.tax.start = 2018-01-01: must be a number, not a date (line 17)" in line
