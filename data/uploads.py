"""Storing a validated upload: classify each value as new, revised or unchanged against the store,
keep former values in the history, audit the upload. One transaction: all of it or nothing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from data import store
from data.store import transaction
from indicators import quarters
from indicators.parametres import (
    ANCIENNETE_REVISION_TRIMESTRES,
    FACTEUR_SAUT_TRIMESTRIEL,
    PLAFOND_PROBLEMES,
    SEUIL_SAUT_TRIMESTRIEL,
)


@dataclass
class UploadMeta:
    """Who sent which file; recorded in the depot table."""

    fichier: str
    sha256: str
    utilisateur: str
    type_fichier: str | None = None
    disposition: str | None = None
    nb_lignes: int = 0


@dataclass
class Outcome:
    """What an upload did (or, in a dry run, would do)."""

    nouvelles: int = 0
    revisees: int = 0
    inchangees: int = 0
    non_renseignees: int = 0
    warnings: list[dict] = field(default_factory=list)  # {code, ligne, colonne, valeur, params}, capped
    warning_count: int = 0  # all warnings, listed or not
    depot_id: int | None = None
    territoires: list[str] = field(default_factory=list)
    data_version: int | None = None


def _insert_depot(con, meta: UploadMeta, resultat: str, outcome: Outcome, n_errors: int, problems: list[dict]) -> int:
    depot_id = con.execute("SELECT nextval('depot_id_seq')").fetchall()[0][0]
    con.execute(
        "INSERT INTO depot VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [depot_id, meta.fichier, meta.sha256, meta.type_fichier, meta.disposition, meta.utilisateur,
         dt.datetime.now(), resultat, meta.nb_lignes, outcome.nouvelles, outcome.revisees,
         outcome.inchangees, outcome.non_renseignees, n_errors, max(outcome.warning_count, len(outcome.warnings)),
         outcome.territoires, json.dumps(problems, ensure_ascii=False, default=str)],
    )
    return depot_id


def record_refused(con: duckdb.DuckDBPyConnection, meta: UploadMeta, n_errors: int, problems: list[dict]) -> int:
    """Audit a refused upload (no data is touched)."""
    with transaction(con):
        return _insert_depot(con, meta, "refuse", Outcome(), n_errors, problems)


def _classify_values(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lot_classe AS
        SELECT l.*, v.valeur AS ancienne, v.revision AS ancienne_revision,
               v.utilisateur AS ancien_utilisateur, v.enregistre_le AS ancien_le,
               CASE WHEN v.valeur IS NULL THEN 'nouvelle'
                    WHEN v.valeur = l.valeur THEN 'inchangee' ELSE 'revisee' END AS statut
        FROM lot l LEFT JOIN valeur v USING (territoire, indicateur, trimestre)
        """
    )


def _value_warnings(con: duckdb.DuckDBPyConnection, today: dt.date | None) -> tuple[list[dict], int]:
    """Quarter-on-quarter jumps and revisions of old values (never blocking): the first
    PLAFOND_PROBLEMES of each kind, and the total count."""
    oldest = quarters.shift(quarters.current(today), -ANCIENNETE_REVISION_TRIMESTRES)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE sauts AS
        WITH prec AS (
            SELECT c.ligne, c.valeur, coalesce(lp.valeur, v.valeur) AS precedent,
                   coalesce(lp.trimestre, v.trimestre) AS trimestre_precedent
            FROM lot c
            LEFT JOIN lot lp ON lp.territoire = c.territoire AND lp.indicateur = c.indicateur AND lp.ti = c.ti - 1
            LEFT JOIN valeur v ON v.territoire = c.territoire AND v.indicateur = c.indicateur
                 AND v.trimestre = c.trimestre_precedent
        )
        SELECT * FROM prec
        WHERE precedent IS NOT NULL AND greatest(valeur, precedent) >= {SEUIL_SAUT_TRIMESTRIEL}
          AND (valeur > {FACTEUR_SAUT_TRIMESTRIEL} * precedent OR valeur * {FACTEUR_SAUT_TRIMESTRIEL} < precedent)
        """
    )
    total = con.execute("SELECT count(*) FROM sauts").fetchall()[0][0]
    warnings = []
    for ligne, valeur, precedent, tprec in con.execute(
        f"SELECT * FROM sauts ORDER BY ligne LIMIT {PLAFOND_PROBLEMES}"
    ).fetchall():
        warnings.append({
            "code": "saut-trimestriel", "ligne": ligne, "valeur": _num(valeur),
            "params": {"sens": "multipliée" if valeur > precedent else "divisée",
                       "facteur": _num(FACTEUR_SAUT_TRIMESTRIEL), "precedent": _num(precedent),
                       "trimestre_precedent": tprec},
        })
    total += con.execute(
        "SELECT count(*) FROM lot_classe WHERE statut = 'revisee' AND trimestre < ?", [oldest]
    ).fetchall()[0][0]
    for ligne, trimestre, ancienne, valeur in con.execute(
        f"SELECT ligne, trimestre, ancienne, valeur FROM lot_classe WHERE statut = 'revisee' AND trimestre < ?"
        f" ORDER BY ligne LIMIT {PLAFOND_PROBLEMES}",
        [oldest],
    ).fetchall():
        warnings.append({
            "code": "revision-ancienne", "ligne": ligne, "valeur": _num(valeur),
            "params": {"trimestre": trimestre, "ancienne": _num(ancienne), "nouvelle": _num(valeur)},
        })
    return warnings, total


def _num(x: float) -> str:
    """French display of a number in messages."""
    if x is None:
        return ""
    if float(x).is_integer():
        return f"{int(x):,}".replace(",", "\u202f")
    return f"{x:,.2f}".replace(",", "\u202f").replace(".", ",")


def apply_values(
    con: duckdb.DuckDBPyConnection,
    batch: pa.Table,
    meta: UploadMeta,
    non_renseignees: int,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> Outcome:
    """Store a validated values batch (territoire, indicateur, trimestre, valeur, commentaire, source, ligne)."""
    store.register(con, "lot_arrow", batch)
    try:
        with transaction(con):
            ti = quarters.sql_index("trimestre")
            con.execute(
                f"""CREATE OR REPLACE TEMP TABLE lot AS
                SELECT *, {ti} AS ti,
                       CAST(({ti} - 1) // 4 AS VARCHAR) || '-T' || CAST(({ti} - 1) % 4 + 1 AS VARCHAR)
                           AS trimestre_precedent
                FROM lot_arrow"""
            )
            _classify_values(con)
            counts = dict(con.execute("SELECT statut, count(*) FROM lot_classe GROUP BY statut").fetchall())
            outcome = Outcome(
                nouvelles=counts.get("nouvelle", 0), revisees=counts.get("revisee", 0),
                inchangees=counts.get("inchangee", 0), non_renseignees=non_renseignees,
                territoires=[r[0] for r in con.execute("SELECT DISTINCT territoire FROM lot ORDER BY 1").fetchall()],
            )
            outcome.warnings, outcome.warning_count = _value_warnings(con, today)
            if dry_run:
                raise _DryRun(outcome)
            depot_id = _insert_depot(con, meta, "enregistre", outcome, 0, outcome.warnings)
            now = dt.datetime.now()
            con.execute(
                """
                INSERT INTO valeur_historique
                SELECT v.*, ?, ? FROM valeur v
                JOIN lot_classe l USING (territoire, indicateur, trimestre) WHERE l.statut = 'revisee'
                """,
                [now, depot_id],
            )
            con.execute(
                """
                UPDATE valeur v SET valeur = l.valeur, commentaire = l.commentaire, source = l.source,
                       revision = v.revision + 1, depot_id = ?, utilisateur = ?, enregistre_le = ?
                FROM lot_classe l
                WHERE l.statut = 'revisee' AND v.territoire = l.territoire
                  AND v.indicateur = l.indicateur AND v.trimestre = l.trimestre
                """,
                [depot_id, meta.utilisateur, now],
            )
            con.execute(
                """
                INSERT INTO valeur
                SELECT territoire, indicateur, trimestre, valeur, commentaire, source, 1, ?, ?, ?
                FROM lot_classe WHERE statut = 'nouvelle'
                """,
                [depot_id, meta.utilisateur, now],
            )
            outcome.depot_id = depot_id
    except _DryRun as dry:
        outcome = dry.outcome
    finally:
        store.unregister(con, "lot_arrow")
    return outcome


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""

    def __init__(self, outcome: Outcome):
        self.outcome = outcome
