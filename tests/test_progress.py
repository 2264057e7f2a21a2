"""Progress toward roadmap targets (indicators.progress), against hand-computed expectations of
methodologie.md. Each case: one territory, one roadmap, one target, a few values."""

from __future__ import annotations

import math

import pytest

from indicators import progress, status
from tests import engine_fixtures as ef

W = ("2024-T1", "2025-T4")  # the usual window: n = 8
T = "T1"


def one(indicateur, target, values, at, window=W, extra_values=None):
    """Progress row of ``indicateur`` for a territory with one roadmap ``window`` and ``target``
    (base, cible[, jalon]); ``values`` maps quarters to values of the indicator (or, for a derived
    one, ``extra_values`` maps component -> {quarter: value})."""
    con = ef.connect()
    ef.add_territory(con, T)
    ef.add_roadmap(con, T, window[0], window[1], {indicateur: target})
    if values:
        ef.add_values(con, T, indicateur, values)
    for comp, vals in (extra_values or {}).items():
        ef.add_values(con, T, comp, vals)
    frame = progress.progress(con, at)
    assert list(frame["indicateur"]) == [indicateur]
    return frame.iloc[0].to_dict()


def q(year_quarters: str, value) -> dict:
    """'2024-T1..2024-T4' -> {each quarter: value}."""
    from core import quarters

    first, last = year_quarters.split("..")
    return {x: value for x in quarters.quarter_range(first, last)}


def close(a, b):
    if b is None:
        return a is None or (isinstance(a, float) and math.isnan(a))
    return a == pytest.approx(b, rel=1e-12, abs=1e-12)


def check(row, **expected):
    for key, value in expected.items():
        assert close(row[key], value), f"{key}: {row[key]!r} != {value!r}"


# (id, indicateur, target, values, at, expected: realise, attendu, avancement_pct, statut, projection_fin, k, m)
FLUX_CASES = [
    # no milestone, C = 80 over 8 quarters: P(4) = 40
    ("flux-on-path", "sorties_rue_logement", (None, 80), q("2024-T1..2024-T4", 10), "2024-T4",
     (40, 40, 50, "dans_la_trajectoire", 80, 4, 4)),
    ("flux-a-surveiller", "sorties_rue_logement", (None, 80), {**q("2024-T1..2024-T3", 10), "2024-T4": 5}, "2024-T4",
     (35, 40, 43.75, "a_surveiller", 70, 4, 4)),
    ("flux-en-retard", "sorties_rue_logement", (None, 80), q("2024-T1..2024-T4", 5), "2024-T4",
     (20, 40, 25, "en_retard", 40, 4, 4)),
    ("flux-atteint-early", "sorties_rue_logement", (None, 80), q("2024-T1..2024-T3", 30), "2024-T3",
     (90, 30, 112.5, "atteint", 240, 3, 3)),
    # gaps: T2 and T4 missing are not zeros: m = 2, the projection extrapolates the 2 reported
    ("flux-gaps", "sorties_rue_logement", (None, 80), {"2024-T1": 10, "2024-T3": 14}, "2024-T4",
     (24, 40, 30, "en_retard", 96, 4, 2)),
    ("flux-nothing-reported", "sorties_rue_logement", (None, 80), {}, "2024-T2",
     (None, 20, None, "non_renseigne", None, 2, 0)),
    # a value outside the window is not part of the realised count
    ("flux-value-before-window", "sorties_rue_logement", (None, 80), {"2023-T4": 50, "2024-T1": 10}, "2024-T1",
     (10, 10, 12.5, "dans_la_trajectoire", 80, 1, 1)),
    # milestone J = 30 at the end of year one: P(2) = 30 x 2 / 4 = 15
    ("milestone-year-one", "sorties_rue_logement", (None, 80, 30), q("2024-T1..2024-T2", 8), "2024-T2",
     (16, 15, 20, "dans_la_trajectoire", 64, 2, 2)),
    # P(6) = 30 + (80 - 30) x 2 / 4 = 55; realised 32 + 20 = 52 >= 0.8 x 55
    ("milestone-year-two", "sorties_rue_logement", (None, 80, 30),
     {**q("2024-T1..2024-T4", 8), "2025-T1": 10, "2025-T2": 10}, "2025-T2",
     (52, 55, 65, "a_surveiller", 52 / 6 * 8, 6, 6)),
    # the same values without the milestone: P(6) = 60, 52 >= 48
    ("no-milestone-year-two", "sorties_rue_logement", (None, 80),
     {**q("2024-T1..2024-T4", 8), "2025-T1": 10, "2025-T2": 10}, "2025-T2",
     (52, 60, 65, "a_surveiller", 52 / 6 * 8, 6, 6)),
    # a milestone on a one-year window is ignored: P(2) = 40 x 2 / 4 = 20, not 15
    ("milestone-ignored-short-window", "sorties_rue_logement", (None, 40, 30), q("2024-T1..2024-T2", 9), "2024-T2",
     (18, 20, 45, "a_surveiller", 36, 2, 2), ("2024-T1", "2024-T4")),
    # flux 'baisse': C = 800 is a ceiling over the window, P(4) = 400
    ("baisse-under-path", "nuitees_hotelieres", (None, 800), q("2024-T1..2024-T4", 100), "2024-T4",
     (400, 400, 50, "dans_la_trajectoire", 800, 4, 4)),
    ("baisse-a-surveiller", "nuitees_hotelieres", (None, 800), q("2024-T1..2024-T4", 110), "2024-T4",
     (440, 400, 55, "a_surveiller", 880, 4, 4)),
    ("baisse-en-retard", "nuitees_hotelieres", (None, 800), q("2024-T1..2024-T4", 130), "2024-T4",
     (520, 400, 65, "en_retard", 1040, 4, 4)),
    # far under the ceiling but the window is not over: never 'atteint' before k = n
    ("baisse-not-atteint-before-end", "nuitees_hotelieres", (None, 800), {"2024-T1": 0}, "2024-T1",
     (0, 100, 0, "dans_la_trajectoire", 0, 1, 1)),
    ("baisse-atteint-at-end", "nuitees_hotelieres", (None, 800), q("2024-T1..2025-T4", 90), "2025-T4",
     (720, 800, 90, "atteint", 720, 8, 8)),
    # k = n but over the ceiling: 850 <= 1.2 x 800
    ("baisse-over-ceiling-at-end", "nuitees_hotelieres", (None, 800),
     {**q("2024-T1..2025-T3", 100), "2025-T4": 150}, "2025-T4",
     (850, 800, 106.25, "a_surveiller", 850, 8, 8)),
    # after the window: read at fin (k = n); later values are outside the window
    ("after-window", "nuitees_hotelieres", (None, 800), {**q("2024-T1..2025-T4", 90), "2026-T1": 999}, "2026-T2",
     (720, 800, 90, "atteint", 720, 8, 8)),
    # before the window
    ("before-window", "sorties_rue_logement", (None, 80), {"2023-T4": 10}, "2023-T4",
     (None, None, None, "non_demarre", None, 0, 0)),
    # a 'neutre' flux with a target is read as a level to reach
    ("neutre-as-hausse", "attributions_total", (None, 800), q("2024-T1..2024-T4", 100), "2024-T4",
     (400, 400, 50, "dans_la_trajectoire", 800, 4, 4)),
    # a target of 0: no percentage (no division by zero), the status still follows the rule
    ("flux-target-zero-baisse", "expulsions_effectives", (None, 0), q("2024-T1..2024-T2", 0), "2024-T2",
     (0, 0, None, "dans_la_trajectoire", 0, 2, 2)),
]


@pytest.mark.parametrize("case", FLUX_CASES, ids=[c[0] for c in FLUX_CASES])
def test_flux_progress(case):
    _, indicateur, target, values, at, expected, *window = case
    row = one(indicateur, target, values, at, *(window or [W]))
    realise, attendu, avancement, statut, projection, k, m = expected
    check(row, realise=realise, attendu=attendu, avancement_pct=avancement, projection_fin=projection,
          trimestres_ecoules=k, trimestres_renseignes=m)
    assert row["statut"] == statut


# stock, B and C given; P(k) = B + (C - B) k / n; f = (r - B) / (C - B), g = (P - B) / (C - B)
STOCK_CASES = [
    # hausse, B = 100, C = 200, k = 4: P = 150. Latest reported quarter T3 (j = 3): r = 150
    ("stock-on-path", "menages_accompagnes", (100, 200), {"2024-T1": 120, "2024-T3": 150}, "2024-T4",
     (150, 150, 50, "dans_la_trajectoire", 100 + 50 / 3 * 8, 4, 2)),
    ("stock-a-surveiller", "menages_accompagnes", (100, 200), {"2024-T4": 145}, "2024-T4",
     (145, 150, 45, "a_surveiller", 190, 4, 1)),
    ("stock-en-retard", "menages_accompagnes", (100, 200), {"2024-T4": 135}, "2024-T4",
     (135, 150, 35, "en_retard", 170, 4, 1)),
    ("stock-atteint", "menages_accompagnes", (100, 200), {"2024-T2": 210}, "2024-T4",
     (210, 150, 110, "atteint", 540, 4, 1)),
    # the latest value stands, even when lower than an earlier one
    ("stock-latest-not-max", "menages_accompagnes", (100, 200), {"2024-T1": 190, "2024-T2": 130}, "2024-T2",
     (130, 125, 30, "dans_la_trajectoire", 220, 2, 2)),
    # baisse (a stock going down): B = 500, C = 300, k = 4: P = 400
    ("stock-down-on-path", "personnes_rue_denombrees", (500, 300), {"2024-T4": 390}, "2024-T4",
     (390, 400, 55, "dans_la_trajectoire", 280, 4, 1)),
    ("stock-down-en-retard", "personnes_rue_denombrees", (500, 300), {"2024-T4": 430}, "2024-T4",
     (430, 400, 35, "en_retard", 360, 4, 1)),
    ("stock-down-atteint", "personnes_rue_denombrees", (500, 300), {"2024-T4": 280}, "2024-T4",
     (280, 400, 110, "atteint", 60, 4, 1)),
    ("stock-going-wrong-way", "personnes_rue_denombrees", (500, 300), {"2024-T4": 520}, "2024-T4",
     (520, 400, -10, "en_retard", 540, 4, 1)),
    # milestone on a stock: J = 450 at year one; P(2) = 500 - 50 x 2 / 4 = 475, g = 0.125
    ("stock-milestone-a-surveiller", "personnes_rue_denombrees", (500, 300, 450), {"2024-T2": 478}, "2024-T2",
     (478, 475, 11, "a_surveiller", 412, 2, 1)),
    ("stock-milestone-en-retard", "personnes_rue_denombrees", (500, 300, 450), {"2024-T2": 485}, "2024-T2",
     (485, 475, 7.5, "en_retard", 440, 2, 1)),
    # after the window: read at fin, a stock value after fin is ignored
    ("stock-after-window", "menages_accompagnes", (100, 200), {"2025-T4": 205, "2026-T1": 90}, "2026-T3",
     (205, 200, 105, "atteint", 205, 8, 1)),
]


@pytest.mark.parametrize("case", STOCK_CASES, ids=[c[0] for c in STOCK_CASES])
def test_stock_progress(case):
    _, indicateur, target, values, at, expected = case
    row = one(indicateur, target, values, at)
    realise, attendu, avancement, statut, projection, k, m = expected
    check(row, realise=realise, attendu=attendu, avancement_pct=avancement, projection_fin=projection,
          trimestres_ecoules=k, trimestres_renseignes=m)
    assert row["statut"] == statut


RATIO = "part_attributions_sans_domicile"  # attributions_sans_domicile / attributions_total


def test_ratio_quarter_with_missing_numerator_does_not_count():
    # T2 has a denominator but no numerator: it is left out entirely (15 / 200, not 15 / 300),
    # and the figure is a ratio of sums (7.5 %), not the mean of the quarterly rates (8 %).
    row = one(RATIO, (5, 10), {}, "2024-T4", extra_values={
        "attributions_sans_domicile": {"2024-T1": 6, "2024-T3": 4, "2024-T4": 5},
        "attributions_total": {"2024-T1": 100, "2024-T2": 100, "2024-T3": 50, "2024-T4": 50},
    })
    check(row, realise=7.5, attendu=7.5, avancement_pct=50, projection_fin=7.5,
          trimestres_ecoules=4, trimestres_renseignes=3)
    assert row["statut"] == "dans_la_trajectoire"


def test_ratio_quarter_with_missing_denominator_does_not_count():
    row = one(RATIO, (5, 10), {}, "2024-T2", extra_values={
        "attributions_sans_domicile": {"2024-T1": 9, "2024-T2": 50},
        "attributions_total": {"2024-T1": 100},
    })
    # P(2) = 6.25, f = 0.8, g = 0.25
    check(row, realise=9, attendu=6.25, avancement_pct=80, trimestres_renseignes=1)
    assert row["statut"] == "dans_la_trajectoire"


@pytest.mark.parametrize("num,expected_status", [(53, "en_retard"), (51, "a_surveiller"), (49, "dans_la_trajectoire"),
                                                 (39, "atteint")])
def test_ratio_baisse(num, expected_status):
    # taux_115_non_pourvues, B = 60 %, C = 40 %, k = 4: P = 50 %
    row = one("taux_115_non_pourvues", (60, 40), {}, "2024-T4", extra_values={
        "demandes_115_non_pourvues": {"2024-T4": num}, "demandes_115": {"2024-T4": 100},
    })
    check(row, realise=num, attendu=50, avancement_pct=100 * (num - 60) / (40 - 60), projection_fin=num)
    assert row["statut"] == expected_status


def test_ratio_nothing_counted_is_non_renseigne():
    row = one(RATIO, (5, 10), {}, "2024-T4", extra_values={"attributions_total": {"2024-T1": 100}})
    check(row, realise=None, avancement_pct=None, projection_fin=None, trimestres_renseignes=0)
    assert row["statut"] == "non_renseigne"


def test_somme_counts_a_quarter_with_one_component():
    # T1: 10 + 20; T2: 10 (shelter exits missing, not zero); T3: nothing; T4: 10 + 35
    row = one("acces_logement_sans_domicile", (None, 200), {}, "2024-T4", extra_values={
        "sorties_rue_logement": {"2024-T1": 10, "2024-T2": 10, "2024-T4": 10},
        "sorties_hebergement_logement": {"2024-T1": 20, "2024-T4": 35},
    })
    check(row, realise=85, attendu=100, avancement_pct=42.5, projection_fin=85 / 3 * 8,
          trimestres_ecoules=4, trimestres_renseignes=3)
    assert row["statut"] == "a_surveiller"


def renewed():
    con = ef.connect()
    ef.add_territory(con, T)
    ef.add_roadmap(con, T, "2022-T1", "2022-T4", {"sorties_rue_logement": (None, 40)})
    ef.add_roadmap(con, T, "2023-T3", "2025-T2", {"sorties_rue_logement": (None, 160), "menages_accompagnes": (10, 20)})
    ef.add_values(con, T, "sorties_rue_logement", q("2021-T1..2025-T4", 10))
    return con


@pytest.mark.parametrize("at,debut,cible,k,realise,indicators", [
    ("2021-T4", "2022-T1", 40, 0, None, 1),   # before both: the first one, not started
    ("2022-T2", "2022-T1", 40, 2, 20, 1),     # inside the first window
    ("2023-T1", "2022-T1", 40, 4, 40, 1),     # between the two: the latest started before, read at its fin
    ("2023-T3", "2023-T3", 160, 1, 10, 2),    # the renewal's first quarter
    ("2026-T1", "2023-T3", 160, 8, 80, 2),    # after everything: the latest, read at its fin
])
def test_renewed_roadmap(at, debut, cible, k, realise, indicators):
    frame = progress.progress(renewed(), at)
    assert len(frame) == indicators
    row = ef.row(frame, indicateur="sorties_rue_logement")
    assert (row["debut"], row["cible"], row["trimestres_ecoules"]) == (debut, cible, k)
    assert close(row["realise"], realise)


def test_revised_target_uses_the_current_one():
    con = ef.connect()
    ef.add_territory(con, T)
    fid = ef.add_roadmap(con, T, *W, {"sorties_rue_logement": (None, 120)})
    # the former target (80) stays in the history and must not be used
    con.execute(
        "INSERT INTO cible_historique VALUES (?, 'sorties_rue_logement', NULL, NULL, 80, NULL, 1, NULL, 't', ?, ?, NULL)",
        [fid, ef.NOW, ef.NOW],
    )
    ef.add_values(con, T, "sorties_rue_logement", q("2024-T1..2024-T4", 10))
    row = progress.progress(con, "2024-T4").iloc[0]
    # with 80, P = 40 and the status would be 'dans_la_trajectoire'; with 120, P = 60: 40 < 48
    assert (row["cible"], row["attendu"], row["statut"]) == (120, 60, "en_retard")


def test_set_wise_over_territories_and_active_filter():
    con = ef.connect()
    for code, actif in (("A", True), ("B", True), ("C", False), ("D", True)):
        ef.add_territory(con, code, actif=actif)
    for code in "ABC":
        ef.add_roadmap(con, code, *W, {"sorties_rue_logement": (None, 80), "menages_accompagnes": (10, 20)})
    ef.add_values(con, "A", "sorties_rue_logement", {"2024-T1": 10})
    ef.add_values(con, "B", "sorties_rue_logement", {"2024-T1": 5})
    ef.add_values(con, "C", "sorties_rue_logement", {"2024-T1": 50})
    frame = progress.progress(con, "2024-T1")
    # inactive C and roadmap-less D are not in the default picture; rows in catalogue order
    assert list(zip(frame["territoire"], frame["indicateur"])) == [
        ("A", "sorties_rue_logement"), ("A", "menages_accompagnes"),
        ("B", "sorties_rue_logement"), ("B", "menages_accompagnes"),
    ]
    assert list(frame["realise"].iloc[[0, 2]]) == [10, 5]
    assert list(frame["statut"]) == ["dans_la_trajectoire", "non_renseigne", "en_retard", "non_renseigne"]
    # asked by name, an inactive territory is computed
    only_c = progress.progress(con, "2024-T1", ["C"])
    assert list(only_c["realise"].iloc[:1]) == [50]
    assert progress.progress(con, "2024-T1", ["D"]).empty


def test_columns_of_the_contract_and_types():
    row_frame = progress.progress(renewed(), "2024-T1")
    assert set(progress.COLUMNS) <= set(row_frame.columns)
    assert row_frame["trimestres_ecoules"].dtype.kind == "i"
    assert row_frame["trimestres_renseignes"].dtype.kind == "i"
    assert set(row_frame["statut"]) <= set(status.STATUTS)


def test_progress_history_follows_the_path():
    con = ef.connect()
    ef.add_territory(con, T)
    ef.add_roadmap(con, T, *W, {"sorties_rue_logement": (None, 80, 30)})
    ef.add_values(con, T, "sorties_rue_logement", {"2024-T1": 5, "2024-T2": 10, "2024-T4": 20})
    hist = progress.progress_history(con, [T], "2023-T4", "2024-T4")
    assert list(hist["reference"]) == ["2023-T4", "2024-T1", "2024-T2", "2024-T3", "2024-T4"]
    # 5 < 0.8 x 7.5; 15 >= 15; 15 < 0.8 x 22.5; 35 >= 30
    assert list(hist["statut"]) == ["non_demarre", "en_retard", "dans_la_trajectoire",
                                    "en_retard", "dans_la_trajectoire"]
    # cumulative realised values and the milestone path 7.5, 15, 22.5, 30
    assert hist["realise"].iloc[1:].tolist() == [5, 15, 15, 35]
    assert hist["attendu"].iloc[1:].tolist() == [7.5, 15, 22.5, 30]


def test_roadmap_windows_lists_renewals_in_order():
    frame = progress.roadmap_windows(renewed(), [T])
    assert list(zip(frame["debut"], frame["fin"], frame["indicateurs"])) == [
        ("2022-T1", "2022-T4", 1), ("2023-T3", "2025-T2", 2)]


def test_status_rule_is_the_only_place_for_thresholds():
    # the thresholds reach the SQL only as parameters of parameters.py
    sql = status.status_sql()
    assert "0.8" not in sql and "1.2" not in sql
    assert status.sql_params() == {"tolerance_retard": 0.8, "tolerance_depassement": 1.2}
    assert list(status.STATUTS) == ["non_demarre", "non_renseigne", "en_retard", "a_surveiller",
                                    "dans_la_trajectoire", "atteint"]
    assert status.LIBELLES["dans_la_trajectoire"] == "Dans la trajectoire"
    assert status.LIBELLES["a_surveiller"] == "À surveiller"
    assert len(set(status.ICONES.values())) == len(status.STATUTS)
    assert len(set(status.COULEURS.values())) == len(status.STATUTS)
    assert status.affichage("atteint") == "✔ Atteint"
