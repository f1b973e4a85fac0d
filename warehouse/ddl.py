"""Warehouse tables, generated where they hold common-schema columns; migrations by version number."""

from __future__ import annotations

from schemas.definition import FIELD_NAMES
from schemas.generate import duckdb_columns

SCHEMA_VERSION = 1

_FIELDS = duckdb_columns(FIELD_NAMES)

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    as_of TIMESTAMP NOT NULL,
    status VARCHAR NOT NULL
)""",
        # the order of attempts, even when runs share a clock (--as-of)
        "CREATE SEQUENCE fetch_seq",
        """CREATE TABLE raw_manifest (
    seq BIGINT NOT NULL DEFAULT nextval('fetch_seq'),
    fetch_id VARCHAR PRIMARY KEY,
    run_id VARCHAR,
    department_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    attempted_at TIMESTAMP NOT NULL,
    location VARCHAR,
    ok BOOLEAN NOT NULL,
    nothing_yet BOOLEAN NOT NULL DEFAULT FALSE,
    error VARCHAR,
    sha256 VARCHAR,
    bytes BIGINT,
    filename VARCHAR,
    http_status INTEGER,
    headers VARCHAR,
    modified_at TIMESTAMP,
    new_content BOOLEAN,
    parse_ok BOOLEAN,
    parse_error VARCHAR,
    as_of DATE,
    rows_in INTEGER,
    records INTEGER,
    quarantined INTEGER,
    warnings VARCHAR
)""",
        """CREATE TABLE snapshots (
    source_id VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    first_fetched_at TIMESTAMP NOT NULL,
    bytes BIGINT,
    filename VARCHAR,
    PRIMARY KEY (source_id, sha256)
)""",
        f"""CREATE TABLE conformed_records (
    sha256 VARCHAR NOT NULL,
    {_FIELDS},
    department_id VARCHAR NOT NULL,
    source_row INTEGER NOT NULL
)""",
        """CREATE TABLE quarantine (
    sha256 VARCHAR NOT NULL,
    department_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    column_name VARCHAR,
    rule VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    value VARCHAR
)""",
        f"""CREATE TABLE current_records (
    {_FIELDS},
    department_id VARCHAR NOT NULL,
    source_row INTEGER NOT NULL,
    geocode_matched VARCHAR
)""",
        """CREATE TABLE resource_registry (
    source_id VARCHAR NOT NULL,
    source_record_id VARCHAR NOT NULL,
    resource_id VARCHAR NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (source_id, source_record_id)
)""",
        f"""CREATE TABLE resources (
    {_FIELDS},
    source_ids VARCHAR,
    member_count INTEGER,
    content_hash VARCHAR NOT NULL
)""",
        f"""CREATE TABLE resources_history (
    valid_from TIMESTAMP NOT NULL,
    valid_to TIMESTAMP,
    content_hash VARCHAR NOT NULL,
    {_FIELDS}
)""",
        """CREATE TABLE lineage (
    resource_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    source_record_id VARCHAR NOT NULL,
    match_rule VARCHAR NOT NULL
)""",
        "CREATE SEQUENCE release_seq",
        """CREATE TABLE releases (
    seq BIGINT NOT NULL DEFAULT nextval('release_seq'),
    release_id VARCHAR PRIMARY KEY,
    run_id VARCHAR,
    created_at TIMESTAMP NOT NULL,
    path VARCHAR NOT NULL,
    published INTEGER NOT NULL,
    added INTEGER,
    changed INTEGER,
    removed INTEGER,
    valid BOOLEAN NOT NULL
)""",
        """CREATE TABLE freshness_log (
    run_id VARCHAR,
    as_of TIMESTAMP NOT NULL,
    department_id VARCHAR NOT NULL,
    source_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    age_days DOUBLE,
    last_changed_at TIMESTAMP
)""",
    ],
}
