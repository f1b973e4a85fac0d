"""JSON documents (APIs or files): the records at a dot path, nested objects flattened into columns."""

from __future__ import annotations

import json
from typing import Any

from connectors.base import Extracted, Payload, build_frame, decode_text, parse_error
from tsunagu.config import JsonOptions, SourceConfig


def parse(source: SourceConfig, payload: Payload) -> Extracted:
    """One row per object at ``json.record_path``; nested keys joined with '.', scalar lists with ';'."""
    path = (source.json_ or JsonOptions()).record_path
    text, warnings = decode_text(payload, source.encoding)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise parse_error(
            payload, f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); is the URL an API?"
        ) from None
    records = records_at(payload, document, path)
    flat: list[dict[str, str | None]] = []
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise parse_error(
                payload,
                f"record {index} at json.record_path {path!r} is a {type(record).__name__}, not an object; "
                "point record_path at the list of records",
            )
        flat.append(flatten(record))
    columns = list(dict.fromkeys(key for row in flat for key in row))
    rows = [(i, [row.get(key) for key in columns]) for i, row in enumerate(flat, start=1)]
    return Extracted(frame=build_frame(columns, rows, warnings), as_of=None, warnings=warnings)


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
