"""Storing validated roadmap rows: new roadmaps (renewals) created, targets revised with history."""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from data import store
from core.clock import maintenant
from data.registre import CIBLE, CIBLE_HISTORIQUE, DEPOT, ENREGISTRE, FEUILLE_DE_ROUTE
from data.store import transaction
from data.uploads import Outcome, UploadMeta, DryRun, insert_depot

if TYPE_CHECKING:  # for annotations only: the command line does not pay this import
    import pyarrow as pa


def apply_roadmap(
    con: duckdb.DuckDBPyConnection, batch: pa.Table, meta: UploadMeta, *, dry_run: bool = False
) -> Outcome:
    """Store roadmap rows (territoire, indicateur, debut, fin, valeur_base, periode_base, cible, jalon_an1, ligne)."""
    store.register(con, "lot_arrow", batch)
    try:
        with transaction(con):
            now = maintenant()
            con.execute("CREATE OR REPLACE TEMP TABLE lot AS SELECT * FROM lot_arrow")
            con.execute(
                f"""
                CREATE OR REPLACE TEMP TABLE lot_classe AS
                SELECT l.*, f.id AS feuille_id,
                       CASE WHEN c.cible IS NULL THEN 'nouvelle'
                            WHEN (c.valeur_base, c.periode_base, c.cible, c.jalon_an1)
                                 IS NOT DISTINCT FROM (l.valeur_base, l.periode_base, l.cible, l.jalon_an1)
                            THEN 'inchangee' ELSE 'revisee' END AS statut
                FROM lot l
                LEFT JOIN {FEUILLE_DE_ROUTE} f ON (f.territoire, f.debut, f.fin) = (l.territoire, l.debut, l.fin)
                LEFT JOIN {CIBLE} c ON c.feuille_id = f.id AND c.indicateur = l.indicateur
                """
            )
            counts = dict(con.execute("SELECT statut, count(*) FROM lot_classe GROUP BY 1").fetchall())
            outcome = Outcome(
                nouvelles=counts.get("nouvelle", 0), revisees=counts.get("revisee", 0),
                inchangees=counts.get("inchangee", 0),
                territoires=[r[0] for r in con.execute("SELECT DISTINCT territoire FROM lot ORDER BY 1").fetchall()],
            )
            if dry_run:
                raise DryRun(outcome)
            depot_id = insert_depot(con, meta, ENREGISTRE, outcome, 0, [])
            con.execute(
                f"""
                INSERT INTO {FEUILLE_DE_ROUTE}
                SELECT nextval('feuille_id_seq'), territoire, debut, fin, ?, ?, ?
                FROM (SELECT DISTINCT territoire, debut, fin FROM lot_classe WHERE feuille_id IS NULL)
                """,
                [depot_id, meta.utilisateur, now],
            )
            con.execute(
                f"""
                UPDATE lot_classe l SET feuille_id = f.id FROM {FEUILLE_DE_ROUTE} f
                WHERE l.feuille_id IS NULL AND (f.territoire, f.debut, f.fin) = (l.territoire, l.debut, l.fin)
                """
            )
            con.execute(
                f"""
                INSERT INTO {CIBLE_HISTORIQUE}
                SELECT c.*, ?, ? FROM {CIBLE} c JOIN lot_classe l ON l.feuille_id = c.feuille_id
                 AND l.indicateur = c.indicateur WHERE l.statut = 'revisee'
                """,
                [now, depot_id],
            )
            con.execute(
                f"""
                UPDATE {CIBLE} c SET valeur_base = l.valeur_base, periode_base = l.periode_base, cible = l.cible,
                       jalon_an1 = l.jalon_an1, revision = c.revision + 1, depot_id = ?, utilisateur = ?,
                       enregistre_le = ?
                FROM lot_classe l WHERE l.statut = 'revisee' AND l.feuille_id = c.feuille_id AND l.indicateur = c.indicateur
                """,
                [depot_id, meta.utilisateur, now],
            )
            con.execute(
                f"""
                INSERT INTO {CIBLE}
                SELECT feuille_id, indicateur, valeur_base, periode_base, cible, jalon_an1, 1, ?, ?, ?
                FROM lot_classe WHERE statut = 'nouvelle'
                """,
                [depot_id, meta.utilisateur, now],
            )
            outcome.depot_id = depot_id
    except DryRun as dry:
        outcome = dry.outcome
    finally:
        store.unregister(con, "lot_arrow")
    return outcome


def apply_territories(
    con: duckdb.DuckDBPyConnection, batch: pa.Table, meta: UploadMeta, *, dry_run: bool = False
) -> Outcome:
    """Insert or update territories (never deletes); former versions kept in territoire_historique."""
    from data.reference import upsert_territories

    store.register(con, "lot_arrow", batch)
    try:
        with transaction(con):
            con.execute("CREATE OR REPLACE TEMP TABLE lot_territoire AS SELECT * EXCLUDE (ligne) FROM lot_arrow")
            outcome = Outcome(territoires=[r[0] for r in con.execute("SELECT code FROM lot_territoire ORDER BY 1").fetchall()])
            depot_id = insert_depot(con, meta, ENREGISTRE, outcome, 0, [])
            counts = upsert_territories(con, "lot_territoire", meta.utilisateur, depot_id)
            outcome.nouvelles, outcome.revisees, outcome.inchangees = (
                counts["nouvelles"], counts["revisees"], counts["inchangees"])
            con.execute(
                f"UPDATE {DEPOT} SET nb_nouvelles = ?, nb_revisees = ?, nb_inchangees = ? WHERE id = ?",
                [outcome.nouvelles, outcome.revisees, outcome.inchangees, depot_id],
            )
            if dry_run:
                raise DryRun(outcome)
            outcome.depot_id = depot_id
    except DryRun as dry:
        outcome = dry.outcome
    finally:
        store.unregister(con, "lot_arrow")
    return outcome
