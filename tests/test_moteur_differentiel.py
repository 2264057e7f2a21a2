"""The single-quarter engine (progress.progress, national.national, completeness.completeness at
one reference quarter: the whole national picture) against the former computation, on the demo
database, on the bench's scale database, on random stores and on a store of edge cases, at several
reference quarters: the same frames (columns, dtypes, values, row order, statuses).

The oracle is the former set-wise SQL engine, kept unchanged in the code base for the
multi-quarter reads (the charts' history and the heat map): progress.progress_ensembliste() (the
former progress query, at the reference quarters given), completeness.completeness_history() (the
former completeness query, over a range of one quarter) and, for the national table, the former
national() as tests/test_national.py keeps it: national.figures() (the former figures query)
merged with national.roadmap_summary() (the former summary query) in pandas.
"""

from __future__ import annotations

import datetime as dt

import pytest

from core import quarters
from data import store
from indicators import completeness, national, progress, status, tableau
from tests import engine_fixtures as ef
from tests.engine_fixtures import assert_same_frame, random_store

COUNTS = ["territoires_avec_cible", "territoires_avancement"] + [f"nb_{c}" for c in status.STATUTS]


def oracle_progress(con, at, territoires=None):
    return progress.progress_ensembliste(con, [at], territoires)


def oracle_national(con, at, prog, territoires=None):
    former = national.figures(con, at, territoires=territoires).merge(national.roadmap_summary(con, at, progress_frame=prog),
                                             on="indicateur", how="left")
    former[COUNTS] = former[COUNTS].fillna(0).astype("int64")
    return former


def oracle_completeness(con, at, territoires=None):
    return completeness.completeness_history(con, at, at, territoires)


def assert_same_picture(con, at, territoires=None) -> int:
    """The three frames of the new engine equal the oracle's at ``at``; the number of progress rows."""
    expected = oracle_progress(con, at, territoires)
    got = progress.progress(con, at, territoires)
    assert_same_frame(got, expected)
    if territoires is None:
        assert_same_frame(national.national(con, at, progress_frame=got), oracle_national(con, at, expected))
        assert_same_frame(national.national(con, at), oracle_national(con, at, expected))
    assert_same_frame(completeness.completeness(con, at, territoires), oracle_completeness(con, at, territoires))
    # the whole picture from one read of the values: the same three frames
    shared = tableau.tableau_national(con, at, territoires)
    assert_same_frame(shared[0], expected)
    assert_same_frame(shared[1], oracle_national(con, at, expected, territoires))
    assert_same_frame(shared[2], oracle_completeness(con, at, territoires))
    return len(got)


@pytest.mark.parametrize("seed", ef.seeds(10))
def test_random_stores(seed):
    con = random_store(seed)
    rows = 0
    for at in ("2019-T4", "2021-T1", "2022-T3", "2024-T2", "2025-T4", "2026-T4", "2028-T1"):
        rows += assert_same_picture(con, at)
    assert_same_picture(con, "2024-T2", ["T1", "T6", "T7", "inconnu"])
    assert_same_picture(con, "2023-T1", [])
    assert rows > 0
    # the summary over a scope (the exports pass the progress of their territories only)
    scope = progress.progress(con, "2024-T2", ["T1", "T3"])
    assert_same_frame(national.national(con, "2024-T2", progress_frame=scope), oracle_national(con, "2024-T2", scope))
    with pytest.raises(ValueError, match="2024-T3"):
        national.national(con, "2024-T3", progress_frame=scope)


def _edge_store():
    """A store of edge cases: a territory without roadmap, one inactive, one without population,
    renewed and future roadmaps, unreported quarters, zero denominators, a ratio with one term
    reported, a stock to reduce, a derived target whose components are partly reported, revised
    values with and without upload, a value of an unknown territory."""
    con = ef.connect()
    for code, kw in (("A", {}), ("B", {"population": None}), ("C", {"actif": False}), ("D", {}), ("E", {}), ("F", {})):
        ef.add_territory(con, code, **kw)
    targets = {"sorties_rue_logement": (None, 40, 10), "personnes_rue_denombrees": (300, 200),
               "part_attributions_sans_domicile": (20, 30), "acces_logement_sans_domicile": (None, 90),
               "taux_115_non_pourvues": (50, 50), "menages_accompagnes": (None, 70)}
    ef.add_roadmap(con, "A", "2022-T1", "2023-T4", targets)
    ef.add_roadmap(con, "A", "2024-T1", "2026-T4", {"sorties_rue_logement": (None, 80, 20),
                                                      "expulsions_effectives": (None, 12)})
    ef.add_roadmap(con, "B", "2024-T3", "2024-T3", targets)
    ef.add_roadmap(con, "C", "2023-T1", "2025-T4", targets)
    ef.add_roadmap(con, "D", "2027-T1", "2028-T4", targets)
    ef.add_roadmap(con, "F", "2024-T1", "2024-T4", {"sorties_rue_logement": (None, 5), "expulsions_effectives": (None, 12)})
    for depot, day in ((1, dt.datetime(2024, 4, 20)), (2, dt.datetime(2024, 7, 15, 8)), (3, dt.datetime(2023, 1, 9))):
        ef.add_depot(con, depot, day)
    for code in ("A", "B", "C", "E", "F", "Z"):
        ef.add_values(con, code, "sorties_rue_logement", {"2022-T2": 4, "2023-T3": 6.5, "2024-T1": 0, "2024-T3": 9},
                      depot_id=2, enregistre_le=dt.datetime(2024, 10, 2))
        ef.add_values(con, code, "personnes_rue_denombrees", {"2021-T4": 310, "2023-T2": 280.25, "2024-T2": 250},
                      depot_id=1)
        ef.add_values(con, code, "attributions_sans_domicile", {"2022-T3": 3, "2024-T1": 5, "2024-T3": 2})
        ef.add_values(con, code, "attributions_total", {"2022-T3": 0, "2024-T1": 20, "2024-T2": 10})
        ef.add_values(con, code, "sorties_hebergement_logement", {"2023-T3": 7, "2024-T2": 1})
        ef.add_values(con, code, "demandes_115", {"2024-T1": 0, "2024-T3": 0})
        ef.add_values(con, code, "demandes_115_non_pourvues", {"2024-T1": 0, "2024-T3": 3})
    ef.add_values(con, "F", "expulsions_effectives", {"2024-T1": 1, "2024-T2": 2})
    ef.add_former_value(con, "A", "sorties_rue_logement", "2024-T3", 8, depot_id=None,
                        enregistre_le=dt.datetime(2024, 10, 1, 6), remplacee_le=dt.datetime(2024, 10, 2))
    ef.add_former_value(con, "E", "sorties_rue_logement", "2024-T3", 8, depot_id=3,
                        enregistre_le=dt.datetime(2024, 10, 1, 6), remplacee_le=dt.datetime(2024, 10, 2))
    return con


SWEEP = ("2021-T3", "2029-T1")  # the edge store's sweep, before its first roadmap to after its last


def _edge_quarters(con) -> list[str]:
    """The quarters of the sweep where the edge store's statuses change: each roadmap's first
    quarter and the one after it, its last quarter, and both ends of the sweep (make test-fast
    sweeps these; make test every quarter, test_edge_cases_at_every_quarter)."""
    found = set(SWEEP)
    for debut, fin in con.execute("SELECT debut, fin FROM feuille_de_route").fetchall():
        found |= {debut, quarters.shift(debut, 1), fin}
    return sorted(found)


def _edge_sweep(con, sweep) -> set:
    statuts = set()
    for at in sweep:
        assert_same_picture(con, at)
        statuts |= set(progress.progress(con, at)["statut"])
    return statuts


@pytest.mark.slow
def test_edge_cases_at_every_quarter():
    assert _edge_sweep(_edge_store(), quarters.quarter_range(*SWEEP)) == set(status.STATUTS)


def test_edge_cases():
    con = _edge_store()
    assert _edge_sweep(con, _edge_quarters(con)) == set(status.STATUTS)
    for territoires in (["A"], ["C", "E"], ["Z"], []):
        assert_same_picture(con, "2024-T3", territoires)
    # a figure of the edge store checked by hand: A's renewed roadmap at 2024-T3 has its flux
    # reported at 2024-T1 (0) and 2024-T3 (9): 9 of 80, expected 20 * 3 / 4 = 15
    row = ef.row(progress.progress(con, "2024-T3"), territoire="A", indicateur="sorties_rue_logement")
    assert (row["realise"], row["attendu"], row["trimestres_renseignes"], row["statut"]) == (9, 15, 2, "en_retard")


def test_demo_database(demo_module_db):
    with store.connect(demo_module_db) as con:
        at = quarters.reference()
        rows = 0
        for q in (quarters.shift(at, -9), quarters.shift(at, -4), quarters.shift(at, -1), at, quarters.shift(at, 2)):
            rows += assert_same_picture(con, q)
        codes = [r[0] for r in con.execute("SELECT code FROM territoire ORDER BY code LIMIT 3").fetchall()]
        assert_same_picture(con, at, codes)
        assert rows > 100


@pytest.mark.slow
def test_bench_scale_database(tmp_path):
    from bench import bench_indicators as bench

    with store.connect(tmp_path / "bench.duckdb") as con:
        bench.build(con)
        assert assert_same_picture(con, bench.AT) == 43328
        assert_same_picture(con, "2025-T3")


def test_completeness_beyond_one_mask_falls_back_on_the_set_wise_engine(monkeypatch):
    from data import engine_reads

    con = _edge_store()
    expected = oracle_completeness(con, "2024-T3")
    codes = [r[0] for r in con.execute("SELECT code FROM indicateur ORDER BY code").fetchall()]
    with pytest.raises(ValueError, match="au plus 64"):
        engine_reads.reporting(con, "2024-T3", codes * 3)
    # a catalogue wider than the mask: the set-wise query serves, with the same frame
    monkeypatch.setattr(engine_reads, "MASK_BITS", 4)
    assert_same_frame(completeness.completeness(con, "2024-T3"), expected)
    assert (expected["attendus"] > 4).any()


def test_applicable_windows_choose_as_the_sql():
    from data import engine_reads
    from indicators import picture

    con = _edge_store()
    ef.add_roadmap(con, "E", "2024-T2", "2024-T4", {})
    ef.add_roadmap(con, "E", "2024-T2", "2025-T1", {})  # same start: the one still running, then the latest id
    ef.add_roadmap(con, "E", "2023-T1", "2023-T2", {})
    for at in ("2022-T4", "2023-T2", "2024-T2", "2024-T4", "2025-T1", "2025-T2", "2030-T1"):
        got = picture.applicable_windows(engine_reads.roadmaps(con), at).to_pandas()
        sql = engine_reads.applicable_roadmaps_sql("(SELECT $at AS reference)", "true")
        expected = con.execute(f"SELECT territoire, feuille_id, debut, fin FROM ({sql}) "
                               "WHERE territoire IN (SELECT code FROM territoire WHERE actif) ORDER BY territoire",
                               {"at": at}).df()
        assert got[["territoire", "feuille_id", "debut", "fin"]].astype(object).values.tolist() == \
            expected.astype(object).values.tolist()
        assert (got["k"] <= got["n"]).all()


def test_status_rule_in_numpy_is_the_sql_rule():
    """picture.status_positions() against status.status_sql() on drawn rows covering every branch:
    both directions, additive or not, before, during and after the window, missing and equal
    baselines, values on and around the thresholds."""
    import random

    import numpy as np
    import pandas as pd

    from indicators import picture

    rnd = random.Random(7)
    rows = []
    for _ in range(3000):
        nature = rnd.choice(["flux", "somme", "stock", "ratio"])
        n = rnd.randint(1, 12)
        k = rnd.choice([0, rnd.randint(1, n), n])
        cible = rnd.choice([0.0, 10.0, 80.0, rnd.uniform(0, 100)])
        base = rnd.choice([None, cible, 50.0, rnd.uniform(0, 100)])
        attendu = None if k == 0 else rnd.choice([cible, 0.0, rnd.uniform(0, 100)])
        realise = rnd.choice([None, cible, attendu, 0.9 * attendu if attendu else 1.0, 1.1 * attendu if attendu else 2.0,
                              rnd.uniform(0, 120)])
        rows.append((nature, rnd.choice(["hausse", "baisse", "neutre"]), k, n, rnd.choice([0, 1, 3]),
                     realise, attendu, base, cible))
    frame = pd.DataFrame(rows, columns=["nature", "sens", "k", "n", "m", "realise", "attendu", "valeur_base", "cible"])
    con = ef.connect()
    expected = con.execute(f"SELECT ({status.status_sql(position=True)})::INTEGER AS s FROM frame",
                           status.sql_params()).df()["s"].to_numpy()
    values = {c: frame[c].to_numpy(dtype=float) for c in ("realise", "attendu", "valeur_base", "cible")}
    got = picture.status_positions(frame["nature"].isin(["flux", "somme"]).to_numpy(), (frame["sens"] == "baisse").to_numpy(),
                                   frame["k"].to_numpy(), frame["n"].to_numpy(), frame["m"].to_numpy(),
                                   values["realise"], values["attendu"], values["valeur_base"], values["cible"])
    assert np.array_equal(got, expected)
    assert set(expected) == set(range(len(status.STATUTS)))


def test_empty_stores():
    con = ef.connect()
    assert assert_same_picture(con, "2024-T3") == 0  # no territory
    ef.add_territory(con, "A")
    assert assert_same_picture(con, "2024-T3") == 0  # no roadmap, no value
    ef.add_roadmap(con, "A", "2024-T1", "2024-T4", {"sorties_rue_logement": (None, 5)})
    assert assert_same_picture(con, "2024-T3") == 1  # a target, nothing reported
    assert progress.progress(con, "2024-T3")["statut"].tolist() == [status.NON_RENSEIGNE]


def test_the_national_page_s_view_reads_the_whole_picture_once(monkeypatch):
    """views.pilotage() (the national page's cached view) computes progress and national table
    with one call of tableau.tableau_national(), and hands over the oracle's frames; a filtered
    call computes the progress only."""
    from indicators import views

    con = _edge_store()
    calls = []
    shared = tableau.tableau_national
    monkeypatch.setattr(tableau, "tableau_national", lambda *a, **k: calls.append(a[1:]) or shared(*a, **k))
    at = "2024-T3"
    page = views.pilotage(con, at, ())
    assert calls == [(at,)]
    expected = oracle_progress(con, at)
    assert_same_frame(page["national"], oracle_national(con, at, expected))
    assert page["resume"]["objectifs"] == len(expected) > 0
    filtered = views.pilotage(con, at, (("indicateurs", ("sorties_rue_logement",)),))
    assert calls == [(at,)] and filtered["national"] is None and "completude" not in page
    assert filtered["resume"]["objectifs"] == (expected["indicateur"] == "sorties_rue_logement").sum()


def test_a_stock_without_value_in_the_pass_takes_its_latest_value_before_it(monkeypatch):
    """At 2022-T2 the pass starts at 2022-T1 (A's first roadmap): the stock reported at 2021-T4 by
    the four active territories A, B, E, F is read before the pass, for the territories missing it."""
    from data import engine_reads

    con = _edge_store()
    calls = []
    before = engine_reads.stocks_before
    monkeypatch.setattr(engine_reads, "stocks_before", lambda *a: calls.append(a[1]) or before(*a))
    nat = tableau.tableau_national(con, "2022-T2")[1].set_index("indicateur")
    row = nat.loc["personnes_rue_denombrees"]
    assert (row["valeur"], row["territoires_renseignes"], row["trimestre_plus_ancien"]) == (4 * 310, 4, "2021-T4")
    assert calls == ["2022-T1"]
