"""Where the database is, and the one configuration every connection is built from."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "data" / "reference"
MIGRATIONS_DIR = ROOT / "data" / "migrations"
DEFAULT_DB_PATH = ROOT / "data" / "lda.duckdb"
DB_ENV_VAR = "LDA_DB"

# DuckDB refuses a second connection in the same process with a different configuration, and the
# machines where this runs have no internet: every connection uses exactly this.
DUCKDB_CONFIG: dict[str, str | bool] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "memory_limit": os.environ.get("LDA_DUCKDB_MEMORY", "4GB"),
}


def resolve_db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database path: ``--db`` if given, else $LDA_DB, else data/lda.duckdb."""
    if explicit:
        return Path(explicit)
    if env := os.environ.get(DB_ENV_VAR):
        return Path(env)
    return DEFAULT_DB_PATH
