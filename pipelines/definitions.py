"""The Dagster code location (``dagster dev -m pipelines.definitions``), built from the environment.

$TSUNAGU_CONFIG names the departments config and $TSUNAGU_DATA_DIR the data dir; ``tsunagu ui`` sets both.
"""

from __future__ import annotations

from pipelines import settings
from pipelines.factory import build_definitions

defs = build_definitions(str(settings.config_path().resolve()), str(settings.data_dir()))
