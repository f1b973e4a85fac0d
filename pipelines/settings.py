"""Run-time settings from the environment, read in one place and only when asked (never at import)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = "config/kawagoe/departments.yaml"
DEFAULT_DATA_DIR = "data"


def config_path(explicit: str | None = None) -> Path:
    """The departments config: the option, else $TSUNAGU_CONFIG, else the bundled demo city."""
    value = explicit or os.environ.get("TSUNAGU_CONFIG")
    if value:
        return Path(value)
    local = Path(DEFAULT_CONFIG)
    return local if local.exists() else REPO_ROOT / DEFAULT_CONFIG


def data_dir(explicit: str | None = None) -> Path:
    """The data dir (warehouse, raw archive, releases): the option, else $TSUNAGU_DATA_DIR, else ./data."""
    return Path(explicit or os.environ.get("TSUNAGU_DATA_DIR") or DEFAULT_DATA_DIR).resolve()


def dagster_home(data: Path) -> Path:
    """The Dagster instance of a data dir, with the project's dagster.yaml installed in it."""
    home = data / "dagster"
    home.mkdir(parents=True, exist_ok=True)
    source = REPO_ROOT / "dagster.yaml"
    if source.exists():
        shutil.copyfile(source, home / "dagster.yaml")
    return home
