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

from indicators import derived, progress, quarters

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
    return f"""
    WITH terr AS (
        SELECT code AS territoire, nom FROM {progress.TERRITOIRE} t
        WHERE {progress.territories_filter_sql('t.code')}
    ),
    fdr AS ({progress.applicable_roadmaps_sql(refs, 'f.territoire IN (SELECT territoire FROM terr)')}),
    attendus AS (
        SELECT DISTINCT f.territoire, f.reference AS trimestre, cm.composante AS indicateur
        FROM fdr f
        JOIN {progress.CIBLE} c ON c.feuille_id = f.feuille_id
        JOIN ({derived.components_sql()}) cm ON cm.indicateur = c.indicateur
        -- a roadmap that has not started yet expects nothing
        WHERE f.debut <= f.reference
    ),
    periode AS (
        SELECT v.territoire, v.indicateur, v.trimestre, v.valeur, v.depot_id, v.enregistre_le
        FROM {derived.VALEUR} v
        -- $first and $last bound $quarters: a constant filter the scan applies at once
        WHERE v.trimestre >= $first AND v.trimestre <= $last
          AND v.territoire IN (SELECT territoire FROM terr)
    ),
    comptes AS (
        SELECT a.territoire, a.trimestre, count(*) AS attendus, count(v.valeur) AS renseignes
        FROM attendus a
        LEFT JOIN periode v USING (territoire, trimestre, indicateur)
        GROUP BY a.territoire, a.trimestre
    ),
    versions AS (
        SELECT territoire, trimestre, depot_id, enregistre_le FROM periode
        UNION ALL
        SELECT h.territoire, h.trimestre, h.depot_id, h.enregistre_le FROM {VALEUR_HISTORIQUE} h
        WHERE h.trimestre >= $first AND h.trimestre <= $last
          AND h.territoire IN (SELECT territoire FROM terr)
    ),
    arrivees AS (
        SELECT x.territoire, x.trimestre, min(coalesce(d.recu_le, x.enregistre_le)) AS premiere_arrivee
        FROM versions x LEFT JOIN {DEPOT} d ON d.id = x.depot_id
        GROUP BY x.territoire, x.trimestre
    )
    SELECT t.territoire, t.nom, r.reference AS trimestre,
           coalesce(c.attendus, 0) AS attendus, coalesce(c.renseignes, 0) AS renseignes,
           100 * c.renseignes / nullif(c.attendus, 0) AS taux_completude,
           a.premiere_arrivee,
           date_diff('day', {quarters.sql_end_date('r.reference')}, a.premiere_arrivee::DATE) AS delai_jours
    FROM terr t CROSS JOIN {refs} r
    LEFT JOIN comptes c ON c.territoire = t.territoire AND c.trimestre = r.reference
    LEFT JOIN arrivees a ON a.territoire = t.territoire AND a.trimestre = r.reference
    ORDER BY t.territoire, r.reference
    """


def _run(con, references: list[str], territoires: list[str] | None) -> pd.DataFrame:
    params = {"quarters": references, "first": references[0], "last": references[-1],
              "territoires": None if territoires is None else list(territoires)}
    return derived.fetch(con, completeness_sql(), params)


def completeness(con, at: str | None = None, territoires: list[str] | None = None) -> pd.DataFrame:
    """Per territory (default: every active one) at quarter ``at`` (default: the last complete
    quarter): attendus, renseignes, taux_completude (empty when nothing is expected),
    premiere_arrivee and delai_jours (empty when nothing arrived)."""
    return _run(con, [quarters.reference(at)], territoires)


def completeness_history(con, first: str, last: str, territoires: list[str] | None = None) -> pd.DataFrame:
    """completeness() for every quarter from ``first`` to ``last``: one row per territory x quarter
    (the heat map of the national page)."""
    return _run(con, quarters.quarter_range(first, last), territoires)
