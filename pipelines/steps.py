"""The pipeline's stages as plain functions over a RunContext; Dagster assets and the CLI call these.

No Dagster here: every stage is testable (and runnable) on its own.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from connectors import HttpClient, RawArchive, fetch, page_loader, parse
from connectors.base import Payload, Validators
from connectors.inbox import NothingYet, waiting_files
from exports import compute_freshness, department_freshness, write_release
from geocoding import Gazetteer
from geocoding.districts import assign_districts
from matching import resolve
from pipelines.progress import Reporter, silent
from schemas.conform import conform
from schemas.definition import FIELD_NAMES
from tsunagu.config import CityConfig, Department, SourceConfig
from tsunagu.errors import FetchError, SourceError, TsunaguError
from warehouse import Warehouse, utc_naive

ATTRIBUTIONS = (
    "「Geolonia 住所データ」(株式会社Geolonia, https://github.com/geolonia/japanese-addresses) "
    "CC BY 4.0 を加工して作成。"
    "元データ: 国土交通省 位置参照情報",
)


@dataclass
class RunContext:
    """Everything one pipeline run needs: config, where data lives, and the run's clock."""

    config: CityConfig
    data_dir: Path
    now: datetime
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    report: Reporter = silent
    client: HttpClient | None = None
    reparse: dict[str, str | None] = field(default_factory=dict)

    @property
    def warehouse(self) -> Warehouse:
        """The DuckDB warehouse file of this data dir."""
        return Warehouse(self.data_dir / "warehouse.duckdb")

    @property
    def archive(self) -> RawArchive:
        """The content-addressed raw archive of this data dir."""
        return RawArchive(self.data_dir / "raw")

    @property
    def publish_dir(self) -> Path:
        """Where releases are written."""
        return self.data_dir / "publish"

    def http(self) -> HttpClient:
        """The shared HTTP client, made on first use."""
        if self.client is None:
            self.client = HttpClient.from_settings(self.config.http, contact=self.config.staff_email or None)
        return self.client


def make_context(
    config: CityConfig, data_dir: str | Path, *, as_of: datetime | None = None, report: Reporter = silent
) -> RunContext:
    """A RunContext whose clock is ``as_of`` when given (reproducible runs), else now."""
    now = as_of or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return RunContext(config=config, data_dir=Path(data_dir).resolve(), now=now, report=report)


def source_location(ctx: RunContext, source: SourceConfig) -> str:
    """Where a source is read from: its URL or path, or its drop folder under the inbox dir."""
    if source.kind == "inbox":
        root = Path(ctx.config.resolve(ctx.config.inbox_dir)) if ctx.config.inbox_dir else ctx.data_dir / "inbox"
        return str(root / source.location)
    return ctx.config.resolve(source.location)


def _manifest_row(ctx: RunContext, dept: Department, source: SourceConfig, location: str) -> dict[str, Any]:
    return {
        "fetch_id": uuid.uuid4().hex,
        "run_id": ctx.run_id,
        "department_id": dept.id,
        "source_id": source.id,
        "attempted_at": utc_naive(ctx.now),
        "location": location,
        "ok": False,
        "nothing_yet": False,
    }


def extract_source(ctx: RunContext, dept: Department, source: SourceConfig) -> dict[str, Any]:
    """Fetch a source, archive the raw payload (content-addressed) and log the attempt in the manifest.

    A web source is asked conditionally (ETag / Last-Modified of its last good fetch): an unchanged
    source answers 304 and costs no new snapshot. ``ctx.reparse`` sources are not fetched at all:
    their archived snapshot is queued for parsing again.
    """
    if source.id in ctx.reparse:
        return _queue_reparse(ctx, dept, source, ctx.reparse[source.id])
    location = source_location(ctx, source)
    row = _manifest_row(ctx, dept, source, location)
    previous = ctx.warehouse.previous_ok_fetch(source.id)
    validators = None
    # A 304 on page one would hide changes on later or detail pages: ask those in full.
    multi_page = source.html is not None and (source.html.next or source.html.detail)
    if source.is_url and not multi_page and previous and isinstance(previous.get("headers"), str):
        validators = Validators.from_headers(json.loads(previous["headers"]))
    try:
        payload = fetch(source, location, client=ctx.http() if source.is_url else None, validators=validators)
    except NothingYet as exc:
        row.update(nothing_yet=True, error=str(exc))
        ctx.report("extract", source.id, "waiting for the department's first file")
    except FetchError as exc:
        row.update(error=str(exc))
        ctx.report("extract", source.id, f"FAILED: {exc}")
    else:
        if payload.not_modified and previous:
            row.update(
                ok=True,
                http_status=304,
                **{k: previous[k] for k in ("sha256", "bytes", "filename", "headers", "modified_at")},
            )
        else:
            ctx.archive.store(payload)
            row.update(
                ok=True,
                location=payload.location,
                sha256=payload.sha256,
                bytes=len(payload.content),
                filename=payload.filename,
                http_status=payload.http_status,
                headers=json.dumps(payload.headers, ensure_ascii=False) if payload.headers else None,
                modified_at=utc_naive(payload.modified_at),
            )
    row["new_content"] = ctx.warehouse.record_fetch(row)
    if row["ok"]:
        detail = "not modified (304)" if row.get("http_status") == 304 else f"{row['bytes']:,} bytes"
        ctx.report("extract", source.id, detail + (" (new content)" if row["new_content"] else ""))
    return row


def _queue_reparse(ctx: RunContext, dept: Department, source: SourceConfig, prefix: str | None) -> dict[str, Any]:
    """Make an archived snapshot the source's latest again, so the conform stage parses it anew."""
    snapshot = ctx.warehouse.find_snapshot(source.id, prefix)
    if snapshot is None:
        raise SourceError(source.id, f"no archived snapshot {prefix or ''} to re-parse; run without --reparse first")
    row = _manifest_row(ctx, dept, source, f"reparse of {snapshot['sha256'][:12]}")
    row.update(ok=True, sha256=snapshot["sha256"], bytes=snapshot["bytes"], filename=snapshot["filename"])
    ctx.warehouse.record_fetch(row)
    ctx.report("extract", source.id, f"re-parsing archived snapshot {snapshot['sha256'][:12]} (not fetched)")
    return {**row, "new_content": False}


def conform_source(ctx: RunContext, dept: Department, source: SourceConfig) -> dict[str, Any]:
    """Parse the source's newest payload, conform and validate it, store good rows and quarantine.

    Content already parsed (same hash) is not parsed again unless it is being re-parsed on purpose.
    """
    latest = ctx.warehouse.latest_fetch(source.id)
    if latest is not None and latest["nothing_yet"]:
        return {"source_id": source.id, "status": "waiting", "reason": "no new file in the drop folder"}
    if latest is None or not latest["ok"]:
        return {"source_id": source.id, "status": "skipped", "reason": (latest or {}).get("error")}
    if source.id not in ctx.reparse:
        known = ctx.warehouse.parsed_outcome(source.id, latest["sha256"])
        if known is not None:
            ctx.warehouse.record_parse(latest["fetch_id"], known)
            _file_inbox_drop(ctx, source, latest, None)
            ctx.report("conform", source.id, "unchanged content, not parsed again")
            return {"source_id": source.id, "status": "unchanged", **known}
    payload = Payload(
        source_id=source.id,
        location=latest["location"],
        filename=latest["filename"],
        content=ctx.archive.load(latest["sha256"]),
        fetched_at=ctx.now,
        sha256=latest["sha256"],
        http_status=None if pd.isna(latest["http_status"]) else int(latest["http_status"]),
        headers=json.loads(latest["headers"]) if isinstance(latest["headers"], str) else {},
        modified_at=None,
    )
    try:
        extracted = parse(source, payload, page_loader(source, ctx.http() if source.is_url else None))
        result = conform(extracted.frame, source, department_id=dept.id, source_as_of=extracted.as_of)
    except TsunaguError as exc:
        ctx.warehouse.record_parse(latest["fetch_id"], {"parse_ok": False, "parse_error": str(exc)})
        _file_inbox_drop(ctx, source, latest, str(exc))
        ctx.report("conform", source.id, f"FAILED: {exc}")
        return {"source_id": source.id, "status": "failed", "error": str(exc)}
    ctx.warehouse.store_conformed(latest["sha256"], source.id, result.records, result.quarantine)
    stated = extracted.as_of or _newest_row_date(result.records)
    bad_rows = int(result.quarantine["row"].nunique()) if not result.quarantine.empty else 0
    outcome = {
        "parse_ok": True,
        "as_of": stated,
        "rows_in": len(extracted.frame),
        "records": len(result.records),
        "quarantined": bad_rows,
        "warnings": "\n".join([*extracted.warnings, *result.warnings]) or None,
    }
    ctx.warehouse.record_parse(latest["fetch_id"], outcome)
    _file_inbox_drop(ctx, source, latest, None)
    ctx.report("conform", source.id, f"{len(result.records)} records, {bad_rows} quarantined")
    return {"source_id": source.id, "status": "ok", **outcome}


def _file_inbox_drop(ctx: RunContext, source: SourceConfig, fetched: dict[str, Any], problem: str | None) -> None:
    """Move a dropped file out of the inbox: to processed/, or to rejected/ with a .reason.txt beside it.

    The department sees at a glance that its file was taken, or why it was not; the payload itself
    is already in the raw archive.
    """
    if source.kind != "inbox" or fetched["run_id"] != ctx.run_id:
        return
    path = Path(str(fetched["location"]))
    if not path.is_file():
        return
    stamp = ctx.now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target_dir = path.parent / ("rejected" if problem else "processed")
    target_dir.mkdir(exist_ok=True)
    target = target_dir / f"{stamp}_{path.name}"
    path.replace(target)
    # Older files still waiting are superseded by the one just read: each drop is a whole list.
    for older in waiting_files(source, path.parent):
        (path.parent / "processed").mkdir(exist_ok=True)
        older.replace(path.parent / "processed" / f"{stamp}_superseded_{older.name}")
    if problem:
        target.with_name(target.name + ".reason.txt").write_text(
            f"{path.name} was not accepted ({stamp}).\n\n{problem}\n\n"
            "Fix the file and drop it into the folder again; the last accepted list stays published.\n",
            encoding="utf-8",
        )


def _newest_row_date(records: pd.DataFrame) -> date | None:
    """The newest date the rows themselves state (a 確認日 column), for lists with no list-level date."""
    dates = pd.to_datetime(records["source_as_of"], errors="coerce").dropna()
    return dates.max().date() if not dates.empty else None


def geocode_records(ctx: RunContext) -> dict[str, Any]:
    """Geocode every source's current records at town level and assign districts."""
    geocoded = ctx.warehouse.current_records()
    levels: dict[str, int] = {}
    if not geocoded.empty:
        geocoded = Gazetteer.bundled(ctx.config.municipality.code).geocode_frame(geocoded, "address")
        geocoded["district"] = assign_districts(geocoded, ctx.config.districts)
        geocoded["fetched_at"] = geocoded["snapshot_fetched_at"]  # when this content was first fetched
        levels = geocoded["geocode_level"].value_counts().to_dict()
    columns = [*FIELD_NAMES, "department_id", "source_row", "geocode_matched"]
    ctx.warehouse.replace_current_records(geocoded.reindex(columns=columns))
    ctx.report("geocode", "all", ", ".join(f"{k}: {v}" for k, v in sorted(levels.items())) or "no records")
    return {"records": len(geocoded), "levels": levels}


def _source_priority(config: CityConfig) -> dict[str, int]:
    """Formal sources outrank informal ones, then config order: the order survivorship trusts them."""
    pairs = config.sources()
    ranked = sorted(range(len(pairs)), key=lambda i: (pairs[i][1].formality != "formal", i))
    return {pairs[i][1].id: rank for rank, i in enumerate(ranked)}


def resolve_resources(ctx: RunContext) -> dict[str, Any]:
    """Deduplicate current records into resources with stable IDs; load them with history and lineage."""
    records = ctx.warehouse.read_current_records().rename(columns={"source_row": "_row"})
    priority = _source_priority(ctx.config)
    records["source_priority"] = records["source_id"].map(priority).fillna(len(priority)).astype(int)
    registry = ctx.warehouse.registry()
    resolution = resolve(records, registry, municipality_code=ctx.config.municipality.code, now=utc_naive(ctx.now))
    resources = resolution.resources.copy()
    first_seen = resolution.registry.groupby("resource_id")["first_seen_at"].min()
    resources["first_seen_at"] = resources["resource_id"].map(first_seen)
    counts = ctx.warehouse.apply_resources(resources, resolution.registry, resolution.lineage, ctx.now)
    ctx.report(
        "match",
        "all",
        f"{len(records)} records -> {counts['total']} resources "
        f"(+{counts['added']} ~{counts['changed']} -{counts['removed']})",
    )
    return {**counts, "records": len(records)}


def freshness_frame(ctx: RunContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-source and per-department freshness (§8), from the warehouse's fetch history."""
    activity = ctx.warehouse.source_activity().set_index("source_id")
    current = ctx.warehouse.read_current_records()
    published = current.groupby("source_id").size() if not current.empty else pd.Series(dtype=int)
    quarantine = ctx.warehouse.current_quarantine()
    bad = quarantine.groupby("source_id")["row"].nunique() if not quarantine.empty else pd.Series(dtype=int)
    rows = []
    for dept, source in ctx.config.sources():
        cadence, overdue, delinquent = source.thresholds_days
        act = activity.loc[source.id].to_dict() if source.id in activity.index else {}
        rows.append(
            {
                "department_id": dept.id,
                "department_name": dept.name,
                "contact_email": dept.contact_email,
                "source_id": source.id,
                "kind": source.kind,
                "location": source.location,
                "cadence_days": cadence,
                "overdue_days": overdue,
                "delinquent_days": delinquent,
                "last_changed_at": _last_changed(act),
                "last_success_at": _utc(act.get("last_success_at")),
                "last_attempt_at": _utc(act.get("last_attempt_at")),
                # an empty drop folder is waiting, not failing: the department has not sent a file yet
                "last_attempt_ok": None if not act or act.get("nothing_yet") else bool(act.get("last_attempt_ok")),
                "last_error": act.get("last_error")
                if act and not act.get("last_attempt_ok") and not act.get("nothing_yet")
                else None,
                # an emptied drop folder after an accepted file is simply waiting for the next one
                "nothing_yet": bool(act.get("nothing_yet")) and pd.isna(act.get("last_success_at")) if act else False,
                "records": int(published.get(source.id, 0)),
                "quarantined": int(bad.get(source.id, 0)),
            }
        )
    sources = compute_freshness(pd.DataFrame(rows), ctx.now)
    return sources, department_freshness(sources)


def _utc(value: Any) -> pd.Timestamp:
    """A warehouse timestamp (naive UTC) as an aware one, NaT for missing."""
    if value is None or pd.isna(value):
        return pd.NaT
    return pd.Timestamp(value).tz_localize(UTC)


def _last_changed(act: dict[str, Any]) -> pd.Timestamp:
    """When content last changed: new content hash or the stated date, whichever is later.

    For the very first snapshot of a source the change time is unknown to us, so the date the
    department states is the better evidence when it gives one.
    """
    content = _utc(act.get("content_first_fetched_at"))
    stated = _utc(act.get("stated_as_of"))
    if pd.isna(content):
        return pd.NaT
    if pd.isna(stated):
        return content
    first_ever = content == _utc(act.get("source_first_fetched_at"))
    return stated if first_ever else max(content, stated)


def update_freshness(ctx: RunContext) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Compute freshness now and log it in the warehouse."""
    sources, departments = freshness_frame(ctx)
    ctx.warehouse.log_freshness(
        ctx.run_id, ctx.now, sources.assign(last_changed_at=sources["last_changed_at"].map(utc_naive))
    )
    late = departments[departments["status"].isin(["overdue", "delinquent", "failing"])]
    ctx.report("freshness", "all", f"{len(late)} department(s) overdue or failing")
    return sources, departments


def release_id_for(ctx: RunContext) -> str:
    """A sortable release id from the run's clock, unique within the data dir."""
    base = ctx.now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    existing = set(ctx.warehouse.release_ids())
    candidate, n = base, 1
    while candidate in existing or (ctx.publish_dir / "releases" / candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def publish_release(ctx: RunContext) -> dict[str, Any]:
    """Write the open-data release and make it the latest; the guard refuses a suspicious shrink."""
    resources = ctx.warehouse.resources()
    changed = ctx.warehouse.last_changed().set_index("resource_id")["last_changed_at"]
    resources["last_changed_at"] = resources["resource_id"].map(changed)
    sources, departments = freshness_frame(ctx)
    release_id = release_id_for(ctx)
    result = write_release(
        resources,
        publish_dir=ctx.publish_dir,
        release_id=release_id,
        generated_at=ctx.now,
        municipality=ctx.config.municipality.model_dump(),
        freshness_sources=sources,
        freshness_departments=departments,
        quarantine=ctx.warehouse.current_quarantine(),
        attributions=list(ATTRIBUTIONS),
        guard_previous_count=ctx.warehouse.latest_release_count(),
    )
    ctx.warehouse.record_release(
        {
            "release_id": release_id,
            "run_id": ctx.run_id,
            "created_at": utc_naive(ctx.now),
            "path": str(result.release_dir.relative_to(ctx.data_dir)),
            "published": result.counts["published"],
            "added": result.changes["added"],
            "changed": result.changes["changed"],
            "removed": result.changes["removed"],
            "valid": bool(result.validation["valid"]),
        }
    )
    ctx.report("publish", "all", f"release {release_id}: {result.counts['published']} resources")
    return {
        "release_id": release_id,
        "release_dir": str(result.release_dir),
        "valid": bool(result.validation["valid"]),
        **result.counts,
        **result.changes,
    }


def run_all(ctx: RunContext) -> dict[str, Any]:
    """Every stage in order, without Dagster: the same functions the assets call, for tests and scripts."""
    for dept, source in ctx.config.sources():
        extract_source(ctx, dept, source)
        conform_source(ctx, dept, source)
    geocode_records(ctx)
    resolve_resources(ctx)
    update_freshness(ctx)
    return publish_release(ctx)
