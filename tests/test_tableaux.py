"""The shapes the pages show (indicators/views.py, indicators/methode.py), with hand-computed
expectations on small in-memory stores."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from data import reads
from data.access import Personne
from indicators import declaration, methode, status
from indicators import views
from indicators import territoire as terr
from core.parameters import LIBELLES_PARAMETRES, PARAMETRES_AFFICHES
from tests import engine_fixtures as ef

NATIONAL = Personne("n@dihal.gouv.fr", "national")


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
    frame = views.progression(con, "2025-T3")
    by = frame.set_index(["territoire", "indicateur"])["statut"]
    # A: realised 50 >= expected 30 -> dans la trajectoire; 3 of 20 expected -> en retard
    assert by[("A", "sorties_rue_logement")] == status.DANS_LA_TRAJECTOIRE
    assert by[("A", "expulsions_evitees")] == status.EN_RETARD
    assert by[("B", "sorties_rue_logement")] == status.EN_RETARD
    assert set(frame["nom"]) == {"Alpha", "Bêta"}
    labels = {"sorties_rue_logement": "Rue", "expulsions_evitees": "Expulsions"}
    m = views.matrice(frame, labels)
    # same count of late indicators (1): sorted by (short) name
    assert list(m["Code"]) == ["A", "B"] and list(m.columns[:3]) == ["Territoire", "En retard", "Incomplets"]
    assert list(m.columns[3:5]) == ["Rue", "Expulsions"]  # catalogue order, right after the counts
    assert list(m["Territoire"]) == ["Alpha", "CD Bêta"] and list(m["Nom officiel"]) == ["Alpha", "Bêta"]
    assert list(m["Incomplets"]) == [0, 0]  # every elapsed quarter reported
    assert m.set_index("Code").loc["B", "Rue"] == status.affichage(status.EN_RETARD)
    assert m.set_index("Code").loc["B", "Expulsions"] == ""  # not in B's roadmap
    assert m.set_index("Code").loc["A", "Type"] == "Intercommunalité (EPCI)"
    counts = views.comptes_statuts(frame).set_index("statut")["Nombre"]
    assert counts[status.EN_RETARD] == 2 and counts[status.DANS_LA_TRAJECTOIRE] == 1 and counts.sum() == 3


def test_filters(con):
    frame = views.progression(con, "2025-T3")
    assert set(views.filtrer(frame, vagues=["AMI 2"])["territoire"]) == {"B"}
    assert set(views.filtrer(frame, types=["epci"])["territoire"]) == {"A"}
    assert set(views.filtrer(frame, indicateurs=["expulsions_evitees"])["territoire"]) == {"A"}
    assert set(views.filtrer(frame, axes=[12])["indicateur"]) == {"expulsions_evitees"}
    assert views.filtrer(frame, vagues=["AMI 2"], axes=[12]).empty


def test_dominant_status_for_the_map(con):
    frame = views.progression(con, "2025-T3")
    g = views.statut_global(frame).set_index("territoire")
    # A has 1 late indicator out of 2 (>= a quarter): the map shows it late
    assert g.loc["A", "statut"] == status.EN_RETARD and g.loc["A", "nb_en_retard"] == 1
    # the map's measure: share of the judged indicators on or ahead of their path
    assert g.loc["A", "part_trajectoire_pct"] == 50 and g.loc["A", "nb_trajectoire"] == 1
    assert g.loc["A", "nb_evalues"] == 2
    assert g.loc["B", "part_trajectoire_pct"] == 0 and g.loc["B", "nb_evalues"] == 1
    assert (g["nb_incomplets"] == 0).all() and list(g["trimestres_ecoules"]) == [3, 3]


def test_map_measure_does_not_count_an_overspent_ceiling_as_progress(con):
    """Issue 17: a mean of progress rates counted 112 % of a hotel-night ceiling consumed as progress."""
    ef.add_territory(con, "E", nom="Epsilon", population=100_000)
    # on its path: 40 >= 30 expected; ceiling 800 over 8 quarters (300 allowed at k = 3), 900 spent
    ef.add_roadmap(con, "E", "2025-T1", "2026-T4", {"sorties_rue_logement": (0, 80), "nuitees_hotelieres": (0, 800)})
    ef.add_values(con, "E", "sorties_rue_logement", {"2025-T1": 10, "2025-T2": 10, "2025-T3": 20})
    ef.add_values(con, "E", "nuitees_hotelieres", {"2025-T1": 300, "2025-T2": 300, "2025-T3": 300})
    frame = views.progression(con, "2025-T3")
    e = frame[frame["territoire"] == "E"].set_index("indicateur")
    assert e.loc["nuitees_hotelieres", "avancement_pct"] == pytest.approx(112.5)  # "plafond consommé"
    assert e.loc["nuitees_hotelieres", "statut"] == status.EN_RETARD
    g = views.statut_global(frame).set_index("territoire")
    # one indicator of two on its path: 50 %, where the former mean read (50 + 112.5) / 2 = 81 %
    assert g.loc["E", "part_trajectoire_pct"] == 50
    assert g.loc["E", "nb_trajectoire"] == 1 and g.loc["E", "nb_evalues"] == 2


@pytest.fixture
def gappy(con):
    """D reported 2025-T1 and 2025-T3 of its roadmap, not 2025-T2."""
    ef.add_territory(con, "D", nom="Communauté d'agglomération de Delta / Omega", population=80_000)
    ef.add_roadmap(con, "D", "2025-T1", "2026-T4", {"sorties_rue_logement": (0, 80), "expulsions_evitees": (0, 40)})
    ef.add_values(con, "D", "sorties_rue_logement", {"2025-T1": 5, "2025-T3": 7})
    ef.add_values(con, "D", "expulsions_evitees", {"2025-T1": 2, "2025-T2": 2, "2025-T3": 20})
    return con


def test_matrix_marks_the_statuses_judged_on_incomplete_reporting(gappy):
    frame = views.progression(gappy, "2025-T3")
    m = views.matrice(frame, {"sorties_rue_logement": "Rue", "expulsions_evitees": "Expulsions"}).set_index("Code")
    # 12 realised against 30 expected: late, and said to be judged on 2 quarters of 3
    assert m.loc["D", "Rue"] == "✖ En retard · 2/3 trim."
    assert m.loc["D", "Expulsions"] == "↗ Dans la trajectoire"  # every quarter reported: no mark
    assert m.loc["A", "Rue"] == "↗ Dans la trajectoire"
    assert m.loc["D", "Incomplets"] == 1 and m.loc["A", "Incomplets"] == 0
    assert m.loc["D", "Territoire"] == "CA Delta-Omega"
    assert m.loc["D", "Nom officiel"] == "Communauté d'agglomération de Delta / Omega"
    assert declaration.cellule_statut(status.NON_RENSEIGNE, 0, 3) == "? Non renseigné"  # says it already
    assert declaration.cellule_statut(status.ATTEINT, 1, 3) == "✔ Atteint · 1/3 trim."
    r = views.resume(frame)
    assert r["incomplets"] == 1 and r["en_retard_incomplets"] == 1 and r["en_retard"] == 3


def test_map_rows_say_when_reporting_is_incomplete(gappy):
    frame = views.progression(gappy, "2025-T3")
    terr = gappy.execute("SELECT code, nom, type, '' AS membres FROM territoire").df()
    c = views.carte_territoires(frame, terr).set_index("code")
    assert c.loc["D", "nb_incomplets"] == 1 and c.loc["D", "nb_indicateurs"] == 2
    assert c.loc["D", "trimestres_renseignes_min"] == 2 and c.loc["D", "trimestres_ecoules"] == 3
    assert c.loc["D", "declaration"] == "2 trimestres renseignés sur 3 (1 indicateur sur 2)"
    assert c.loc["A", "declaration"] == ""
    row = {"nb_incomplets": 3, "nb_indicateurs": 13, "trimestres_renseignes_min": 0,
           "trimestres_renseignes_max": 1, "trimestres_ecoules": 3}
    assert declaration.texte_declaration(row) == "de 0 à 1 trimestre renseigné sur 3 (3 indicateurs sur 13)"
    assert declaration.texte_trimestres(1, 3) == "1 trimestre renseigné sur 3"
    assert declaration.texte_trimestres(6, 8) == "6 trimestres renseignés sur 8"
    assert declaration.declaration_incomplete(1, 3) and not declaration.declaration_incomplete(3, 3)
    assert not declaration.declaration_incomplete(0, 0)  # nothing elapsed: nothing owed


def test_trajectory_is_drawn_at_reported_quarters_only(gappy):
    s = terr.serie_indicateur(gappy, "D", "sorties_rue_logement", "2025-T1", "2026-T4", "2025-T3", NATIONAL)
    # 2025-T2 not reported: no point there (the line breaks), never a flat run at 5
    assert s["realise_affiche"].iloc[0] == 5 and math.isnan(s["realise_affiche"].iloc[1])
    assert s["realise_affiche"].iloc[2] == 12 and s["realise_affiche"].iloc[3:].isna().all()
    assert list(s["ecoule"]) == [True] * 3 + [False] * 5
    assert list(s["renseigne"]) == [True, False, True] + [False] * 5
    table = views.tableau_serie(s)
    assert math.isnan(table["Réalisé"].iloc[1]) and table["Réalisé"].iloc[2] == 12


def test_headline_figures_change_and_total(con):
    cles = views.chiffres_cles(con, "2025-T3", "2025-T1").set_index("indicateur")
    rue = cles.loc["sorties_rue_logement"]
    assert rue["valeur"] == 30 + 20 + 7 and rue["precedent"] == 10 + 20 + 5
    assert rue["evolution"] == 57 - 35
    assert rue["cumul"] == (10 + 10 + 30) + 60 + 12
    assert rue["territoires_renseignes"] == 3
    assert math.isnan(cles.loc["attributions_sans_domicile", "valeur"])


def test_trajectory_series(con):
    s = terr.serie_indicateur(con, "A", "sorties_rue_logement", "2025-T1", "2026-T4", "2025-T3", NATIONAL)
    assert list(s["reference"]) == [f"{y}-T{q}" for y in (2025, 2026) for q in (1, 2, 3, 4)]
    assert list(s["attendu"]) == [10, 20, 30, 40, 50, 60, 70, 80]
    assert list(s["realise_affiche"].iloc[:3]) == [10, 20, 50] and s["realise_affiche"].iloc[3:].isna().all()
    assert s["renseigne"].iloc[:3].all() and not s["renseigne"].iloc[3:].any()
    assert list(s["valeur_trimestre"].iloc[:3]) == [10, 10, 30]
    assert s["projection_fin"].iloc[-1] == pytest.approx(50 / 3 * 8)
    assert s["libelle"].iloc[0] == "T1 2025"


def test_trajectory_projection_is_the_reference_quarters_not_a_later_ones(con):
    """A value of a quarter after the reference one must not move the projection drawn at ``at``
    (the cards give the projection at ``at``)."""
    ef.add_values(con, "A", "sorties_rue_logement", {"2025-T4": 90})
    s = terr.serie_indicateur(con, "A", "sorties_rue_logement", "2025-T1", "2026-T4", "2025-T3", NATIONAL)
    assert s["projection_fin"].tolist() == pytest.approx([50 / 3 * 8] * 8)


def test_comparison_same_type_per_reported_quarter_per_100k(con):
    ef.add_roadmap(con, "C", "2025-T2", "2027-T1", {"sorties_rue_logement": (0, 40)})
    comp = terr.comparaison(con, "A", "sorties_rue_logement", "2025-T3", NATIONAL).set_index("territoire")
    assert set(comp.index) == {"A", "C"}  # B is a département
    # like with like: A reported 3 quarters (50), C only 2 (12): per reported quarter, per 100,000
    assert comp.loc["A", ["valeur", "trimestres_renseignes"]].tolist() == [50, 3]
    assert comp.loc["C", ["valeur", "trimestres_renseignes"]].tolist() == [12, 2]
    assert comp.loc["A", "valeur_par_trimestre"] == pytest.approx(50 / 3)
    assert comp.loc["A", "pour_100000"] == pytest.approx(50 * 100_000 / 200_000 / 3)
    assert comp.loc["C", "pour_100000"] == pytest.approx(12 * 100_000 / 50_000 / 2)
    assert comp.loc["C", "debut"] == "2025-T2"


def test_comparison_leaves_out_territories_whose_roadmap_does_not_follow_the_indicator(con):
    comp = terr.comparaison(con, "A", "sorties_rue_logement", "2025-T3", NATIONAL)
    assert comp["territoire"].tolist() == ["A"]  # C reported values but has no roadmap


def test_comparison_without_population_has_no_figure_per_100k(con):
    ef.add_territory(con, "D", nom="Delta", population=None, vague="AMI 2", type_="epci")
    ef.add_roadmap(con, "D", "2025-T1", "2026-T4", {"sorties_rue_logement": (0, 40)})
    ef.add_values(con, "D", "sorties_rue_logement", {"2025-T1": 4})
    comp = terr.comparaison(con, "D", "sorties_rue_logement", "2025-T3", NATIONAL).set_index("territoire")
    assert comp.loc["D", "valeur_par_trimestre"] == 4 and math.isnan(comp.loc["D", "pour_100000"])


def test_national_table_has_french_columns_and_every_status(con):
    from indicators import national

    cat = con.execute("SELECT code, libelle FROM indicateur").df()
    t = views.totaux_nationaux(national.national(con, "2025-T3"), cat)
    row = t.set_index("Indicateur").loc[cat.set_index("code").loc["sorties_rue_logement", "libelle"]]
    assert row["Valeur nationale"] == 57 and row["Territoires renseignés"] == 3
    assert row["En retard"] == 1 and row["Dans la trajectoire"] == 1
    assert row["Avancement national (%)"] == pytest.approx(100 * 110 / 880)
    # computed figures keep one decimal at most on screen
    for column in ("Valeur nationale", "Pour 100 000 hab.", "Avancement national (%)"):
        assert all(abs(x * 10 - round(x * 10)) < 1e-9 for x in t[column].dropna()), column
    assert t["Pour 100 000 hab."].dropna().apply(lambda x: x != round(x)).any()  # decimals remain where due
    # the downloads keep the engine's full precision (8,98 % stays 8,98, not 9): the same rows unrounded
    raw = national.national(con, "2025-T3")
    full = views.totaux_nationaux(raw, cat, arrondi=False)
    assert list(full["Pour 100 000 hab."].fillna(-1)) == list(raw["pour_100000"].fillna(-1))
    assert any(abs(x * 10 - round(x * 10)) > 1e-9 for x in full["Pour 100 000 hab."].dropna())


def test_methodology_is_generated_from_the_constants(monkeypatch):
    text = " ".join(t for _, t in methode.sections())
    assert "seuil de retard 0,8** (sous 80 %" in text and "seuil de dépassement 1,2** (au-delà de 120 %" in text
    monkeypatch.setattr(methode, "TOLERANCE_RETARD", 0.75)
    assert "seuil de retard 0,75** (sous 75 %" in " ".join(t for _, t in methode.sections())
    assert set(LIBELLES_PARAMETRES) == {p[0] for p in PARAMETRES_AFFICHES}  # every parameter in words
    assert list(methode.parametres(avec_noms=True)["Nom dans le code"])[0] == "TOLERANCE_RETARD"
    st = methode.statuts()
    assert list(st["Code"]) == list(status.STATUTS) and st["Statut"].iloc[2] == status.affichage("en_retard")
    p = methode.parametres(avec_noms=True).set_index("Nom dans le code")
    assert p.loc["TOLERANCE_RETARD", "Valeur"] == "0,8" and p.loc["PLAFOND_PROBLEMES", "Valeur"] == "200"
    assert p.loc["FUSEAU_HORAIRE", "Valeur"] == "heure de Paris"


def test_formula_of_derived_indicators(con):
    from data import reads

    cat = methode.catalogue_affiche(reads.catalogue(con)).set_index("Code")
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
    kept, total = views.moins_complets(frame, 2)
    assert total == 3 and list(kept["territoire"]) == ["B", "B", "A", "A"]
    every, _ = views.moins_complets(frame, 60)
    assert list(every["territoire"].unique()) == ["B", "A", "C"]


def test_quarterly_values_are_withheld_outside_the_persons_scope(con, monkeypatch):
    monkeypatch.setattr(reads, "trimestre_de_reference", lambda: "2025-T3")
    args = ("A", "sorties_rue_logement", "2025-T1", "2026-T4", "2025-T3")
    mine = terr.serie_indicateur(con, *args, Personne("c@a.fr", "coordinateur", "A"))
    other = terr.serie_indicateur(con, *args, Personne("c@b.fr", "coordinateur", "B"))
    reader = terr.serie_indicateur(con, *args, Personne("l@dihal.gouv.fr", "lecteur"))
    assert list(mine["valeur_trimestre"].iloc[:3]) == [10, 10, 30]
    for s in (other, reader):
        assert s["valeur_trimestre"].isna().all()
        # only the achieved figure to date: a cumulative path would give each quarter back
        assert s["realise_affiche"].iloc[2] == 50 and s["realise_affiche"].drop(s.index[2]).isna().all()
        assert "Valeur du trimestre" not in views.tableau_serie(s).columns
    assert "Valeur du trimestre" in views.tableau_serie(mine).columns


def test_attach_is_a_left_join_by_code_on_both_paths():
    table = pd.DataFrame({"code": ["a", "b"], "nom": ["A", "B"], "population": [10, 20]}).set_index("code")
    every = pd.DataFrame({"territoire": ["b", "a", "b"]}, index=[5, 6, 7])
    views._attach(every, "territoire", table, ("nom", "population"))
    assert every["nom"].tolist() == ["B", "A", "B"] and every["population"].tolist() == [20, 10, 20]
    assert list(every.index) == [5, 6, 7]
    some = pd.DataFrame({"territoire": ["b", "z"]})
    views._attach(some, "territoire", table, ("nom", "population"))
    assert some["nom"].tolist()[0] == "B" and pd.isna(some["nom"].iloc[1]) and pd.isna(some["population"].iloc[1])


def test_headline_change_is_like_for_like(con):
    """A territory reporting the quarter but not the one before does not pass for a rise."""
    ef.add_territory(con, "D", nom="Delta", population=80_000)
    ef.add_values(con, "D", "sorties_rue_logement", {"2025-T3": 100})
    rue = views.chiffres_cles(con, "2025-T3", "2025-T1").set_index("indicateur").loc["sorties_rue_logement"]
    assert rue["valeur"] == 157 and rue["precedent"] == 35  # the national figures, as published
    assert rue["evolution"] == 22 and rue["territoires_compares"] == 3  # A, B, C: 57 - 35


def test_outside_the_scope_figures_are_read_at_the_default_quarter_only(con, monkeypatch):
    """The cumulative figures of two quarters give each quarterly value by difference: outside their
    scope, a person reads a territory at the default reference quarter only, and only the national
    team compares territories at another quarter; the data layer refuses, whatever the page does."""
    monkeypatch.setattr(reads, "trimestre_de_reference", lambda: "2025-T3")
    window = ("sorties_rue_logement", "2025-T1", "2026-T4")
    outsiders = [Personne("c@b.fr", "coordinateur", "B"), Personne("s@b.fr", "services_etat", "B"),
                 Personne("l@dihal.gouv.fr", "lecteur")]
    for person in outsiders:
        assert terr.progression_territoire(con, "A", "2025-T3", person)["realise"].tolist() == [50, 3]
        with pytest.raises(reads.DetailRefuse, match="dernier trimestre complet"):
            terr.progression_territoire(con, "A", "2025-T2", person)
        with pytest.raises(reads.DetailRefuse):
            terr.serie_indicateur(con, "A", *window, "2025-T2", person)
        with pytest.raises(reads.DetailRefuse, match="comparaison"):
            terr.comparaison(con, "A", "sorties_rue_logement", "2025-T2", person)
        assert len(terr.comparaison(con, "A", "sorties_rue_logement", "2025-T3", person)) == 1
    coordinator = Personne("c@a.fr", "coordinateur", "A")  # their own territory: any quarter
    assert terr.progression_territoire(con, "A", "2025-T2", coordinator)["realise"].tolist() == [20, 2]
    assert terr.serie_indicateur(con, "A", *window, "2025-T2", coordinator)["valeur_trimestre"].notna().sum() == 3
    with pytest.raises(reads.DetailRefuse):  # the comparison shows other territories
        terr.comparaison(con, "A", "sorties_rue_logement", "2025-T2", coordinator)
    assert terr.comparaison(con, "A", "sorties_rue_logement", "2025-T2", NATIONAL)["valeur"].tolist() == [20]
    assert reads.trimestre_impose(outsiders[0], "A") == "2025-T3"
    assert reads.trimestre_impose(coordinator, "A") is None and reads.trimestre_impose(NATIONAL, "A") is None


def test_trajectory_notes_give_each_value_its_comment_source_and_revision_count(con):
    s = terr.serie_indicateur(con, "A", "sorties_rue_logement", "2025-T1", "2026-T4", "2025-T3", NATIONAL)
    versions = pd.DataFrame({
        "trimestre": ["2025-T2", "2025-T1", "2025-T1", "2025-T1"], "revision": [1, 3, 2, 1],
        "commentaire": [None, "après relance", "première saisie", None], "source": [" ", "SIAO", None, None],
        "courante": [True, True, False, False]})
    table = terr.avec_notes(views.tableau_serie(s), s, versions)
    assert table["Commentaire"].tolist()[:3] == ["après relance — source : SIAO", "", ""]
    assert table["Révisions"].tolist()[:2] == [2, 0] and table["Révisions"].iloc[2:].isna().all()
    assert table["Valeur du trimestre"].tolist()[:3] == [10, 10, 30]  # the values themselves untouched
