"""Small in-memory databases for the indicator engine's unit tests.

The relations carry the store's own schema (data/migrations/001_schema_initial.sql) and the real
indicator catalogue, so a test exercises the very column names and types the engine meets in
production; each test then inserts the handful of rows it reasons about.
"""

from __future__ import annotations

import datetime as dt
import itertools

import duckdb

from data.config import MIGRATIONS_DIR
from data.reference import load_indicators

SCHEMA_SQL = (MIGRATIONS_DIR / "001_schema_initial.sql").read_text(encoding="utf-8")
NOW = dt.datetime(2026, 11, 1, 12, 0)
USER = "test"

_ids = itertools.count(1)


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the store's tables and the indicator catalogue."""
    con = duckdb.connect()
    con.execute(SCHEMA_SQL)
    load_indicators(con)
    return con


def add_territory(con, code: str, *, population: int | None = 100_000, actif: bool = True,
                  nom: str | None = None, type_: str = "epci", vague: str = "AMI 1") -> None:
    """Register a programme territory."""
    con.execute(
        "INSERT INTO territoire VALUES (?, ?, ?, ?, [], [], [], ?, ?, 1, NULL, ?, ?)",
        [code, nom or f"Territoire {code}", type_, vague, population, actif, USER, NOW],
    )


def add_roadmap(con, territoire: str, debut: str, fin: str, targets: dict, *, feuille_id: int | None = None) -> int:
    """A roadmap with its current targets: ``targets`` maps an indicator to (valeur_base, cible,
    jalon_an1) or (valeur_base, cible)."""
    fid = feuille_id or next(_ids) + 1000
    con.execute("INSERT INTO feuille_de_route VALUES (?, ?, ?, ?, NULL, ?, ?)", [fid, territoire, debut, fin, USER, NOW])
    for indicateur, spec in targets.items():
        base, cible, jalon = (tuple(spec) + (None,))[:3]
        con.execute(
            "INSERT INTO cible VALUES (?, ?, ?, NULL, ?, ?, 1, NULL, ?, ?)",
            [fid, indicateur, base, cible, jalon, USER, NOW],
        )
    return fid


def add_values(con, territoire: str, indicateur: str, values: dict[str, float], *,
               depot_id: int | None = None, enregistre_le: dt.datetime = NOW) -> None:
    """Current values of one base indicator: ``values`` maps a quarter to its value."""
    for trimestre, valeur in values.items():
        con.execute(
            "INSERT INTO valeur VALUES (?, ?, ?, ?, NULL, NULL, 1, ?, ?, ?)",
            [territoire, indicateur, trimestre, valeur, depot_id, USER, enregistre_le],
        )


def add_former_value(con, territoire: str, indicateur: str, trimestre: str, valeur: float, *,
                     depot_id: int | None, enregistre_le: dt.datetime, remplacee_le: dt.datetime) -> None:
    """A former (revised) version of a value, as the store keeps it in valeur_historique."""
    con.execute(
        "INSERT INTO valeur_historique VALUES (?, ?, ?, ?, NULL, NULL, 1, ?, ?, ?, ?, NULL)",
        [territoire, indicateur, trimestre, valeur, depot_id, USER, enregistre_le, remplacee_le],
    )


def add_depot(con, depot_id: int, recu_le: dt.datetime, resultat: str = "enregistre") -> None:
    """An upload of the audit table."""
    con.execute(
        "INSERT INTO depot VALUES (?, 'f.csv', 'x', 'valeurs', NULL, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, [], NULL)",
        [depot_id, USER, recu_le, resultat],
    )


def row(frame, **keys) -> dict:
    """The only row of ``frame`` matching ``keys``, as a dict (fails loudly otherwise)."""
    mask = None
    for column, value in keys.items():
        cond = frame[column] == value
        mask = cond if mask is None else mask & cond
    found = frame[mask]
    assert len(found) == 1, f"{len(found)} lignes pour {keys}"
    return found.iloc[0].to_dict()
