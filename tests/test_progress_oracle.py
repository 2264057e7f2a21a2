"""progress() against the former single-query engine, kept verbatim below as the oracle: on stores
drawn at random (tests.engine_fixtures.random_store), both must give the very same frame."""

from __future__ import annotations

import pytest

from indicators import progress, status
from core import quarters
from tests import engine_fixtures as ef
from tests.engine_fixtures import assert_same_frame, random_store

T = "T1"

# --- The same results as the former single-query engine, on randomised stores -------------------
# progress() now reads the applicable windows and the catalogue first, then computes on integer
# keys and attaches the text in Arrow (for speed). The query it replaced is kept below, verbatim,
# as the oracle: on stores drawn at random, both must give the very same frame.

def _oracle_progress_sql() -> str:
    from indicators import derived
    from core import quarters

    idx = quarters.sql_index
    refs = "(SELECT unnest($references::VARCHAR[]) AS reference)"
    return f"""
    WITH fdr AS ({progress.applicable_roadmaps_sql(refs, progress.territories_filter_sql('f.territoire'))}),
    lignes AS (
        SELECT row_number() OVER () AS ligne,
               f.territoire, f.reference, f.feuille_id, f.debut, f.fin, c.indicateur,
               i.nature, i.sens, i.ordre, c.valeur_base, c.periode_base, c.cible, c.jalon_an1,
               {idx('f.fin')} - {idx('f.debut')} + 1 AS n,
               least(f.reference, f.fin) AS fin_ecoulee,
               CASE WHEN f.reference < f.debut THEN 0
                    ELSE {idx('least(f.reference, f.fin)')} - {idx('f.debut')} + 1 END AS k
        FROM fdr f
        JOIN cible c ON c.feuille_id = f.feuille_id
        JOIN indicateur i ON i.code = c.indicateur
    ),
    besoins AS (
        SELECT l.ligne, l.territoire, l.nature, l.debut, l.fin_ecoulee, cm.composante, cm.role
        FROM lignes l JOIN ({derived.components_sql()}) cm ON cm.indicateur = l.indicateur
        WHERE l.k > 0
    ),
    tagged AS (
        SELECT b.ligne, b.nature, b.role, v.trimestre, v.valeur
        FROM valeur v
        JOIN besoins b ON v.territoire = b.territoire AND v.indicateur = b.composante
         AND v.trimestre >= b.debut AND v.trimestre <= b.fin_ecoulee
        WHERE v.trimestre >= $borne_debut AND v.trimestre <= $borne_fin
    ),
    trim AS ({derived.quarterly_sql('tagged', ('ligne',))}),
    periode AS ({derived.period_sql('trim', ('ligne',))}),
    mesure AS (
        SELECT l.*, coalesce(p.trimestres_renseignes, 0) AS m,
               {derived.period_value_sql('l.nature', 'p.')} AS realise,
               p.dernier_trimestre,
               {idx('p.dernier_trimestre')} - {idx('l.debut')} + 1 AS j,
               CASE WHEN l.nature IN ('flux', 'somme') THEN 0 ELSE l.valeur_base END AS b0,
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


def oracle_progress(con, references, territoires=None):
    """The former progress query (bounds first, then one query), for comparison."""
    from indicators import derived

    params = {"references": references, "territoires": territoires}
    bounds = f"""
        SELECT coalesce(min(debut), '9999-T4'), coalesce(max(least(reference, fin)), '0000-T1')
        FROM ({progress.applicable_roadmaps_sql("(SELECT unnest($references::VARCHAR[]) AS reference)",
                                                progress.territories_filter_sql('f.territoire'))})
        WHERE debut <= reference
    """
    params["borne_debut"], params["borne_fin"] = con.execute(bounds, params).fetchall()[0]
    return derived.fetch(con, _oracle_progress_sql(), {**params, **status.sql_params()})


@pytest.mark.parametrize("seed", ef.seeds(8))
def test_progress_matches_the_former_query_on_random_stores(seed):
    from core import quarters

    con = random_store(seed)
    for at in ("2020-T4", "2022-T3", "2024-T1", "2025-T2", "2026-T4", "2027-T3"):
        assert_same_frame(progress.progress(con, at), oracle_progress(con, [at]))
        assert_same_frame(progress.progress(con, at, ["T1", "T6", "T7", "inconnu"]),
                          oracle_progress(con, [at], ["T1", "T6", "T7", "inconnu"]))
    history = quarters.quarter_range("2021-T2", "2026-T3")
    assert_same_frame(progress.progress_history(con, ["T2", "T3"], history[0], history[-1]),
                      oracle_progress(con, history, ["T2", "T3"]))


def test_roadmap_choice_on_ties_matches_the_former_query():
    # same start, different ends: the one containing the quarter first; between equals, the
    # latest id
    con = ef.connect()
    ef.add_territory(con, T)
    ef.add_roadmap(con, T, "2024-T1", "2024-T4", {"sorties_rue_logement": (None, 10)}, feuille_id=1)
    ef.add_roadmap(con, T, "2024-T1", "2025-T4", {"sorties_rue_logement": (None, 20)}, feuille_id=2)
    ef.add_roadmap(con, T, "2024-T1", "2025-T2", {"sorties_rue_logement": (None, 30)}, feuille_id=3)
    ef.add_roadmap(con, T, "2026-T1", "2026-T4", {"sorties_rue_logement": (None, 40)}, feuille_id=4)
    ef.add_roadmap(con, T, "2026-T1", "2026-T2", {"sorties_rue_logement": (None, 50)}, feuille_id=5)
    ef.add_values(con, T, "sorties_rue_logement", dict.fromkeys(quarters.quarter_range("2023-T1", "2026-T4"), 1))
    frame = progress.progress_history(con, [T], "2023-T4", "2027-T1")
    assert_same_frame(frame, oracle_progress(con, list(frame["reference"]), [T]))
    chosen = dict(zip(frame["reference"], frame["feuille_id"]))
    ats = ["2023-T4", "2024-T2", "2025-T1", "2025-T3", "2025-T4", "2026-T1", "2026-T3", "2027-T1"]
    assert [chosen[a] for a in ats] == [3, 3, 3, 2, 2, 5, 4, 5]


def test_progress_of_nothing_keeps_its_columns_and_types():
    con = ef.connect()
    assert_same_frame(progress.progress(con, "2024-T1"), oracle_progress(con, ["2024-T1"]))
    ef.add_territory(con, T)
    ef.add_roadmap(con, T, "2025-T1", "2025-T4", {"sorties_rue_logement": (None, 80)})
    # a roadmap not started yet: no quarter to read at all
    assert_same_frame(progress.progress(con, "2024-T1"), oracle_progress(con, ["2024-T1"]))
