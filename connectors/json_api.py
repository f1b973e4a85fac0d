"""JSON documents (APIs or files): the records at a dot path, nested objects flattened into columns."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlparse, urlunparse

from connectors.base import Extracted, Payload, Validators, build_frame, decode_text, fetch_location, parse_error
from connectors.http import HttpClient
from connectors.loading import Loader, follow, is_web, loader_for, local_root, page_payload
from tsunagu.config import JsonOptions, SourceConfig


def fetch(
    source: SourceConfig, location: str, client: HttpClient | None = None, validators: Validators | None = None
) -> Payload:
    """The first page: for page/offset paging, the location with the paging parameters of page one."""
    options = source.json_ or JsonOptions()
    if options.paginate == "none":
        return fetch_location(source, location, client, validators)
    if options.paginate in ("page", "offset") and is_web(location):
        location = page_url(location, options, 0)
    # No conditional GET: an unchanged first page says nothing about the pages after it.
    return fetch_location(source, location, client)


def parse(source: SourceConfig, payload: Payload, loader: Loader | None = None) -> Extracted:
    """One row per object at ``json.record_path`` over every page; nested keys joined with '.', lists with ';'."""
    options = source.json_ or JsonOptions()
    warnings: list[str] = []
    document = read_document(source, payload, warnings)
    records = records_at(payload, document, options.record_path)
    if options.paginate == "next_url":
        with loader_for(source, loader) as load:
            records += _follow_next(source, payload, document, options, load, warnings)
    elif options.paginate != "none":
        with loader_for(source, loader) as load:
            records += _more_pages(source, payload, options, len(records), load, warnings)
    flat: list[dict[str, str | None]] = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise parse_error(
                payload,
                f"record {index} at json.record_path {options.record_path!r} is a {type(record).__name__}, "
                "not an object; point record_path at the list of records",
            )
        flat.append(flatten(record))
    columns = list(dict.fromkeys(key for row in flat for key in row))
    rows = [(i, [row.get(key) for key in columns]) for i, row in enumerate(flat, start=1)]
    return Extracted(frame=build_frame(columns, rows, warnings), as_of=None, warnings=warnings)


def read_document(source: SourceConfig, payload: Payload, warnings: list[str]) -> Any:
    """A payload decoded and parsed as JSON; ParseError with the line and column where it is not JSON."""
    text, decoded = decode_text(payload, source.encoding)
    warnings.extend(w for w in decoded if w not in warnings)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise parse_error(
            payload, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); is the URL an API?"
        ) from None


def page_url(location: str, options: JsonOptions, index: int) -> str:
    """The URL of the index-th page (0 = the first) under page or offset paging."""
    parsed = urlparse(location)
    query = parse_qsl(parsed.query, keep_blank_values=True)
    if options.paginate == "page":
        values = {options.page_param: str(options.first_page + index)}
    else:
        values = {options.offset_param: str(index * options.page_size)}
    if options.limit_param:
        values[options.limit_param] = str(options.page_size)
    query = [(k, v) for k, v in query if k not in values] + list(values.items())
    return urlunparse(parsed._replace(query=urlencode(query)))


def _more_pages(
    source: SourceConfig, first: Payload, options: JsonOptions, count: int, load: Loader, warnings: list[str]
) -> list[Any]:
    """Records of the pages after the first, until a page is empty or shorter than json.page_size."""
    if not is_web(first.location):
        warnings.append(f"json.paginate {options.paginate!r} applies to URLs; read the local file as one page")
        return []
    more: list[Any] = []
    last, previous = count, hashlib.sha256(first.content).hexdigest()
    pages = 1
    while last >= options.page_size:  # an empty or short page is the last
        if pages >= options.max_pages:
            raise _too_many_pages(first, options)
        url = page_url(first.location, options, pages)
        page = page_payload(first, url, load(url), "json_api")
        if page.sha256 == previous:
            param = options.page_param if options.paginate == "page" else options.offset_param
            raise parse_error(
                page,
                f"page {pages + 1} is the same as page {pages}: the API ignores {param!r}; "
                "fix json.paginate and its parameters in the departments config",
            )
        found = records_at(page, read_document(source, page, warnings), options.record_path)
        more += found
        last, previous, pages = len(found), page.sha256, pages + 1
    return more


def _follow_next(
    source: SourceConfig, first: Payload, document: Any, options: JsonOptions, load: Loader, warnings: list[str]
) -> list[Any]:
    """Records of the pages reached by the URL at ``json.next_path`` of each document, until it is null."""
    root = local_root(first.location)
    page, more = first, []
    visited = [first.location]
    while True:
        href = _next_link(page, document, options.next_path)
        target = follow(page, href, root) if href else None
        if target is None:
            return more
        if target in visited:
            raise parse_error(
                page,
                f"json.next_path {options.next_path!r} leads back to {target} (a loop); the API is looping",
            )
        if len(visited) >= options.max_pages:
            raise _too_many_pages(first, options)
        page = page_payload(first, target, load(target), "json_api")
        document = read_document(source, page, warnings)
        more += records_at(page, document, options.record_path)
        visited.append(target)


def _next_link(page: Payload, document: Any, path: str) -> str | None:
    """The next page's URL at a dot path; None (the last page) when absent, null or empty."""
    current = document
    for step in [s for s in path.split(".") if s]:
        if not isinstance(current, dict) or step not in current:
            return None
        current = current[step]
    if current is None or current == "":
        return None
    if not isinstance(current, str):
        raise parse_error(
            page, f"json.next_path {path!r} holds a {type(current).__name__}, not a URL; fix it in the config"
        )
    return current


def _too_many_pages(first: Payload, options: JsonOptions) -> Exception:
    return parse_error(
        first,
        f"still more pages after json.max_pages ({options.max_pages}); the API may be looping — "
        "check json.paginate, or raise json.max_pages in the departments config",
    )


def records_at(payload: Payload, document: Any, path: str) -> list[Any]:
    """The list at a dot path ('' is the document itself); numeric steps index into lists."""
    current = document
    walked: list[str] = []
    for step in [s for s in path.split(".") if s] if path else []:
        if isinstance(current, dict) and step in current:
            current = current[step]
        elif isinstance(current, list) and step.isdigit() and int(step) < len(current):
            current = current[int(step)]
        else:
            here = ".".join(walked) or "the top level"
            keys = ", ".join(map(str, list(current)[:20])) if isinstance(current, dict) else type(current).__name__
            raise parse_error(
                payload,
                f"json.record_path {path!r}: no {step!r} at {here} (found: {keys}); the API may have "
                "changed — fix record_path in the departments config",
            )
        walked.append(step)
    if not isinstance(current, list):
        raise parse_error(
            payload,
            f"json.record_path {path or '(root)'!r} holds a {type(current).__name__}, not a list of records; "
            "fix record_path in the departments config",
        )
    return current


def flatten(record: dict[str, Any], prefix: str = "") -> dict[str, str | None]:
    """A nested object as one level: {'a': {'b': 1}} -> {'a.b': '1'}; lists of scalars joined with ';'."""
    out: dict[str, str | None] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            if all(not isinstance(item, dict | list) for item in value):
                out[name] = ";".join(t for t in (scalar_text(item) for item in value) if t) or None
            else:
                # Lists of objects have no column form that keeps them intact; keep them as JSON text.
                out[name] = json.dumps(value, ensure_ascii=False)
        else:
            out[name] = scalar_text(value)
    return out


def scalar_text(value: Any) -> str | None:
    """A JSON scalar as text: true/false as written, whole floats without '.0', null as None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
