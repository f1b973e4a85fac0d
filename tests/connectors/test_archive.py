"""The raw archive: content-addressed, stored once, loaded back byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors import RawArchive
from tests.connectors.helpers import payload_of


def test_same_content_same_path_stored_once(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path / "raw")
    first = payload_of(b"name\nsakura\n", "a.csv")
    again = payload_of(b"name\nsakura\n", "renamed.csv", source_id="other-source")
    path = archive.store(first)
    assert path == tmp_path / "raw" / first.sha256[:2] / first.sha256
    mtime = path.stat().st_mtime_ns
    assert archive.store(again) == path
    assert path.stat().st_mtime_ns == mtime
    assert archive.load(first.sha256) == b"name\nsakura\n"
    assert [p.name for p in (tmp_path / "raw").rglob("*") if p.is_file()] == [first.sha256]


def test_different_content_different_path(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    assert archive.store(payload_of(b"1")) != archive.store(payload_of(b"2"))


def test_missing_and_malformed_hashes(tmp_path: Path) -> None:
    archive = RawArchive(tmp_path)
    with pytest.raises(FileNotFoundError, match="no payload"):
        archive.load("0" * 64)
    with pytest.raises(ValueError, match="not a lowercase hex sha256"):
        archive.path("../../etc/passwd")
