"""The ``tsunagu`` command: run the pipeline, check a department's file, report freshness, open the UI.

The names, options and outputs here are a contract that users' scripts rely on (design.md §6).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from pipelines import progress, settings
from tsunagu.config import load_config
from tsunagu.errors import ConfigError, FetchError, TsunaguError

if TYPE_CHECKING:  # the pipeline modules load Dagster; commands import them only when they need them
    from pipelines.steps import RunContext

LATE = ("overdue", "delinquent", "failing")


def _common(parser: argparse.ArgumentParser, *, as_of: bool = True) -> None:
    parser.add_argument("--config", help="departments YAML (default: $TSUNAGU_CONFIG or the Kawagoe demo)")
    parser.add_argument(
        "--data-dir", help="where the warehouse and releases live (default: $TSUNAGU_DATA_DIR or ./data)"
    )
    if as_of:
        parser.add_argument("--as-of", help="evaluate as of this date/time (ISO 8601), e.g. 2026-12-04")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tsunagu", description="Open data for municipal social resources.")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the whole pipeline once and publish a release")
    _common(run)
    run.add_argument(
        "--reparse",
        action="append",
        default=[],
        metavar="SOURCE_ID[:SHA]",
        help="parse a source's archived snapshot again (after a connector fix) instead of fetching it",
    )
    check = sub.add_parser("check", help="validate one department file as the pipeline would")
    check.add_argument("file")
    check.add_argument("--source", required=True, help="the source id the file is for")
    _common(check, as_of=False)
    fresh = sub.add_parser("freshness", help="which departments' data is overdue")
    _common(fresh)
    fresh.add_argument("--format", choices=("table", "csv", "json"), default="table")
    geo = sub.add_parser("geocode", help="add lat, lon, geocode_level, geocode_matched to a CSV")
    geo.add_argument("input")
    geo.add_argument("--address-column", required=True)
    geo.add_argument("--out")
    geo.add_argument("--gazetteer", help="gazetteer CSV (default: the bundled extract of --code)")
    geo.add_argument("--code", default="112011", help="municipality code of the bundled extract")
    match = sub.add_parser("match", help="add cluster_id to a CSV of common-schema records")
    match.add_argument("input")
    match.add_argument("--out")
    ui = sub.add_parser("ui", help="start the Dagster UI on 127.0.0.1")
    _common(ui, as_of=False)
    ui.add_argument("--port", type=int, default=3000)
    return parser


def _terminal_reporter(stage: str, subject: str, message: str) -> None:
    print(f"  {stage:<9} {subject:<24} {message}", file=sys.stderr, flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    """Run every stage in-process, recorded in the data dir's Dagster instance; print the summary."""
    from dagster import DagsterInstance

    from pipelines.factory import REFRESH_JOB, build_definitions
    from pipelines.resources import parse_as_of
    from pipelines.steps import freshness_frame, make_context

    config_path = settings.config_path(args.config)
    config = load_config(config_path)
    data_dir = settings.data_dir(args.data_dir)
    as_of = parse_as_of(args.as_of)
    for item in args.reparse:
        config.source(item.partition(":")[0])  # an unknown id fails here, before any work
    os.environ["DAGSTER_HOME"] = str(settings.dagster_home(data_dir))
    if sys.stderr.isatty():
        progress.set_reporter(_terminal_reporter)
        print(
            f"tsunagu: {config.municipality.name} — {len(config.sources())} sources → {data_dir}",
            file=sys.stderr,
        )
    defs = build_definitions(str(config_path.resolve()), str(data_dir), args.as_of or "", args.reparse)
    with DagsterInstance.get() as instance:
        result = defs.resolve_job_def(REFRESH_JOB).execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        )
    progress.set_reporter(None)
    ctx = make_context(config, data_dir, as_of=as_of)
    sources, departments = freshness_frame(ctx)
    _print_summary(ctx, sources, departments)
    if not result.success:
        failures = [e.message for e in result.all_events if e.is_failure]
        print("tsunagu: the run failed: " + "; ".join(failures[-3:]), file=sys.stderr)
        return 1
    return 0


def _print_summary(ctx: RunContext, sources: pd.DataFrame, departments: pd.DataFrame) -> None:
    """The end-of-run table: each source's rows, quarantine, records and status, then the totals."""
    with ctx.warehouse.connect() as con:
        latest = con.execute(
            """SELECT source_id, rows_in FROM raw_manifest WHERE run_id IS NOT NULL
               QUALIFY row_number() OVER (PARTITION BY source_id ORDER BY seq DESC) = 1"""
        ).df()
        release = con.execute(
            "SELECT release_id, published, added, changed, removed FROM releases ORDER BY seq DESC LIMIT 1"
        ).fetchall()
        release = release[0] if release else None
    rows_in = dict(zip(latest["source_id"], latest["rows_in"], strict=True))
    table = sources.assign(rows_in=sources["source_id"].map(rows_in))
    fetched = int((table["last_attempt_ok"] == True).sum())  # noqa: E712 — None means never attempted
    lines = [f"{'department':<16} {'source':<22} {'kind':<8} {'rows':>5} {'quar.':>5} {'recs':>5}  status"]
    for row in table.itertuples():
        rows = "" if pd.isna(row.rows_in) else str(int(row.rows_in))
        lines.append(
            f"{row.department_id:<16} {row.source_id:<22} {row.kind:<8} {rows:>5} "
            f"{int(row.quarantined):>5} {int(row.records):>5}  {row.status}"
        )
    late = departments[departments["status"].isin(LATE)]
    total_in = int(pd.to_numeric(table["rows_in"], errors="coerce").fillna(0).sum())
    lines.append("")
    lines.append(
        f"sources fetched: {fetched}/{len(table)}   records in: {total_in}   "
        f"quarantined: {int(table['quarantined'].sum())}   published: {release[1] if release else 0}"
    )
    if release:
        lines.append(
            f"resources: +{release[2]} added, ~{release[3]} changed, -{release[4]} removed (release {release[0]})"
        )
    lines.append(
        f"departments overdue or failing: {len(late)}"
        + (" — " + ", ".join(f"{r.department_id} ({r.status})" for r in late.itertuples()) if len(late) else "")
    )
    latest_dir = ctx.publish_dir / "latest"
    lines.append(f"open data: {latest_dir}/social_resources.csv, .geojson, datapackage.json")
    lines.append(f"freshness: {latest_dir}/freshness.html   warehouse: {ctx.data_dir / 'warehouse.duckdb'}")
    print("\n".join(lines))


def cmd_freshness(args: argparse.Namespace) -> int:
    """Print each source's freshness status from the warehouse."""
    from exports.freshness import freshness_document, render_freshness_table
    from pipelines.resources import parse_as_of
    from pipelines.steps import freshness_frame, make_context

    config = load_config(settings.config_path(args.config))
    data_dir = settings.data_dir(args.data_dir)
    if not (data_dir / "warehouse.duckdb").exists():
        print(
            f"tsunagu: no warehouse in {data_dir} — run `tsunagu run --data-dir {data_dir}` first",
            file=sys.stderr,
        )
        return 2
    ctx = make_context(config, data_dir, as_of=parse_as_of(args.as_of))
    sources, departments = freshness_frame(ctx)
    if args.format == "json":
        doc = freshness_document(sources, departments, as_of=ctx.now, municipality=config.municipality.model_dump())
        print(json.dumps(doc, ensure_ascii=False, indent=2, default=str))
    elif args.format == "csv":
        sys.stdout.write(sources.to_csv(index=False))
    else:
        print(render_freshness_table(sources))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Validate a file for one source; print each problem with row, column and rule; 1 on errors."""
    from connectors import page_loader, parse
    from connectors.base import payload_from_file
    from schemas.conform import conform

    config = load_config(settings.config_path(args.config))
    dept, source = config.source(args.source)
    path = Path(args.file)
    try:
        payload = payload_from_file(source, path)
    except FetchError as exc:
        print(f"tsunagu check: {exc}", file=sys.stderr)
        return 2
    extracted = parse(source, payload, page_loader(source))
    result = conform(extracted.frame, source, department_id=dept.id, source_as_of=extracted.as_of)
    for warning in [*extracted.warnings, *result.warnings]:
        print(f"warning: {warning}")
    for row in result.quarantine.itertuples():
        print(f"{path.name}: row {row.row}, column {row.column}: {row.rule} — {row.message} (value: {row.value!r})")
    bad = result.quarantine["row"].nunique() if not result.quarantine.empty else 0
    print(f"{path.name}: {len(extracted.frame)} rows, {len(result.records)} accepted, {bad} with problems")
    return 1 if bad else 0


def cmd_geocode(args: argparse.Namespace) -> int:
    """Geocode a CSV's address column offline."""
    from geocoding import Gazetteer
    from geocoding.gazetteer import geocode_csv

    gazetteer = Gazetteer.from_csv(args.gazetteer) if args.gazetteer else Gazetteer.bundled(args.code)
    out = args.out or str(Path(args.input).with_suffix(".geocoded.csv"))
    geocode_csv(args.input, out, args.address_column, gazetteer)
    print(out)
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    """Cluster a CSV of records by exact normalized keys."""
    from matching import match_csv

    out = args.out or str(Path(args.input).with_suffix(".matched.csv"))
    match_csv(args.input, out)
    print(out)
    return 0


def cmd_ui(args: argparse.Namespace) -> int:
    """Start ``dagster dev`` on 127.0.0.1 against the same instance that ``tsunagu run`` records in."""
    config_path = settings.config_path(args.config).resolve()
    load_config(config_path)
    data_dir = settings.data_dir(args.data_dir)
    env = {
        **os.environ,
        "DAGSTER_HOME": str(settings.dagster_home(data_dir)),
        "TSUNAGU_CONFIG": str(config_path),
        "TSUNAGU_DATA_DIR": str(data_dir),
    }
    command = [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-m",
        "pipelines.definitions",
        "-h",
        "127.0.0.1",
        "-p",
        str(args.port),
    ]
    print(f"tsunagu ui: http://127.0.0.1:{args.port} (Ctrl-C to stop)", file=sys.stderr)
    # Its own session, so that only we signal it: dagster dev then shuts down its webserver, daemon
    # and code servers itself, instead of leaving orphans behind.
    proc = subprocess.Popen(
        command, env=env, cwd=settings.REPO_ROOT, start_new_session=True, preexec_fn=_default_signals
    )
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            return proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            return proc.wait()


def _default_signals() -> None:
    """In the child: heed SIGINT/SIGTERM even when started from a shell's background job (which ignores them)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _interrupt(signum: int, frame: object) -> None:
    """Treat SIGTERM like Ctrl-C, so ``tsunagu ui`` stops the Dagster processes it started."""
    raise KeyboardInterrupt


COMMANDS = {
    "run": cmd_run,
    "check": cmd_check,
    "freshness": cmd_freshness,
    "geocode": cmd_geocode,
    "match": cmd_match,
    "ui": cmd_ui,
}


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``tsunagu`` command."""
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ConfigError as exc:
        print(f"tsunagu: config error: {exc}", file=sys.stderr)
        return 2
    except TsunaguError as exc:
        print(f"tsunagu: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
