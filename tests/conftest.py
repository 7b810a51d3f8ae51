"""Shared test setup.

Hypothesis example counts scale with the environment variable
``LANDCALC_TEST_SCALE`` (default 1): ``LANDCALC_TEST_SCALE=20 pytest`` runs a
far longer search than CI does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
sys.path.insert(0, str(Path(__file__).resolve().parent))

SCALE = max(1, int(os.environ.get("LANDCALC_TEST_SCALE", "1")))


def examples(n: int) -> int:
    """``n`` hypothesis examples, times LANDCALC_TEST_SCALE."""
    return n * SCALE


@pytest.fixture
def scenarios_dir() -> Path:
    return SCENARIOS
