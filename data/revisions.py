"""The one way a current row becomes a former version: copied to its table's history with when it
was replaced and by what (the *_historique tables of migrations 005 and 006 are their table's
columns followed by remplacee_le and remplacee_par_depot, the upload; the envelope's by
remplacee_par, who). Used inside the caller's transaction by data/actions.py and data/budget.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb

from data.registre import (ACTION, ACTION_HISTORIQUE, BUDGET_HISTORIQUE, BUDGET_LIGNE, ENVELOPPE, ENVELOPPE_HISTORIQUE,
                           ENVELOPPE_TERRITOIRE, ENVELOPPE_TERRITOIRE_HISTORIQUE, POINT_ACTION,
                           POINT_ACTION_HISTORIQUE)

HISTORIQUES = {ACTION: ACTION_HISTORIQUE, POINT_ACTION: POINT_ACTION_HISTORIQUE, BUDGET_LIGNE: BUDGET_HISTORIQUE,
               ENVELOPPE: ENVELOPPE_HISTORIQUE, ENVELOPPE_TERRITOIRE: ENVELOPPE_TERRITOIRE_HISTORIQUE}
NOUVELLE, REVISEE, INCHANGEE = "nouvelle", "revisee", "inchangee"


def archive(con: duckdb.DuckDBPyConnection, table: str, keys: str, key_columns: tuple[str, ...],
            now: dt.datetime, replaced_by, params: Sequence = ()) -> None:
    """Copy to ``table``'s history (HISTORIQUES) the current rows whose key (``key_columns``) is in
    relation ``keys`` (with its SQL ``params``), as replaced at ``now`` by ``replaced_by`` (the
    upload's id, or who for the envelope)."""
    con.execute(f"INSERT INTO {HISTORIQUES[table]} SELECT t.*, ?, ? FROM {table} t JOIN {keys} k"
                f" USING ({', '.join(key_columns)})", [now, replaced_by, *params])


def revise_one(con: duckdb.DuckDBPyConnection, table: str, key: dict, values: dict, who: str,
               now: dt.datetime) -> str:
    """The one row of ``table`` whose key is ``key`` takes ``values`` (column -> value): inserted
    (NOUVELLE), left as it is when every value is the stored one (INCHANGEE), or revised (REVISEE:
    the former row archived as replaced by ``who``, the revision number raised), with who and when.
    Row tables written by a person rather than an upload (the AMI envelope)."""
    where = " AND ".join(f"{k} = ?" for k in key)
    current = con.execute(f"SELECT {', '.join(values)} FROM {table} WHERE {where}", list(key.values())).fetchall()
    if current and tuple(current[0]) == tuple(values.values()):
        return INCHANGEE
    if current:
        archive(con, table, f"(SELECT {', '.join(key)} FROM {table} WHERE {where})", tuple(key), now, who,
                list(key.values()))
        sets = ", ".join(f"{c} = ?" for c in values)
        con.execute(f"UPDATE {table} SET {sets}, revision = revision + 1, utilisateur = ?, enregistre_le = ? WHERE {where}",
                    [*values.values(), who, now, *key.values()])
        return REVISEE
    columns = [*key, *values, "revision", "utilisateur", "enregistre_le"]
    con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                [*key.values(), *values.values(), 1, who, now])
    return NOUVELLE
