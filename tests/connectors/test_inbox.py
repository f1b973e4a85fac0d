"""The drop folder: the newest data file is the payload; an empty folder means 'nothing yet'."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from connectors import NothingYet, fetch, parse
from tests.connectors.helpers import make_source
from tsunagu.errors import FetchError


def _drop(folder: Path, name: str, content: bytes, mtime: float) -> Path:
    path = folder / name
    path.write_bytes(content)
    os.utime(path, (mtime, mtime))
    return path


def test_newest_file_is_picked_and_parsed_by_extension(tmp_path: Path, fixtures: Path) -> None:
    _drop(tmp_path, "2025-03.csv", "名称,住所,電話番号\nさくら,川越市,049\n".encode(), 1_700_000_000)
    newest = _drop(tmp_path, "2025-04.xlsx", (fixtures / "roujin_club_merged_header.xlsx").read_bytes(), 1_700_100_000)
    _drop(tmp_path, "~$2025-04.xlsx", b"lock", 1_700_200_000)  # Excel's lock file while it is open
    _drop(tmp_path, "memo.txt", b"notes", 1_700_300_000)
    source = make_source("inbox", str(tmp_path))
    payload = fetch(source, str(tmp_path))
    assert payload.location == str(newest)
    assert payload.filename == "2025-04.xlsx"
    extracted = parse(source, payload)
    assert list(extracted.frame["クラブ名"]) == ["寿クラブ", "仙波長寿会", "霞ケ関ひまわり会"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2025-03.csv",
        "2025-04.xlsx",
        "memo.txt",
        "~$2025-04.xlsx",
    ]


def test_same_mtime_is_broken_by_name(tmp_path: Path) -> None:
    _drop(tmp_path, "a.csv", b"x,y,z\n", 1_700_000_000)
    _drop(tmp_path, "b.json", b"[]", 1_700_000_000)
    source = make_source("inbox", str(tmp_path))
    payload = fetch(source, str(tmp_path))
    assert payload.filename == "b.json"
    assert len(parse(source, payload).frame) == 0


def test_inbox_accepts_a_dropped_bundle(tmp_path: Path, fixtures: Path) -> None:
    (tmp_path / "2025-04.zip").write_bytes((fixtures / "kaigo_bundle_cp932_names.zip").read_bytes())
    source = make_source("inbox", str(tmp_path))
    payload = fetch(source, str(tmp_path))
    assert payload.filename == "2025-04.zip"
    assert len(parse(source, payload).frame) == 3


@pytest.mark.parametrize("exists", [True, False])
def test_nothing_yet(tmp_path: Path, exists: bool) -> None:
    folder = tmp_path / "drop"
    if exists:
        folder.mkdir()
        (folder / "readme.txt").write_text("ここにファイルを保存してください")
    with pytest.raises(NothingYet, match="waiting for the department's first file") as raised:
        fetch(make_source("inbox", str(folder)), str(folder))
    assert isinstance(raised.value, FetchError)
    assert raised.value.source_id == "test-inbox"


def test_config_patterns_choose_which_files_count(tmp_path) -> None:
    from connectors.inbox import waiting_files
    from tsunagu.config import SourceConfig

    source = SourceConfig.model_validate(
        {"id": "circles", "kind": "inbox", "location": "circles", "cadence": "P6M", "resource_type": "サークル",
         "field": "子ども", "inbox": {"patterns": ["サークル*.csv"]}}
    )  # fmt: skip
    for name in ("サークル一覧.csv", "memo.csv", "サークル一覧.xlsx", "~$サークル一覧.csv"):
        (tmp_path / name).write_text("名称\nぴよぴよ\n", encoding="utf-8")
    assert [p.name for p in waiting_files(source, tmp_path)] == ["サークル一覧.csv"]
