"""ZIP bundles: every matching CSV stacked with `_member`, cp932 member names, and ZIP bombs refused."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from connectors import fetch, parse
from connectors.bundle import parse as parse_bundle
from connectors.safety import Budget, ZipLimits, member_name, read_member
from tests.connectors.helpers import make_source, payload_of
from tsunagu.errors import ParseError

CARE_MEMBER = "112011_介護サービス事業所.csv"


def _zip(members: dict[str, bytes], *, level: int = 6) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _zeros(path: Path, name: str, megabytes: int) -> Path:
    """A member of zeros written a megabyte at a time: hundreds of MB that stay ~1 MB on disk."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("112011_care_service.csv", "名称,住所\nさくら,川越市\n".encode())
        with archive.open(name, "w", force_zip64=True) as member:
            block = bytes(1024 * 1024)
            for _ in range(megabytes):
                member.write(block)
    return path


@pytest.fixture(scope="session")
def bomb_300mb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A 300 MB CSV of zeros, about 1.3 MB compressed: over the 200 MB cap and far past 100:1."""
    path = _zeros(tmp_path_factory.mktemp("bomb") / "bundle.zip", "112011_zeros.csv", 300)
    yield path
    os.remove(path)


def test_members_are_stacked_with_their_names(fixtures: Path) -> None:
    source = make_source("csv", str(fixtures / "kaigo_bundle_cp932_names.zip"))
    extracted = parse(source, fetch(source, source.location))
    frame = extracted.frame
    assert list(frame.columns) == ["市区町村コード", "NO", "名称", "住所", "電話番号", "定員", "_member", "_row"]
    # The cp932 name (no UTF-8 flag in the zip) reads as written, not as cp437 mojibake.
    assert list(frame["_member"]) == [CARE_MEMBER, CARE_MEMBER, "112011_preschool.csv"]
    assert list(frame["名称"]) == ["デイサービス①すこやか", "髙橋ケアセンター", "かわごえ保育園"]
    assert list(frame["_row"]) == [2, 3, 2]  # the row within its own member
    assert frame.loc[0, "定員"] is None and frame.loc[2, "定員"] == "90"
    assert frame["_row"].dtype == "int64"
    # The readme, the macOS resource fork and the nested zip are not read; the nested zip is named.
    assert any("old/2024.zip" in w and "not opened" in w for w in extracted.warnings)
    assert any("112011_preschool.csv" in w and "columns differ" in w for w in extracted.warnings)


def test_member_names_in_cp932_and_utf8(fixtures: Path) -> None:
    with zipfile.ZipFile(fixtures / "kaigo_bundle_cp932_names.zip") as archive:
        names = [member_name(info) for info in archive.infolist()]
    assert names[0] == CARE_MEMBER
    assert names[2] == "説明.txt"
    utf8 = zipfile.ZipInfo("名簿.csv")  # Python sets the UTF-8 flag for non-ASCII names
    utf8.flag_bits |= 0x800
    assert member_name(utf8) == "名簿.csv"


def test_zip_members_glob_picks_members() -> None:
    content = _zip({"a/care.csv": "名称,住所\nさくら,川越\n".encode(), "b/PRESCHOOL.CSV": b"x,y\n1,2\n"})
    source = make_source("csv", zip_members="*preschool*")
    frame = parse(source, payload_of(content, "bundle.zip")).frame
    assert list(frame["_member"]) == ["b/PRESCHOOL.CSV"]


def test_no_matching_member_lists_what_is_there() -> None:
    content = _zip({"readme.txt": b"hello", "list.xlsx": b"PK"})
    with pytest.raises(
        ParseError, match=r"no member .* matches zip_members '\*\.csv' \(members: readme.txt, list.xlsx\)"
    ):
        parse(make_source("csv"), payload_of(content, "bundle.zip"))


def test_a_broken_member_is_named() -> None:
    content = _zip({"ok.csv": "名称,住所\nさくら,川越\n".encode(), "empty.csv": b",,\n"})
    with pytest.raises(ParseError, match=r"bundle.zip!empty.csv\): the file has no header row"):
        parse(make_source("csv"), payload_of(content, "bundle.zip"))


def test_bomb_over_the_total_cap_is_refused_before_extracting(bomb_300mb: Path) -> None:
    source = make_source("csv", str(bomb_300mb))
    with pytest.raises(ParseError, match=r"member '112011_zeros.csv' brings .* over the limit of 209,715,200"):
        parse(source, fetch(source, source.location))


def test_bomb_over_the_ratio_is_refused(tmp_path: Path) -> None:
    path = _zeros(tmp_path / "bundle.zip", "112011_zeros.csv", 8)
    with pytest.raises(ParseError, match=r"member '112011_zeros.csv' expands [\d,]+ times .* limit of 100:1"):
        parse(make_source("csv"), payload_of(path.read_bytes(), "bundle.zip"))


def test_lower_caps_by_parameter() -> None:
    content = _zip({"a.csv": "名称,住所\n".encode() + "さくら,川越\n".encode() * 200})
    with pytest.raises(ParseError, match="over the limit of 1,000 bytes"):
        parse_bundle(make_source("csv"), payload_of(content, "bundle.zip"), limits=ZipLimits(max_total=1000))


def test_sizes_are_enforced_while_reading_not_only_from_headers() -> None:
    content = bytearray(_zip({"112011_care_service.csv": b"a,b\n", "112011_zeros.csv": bytes(4 * 1024 * 1024)}))
    # The central directory claims the zeros member holds 1 KB (its uncompressed size sits 24 bytes in).
    at = content.rindex(b"PK\x01\x02") + 24
    content[at : at + 4] = struct.pack("<I", 1024)
    lying = payload_of(bytes(content), "bundle.zip")
    with pytest.raises(ParseError, match="damaged or truncated"):
        parse(make_source("csv"), lying)
    honest = payload_of(_zip({"112011_zeros.csv": bytes(200_000)}), "bundle.zip")
    with (
        zipfile.ZipFile(io.BytesIO(honest.content)) as archive,
        pytest.raises(ParseError, match="over the limit of 100,000 bytes"),
    ):
        read_member(honest, archive, archive.infolist()[0], Budget(100_000), ZipLimits(max_total=100_000))


def test_truncated_bundle_is_damaged(fixtures: Path) -> None:
    content = (fixtures / "kaigo_bundle_cp932_names.zip").read_bytes()
    with pytest.raises(ParseError, match=r"damaged or truncated.*export it again"):
        parse(make_source("csv"), payload_of(content[: len(content) // 2], "bundle.zip"))
