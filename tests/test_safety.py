"""Output safety: interrupted runs, full disks, read-only places, concurrent writers."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import SCENARIOS
from test_exports import run

SONGJIANG = str(SCENARIOS / "songjiang-2016.toml")


def landcalc(*args, **kwargs):
    return subprocess.Popen(
        [sys.executable, "-m", "landcalc", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


@pytest.fixture(scope="module")
def big_points(tmp_path_factory):
    """A points file large enough that evaluating it takes a few seconds."""
    path = tmp_path_factory.mktemp("big") / "points.csv"
    rng = np.random.default_rng(1)
    n = 1_500_000
    amounts = rng.uniform(2e5, 2e6, n).tolist()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("id,hen.tax.amount\n")
        fh.write("\n".join(f"{i},{a!r}" for i, a in enumerate(amounts)))
        fh.write("\n")
    return path


def _wait_started(proc, folder, pattern, timeout=30.0):
    """Wait until the temporary output file appears (the run is writing)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if list(folder.glob(pattern)):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_leaves_no_partial_file(big_points, tmp_path, sig, code):
    out = tmp_path / "result.csv"
    proc = landcalc("evaluate", SONGJIANG, "--points", str(big_points), "-o", str(out))
    assert _wait_started(proc, tmp_path, ".result.csv.*.tmp"), proc.communicate()
    proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    assert stderr.strip() in ("error: interrupted", "error: terminated")
    assert "Traceback" not in stderr
    assert list(tmp_path.iterdir()) == []  # neither the output nor a temporary file


def test_existing_output_survives_an_interrupt(big_points, tmp_path):
    out = tmp_path / "result.csv"
    out.write_text("precious\n", encoding="utf-8")
    proc = landcalc("evaluate", SONGJIANG, "--points", str(big_points), "-o", str(out))
    assert _wait_started(proc, tmp_path, ".result.csv.*.tmp")
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert out.read_text(encoding="utf-8") == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["csv", "json", "table", "markdown"])
def test_full_disk_is_a_clear_error(fmt):
    code, out, err = run(["compare", SONGJIANG, "-o", "/dev/full", "-f", fmt])
    assert code == 2
    assert err == "error: -o /dev/full: cannot write (No space left on device)\n"
    assert Path("/dev/full").exists() and not Path("/dev/full").is_file()


def test_points_output_to_full_disk(tmp_path):
    pts = tmp_path / "p.csv"
    pts.write_text("id,hen.tax.amount\na,1\n", encoding="utf-8")
    code, _, err = run(
        ["evaluate", SONGJIANG, "--points", str(pts), "-o", "/dev/full", "-f", "csv"]
    )
    assert code == 2 and "No space left on device" in err and err.count("\n") == 1


def test_read_only_place_is_a_clear_error():
    # /proc is read-only for everyone, root included
    code, out, err = run(["compare", SONGJIANG, "-o", "/proc/landcalc-result.csv"])
    assert code == 2
    assert err.startswith("error: -o /proc/landcalc-result.csv: ") and err.count("\n") == 1


def test_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        code, _, err = run(["compare", SONGJIANG, "-o", str(folder / "r.json")])
        assert code == 2 and "is not writable" in err
    finally:
        folder.chmod(0o755)


def test_output_to_a_folder(tmp_path):
    code, _, err = run(["compare", SONGJIANG, "-o", str(tmp_path)])
    assert code == 2 and err == f"error: -o {tmp_path}: is a folder; give a file name\n"


def test_two_writers_each_leave_a_complete_file(tmp_path):
    out = tmp_path / "same.json"
    procs = [
        landcalc(
            "cashflows", SONGJIANG, "--set", f"discount.rate={r}", "-o", str(out), "-f", "json"
        )
        for r in (0.05, 0.09)
    ]
    for p in procs:
        p.communicate(timeout=60)
        assert p.returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))  # complete, whichever came last
    assert len(data["years"]) == 51
    assert [p.name for p in tmp_path.iterdir()] == ["same.json"]


def test_output_to_stdout_device():
    proc = landcalc("compare", SONGJIANG, "-o", "/dev/stdout", "-f", "csv")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert out.startswith("file,scenario,option")


def test_huge_simulation_asks_for_yes(tmp_path):
    target = tmp_path / "draws.csv"
    code, out, err = run(
        ["simulate", SONGJIANG, "--draws", "200000000", "--draws-out", str(target)]
    )
    assert code == 2 and err.count("\n") == 1
    assert "would hold about" in err and "GB" in err and "add --yes" in err
    assert not target.exists()


def test_debug_shows_the_traceback():
    proc = landcalc("compare", str(SCENARIOS / "nope.toml"), "--debug")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Traceback (most recent call last)" in err and "ScenarioError" in err
    proc = landcalc("compare", str(SCENARIOS / "nope.toml"))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "Traceback" not in err


def test_quiet_silences_warnings(tmp_path):
    several = tmp_path / "several.toml"
    several.write_text(
        '[scenario]\nname = "two roots"\narea = 1\nhorizon = 2\n[discount]\nrate = 0.05\n'
        '[options.a.flows.none]\nkind = "once"\namount = 0\n'
        '[options.b.flows.y0]\nkind = "once"\namount = -1\n'
        '[options.b.flows.y1]\nkind = "once"\namount = 2.3\nyear = 1\n'
        '[options.b.flows.y2]\nkind = "once"\namount = -1.32\nyear = 2\n',
        encoding="utf-8",
    )
    code, out, err = run(["compare", str(several), "-f", "json"])
    assert code == 0 and err.startswith("warning: b: ") and "several break-even" in err
    json.loads(out)  # the warning stays out of the data
    code, out, err = run(["compare", str(several), "-f", "json", "--quiet"])
    assert code == 0 and err == ""


@pytest.mark.parametrize(
    "args,needle",
    [
        (
            [
                "sweep",
                SONGJIANG,
                "--vary",
                "discount.rate=-0.99,0.08",
                "--set",
                "scenario.horizon=1000",
                "--set",
                "hen.tax.end=1000",
                "-f",
                "csv",
            ],
            "sweep: at discount.rate = -99%: the NPV of hen cannot be represented",
        ),
        (
            ["tornado", SONGJIANG, "--swing", "20%", "--set", "hen.land_sale.amount=1e306"],
            "the NPV of hen cannot be represented",
        ),
        (
            [
                "simulate",
                SONGJIANG,
                "-n",
                "100",
                "--seed",
                "1",
                "--set",
                "hen.land_sale.amount=1e306",
            ],
            "draw 1: the NPV of hen cannot be represented",
        ),
        (
            ["compare", SONGJIANG, "--set", "hen.land_sale.amount=1e306", "-f", "json"],
            "the NPV of hen cannot be represented",
        ),
    ],
)
def test_results_beyond_a_float_are_errors_not_inf(args, needle):
    code, out, err = run(args)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert needle in err and "overflows beyond 1.8e308" in err
    assert "inf" not in out.lower() and "nan" not in out.lower()
