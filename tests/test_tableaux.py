"""The shapes the pages show (indicators/tableaux.py, indicators/methode.py), with hand-computed
expectations on small in-memory stores."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from data import lectures
from data.access import Personne
from indicators import methode, status, tableaux
from tests import engine_fixtures as ef


@pytest.fixture
def con():
    c = ef.connect()
    ef.add_territory(c, "A", nom="Alpha", population=200_000, vague="AMI 1", type_="epci")
    ef.add_territory(c, "B", nom="Bêta", population=100_000, vague="AMI 2", type_="departement")
    ef.add_territory(c, "C", nom="Gamma", population=50_000, vague="AMI 2", type_="epci")
    # A: 8-quarter window from 2025-T1, target 80 (10 a quarter expected); reported 10, 10, 30
    ef.add_roadmap(c, "A", "2025-T1", "2026-T4", {"sorties_rue_logement": (0, 80, None),
                                                  "expulsions_evitees": (0, 40)})
    ef.add_values(c, "A", "sorties_rue_logement", {"2025-T1": 10, "2025-T2": 10, "2025-T3": 30})
    ef.add_values(c, "A", "expulsions_evitees", {"2025-T1": 1, "2025-T2": 1, "2025-T3": 1})
    # B: same window, target 800, reported 20 a quarter: far behind
    ef.add_roadmap(c, "B", "2025-T1", "2026-T4", {"sorties_rue_logement": (0, 800)})
    ef.add_values(c, "B", "sorties_rue_logement", {"2025-T1": 20, "2025-T2": 20, "2025-T3": 20})
    ef.add_values(c, "C", "sorties_rue_logement", {"2025-T2": 5, "2025-T3": 7})
    return c


def test_progression_matrix_and_counts(con):
    frame = tableaux.progression(con, "2025-T3")
    by = frame.set_index(["territoire", "indicateur"])["statut"]
    # A: realised 50 >= expected 30 -> dans la trajectoire; 3 of 20 expected -> en retard
    assert by[("A", "sorties_rue_logement")] == status.DANS_LA_TRAJECTOIRE
    assert by[("A", "expulsions_evitees")] == status.EN_RETARD
    assert by[("B", "sorties_rue_logement")] == status.EN_RETARD
    assert set(frame["nom"]) == {"Alpha", "Bêta"}
    labels = {"sorties_rue_logement": "Rue", "expulsions_evitees": "Expulsions"}
    m = tableaux.matrice(frame, labels)
    assert list(m["Code"]) == ["A", "B"] and list(m.columns[:2]) == ["Territoire", "En retard"]  # same count of late indicators (1): sorted by name
    assert list(m.columns[2:4]) == ["Rue", "Expulsions"]  # catalogue order, right after the count
    assert m.set_index("Code").loc["B", "Rue"] == status.affichage(status.EN_RETARD)
    assert m.set_index("Code").loc["B", "Expulsions"] == ""  # not in B's roadmap
    assert m.set_index("Code").loc["A", "Type"] == "Intercommunalité (EPCI)"
    counts = tableaux.comptes_statuts(frame).set_index("statut")["Nombre"]
    assert counts[status.EN_RETARD] == 2 and counts[status.DANS_LA_TRAJECTOIRE] == 1 and counts.sum() == 3


def test_filters(con):
    frame = tableaux.progression(con, "2025-T3")
    assert set(tableaux.filtrer(frame, vagues=["AMI 2"])["territoire"]) == {"B"}
    assert set(tableaux.filtrer(frame, types=["epci"])["territoire"]) == {"A"}
    assert set(tableaux.filtrer(frame, indicateurs=["expulsions_evitees"])["territoire"]) == {"A"}
    assert set(tableaux.filtrer(frame, axes=[12])["indicateur"]) == {"expulsions_evitees"}
    assert tableaux.filtrer(frame, vagues=["AMI 2"], axes=[12]).empty


def test_dominant_status_for_the_map(con):
    frame = tableaux.progression(con, "2025-T3")
    g = tableaux.statut_global(frame).set_index("territoire")
    # A has 1 late indicator out of 2 (>= a quarter): the map shows it late
    assert g.loc["A", "statut"] == status.EN_RETARD and g.loc["A", "nb_en_retard"] == 1
    # mean progress capped at 150 %: A = (62.5 + 7.5) / 2
    assert g.loc["A", "avancement_pct"] == pytest.approx((50 / 80 * 100 + 3 / 40 * 100) / 2)
    assert g.loc["B", "avancement_pct"] == pytest.approx(60 / 800 * 100)


def test_headline_figures_change_and_total(con):
    cles = tableaux.chiffres_cles(con, "2025-T3", "2025-T1").set_index("indicateur")
    rue = cles.loc["sorties_rue_logement"]
    assert rue["valeur"] == 30 + 20 + 7 and rue["precedent"] == 10 + 20 + 5
    assert rue["evolution"] == 57 - 35
    assert rue["cumul"] == (10 + 10 + 30) + 60 + 12
    assert rue["territoires_renseignes"] == 3
    assert math.isnan(cles.loc["attributions_sans_domicile", "valeur"])


NATIONAL = Personne("n@dihal.gouv.fr", "national")


def test_trajectory_series(con):
    s = tableaux.serie_indicateur(con, "A", "sorties_rue_logement", "2025-T1", "2026-T4", "2025-T3", NATIONAL)
    assert list(s["reference"]) == [f"{y}-T{q}" for y in (2025, 2026) for q in (1, 2, 3, 4)]
    assert list(s["attendu"]) == [10, 20, 30, 40, 50, 60, 70, 80]
    assert list(s["realise_affiche"].iloc[:3]) == [10, 20, 50] and s["realise_affiche"].iloc[3:].isna().all()
    assert list(s["valeur_trimestre"].iloc[:3]) == [10, 10, 30]
    assert s["projection_fin"].iloc[-1] == pytest.approx(50 / 3 * 8)
    assert s["libelle"].iloc[0] == "T1 2025"


def test_trajectory_projection_is_the_reference_quarters_not_a_later_ones(con):
    """A value of a quarter after the reference one must not move the projection drawn at ``at``
    (the cards give the projection at ``at``)."""
    ef.add_values(con, "A", "sorties_rue_logement", {"2025-T4": 90})
    s = tableaux.serie_indicateur(con, "A", "sorties_rue_logement", "2025-T1", "2026-T4", "2025-T3", NATIONAL)
    assert s["projection_fin"].tolist() == pytest.approx([50 / 3 * 8] * 8)


def test_comparison_same_type_per_reported_quarter_per_100k(con):
    ef.add_roadmap(con, "C", "2025-T2", "2027-T1", {"sorties_rue_logement": (0, 40)})
    comp = tableaux.comparaison(con, "A", "sorties_rue_logement", "2025-T3", NATIONAL).set_index("territoire")
    assert set(comp.index) == {"A", "C"}  # B is a département
    # like with like: A reported 3 quarters (50), C only 2 (12): per reported quarter, per 100,000
    assert comp.loc["A", ["valeur", "trimestres_renseignes"]].tolist() == [50, 3]
    assert comp.loc["C", ["valeur", "trimestres_renseignes"]].tolist() == [12, 2]
    assert comp.loc["A", "valeur_par_trimestre"] == pytest.approx(50 / 3)
    assert comp.loc["A", "pour_100000"] == pytest.approx(50 * 100_000 / 200_000 / 3)
    assert comp.loc["C", "pour_100000"] == pytest.approx(12 * 100_000 / 50_000 / 2)
    assert comp.loc["C", "debut"] == "2025-T2"


def test_comparison_leaves_out_territories_whose_roadmap_does_not_follow_the_indicator(con):
    comp = tableaux.comparaison(con, "A", "sorties_rue_logement", "2025-T3", NATIONAL)
    assert comp["territoire"].tolist() == ["A"]  # C reported values but has no roadmap


def test_comparison_without_population_has_no_figure_per_100k(con):
    ef.add_territory(con, "D", nom="Delta", population=None, vague="AMI 2", type_="epci")
    ef.add_roadmap(con, "D", "2025-T1", "2026-T4", {"sorties_rue_logement": (0, 40)})
    ef.add_values(con, "D", "sorties_rue_logement", {"2025-T1": 4})
    comp = tableaux.comparaison(con, "D", "sorties_rue_logement", "2025-T3", NATIONAL).set_index("territoire")
    assert comp.loc["D", "valeur_par_trimestre"] == 4 and math.isnan(comp.loc["D", "pour_100000"])


def test_national_table_has_french_columns_and_every_status(con):
    from indicators import national

    cat = con.execute("SELECT code, libelle FROM indicateur").df()
    t = tableaux.totaux_nationaux(national.national(con, "2025-T3"), cat)
    row = t.set_index("Indicateur").loc[cat.set_index("code").loc["sorties_rue_logement", "libelle"]]
    assert row["Valeur nationale"] == 57 and row["Territoires renseignés"] == 3
    assert row["En retard"] == 1 and row["Dans la trajectoire"] == 1
    assert row["Avancement national (%)"] == pytest.approx(100 * 110 / 880)
    # computed figures keep one decimal at most on screen
    for column in ("Valeur nationale", "Pour 100 000 hab.", "Avancement national (%)"):
        assert all(abs(x * 10 - round(x * 10)) < 1e-9 for x in t[column].dropna()), column
    assert t["Pour 100 000 hab."].dropna().apply(lambda x: x != round(x)).any()  # decimals remain where due


def test_methodology_is_generated_from_the_constants(monkeypatch):
    text = " ".join(t for _, t in methode.sections())
    assert "TOLERANCE_RETARD = 0,8" in text and "TOLERANCE_DEPASSEMENT = 1,2" in text
    monkeypatch.setattr(methode, "TOLERANCE_RETARD", 0.75)
    assert "TOLERANCE_RETARD = 0,75" in " ".join(t for _, t in methode.sections())
    st = methode.statuts()
    assert list(st["Code"]) == list(status.STATUTS) and st["Statut"].iloc[2] == status.affichage("en_retard")
    p = methode.parametres().set_index("Paramètre")
    assert p.loc["TOLERANCE_RETARD", "Valeur"] == "0,8" and p.loc["PLAFOND_PROBLEMES", "Valeur"] == "200"


def test_formula_of_derived_indicators(con):
    from data import lectures

    cat = methode.catalogue_affiche(lectures.catalogue(con)).set_index("Code")
    assert cat.loc["acces_logement_sans_domicile", "Formule"] == (
        "somme de : sorties_rue_logement + sorties_hebergement_logement")
    assert cat.loc["part_attributions_sans_domicile", "Formule"].startswith("100 × attributions_sans_domicile / attributions_total")
    assert cat.loc["sorties_rue_logement", "Formule"] == ""
    assert cat.loc["personnes_rue_denombrees", "Sens"] == "à réduire"


def test_least_complete_territories_first_and_capped():
    frame = pd.DataFrame({
        "territoire": ["A", "A", "B", "B", "C", "C"], "trimestre": ["2025-T1", "2025-T2"] * 3,
        "taux_completude": [100.0, 50.0, 20.0, 40.0, 100.0, 100.0],
    })
    kept, total = tableaux.moins_complets(frame, 2)
    assert total == 3 and list(kept["territoire"]) == ["B", "B", "A", "A"]
    every, _ = tableaux.moins_complets(frame, 60)
    assert list(every["territoire"].unique()) == ["B", "A", "C"]


def test_quarterly_values_are_withheld_outside_the_persons_scope(con, monkeypatch):
    monkeypatch.setattr(lectures, "trimestre_de_reference", lambda: "2025-T3")
    args = ("A", "sorties_rue_logement", "2025-T1", "2026-T4", "2025-T3")
    mine = tableaux.serie_indicateur(con, *args, Personne("c@a.fr", "coordinateur", "A"))
    other = tableaux.serie_indicateur(con, *args, Personne("c@b.fr", "coordinateur", "B"))
    reader = tableaux.serie_indicateur(con, *args, Personne("l@dihal.gouv.fr", "lecteur"))
    assert list(mine["valeur_trimestre"].iloc[:3]) == [10, 10, 30]
    for s in (other, reader):
        assert s["valeur_trimestre"].isna().all()
        # only the achieved figure to date: a cumulative path would give each quarter back
        assert s["realise_affiche"].iloc[2] == 50 and s["realise_affiche"].drop(s.index[2]).isna().all()
        assert "Valeur du trimestre" not in tableaux.tableau_serie(s).columns
    assert "Valeur du trimestre" in tableaux.tableau_serie(mine).columns


def test_attach_is_a_left_join_by_code_on_both_paths():
    table = pd.DataFrame({"code": ["a", "b"], "nom": ["A", "B"], "population": [10, 20]}).set_index("code")
    every = pd.DataFrame({"territoire": ["b", "a", "b"]}, index=[5, 6, 7])
    tableaux._attach(every, "territoire", table, ("nom", "population"))
    assert every["nom"].tolist() == ["B", "A", "B"] and every["population"].tolist() == [20, 10, 20]
    assert list(every.index) == [5, 6, 7]
    some = pd.DataFrame({"territoire": ["b", "z"]})
    tableaux._attach(some, "territoire", table, ("nom", "population"))
    assert some["nom"].tolist()[0] == "B" and pd.isna(some["nom"].iloc[1]) and pd.isna(some["population"].iloc[1])


def test_headline_change_is_like_for_like(con):
    """A territory reporting the quarter but not the one before does not pass for a rise."""
    ef.add_territory(con, "D", nom="Delta", population=80_000)
    ef.add_values(con, "D", "sorties_rue_logement", {"2025-T3": 100})
    rue = tableaux.chiffres_cles(con, "2025-T3", "2025-T1").set_index("indicateur").loc["sorties_rue_logement"]
    assert rue["valeur"] == 157 and rue["precedent"] == 35  # the national figures, as published
    assert rue["evolution"] == 22 and rue["territoires_compares"] == 3  # A, B, C: 57 - 35


def test_outside_the_scope_figures_are_read_at_the_default_quarter_only(con, monkeypatch):
    """The cumulative figures of two quarters give each quarterly value by difference: outside their
    scope, a person reads a territory at the default reference quarter only, and only the national
    team compares territories at another quarter; the data layer refuses, whatever the page does."""
    monkeypatch.setattr(lectures, "trimestre_de_reference", lambda: "2025-T3")
    window = ("sorties_rue_logement", "2025-T1", "2026-T4")
    outsiders = [Personne("c@b.fr", "coordinateur", "B"), Personne("s@b.fr", "services_etat", "B"),
                 Personne("l@dihal.gouv.fr", "lecteur")]
    for person in outsiders:
        assert tableaux.progression_territoire(con, "A", "2025-T3", person)["realise"].tolist() == [50, 3]
        with pytest.raises(lectures.DetailRefuse, match="dernier trimestre complet"):
            tableaux.progression_territoire(con, "A", "2025-T2", person)
        with pytest.raises(lectures.DetailRefuse):
            tableaux.serie_indicateur(con, "A", *window, "2025-T2", person)
        with pytest.raises(lectures.DetailRefuse, match="comparaison"):
            tableaux.comparaison(con, "A", "sorties_rue_logement", "2025-T2", person)
        assert len(tableaux.comparaison(con, "A", "sorties_rue_logement", "2025-T3", person)) == 1
    coordinator = Personne("c@a.fr", "coordinateur", "A")  # their own territory: any quarter
    assert tableaux.progression_territoire(con, "A", "2025-T2", coordinator)["realise"].tolist() == [20, 2]
    assert tableaux.serie_indicateur(con, "A", *window, "2025-T2", coordinator)["valeur_trimestre"].notna().sum() == 3
    with pytest.raises(lectures.DetailRefuse):  # the comparison shows other territories
        tableaux.comparaison(con, "A", "sorties_rue_logement", "2025-T2", coordinator)
    assert tableaux.comparaison(con, "A", "sorties_rue_logement", "2025-T2", NATIONAL)["valeur"].tolist() == [20]
    assert lectures.trimestre_impose(outsiders[0], "A") == "2025-T3"
    assert lectures.trimestre_impose(coordinator, "A") is None and lectures.trimestre_impose(NATIONAL, "A") is None
