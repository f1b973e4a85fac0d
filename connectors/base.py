"""The connector contract (Payload, Extracted, fetch, parse) and the helpers every parser shares."""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlparse

import pandas as pd
from charset_normalizer import from_bytes

from connectors.http import HttpClient, Response, local_path, read_file
from tsunagu.config import HttpSettings, SourceConfig
from tsunagu.errors import ParseError

ROW = "_row"


@dataclass(frozen=True)
class Payload:
    """The raw bytes of one fetch, with where and when they came from (archived as is)."""

    source_id: str
    location: str
    filename: str
    content: bytes
    fetched_at: datetime
    sha256: str
    http_status: int | None
    headers: dict[str, str]
    modified_at: datetime | None
    not_modified: bool = False


@dataclass(frozen=True)
class Validators:
    """The previous fetch's ETag and Last-Modified, so an unchanged source costs a 304, not a download."""

    etag: str | None = None
    last_modified: str | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, object] | None) -> Validators:
        """The validators in a stored response's headers (names in any case; unusable values dropped)."""
        found: dict[str, str] = {}
        for name, value in (headers or {}).items():
            # A value with a line break would be refused by requests (and is no validator anyway).
            if isinstance(value, str) and value.strip() and "\r" not in value and "\n" not in value:
                found[name.lower()] = value.strip()
        return cls(etag=found.get("etag"), last_modified=found.get("last-modified"))

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)

    def request_headers(self) -> dict[str, str]:
        """The conditional-request headers (If-None-Match, If-Modified-Since) these validators make."""
        headers: dict[str, str] = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass
class Extracted:
    """A parsed source: text cells as written, the date the source states about itself, and warnings."""

    frame: pd.DataFrame
    as_of: date | None = None
    warnings: list[str] = field(default_factory=list)


Loader = Callable[[str], bytes]  # reads a further page (next page, detail page, API page) by URL or path
Fetcher = Callable[[SourceConfig, str, HttpClient | None, "Validators | None"], Payload]
Parser = Callable[[SourceConfig, Payload, Loader | None], Extracted]

# Filled by connectors/__init__.py, so that a kind's module can import this one without a cycle.
PARSERS: dict[str, Parser] = {}
FETCHERS: dict[str, Fetcher] = {}


def fetch(
    source: SourceConfig,
    location: str,
    *,
    client: HttpClient | None = None,
    validators: Validators | None = None,
) -> Payload:
    """Obtain a source's raw payload; with the last fetch's validators an unchanged URL gives not_modified."""
    fetcher = FETCHERS.get(source.kind)
    if fetcher is not None:
        return fetcher(source, location, client, validators)
    return fetch_location(source, location, client, validators)


def parse(source: SourceConfig, payload: Payload, loader: Loader | None = None) -> Extracted:
    """Read a payload into rows with the parser of the source's kind; raise ParseError naming what failed.

    ``loader`` reads the further pages a source points at (pagination, detail pages, CKAN files).
    """
    parser = PARSERS.get(source.kind)
    if parser is None:
        known = ", ".join(sorted(PARSERS))
        raise parse_error(payload, f"no parser for kind {source.kind!r} yet (parsers exist for: {known})")
    return parser(source, payload, loader)


def fetch_location(
    source: SourceConfig,
    location: str,
    client: HttpClient | None = None,
    validators: Validators | None = None,
) -> Payload:
    """Read one path, file:// URL or http(s) URL into a Payload, checking a URL serves the kind expected."""
    if client is not None:
        response = client.open(location, source_id=source.id, validators=validators, expect=source.kind)
        return make_payload(source, response)
    path = local_path(location)
    if path is not None:
        return make_payload(source, read_file(path, source_id=source.id))
    # Without the caller's client, still fetch with the project's default policy (robots.txt, pacing).
    with HttpClient.from_settings(HttpSettings(), contact=None) as own:
        return make_payload(source, own.get(location, source_id=source.id, validators=validators, expect=source.kind))


def payload_from_file(source: SourceConfig, path: Path) -> Payload:
    """A local file as the payload of a source (``tsunagu check``, benchmarks); FetchError when unreadable."""
    return make_payload(source, read_file(path, source_id=source.id))


def make_payload(source: SourceConfig, response: Response) -> Payload:
    """Stamp a response with its hash, fetch time and a file name that picks its parser (a 304 has no bytes)."""
    not_modified = response.status == 304
    return Payload(
        source_id=source.id,
        location=response.location,
        filename=payload_filename(response.location, response.headers, source.kind),
        content=response.content,
        fetched_at=datetime.now(UTC),
        sha256="" if not_modified else hashlib.sha256(response.content).hexdigest(),
        http_status=response.status,
        headers=response.headers,
        modified_at=response.modified_at,
        not_modified=not_modified,
    )


DATA_EXTENSIONS = frozenset(
    {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".json", ".html", ".htm", ".xml", ".zip"}
)
_KIND_EXTENSION = {"csv": ".csv", "excel": ".xlsx", "html": ".html", "json_api": ".json", "ckan": ".json"}
_CONTENT_TYPE_EXTENSION = {
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/json": ".json",
    "text/csv": ".csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel": ".xls",
    "application/zip": ".zip",
}
_DISPOSITION = re.compile(r"""filename\*\s*=\s*[\w-]+'[^']*'([^;]+)|filename\s*=\s*"?([^";]+)"?""", re.I)


def payload_filename(location: str, headers: dict[str, str], kind: str) -> str:
    """The base name that picks a parser: Content-Disposition, else the URL's or path's last segment."""
    lower = {k.lower(): v for k, v in headers.items()}
    match = _DISPOSITION.search(lower.get("content-disposition", ""))
    if match:
        return PurePosixPath(unquote(match.group(1) or match.group(2)).strip()).name
    parsed = urlparse(location)
    if parsed.scheme not in ("http", "https"):
        path = unquote(parsed.path) if parsed.scheme == "file" else location.replace("\\", "/")
        return PurePosixPath(path).name
    name = "" if parsed.path.endswith("/") else PurePosixPath(unquote(parsed.path)).name
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in DATA_EXTENSIONS:
        return name
    # A script URL (download.php?id=3, /list/): name it by what came back.
    content_type = lower.get("content-type", "").split(";")[0].strip().lower()
    extension = _CONTENT_TYPE_EXTENSION.get(content_type) or _KIND_EXTENSION.get(kind, suffix)
    return (PurePosixPath(name).stem or "index") + extension


def parse_error(payload: Payload, message: str) -> ParseError:
    """A ParseError naming the payload's source and location."""
    return ParseError(payload.source_id, message, location=payload.location)


# --- text decoding -----------------------------------------------------------------------------

# Strict Shift_JIS lacks the vendor characters real files carry (①, ㈱, 髙), so every alias means cp932.
_CP932_ALIASES = frozenset(
    {"shift_jis", "shift-jis", "sjis", "s_jis", "s-jis", "x-sjis", "csshiftjis", "ms932", "ms_kanji"}
    | {"mskanji", "windows-31j", "cp932"}
)


def codec_name(encoding: str) -> str:
    """The Python codec for an encoding label, with every Shift_JIS label read as cp932."""
    label = encoding.strip().lower()
    if label in _CP932_ALIASES:
        return "cp932"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        raise ValueError(f"unknown encoding {encoding!r}") from None
    return "cp932" if name == "shift_jis" else name


def decode_text(payload: Payload, encoding: str = "auto", *, declared: Sequence[str] = ()) -> tuple[str, list[str]]:
    """Decode bytes: a BOM wins, then an explicit encoding, then declared labels, UTF-8, cp932, detection."""
    content = payload.content
    warnings: list[str] = []
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = content.decode("utf-16")
    elif content.startswith(codecs.BOM_UTF8):
        text = _decode_strict(payload, content, "utf-8")
    elif encoding.strip().lower() != "auto":
        try:
            codec = codec_name(encoding)
        except ValueError as exc:
            raise parse_error(payload, f"{exc} in the config; use auto, utf-8 or cp932") from None
        text = _decode_strict(payload, content, codec)
    else:
        text = _detect(payload, content, declared, warnings)
    return text.lstrip("\ufeff"), warnings


def _decode_strict(payload: Payload, content: bytes, codec: str) -> str:
    try:
        return content.decode(codec)
    except UnicodeDecodeError as exc:
        bad = content[exc.start : exc.start + 4]
        raise parse_error(
            payload,
            f"cannot decode as {codec} (byte {exc.start}: {bad!r}); set 'encoding: auto' in the departments "
            "config, or ask the department which encoding the file was saved in",
        ) from None


def _detect(payload: Payload, content: bytes, declared: Sequence[str], warnings: list[str]) -> str:
    candidates: list[str] = []
    for label in declared:
        try:
            candidates.append(codec_name(label))
        except ValueError:
            warnings.append(f"the page declares an unknown encoding {label!r}; detected the encoding instead")
    for codec in [*candidates, "utf-8", "cp932"]:
        try:
            text = content.decode(codec)
        except UnicodeDecodeError:
            if codec in candidates:
                warnings.append(f"the declared encoding {codec} does not fit the bytes; detected it instead")
            continue
        return text
    best = from_bytes(content).best()
    if best is not None and best.encoding:
        warnings.append(f"encoding detected as {best.encoding} (neither UTF-8 nor cp932); check the text")
        return str(best)
    text = content.decode("cp932", errors="replace")
    warnings.append(
        f"{text.count(chr(0xFFFD))} undecodable byte(s) replaced with '\ufffd' (read as cp932); "
        "ask the department to save the file as UTF-8"
    )
    return text


# --- headers, cells and the frame ----------------------------------------------------------------

_WRAPPED = re.compile(r"(\S)[ \t]*\r?\n\s*(\S)")


def clean_header(value: object) -> str:
    """A header as written, NFKC-normalized, BOM-free, with wrapped lines joined and spaces collapsed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFKC", str(value)).replace("\ufeff", "")

    def join(match: re.Match[str]) -> str:
        left, right = match.group(1), match.group(2)
        # A line break inside a Japanese header is layout, not a word boundary.
        return left + (" " if left.isascii() and right.isascii() else "") + right

    return " ".join(_WRAPPED.sub(join, text).split())


def clean_cell(value: str | None) -> str | None:
    """A cell's text, trimmed (ideographic spaces too), line ends as \\n; empty means None."""
    if value is None:
        return None
    text = value.strip().replace("\r\n", "\n").replace("\r", "\n")
    return text or None


def flatten_header(parts: Sequence[object]) -> str:
    """Join a multi-row header column 'parent_child', dropping blanks and repeats from merged cells."""
    names: list[str] = []
    for part in parts:
        name = clean_header(part)
        if name and (not names or names[-1] != name):
            names.append(name)
    return "_".join(names)


_LOST_CHARACTER = re.compile(r"\?(?=[\u3005\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f])")


def build_frame(
    header: Sequence[str],
    rows: Sequence[tuple[int, Sequence[str | None]]],
    warnings: list[str],
) -> pd.DataFrame:
    """The Extracted frame: text-or-None cells under unique header names, plus the row a person sees."""
    width = max([len(header), *(len(cells) for _, cells in rows)])
    names = [clean_header(h) for h in header] + [""] * (width - len(header))
    matrix = [[clean_cell(c) for c in cells] + [None] * (width - len(cells)) for _, cells in rows]
    keep = [i for i, name in enumerate(names) if name or any(row[i] is not None for row in matrix)]
    unnamed = [i for i in keep if not names[i]]
    if unnamed:
        where = ", ".join(str(i + 1) for i in unnamed)
        warnings.append(f"column(s) {where} have values but no header; named column_<n>")
    columns = unique_columns([names[i] or f"column_{i + 1}" for i in keep], warnings)
    frame = pd.DataFrame([[row[i] for i in keep] for row in matrix], columns=columns, dtype=object)
    frame[ROW] = pd.Series([number for number, _ in rows], dtype="int64")
    if not rows:
        warnings.append("the header has no records below it")
    _warn_lost_characters(frame, columns, warnings)
    return frame


def unique_columns(columns: list[str], warnings: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out: list[str] = []
    for name in columns:
        count = seen.get(name, 0) + 1
        seen[name] = count
        out.append(name if count == 1 else f"{name}_{count}")
    repeated = [name for name, count in seen.items() if count > 1]
    if repeated:
        warnings.append(f"header(s) {', '.join(repeated)} appear more than once; later ones suffixed _2, _3")
    return out


def _warn_lost_characters(frame: pd.DataFrame, columns: list[str], warnings: list[str]) -> None:
    """Warn where '?' sits before Japanese text: a character the sender's encoding could not hold."""
    hits: list[tuple[int, str, str]] = []
    replaced = 0
    for column in columns:
        for number, value in zip(frame[ROW], frame[column], strict=True):
            if value is None:
                continue
            if _LOST_CHARACTER.search(value):
                hits.append((int(number), column, value))
            replaced += value.count("\ufffd")
    if hits:
        number, column, value = hits[0]
        warnings.append(
            f"'?' inside Japanese text in {len(hits)} cell(s) (first: row {number}, {column}: {value!r}); "
            "characters were probably lost when the file was saved — ask the department to save as UTF-8"
        )
    if replaced:
        warnings.append(f"{replaced} '\ufffd' replacement character(s) in cells: text was lost in decoding")


# --- the date a source states about itself ------------------------------------------------------

_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "R": 2018, "H": 1988, "S": 1925}
_KANJI = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_N = r"[0-9〇一二三四五六七八九十元]{1,4}"
_DATE = re.compile(
    rf"(?P<era>令和|平成|昭和)\s*(?P<ey>{_N})\s*年\s*(?P<em>{_N})\s*月\s*(?P<ed>{_N})\s*日"
    r"|(?<![A-Za-z])(?P<abbr>[RHS])\s*(?P<ay>\d{1,2})[./](?P<am>\d{1,2})[./](?P<ad>\d{1,2})(?!\d)"
    r"|(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})(?!\d))"
)
_AS_OF_SUFFIX = re.compile(r"^\s*(?:現在|時点)")


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "元":
        return 1
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_KANJI[tens] if tens else 1) * 10 + (_KANJI[ones] if ones else 0)
    return int("".join(str(_KANJI[c]) for c in text))


def _to_date(match: re.Match[str]) -> date | None:
    groups = match.groupdict()
    try:
        if groups["era"]:
            year = _ERAS[groups["era"]] + _number(groups["ey"])
            return date(year, _number(groups["em"]), _number(groups["ed"]))
        if groups["abbr"]:
            year = _ERAS[groups["abbr"]] + int(groups["ay"])
            return date(year, int(groups["am"]), int(groups["ad"]))
        return date(int(groups["y"]), int(groups["m"] or groups["m2"]), int(groups["d"] or groups["d2"]))
    except (KeyError, ValueError):
        return None


def find_dates(text: str) -> list[tuple[date, int, int]]:
    """Every full date (和暦 or 西暦, kanji or Arabic numerals) in a text, with its start and end."""
    normalized = unicodedata.normalize("NFKC", text)
    found = []
    for match in _DATE.finditer(normalized):
        value = _to_date(match)
        if value is not None:
            found.append((value, match.start(), match.end()))
    return found


def find_as_of(text: str) -> date | None:
    """The date a title states the data is as of: one followed by 現在/時点, else the first date."""
    dates = find_dates(text)
    normalized = unicodedata.normalize("NFKC", text)
    for value, _, end in dates:
        if _AS_OF_SUFFIX.match(normalized[end:]):
            return value
    return dates[0][0] if dates else None


_UPDATED_LABEL = re.compile(r"(?:最終更新日時?|更新日時?|最終更新|更新)\s*[:：]?\s*")
_UPDATED_AFTER = re.compile(r"^\s*(?:更新|改訂)")


def find_updated(text: str) -> date | None:
    """A page's update date: '最終更新日: 2025年4月1日', '更新日 令和7年4月1日' or '2025年4月1日更新'."""
    normalized = unicodedata.normalize("NFKC", text)
    dates = find_dates(normalized)
    for label in _UPDATED_LABEL.finditer(normalized):
        for value, start, _ in dates:
            if start == label.end():
                return value
    for value, _, end in dates:
        if _UPDATED_AFTER.match(normalized[end:]):
            return value
    return None
