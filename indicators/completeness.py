"""Completeness and timeliness of reporting, per territory and quarter (methodologie.md,
"Completeness"):
- expected: the base indicators of the roadmap that applies at the quarter (same choice as the
  progress: the window containing it, else the latest started before it) that carry a target, or
  that are components of a derived indicator carrying one; nothing is expected before a roadmap
  starts;
- reported: those of the expected with a current value for the quarter;
- taux_completude = 100 x reported / expected;
- timeliness: days between the quarter's end and the first arrival of any value of the territory
  for that quarter. A revised value keeps its former versions in valeur_historique, so the first
  arrival is the earliest over valeur and valeur_historique; an arrival is dated by its upload
  (depot.recu_le), or by the row's own enregistre_le when no upload is linked.
"""

from __future__ import annotations

import pandas as pd

from data import engine_reads
from indicators import derived, picture, picture_national, progress
from core import quarters

VALEUR_HISTORIQUE = "valeur_historique"
DEPOT = "depot"

COLUMNS = [
    "territoire", "nom", "trimestre", "attendus", "renseignes", "taux_completude",
    "premiere_arrivee", "delai_jours",
]


def completeness_sql() -> str:
    """SQL of completeness per territory x quarter of $quarters, the range from $first to $last
    (territories of $territoires, or every active one when NULL)."""
    refs = "(SELECT unnest($quarters::VARCHAR[]) AS reference)"
    # Each territory x quarter of the output gets an integer id (w), each indicator one too (iid):
    # counting and joining on them is much cheaper than on text codes.
    return f"""
    WITH terr AS (
        SELECT code AS territoire, nom FROM {progress.TERRITOIRE} t
        WHERE {engine_reads.territories_filter_sql('t.code')}
    ),
    -- a roadmap that has not started yet expects nothing
    fdr AS (
        SELECT * FROM ({engine_reads.applicable_roadmaps_sql(refs, 'f.territoire IN (SELECT territoire FROM terr)')})
        WHERE debut <= reference
    ),
    grille AS (
        SELECT row_number() OVER (ORDER BY t.territoire, r.reference) AS w, t.territoire, t.nom,
               r.reference, f.feuille_id
        FROM terr t CROSS JOIN {refs} r
        LEFT JOIN fdr f ON f.territoire = t.territoire AND f.reference = r.reference
    ),
    ids AS (SELECT code, row_number() OVER () AS iid FROM {derived.INDICATEUR}),
    -- expected per roadmap: the base indicators it targets or that feed a derived one it targets
    attendus AS (
        SELECT DISTINCT c.feuille_id, b.iid
        FROM {progress.CIBLE} c
        JOIN ({derived.components_sql()}) cm ON cm.indicateur = c.indicateur
        JOIN ids b ON b.code = cm.composante
        WHERE c.feuille_id IN (SELECT feuille_id FROM fdr)
    ),
    nb_attendus AS (SELECT feuille_id, count(*) AS attendus FROM attendus GROUP BY feuille_id),
    courantes AS (
        SELECT g.w, g.feuille_id, v.indicateur, v.valeur, v.depot_id, v.enregistre_le
        FROM {derived.VALEUR} v
        JOIN grille g ON g.territoire = v.territoire AND g.reference = v.trimestre
        -- $first and $last bound $quarters: a constant filter the scan applies at once
        WHERE v.trimestre >= $first AND v.trimestre <= $last
    ),
    -- reported: the expected with a value for the quarter (keys are unique in valeur)
    renseignes AS (
        SELECT x.w, count(x.valeur) AS renseignes
        FROM courantes x
        JOIN ids i ON i.code = x.indicateur
        SEMI JOIN attendus a ON a.feuille_id = x.feuille_id AND a.iid = i.iid
        GROUP BY x.w
    ),
    versions AS (
        SELECT w, depot_id, enregistre_le FROM courantes
        UNION ALL
        SELECT g.w, h.depot_id, h.enregistre_le
        FROM {VALEUR_HISTORIQUE} h JOIN grille g ON g.territoire = h.territoire AND g.reference = h.trimestre
        WHERE h.trimestre >= $first AND h.trimestre <= $last
    ),
    arrivees AS ({engine_reads.first_arrivals_sql('versions', 'w')})
    SELECT g.territoire, g.nom, g.reference AS trimestre,
           coalesce(n.attendus, 0) AS attendus,
           CASE WHEN n.attendus IS NULL THEN 0 ELSE coalesce(r.renseignes, 0) END AS renseignes,
           100 * CASE WHEN n.attendus IS NOT NULL THEN coalesce(r.renseignes, 0) END
               / nullif(n.attendus, 0) AS taux_completude,
           a.premiere_arrivee,
           date_diff('day', {quarters.sql_end_date('g.reference')}, a.premiere_arrivee::DATE) AS delai_jours
    FROM grille g
    LEFT JOIN nb_attendus n ON n.feuille_id = g.feuille_id
    LEFT JOIN renseignes r ON r.w = g.w
    LEFT JOIN arrivees a ON a.w = g.w
    ORDER BY g.w
    """


def _run(con, references: list[str], territoires: list[str] | None) -> pd.DataFrame:
    params = {"quarters": references, "first": references[0], "last": references[-1],
              "territoires": None if territoires is None else list(territoires)}
    return derived.fetch(con, completeness_sql(), params)


def completeness(con, at: str | None = None, territoires: list[str] | None = None) -> pd.DataFrame:
    """Per territory (default: every active one) at quarter ``at`` (default: the last complete
    quarter): attendus, renseignes, taux_completude (empty when nothing is expected),
    premiere_arrivee and delai_jours (empty when nothing arrived)."""
    at = quarters.reference(at)
    cat = picture.Catalogue.read(con)
    if len(cat.codes) > engine_reads.MASK_BITS:  # too many indicators for one mask: set-wise in SQL
        return _run(con, [at], territoires)
    return picture_national.completeness(con, at, cat, territoires).to_pandas()


def completeness_history(con, first: str, last: str, territoires: list[str] | None = None) -> pd.DataFrame:
    """completeness() for every quarter from ``first`` to ``last``: one row per territory x quarter
    (the heat map of the national page)."""
    return _run(con, quarters.quarter_range(first, last), territoires)


def a_completer(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of a completeness frame (completeness(), completeness_history()) still owed:
    something expected and not all of it reported."""
    return frame[(frame["attendus"] > 0) & (frame["renseignes"] < frame["attendus"])]
