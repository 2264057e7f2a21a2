"""Every chart has a text alternative (RGAA 1.1): each st.plotly_chart of every page carries a
non-empty ``alt`` saying what it shows with its figures; the chart helper refuses a chart without
one, and no page draws a chart by another path."""

from __future__ import annotations

import ast

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from core import quarters
from data.access import Personne
from indicators import status
from pages.components import graphiques
from core.formatting import number
from tests.apptest import as_person
from tests.conftest import ROOT
from tests.test_roles_pages import run

NATIONAL = Personne("n@dihal.gouv.fr", "national")


@pytest.fixture
def demo(demo_shared):
    return demo_shared


def _charts(at: AppTest) -> list:
    return list(at.get("plotly_chart"))


def test_every_chart_of_the_national_page_says_what_it_shows(demo):
    at = as_person("pages/pilotage.py", NATIONAL)
    charts = _charts(at)
    assert len(charts) == 3  # statuses, map, completeness heat map
    assert all(c.proto.alt.strip() for c in charts)
    statuts = next(c.proto.alt for c in charts if c.proto.alt.startswith("Barres du nombre d'objectifs"))
    counts = next(d.value for d in at.dataframe if list(d.value.columns) == ["Statut", "Nombre"])
    for row in counts.itertuples():  # each status with its count, in words (no symbol)
        label = row.Statut.split(" ", 1)[1]
        assert f" {label} : {number(row.Nombre)}" in statuts and row.Statut not in statuts
    heat = next(c.proto.alt for c in charts if c.proto.alt.startswith("Carte de chaleur"))
    assert "territoires en lignes" in heat and quarters.label(quarters.last_complete()) in heat


def test_every_chart_of_the_territory_page_says_what_it_shows(demo):
    at = as_person("pages/territoire.py", NATIONAL, territoire="93")
    alts = [c.proto.alt for c in _charts(at)]
    assert len(alts) == 3 and all(a.strip() for a in alts)
    trajectory = next(d.value for d in at.dataframe if "Chemin attendu" in d.value.columns)
    done = trajectory[trajectory["Réalisé"].notna()].iloc[-1]
    assert alts[0].startswith("Graphique de trajectoire")
    assert f"Réalisé au {done['Trimestre']} : {number(done['Réalisé'], 0 if float(done['Réalisé']).is_integer() else 1)}" in alts[0]
    assert "Cible : " in alts[0]
    assert alts[1].startswith("Barres horizontales") and "sur" in alts[1]
    assert alts[2].startswith("Barres du taux de complétude")


def test_every_chart_of_the_slides_has_its_alternative_and_its_figures(demo):
    at = run("pages/presentation.py", auth=False, demo_role=None)
    n = int([m.value for m in at.markdown if "Diapositive" in m.value][0].split(" sur ")[1].split("<")[0])
    seen = 0
    for i in range(n):
        for chart in _charts(at):
            seen += 1
            assert chart.proto.alt.strip()
        if len(_charts(at)):  # the figures under it: one expander per chart
            assert [e.label for e in at.expander].count("Données du graphique") == len(_charts(at))
        if i < n - 1:  # « Suivante » is disabled on the last slide
            at.button(key="pr_suiv").click().run()
    assert at.button(key="pr_suiv").disabled and seen >= 3


def test_the_chart_helper_refuses_a_chart_without_alternative():
    for alt in ("", "   ", None):
        with pytest.raises(ValueError, match="alternative textuelle"):
            graphiques.afficher(graphiques.mise_en_forme(graphiques.go.Figure()), key="x", alt=alt)


def test_no_page_draws_a_chart_without_alt():
    """Every chart call of the pages (st.plotly_chart, st.altair_chart, st.image...) passes alt."""
    drawing = {"plotly_chart", "altair_chart", "vega_lite_chart", "pyplot", "image", "bokeh_chart"}
    missing = []
    for path in sorted((ROOT / "pages").rglob("*.py")) + [ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in drawing:
                if "alt" not in {k.arg for k in node.keywords}:
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not missing


def test_the_status_alternative_in_words():
    counts = pd.DataFrame({"statut": [status.EN_RETARD, status.ATTEINT], "Nombre": [12, 1]})
    counts["Statut"] = counts["statut"].map(status.affichage)
    assert graphiques.alt_statuts(counts) == ("Barres du nombre d'objectifs par statut — "
                                              "En retard : 12 ; Atteint : 1.")
