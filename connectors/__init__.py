"""Extraction: fetch each source's raw payload, archive it by hash, and parse it into text rows."""

from __future__ import annotations

from connectors import bundle, ckan, csv, excel, html, inbox, json_api
from connectors.archive import RawArchive
from connectors.base import FETCHERS, PARSERS, Extracted, Payload, fetch, parse
from connectors.http import HttpClient
from connectors.inbox import NothingYet
from connectors.loading import Loader, page_loader

# Keyed by source kind, and by file extension for the drop folder's files.
PARSERS.update(
    {
        "csv": csv.parse,
        "excel": excel.parse,
        "html": html.parse,
        "json_api": json_api.parse,
        "ckan": ckan.parse,
        "inbox": inbox.parse,
        "xlsx": excel.parse,
        "xls": excel.parse,
        "json": json_api.parse,
        "zip": bundle.parse,
    }
)
FETCHERS.update({"inbox": inbox.fetch, "json_api": json_api.fetch, "ckan": ckan.fetch})

__all__ = [
    "PARSERS",
    "Extracted",
    "HttpClient",
    "Loader",
    "NothingYet",
    "Payload",
    "RawArchive",
    "fetch",
    "page_loader",
    "parse",
]
