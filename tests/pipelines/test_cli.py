"""The `tsunagu` commands a department or a developer runs by hand: check, geocode, match."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from pipelines.cli import main

DEMO = Path(__file__).resolve().parents[2] / "demo" / "kawagoe"


@pytest.fixture
def config(repo_root: Path) -> str:
    return str(repo_root / "config" / "kawagoe" / "departments.yaml")


def test_check_reports_each_bad_row_with_row_column_and_rule(config: str, capsys: pytest.CaptureFixture) -> None:
    code = main(["check", str(DEMO / "chiiki" / "jichikai.csv"), "--source", "jichikai", "--config", config])
    out = capsys.readouterr().out
    assert code == 1
    assert "jichikai.csv: row 18, column 確認日: format:source_as_of" in out
    assert "令和5年2月30日" in out
    assert "32 rows, 31 accepted, 1 with problems" in out


def test_check_passes_a_clean_cp932_file(config: str, capsys: pytest.CaptureFixture) -> None:
    code = main(["check", str(DEMO / "kaigo" / "112011_care_service.csv"), "--source", "care-services",
                 "--config", config])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "32 rows, 32 accepted, 0 with problems" in out
    assert "100 blank row(s) skipped" in out  # the padding is reported, not silently eaten


def test_check_names_the_known_sources_for_an_unknown_one(config: str, capsys: pytest.CaptureFixture) -> None:
    code = main(["check", str(DEMO / "chiiki" / "jichikai.csv"), "--source", "jichikai-typo", "--config", config])
    err = capsys.readouterr().err
    assert code == 2
    assert "no source 'jichikai-typo'" in err and "care-services" in err


def test_geocode_adds_town_level_coordinates(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    source = tmp_path / "in.csv"
    source.write_text("名称,所在地\nA,川越市仙波町２丁目５番８号\nB,東京都千代田区丸の内1-1\n", encoding="cp932")
    out = tmp_path / "out.csv"
    assert main(["geocode", str(source), "--address-column", "所在地", "--out", str(out)]) == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows[0]["geocode_level"] == "town" and rows[0]["geocode_matched"] == "仙波町二丁目"
    assert 35.86 <= float(rows[0]["lat"]) <= 35.96 and 139.40 <= float(rows[0]["lon"]) <= 139.56
    assert rows[1]["geocode_level"] == "none" and rows[1]["lat"] == ""


def test_match_gives_variants_one_cluster(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "source_id,name,town,phone\n"
        "a,ふれあいサロン まとば,大字的場,\n"
        "b,ふれあいサロン・まとば,大字的場,\n"
        "c,ふれあいサロン まとば,新富町一丁目,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["match", str(source), "--out", str(out)]) == 0
    clusters = [row["cluster_id"] for row in csv.DictReader(out.open(encoding="utf-8"))]
    assert clusters[0] == clusters[1] != clusters[2]  # same name in another town is another salon


def test_freshness_without_a_warehouse_says_what_to_run(config: str, tmp_path: Path, capsys) -> None:
    assert main(["freshness", "--config", config, "--data-dir", str(tmp_path)]) == 2
    assert "tsunagu run --data-dir" in capsys.readouterr().err


def _tiny_city(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "salons.csv").write_text(
        "名称,住所,電話番号\nふれあいサロン仙波,川越市仙波町２丁目５番８号,049-224-8811\n", encoding="cp932"
    )
    config = tmp_path / "departments.yaml"
    config.write_text(
        "municipality: {code: '112011', name: 川越市, prefecture: 埼玉県}\n"
        "base_dir: src\n"
        "departments:\n"
        "  - {id: korei, name: 高齢者いきがい課, contact_email: korei@example.invalid, sources: [\n"
        "      {id: salons, kind: csv, location: salons.csv, cadence: P3M,\n"
        "       resource_type: ふれあいサロン, field: 高齢}]}\n",
        encoding="utf-8",
    )
    return config


def _run_with_stderr(config: Path, data: Path, *, tty: bool, extra: list[str] | None = None) -> tuple[int, str, str]:
    """Run `tsunagu run` in a child process whose stderr is a terminal (a pty) or a pipe."""
    import os
    import pty
    import subprocess
    import sys

    command = [sys.executable, "-m", "pipelines.cli", "run", "--config", str(config), "--data-dir", str(data)]
    command += extra or []
    if not tty:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, text=True)
    os.close(follower)
    out = proc.communicate(timeout=120)[0]
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the pty is closed once the child is gone
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return proc.returncode, out, b"".join(chunks).decode("utf-8", "replace")


def test_run_shows_progress_per_stage_on_a_terminal(tmp_path: Path) -> None:
    code, out, err = _run_with_stderr(_tiny_city(tmp_path), tmp_path / "data", tty=True)
    assert code == 0, err
    for stage in ("extract", "conform", "geocode", "match", "freshness", "publish"):
        assert stage in err
    assert "sources fetched: 1/1" in out


def test_run_is_quiet_when_not_on_a_terminal(tmp_path: Path) -> None:
    code, out, err = _run_with_stderr(_tiny_city(tmp_path), tmp_path / "data", tty=False)
    assert code == 0, err
    assert err == ""
    assert "published: 1" in out


def test_reparse_of_an_unknown_source_fails_before_any_work(config: str, tmp_path: Path, capsys) -> None:
    data = tmp_path / "data"
    assert main(["run", "--config", config, "--data-dir", str(data), "--reparse", "no-such-source"]) == 2
    assert "no source 'no-such-source'" in capsys.readouterr().err
    assert not data.exists()


def test_reparse_parses_the_archive_again_without_the_file(tmp_path: Path) -> None:
    config = _tiny_city(tmp_path)
    data = tmp_path / "data"
    assert _run_with_stderr(config, data, tty=False)[0] == 0
    (tmp_path / "src" / "salons.csv").unlink()
    code, out, err = _run_with_stderr(config, data, tty=False, extra=["--reparse", "salons"])
    assert code == 0, err
    assert "sources fetched: 1/1" in out and "published: 1" in out
