"""Shared test setup.

Hypothesis example counts scale with the environment variable
``LANDCALC_TEST_SCALE`` (default 1): ``LANDCALC_TEST_SCALE=20 pytest`` runs a
far longer search than CI does.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
sys.path.insert(0, str(Path(__file__).resolve().parent))

SCALE = max(1, int(os.environ.get("LANDCALC_TEST_SCALE", "1")))

#: The seed case: 30 M vs 1 M yuan per mu, tax from year 1, 8%, 50 years.
SEED = """\
[scenario]
name = "seed"
area = 1000
horizon = 50
[discount]
rate = 0.08
[options.rooster.flows.land_sale]
kind = "once"
amount = 30_000_000
[options.hen.flows.land_sale]
kind = "once"
amount = 1_000_000
[options.hen.flows.tax]
kind = "annual"
amount = 2_000_000
"""

#: A small two-option case with every kind of annual-flow field.
TWO = """\
[scenario]
name = "Two options"
area = 10
horizon = 20

[discount]
rate = 0.05

[options.rooster]
label = "Residential land sale"

[options.rooster.flows.land_sale]
kind = "once"
amount = 30_000_000

[options.hen]
label = "Industrial land, taxes over time"

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


def examples(n: int) -> int:
    """``n`` hypothesis examples, times LANDCALC_TEST_SCALE."""
    return n * SCALE


@pytest.fixture
def scenarios_dir() -> Path:
    return SCENARIOS


@dataclass
class Run:
    """Exit status and output of one in-process run of the command line."""

    code: int
    stdout: str
    stderr: str


def run_cli(*args: str) -> Run:
    """``landcalc ARGS`` in-process through ``landcalc.cli.main`` (which calls sys.exit)."""
    from click.testing import CliRunner

    from landcalc.cli import main

    runner = CliRunner()
    with runner.isolation() as (out, err, _):
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code
        else:  # pragma: no cover - main always exits
            raise AssertionError("main() returned without sys.exit")
        sys.stdout.flush()
        sys.stderr.flush()
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace")
    assert isinstance(code, int), code
    return Run(code, stdout, stderr)
