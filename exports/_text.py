"""Canonical text for published cells, so every file says the same value the same way."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from schemas.definition import FieldType

ISO_SECONDS = "%Y-%m-%dT%H:%M:%SZ"


def _fallback(text: pd.Series, parsed_ok: pd.Series, original: pd.Series) -> pd.Series:
    # A value that does not parse stays as written, so validation reports it instead of it vanishing.
    raw = original.astype("string")
    return text.where(parsed_ok | original.isna(), raw)


def _number_text(series: pd.Series, *, integer: bool) -> pd.Series:
    num = pd.to_numeric(series, errors="coerce")
    if integer:
        whole = num.notna() & (num % 1 == 0)
        text = num.where(whole).astype("Int64").astype("string")
        return _fallback(text, whole, series)
    return _fallback(num.astype("string"), num.notna(), series)


def _join_lists(series: pd.Series) -> pd.Series:
    if series.dtype != object:
        return series
    return series.map(_cell_text)


def _cell_text(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return ";".join(map(str, value))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


def as_text(series: pd.Series, kind: FieldType, *, multi: bool = False) -> pd.Series:
    """One column as canonical text (ISO dates, integers without ``.0``, ``true``/``false``), NA for empty."""
    if kind == "integer":
        text = _number_text(series, integer=True)
    elif kind == "number":
        text = _number_text(series, integer=False)
    elif kind == "boolean":
        lowered = series.astype("string").str.lower()
        text = lowered.map({"true": "true", "1": "true", "false": "false", "0": "false"}).astype("string")
        text = _fallback(text, text.notna(), series)
    elif kind == "date":
        if isinstance(series.dtype, pd.DatetimeTZDtype):
            series = series.dt.tz_convert("Asia/Tokyo")
        parsed = pd.to_datetime(series, errors="coerce", format="ISO8601")
        text = parsed.dt.strftime("%Y-%m-%d").where(parsed.notna()).astype("string")
        text = _fallback(text, parsed.notna(), series)
    elif kind == "datetime":
        parsed = pd.to_datetime(series, errors="coerce", utc=True, format="ISO8601")
        text = parsed.dt.strftime(ISO_SECONDS).where(parsed.notna()).astype("string")
        text = _fallback(text, parsed.notna(), series)
    else:
        inferred = pd.api.types.infer_dtype(series, skipna=True)
        if inferred in ("floating", "integer", "mixed-integer-float"):
            # An id or code that travelled as a number: 12.0 is published as "12".
            numbers = pd.to_numeric(series, errors="coerce")
            text = _number_text(series, integer=bool((numbers.dropna() % 1 == 0).all()))
        elif inferred == "mixed":
            text = series.map(_cell_text).astype("string")
        else:
            text = (_join_lists(series) if multi else series).astype("string")
    return text.mask(text == "")


def iso(value: Any) -> str | None:
    """A timestamp as ISO 8601 UTC text, None when unknown."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.strftime(ISO_SECONDS)


def jst(value: Any) -> str | None:
    """A timestamp as Japan time for people reading the pages, None when unknown."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp
    return stamp.tz_convert("Asia/Tokyo").strftime("%Y-%m-%d %H:%M")


def utc_now() -> datetime:
    """Now, tz-aware, to the second (files carry seconds, not microseconds)."""
    return datetime.now(UTC).replace(microsecond=0)


def jsonable(value: Any) -> Any:
    """A cell as a JSON value: numpy scalars to Python, NaN/NaT to null, timestamps to ISO text."""
    if value is None:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return iso(value)
    if isinstance(value, str | bool):
        return value
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def write_json(path: Path, data: Any) -> None:
    """UTF-8 JSON, readable Japanese, strict (no NaN)."""
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n", encoding="utf-8")


def write_small_csv(
    path: Path, header: Iterable[str], rows: Iterable[Iterable[Any]], *, bom: bool = True, crlf: bool = False
) -> None:
    """A small CSV for people: UTF-8 with BOM so Excel in Japan opens it, empty for null."""
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n" if crlf else "\n")
        writer.writerow(list(header))
        writer.writerows(
            ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else v for v in row] for row in rows
        )


def frame_rows(frame: pd.DataFrame) -> Iterable[list[Any]]:
    """Rows of a text frame as lists, NA as None."""
    return frame.astype(object).where(frame.notna(), None).itertuples(index=False, name=None)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def human_size(size: int) -> str:
    """Bytes as a short size for download links."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def municipality_dict(municipality: Mapping[str, Any] | Any) -> dict[str, str]:
    """code, name, prefecture from a mapping or the config model."""
    keys = ("code", "name", "prefecture")
    if isinstance(municipality, Mapping):
        return {k: str(municipality.get(k, "")) for k in keys}
    return {k: str(getattr(municipality, k, "")) for k in keys}
