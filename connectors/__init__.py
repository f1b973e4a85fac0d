"""Extraction: fetch each source's raw payload, archive it by hash, and parse it into text rows."""

from __future__ import annotations

from connectors import csv, excel, html, inbox, json_api
from connectors.archive import RawArchive
from connectors.base import FETCHERS, PARSERS, Extracted, Payload, fetch, parse
from connectors.http import HttpClient
from connectors.inbox import NothingYet

# Keyed by source kind, and by file extension for the drop folder's files.
PARSERS.update(
    {
        "csv": csv.parse,
        "excel": excel.parse,
        "html": html.parse,
        "json_api": json_api.parse,
        "inbox": inbox.parse,
        "xlsx": excel.parse,
        "xls": excel.parse,
        "json": json_api.parse,
    }
)
FETCHERS["inbox"] = inbox.fetch

__all__ = ["PARSERS", "Extracted", "HttpClient", "NothingYet", "Payload", "RawArchive", "fetch", "parse"]
