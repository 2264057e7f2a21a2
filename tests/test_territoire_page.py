"""The territory page ("Mon territoire") under AppTest on the demo database: every territory renders
for a national and a coordinator profile, and a reader outside a territory's scope can never rebuild
its quarterly values from what the page (and its downloads, which are the tables shown) show."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data import store
from data import reads
from data.access import Personne
from core import quarters
from tests.apptest import as_person, tables

PAGE = "pages/territoire.py"
TERRITOIRE = "93"  # Seine-Saint-Denis: values since 2023, a renewed roadmap
AUTRE = "62"


@pytest.fixture
def demo(demo_shared):
    return demo_shared


def page(person: Personne, territoire: str, t: str | None = None) -> AppTest:
    """A first run of the page for ``person`` (as app.py would have decided) on ``territoire``."""
    return as_person(PAGE, person, territoire=territoire, t=t)


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def everything_shown(at: AppTest) -> str:
    """Every figure the page shows: texts, tables (the downloads are these same frames) and charts'
    data, the quarter selector left out."""
    parts = [str(e.value) for kind in ("title", "header", "subheader", "markdown", "caption", "info", "metric")
             for e in getattr(at, kind)]
    parts += [d.value.to_csv() for d in at.dataframe]
    parts += [json.dumps(f["data"], sort_keys=True) for f in figures(at)]
    return "\n".join(parts)


QUARTERS = (None, "2026-T2", "2025-T4", "2025-T1")  # None: the default, the last complete quarter
OUTSIDERS = {
    "coordinateur": Personne("coord@ailleurs.fr", "coordinateur", AUTRE),
    "services_etat": Personne("ddets@ailleurs.gouv.fr", "services_etat", AUTRE),
    "lecteur": Personne("lecture@dihal.gouv.fr", "lecteur"),
}


@pytest.mark.parametrize("role", list(OUTSIDERS))
def test_outside_the_scope_no_two_quarters_figures_can_be_had(demo, role):
    """A reader outside the scope asks for several quarters in the address: the page shows the very
    same figures each time (those of the last complete quarter), says why, and no quarterly value."""
    person = OUTSIDERS[role]
    shown = {}
    for t in QUARTERS:
        at = page(person, TERRITOIRE, t)
        assert any("ses chiffres sont donnés au dernier trimestre complet seulement" in i.value for i in at.info)
        assert at.selectbox(key="trimestre_impose").disabled
        assert at.header[0].value.endswith(quarters.label(quarters.last_complete()))
        trajectory = tables(at, "Chemin attendu")[0]
        assert "Valeur du trimestre" not in trajectory.columns and trajectory["Réalisé"].notna().sum() == 1
        chart = next(f for f in figures(at) if any(str(d.get("name", "")).startswith("Réalisé") for d in f["data"]))
        assert not [d for d in chart["data"] if d.get("type") == "bar"]  # no quarterly bars
        shown[t] = everything_shown(at)
    # the free selector's state, set by hand, is not read either
    at.session_state["trimestre"] = "2025-T1"
    at.run()
    shown["etat"] = everything_shown(at)
    assert len(set(shown.values())) == 1, "the figures changed with the quarter asked for"


def test_the_national_team_reads_any_quarter_so_the_test_above_can_fail(demo):
    shown = {}
    for t in QUARTERS[:2]:
        at = page(Personne("n@dihal.gouv.fr", "national"), TERRITOIRE, t)
        assert not any("dernier trimestre complet seulement" in i.value for i in at.info)
        assert "Valeur du trimestre" in tables(at, "Chemin attendu")[0].columns
        shown[t] = everything_shown(at)
    assert shown[None] != shown["2026-T2"]


def test_a_coordinator_reads_their_own_territory_at_any_quarter_but_compares_at_the_default(demo):
    """Their own cards follow the quarter; the comparison, which shows other territories, does not."""
    person = Personne("coord@93.fr", "coordinateur", TERRITOIRE)
    cards, comparisons = set(), set()
    for t in QUARTERS:
        at = page(person, TERRITOIRE, t)
        cards.add(" ".join(m.value for m in at.markdown if m.value.startswith("Réalisé")))
        comparisons.add(tables(at, "Pour 100 000 hab. (ou taux)")[0].to_csv())
        if t:
            assert "La comparaison est donnée au" in " ".join(c.value for c in at.caption)
    assert len(cards) == len(QUARTERS) and len(comparisons) == 1


def _territories(demo_db) -> tuple[dict, dict, str]:
    with store.connect(demo_db) as con:
        names = dict(con.execute("SELECT code, nom FROM territoire WHERE actif").fetchall())
        first = dict(con.execute("SELECT territoire, min(debut) FROM feuille_de_route GROUP BY 1").fetchall())
        premier = reads.premier_debut(con)
    return names, first, premier


def _check_rendered(at: AppTest, name: str) -> None:
    assert not at.exception, (name, [e.value for e in at.exception])
    assert at.title[0].value == name
    headers = [h.value for h in at.header]
    assert headers[0].startswith("Objectifs de la feuille de route") and "Dépôts et complétude" in headers
    assert any(m.value.startswith("Réalisé : ") for m in at.markdown)  # the cards
    assert len(at.dataframe) >= 2  # the trajectory and the comparison at least
    assert not any(" à T" in str(f["layout"].get("title", {}).get("text", "")) for f in figures(at))


@pytest.mark.slow
@pytest.mark.parametrize("person", [Personne("n@dihal.gouv.fr", "national"),
                                    Personne("coord@mamoudzou.fr", "coordinateur", "200060457")],
                         ids=["national", "coordinateur"])
def test_every_territory_page_renders_at_the_default_quarter_and_before_its_roadmap(demo, person):
    """What would have caught the crashes of issue 17 (an empty population, a reference quarter before
    the roadmap's start): every territory of the demo database, one AppTest per profile."""
    names, first, premier = _territories(demo)
    started = time.perf_counter()
    at = as_person(PAGE, person, territoire=person.territoire or sorted(names)[0])
    for code in sorted(names):  # the default quarter (the only one outside the scope)
        at.selectbox(key="territoire_choisi").select(code).run()
        _check_rendered(at, names[code])
    # a quarter before each roadmap, when the selector offers one; the chosen quarter stays when the
    # territory changes, so territories are taken by that quarter (one run each, mostly)
    before = {c: quarters.shift(first[c], -1) for c in names if person.peut_voir_detail(c)}
    before_roadmap = 0
    for code in sorted((c for c in before if before[c] >= premier), key=lambda c: (before[c], c)):
        at.selectbox(key="territoire_choisi").select(code).run()
        if at.selectbox(key="trimestre").value != before[code]:
            at.selectbox(key="trimestre").select(before[code]).run()
        _check_rendered(at, names[code])
        assert at.header[0].value.endswith(quarters.label(before[code]))
        assert any("aucun dépôt n'est encore attendu" in i.value for i in at.info)
        before_roadmap += 1
    elapsed = time.perf_counter() - started
    print(f"\n{len(names)} territoires ({before_roadmap} avant leur feuille de route) en {elapsed:.1f} s")
    assert before_roadmap >= (10 if person.est_national else 1)


def test_a_territory_without_population_says_so(demo):
    at = page(Personne("coord@mamoudzou.fr", "coordinateur", "200060457"), "200060457")
    assert "population inconnue" in at.caption[0].value
    legend = " ".join(c.value for c in at.caption)
    assert "Population inconnue pour Communauté d'agglomération de Dembeni / Mamoudzou" in legend
    comparison = tables(at, "Pour 100 000 hab. (ou taux)")[0].set_index("Code")
    assert pd.isna(comparison.loc["200060457", "Population"])
    assert pd.isna(comparison.loc["200060457", "Pour 100 000 hab. (ou taux)"])
    assert comparison.loc["200060457", "Par trimestre renseigné"] > 0


def test_a_roadmap_starting_after_the_reference_quarter(demo):
    """La Réunion's roadmap starts at T4 2026, after the default quarter: no crash, and words."""
    at = page(Personne("n@dihal.gouv.fr", "national"), "974")
    assert any("aucun dépôt n'est encore attendu" in i.value for i in at.info)
    titles = [str(f["layout"].get("title", {}).get("text", "")) for f in figures(at)]
    assert not any("de T4 2026 à T3 2026" in t for t in titles)


REVISE = ("200030195", "sorties_rue_logement", "2026-T2")  # the demo's revised value, with a comment


def test_in_scope_each_value_shows_its_comment_and_its_revisions(demo):
    territoire, indicateur, trimestre = REVISE
    with store.connect(demo) as con:
        (current, comment, revision), = con.execute(
            "SELECT valeur, commentaire, revision FROM valeur WHERE territoire = ? AND indicateur = ? AND trimestre = ?",
            list(REVISE)).fetchall()
        (former, author), = con.execute(
            "SELECT valeur, utilisateur FROM valeur_historique WHERE territoire = ? AND indicateur = ? AND trimestre = ?",
            list(REVISE)).fetchall()
    at = page(Personne("coord@t.fr", "coordinateur", territoire), territoire)
    at.selectbox(key="indicateur_detail").select(indicateur).run()
    trajectory = tables(at, "Chemin attendu")[0].set_index("Trimestre")
    assert trajectory.loc[quarters.label(trimestre), ["Valeur du trimestre", "Commentaire", "Révisions"]].tolist() == [
        current, comment, 1]
    others = trajectory.drop(quarters.label(trimestre))
    reported = others["Valeur du trimestre"].notna()
    assert others.loc[reported, "Révisions"].eq(0).all() and others.loc[~reported, "Révisions"].isna().all()
    versions = tables(at, "Remplacée le")[0]
    here = versions[versions["Trimestre"] == quarters.label(trimestre)]
    assert here[["Révision", "Valeur", "État"]].values.tolist() == [
        [revision, current, "valeur en vigueur"], [revision - 1, former, "remplacée"]]
    assert here["Déposée par"].iloc[1] == author
    assert any(e.label.startswith("Commentaires et révisions") for e in at.expander)

    outsider = page(Personne("l@dihal.gouv.fr", "lecteur"), territoire)
    outsider.selectbox(key="indicateur_detail").select(indicateur).run()
    assert "Commentaire" not in tables(outsider, "Chemin attendu")[0].columns
    assert not any(e.label.startswith("Commentaires et révisions") for e in outsider.expander)
    assert not any("Remplacée le" in d.value.columns for d in outsider.dataframe)
    with store.connect(demo) as con, pytest.raises(reads.DetailRefuse):
        reads.historique_valeurs(con, territoire, indicateur, Personne("c@x.fr", "coordinateur", AUTRE))


def test_the_comparison_says_what_it_compares_and_its_key_column_is_pinned_wide(demo):
    at = page(Personne("n@dihal.gouv.fr", "national"), TERRITOIRE)
    titles = [str(f["layout"].get("title", {}).get("text", "")) for f in figures(at)]
    assert any("moyenne par trimestre renseigné pour 100 000 habitants, au T3 2026" in t for t in titles)
    legend = " ".join(c.value for c in at.caption)
    assert "chacun sur sa propre feuille de route jusqu'au T3 2026" in legend
    shown = next(d for d in at.dataframe if "Pour 100 000 hab. (ou taux)" in d.value.columns)
    assert shown.value.columns[0] == "Territoire"
    config = json.loads(shown.proto.columns)
    assert config["Territoire"]["pinned"] is True and config["Territoire"]["width"] == "large"
