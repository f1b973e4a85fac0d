"""The gazetteer: bundled extract, official-source loaders, frame and CSV geocoding."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from types import ModuleType

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geocoding import Gazetteer, GazetteerError, geocode_csv
from geocoding.gazetteer import municipality_for_code

FIXTURES = Path(__file__).parent / "fixtures"
# 川越市 as a box around its town points (lat 35.860-35.957, lon 139.405-139.552).
KAWAGOE_LAT = (35.86, 35.96)
KAWAGOE_LON = (139.40, 139.56)


@pytest.fixture(scope="module")
def kawagoe() -> Gazetteer:
    """The bundled 川越市 extract."""
    return Gazetteer.bundled("112011")


@pytest.fixture(scope="module")
def gazetteer_dir(shared_dir: Path) -> Path:
    """The official Geolonia and code-table files under ../shared."""
    return shared_dir / "gazetteer"


def _build_script(repo_root: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_gazetteer", repo_root / "scripts" / "build_gazetteer.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_extract(kawagoe: Gazetteer) -> None:
    towns = kawagoe.towns
    assert (kawagoe.code, kawagoe.prefecture, kawagoe.city) == ("112011", "埼玉県", "川越市")
    assert len(towns) == 249 and towns["town"].is_unique
    assert towns["town"].str.startswith("大字").sum() == 84
    assert {"大字上寺山", "元町一丁目", "霞ケ関北一丁目"} <= set(towns["town"])
    assert towns["lat"].between(*KAWAGOE_LAT).all()
    assert towns["lon"].between(*KAWAGOE_LON).all()


def test_bounds_are_lon_lat_ordered(kawagoe: Gazetteer) -> None:
    min_lon, min_lat, max_lon, max_lat = kawagoe.bounds()
    assert (min_lon, min_lat, max_lon, max_lat) == (139.404865, 35.860134, 139.551584, 35.95724)
    assert kawagoe.bounds(0.01) == pytest.approx((min_lon - 0.01, min_lat - 0.01, max_lon + 0.01, max_lat + 0.01))


@pytest.mark.shared
def test_bundled_extract_matches_build_script(repo_root: Path, gazetteer_dir: Path, tmp_path: Path) -> None:
    script = _build_script(repo_root)
    assert script.main(["--shared", str(gazetteer_dir), "--code", "112011", "--out", str(tmp_path)]) == 0
    built = (tmp_path / "112011.csv").read_bytes()
    assert built == (repo_root / "geocoding" / "data" / "112011.csv").read_bytes()


@pytest.mark.shared
def test_build_script_reports_a_code_it_cannot_build(repo_root: Path, gazetteer_dir: Path, tmp_path: Path) -> None:
    script = _build_script(repo_root)
    assert script.main(["--shared", str(gazetteer_dir), "--code", "011002", "--out", str(tmp_path)]) == 1
    assert not list(tmp_path.iterdir())


@pytest.mark.shared
def test_from_geolonia_equals_bundled(gazetteer_dir: Path, kawagoe: Gazetteer) -> None:
    direct = Gazetteer.from_geolonia(gazetteer_dir, "埼玉県", "川越市")
    expected = kawagoe.towns.sort_values("town").reset_index(drop=True)
    pd.testing.assert_frame_equal(direct.towns.sort_values("town").reset_index(drop=True), expected)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("code", "prefecture", "city"),
    [
        # exact name
        ("112011", "埼玉県", "川越市"),
        # Geolonia adds the 郡
        ("113433", "埼玉県", "比企郡小川町"),
        # the code table writes ケ, Geolonia ヶ
        ("122246", "千葉県", "鎌ヶ谷市"),
        # a designated city's ward
        ("111015", "埼玉県", "さいたま市西区"),
    ],
)
def test_municipality_for_code(gazetteer_dir: Path, code: str, prefecture: str, city: str) -> None:
    assert municipality_for_code(gazetteer_dir, code) == (prefecture, city)


@pytest.mark.shared
@pytest.mark.parametrize(
    ("code", "message"),
    [
        # not a municipality code
        ("999999", "not in"),
        # a designated city as a whole: Geolonia has only its wards
        ("011002", "designated city"),
        # 泊村 has two codes, so the name join is ambiguous
        ("014036", "several codes"),
        # a 2024 浜松市 ward, newer than the gazetteer
        ("221384", "no Geolonia file"),
    ],
)
def test_municipality_for_code_errors(gazetteer_dir: Path, code: str, message: str) -> None:
    with pytest.raises(GazetteerError, match=message):
        municipality_for_code(gazetteer_dir, code)


@pytest.mark.shared
def test_from_geolonia_geocodes_another_city(gazetteer_dir: Path) -> None:
    """CI can test any city straight from the official JSON; here 鶴ヶ島市, written 鶴ケ島 by some."""
    tsurugashima = Gazetteer.from_geolonia(gazetteer_dir, "埼玉県", "鶴ヶ島市")
    towns = set(tsurugashima.towns["town"])
    town = next(t for t in sorted(towns) if t.endswith("一丁目"))
    out = tsurugashima.geocode_frame(pd.DataFrame({"address": [f"埼玉県鶴ケ島市{town[:-3]}1-2-3"]}))
    assert out.loc[0, "town"] == town and out.loc[0, "geocode_level"] == "town"


def test_missing_gazetteer_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match=r"build_gazetteer\.py --code 999999"):
        Gazetteer.bundled("999999")
    with pytest.raises(GazetteerError, match="geolonia-japanese-addresses"):
        Gazetteer.from_geolonia(tmp_path, "埼玉県", "川越市")


@pytest.mark.parametrize(
    ("address", "level", "matched", "town"),
    [
        # full form, 全角, 1丁目, 番地 and a building
        ("埼玉県川越市新富町１丁目３番地１ つなぐビル２階", "town", "新富町一丁目", "新富町一丁目"),
        # postal code and the 1- form of 丁目
        ("〒350-0043 川越市新富町1-3-1", "town", "新富町一丁目", "新富町一丁目"),
        # 大字 present
        ("川越市大字上寺山123", "town", "大字上寺山", "大字上寺山"),
        # 大字 absent
        ("川越市上寺山123", "town", "大字上寺山", "大字上寺山"),
        # ヶ where the gazetteer writes ケ
        ("川越市霞ヶ関北2-3-4", "town", "霞ケ関北二丁目", "霞ケ関北二丁目"),
        # no city written
        ("元町1丁目3番1号", "town", "元町一丁目", "元町一丁目"),
        # our city, unknown town: the city's point
        ("川越市不明町1-1", "city", "unknown town: 不明町1-1", None),
        # only the city
        ("埼玉県川越市", "city", "no town in address", None),
        # another municipality in the same prefecture
        ("埼玉県所沢市並木1-1", "none", "other municipality: 所沢市", None),
        # another prefecture
        ("東京都千代田区霞が関1-1-1", "none", "other prefecture: 東京都", None),
        # unknown town and no city
        ("不明町1-1", "none", "unknown town, no city: 不明町1-1", None),
        # empty
        ("", "none", "no address", None),
        # missing
        (None, "none", "no address", None),
    ],
)
def test_geocode_frame_levels(
    kawagoe: Gazetteer, address: str | None, level: str, matched: str, town: str | None
) -> None:
    out = kawagoe.geocode_frame(pd.DataFrame({"address": [address]}))
    row = out.iloc[0]
    assert (row["geocode_level"], row["geocode_matched"]) == (level, matched)
    assert (row["town"] if pd.notna(row["town"]) else None) == town
    if level == "town":
        point = kawagoe.towns.set_index("town").loc[town]
        assert (row["lat"], row["lon"]) == (point["lat"], point["lon"])
    elif level == "city":
        assert (row["lat"], row["lon"]) == pytest.approx(kawagoe.city_point)
        assert kawagoe.city_point == pytest.approx((35.911, 139.473), abs=1e-3)
    else:
        assert np.isnan(row["lat"]) and np.isnan(row["lon"])


def test_geocode_frame_fills_parts_and_rewrites_address(kawagoe: Gazetteer) -> None:
    df = pd.DataFrame(
        {
            "name": ["つなぐ介護センター", "所沢の事業所"],
            "address": ["川越市新富町１丁目３番地１ つなぐビル２階", "埼玉県所沢市並木1-1"],
        }
    )
    out = kawagoe.geocode_frame(df)
    assert df["address"].tolist()[0] == "川越市新富町１丁目３番地１ つなぐビル２階"
    first = out.iloc[0]
    assert first["address"] == "埼玉県川越市新富町一丁目3-1つなぐビル2階"
    assert (first["prefecture"], first["city"], first["town"], first["block"], first["building"]) == (
        "埼玉県",
        "川越市",
        "新富町一丁目",
        "3-1",
        "つなぐビル2階",
    )
    assert out.loc[1, "address"] == "埼玉県所沢市並木1-1"
    assert list(out.columns[:2]) == ["name", "address"]


@pytest.mark.parametrize(
    ("lat", "lon", "level", "expected_lat", "expected_lon", "matched"),
    [
        # valid own coordinates are kept
        (35.9251, 139.4858, "source", 35.9251, 139.4858, "source coordinates"),
        # the same given as text
        ("35.9251", "139.4858", "source", 35.9251, 139.4858, "source coordinates"),
        # lat and lon swapped: put back, still the source's point
        (139.4858, 35.9251, "source", 35.9251, 139.4858, "source coordinates (lat and lon were swapped)"),
        # outside 川越市 (東京駅): replaced by the town point
        (35.6812, 139.7671, "town", 35.924857, 139.484576, "元町一丁目"),
        # zero placeholder: replaced
        (0.0, 0.0, "town", 35.924857, 139.484576, "元町一丁目"),
        # missing: geocoded
        (np.nan, np.nan, "town", 35.924857, 139.484576, "元町一丁目"),
    ],
)
def test_geocode_frame_source_coordinates(
    kawagoe: Gazetteer,
    lat: object,
    lon: object,
    level: str,
    expected_lat: float,
    expected_lon: float,
    matched: str,
) -> None:
    df = pd.DataFrame({"address": ["川越市元町1-1-1"], "lat": [lat], "lon": [lon]})
    row = kawagoe.geocode_frame(df).iloc[0]
    assert (row["geocode_level"], row["lat"], row["lon"], row["geocode_matched"]) == (
        level,
        expected_lat,
        expected_lon,
        matched,
    )
    assert row["town"] == "元町一丁目"


def test_geocode_frame_is_idempotent(kawagoe: Gazetteer) -> None:
    df = pd.DataFrame(
        {
            "address": ["川越市新富町１丁目３番地１ つなぐビル２階", "川越市不明町1", "川越市元町1-1-1"],
            "lat": [np.nan, np.nan, 35.9251],
            "lon": [np.nan, np.nan, 139.4858],
        }
    )
    once = kawagoe.geocode_frame(df)
    twice = kawagoe.geocode_frame(once)
    pd.testing.assert_frame_equal(once, twice)
    assert once["geocode_level"].tolist() == ["town", "city", "source"]


def test_geocoded_points_are_lon_lat_for_geojson(kawagoe: Gazetteer) -> None:
    out = kawagoe.geocode_frame(pd.DataFrame({"address": ["川越市大字上寺山123", "川越市大字笠幡1234"]}))
    points = gpd.GeoDataFrame(out, geometry=gpd.points_from_xy(out["lon"], out["lat"]), crs="EPSG:4326")
    assert points.geometry.x.tolist() == [139.466622, 139.404865]
    assert points.geometry.y.tolist() == [35.933132, 35.908242]
    min_lon, min_lat, max_lon, max_lat = points.total_bounds
    assert KAWAGOE_LON[0] <= min_lon <= max_lon <= KAWAGOE_LON[1]
    assert KAWAGOE_LAT[0] <= min_lat <= max_lat <= KAWAGOE_LAT[1]


def test_geocode_frame_parses_each_distinct_address_once(monkeypatch: pytest.MonkeyPatch) -> None:
    gazetteer = Gazetteer.bundled("112011")
    calls: list[str | None] = []
    split = gazetteer.split
    monkeypatch.setattr(gazetteer, "split", lambda text: calls.append(text) or split(text))
    df = pd.DataFrame({"address": ["川越市上寺山1", "川越市元町1-1-1", None, "川越市上寺山1"] * 50})
    gazetteer.geocode_frame(df)
    gazetteer.geocode_frame(df)
    assert sorted(calls) == ["", "川越市上寺山1", "川越市元町1-1-1"]


def test_geocode_frame_is_fast_on_repeated_addresses(kawagoe: Gazetteer) -> None:
    towns = kawagoe.towns["town"].tolist()
    distinct = [f"川越市{town}{n}-1" for town in towns for n in (1, 2)] + ["東京都千代田区1", ""]
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"address": rng.choice(np.array(distinct, dtype=object), 10_000), "name": "x"})
    start = time.perf_counter()
    out = Gazetteer.bundled("112011").geocode_frame(df)
    assert time.perf_counter() - start < 1.0
    assert len(out) == 10_000
    assert (out["geocode_level"] == "town").mean() > 0.95


def test_geocode_frame_needs_the_address_column(kawagoe: Gazetteer) -> None:
    with pytest.raises(GazetteerError, match="'所在地' not found"):
        kawagoe.geocode_frame(pd.DataFrame({"address": ["x"]}), "所在地")


@pytest.mark.parametrize(
    "fixture",
    [
        # Excel's default on Japanese Windows
        "care_addresses_cp932.csv",
        # Excel's "CSV UTF-8"
        "care_addresses_utf8_bom.csv",
    ],
)
def test_geocode_csv(fixture: str, tmp_path: Path) -> None:
    out_path = tmp_path / "out.csv"
    summary = geocode_csv(FIXTURES / fixture, out_path, "所在地")
    assert summary.out_path == out_path and summary.rows == 5
    assert dict(summary.levels) == {"town": 3, "none": 2}
    out = pd.read_csv(out_path, dtype=str, keep_default_na=False, encoding="utf-8")
    assert list(out.columns) == [
        "事業所番号",
        "事業所名",
        "所在地",
        "電話番号",
        "lat",
        "lon",
        "geocode_level",
        "geocode_matched",
    ]
    # other cells are untouched: the address as written, codes with a leading zero
    assert out.loc[0, "所在地"] == "〒350-0043 川越市新富町１丁目３番地１ つなぐビル２階"
    assert out.loc[3, "事業所番号"] == "0170100045"
    assert out["geocode_matched"].tolist() == [
        "新富町一丁目",
        "霞ケ関北二丁目",
        "大字上寺山",
        "other municipality: 所沢市",
        "no address",
    ]
    assert (float(out.loc[2, "lat"]), float(out.loc[2, "lon"])) == (35.933132, 139.466622)
    assert out.loc[4, "lat"] == ""


def test_geocode_csv_defaults_and_gazetteer_path(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("住所\n川越市上寺山123\n", encoding="utf-8")
    extract = Path(__file__).resolve().parents[2] / "geocoding" / "data" / "112011.csv"
    summary = geocode_csv(source, address_column="住所", gazetteer=extract)
    assert summary.out_path == tmp_path / "in.geocoded.csv"
    assert summary.levels == {"town": 1}


def test_geocode_csv_errors_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError, match="--address-column"):
        geocode_csv(FIXTURES / "care_addresses_utf8_bom.csv", tmp_path / "out.csv", "address")
    with pytest.raises(GazetteerError, match="not found"):
        geocode_csv(tmp_path / "missing.csv", tmp_path / "out.csv", "address")
