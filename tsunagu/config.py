"""The departments config: one YAML per municipality, loaded into frozen, validated models.

A mistake fails before any work, with the YAML path of the bad key and what is allowed there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tsunagu.errors import ConfigError

SourceKind = Literal["csv", "excel", "html", "json_api", "ckan", "inbox"]
Management = Literal["database", "list", "web", "none"]
Formality = Literal["formal", "informal"]

_ID = r"^[a-z0-9][a-z0-9-]*$"
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")

# HDX data-freshness aging table: update frequency (days) -> (overdue after, delinquent after) in days.
HDX_AGING: dict[int, tuple[int, int]] = {
    1: (2, 3),
    7: (14, 21),
    14: (21, 28),
    30: (44, 60),
    90: (120, 150),
    180: (210, 240),
    365: (425, 455),
}


def duration_days(text: str) -> int:
    """Days in an ISO 8601 duration such as ``P1M`` or ``P1M14D`` (a month is 30 days, a year 365)."""
    match = _DURATION.match(text or "")
    if not match or not any(match.groups()):
        raise ValueError(f"{text!r} is not an ISO 8601 duration such as P7D, P1M, P3M or P1Y")
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    return years * 365 + months * 30 + weeks * 7 + days


def default_thresholds(cadence_days: int) -> tuple[int, int]:
    """Overdue and delinquent ages for a cadence, following HDX's aging table."""
    if cadence_days in HDX_AGING:
        return HDX_AGING[cadence_days]
    below = max((k for k in HDX_AGING if k <= cadence_days), default=1)
    overdue_gap, delinquent_gap = (v - below for v in HDX_AGING[below])
    return cadence_days + overdue_gap, cadence_days + delinquent_gap


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Duration = Annotated[str, Field(pattern=_DURATION.pattern)]


class Municipality(_Model):
    """The municipality publishing the data."""

    code: str = Field(pattern=r"^\d{6}$", description="6-digit 全国地方公共団体コード, e.g. 112011")
    name: str
    prefecture: str

    @field_validator("code")
    @classmethod
    def _check_digit(cls, code: str) -> str:
        digits = [int(c) for c in code[:5]]
        total = sum(d * w for d, w in zip(digits, (6, 5, 4, 3, 2), strict=True))
        expected = (11 - total % 11) % 10 if total % 11 else 0
        if int(code[5]) != expected:
            raise ValueError(f"check digit of {code} should be {expected} (全国地方公共団体コード)")
        return code


class ExcelOptions(_Model):
    """Where the table sits in a workbook; found automatically when left out."""

    sheet: str | int | None = None
    header_row: int | None = Field(default=None, ge=1, description="1-based row of the (last) header row")
    header_rows: int = Field(default=1, ge=1, le=3, description="rows the header spans (merged cells)")


class DetailOptions(_Model):
    """Fields that live on each record's detail page, reached by a link in its row or block."""

    link: str = Field(description="CSS selector of the link inside the row/block, e.g. 'a@href'")
    fields: dict[str, str] = Field(min_length=1, description="column name -> CSS selector on the detail page")


class HtmlOptions(_Model):
    """Declarative extraction from a web page: a table, or repeated blocks with CSS selectors per field."""

    mode: Literal["table", "blocks"]
    table: str = Field(default="table", description="CSS selector of the table (mode: table)")
    block: str | None = Field(default=None, description="CSS selector of one record's block (mode: blocks)")
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="column name -> CSS selector inside the block; 'sel@attr' takes an attribute",
    )
    as_of: str | None = Field(default=None, description="CSS selector of the page's 更新日 text")
    next: str | None = Field(default=None, description="CSS selector of the next-page link (pagination)")
    max_pages: int = Field(default=50, ge=1, description="stop following next links after this many pages")
    detail: DetailOptions | None = Field(default=None, description="fields read from each record's own page")

    @model_validator(mode="after")
    def _blocks_need_selectors(self) -> HtmlOptions:
        if self.mode == "blocks" and (not self.block or not self.fields):
            raise ValueError("mode 'blocks' needs 'block' (CSS selector) and 'fields' (name -> selector)")
        return self


class JsonOptions(_Model):
    """Where the records sit in a JSON document."""

    record_path: str = Field(default="", description="dot path to the list of records, '' for the root")
    paginate: Literal["none", "page", "offset", "next_url"] = "none"
    page_param: str = Field(default="page", description="query parameter of the page number (paginate: page)")
    first_page: int = Field(default=1, ge=0)
    offset_param: str = Field(default="offset", description="query parameter of the offset (paginate: offset)")
    limit_param: str | None = Field(default="limit", description="query parameter of the page size, if any")
    page_size: int = Field(default=100, ge=1, le=10_000)
    next_path: str = Field(default="next", description="dot path to the next page's URL (paginate: next_url)")
    max_pages: int = Field(default=1000, ge=1)


class CkanOptions(_Model):
    """A dataset on a CKAN portal: location is the portal's base URL."""

    dataset: str = Field(min_length=1, description="the package name or id (package_show?id=...)")
    resource: str | None = Field(default=None, description="resource name or id; else the first CSV resource")
    datastore: bool = Field(default=False, description="read rows with datastore_search paging, not the file")
    page_size: int = Field(default=1000, ge=1, le=32_000)


class InboxOptions(_Model):
    """What happens to files departments drop into the folder."""

    patterns: tuple[str, ...] = ("*.csv", "*.xlsx", "*.xls", "*.json", "*.zip")


class SourceConfig(_Model):
    """One list, page or registry that a department keeps."""

    id: str = Field(pattern=_ID)
    kind: SourceKind
    location: str = Field(
        min_length=1,
        description="path (relative to base_dir) or http(s) URL; for an inbox its folder under inbox_dir "
        "(default: the source id)",
    )
    encoding: str = "auto"
    cadence: Duration
    overdue_after: Duration | None = None
    delinquent_after: Duration | None = None
    resource_type: str
    field: tuple[str, ...]
    formality: Formality = "formal"
    publish: bool = Field(default=True, description="掲載希望: the department consents to publication")
    private_contacts: bool = Field(
        default=False,
        description="contacts belong to private persons: publish them only where the row consents",
    )
    columns: dict[str, str | tuple[str, ...]] = Field(default_factory=dict)
    constants: dict[str, str] = Field(default_factory=dict)
    excel: ExcelOptions | None = None
    html: HtmlOptions | None = None
    json_: JsonOptions | None = Field(default=None, alias="json")
    ckan: CkanOptions | None = None
    inbox: InboxOptions | None = None
    zip_members: str = Field(default="*.csv", description="glob of the files to read inside a ZIP bundle")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _inbox_folder_defaults_to_id(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("kind") == "inbox" and not data.get("location") and data.get("id"):
            return {**data, "location": data["id"]}
        return data

    @field_validator("field", mode="before")
    @classmethod
    def _field_list(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _kind_options(self) -> SourceConfig:
        if self.kind == "html" and self.html is None:
            raise ValueError("kind 'html' needs an 'html' block (mode: table | blocks)")
        if self.kind == "ckan" and (self.ckan is None or not self.is_url):
            raise ValueError("kind 'ckan' needs a 'ckan' block (dataset: ...) and the portal's URL as location")
        cadence, overdue, delinquent = self.thresholds_days
        if not cadence < overdue < delinquent:
            raise ValueError(
                f"need cadence < overdue_after < delinquent_after, got {cadence} < {overdue} < {delinquent} days"
            )
        return self

    @property
    def cadence_days(self) -> int:
        """Expected update interval in days."""
        return duration_days(self.cadence)

    @property
    def thresholds_days(self) -> tuple[int, int, int]:
        """(cadence, overdue_after, delinquent_after) in days, HDX defaults where not given."""
        cadence = duration_days(self.cadence)
        default_overdue, default_delinquent = default_thresholds(cadence)
        overdue = duration_days(self.overdue_after) if self.overdue_after else default_overdue
        delinquent = duration_days(self.delinquent_after) if self.delinquent_after else default_delinquent
        return cadence, overdue, delinquent

    @property
    def is_url(self) -> bool:
        """Whether the location is fetched over HTTP."""
        return self.location.startswith(("http://", "https://"))


class Department(_Model):
    """A city department and the sources it keeps."""

    id: str = Field(pattern=_ID)
    name: str
    contact_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    management: Management = "list"
    sources: tuple[SourceConfig, ...] = Field(min_length=1)


class HttpSettings(_Model):
    """How politely and patiently sources on the web are fetched."""

    connect_timeout: float = Field(default=10.0, gt=0, description="seconds to wait for a connection")
    read_timeout: float = Field(default=60.0, gt=0, description="seconds to wait for data")
    retries: int = Field(default=3, ge=0, le=10, description="retries on connection errors, 429 and 5xx")
    backoff: float = Field(default=1.0, ge=0, description="first retry delay in seconds, doubled each time")
    max_bytes: int = Field(default=100 * 1024 * 1024, ge=1024, description="refuse larger responses")
    max_redirects: int = Field(default=5, ge=0, le=20)
    per_host_interval: float = Field(default=1.0, ge=0, description="seconds between requests to one host")
    respect_robots: bool = Field(default=True, description="obey robots.txt for the User-Agent")


class CityConfig(_Model):
    """A municipality's whole departments config."""

    municipality: Municipality
    base_dir: str = Field(default=".", description="folder that relative source locations start from")
    staff_email: str = Field(default="", description="the data team, copied on escalations")
    timezone: str = "Asia/Tokyo"
    http: HttpSettings = Field(default_factory=HttpSettings)
    inbox_dir: str | None = Field(
        default=None,
        description="drop folders live here (relative to this file); default <data-dir>/inbox",
    )
    districts: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="district (地区) -> town names it holds"
    )
    departments: tuple[Department, ...] = Field(min_length=1)
    config_path: Path | None = Field(default=None, exclude=True)

    @model_validator(mode="after")
    def _unique_ids(self) -> CityConfig:
        seen: set[str] = set()
        for dept in self.departments:
            for source in dept.sources:
                if source.id in seen:
                    raise ValueError(f"source id {source.id!r} is used twice; source ids must be unique")
                seen.add(source.id)
        return self

    def sources(self) -> list[tuple[Department, SourceConfig]]:
        """Every (department, source) pair in config order."""
        return [(dept, source) for dept in self.departments for source in dept.sources]

    def source(self, source_id: str) -> tuple[Department, SourceConfig]:
        """The department and source with this id."""
        for dept, source in self.sources():
            if source.id == source_id:
                return dept, source
        known = ", ".join(s.id for _, s in self.sources())
        raise ConfigError(f"no source {source_id!r} in the config; known sources: {known}")

    def resolve(self, location: str) -> str:
        """A source location as an absolute path (relative ones start at base_dir) or the URL as is."""
        if location.startswith(("http://", "https://")):
            return location
        path = Path(location)
        if not path.is_absolute():
            root = self.config_path.parent if self.config_path else Path.cwd()
            path = (root / self.base_dir / path).resolve()
        return str(path)


def _yaml_path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    """The keys allowed at the parent of ``loc``, walking the model tree."""
    current: Any = model
    for item in loc[:-1]:
        if isinstance(item, int) or current is None:
            continue
        fields = getattr(current, "model_fields", {})
        info = fields.get(item) or next((f for f in fields.values() if f.alias == item), None)
        if info is None:
            return ""
        current = _model_of(info.annotation)
    fields = getattr(current, "model_fields", {})
    return ", ".join(info.alias or name for name, info in fields.items() if name != "config_path")


def _model_of(annotation: Any) -> Any:
    """The pydantic model inside an annotation such as ``tuple[Department, ...]`` or ``X | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        inner = _model_of(arg)
        if inner is not None:
            return inner
    return None


def parse_config(data: Any, *, path: Path | None = None) -> CityConfig:
    """Validate a parsed YAML document; raise ConfigError naming every bad key's YAML path."""
    where = str(path) if path else "config"
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping with 'municipality' and 'departments' at the top")
    try:
        config = CityConfig.model_validate({**data, "config_path": path})
    except ValidationError as exc:
        errors = exc.errors()
        locs = [tuple(err["loc"]) for err in errors]
        lines = []
        for err, loc in zip(errors, locs, strict=True):
            if err["type"] == "too_short" and any(o[: len(loc)] == loc and o != loc for o in locs):
                continue  # a consequence of a more specific error below it
            message = err["msg"]
            if err["type"] == "extra_forbidden":
                message = f"unknown key; allowed here: {_allowed_keys(CityConfig, loc)}"
            elif err["type"] == "missing":
                message = "required key is missing"
            lines.append(f"  {_yaml_path(loc)}: {message}")
        raise ConfigError(f"{where} has {len(lines)} problem(s):\n" + "\n".join(lines)) from None
    return config


def load_config(path: str | Path) -> CityConfig:
    """Read and validate a departments YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the departments config {path}: {exc.strerror}") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from None
    return parse_config(data, path=path.resolve())
