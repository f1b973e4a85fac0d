"""The whole pipeline on the bundled Kawagoe demo, through the CLI, into temporary data dirs.

Expected figures come from config/kawagoe/README.md, which documents every planted quirk.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import yaml

from pipelines.cli import main

AS_OF = "2026-12-04"
KAWAGOE_BOX = {"lat": (35.86, 35.96), "lon": (139.40, 139.56)}
# conformed records per source after quarantine (config/kawagoe/README.md)
EXPECTED_RECORDS = {
    "care-services": 32,
    "houkatsu": 9,
    "rojin-club": 24,
    "fureai-salon": 20,
    "sodan-shien": 15,
    "kodomo-shokudo": 13,
    "kosodate-circles": 11,
    "kobato-groups": 12,
    "jichikai": 31,
    "volunteer-groups": 22,
}
EXPECTED_QUARANTINE = {
    ("kodomo-shokudo", 9, "名称", "required:name"),
    ("jichikai", 18, "確認日", "format:source_as_of"),
    ("kosodate-circles", 8, "連絡先", "format:phone"),
}


@dataclass
class Run:
    """One `tsunagu` invocation: exit code, what it printed, and the data dir it wrote."""

    code: int
    out: str
    err: str
    data_dir: Path


def tsunagu(*args: str) -> Run:
    """Run the CLI in-process, restoring the environment it changes (DAGSTER_HOME)."""
    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    data_dir = Path(args[args.index("--data-dir") + 1]) if "--data-dir" in args else Path()
    return Run(code, out.getvalue(), err.getvalue(), data_dir)


def seed_inbox(repo_root: Path, data: Path) -> None:
    """Drop the demo department's file into its folder, as scripts/demo does."""
    shutil.copytree(repo_root / "demo" / "kawagoe" / "inbox", data / "inbox", dirs_exist_ok=True)


@pytest.fixture(scope="module")
def demo_config(repo_root: Path) -> Path:
    return repo_root / "config" / "kawagoe" / "departments.yaml"


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory, demo_config: Path, repo_root: Path) -> Run:
    data = tmp_path_factory.mktemp("demo") / "data"
    seed_inbox(repo_root, data)
    return tsunagu("run", "--config", str(demo_config), "--data-dir", str(data), "--as-of", AS_OF)


@pytest.fixture(scope="module")
def second(first: Run, demo_config: Path) -> Run:
    """The same inputs again, into the same data dir."""
    with _db(first) as con:
        first.snapshot = {  # type: ignore[attr-defined]
            "ids": con.execute("SELECT resource_id FROM resources ORDER BY 1").fetchall(),
            "history": con.execute("SELECT count(*) FROM resources_history").fetchall(),
            "snapshots": con.execute("SELECT count(*) FROM snapshots").fetchall(),
        }
    seed_inbox(demo_config.parents[2], first.data_dir)  # the same file dropped again
    return tsunagu("run", "--config", str(demo_config), "--data-dir", str(first.data_dir), "--as-of", AS_OF)


@contextlib.contextmanager
def _db(run: Run) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(run.data_dir / "warehouse.duckdb"), read_only=True)
    try:
        yield con
    finally:
        con.close()


def _latest(run: Run) -> Path:
    return run.data_dir / "publish" / "latest"


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_run_completes_and_prints_the_summary(first: Run) -> None:
    assert first.code == 0, first.err
    assert "sources fetched: 10/11" in first.out
    assert "departments overdue or failing: 2" in first.out
    assert "chiiki-houkatsu (overdue)" in first.out and "seikatsu-fukushi (failing)" in first.out
    assert "publish/latest/social_resources.csv" in first.out


def test_records_per_source(first: Run) -> None:
    with _db(first) as con:
        counts = dict(con.execute("SELECT source_id, count(*) FROM current_records GROUP BY 1").fetchall())
    assert counts == EXPECTED_RECORDS


def test_quarantine_names_source_row_column_and_rule(first: Run) -> None:
    rows = _csv_rows(_latest(first) / "quality.csv")
    assert {(r["source_id"], int(r["row"]), r["column"], r["rule"]) for r in rows} == EXPECTED_QUARANTINE
    by_rule = {r["rule"]: r for r in rows}
    assert (
        "2月30日" in by_rule["format:source_as_of"]["message"]
        or "February" in by_rule["format:source_as_of"]["message"]
    )
    assert "digits" in by_rule["format:phone"]["message"]


def test_overdue_and_failing_sources_are_reported_and_others_fresh(first: Run) -> None:
    doc = json.loads((_latest(first) / "freshness.json").read_text(encoding="utf-8"))
    statuses = {s["source_id"]: s["status"] for d in doc["departments"] for s in d["sources"]}
    assert statuses.pop("houkatsu") == "overdue"
    assert statuses.pop("gakushu-shien") == "failing"
    assert set(statuses.values()) == {"fresh"}
    failing = next(s for d in doc["departments"] for s in d["sources"] if s["source_id"] == "gakushu-shien")
    assert "127.0.0.1:9" in failing["last_error"]


def test_every_reachable_source_is_published(first: Run) -> None:
    with _db(first) as con:
        sources = {r[0] for r in con.execute("SELECT DISTINCT source_id FROM lineage").fetchall()}
    assert sources == set(EXPECTED_RECORDS)
    published = _csv_rows(_latest(first) / "social_resources.csv")
    assert len(published) > 150
    assert len({r["resource_id"] for r in published}) == len(published)


def test_same_resource_in_two_departments_lists_is_one_resource(first: Run) -> None:
    with _db(first) as con:
        merged = con.execute(
            "SELECT resource_id, list(DISTINCT source_id) FROM lineage GROUP BY 1 HAVING count(DISTINCT source_id) > 1"
        ).fetchall()
    assert merged, "the demo plants resources listed by two departments"
    assert any({"care-services", "houkatsu"} <= set(s) for _, s in merged)


def test_geojson_is_rfc7946_with_lon_lat_inside_kawagoe(first: Run) -> None:
    doc = json.loads((_latest(first) / "social_resources.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    points = [f["geometry"]["coordinates"] for f in doc["features"] if f["geometry"]]
    assert len(points) > 100
    for lon, lat in points:
        assert KAWAGOE_BOX["lon"][0] <= lon <= KAWAGOE_BOX["lon"][1]
        assert KAWAGOE_BOX["lat"][0] <= lat <= KAWAGOE_BOX["lat"][1]


def test_data_package_validates(first: Run) -> None:
    from frictionless import validate

    report = validate(str(_latest(first) / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


def test_private_contacts_are_published_only_with_consent(first: Run) -> None:
    published = {r["name"]: r for r in _csv_rows(_latest(first) / "social_resources.csv")}
    assert "contact_person" not in next(iter(published.values()))
    with _db(first) as con:
        withheld = con.execute(
            "SELECT name FROM resources WHERE publish AND NOT contact_public AND phone IS NOT NULL"
        ).fetchall()
        declined = con.execute("SELECT name FROM resources WHERE NOT publish").fetchall()
    assert withheld and declined
    for (name,) in withheld:
        assert published[name]["phone"] == ""
    for (name,) in declined:
        assert name not in published


def test_freshness_command_reads_the_warehouse(first: Run, demo_config: Path) -> None:
    run = tsunagu(
        "freshness",
        "--config",
        str(demo_config),
        "--data-dir",
        str(first.data_dir),
        "--as-of",
        AS_OF,
        "--format",
        "json",
    )
    assert run.code == 0
    doc = json.loads(run.out)
    statuses = {s["source_id"]: s["status"] for d in doc["departments"] for s in d["sources"]}
    assert statuses["houkatsu"] == "overdue" and statuses["gakushu-shien"] == "failing"


def test_runs_are_recorded_in_the_dagster_instance(first: Run) -> None:
    from dagster import DagsterInstance

    instance = DagsterInstance.from_config(str(first.data_dir / "dagster"))
    try:
        runs = instance.get_runs()
        assert runs and all(r.job_name == "refresh" for r in runs)
    finally:
        instance.dispose()


def test_second_run_with_unchanged_inputs_changes_nothing(second: Run, first: Run) -> None:
    assert second.code == 0, second.err
    with _db(second) as con:
        assert con.execute("SELECT resource_id FROM resources ORDER BY 1").fetchall() == first.snapshot["ids"]
        assert con.execute("SELECT count(*) FROM resources_history").fetchall() == first.snapshot["history"]
        assert con.execute("SELECT count(*) FROM snapshots").fetchall() == first.snapshot["snapshots"]
    assert _csv_rows(_latest(second) / "changes.csv") == []
    assert "+0 added, ~0 changed, -0 removed" in second.out


def test_a_broken_source_keeps_its_last_good_data(second: Run, demo_config: Path, tmp_path: Path) -> None:
    config = yaml.safe_load(demo_config.read_text(encoding="utf-8"))
    config["base_dir"] = str((demo_config.parent / config["base_dir"]).resolve())
    for dept in config["departments"]:
        for source in dept["sources"]:
            if source["id"] == "care-services":
                source["location"] = "kaigo/not_sent_this_month.csv"
    broken = tmp_path / "departments.yaml"
    broken.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    run = tsunagu("run", "--config", str(broken), "--data-dir", str(second.data_dir), "--as-of", AS_OF)
    assert run.code == 0, run.err
    doc = json.loads((_latest(run) / "freshness.json").read_text(encoding="utf-8"))
    care = next(s for d in doc["departments"] for s in d["sources"] if s["source_id"] == "care-services")
    assert care["status"] == "failing" and "not_sent_this_month.csv" in care["last_error"]
    published = _csv_rows(_latest(run) / "social_resources.csv")
    assert sum(r["resource_type"] == "介護サービス事業所" for r in published) >= 30


def test_a_config_mistake_fails_before_any_work(demo_config: Path, tmp_path: Path) -> None:
    config = yaml.safe_load(demo_config.read_text(encoding="utf-8"))
    config["departments"][1]["sources"][0]["kind"] = "pdf"
    bad = tmp_path / "departments.yaml"
    bad.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    data = tmp_path / "data"
    run = tsunagu("run", "--config", str(bad), "--data-dir", str(data))
    assert run.code == 2
    assert "departments[1].sources[0].kind" in run.err and "'csv', 'excel'" in run.err
    assert not data.exists()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_ui_shows_the_runs_made_by_tsunagu_run(first: Run, demo_config: Path) -> None:
    """`tsunagu ui` serves the Dagster UI on 127.0.0.1 from the same instance `tsunagu run` wrote."""
    import signal
    import subprocess
    import sys
    import time

    import requests

    port = _free_port()
    command = [sys.executable, "-m", "pipelines.cli", "ui", "--config", str(demo_config),
               "--data-dir", str(first.data_dir), "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    query = "{ runsOrError { ... on Runs { results { runId jobName status } } } }"
    try:
        deadline = time.monotonic() + 120
        runs = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                reply = requests.post(f"http://127.0.0.1:{port}/graphql", json={"query": query}, timeout=5)
                runs = reply.json()["data"]["runsOrError"]["results"]
                break
            except (requests.RequestException, ValueError, KeyError, TypeError):
                time.sleep(1)
        assert runs, "the Dagster UI did not answer on 127.0.0.1"
        assert {r["jobName"] for r in runs} == {"refresh"}
        assert any(r["status"] == "SUCCESS" for r in runs)
    finally:
        proc.send_signal(signal.SIGTERM)  # tsunagu ui stops dagster dev and everything it started
        proc.wait(timeout=90)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/server_info", timeout=5)


def test_the_dropped_file_was_taken_from_the_inbox(first: Run) -> None:
    folder = first.data_dir / "inbox" / "kosodate-circles"
    assert not [p for p in folder.iterdir() if p.is_file()]  # nothing left waiting
    taken = [p.name for p in (folder / "processed").iterdir()]
    assert taken and all(name.endswith("_子育てサークル一覧_R8.11.csv") for name in taken)
