"""bench/parse.py --quick still runs end to end and prints its table (figures are not checked)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

TARGET_ROWS = ("CSV parse (10,000 rows, cp932)", "fixed cost: parse", "fixed cost: fetch+parse+conform")
INFO_ROWS = ("XLSX parse (5,000 rows)", "warm-up call, excluded from the mean", "CSV parse peak memory")


@pytest.fixture(scope="module")
def output(repo_root: Path) -> str:
    """The quick benchmark's stdout."""
    done = subprocess.run(
        [sys.executable, "bench/parse.py", "--quick"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_prints_the_table_header(output: str) -> None:
    assert re.search(r"^measure\s+Tsunagu\s+baseline\s+ratio\s+target\s+status$", output, re.M)


@pytest.mark.parametrize("label", TARGET_ROWS)
def test_target_rows_have_a_verdict(output: str, label: str) -> None:
    line = next((line for line in output.splitlines() if line.startswith(label)), None)
    assert line is not None, f"no table row {label!r} in:\n{output}"
    assert line.endswith(("PASS", "FAIL")), line


@pytest.mark.parametrize("label", INFO_ROWS)
def test_info_rows_are_printed(output: str, label: str) -> None:
    assert any(label in line and line.endswith("info") for line in output.splitlines()), output


def test_no_measurement_raised(output: str) -> None:
    # A connector that raises becomes an ERROR row; a wrong row count a FAIL naming the count.
    assert "ERROR" not in output
    assert "expected" not in output
