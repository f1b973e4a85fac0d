"""One asset factory over the departments config: each source becomes a raw and a conformed asset.

Asset keys are ``[stage, department, source]`` and each department is a group, so the Dagster UI
shows every department's lists side by side; the city-wide stages follow.
"""

from datetime import timedelta

# No `from __future__ import annotations`: Dagster reads the context and resource type hints at runtime.
from pathlib import Path
from typing import Any

import dagster as dg

from connectors.inbox import NothingYet, newest_file
from pipelines import steps
from pipelines.resources import TsunaguResource
from tsunagu.config import CityConfig, Department, SourceConfig, load_config

CITY_GROUP = "city"


def group_name(dept: Department) -> str:
    """A department's Dagster group (group names allow no hyphen)."""
    return dept.id.replace("-", "_")


REFRESH_JOB = "refresh"
QUARANTINE_WARN_SHARE = 0.2


def _raw_asset(dept: Department, source: SourceConfig) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", dept.id, source.id])
    cadence, overdue, _ = source.thresholds_days

    @dg.asset(
        key=key,
        group_name=group_name(dept),
        kinds={source.kind},
        description=f"{dept.name}: {source.resource_type} ({source.kind}) — raw payload, archived by sha256.",
        metadata={"location": source.location, "cadence": source.cadence, "department": dept.name},
        freshness_policy=dg.FreshnessPolicy.time_window(
            fail_window=timedelta(days=overdue), warn_window=timedelta(days=cadence)
        ),
        check_specs=[dg.AssetCheckSpec("fetched", asset=key, description="the latest fetch succeeded")],
    )
    def raw(context: dg.AssetExecutionContext, tsunagu: TsunaguResource) -> dg.MaterializeResult:
        """Fetch the source and archive the payload; a failure is recorded, not raised, so others go on."""
        ctx = tsunagu.run_context(context.run.run_id)
        dept_, source_ = ctx.config.source(source.id)
        row = steps.extract_source(ctx, dept_, source_)
        return dg.MaterializeResult(
            # the content hash as the data version: the UI shows when a source's content really changed
            data_version=dg.DataVersion(row["sha256"]) if row.get("sha256") else None,
            metadata={
                "ok": row["ok"],
                "sha256": row.get("sha256") or "",
                "bytes": int(row.get("bytes") or 0),
                "new_content": bool(row.get("new_content")),
                "error": row.get("error") or "",
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name="fetched",
                    passed=bool(row["ok"]),
                    severity=dg.AssetCheckSeverity.WARN,
                    description=row.get("error") or "fetched",
                )
            ],
        )

    return raw


def _conformed_asset(dept: Department, source: SourceConfig) -> dg.AssetsDefinition:
    key = dg.AssetKey(["conformed", dept.id, source.id])

    @dg.asset(
        key=key,
        deps=[dg.AssetKey(["raw", dept.id, source.id])],
        group_name=group_name(dept),
        kinds={"pandera", "duckdb"},
        description=f"{dept.name}: {source.resource_type} in the common schema; bad rows quarantined.",
        check_specs=[
            dg.AssetCheckSpec("parsed", asset=key, description="the payload parsed into rows"),
            dg.AssetCheckSpec("quarantine_share", asset=key, description="at most 20% of rows quarantined"),
        ],
    )
    def conformed(context: dg.AssetExecutionContext, tsunagu: TsunaguResource) -> dg.MaterializeResult:
        """Parse, conform and validate the newest payload; the last good snapshot stays otherwise."""
        ctx = tsunagu.run_context(context.run.run_id)
        dept_, source_ = ctx.config.source(source.id)
        out = steps.conform_source(ctx, dept_, source_)
        rows_in = int(out.get("rows_in") or 0)
        quarantined = int(out.get("quarantined") or 0)
        share = quarantined / rows_in if rows_in else 0.0
        return dg.MaterializeResult(
            metadata={
                "status": out["status"],
                "rows_in": rows_in,
                "records": int(out.get("records") or 0),
                "quarantined": quarantined,
                "error": str(out.get("error") or out.get("reason") or ""),
            },
            check_results=[
                dg.AssetCheckResult(
                    check_name="parsed",
                    passed=out["status"] in ("ok", "unchanged", "waiting"),
                    severity=dg.AssetCheckSeverity.WARN,
                    description=str(out.get("error") or out.get("reason") or out["status"]),
                ),
                dg.AssetCheckResult(
                    check_name="quarantine_share",
                    passed=share <= QUARANTINE_WARN_SHARE,
                    severity=dg.AssetCheckSeverity.WARN,
                    metadata={"share": share},
                ),
            ],
        )

    return conformed


CITY_KEYS = ("geocoded", "resources", "freshness", "release")


def _inbox_sensor(dept: Department, source: SourceConfig, job: Any) -> dg.SensorDefinition:
    @dg.sensor(
        name=f"inbox_{source.id.replace('-', '_')}",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.RUNNING,
        description=f"{dept.name}: start a run when a file is dropped into the {source.id} folder.",
    )
    def inbox(context: dg.SensorEvaluationContext, tsunagu: TsunaguResource) -> dg.SensorResult:
        """A new file in the drop folder starts a run of this source and the city-wide stages."""
        ctx = tsunagu.run_context("sensor")
        _, source_ = ctx.config.source(source.id)
        try:
            path = newest_file(source_, Path(steps.source_location(ctx, source_)))
        except NothingYet:
            return dg.SensorResult(skip_reason=f"nothing in the {source.id} drop folder")
        stat = path.stat()
        return dg.SensorResult(
            run_requests=[
                dg.RunRequest(
                    run_key=f"{source.id}:{path.name}:{stat.st_size}:{stat.st_mtime_ns}",
                    asset_selection=[
                        dg.AssetKey(["raw", dept.id, source.id]),
                        dg.AssetKey(["conformed", dept.id, source.id]),
                        *(dg.AssetKey(k) for k in CITY_KEYS),
                    ],
                    tags={"tsunagu/inbox": source.id, "tsunagu/file": path.name},
                )
            ]
        )

    return inbox


def _city_assets(conformed_keys: list[dg.AssetKey], raw_keys: list[dg.AssetKey]) -> list[dg.AssetsDefinition]:
    @dg.asset(key="geocoded", deps=conformed_keys, group_name=CITY_GROUP, kinds={"duckdb"})
    def geocoded(context: dg.AssetExecutionContext, tsunagu: TsunaguResource) -> dg.MaterializeResult:
        """Every source's current records, geocoded at town level from the bundled gazetteer."""
        out = steps.geocode_records(tsunagu.run_context(context.run.run_id))
        return dg.MaterializeResult(
            metadata={"records": out["records"], **{f"level_{k}": int(v) for k, v in out["levels"].items()}}
        )

    @dg.asset(key="resources", deps=[geocoded], group_name=CITY_GROUP, kinds={"duckdb"})
    def resources(context: dg.AssetExecutionContext, tsunagu: TsunaguResource) -> dg.MaterializeResult:
        """Deduplicated resources with stable IDs, history and lineage."""
        out = steps.resolve_resources(tsunagu.run_context(context.run.run_id))
        return dg.MaterializeResult(
            metadata={k: int(out[k]) for k in ("records", "total", "added", "changed", "removed")}
        )

    @dg.asset(key="freshness", deps=raw_keys, group_name=CITY_GROUP)
    def freshness(context: dg.AssetExecutionContext, tsunagu: TsunaguResource) -> dg.MaterializeResult:
        """Each department's and source's freshness status (fresh … delinquent, failing, never)."""
        sources, departments = steps.update_freshness(tsunagu.run_context(context.run.run_id))
        counts = sources["status"].value_counts().to_dict()
        return dg.MaterializeResult(
            metadata={
                **{f"sources_{k}": int(v) for k, v in counts.items()},
                "departments_late": int(departments["status"].isin(["overdue", "delinquent", "failing"]).sum()),
            }
        )

    @dg.asset(
        key="release",
        deps=[resources, freshness],
        group_name=CITY_GROUP,
        kinds={"csv", "geojson"},
        check_specs=[dg.AssetCheckSpec("datapackage_valid", asset="release")],
    )
    def release(context: dg.AssetExecutionContext, tsunagu: TsunaguResource) -> dg.MaterializeResult:
        """The open-data release: CSV, GeoJSON, data package, freshness and quality reports."""
        out = steps.publish_release(tsunagu.run_context(context.run.run_id))
        return dg.MaterializeResult(
            metadata={
                "release_id": out["release_id"],
                "path": dg.MetadataValue.path(out["release_dir"]),
                "published": int(out["published"]),
                "added": int(out["added"]),
                "changed": int(out["changed"]),
                "removed": int(out["removed"]),
            },
            # write_release refuses (raises) an invalid package, so a published one was validated
            check_results=[dg.AssetCheckResult(check_name="datapackage_valid", passed=out["valid"])],
        )

    return [geocoded, resources, freshness, release]


def build_assets(config: CityConfig) -> list[dg.AssetsDefinition]:
    """Every asset for a city: per source raw and conformed, then the city-wide stages."""
    assets: list[dg.AssetsDefinition] = []
    for dept, source in config.sources():
        assets += [_raw_asset(dept, source), _conformed_asset(dept, source)]
    raw_keys = [a.key for a in assets if a.key.path[0] == "raw"]
    conformed_keys = [a.key for a in assets if a.key.path[0] == "conformed"]
    return assets + _city_assets(conformed_keys, raw_keys)


def build_definitions(
    config_path: str, data_dir: str, as_of: str = "", reparse: list[str] | None = None
) -> dg.Definitions:
    """Definitions for one city config and data dir; runs execute in-process (one warehouse writer)."""
    config = load_config(config_path)
    refresh = dg.define_asset_job(
        REFRESH_JOB,
        selection=dg.AssetSelection.all(),
        executor_def=dg.in_process_executor,
        description="Fetch every department's sources, conform, geocode, deduplicate and publish.",
    )
    sensors = [_inbox_sensor(d, s, refresh) for d, s in config.sources() if s.kind == "inbox"]
    return dg.Definitions(
        assets=build_assets(config),
        jobs=[refresh],
        sensors=sensors,
        schedules=[
            dg.ScheduleDefinition(
                name="daily_refresh",
                job=refresh,
                cron_schedule="0 6 * * *",
                execution_timezone=config.timezone,
                default_status=dg.DefaultScheduleStatus.RUNNING,
            )
        ],
        resources={
            "tsunagu": TsunaguResource(
                config_path=str(config_path), data_dir=str(data_dir), as_of=as_of, reparse=list(reparse or [])
            ),
        },
    )
