"""The one way a current row becomes a former version: copied to its table's history with when it
was replaced and by which upload (the *_historique tables of migrations 005 and 006 are their
table's columns followed by remplacee_le and remplacee_par_depot). Used inside the caller's
transaction by data/actions.py and data/budget.py."""

from __future__ import annotations

import datetime as dt

import duckdb

from data.registre import (ACTION, ACTION_HISTORIQUE, BUDGET_HISTORIQUE, BUDGET_LIGNE, POINT_ACTION,
                           POINT_ACTION_HISTORIQUE)

HISTORIQUES = {ACTION: ACTION_HISTORIQUE, POINT_ACTION: POINT_ACTION_HISTORIQUE, BUDGET_LIGNE: BUDGET_HISTORIQUE}


def archive(con: duckdb.DuckDBPyConnection, table: str, keys: str, key_columns: tuple[str, ...],
            now: dt.datetime, depot_id: int) -> None:
    """Copy to ``table``'s history (HISTORIQUES) the current rows whose key (``key_columns``) is in
    relation ``keys``, as replaced at ``now`` by upload ``depot_id``."""
    con.execute(f"INSERT INTO {HISTORIQUES[table]} SELECT t.*, ?, ? FROM {table} t JOIN {keys} k"
                f" USING ({', '.join(key_columns)})", [now, depot_id])
