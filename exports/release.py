"""Write one release (design §7), validate it, and only then make it ``latest``."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from exports._text import municipality_dict
from exports.freshness import write_freshness
from exports.opendata import (
    CATALOG_NAME,
    CHANGES_NAME,
    CSV_NAME,
    GEOJSON_NAME,
    PACKAGE_NAME,
    PublicRows,
    accrual_periodicity,
    catalog_record,
    diff_releases,
    package_descriptor,
    public_rows,
    read_text_csv,
    validate_package,
    write_catalog,
    write_changes,
    write_geojson,
    write_package,
    write_resources_csv,
)
from exports.quality import write_quality
from exports.site import Download, index_html
from exports.standard import standard_schema, write_standard_files
from schemas.definition import MULTI_SEPARATOR
from tsunagu.errors import PublishRefused

_RELEASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_FIRST_ERRORS = 5


@dataclass(frozen=True)
class ReleaseResult:
    """What a release wrote, what it held back, and what changed since the last one."""

    release_id: str
    release_dir: Path
    latest_dir: Path
    files: dict[str, int]
    counts: dict[str, int]
    validation: dict[str, Any]
    changes: dict[str, int] = field(default_factory=dict)


def guard(previous_count: int | None, new_count: int, *, min_ratio: float = 0.5) -> None:
    """Refuse a release that would drop below ``min_ratio`` of the last one: a broken source mass-deleting."""
    if not previous_count:
        return
    if new_count < previous_count * min_ratio:
        raise PublishRefused(
            f"refusing to publish {new_count} records: the previous release had {previous_count} "
            f"(below {min_ratio:.0%} of it). A source may have lost its rows — check freshness and quality "
            "reports and the departments' latest files; publish only once the drop is confirmed."
        )


def _link_or_copy(src: str, dst: str) -> str:
    # latest/ holds the same bytes as the release; a hard link saves the space where the filesystem allows.
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst


def _recover_latest(publish_dir: Path) -> None:
    """Put back the previous latest/ if a crash happened between the two renames."""
    latest, old = publish_dir / "latest", publish_dir / "latest.old"
    if not latest.exists() and old.exists():
        old.rename(latest)


def _replace_latest(release_dir: Path, publish_dir: Path) -> Path:
    """Swap ``latest/`` for the release: build ``latest.tmp`` fully, then rename; keep the old on failure."""
    latest, tmp, old = publish_dir / "latest", publish_dir / "latest.tmp", publish_dir / "latest.old"
    for leftover in (tmp, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(release_dir, tmp, copy_function=_link_or_copy)
    if latest.exists():
        latest.rename(old)
    try:
        tmp.rename(latest)
    except OSError:
        if old.exists():
            old.rename(latest)
        raise
    shutil.rmtree(old, ignore_errors=True)
    return latest


def _explain(errors: list[dict[str, Any]], text: pd.DataFrame) -> list[str]:
    """Validation errors as lines that name the source and record, so the department can fix them."""
    lines = []
    for error in errors:
        where = error["resource"]
        row = error.get("row")
        if error["resource"] == "social_resources" and row is not None and 0 <= row - 2 < len(text):
            record = text.iloc[row - 2]
            where += (
                f" row {row} (resource_id={record['resource_id']}, source_id={record['source_id']}, "
                f"source_record_id={record['source_record_id']})"
            )
        elif row is not None:
            where += f" row {row}"
        if error.get("field"):
            where += f" column {error['field']}"
        lines.append(f"{where}: [{error['type']}] {error['message']}")
    return lines


def _max_time(values: pd.Series) -> datetime | None:
    stamps = pd.to_datetime(values, utc=True, errors="coerce").dropna()
    return None if stamps.empty else stamps.max().to_pydatetime()


def write_release(
    resources: pd.DataFrame,
    *,
    publish_dir: Path,
    release_id: str,
    generated_at: datetime,
    municipality: Mapping[str, Any] | Any,
    freshness_sources: pd.DataFrame,
    freshness_departments: pd.DataFrame,
    quarantine: pd.DataFrame,
    attributions: Sequence[str],
    as_of: datetime | None = None,
    guard_previous_count: int | None = None,
    guard_min_ratio: float = 0.5,
) -> ReleaseResult:
    """Write ``releases/<release_id>/``, validate its data package, then replace ``latest/`` atomically."""
    if not _RELEASE_ID.match(release_id):
        raise ValueError(f"release_id {release_id!r} must be letters, digits, '.', '_' or '-' (a folder name)")
    muni = municipality_dict(municipality)
    rows = public_rows(resources)
    guard(guard_previous_count, rows.published, min_ratio=guard_min_ratio)

    publish_dir = Path(publish_dir)
    releases = publish_dir / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    _recover_latest(publish_dir)
    previous_csv = publish_dir / "latest" / CSV_NAME
    previous = read_text_csv(previous_csv) if previous_csv.exists() else None

    staging = releases / f".{release_id}.tmp"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        validation, changes, quarantined = _write_files(
            staging,
            rows=rows,
            previous=previous,
            release_id=release_id,
            generated_at=generated_at,
            as_of=as_of or generated_at,
            municipality=muni,
            freshness_sources=freshness_sources,
            freshness_departments=freshness_departments,
            quarantine=quarantine,
            attributions=attributions,
        )
        final = releases / release_id
        if final.exists():
            shutil.rmtree(final)
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    latest = _replace_latest(final, publish_dir)
    return ReleaseResult(
        release_id=release_id,
        release_dir=final,
        latest_dir=latest,
        files={path.name: path.stat().st_size for path in sorted(final.iterdir())},
        counts={
            "published": rows.published,
            "withheld_no_consent": rows.withheld_no_consent,
            "contacts_blanked": rows.contacts_blanked,
            "with_coordinates": rows.with_coordinates,
            "quarantined": quarantined,
        },
        validation=validation,
        changes=changes,
    )


def _write_files(
    out: Path,
    *,
    rows: PublicRows,
    previous: pd.DataFrame | None,
    release_id: str,
    generated_at: datetime,
    as_of: datetime,
    municipality: dict[str, str],
    freshness_sources: pd.DataFrame,
    freshness_departments: pd.DataFrame,
    quarantine: pd.DataFrame,
    attributions: Sequence[str],
) -> tuple[dict[str, Any], dict[str, int], int]:
    """Every file of a release into ``out``; raises PublishRefused when the data package does not validate."""
    text: pd.DataFrame = rows.text
    write_resources_csv(text, out / CSV_NAME)
    write_geojson(text, out / GEOJSON_NAME)
    write_freshness(
        freshness_sources,
        freshness_departments,
        out,
        as_of=as_of,
        municipality=municipality,
        generated_at=generated_at,
    )
    change_rows = diff_releases(previous, text)
    write_changes(change_rows, out / CHANGES_NAME)
    change_counts = change_rows["change"].value_counts()
    changes = {kind: int(change_counts.get(kind, 0)) for kind in ("added", "changed", "removed")}
    standards = write_standard_files(text, out, municipality)
    extra_tables = [
        {
            "name": path.stem,
            "title": dataset.title,
            "path": path.name,
            "type": "table",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": standard_schema(dataset),
        }
        for dataset, path, _ in standards
    ]
    write_package(
        out,
        package_descriptor(
            out,
            release_id=release_id,
            generated_at=generated_at,
            municipality=municipality,
            attributions=attributions,
            extra_tables=extra_tables,
        ),
    )
    report = validate_package(out)
    validation = {
        "valid": report["valid"],
        "errors": _explain(report["errors"], text),
        "resources": report["resources"],
        "seconds": report["seconds"],
    }
    if not validation["valid"]:
        first = "\n  ".join(validation["errors"][:_FIRST_ERRORS]) or "(no detail)"
        raise PublishRefused(
            f"release {release_id} refused: {PACKAGE_NAME} does not validate "
            f"({len(validation['errors'])} errors); latest/ is unchanged. "
            f"Fix these in the sources:\n  {first}"
        )
    quarantined = write_quality(quarantine, out, municipality=municipality)

    distributions = [
        (CSV_NAME, "社会資源一覧（CSV）", "共通スキーマの全公開項目。UTF-8。 / All public fields, UTF-8."),
        (
            GEOJSON_NAME,
            "社会資源一覧（GeoJSON）",
            "地図ソフト用。経度・緯度の順。 / For map tools (RFC 7946).",
        ),
        *(
            (path.name, dataset.title, f"{n}件。推奨データセットの項目順、UTF-8（BOM付き）。")
            for dataset, path, n in standards
        ),
        (PACKAGE_NAME, "データパッケージ", "Frictionless Data Package（項目定義つき）。"),
        (CHANGES_NAME, "前回からの変更", "追加・変更・削除された資源。 / Added, changed, removed."),
        ("freshness.csv", "更新状況（CSV）", "情報源ごとの更新状況。 / Freshness by source."),
        ("freshness.json", "更新状況（JSON）", "課・情報源ごとの更新状況。 / Freshness by department."),
        ("freshness.html", "更新状況（ページ）", "一覧表示。 / Freshness board."),
        ("quality.csv", "品質レポート（CSV）", "保留された行と理由。 / Held-back rows and why."),
        ("quality.html", "品質レポート（ページ）", "課ごとの保留行。 / Held-back rows by department."),
    ]
    types = sorted(text["resource_type"].dropna().unique().tolist())
    fields = sorted(text["field"].str.split(MULTI_SEPARATOR).explode().dropna().unique().tolist())
    write_catalog(
        out,
        catalog_record(
            out,
            distributions,
            release_id=release_id,
            generated_at=generated_at,
            modified=_max_time(text["last_changed_at"]),
            municipality=municipality,
            attributions=attributions,
            periodicity=accrual_periodicity(freshness_sources.get("cadence_days", pd.Series(dtype=float))),
            keywords=[*fields, *types],
        ),
    )
    downloads = [
        Download(name, title, description, (out / name).stat().st_size)
        for name, title, description in [
            *distributions,
            (CATALOG_NAME, "カタログ情報", "DCAT 形式のメタデータ（更新頻度・ハッシュ）。 / Catalog record."),
        ]
    ]
    (out / "index.html").write_text(
        index_html(
            municipality=municipality,
            release_id=release_id,
            generated_at=generated_at,
            text=text,
            counts={"published": rows.published, "with_coordinates": rows.with_coordinates},
            downloads=downloads,
            freshness_departments=freshness_departments,
            changes=changes,
            quarantined=quarantined,
            attributions=attributions,
        ),
        encoding="utf-8",
    )
    return validation, changes, quarantined
