"""The Dagster resource that hands each asset the run's config, data dir and clock."""

from datetime import UTC, datetime

import dagster as dg

from pipelines import progress
from pipelines.steps import RunContext, make_context
from tsunagu.config import CityConfig, load_config


def parse_as_of(text: str | None) -> datetime | None:
    """``--as-of`` as an aware datetime: a date means its start in UTC, a datetime is taken as given."""
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_reparse(items: list[str]) -> dict[str, str | None]:
    """``SOURCE_ID`` or ``SOURCE_ID:SHA256-PREFIX`` items as source id -> snapshot prefix (None = newest)."""
    out: dict[str, str | None] = {}
    for item in items:
        source_id, _, prefix = item.partition(":")
        out[source_id] = prefix or None
    return out


class TsunaguResource(dg.ConfigurableResource):
    """Where the departments config and the data dir are, and the run's as-of time ('' = now)."""

    config_path: str
    data_dir: str
    as_of: str = ""
    reparse: list[str] = []  # noqa: RUF012 — pydantic copies field defaults; Dagster config needs a list

    def city(self) -> CityConfig:
        """The validated departments config."""
        return load_config(self.config_path)

    def run_context(self, run_id: str) -> RunContext:
        """A RunContext for one Dagster run."""
        ctx = make_context(self.city(), self.data_dir, as_of=parse_as_of(self.as_of), report=progress.report)
        ctx.run_id = run_id
        ctx.reparse = parse_reparse(self.reparse)
        return ctx
