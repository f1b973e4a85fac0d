"""The DuckDB warehouse: raw manifest, conformed snapshots, quarantine, resources with history, lineage."""

from warehouse.db import Warehouse, utc_naive

__all__ = ["Warehouse", "utc_naive"]
