"""Datasets on a CKAN portal: package_show is the archived payload; rows come from its CSV or the DataStore."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any
from urllib.parse import urlencode, urljoin

from connectors import csv
from connectors.base import (
    Extracted,
    Payload,
    Validators,
    build_frame,
    decode_text,
    fetch_location,
    parse_error,
)
from connectors.http import HttpClient
from connectors.json_api import scalar_text
from connectors.loading import Loader, is_web, loader_for, page_payload
from tsunagu.config import CkanOptions, SourceConfig
from tsunagu.errors import FetchError

ACTION = "api/3/action/"
CSV_FORMATS = frozenset({"csv", ".csv", "text/csv"})


def action_url(base: str, action: str, **params: str | int) -> str:
    """The URL of a CKAN API action under a portal's base URL."""
    root = base if base.endswith("/") else f"{base}/"
    return f"{urljoin(root, ACTION + action)}?{urlencode(params)}"


def portal_base(location: str) -> str:
    """The portal's base URL, from itself or from an API URL under it."""
    head, found, _ = location.partition(ACTION)
    return head if found else location


def fetch(
    source: SourceConfig, location: str, client: HttpClient | None = None, validators: Validators | None = None
) -> Payload:
    """The dataset's package_show document (archived as the source's payload)."""
    dataset = _options(source).dataset
    url = action_url(portal_base(location), "package_show", id=dataset)
    try:
        return fetch_location(source, url, client)
    except FetchError as exc:
        raise FetchError(
            source.id,
            f"cannot read dataset {dataset!r} from the CKAN portal ({exc}); check ckan.dataset and the portal URL",
            location=url,
        ) from None


def parse(source: SourceConfig, payload: Payload, loader: Loader | None = None) -> Extracted:
    """Rows of the dataset's chosen resource: its CSV file, or its DataStore table page by page."""
    options = _options(source)
    warnings: list[str] = []
    package = _result(payload, _document(payload, warnings), f"package_show of dataset {options.dataset!r}")
    resource = pick_resource(payload, package, options)
    stated = _date(resource.get("last_modified")) or _date(resource.get("created"))
    with loader_for(source, loader) as load:
        if options.datastore:
            extracted = _datastore(payload, options, resource, load, warnings)
        else:
            extracted = _download(source, payload, options, resource, load)
            extracted.warnings[:0] = warnings
    extracted.as_of = extracted.as_of or stated
    return extracted


def pick_resource(payload: Payload, package: dict[str, Any], options: CkanOptions) -> dict[str, Any]:
    """The resource named or id'd in ckan.resource, else the first CSV; ParseError listing what is there."""
    resources = [r for r in package.get("resources") or [] if isinstance(r, dict)]
    if options.resource is not None:
        wanted = options.resource.strip()
        for resource in resources:
            if wanted in (resource.get("id"), resource.get("name")):
                return resource
        problem = f"has no resource named or with id {wanted!r}"
    else:
        for resource in resources:
            if str(resource.get("format") or "").strip().lower() in CSV_FORMATS:
                return resource
        problem = "has no CSV resource"
    listed = "; ".join(f"{r.get('name') or r.get('id')} ({r.get('format') or 'no format'})" for r in resources)
    raise parse_error(
        payload,
        f"CKAN dataset {options.dataset!r} {problem} (resources: {listed or 'none'}); "
        "set ckan.resource in the departments config, or ask the portal to publish a CSV",
    )


def _download(
    source: SourceConfig, payload: Payload, options: CkanOptions, resource: dict[str, Any], load: Loader
) -> Extracted:
    url = str(resource.get("url") or "").strip()
    if not url:
        raise parse_error(payload, f"CKAN dataset {options.dataset!r}: resource {resource.get('name')!r} has no url")
    url = urljoin(payload.location, url)
    if not is_web(url):
        raise parse_error(payload, f"CKAN resource url {url!r} is not an http(s) URL; refused")
    return csv.parse(source, page_payload(payload, url, load(url), "csv"))


def _datastore(
    payload: Payload,
    options: CkanOptions,
    resource: dict[str, Any],
    load: Loader,
    warnings: list[str],
) -> Extracted:
    """Rows from datastore_search, page_size at a time, until the stated total is read."""
    resource_id = str(resource.get("id") or "")
    if resource.get("datastore_active") is False:
        raise parse_error(
            payload,
            f"resource {resource.get('name') or resource_id!r} of dataset {options.dataset!r} is not in the "
            "DataStore; set ckan.datastore: false to read its file",
        )
    base = portal_base(payload.location)
    columns: list[str] = []
    records: list[dict[str, Any]] = []
    total: int | None = None
    while total is None or len(records) < total:
        url = action_url(
            base, "datastore_search", resource_id=resource_id, limit=options.page_size, offset=len(records)
        )
        page = page_payload(payload, url, load(url), "ckan")
        result = _result(page, _document(page, warnings), f"datastore_search of dataset {options.dataset!r}")
        if total is None:
            total = int(result.get("total") or 0)
            columns = [str(f["id"]) for f in result.get("fields") or [] if isinstance(f, dict) and f.get("id") != "_id"]
        found = [r for r in result.get("records") or [] if isinstance(r, dict)]
        if not found:
            if len(records) < total:
                warnings.append(f"the DataStore said {total} rows but gave {len(records)}; read what it gave")
            break
        records += found
    rows = [(i, [_cell(record.get(column)) for column in columns]) for i, record in enumerate(records, start=1)]
    return Extracted(frame=build_frame(columns, rows, warnings), warnings=warnings)


def _cell(value: Any) -> str | None:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return scalar_text(value)


def _options(source: SourceConfig) -> CkanOptions:
    if source.ckan is None:
        raise ValueError(f"source {source.id} of kind ckan has no ckan block")
    return source.ckan


def _document(payload: Payload, warnings: list[str]) -> Any:
    text, decoded = decode_text(payload, "auto")
    warnings.extend(w for w in decoded if w not in warnings)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise parse_error(payload, f"the CKAN API did not answer JSON ({exc.msg}); is the portal URL right?") from None


def _result(payload: Payload, document: Any, what: str) -> dict[str, Any]:
    """The result of a CKAN action; ParseError with CKAN's own message when success is false."""
    if (
        not isinstance(document, dict)
        or document.get("success") is not True
        or not isinstance(document.get("result"), dict)
    ):
        error = document.get("error") if isinstance(document, dict) else None
        message = error.get("message") if isinstance(error, dict) else error
        raise parse_error(
            payload,
            f"CKAN {what} failed ({message or 'no success in the answer'}); check ckan.dataset and the portal URL",
        )
    return document["result"]


def _date(value: Any) -> date | None:
    """A CKAN timestamp ('2025-04-01T09:00:00.123456') as a date."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
