"""The documentation stays true: README examples run, every command is documented."""

from __future__ import annotations

import os
import re

import pytest
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    assert "landcalc compare scenarios/songjiang-2016.toml" in blocks[0]
    assert "pip install -e '.[test]'" in blocks[1] and "python -m pytest" in blocks[1]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert '-m pytest"' in ci or "-m pytest\n" in ci


def test_readme_python_example_runs():
    code = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert code
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        for block in code:
            exec(compile(block, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize(
    "command",
    [
        "compare",
        "cashflows",
        "validate",
        "new",
        "sweep",
        "tornado",
        "breakeven",
        "evaluate",
        "portfolio",
        "simulate",
    ],
)
def test_every_command_is_in_the_readme(command):
    assert f"landcalc {command}" in README


def test_readme_example_output_is_current():
    """The worked example in the README is the real output of today's code."""
    from click.testing import CliRunner

    from landcalc.cli import cli

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(cli, ["compare", "scenarios/songjiang-2016.toml"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0
    shown = "\n".join(line.rstrip() for line in result.output.splitlines())
    assert shown in README
