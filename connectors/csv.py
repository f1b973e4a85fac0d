"""CSV and tab-separated files as departments save them: cp932 or UTF-8 (BOMs, doubled), UTF-16, padding."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from connectors.base import (
    ROW,
    Extracted,
    Payload,
    build_frame,
    clean_header,
    decode_text,
    find_as_of,
    parse_error,
    unique_columns,
)
from connectors.loading import Loader
from connectors.safety import is_zip
from tsunagu.config import SourceConfig

TITLE_ROWS = 5
# Below this the csv-module path is as fast as Arrow's and has no set-up cost.
COLUMNAR_MIN_CHARS = 256 * 1024
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
_LINE_END = re.compile(r"\r\n|\r|\n")
_DELIMITED_LINE = re.compile(r"[^\r\n\t,]*[\t,][^\r\n]*")
# The same test as base._LOST_CHARACTER, in RE2 syntax for Arrow (no lookahead there).
_LOST_RE2 = r"\?[\x{3005}\x{3040}-\x{30ff}\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}\x{f900}-\x{faff}\x{ff66}-\x{ff9f}]"
_LOST = re.compile(r"\?[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_NULL = pa.scalar(None, pa.string())
_BLOCK_BYTES = 4 * 1024 * 1024


def parse(source: SourceConfig, payload: Payload, loader: Loader | None = None) -> Extracted:
    """Rows of a CSV under its first non-blank row (after title lines); `_row` as a spreadsheet counts."""
    if is_zip(payload.content):
        from connectors import bundle  # bundle reads its members with this module: imported here, not on top

        return bundle.parse(source, payload)
    text, warnings = decode_text(payload, source.encoding)
    return parse_text(payload, text, warnings)


def parse_text(payload: Payload, text: str, warnings: list[str]) -> Extracted:
    """Split decoded CSV text into header and records: column-wise with Arrow when the file is well formed."""
    delimiter = sniff_delimiter(text)
    if len(text) >= COLUMNAR_MIN_CHARS:
        extracted = _columnar(text, delimiter, list(warnings))
        if extracted is not None:
            return extracted
    return _tolerant(payload, text, delimiter, warnings)


def _tolerant(payload: Payload, text: str, delimiter: str, warnings: list[str]) -> Extracted:
    """The csv-module reading: any shape of file, ragged rows and stray blank lines included."""
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
    header = filled[start][1]
    rows: list[tuple[int, list[str | None]]] = [(number, list(record)) for number, record in filled[start + 1 :]]
    if blank:
        warnings.append(f"{blank} blank row(s) skipped")
    as_of = _title_date([record for _, record in filled[:start]])
    return Extracted(frame=build_frame(header, rows, warnings), as_of=as_of, warnings=warnings)


def _count(record: list[str]) -> int:
    return sum(1 for cell in record if cell.strip())


def _title_date(titles: list[list[str]]) -> date | None:
    """The as-of date stated in the title lines above the header, if any."""
    return next((found for found in map(find_as_of, [c for r in titles for c in r if c.strip()]) if found), None)


def sniff_delimiter(text: str) -> str:
    """Comma or tab, whichever the first line holding either uses more (Excel's Unicode text uses tabs)."""
    match = _DELIMITED_LINE.search(text)
    if match is None:
        return ","
    line = match.group()
    return "\t" if line.count("\t") > line.count(",") else ","


# --- the columnar path ---------------------------------------------------------------------------


class _Lines:
    """Lines of a text for csv.reader, remembering where the last one handed out ends."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.end = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.end >= len(self.text):
            raise StopIteration
        match = _LINE.match(self.text, self.end)
        assert match is not None  # the pattern matches at any position, if only the empty string
        self.end = match.end()
        return match.group()


@dataclass
class _Head:
    """Where the records start, found as the csv-module path finds it: title lines, blank rows, header."""

    header: list[str]
    number: int  # the header's record number
    data_start: int  # offset in the text just after the header record
    width: int  # cells in the first record below the header
    blank: int  # blank records above the header
    titles: list[list[str]]


def _columnar(text: str, delimiter: str, warnings: list[str]) -> Extracted | None:
    """The records read by Arrow below a header found as the csv module would; None when the shape is odd."""
    head = _head(text, delimiter)
    if head is None:
        return None
    end = len(text)
    while end > head.data_start and text[end - 1] in "\r\n":
        end -= 1
    trailing = max(len(_LINE_END.findall(text, end)) - 1, 0)
    table = _read_arrow(text, head, end, delimiter)
    if table is None:
        return None
    rows = table.num_rows
    columns = [_clean(table.column(i)) for i in range(table.num_columns)]
    del table  # the cleaned columns are copies: free the raw ones before Python objects are made
    numbers = np.arange(head.number + 1, head.number + 1 + rows, dtype="int64")
    blank_rows = _all_null(columns)
    if pc.any(blank_rows).as_py():
        kept = pc.invert(blank_rows)
        columns = [column.filter(kept) for column in columns]
        numbers = numbers[kept.to_numpy(zero_copy_only=False)]
    blank = head.blank + (rows - len(numbers)) + trailing
    if blank:
        warnings.append(f"{blank} blank row(s) skipped")
    lost = text.find("\ufffd", head.data_start) >= 0 or (
        text.find("?", head.data_start) >= 0 and _LOST.search(text, head.data_start) is not None
    )
    frame = _frame(head.header, columns, numbers, warnings, lost=lost)
    return Extracted(frame=frame, as_of=_title_date(head.titles), warnings=warnings)


def _head(text: str, delimiter: str) -> _Head | None:
    """The header as the csv-module path picks it, read lazily so only the top of the file is touched."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    scanned: list[tuple[list[str], int]] = []
    filled: list[int] = []
    start: int | None = None
    try:
        for record in reader:
            scanned.append((record, lines.end))
            if _count(record):
                filled.append(len(scanned) - 1)
                if _count(record) >= 2 and len(filled) <= TITLE_ROWS + 1:
                    start = len(filled) - 1
                    break
                if len(filled) > TITLE_ROWS:
                    start = 0
                    break
        first = next(reader, None)
    except csv.Error:
        return None
    if start is None or first is None or len(first) < 2:
        return None  # a one-column file or a blank line under the header: the csv-module path reads those
    at = filled[start]
    header, data_start = scanned[at]
    titles = [scanned[i][0] for i in filled[:start]]
    return _Head(header, at + 1, data_start, len(first), len(scanned) - len(filled), titles)


def _read_arrow(text: str, head: _Head, end: int, delimiter: str) -> pa.Table | None:
    """Every cell below the header as a string column; None when rows are ragged or blank lines stray."""
    encoded = text.encode("utf-8")
    # Slice the encoded bytes rather than the text: a copy of a large str costs more than the encoding.
    offset = len(text[: head.data_start].encode("utf-8"))
    data = pa.py_buffer(encoded).slice(offset, len(encoded) - offset - (len(text) - end))
    names = [str(i) for i in range(head.width)]
    try:
        return pa_csv.read_csv(
            pa.BufferReader(data),
            read_options=pa_csv.ReadOptions(column_names=names, block_size=_BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                null_values=[],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def _clean(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """As base.clean_cell, column-wise: trimmed, line ends as \\n, empty as null."""
    return pa.chunked_array([_clean_chunk(chunk) for chunk in column.chunks], pa.string())


def _clean_chunk(chunk: pa.Array) -> pa.Array:
    array = pc.utf8_trim_whitespace(chunk)
    data = array.buffers()[2]
    # Only a quoted cell holds a line break, and few do: look at the column's bytes before rewriting it.
    if data is not None and b"\r" in data.to_pybytes():
        array = pc.replace_substring(pc.replace_substring(array, "\r\n", "\n"), "\r", "\n")
    filled = pc.not_equal(array, "")
    if filled.offset or array.offset:
        return pc.if_else(filled, array, _NULL)
    # Empty cells become nulls through the validity bitmap alone, without copying the text.
    return pa.Array.from_buffers(pa.string(), len(array), [filled.buffers()[1], *array.buffers()[1:]])


def _all_null(columns: list[pa.ChunkedArray]) -> pa.ChunkedArray:
    result = pc.is_null(columns[0])
    for column in columns[1:]:
        result = pc.and_(result, pc.is_null(column))
    return result


def _objects(array: pa.ChunkedArray) -> np.ndarray:
    """Python str or None per cell; repeated values (a city name, a service) converted once and shared."""
    sample = array.slice(0, 1024)
    if not len(sample) or pc.count_distinct(sample, mode="all").as_py() * 2 > len(sample):
        return array.to_numpy(zero_copy_only=False)
    encoded = pc.dictionary_encode(array)  # one dictionary shared by every chunk
    if not encoded.num_chunks:
        return np.empty(0, dtype=object)
    dictionary = encoded.chunk(0).dictionary
    values = np.append(dictionary.to_numpy(zero_copy_only=False), None)
    indices = pa.chunked_array([chunk.indices for chunk in encoded.chunks]).fill_null(len(dictionary))
    return values[indices.to_numpy()]


def _frame(
    header: list[str], columns: list[pa.ChunkedArray], numbers: np.ndarray, warnings: list[str], *, lost: bool
) -> pd.DataFrame:
    """As base.build_frame, from Arrow columns: the same names, kept columns, warnings and cell values."""
    width = max(len(header), len(columns))
    names = [clean_header(h) for h in header] + [""] * (width - len(header))
    empty = pa.chunked_array([pa.nulls(len(numbers), pa.string())])
    columns = columns + [empty] * (width - len(columns))
    keep = [i for i, name in enumerate(names) if name or columns[i].null_count < len(columns[i])]
    unnamed = [i for i in keep if not names[i]]
    if unnamed:
        where = ", ".join(str(i + 1) for i in unnamed)
        warnings.append(f"column(s) {where} have values but no header; named column_<n>")
    labels = unique_columns([names[i] or f"column_{i + 1}" for i in keep], warnings)
    frame = pd.DataFrame({label: _objects(columns[i]) for label, i in zip(labels, keep, strict=True)}, dtype=object)
    frame[ROW] = pd.Series(numbers, dtype="int64")
    if not len(numbers):
        warnings.append("the header has no records below it")
    if lost:
        _warn_lost(frame, labels, [columns[i] for i in keep], warnings)
    return frame


def _warn_lost(frame: pd.DataFrame, labels: list[str], columns: list[pa.ChunkedArray], warnings: list[str]) -> None:
    """As base._warn_lost_characters: '?' before Japanese text, and replacement characters."""
    hits = 0
    first: tuple[int, str, str] | None = None
    replaced = 0
    for label, column in zip(labels, columns, strict=True):
        matched = pc.match_substring_regex(column, _LOST_RE2).fill_null(False)
        count = int(pc.sum(matched).as_py() or 0)
        if count and first is None:
            at = int(pc.index(matched, True).as_py())
            first = (int(frame[ROW].iat[at]), label, str(column[at].as_py()))
        hits += count
        replaced += int(pc.sum(pc.count_substring(column, "\ufffd")).as_py() or 0)
    if first is not None:
        number, label, value = first
        warnings.append(
            f"'?' inside Japanese text in {hits} cell(s) (first: row {number}, {label}: {value!r}); "
            "characters were probably lost when the file was saved — ask the department to save as UTF-8"
        )
    if replaced:
        warnings.append(f"{replaced} '\ufffd' replacement character(s) in cells: text was lost in decoding")
