"""A release on a small Kawagoe frame: exact CSV, RFC 7946 GeoJSON, a valid data package, the guard."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from frictionless import validate

from exports import CARE_SERVICE_HEADERS, ReleaseResult, guard, write_release
from exports.freshness import compute_freshness, department_freshness
from schemas.definition import CONTACT_FIELDS, PUBLIC_FIELDS
from tests.exports.conftest import AS_OF, MUNICIPALITY, quarantine_frame, resources_frame, sources_frame
from tsunagu.errors import PublishRefused

RELEASE_ID = "20240601T000000Z"
KAWAGOE_LAT = (35.86, 35.96)
KAWAGOE_LON = (139.40, 139.56)


def _release(resources: pd.DataFrame, publish_dir: Path, release_id: str = RELEASE_ID, **kwargs: Any) -> ReleaseResult:
    source_df = compute_freshness(sources_frame(), AS_OF)
    return write_release(
        resources,
        publish_dir=publish_dir,
        release_id=release_id,
        generated_at=AS_OF,
        municipality=MUNICIPALITY,
        freshness_sources=source_df,
        freshness_departments=department_freshness(source_df),
        quarantine=quarantine_frame(),
        attributions=[
            "川越市 介護保険課「介護サービス事業所一覧」",
            "川越市 地域福祉課「ふれあいサロン一覧」",
        ],
        **kwargs,
    )


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> ReleaseResult:
    """One release written once for the read-only tests."""
    return _release(resources_frame(), tmp_path_factory.mktemp("publish"))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _tree(directory: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_release_layout_and_counts(published: ReleaseResult) -> None:
    assert published.release_dir.name == RELEASE_ID
    assert published.release_dir.parent.name == "releases"
    expected = {
        "social_resources.csv",
        "social_resources.geojson",
        "datapackage.json",
        "catalog.json",
        "changes.csv",
        "quality.csv",
        "quality.html",
        "freshness.json",
        "freshness.csv",
        "freshness.html",
        "112011_care_service.csv",
        "index.html",
    }
    assert set(published.files) == expected
    assert _tree(published.latest_dir) == _tree(published.release_dir)
    assert published.counts == {
        "published": 4,
        "withheld_no_consent": 1,
        "contacts_blanked": 1,
        "with_coordinates": 3,
        "quarantined": 2,
    }
    assert published.validation["valid"] is True
    assert published.validation["errors"] == []
    assert published.changes == {"added": 4, "changed": 0, "removed": 0}  # first release adds everything
    assert not list(published.release_dir.parent.glob(".*.tmp"))


def test_csv_round_trips_exact_values(published: ReleaseResult) -> None:
    path = published.release_dir / "social_resources.csv"
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = _rows(path)
    assert list(rows[0]) == list(PUBLIC_FIELDS)
    assert "contact_person" not in rows[0] and "publish" not in rows[0]
    assert [r["resource_id"] for r in rows] == [f"112011-r-000000000{i}" for i in (1, 2, 3, 5)]  # sorted
    care = rows[0]
    assert care["name"] == "ケアセンターつなぐ川越"
    assert care["capacity"] == "20"  # no ".0" on integers
    assert care["lat"] == "35.9082" and care["lon"] == "139.4855"
    assert care["source_as_of"] == "2024-04-01"
    assert care["fetched_at"] == "2024-05-31T21:00:00Z"
    assert care["corporate_number"] == "3030005001234"
    assert care["schedule"] == "月〜金 9:00-18:00"
    assert care["phone"] == "049-224-8811"
    assert rows[1]["field"] == "高齢;障がい"  # multi-valued
    salon = rows[2]
    assert all(salon[c] == "" for c in CONTACT_FIELDS if c in salon)  # contact_public False
    assert salon["lat"] == "" and salon["capacity"] == "" and salon["area"] == "霞ケ関地区"
    assert rows[3]["life_scenes"] == "居場所;学習支援"  # a list joined with ';'
    assert rows[3]["email"] == "shokudo@example.invalid"


def test_geojson_is_rfc7946(published: ReleaseResult) -> None:
    document = json.loads((published.release_dir / "social_resources.geojson").read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection"
    assert "crs" not in document
    features = document["features"]
    assert [f["properties"]["resource_id"] for f in features] == [f"112011-r-000000000{i}" for i in (1, 2, 3, 5)]
    for feature in features:
        assert list(feature["properties"]) == list(PUBLIC_FIELDS)
        if feature["geometry"] is None:
            continue
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert KAWAGOE_LON[0] <= lon <= KAWAGOE_LON[1]  # lon first
        assert KAWAGOE_LAT[0] <= lat <= KAWAGOE_LAT[1]
        assert (lon, lat) == (feature["properties"]["lon"], feature["properties"]["lat"])
    care = features[0]
    assert care["geometry"]["coordinates"] == [139.4855, 35.9082]
    assert care["properties"]["capacity"] == 20 and isinstance(care["properties"]["capacity"], int)
    assert features[2]["geometry"] is None  # the salon has no place
    assert features[2]["properties"]["phone"] is None
    west, south, east, north = document["bbox"]
    assert KAWAGOE_LON[0] <= west <= east <= KAWAGOE_LON[1]
    assert KAWAGOE_LAT[0] <= south <= north <= KAWAGOE_LAT[1]


def test_datapackage_validates_with_the_python_api(published: ReleaseResult) -> None:
    report = validate(str(published.release_dir / "datapackage.json"), basepath=str(published.release_dir))
    assert report.valid, report.flatten(["type", "message"])
    descriptor = json.loads((published.release_dir / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "112011-social-resources"
    assert descriptor["version"] == RELEASE_ID
    assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
    assert len(descriptor["sources"]) == 2
    by_name = {r["name"]: r for r in descriptor["resources"]}
    assert by_name["social_resources"]["path"] == "social_resources.csv"
    assert [f["name"] for f in by_name["social_resources"]["schema"]["fields"]] == list(PUBLIC_FIELDS)
    assert by_name["social_resources_geojson"]["type"] == "json"
    assert by_name["112011_care_service"]["path"] == "112011_care_service.csv"
    assert all(not Path(r["path"]).is_absolute() for r in descriptor["resources"])


def test_datapackage_validates_with_the_cli(published: ReleaseResult) -> None:
    cli = Path(sys.executable).parent / "frictionless"
    if not cli.exists():
        pytest.skip("frictionless CLI not installed next to this Python")
    result = subprocess.run(
        [str(cli), "validate", "datapackage.json"],
        cwd=published.release_dir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_care_service_has_the_official_headers(published: ReleaseResult, shared_dir: Path) -> None:
    template = shared_dir / "standards" / "suisho_v1_templates" / "xxxxxx_care_service.csv"
    with template.open(encoding="utf-8-sig", newline="") as handle:
        official = next(csv.reader(handle))
    assert tuple(official) == CARE_SERVICE_HEADERS
    path = published.release_dir / "112011_care_service.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        assert next(reader) == official
        rows = list(reader)
    assert [r[0] for r in rows] == ["112011", "112011"]  # only the two care services
    assert [r[1] for r in rows] == ["1", "2"]
    first = dict(zip(official, rows[0], strict=True))
    assert first["介護サービス事業所名称"] == "ケアセンターつなぐ川越"
    assert first["事業所番号"] == "1171200123"
    assert first["定員"] == "20"
    assert (first["緯度"], first["経度"]) == ("35.9082", "139.4855")


def test_care_service_constant_order() -> None:
    assert CARE_SERVICE_HEADERS[:4] == ("都道府県コード又は市区町村コード", "NO", "都道府県名", "市区町村名")
    assert CARE_SERVICE_HEADERS[-3:] == ("定員", "URL", "備考")
    assert len(CARE_SERVICE_HEADERS) == len(set(CARE_SERVICE_HEADERS)) == 22


def test_catalog_lists_every_file_with_size_and_hash(published: ReleaseResult) -> None:
    catalog = json.loads((published.release_dir / "catalog.json").read_text(encoding="utf-8"))
    assert catalog["accrualPeriodicity"] == "R/P1M"
    assert catalog["modified"] == "2024-05-01T00:00:00Z"
    assert catalog["version"] == RELEASE_ID
    listed = {d["downloadURL"]: d for d in catalog["distribution"]}
    assert set(listed) == set(published.files) - {"catalog.json", "index.html"}
    for name, item in listed.items():
        data = (published.release_dir / name).read_bytes()
        assert item["byteSize"] == len(data)
        assert item["sha256"] == hashlib.sha256(data).hexdigest()


def test_index_page(published: ReleaseResult) -> None:
    page = (published.release_dir / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ja">' in page
    assert "<link" not in page and "src=" not in page and "<script" not in page
    for name in published.files:
        if name != "index.html":
            assert f'href="{name}"' in page
    assert "介護サービス事業所" in page and "霞ケ関" not in page  # counts, not rows
    assert "川越市 地域福祉課「ふれあいサロン一覧」" in page
    assert "<svg" in page


def test_quality_report_withholds_private_values(published: ReleaseResult) -> None:
    rows = _rows(published.release_dir / "quality.csv")
    assert [r["column"] for r in rows] == ["phone", "postal_code"]
    assert rows[0]["value"] != "0492-99"
    assert rows[1]["value"] == "3500043"
    page = (published.release_dir / "quality.html").read_text(encoding="utf-8")
    assert "0492-99" not in page and "郵便番号は NNN-NNNN" in page


def test_invalid_row_refuses_and_leaves_latest_untouched(tmp_path: Path) -> None:
    first = _release(resources_frame(), tmp_path)
    before = _tree(first.latest_dir)
    broken = resources_frame()
    broken.loc[broken["resource_id"] == "112011-r-0000000002", "postal_code"] = "3500036"
    with pytest.raises(PublishRefused) as refused:
        _release(broken, tmp_path, release_id="20240602T000000Z")
    message = str(refused.value)
    assert "postal_code" in message and "source_id=care-services" in message and "source_record_id=2" in message
    assert _tree(tmp_path / "latest") == before
    assert not (tmp_path / "releases" / "20240602T000000Z").exists()
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == [RELEASE_ID]
    assert not (tmp_path / "latest.tmp").exists()


def test_changes_across_two_releases(tmp_path: Path) -> None:
    _release(resources_frame(), tmp_path)
    second = resources_frame()
    second.loc[second["resource_id"] == "112011-r-0000000001", ["capacity", "phone"]] = [25.0, "049-224-0000"]
    second.loc[second["resource_id"] == "112011-r-0000000002", "fetched_at"] = pd.Timestamp("2024-06-30T00:00:00Z")
    second = second[second["resource_id"] != "112011-r-0000000005"]
    added = resources_frame().iloc[[0]].assign(resource_id="112011-r-0000000006", name="新しい事業所")
    second = pd.concat([second, added], ignore_index=True)

    result = _release(second, tmp_path, release_id="20240701T000000Z")
    assert result.changes == {"added": 1, "changed": 1, "removed": 1}
    rows = _rows(result.release_dir / "changes.csv")
    assert [(r["change"], r["resource_id"], r["name"], r["changed_fields"]) for r in rows] == [
        ("added", "112011-r-0000000006", "新しい事業所", ""),
        ("changed", "112011-r-0000000001", "ケアセンターつなぐ川越", "phone;capacity"),
        ("removed", "112011-r-0000000005", "かわごえ子ども食堂", ""),
    ]
    assert _rows(tmp_path / "latest" / "social_resources.csv")[-1]["resource_id"] == "112011-r-0000000006"
    assert sorted(p.name for p in (tmp_path / "releases").iterdir()) == [RELEASE_ID, "20240701T000000Z"]


def test_write_release_applies_the_guard(tmp_path: Path) -> None:
    with pytest.raises(PublishRefused, match="previous release had 10"):
        _release(resources_frame(), tmp_path, guard_previous_count=10)
    assert not (tmp_path / "latest").exists()
    assert _release(resources_frame(), tmp_path, guard_previous_count=8).counts["published"] == 4


@pytest.mark.parametrize(
    ("previous", "new", "refused"),
    [
        (None, 0, False),  # first release: nothing to compare
        (0, 0, False),  # an empty previous release
        (100, 50, False),  # exactly half is allowed
        (100, 49, True),  # below half: a source probably lost its rows
        (100, 0, True),
        (100, 150, False),  # growth is fine
    ],
)
def test_guard(previous: int | None, new: int, refused: bool) -> None:
    if refused:
        with pytest.raises(PublishRefused):
            guard(previous, new)
    else:
        guard(previous, new)


def test_guard_ratio_is_configurable() -> None:
    guard(100, 80, min_ratio=0.8)
    with pytest.raises(PublishRefused):
        guard(100, 79, min_ratio=0.8)


def test_bad_release_id_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="release_id"):
        _release(resources_frame(), tmp_path, release_id="../escape")


def test_failed_swap_keeps_the_old_latest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _release(resources_frame(), tmp_path)
    before = _tree(first.latest_dir)
    rename = Path.rename

    def failing(self: Path, target: Any) -> Path:
        if self.name == "latest.tmp":
            raise OSError("disk full")
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", failing)
    with pytest.raises(OSError, match="disk full"):
        _release(resources_frame(), tmp_path, release_id="20240602T000000Z")
    monkeypatch.undo()
    assert _tree(tmp_path / "latest") == before
    assert not (tmp_path / "latest.old").exists()


def test_interrupted_swap_is_recovered(tmp_path: Path) -> None:
    first = _release(resources_frame(), tmp_path)
    first.latest_dir.rename(tmp_path / "latest.old")  # as if the process died between the two renames
    second = _release(resources_frame(), tmp_path, release_id="20240602T000000Z")
    assert second.changes == {"added": 0, "changed": 0, "removed": 0}  # compared with the recovered latest
    assert (tmp_path / "latest" / "datapackage.json").exists()
    assert not (tmp_path / "latest.old").exists()
