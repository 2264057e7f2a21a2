"""Completeness and timeliness (indicators.completeness)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from indicators import completeness
from tests import engine_fixtures as ef

RUE, HEB, SOMME = "sorties_rue_logement", "sorties_hebergement_logement", "acces_logement_sans_domicile"
NUM, DEN, RATIO = "attributions_sans_domicile", "attributions_total", "part_attributions_sans_domicile"
STOCK = "menages_accompagnes"


@pytest.fixture
def con():
    con = ef.connect()
    for code in "ABC":
        ef.add_territory(con, code)
    ef.add_territory(con, "Z", actif=False)
    # expected for A: RUE (own target and component of SOMME), HEB, NUM, DEN, STOCK: 5 base indicators
    ef.add_roadmap(con, "A", "2024-T1", "2025-T4", {RUE: (None, 80), SOMME: (None, 200), RATIO: (5, 10), STOCK: (1, 2)})
    ef.add_roadmap(con, "B", "2024-T1", "2025-T4", {RUE: (None, 80)})
    ef.add_roadmap(con, "Z", "2024-T1", "2025-T4", {RUE: (None, 80)})
    ef.add_depot(con, 1, dt.datetime(2024, 7, 10, 9, 30))
    ef.add_depot(con, 2, dt.datetime(2024, 8, 5))
    ef.add_depot(con, 3, dt.datetime(2024, 9, 1))
    # RUE was first sent on 10 July (upload 1), then revised on 1 September (upload 3)
    ef.add_values(con, "A", RUE, {"2024-T2": 12}, depot_id=3, enregistre_le=dt.datetime(2024, 9, 1))
    ef.add_former_value(con, "A", RUE, "2024-T2", 11, depot_id=1, enregistre_le=dt.datetime(2024, 7, 10, 9, 30),
                        remplacee_le=dt.datetime(2024, 9, 1))
    ef.add_values(con, "A", NUM, {"2024-T2": 3}, depot_id=2)
    ef.add_values(con, "A", "nuitees_hotelieres", {"2024-T2": 300}, depot_id=2)  # not expected
    # no upload linked: the row's own date stands
    ef.add_values(con, "B", RUE, {"2024-T3": 4}, enregistre_le=dt.datetime(2024, 10, 5, 18, 0))
    return con


def rows(frame):
    return {r.territoire: r for r in frame.itertuples()}


def test_completeness_and_delay(con):
    got = rows(completeness.completeness(con, "2024-T2"))
    assert set(got) == {"A", "B", "C"}  # active territories; Z left the programme
    a = got["A"]
    # RUE and NUM of the 5 expected; the unexpected nuitees_hotelieres is not counted
    assert (a.attendus, a.renseignes, a.taux_completude) == (5, 2, 40)
    # first arrival: the first version of RUE (10 July), not its revision; 30 June + 10 days
    assert a.premiere_arrivee == pd.Timestamp("2024-07-10 09:30")
    assert a.delai_jours == 10
    b = got["B"]
    assert (b.attendus, b.renseignes, b.taux_completude) == (1, 0, 0)
    assert pd.isna(b.premiere_arrivee) and pd.isna(b.delai_jours)
    c = got["C"]  # no roadmap: nothing expected, no rate
    assert (c.attendus, c.renseignes) == (0, 0) and pd.isna(c.taux_completude)


def test_delay_falls_back_on_the_row_date(con):
    b = rows(completeness.completeness(con, "2024-T3", ["B"]))["B"]
    assert (b.attendus, b.renseignes, b.taux_completude, b.delai_jours) == (1, 1, 100, 5)


def test_nothing_expected_before_the_roadmap(con):
    a = rows(completeness.completeness(con, "2023-T4", ["A"]))["A"]
    assert (a.attendus, a.renseignes) == (0, 0) and pd.isna(a.taux_completude)


def test_history_and_renewal():
    con = ef.connect()
    ef.add_territory(con, "A")
    ef.add_roadmap(con, "A", "2024-T1", "2024-T2", {RUE: (None, 10)})
    ef.add_roadmap(con, "A", "2024-T3", "2025-T2", {RUE: (None, 10), RATIO: (5, 10)})
    ef.add_values(con, "A", RUE, {"2024-T1": 1, "2024-T2": 1, "2024-T3": 1})
    ef.add_values(con, "A", DEN, {"2024-T3": 9, "2024-T4": 9})
    frame = completeness.completeness_history(con, "2023-T4", "2024-T4")
    assert list(frame.trimestre) == ["2023-T4", "2024-T1", "2024-T2", "2024-T3", "2024-T4"]
    assert list(frame.attendus) == [0, 1, 1, 3, 3]
    assert list(frame.renseignes) == [0, 1, 1, 2, 1]
    assert frame.taux_completude.round(4).tolist()[1:] == [100, 100, 66.6667, 33.3333]


def test_columns(con):
    frame = completeness.completeness(con, "2024-T2")
    assert list(frame.columns) == completeness.COLUMNS


# --- The same results as the former completeness query, on randomised stores --------------------
# completeness_sql() now counts on integer ids; the query it replaced is kept below, verbatim, as
# the oracle.

def _oracle_completeness_sql() -> str:
    from indicators import derived, progress
    from core import quarters

    VALEUR_HISTORIQUE, DEPOT = completeness.VALEUR_HISTORIQUE, completeness.DEPOT
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


@pytest.mark.parametrize("seed", ef.seeds(8))
def test_completeness_matches_the_former_query_on_random_stores(seed):
    from indicators import derived
    from core import quarters
    from tests.engine_fixtures import assert_same_frame, random_store

    con = random_store(seed)
    for first, last in (("2020-T4", "2020-T4"), ("2022-T3", "2022-T3"), ("2021-T1", "2027-T2")):
        for territoires in (None, ["T1", "T6", "T7", "inconnu"]):
            params = {"quarters": quarters.quarter_range(first, last), "first": first, "last": last,
                      "territoires": territoires}
            assert_same_frame(completeness.completeness_history(con, first, last, territoires),
                              derived.fetch(con, _oracle_completeness_sql(), params))
