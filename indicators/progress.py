"""Progress toward the roadmap targets, per territory x roadmap indicator x reference quarter,
exactly as methodologie.md: realise, attendu (with or without the year-one milestone),
avancement_pct, statut, projection_fin, trimestres_ecoules (k) and trimestres_renseignes (m).

Everything is one set-wise DuckDB query over the relations ``feuille_de_route``, ``cible``,
``indicateur``, ``territoire`` and ``valeur``; Python only assembles the SQL and passes parameters.
"""

from __future__ import annotations

import pandas as pd

from indicators import derived, quarters, status

FEUILLE = "feuille_de_route"
CIBLE = "cible"
TERRITOIRE = "territoire"

# Columns of the command-line contract, in order (the engine frame carries a few more).
COLUMNS = [
    "indicateur", "nature", "sens", "debut", "fin", "valeur_base", "cible", "realise", "attendu",
    "avancement_pct", "statut", "projection_fin", "trimestres_ecoules", "trimestres_renseignes",
]

_IDX = quarters.sql_index


def applicable_roadmaps_sql(references: str, territories_filter: str = "true") -> str:
    """SQL relation (territoire, reference, feuille_id, debut, fin): for each territory and each
    quarter of ``references`` (a relation with a ``reference`` column), the roadmap that applies.

    The one whose window contains the quarter, else the latest started before it; when every
    roadmap of the territory starts later, the first of them (progress is then ``non_demarre``).
    ``territories_filter`` is a SQL condition on ``f.territoire`` built from constants."""
    return f"""
        SELECT f.territoire, r.reference, f.id AS feuille_id, f.debut, f.fin
        FROM {FEUILLE} f CROSS JOIN {references} r
        WHERE {territories_filter}
        QUALIFY row_number() OVER (
            PARTITION BY f.territoire, r.reference
            ORDER BY (f.debut <= r.reference) DESC,
                     (f.fin >= r.reference) DESC,
                     CASE WHEN f.debut <= r.reference THEN f.debut END DESC NULLS LAST,
                     f.debut ASC, f.id DESC
        ) = 1
    """


def territories_filter_sql(column: str) -> str:
    """SQL condition keeping the territories of $territoires, or every active one when it is NULL."""
    return f"""(CASE WHEN $territoires IS NULL
                    THEN {column} IN (SELECT code FROM {TERRITOIRE} WHERE actif)
                    ELSE list_contains($territoires, {column}) END)"""


def progress_sql() -> str:
    """The progress query over the reference quarters of the $references list (named parameters:
    see sql_params())."""
    refs = "(SELECT unnest($references::VARCHAR[]) AS reference)"
    return f"""
    WITH fdr AS ({applicable_roadmaps_sql(refs, territories_filter_sql('f.territoire'))}),
    lignes AS (
        -- an integer id per output row: grouping and joining on it is much cheaper than on text keys
        SELECT row_number() OVER () AS ligne,
               f.territoire, f.reference, f.feuille_id, f.debut, f.fin, c.indicateur,
               i.nature, i.sens, i.ordre, c.valeur_base, c.periode_base, c.cible, c.jalon_an1,
               {_IDX('f.fin')} - {_IDX('f.debut')} + 1 AS n,
               -- after the window, progress is read at its last quarter
               least(f.reference, f.fin) AS fin_ecoulee,
               CASE WHEN f.reference < f.debut THEN 0
                    ELSE {_IDX('least(f.reference, f.fin)')} - {_IDX('f.debut')} + 1 END AS k
        FROM fdr f
        JOIN {CIBLE} c ON c.feuille_id = f.feuille_id
        JOIN {derived.INDICATEUR} i ON i.code = c.indicateur
    ),
    besoins AS (
        SELECT l.ligne, l.territoire, l.nature, l.debut, l.fin_ecoulee, cm.composante, cm.role
        FROM lignes l JOIN ({derived.components_sql()}) cm ON cm.indicateur = l.indicateur
        WHERE l.k > 0
    ),
    tagged AS (
        SELECT b.ligne, b.nature, b.role, v.trimestre, v.valeur
        FROM {derived.VALEUR} v
        JOIN besoins b ON v.territoire = b.territoire AND v.indicateur = b.composante
         AND v.trimestre >= b.debut AND v.trimestre <= b.fin_ecoulee
        -- constant bounds, computed beforehand, let the scan skip most stored quarters at once
        WHERE v.trimestre >= $borne_debut AND v.trimestre <= $borne_fin
    ),
    trim AS ({derived.quarterly_sql('tagged', ('ligne',))}),
    periode AS ({derived.period_sql('trim', ('ligne',))}),
    mesure AS (
        SELECT l.*, coalesce(p.trimestres_renseignes, 0) AS m,
               {derived.period_value_sql('l.nature', 'p.')} AS realise,
               p.dernier_trimestre,
               {_IDX('p.dernier_trimestre')} - {_IDX('l.debut')} + 1 AS j,
               -- flux and somme accumulate from the window start; stock and ratio start at the baseline
               CASE WHEN l.nature IN ('flux', 'somme') THEN 0 ELSE l.valeur_base END AS b0,
               -- the milestone only shapes the path of a window longer than a year
               CASE WHEN l.n > 4 THEN l.jalon_an1 END AS jalon
        FROM lignes l
        LEFT JOIN periode p USING (ligne)
    ),
    chemin AS (
        SELECT *,
               CASE WHEN k = 0 THEN NULL
                    WHEN jalon IS NULL THEN b0 + (cible - b0) * k / n
                    WHEN k <= 4 THEN b0 + (jalon - b0) * k / 4
                    ELSE jalon + (cible - jalon) * (k - 4) / (n - 4) END AS attendu
        FROM mesure
    )
    SELECT territoire, reference, feuille_id, indicateur, nature, sens, debut, fin,
           valeur_base, periode_base, cible, jalon_an1, realise, attendu,
           CASE WHEN nature IN ('flux', 'somme') THEN 100 * realise / nullif(cible, 0)
                ELSE 100 * (realise - valeur_base) / nullif(cible - valeur_base, 0) END AS avancement_pct,
           {status.status_sql()} AS statut,
           CASE WHEN m = 0 THEN NULL
                WHEN nature IN ('flux', 'somme') THEN realise / m * n
                WHEN nature = 'stock' THEN valeur_base + (realise - valeur_base) / j * n
                ELSE realise END AS projection_fin,
           k AS trimestres_ecoules, m AS trimestres_renseignes, n AS trimestres_fenetre,
           dernier_trimestre AS dernier_trimestre_renseigne, ordre
    FROM chemin
    ORDER BY territoire, reference, ordre
    """


def bounds_sql() -> str:
    """SQL of the first and last quarter any progress row of progress_sql() may read."""
    refs = "(SELECT unnest($references::VARCHAR[]) AS reference)"
    return f"""
        SELECT coalesce(min(debut), '9999-T4'), coalesce(max(least(reference, fin)), '0000-T1')
        FROM ({applicable_roadmaps_sql(refs, territories_filter_sql('f.territoire'))})
        WHERE debut <= reference
    """


def sql_params(con, references: list[str], territoires: list[str] | None) -> dict:
    """Named parameters of progress_sql() for these reference quarters and territories."""
    params = {"references": references, "territoires": None if territoires is None else list(territoires)}
    # fetchall, not fetchone: leave no unread result behind on the caller's connection
    params["borne_debut"], params["borne_fin"] = con.execute(bounds_sql(), params).fetchall()[0]
    params.update(status.sql_params())
    return params


def _run(con, references: list[str], territoires: list[str] | None) -> pd.DataFrame:
    params = sql_params(con, references, territoires)
    return derived.fetch(con, progress_sql(), params)


def progress(con, at: str | None = None, territoires: list[str] | None = None) -> pd.DataFrame:
    """Progress of every roadmap indicator of the given territories (default: every active one) at
    quarter ``at`` (default: the last complete quarter): one row per territory x indicator, the
    columns of COLUMNS plus territoire, reference, feuille_id, jalon_an1, periode_base,
    trimestres_fenetre, dernier_trimestre_renseigne, ordre."""
    at = quarters.reference(at)
    return _run(con, [at], territoires)


def progress_history(con, territoires: list[str], first: str, last: str) -> pd.DataFrame:
    """Progress at every reference quarter from ``first`` to ``last`` (for the charts of the
    achieved value against the expected path): the frame of progress() with one row per quarter."""
    return _run(con, quarters.quarter_range(first, last), territoires)


def roadmap_windows(con, territoires: list[str] | None = None) -> pd.DataFrame:
    """Every roadmap (territoire, feuille_id, debut, fin, indicateurs) of the given territories,
    oldest first: the renewals of a territory in sequence."""
    return derived.fetch(
        con,
        f"""
        SELECT f.territoire, f.id AS feuille_id, f.debut, f.fin, count(c.indicateur) AS indicateurs
        FROM {FEUILLE} f LEFT JOIN {CIBLE} c ON c.feuille_id = f.id
        WHERE $territoires IS NULL OR list_contains($territoires, f.territoire)
        GROUP BY ALL ORDER BY f.territoire, f.debut, f.id
        """,
        {"territoires": None if territoires is None else list(territoires)},
    )
