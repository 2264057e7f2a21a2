"""Derived indicators (indicators.derived): somme and ratio per quarter and over a period."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import store
from indicators import derived
from core import quarters
from tests import engine_fixtures as ef

RATIO = "part_attributions_sans_domicile"
NUM, DEN = "attributions_sans_domicile", "attributions_total"
SOMME = "acces_logement_sans_domicile"
RUE, HEB = "sorties_rue_logement", "sorties_hebergement_logement"


@pytest.fixture
def con():
    con = ef.connect()
    ef.add_territory(con, "A")
    ef.add_territory(con, "B")
    ef.add_values(con, "A", RUE, {"2024-T1": 10, "2024-T2": 10, "2024-T4": 10})
    ef.add_values(con, "A", HEB, {"2024-T1": 20, "2024-T4": 35})
    ef.add_values(con, "A", NUM, {"2024-T1": 6, "2024-T3": 4, "2024-T4": 5})
    ef.add_values(con, "A", DEN, {"2024-T1": 100, "2024-T2": 100, "2024-T3": 50, "2024-T4": 50})
    ef.add_values(con, "A", "menages_accompagnes", {"2024-T1": 190, "2024-T3": 130})
    ef.add_values(con, "B", RUE, {"2024-T1": 1})
    return con


def as_dict(frame, column="valeur", key=("territoire", "indicateur", "trimestre")):
    return {tuple(r[k] for k in key): r[column] for _, r in frame.iterrows()}


def test_components_map_the_catalogue(con):
    comp = con.execute(f"SELECT indicateur, composante, role FROM ({derived.components_sql()}) "
                       "WHERE indicateur IN (?, ?, ?) ORDER BY ALL", [SOMME, RATIO, RUE]).fetchall()
    assert comp == [
        (SOMME, HEB, "valeur"), (SOMME, RUE, "valeur"),
        (RATIO, NUM, "numerateur"), (RATIO, DEN, "denominateur"),
        (RUE, RUE, "valeur"),
    ]


def test_quarterly_somme_and_ratio(con):
    frame = derived.quarterly(con, territoires=["A"], indicateurs=[SOMME, RATIO])
    # somme: a quarter counts with one component reported; T3 has none and has no row (not 0)
    assert as_dict(frame[frame.indicateur == SOMME]) == {
        ("A", SOMME, "2024-T1"): 30, ("A", SOMME, "2024-T2"): 10, ("A", SOMME, "2024-T4"): 45}
    # ratio: T2 has a denominator but no numerator: no row
    ratio = frame[frame.indicateur == RATIO]
    assert as_dict(ratio) == {("A", RATIO, "2024-T1"): 6, ("A", RATIO, "2024-T3"): 8, ("A", RATIO, "2024-T4"): 10}
    assert as_dict(ratio, "numerateur") == {("A", RATIO, "2024-T1"): 6, ("A", RATIO, "2024-T3"): 4,
                                            ("A", RATIO, "2024-T4"): 5}
    assert as_dict(ratio, "denominateur") == {("A", RATIO, "2024-T1"): 100, ("A", RATIO, "2024-T3"): 50,
                                              ("A", RATIO, "2024-T4"): 50}


def test_quarterly_base_values_pass_through(con):
    frame = derived.quarterly(con, debut="2024-T2", fin="2024-T3", indicateurs=[RUE, "menages_accompagnes"])
    assert as_dict(frame) == {("A", RUE, "2024-T2"): 10, ("A", "menages_accompagnes", "2024-T3"): 130}


def test_over_period_ratio_of_sums_not_mean_of_rates(con):
    frame = derived.over_period(con, "2024-T1", "2024-T4", territoires=["A"])
    got = {r.indicateur: r for r in frame.itertuples()}
    # (6 + 4 + 5) / (100 + 50 + 50) = 7.5 %, while the mean of the quarterly rates would be 8 %
    assert got[RATIO].valeur == pytest.approx(7.5)
    assert (got[RATIO].numerateur, got[RATIO].denominateur, got[RATIO].trimestres_renseignes) == (15, 200, 3)
    # somme summed over its counted quarters; flux summed; stock = the latest value, not the largest
    assert (got[SOMME].valeur, got[SOMME].trimestres_renseignes) == (85, 3)
    assert (got[DEN].valeur, got[DEN].trimestres_renseignes) == (300, 4)
    assert (got["menages_accompagnes"].valeur, got["menages_accompagnes"].dernier_trimestre) == (130, "2024-T3")


def test_over_period_with_nothing_reported_has_no_row(con):
    frame = derived.over_period(con, "2023-T1", "2023-T4")
    assert frame.empty
    only_b = derived.over_period(con, None, None, territoires=["B"])
    assert list(zip(only_b.indicateur, only_b.valeur)) == [(SOMME, 1), (RUE, 1)]


def test_ratio_with_zero_denominator_counts_but_has_no_rate():
    con = ef.connect()
    ef.add_values(con, "A", NUM, {"2024-T1": 0, "2024-T2": 3})
    ef.add_values(con, "A", DEN, {"2024-T1": 0, "2024-T2": 12})
    frame = derived.quarterly(con, indicateurs=[RATIO])
    assert frame["valeur"].isna().tolist() == [True, False]
    period = derived.over_period(con, "2024-T1", "2024-T2", indicateurs=[RATIO]).iloc[0]
    assert (period.valeur, period.trimestres_renseignes) == (25, 2)


def test_works_on_registered_frames():
    """The engine only needs relations with the store's names and columns (frames in a test)."""
    import duckdb

    con = duckdb.connect()
    store.register(con, "indicateur", pd.DataFrame({
        "code": [NUM, DEN, RATIO], "nature": ["flux", "flux", "ratio"], "sens": ["hausse", "neutre", "hausse"],
        "composantes": [None, None, None], "numerateur": [None, None, NUM], "denominateur": [None, None, DEN],
    }))
    store.register(con, "valeur", pd.DataFrame({
        "territoire": ["A", "A", "A"], "indicateur": [NUM, DEN, DEN],
        "trimestre": ["2024-T1", "2024-T1", "2024-T2"], "valeur": [2.0, 8.0, 10.0],
    }))
    frame = derived.over_period(con, "2024-T1", "2024-T2", indicateurs=[RATIO, DEN])
    assert dict(zip(frame.indicateur, frame.valeur)) == {DEN: 18, RATIO: 25}


QUARTERS = quarters.quarter_range("2024-T1", "2025-T4")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(
    st.tuples(st.sampled_from(QUARTERS), st.integers(0, 500), st.integers(0, 500), st.sampled_from(["both", "num", "den"])),
    min_size=1, max_size=8, unique_by=lambda t: t[0],
))
def test_ratio_stays_within_0_100_for_consistent_inputs(rows):
    con = ef.connect()
    for trimestre, a, b, which in rows:
        num, den = min(a, b), max(a, b)  # consistent: a part never exceeds its whole
        if which in ("both", "num"):
            ef.add_values(con, "A", NUM, {trimestre: num})
        if which in ("both", "den"):
            ef.add_values(con, "A", DEN, {trimestre: den})
    counted = [(min(a, b), max(a, b)) for _, a, b, which in rows if which == "both"]
    frame = derived.over_period(con, None, None, indicateurs=[RATIO])
    if not counted:
        assert frame.empty
        return
    value = frame["valeur"].iloc[0]
    total_den = sum(d for _, d in counted)
    if total_den == 0:
        assert math.isnan(value)
    else:
        assert 0 <= value <= 100
        assert value == pytest.approx(100 * sum(n for n, _ in counted) / total_den)
    assert frame["trimestres_renseignes"].iloc[0] == len(counted)
