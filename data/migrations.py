"""Numbered schema migrations (data/migrations/NNN_name.sql), applied in order and recorded.

A migration that stamps a time reads it from ``getvariable('maintenant_paris')``: the instant of
core.clock (Paris time, the clock of every write) set by the runner for that migration only.
DuckDB's own ``now()`` is on the server's zone, which may not be Paris's."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from data.config import MIGRATIONS_DIR
from core.clock import maintenant
from data.registre import SCHEMA_VERSION

_NAME = re.compile(r"^(\d{3})_(\w+)\.sql$")
CLOCK_VARIABLE = "maintenant_paris"  # the migrations' clock (see the module's docstring)


def available(directory: Path = MIGRATIONS_DIR) -> list[tuple[int, str, Path]]:
    """(version, name, path) of every migration file, in order."""
    found = []
    for path in sorted(directory.glob("*.sql")):
        if m := _NAME.match(path.name):
            found.append((int(m.group(1)), m.group(2), path))
    versions = [v for v, _, _ in found]
    # numbers are handed out to parallel branches ahead of their merge: a gap is allowed, a number
    # used twice is not
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"Migrations en double : {versions}")
    return found


def latest_version() -> int:
    """The version a fully migrated database has."""
    return max((v for v, _, _ in available()), default=0)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The version recorded in the database (0 for an empty one)."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
    ).fetchall()[0][0]
    if not exists:
        return 0
    return con.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA_VERSION}").fetchall()[0][0]


def migrate(con: duckdb.DuckDBPyConnection, target: int | None = None) -> list[int]:
    """Apply the missing migrations up to ``target`` (default: all), each in its own transaction."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, nom VARCHAR NOT NULL, applique_le TIMESTAMP NOT NULL)"
    )
    applied = []
    # every migration not yet recorded, a lower number included (a branch merged after a higher one)
    have = {v for (v,) in con.execute(f"SELECT version FROM {SCHEMA_VERSION}").fetchall()}
    for version, name, path in available():
        if version in have or (target is not None and version > target):
            continue
        now = maintenant()
        con.execute(f"SET VARIABLE {CLOCK_VARIABLE} = ?", [now])
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(f"INSERT INTO {SCHEMA_VERSION} VALUES (?, ?, ?)", [version, name, now])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        finally:
            con.execute(f"RESET VARIABLE {CLOCK_VARIABLE}")
        applied.append(version)
    return applied
