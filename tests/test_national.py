"""National aggregation (indicators.national): figures per indicator and quarter with the number of
territories behind them, national roadmap progress, status counts, per-100,000 figures."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicators import national, progress, status
from core import quarters
from tests import engine_fixtures as ef

RUE, HEB, SOMME = "sorties_rue_logement", "sorties_hebergement_logement", "acces_logement_sans_domicile"
NUM, DEN, RATIO = "attributions_sans_domicile", "attributions_total", "part_attributions_sans_domicile"
STOCK = "menages_accompagnes"
W = ("2024-T1", "2025-T4")


@pytest.fixture
def con():
    con = ef.connect()
    ef.add_territory(con, "A", population=100_000)
    ef.add_territory(con, "B", population=50_000)
    ef.add_territory(con, "C", population=10_000, actif=False)  # left the programme
    ef.add_territory(con, "D", population=None)
    ef.add_territory(con, "E", population=20_000)
    ef.add_values(con, "A", RUE, {q: 10 for q in quarters.quarter_range("2024-T1", "2024-T4")})
    ef.add_values(con, "B", RUE, {"2024-T4": 5})
    ef.add_values(con, "C", RUE, {"2024-T4": 100})
    ef.add_values(con, "A", HEB, {"2024-T4": 20})
    ef.add_values(con, "A", NUM, {"2024-T4": 6})
    ef.add_values(con, "A", DEN, {"2024-T4": 100})
    ef.add_values(con, "B", NUM, {"2024-T4": 4})
    ef.add_values(con, "B", DEN, {"2024-T4": 20})
    ef.add_values(con, "C", NUM, {"2024-T4": 50})
    ef.add_values(con, "C", DEN, {"2024-T4": 50})
    ef.add_values(con, "D", NUM, {"2024-T4": 3})  # no denominator: not part of the national ratio
    ef.add_values(con, "A", STOCK, {"2024-T2": 200, "2024-T4": 180})
    ef.add_values(con, "B", STOCK, {"2024-T1": 50})
    ef.add_values(con, "D", STOCK, {"2025-T1": 999})  # after the quarter
    ef.add_roadmap(con, "A", *W, {RUE: (None, 80)})
    ef.add_roadmap(con, "B", *W, {RUE: (None, 40), STOCK: (40, 50)})  # stock 50 reached
    ef.add_roadmap(con, "D", *W, {RUE: (None, 100)})
    ef.add_roadmap(con, "E", "2025-T1", "2026-T4", {RUE: (None, 100)})
    return con


def by_indicator(frame):
    return {r["indicateur"]: r for _, r in frame.iterrows()}


def test_national_figures(con):
    got = by_indicator(national.figures(con, "2024-T4"))
    # flux: reporting active territories only (C is inactive); a territory that did not report
    # weighs nothing and is not counted
    assert (got[RUE]["valeur"], got[RUE]["territoires_renseignes"], got[RUE]["population_couverte"]) == (15, 2, 150_000)
    assert got[RUE]["pour_100000"] == pytest.approx(10)
    assert (got[HEB]["valeur"], got[HEB]["territoires_renseignes"]) == (20, 1)
    assert (got[SOMME]["valeur"], got[SOMME]["territoires_renseignes"]) == (35, 2)
    # ratio: (6 + 4) / (100 + 20), not the mean of 6 % and 20 %; D has no denominator
    assert got[RATIO]["valeur"] == pytest.approx(100 * 10 / 120)
    assert (got[RATIO]["numerateur"], got[RATIO]["denominateur"], got[RATIO]["territoires_renseignes"]) == (10, 120, 2)
    assert pd.isna(got[RATIO]["pour_100000"])
    # stock: the latest value of each territory at or before the quarter (A: T4, B: T1)
    assert (got[STOCK]["valeur"], got[STOCK]["territoires_renseignes"], got[STOCK]["trimestre_plus_ancien"]) == (
        230, 2, "2024-T1")
    # nothing reported: no figure, zero territories
    assert pd.isna(got["nuitees_hotelieres"]["valeur"]) and got["nuitees_hotelieres"]["territoires_renseignes"] == 0
    assert len(got) == 32


def test_national_series(con):
    frame = national.figures(con, "2024-T1", "2024-T4")
    stock = frame[frame.indicateur == STOCK]
    assert list(zip(stock.trimestre, stock.valeur, stock.territoires_renseignes)) == [
        ("2024-T1", 50, 1), ("2024-T2", 250, 2), ("2024-T3", 250, 2), ("2024-T4", 230, 2)]
    rue = frame[frame.indicateur == RUE]
    assert list(rue.valeur) == [10, 10, 10, 15]


def test_national_roadmap_progress_and_status_counts(con):
    got = by_indicator(national.national(con, "2024-T4"))
    rue = got[RUE]
    # A: 40 of 80 (dans la trajectoire); B: 5 of 40 (en retard); D: nothing reported; E: not started
    assert (rue["territoires_avec_cible"], rue["territoires_avancement"]) == (4, 2)
    assert (rue["realise_total"], rue["cible_total"]) == (45, 120)
    assert rue["avancement_national_pct"] == pytest.approx(37.5)
    assert [rue[f"nb_{s}"] for s in ("non_demarre", "non_renseigne", "en_retard", "a_surveiller",
                                     "dans_la_trajectoire", "atteint")] == [1, 1, 1, 0, 1, 0]
    # a stock target counts in the statuses, not in the flux-only national progress
    stock = got[STOCK]
    assert (stock["territoires_avec_cible"], stock["nb_atteint"], stock["territoires_avancement"]) == (1, 1, 0)
    assert pd.isna(stock["avancement_national_pct"])
    # indicators without any target: zero counts, no progress
    assert got[HEB]["territoires_avec_cible"] == 0 and pd.isna(got[HEB]["avancement_national_pct"])


def test_national_reuses_a_given_progress_frame(con):
    prog = progress.progress(con, "2024-T4")
    with_frame = national.national(con, "2024-T4", progress_frame=prog)
    pd.testing.assert_frame_equal(with_frame, national.national(con, "2024-T4"))


def test_per_100k(con):
    frame = national.per_100k(con, "2024-T1", "2024-T4", territoires=["A", "B"])
    got = {(r.territoire, r.indicateur): r for r in frame.itertuples()}
    assert (got["A", RUE].valeur, got["A", RUE].pour_100000) == (40, 40)
    assert (got["B", RUE].valeur, got["B", RUE].pour_100000) == (5, 10)
    assert got["B", STOCK].pour_100000 == pytest.approx(100)
    assert pd.isna(got["A", RATIO].pour_100000) and got["A", RATIO].valeur == pytest.approx(6)
    # default: active territories only
    assert set(national.per_100k(con, "2024-T4").territoire) == {"A", "B", "D"}


def test_population_vintage(con):
    assert national.population_millesime(con) is None
    con.execute("INSERT INTO metadonnee VALUES (?, ?)", [national.MILLESIME_POPULATION_CLE, "2017"])
    assert national.population_millesime(con) == "2017"


@settings(max_examples=30, deadline=None)
@given(st.dictionaries(
    st.sampled_from([f"T{i}" for i in range(8)]),
    st.tuples(st.one_of(st.none(), st.integers(0, 10_000)), st.booleans()),
    min_size=1,
))
def test_national_flux_is_the_sum_of_the_territories(data):
    con = ef.connect()
    for code, (value, actif) in data.items():
        ef.add_territory(con, code, actif=actif)
        if value is not None:
            ef.add_values(con, code, RUE, {"2024-T4": value})
            ef.add_values(con, code, RUE, {"2024-T3": value + 1})  # another quarter must not leak in
    reporting = [v for v, actif in data.values() if v is not None and actif]
    got = by_indicator(national.figures(con, "2024-T4"))[RUE]
    assert got["territoires_renseignes"] == len(reporting)
    if reporting:
        assert got["valeur"] == sum(reporting)
    else:
        assert pd.isna(got["valeur"])


def test_progress_frame_of_another_quarter_is_refused(con):
    prog = progress.progress(con, "2024-T3")
    with pytest.raises(ValueError, match="2024-T4"):
        national.national(con, "2024-T4", progress_frame=prog)


# --- The same results as the former figures query, on randomised stores --------------------------
# figures_sql() now joins territories and indicators to integer ids; the query it replaced is kept
# below, verbatim, as the oracle.

def _oracle_figures_sql() -> str:
    from indicators import derived

    PER, TERRITOIRE = national.PER, national.TERRITOIRE
    return f"""
    WITH refs AS (SELECT unnest($quarters::VARCHAR[]) AS trimestre),
    terr AS (SELECT code AS territoire, population FROM {TERRITOIRE} WHERE actif),
    tagged AS (
        SELECT v.territoire, c.indicateur, c.nature, c.role, v.trimestre, v.valeur
        FROM {derived.VALEUR} v
        JOIN ({derived.components_sql()}) c ON c.composante = v.indicateur
        -- $first and $last bound $quarters: a constant filter the scan applies at once
        WHERE c.nature <> 'stock' AND v.trimestre >= $first AND v.trimestre <= $last
          AND v.territoire IN (SELECT territoire FROM terr)
    ),
    trim AS ({derived.quarterly_sql('tagged')}),
    flows AS (
        SELECT q.indicateur, q.trimestre,
               CASE WHEN any_value(q.nature) = 'ratio'
                    THEN 100 * sum(q.numerateur) / nullif(sum(q.denominateur), 0)
                    ELSE sum(q.valeur) END AS valeur,
               sum(q.numerateur) AS numerateur, sum(q.denominateur) AS denominateur,
               count(*) AS territoires_renseignes, sum(t.population) AS population_couverte,
               min(q.trimestre) AS trimestre_plus_ancien
        FROM trim q JOIN terr t USING (territoire)
        GROUP BY q.indicateur, q.trimestre
    ),
    -- a stock value stands until the territory reports the next one: at each quarter, the latest
    -- value at or before it
    stock_values AS (
        SELECT v.territoire, v.indicateur, v.trimestre, v.valeur
        FROM {derived.VALEUR} v
        SEMI JOIN {derived.INDICATEUR} i ON i.code = v.indicateur AND i.nature = 'stock'
        WHERE v.trimestre <= $last AND v.territoire IN (SELECT territoire FROM terr)
    ),
    latest AS (
        SELECT s.territoire, s.indicateur, r.trimestre, arg_max(s.valeur, s.trimestre) AS valeur,
               max(s.trimestre) AS trimestre_valeur
        FROM stock_values s JOIN refs r ON s.trimestre <= r.trimestre
        GROUP BY s.territoire, s.indicateur, r.trimestre
    ),
    stocks AS (
        SELECT s.indicateur, s.trimestre, sum(s.valeur) AS valeur,
               NULL::DOUBLE AS numerateur, NULL::DOUBLE AS denominateur,
               count(*) AS territoires_renseignes, sum(t.population) AS population_couverte,
               min(s.trimestre_valeur) AS trimestre_plus_ancien
        FROM latest s JOIN terr t USING (territoire)
        GROUP BY s.indicateur, s.trimestre
    ),
    tout AS (SELECT * FROM flows UNION ALL SELECT * FROM stocks)
    SELECT i.code AS indicateur, i.nature, i.sens, i.unite, r.trimestre, a.valeur,
           a.numerateur, a.denominateur,
           coalesce(a.territoires_renseignes, 0) AS territoires_renseignes,
           a.population_couverte,
           -- a percentage has no meaning per inhabitant
           CASE WHEN i.nature <> 'ratio' THEN a.valeur * {PER} / nullif(a.population_couverte, 0) END AS pour_100000,
           a.trimestre_plus_ancien, i.ordre
    FROM {derived.INDICATEUR} i CROSS JOIN refs r
    LEFT JOIN tout a ON a.indicateur = i.code AND a.trimestre = r.trimestre
    ORDER BY i.ordre, r.trimestre
    """


@pytest.mark.parametrize("seed", ef.seeds(8))
def test_figures_and_national_match_the_former_queries_on_random_stores(seed):
    from indicators import derived
    from tests.engine_fixtures import assert_same_frame, random_store
    from tests.test_progress_oracle import oracle_progress

    con = random_store(seed)
    for first, last in (("2020-T1", "2020-T2"), ("2022-T3", "2022-T3"), ("2021-T1", "2026-T4"), ("2026-T4", "2027-T2")):
        params = {"quarters": quarters.quarter_range(first, last), "first": first, "last": last}
        assert_same_frame(national.figures(con, first, last), derived.fetch(con, _oracle_figures_sql(), params))
    for at in ("2022-T3", "2025-T2"):
        expected = oracle_progress(con, [at])
        # the summary comes in no particular order (national() puts it in catalogue order)
        assert_same_frame(
            national.roadmap_summary(con, at).sort_values("indicateur", ignore_index=True),
            national.roadmap_summary(con, at, progress_frame=expected).sort_values("indicateur", ignore_index=True))
        # the former national(): figures and summary merged in pandas
        params = {"quarters": [at], "first": at, "last": at}
        former = derived.fetch(con, _oracle_figures_sql(), params).merge(
            national.roadmap_summary(con, at, progress_frame=expected), on="indicateur", how="left")
        counts = ["territoires_avec_cible", "territoires_avancement"] + [f"nb_{c}" for c in status.STATUTS]
        former[counts] = former[counts].fillna(0).astype("int64")
        assert_same_frame(national.national(con, at), former)
        assert_same_frame(national.national(con, at, progress_frame=expected), former)
