"""CSV and tab-separated files as departments save them: cp932 or UTF-8 (BOMs, doubled), UTF-16, padding."""

from __future__ import annotations

import csv
import io

from connectors.base import Extracted, Payload, build_frame, decode_text, find_as_of, parse_error
from tsunagu.config import SourceConfig

TITLE_ROWS = 5


def parse(source: SourceConfig, payload: Payload) -> Extracted:
    """Rows of a CSV under its first non-blank row (after title lines); `_row` as a spreadsheet counts."""
    text, warnings = decode_text(payload, source.encoding)
    return parse_text(payload, text, warnings)


def parse_text(payload: Payload, text: str, warnings: list[str]) -> Extracted:
    """Split decoded CSV text into header and records."""
    delimiter = sniff_delimiter(text)
    try:
        # Record numbers, not line numbers: quoted cells may hold line breaks, and spreadsheets count records.
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise parse_error(payload, f"not readable as CSV: {exc}; open it in a spreadsheet and save again") from None
    filled = [(number, record) for number, record in enumerate(records, start=1) if _count(record)]
    if not filled:
        raise parse_error(payload, "the file has no header row (it is empty); ask the department to resend it")
    blank = len(records) - len(filled)
    # Header: the first non-blank row, unless it and a few after it hold one cell each above a wider row —
    # then those are title lines (「…一覧（令和7年4月1日現在）」), as in CSVs saved from titled sheets.
    start = next((i for i, (_, record) in enumerate(filled[: TITLE_ROWS + 1]) if _count(record) >= 2), 0)
    titles = [cell for _, record in filled[:start] for cell in record if cell.strip()]
    as_of = next((found for found in map(find_as_of, titles) if found), None)
    header = filled[start][1]
    rows: list[tuple[int, list[str | None]]] = [(number, list(record)) for number, record in filled[start + 1 :]]
    if blank:
        warnings.append(f"{blank} blank row(s) skipped")
    return Extracted(frame=build_frame(header, rows, warnings), as_of=as_of, warnings=warnings)


def _count(record: list[str]) -> int:
    return sum(1 for cell in record if cell.strip())


def sniff_delimiter(text: str) -> str:
    """Comma or tab, whichever the first line holding either uses more (Excel's Unicode text uses tabs)."""
    for line in text.splitlines():
        tabs, commas = line.count("\t"), line.count(",")
        if tabs or commas:
            return "\t" if tabs > commas else ","
    return ","
