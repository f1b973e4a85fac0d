"""The offline gazetteer: town representative points for one municipality, and geocoding against it.

Points come from Geolonia 住所データ (CC BY 4.0, see ``geocoding/data/README.md``). Only towns (大字・町丁目)
are known, so the best level reached is ``town``; a row keeps its own coordinates (``source``) when they
fall inside the municipality.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd

from geocoding.address import AddressParts, TownIndex, split_address
from tsunagu.errors import TsunaguError

__all__ = [
    "EXTRACT_COLUMNS",
    "GEOCODE_COLUMNS",
    "Gazetteer",
    "GazetteerError",
    "GeocodeSummary",
    "extract_towns",
    "geocode_csv",
    "municipality_for_code",
    "read_geolonia_towns",
    "write_extract",
]

EXTRACT_COLUMNS = ("code", "prefecture", "city", "town", "lat", "lon")
GEOCODE_COLUMNS = ("lat", "lon", "geocode_level", "geocode_matched")
PART_COLUMNS = ("prefecture", "city", "town", "block", "building")
GEOLONIA_API = Path("geolonia-japanese-addresses") / "api"
CODE_TABLE = Path("japanese-addresses-chiban") / "data" / "csv" / "shikuchouson_code.csv"
# Town points are interior; a municipality reaches a little past them (川越市: about 1-2 km).
SOURCE_MARGIN_DEGREES = 0.02

_NAME_VARIANTS = str.maketrans({"ヶ": "ケ", "檮": "梼"})
_GUN = re.compile(r"^.+?郡")


class GazetteerError(TsunaguError):
    """The gazetteer could not be found, read or joined; the message says which file and what to do."""


def _source_path(shared_dir: str | PathLike[str], relative: Path) -> Path:
    path = Path(shared_dir) / relative
    if not path.is_file():
        raise GazetteerError(
            f"{path} not found: pass the folder holding geolonia-japanese-addresses/ and "
            "japanese-addresses-chiban/ (../shared/gazetteer in a checkout with the shared data)"
        )
    return path


def _comparable(name: str) -> str:
    return name.translate(_NAME_VARIANTS)


def municipality_for_code(shared_dir: str | PathLike[str], code: str) -> tuple[str, str]:
    """The (prefecture, Geolonia municipality name) of a 6-digit 全国地方公共団体コード.

    Joins the code table to Geolonia's ``ja.json`` as the gazetteer README prescribes: exact name, then
    without the 郡, comparing ヶ/ケ and 檮/梼 alike.
    """
    with _source_path(shared_dir, CODE_TABLE).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    match = [row for row in rows if row["code"] == code]
    if not match:
        raise GazetteerError(f"municipality code {code} is not in {CODE_TABLE}; use the 6-digit code (112011)")
    prefecture, name = match[0]["todofuken"], match[0]["shikuchouson"]
    twins = [row["code"] for row in rows if (row["todofuken"], row["shikuchouson"]) == (prefecture, name)]
    if len(twins) > 1:
        raise GazetteerError(
            f"{prefecture}{name} has several codes ({', '.join(twins)}) so code {code} cannot be joined "
            "to the gazetteer by name; use Gazetteer.from_geolonia with the Geolonia name instead"
        )
    index = json.loads(_source_path(shared_dir, GEOLONIA_API / "ja.json").read_text(encoding="utf-8"))
    cities: list[str] = index.get(prefecture, [])
    for candidate in (
        [c for c in cities if c == name],
        [c for c in cities if _GUN.sub("", c) == name],
        [c for c in cities if _comparable(_GUN.sub("", c)) == _comparable(name)],
    ):
        if len(candidate) == 1:
            return prefecture, candidate[0]
    wards = [c for c in cities if c.startswith(name)]
    if wards:
        raise GazetteerError(
            f"{prefecture}{name} (code {code}) is a designated city: Geolonia lists its wards "
            f"({', '.join(wards[:3])}, ...) separately, so build each ward's code"
        )
    raise GazetteerError(
        f"{prefecture}{name} (code {code}) has no Geolonia file: it was created or renamed after the "
        "gazetteer snapshot (November 2023)"
    )


def read_geolonia_towns(shared_dir: str | PathLike[str], prefecture: str, city: str) -> list[tuple[str, str, str]]:
    """(town, lat, lon) per town of one Geolonia municipality file, coordinates as written in the file.

    A town with only 小字 rows gets the mean of their points, rounded like the source to 6 decimals.
    """
    path = _source_path(shared_dir, GEOLONIA_API / "ja" / prefecture / f"{city}.json")
    rows = json.loads(path.read_text(encoding="utf-8"), parse_float=str)
    towns: dict[str, tuple[str, str]] = {}
    koaza_points: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        if row.get("koaza", ""):
            koaza_points.setdefault(row["town"], []).append((float(row["lat"]), float(row["lng"])))
        else:
            towns.setdefault(row["town"], (str(row["lat"]), str(row["lng"])))
    for town, points in koaza_points.items():
        if town not in towns:
            lat, lon = np.mean(points, axis=0)
            towns[town] = (repr(round(float(lat), 6)), repr(round(float(lon), 6)))
    return [(town, lat, lon) for town, (lat, lon) in towns.items()]


def extract_towns(shared_dir: str | PathLike[str], code: str) -> list[dict[str, str]]:
    """The bundled-extract rows of one municipality, sorted by town, text exactly as in the source."""
    prefecture, city = municipality_for_code(shared_dir, code)
    rows = read_geolonia_towns(shared_dir, prefecture, city)
    return [
        {"code": code, "prefecture": prefecture, "city": city, "town": town, "lat": lat, "lon": lon}
        for town, lat, lon in sorted(rows)
    ]


def write_extract(rows: Iterable[Mapping[str, str]], path: str | PathLike[str]) -> Path:
    """Write extract rows as UTF-8 CSV with LF endings, so a rebuild is byte-identical."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=EXTRACT_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@dataclass(frozen=True)
class _Resolved:
    parts: AddressParts
    level: str
    lat: float
    lon: float
    matched: str


class Gazetteer:
    """Town points of one municipality and the address matcher built on them."""

    def __init__(self, prefecture: str, city: str, towns: pd.DataFrame, *, code: str | None = None) -> None:
        missing = {"town", "lat", "lon"} - set(towns.columns)
        if missing or towns.empty:
            raise GazetteerError(f"gazetteer for {prefecture}{city} needs rows with town, lat, lon")
        self.code = code
        self.prefecture = prefecture
        self.city = city
        self.towns = (
            towns.loc[:, ["town", "lat", "lon"]]
            .astype({"town": str, "lat": float, "lon": float})
            .drop_duplicates("town")
            .reset_index(drop=True)
        )
        self._points = dict(
            zip(self.towns["town"], zip(self.towns["lat"], self.towns["lon"], strict=True), strict=True)
        )
        self._index = TownIndex(self.towns["town"].tolist())
        self.city_point = (float(self.towns["lat"].mean()), float(self.towns["lon"].mean()))
        self._cache: dict[str, _Resolved] = {}

    def __repr__(self) -> str:
        return f"Gazetteer({self.code or ''} {self.prefecture}{self.city}, {len(self.towns)} towns)"

    @classmethod
    def from_csv(cls, path: str | PathLike[str]) -> Gazetteer:
        """Load an extract written by ``scripts/build_gazetteer.py`` (one municipality per file)."""
        try:
            frame = pd.read_csv(path, dtype={"code": str}, encoding="utf-8")
        except (OSError, ValueError) as error:
            raise GazetteerError(f"cannot read gazetteer {path}: {error}") from error
        missing = set(EXTRACT_COLUMNS) - set(frame.columns)
        if missing:
            raise GazetteerError(f"gazetteer {path} lacks columns {sorted(missing)}; expected {EXTRACT_COLUMNS}")
        places = frame[["prefecture", "city"]].drop_duplicates()
        if len(places) != 1:
            raise GazetteerError(f"gazetteer {path} must hold one municipality, found {len(places)}")
        prefecture, city = places.iloc[0]
        return cls(prefecture, city, frame, code=str(frame["code"].iloc[0]))

    @classmethod
    def bundled(cls, code: str) -> Gazetteer:
        """Load the extract shipped in ``geocoding/data/<code>.csv`` (built for the demo city 112011)."""
        resource = resources.files("geocoding.data").joinpath(f"{code}.csv")
        if not resource.is_file():
            raise GazetteerError(
                f"no bundled gazetteer for {code}: run scripts/build_gazetteer.py --code {code} "
                "(needs ../shared/gazetteer) or pass a CSV with --gazetteer"
            )
        with resources.as_file(resource) as path:
            return cls.from_csv(path)

    @classmethod
    def from_geolonia(cls, shared_dir: str | PathLike[str], prefecture: str, city: str) -> Gazetteer:
        """Read a municipality straight from the official Geolonia JSON (any city, no extract needed)."""
        rows = read_geolonia_towns(shared_dir, prefecture, city)
        frame = pd.DataFrame(rows, columns=["town", "lat", "lon"])
        return cls(prefecture, city, frame)

    @classmethod
    def load(cls, spec: str | PathLike[str]) -> Gazetteer:
        """A gazetteer from a CSV path, or from a 6-digit code naming a bundled extract."""
        text = str(spec)
        if re.fullmatch(r"\d{6}", text) and not Path(text).exists():
            return cls.bundled(text)
        return cls.from_csv(spec)

    def bounds(self, margin: float = 0.0) -> tuple[float, float, float, float]:
        """(min_lon, min_lat, max_lon, max_lat) of the town points, widened by ``margin`` degrees."""
        return (
            float(self.towns["lon"].min()) - margin,
            float(self.towns["lat"].min()) - margin,
            float(self.towns["lon"].max()) + margin,
            float(self.towns["lat"].max()) + margin,
        )

    def split(self, text: str | None) -> AddressParts:
        """Split an address against this municipality's towns."""
        return split_address(text, self._index, prefecture=self.prefecture, city=self.city)

    def resolve(self, text: str | None) -> tuple[AddressParts, str, float, float, str]:
        """(parts, level, lat, lon, matched-or-reason) of one address, cached per distinct text."""
        key = text if isinstance(text, str) else ""
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._resolve(key)
        return hit.parts, hit.level, hit.lat, hit.lon, hit.matched

    def _resolve(self, text: str) -> _Resolved:
        parts = self.split(text)
        if parts.town is not None:
            lat, lon = self._points[parts.town]
            return _Resolved(parts, "town", lat, lon, parts.town)
        if parts.normalized is None:
            return _Resolved(parts, "none", np.nan, np.nan, "no address")
        if parts.prefecture not in (None, self.prefecture):
            return _Resolved(parts, "none", np.nan, np.nan, f"other prefecture: {parts.prefecture}")
        if parts.city not in (None, self.city):
            return _Resolved(parts, "none", np.nan, np.nan, f"other municipality: {parts.city}")
        if parts.city == self.city:
            lat, lon = self.city_point
            rest = parts.unmatched
            reason = f"unknown town: {rest}" if rest else "no town in address"
            return _Resolved(parts, "city", lat, lon, reason)
        return _Resolved(parts, "none", np.nan, np.nan, f"unknown town, no city: {parts.unmatched}")

    def geocode_frame(self, df: pd.DataFrame, address_column: str = "address") -> pd.DataFrame:
        """A copy of ``df`` with address parts, lat/lon, geocode_level and geocode_matched filled.

        Each distinct address is parsed once; rows are filled by position, not per-row Python. Rows
        whose own lat/lon lie inside the municipality keep them (level ``source``); a pair given in
        the wrong order is swapped back rather than dropped.
        """
        if address_column not in df.columns:
            raise GazetteerError(f"address column {address_column!r} not found; columns are {list(df.columns)}")
        out = df.copy()
        codes, uniques = pd.factorize(out[address_column].astype(object), use_na_sentinel=True)
        resolved = [self.resolve(value) for value in uniques] + [self.resolve(None)]
        codes = np.where(codes < 0, len(uniques), codes)

        def column(values: Iterable[object], dtype: type = object) -> np.ndarray:
            return np.asarray(list(values), dtype=dtype)[codes]

        parts = [r[0] for r in resolved]
        for name in PART_COLUMNS:
            parsed = column(getattr(p, name) for p in parts)
            if name in out.columns:
                existing = out[name].to_numpy(dtype=object)
                parsed = np.where(pd.isna(parsed), existing, parsed)
            out[name] = parsed
        town_found = column((p.town is not None for p in parts), bool)
        normalized = column(p.normalized for p in parts)
        original = out[address_column].to_numpy(dtype=object)
        out[address_column] = np.where(town_found, normalized, original)

        lat = column((r[2] for r in resolved), float)
        lon = column((r[3] for r in resolved), float)
        level = column(r[1] for r in resolved)
        matched = column(r[4] for r in resolved)

        source_lat = _numeric(out, "lat")
        source_lon = _numeric(out, "lon")
        min_lon, min_lat, max_lon, max_lat = self.bounds(SOURCE_MARGIN_DEGREES)
        inside = source_lat.between(min_lat, max_lat) & source_lon.between(min_lon, max_lon)
        swapped = source_lon.between(min_lat, max_lat) & source_lat.between(min_lon, max_lon) & ~inside
        # Points this stage computed earlier are not the source's: re-geocoding must give the same levels.
        own = _previous_levels(out).to_numpy()
        inside, swapped = inside.to_numpy() & ~own, swapped.to_numpy() & ~own
        lat = np.where(inside, source_lat, np.where(swapped, source_lon, lat))
        lon = np.where(inside, source_lon, np.where(swapped, source_lat, lon))
        level = np.where(inside | swapped, "source", level)
        matched = np.where(inside, "source coordinates", matched)
        matched = np.where(swapped, "source coordinates (lat and lon were swapped)", matched)

        out["lat"] = lat
        out["lon"] = lon
        out["geocode_level"] = level
        out["geocode_matched"] = matched
        return out


def _previous_levels(frame: pd.DataFrame) -> pd.Series:
    """Rows whose lat/lon an earlier geocoding set (level town or city), as opposed to the source."""
    if "geocode_level" not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame["geocode_level"].isin(["town", "city", "block"])


def _numeric(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=float)
    return pd.to_numeric(frame[column], errors="coerce").astype(float)


@dataclass(frozen=True)
class GeocodeSummary:
    """What ``geocode_csv`` wrote: the file, its row count and rows per geocode level."""

    out_path: Path
    rows: int
    levels: Mapping[str, int]


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp932")
        except UnicodeDecodeError as error:
            raise GazetteerError(f"{path} is neither UTF-8 nor Shift_JIS (cp932); save it as UTF-8") from error


def geocode_csv(
    in_path: str | PathLike[str],
    out_path: str | PathLike[str] | None = None,
    address_column: str = "address",
    gazetteer: Gazetteer | str | PathLike[str] | None = None,
) -> GeocodeSummary:
    """Add lat, lon, geocode_level, geocode_matched to a CSV (``tsunagu geocode``), other cells untouched.

    Input may be UTF-8 (with or without BOM) or cp932; output is UTF-8. ``out_path`` defaults to
    ``<in>.geocoded.csv``; ``gazetteer`` defaults to the bundled demo city 112011.
    """
    in_path = Path(in_path)
    out = Path(out_path) if out_path is not None else in_path.with_suffix(".geocoded.csv")
    if gazetteer is None:
        gazetteer = Gazetteer.bundled("112011")
    elif not isinstance(gazetteer, Gazetteer):
        gazetteer = Gazetteer.load(gazetteer)
    if not in_path.is_file():
        raise GazetteerError(f"{in_path} not found")
    try:
        frame = pd.read_csv(io.StringIO(_read_text(in_path)), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as error:
        raise GazetteerError(f"{in_path} is not a readable CSV: {error}") from error
    if address_column not in frame.columns:
        raise GazetteerError(
            f"{in_path}: no column {address_column!r}; pass --address-column, one of {list(frame.columns)}"
        )
    geocoded = gazetteer.geocode_frame(frame, address_column)
    for name in GEOCODE_COLUMNS:
        frame[name] = geocoded[name]
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, encoding="utf-8", lineterminator="\n")
    levels = {str(k): int(v) for k, v in frame["geocode_level"].value_counts().items()}
    return GeocodeSummary(out, len(frame), levels)
