"""One DuckDB file per data dir; every stage opens it, does its work in a transaction, and closes it."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from schemas.definition import FIELD_NAMES
from warehouse.ddl import MIGRATIONS, SCHEMA_VERSION

# Fields whose change is a change of the resource itself (times of fetching are not).
_TIME_FIELDS = ("fetched_at", "last_changed_at", "last_verified_at", "first_seen_at")
CONTENT_FIELDS: tuple[str, ...] = tuple(f for f in FIELD_NAMES if f not in _TIME_FIELDS)


def utc_naive(moment: datetime | pd.Timestamp | None) -> datetime | None:
    """A timestamp as naive UTC, the form the warehouse stores."""
    if moment is None or pd.isna(moment):
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return pd.Timestamp(moment).to_pydatetime()


def content_hash(frame: pd.DataFrame) -> pd.Series:
    """A stable hash of each row's content fields, to tell a changed resource from an unchanged one."""
    cols = [c for c in CONTENT_FIELDS if c in frame.columns]

    def one(row: tuple[Any, ...]) -> str:
        values = [None if pd.isna(v) else (round(v, 7) if isinstance(v, float) else str(v)) for v in row]
        return hashlib.sha1(json.dumps(values, ensure_ascii=False).encode()).hexdigest()

    return pd.Series([one(r) for r in frame[cols].itertuples(index=False, name=None)], index=frame.index)


class Warehouse:
    """The DuckDB warehouse file at ``path``; loads are idempotent."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """An open connection, migrated, committed on success and rolled back on error."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.path))
        try:
            self._migrate(con)
            con.execute("BEGIN TRANSACTION")
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        finally:
            con.close()

    @staticmethod
    def _migrate(con: duckdb.DuckDBPyConnection) -> None:
        con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        (current,) = con.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchall()[0]
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[version]:
                con.execute(statement)
            con.execute("INSERT INTO schema_version VALUES (?)", [version])

    # -- extract ---------------------------------------------------------------------------------

    @staticmethod
    def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
        """Append a DataFrame to a table, matching columns by name."""
        if frame.empty:
            return
        con.register("_incoming", frame)
        try:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _incoming")
        finally:
            con.unregister("_incoming")

    def record_fetch(self, row: dict[str, Any]) -> bool:
        """Log one fetch attempt; register its content as a snapshot. True when the content is new."""
        with self.connect() as con:
            new_content = False
            if row.get("ok") and row.get("sha256"):
                # fetchall, not fetchone: DuckDB 2 refuses new work while a result is half-read
                known = con.execute(
                    "SELECT 1 FROM snapshots WHERE source_id = ? AND sha256 = ?",
                    [row["source_id"], row["sha256"]],
                ).fetchall()
                new_content = not known
                if new_content:
                    con.execute(
                        "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?)",
                        [
                            row["source_id"],
                            row["sha256"],
                            row["attempted_at"],
                            row.get("bytes"),
                            row.get("filename"),
                        ],
                    )
            self.insert_frame(con, "raw_manifest", pd.DataFrame([{**row, "new_content": new_content}]))
        return new_content

    def latest_fetch(self, source_id: str) -> dict[str, Any] | None:
        """The newest fetch attempt of a source."""
        with self.connect() as con:
            frame = con.execute(
                "SELECT * FROM raw_manifest WHERE source_id = ? ORDER BY seq DESC LIMIT 1",
                [source_id],
            ).df()
        return None if frame.empty else frame.iloc[0].to_dict()

    def previous_ok_fetch(self, source_id: str) -> dict[str, Any] | None:
        """The newest successful fetch of a source (its validators make the next request conditional)."""
        with self.connect() as con:
            frame = con.execute(
                "SELECT * FROM raw_manifest WHERE source_id = ? AND ok ORDER BY seq DESC LIMIT 1", [source_id]
            ).df()
        return None if frame.empty else frame.iloc[0].to_dict()

    def parsed_outcome(self, source_id: str, sha256: str) -> dict[str, Any] | None:
        """How this exact content parsed before, if it did: unchanged content need not be parsed again."""
        with self.connect() as con:
            frame = con.execute(
                """SELECT parse_ok, parse_error, as_of, rows_in, records, quarantined, warnings FROM raw_manifest
                   WHERE source_id = ? AND sha256 = ? AND parse_ok ORDER BY seq DESC LIMIT 1""",
                [source_id, sha256],
            ).df()
        if frame.empty:
            return None
        return {k: (None if pd.isna(v) else v) for k, v in frame.iloc[0].to_dict().items()}

    def find_snapshot(self, source_id: str, prefix: str | None = None) -> dict[str, Any] | None:
        """An archived snapshot of a source by hash prefix, or the newest one fetched."""
        with self.connect() as con:
            frame = con.execute(
                """SELECT s.sha256, s.bytes, s.filename FROM snapshots s
                   JOIN raw_manifest m ON m.source_id = s.source_id AND m.sha256 = s.sha256
                   WHERE s.source_id = ? AND starts_with(s.sha256, ?)
                   ORDER BY m.seq DESC LIMIT 1""",
                [source_id, prefix or ""],
            ).df()
        return None if frame.empty else frame.iloc[0].to_dict()

    def record_parse(self, fetch_id: str, outcome: dict[str, Any]) -> None:
        """Store how parsing the fetched payload went."""
        with self.connect() as con:
            con.execute(
                """UPDATE raw_manifest SET parse_ok = ?, parse_error = ?, as_of = ?, rows_in = ?, records = ?,
                   quarantined = ?, warnings = ? WHERE fetch_id = ?""",
                [
                    outcome.get("parse_ok"),
                    outcome.get("parse_error"),
                    outcome.get("as_of"),
                    outcome.get("rows_in"),
                    outcome.get("records"),
                    outcome.get("quarantined"),
                    outcome.get("warnings"),
                    fetch_id,
                ],
            )

    def store_conformed(self, sha256: str, source_id: str, records: pd.DataFrame, quarantine: pd.DataFrame) -> None:
        """Replace the conformed rows and quarantine of one snapshot (idempotent)."""
        with self.connect() as con:
            con.execute("DELETE FROM conformed_records WHERE source_id = ? AND sha256 = ?", [source_id, sha256])
            con.execute("DELETE FROM quarantine WHERE source_id = ? AND sha256 = ?", [source_id, sha256])
            self.insert_frame(
                con, "conformed_records", records.rename(columns={"_row": "source_row"}).assign(sha256=sha256)
            )
            self.insert_frame(
                con,
                "quarantine",
                quarantine.rename(columns={"row": "source_row", "column": "column_name"}).assign(sha256=sha256),
            )

    # -- current state -----------------------------------------------------------------------------

    _GOOD = """
        WITH good AS (
            SELECT source_id, sha256, row_number() OVER (
                PARTITION BY source_id ORDER BY seq DESC) AS n
            FROM raw_manifest WHERE ok AND parse_ok
        )
        SELECT source_id, sha256 FROM good WHERE n = 1
    """

    def current_records(self) -> pd.DataFrame:
        """Every source's rows from its latest snapshot that parsed: the last good data."""
        with self.connect() as con:
            return con.execute(
                f"""SELECT c.*, s.first_fetched_at AS snapshot_fetched_at FROM conformed_records c
                    JOIN ({self._GOOD}) g USING (source_id, sha256)
                    JOIN snapshots s USING (source_id, sha256)
                    ORDER BY c.source_id, c.source_row"""
            ).df()

    def current_quarantine(self) -> pd.DataFrame:
        """Quarantined rows of every source's current snapshot."""
        with self.connect() as con:
            return con.execute(
                f"""SELECT q.department_id, q.source_id, q.source_row AS row, q.column_name AS "column",
                           q.rule, q.message, q.value
                    FROM quarantine q JOIN ({self._GOOD}) g USING (source_id, sha256)
                    ORDER BY q.department_id, q.source_id, q.source_row, q.column_name"""
            ).df()

    def replace_current_records(self, frame: pd.DataFrame) -> None:
        """Swap in the geocoded current records."""
        with self.connect() as con:
            con.execute("DELETE FROM current_records")
            self.insert_frame(con, "current_records", frame.rename(columns={"_row": "source_row"}))

    def read_current_records(self) -> pd.DataFrame:
        """The geocoded current records."""
        with self.connect() as con:
            return con.execute("SELECT * FROM current_records ORDER BY source_id, source_row").df()

    def registry(self) -> pd.DataFrame:
        """The resource ID registry: source keys -> resource_id."""
        with self.connect() as con:
            return con.execute("SELECT * FROM resource_registry ORDER BY source_id, source_record_id").df()

    def apply_resources(
        self, resources: pd.DataFrame, registry: pd.DataFrame, lineage: pd.DataFrame, now: datetime
    ) -> dict[str, int]:
        """Load golden records keeping history (valid_from/valid_to); replace the registry and lineage."""
        now = utc_naive(now)
        resources = resources.copy()
        resources["content_hash"] = content_hash(resources)
        with self.connect() as con:
            before = con.execute("SELECT resource_id, content_hash FROM resources").df()
            old = dict(zip(before["resource_id"], before["content_hash"], strict=True))
            new = dict(zip(resources["resource_id"], resources["content_hash"], strict=True))
            added = [r for r in new if r not in old]
            changed = [r for r in new if r in old and old[r] != new[r]]
            removed = [r for r in old if r not in new]
            closing = changed + removed
            if closing:
                con.execute(
                    "UPDATE resources_history SET valid_to = ? "
                    "WHERE valid_to IS NULL AND list_contains(?, resource_id)",
                    [now, closing],
                )
            opening = resources[resources["resource_id"].isin(added + changed)]
            self.insert_frame(
                con,
                "resources_history",
                opening[[*FIELD_NAMES, "content_hash"]].assign(valid_from=now, valid_to=None),
            )
            con.execute("DELETE FROM resources")
            self.insert_frame(con, "resources", resources)
            # matching returns the whole registry, incl. rows it moved to a surviving id after a merge
            con.execute("DELETE FROM resource_registry")
            self.insert_frame(
                con,
                "resource_registry",
                registry[["source_id", "source_record_id", "resource_id", "first_seen_at"]],
            )
            con.execute("DELETE FROM lineage")
            self.insert_frame(con, "lineage", lineage)
        return {"added": len(added), "changed": len(changed), "removed": len(removed), "total": len(new)}

    def last_changed(self) -> pd.DataFrame:
        """When each current resource's content last changed (its open history row)."""
        with self.connect() as con:
            return con.execute(
                "SELECT resource_id, valid_from AS last_changed_at FROM resources_history WHERE valid_to IS NULL"
            ).df()

    def resources(self) -> pd.DataFrame:
        """The current golden records."""
        with self.connect() as con:
            return con.execute("SELECT * FROM resources ORDER BY resource_id").df()

    # -- freshness and releases ---------------------------------------------------------------------

    def source_activity(self) -> pd.DataFrame:
        """Per source: last attempt, last success, and when its content last changed (§8)."""
        with self.connect() as con:
            return con.execute(
                f"""
                WITH latest AS (
                    SELECT *, row_number() OVER (PARTITION BY source_id ORDER BY seq DESC) n
                    FROM raw_manifest
                ),
                success AS (
                    SELECT source_id, max(attempted_at) AS last_success_at FROM raw_manifest
                    WHERE ok AND parse_ok GROUP BY 1
                ),
                good AS ({self._GOOD}),
                firsts AS (SELECT source_id, min(first_fetched_at) AS first_at FROM snapshots GROUP BY 1),
                stated AS (
                    SELECT m.source_id, max(m.as_of) AS stated_as_of FROM raw_manifest m
                    JOIN good g USING (source_id, sha256) GROUP BY 1
                )
                SELECT l.source_id, l.attempted_at AS last_attempt_at,
                       (l.ok AND coalesce(l.parse_ok, FALSE)) AS last_attempt_ok,
                       l.nothing_yet, coalesce(l.error, l.parse_error) AS last_error,
                       s.last_success_at, snap.first_fetched_at AS content_first_fetched_at,
                       f.first_at AS source_first_fetched_at, st.stated_as_of
                FROM latest l
                LEFT JOIN success s USING (source_id)
                LEFT JOIN good g USING (source_id)
                LEFT JOIN snapshots snap ON snap.source_id = g.source_id AND snap.sha256 = g.sha256
                LEFT JOIN firsts f ON f.source_id = l.source_id
                LEFT JOIN stated st ON st.source_id = l.source_id
                WHERE l.n = 1
                """
            ).df()

    def log_freshness(self, run_id: str, as_of: datetime, frame: pd.DataFrame) -> None:
        """Keep each run's freshness statuses, so status changes (for alerts) can be seen later."""
        with self.connect() as con:
            self.insert_frame(
                con,
                "freshness_log",
                frame[["department_id", "source_id", "status", "age_days", "last_changed_at"]].assign(
                    run_id=run_id, as_of=utc_naive(as_of)
                ),
            )

    def record_release(self, row: dict[str, Any]) -> None:
        """Register a published release."""
        with self.connect() as con:
            self.insert_frame(con, "releases", pd.DataFrame([row]))

    def latest_release_count(self) -> int | None:
        """How many rows the newest release published (for the publication guard)."""
        with self.connect() as con:
            rows = con.execute("SELECT published FROM releases ORDER BY seq DESC LIMIT 1").fetchall()
        return int(rows[0][0]) if rows else None

    def release_ids(self) -> list[str]:
        """Every release id, oldest first."""
        with self.connect() as con:
            return [r[0] for r in con.execute("SELECT release_id FROM releases ORDER BY seq").fetchall()]
