"""Hover labels of the charts (pages/components/graphiques.py) read like every other figure of the
pages: « 1 234,5 » (narrow no-break space, decimal comma), « 45,0 % », a true minus sign, never a
d3 format that drops a trailing zero or writes an English decimal point."""

from __future__ import annotations

import math

import pandas as pd

from pages.components import graphiques

NNBSP, MINUS = "\u202f", "\u2212"


def _series(unite_pct: bool) -> pd.DataFrame:
    """Four quarters of a flow, two reported, the target, the milestone and the projection."""
    return pd.DataFrame({
        "reference": ["2025-T1", "2025-T2", "2025-T3", "2025-T4"],
        "libelle": ["T1 2025", "T2 2025", "T3 2025", "T4 2025"],
        "attendu": [10.0, 20.0, 30.0, 40.0] if unite_pct else [1234.5, 2469.0, 3703.5, 4938.0],
        "realise_affiche": [45.0, 50.25, math.nan, math.nan] if unite_pct else [1500.0, 2600.56, math.nan, math.nan],
        "valeur_trimestre": [45.0, 5.25, math.nan, math.nan] if unite_pct else [1500.0, 1100.56, math.nan, math.nan],
        "cible": [80.0] * 4 if unite_pct else [4938.0] * 4,
        "jalon_an1": [40.0] * 4 if unite_pct else [3000.5] * 4,
        "projection_fin": [math.nan, math.nan, math.nan, 60.0] if unite_pct else [math.nan] * 3 + [5201.1],
        "nature": ["flux"] * 4, "ecoule": [True, True, False, False], "renseigne": [True, True, False, False],
    })


def _hovers(fig) -> dict[str, list[str]]:
    return {t.name: list(t.customdata) for t in fig.data}


def test_trajectory_hovers_are_french_figures_with_their_unit():
    fig = graphiques.trajectoire(_series(False), "Sorties de la rue", "personnes")
    hovers = _hovers(fig)
    assert hovers["Valeur du trimestre"][:2] == [f"1{NNBSP}500 personnes", f"1{NNBSP}100,6 personnes"]
    assert hovers["Chemin attendu"] == [f"1{NNBSP}234,5", f"2{NNBSP}469", f"3{NNBSP}703,5", f"4{NNBSP}938"]
    assert hovers["Réalisé (cumul)"][:2] == [f"1{NNBSP}500", f"2{NNBSP}600,6"]
    assert hovers["Cible"] == [f"4{NNBSP}938"] * 2 and hovers["Jalon de la 1re année"] == [f"3{NNBSP}000,5"]
    assert hovers["Projection en fin de fenêtre"] == [f"2{NNBSP}600,6", f"5{NNBSP}201,1"]
    for trace in fig.data:  # the figure comes from customdata, not from a d3 format of y
        assert "%{customdata}" in trace.hovertemplate and "%{y" not in trace.hovertemplate


def test_a_percentage_keeps_its_decimal_in_every_hover():
    hovers = _hovers(graphiques.trajectoire(_series(True), "Part des attributions", "%"))
    assert hovers["Valeur du trimestre"][:2] == [f"45,0{NNBSP}%", f"5,2{NNBSP}%"]  # half to even, as everywhere
    assert hovers["Chemin attendu"][0] == f"10,0{NNBSP}%" and hovers["Cible"] == [f"80,0{NNBSP}%"] * 2
    assert hovers["Réalisé (cumul)"][:2] == [f"45,0{NNBSP}%", f"50,2{NNBSP}%"]


def test_comparison_status_and_completeness_hovers():
    comp = pd.DataFrame({"territoire": ["A", "B"], "nom": ["Alpha", "Bêta"], "pour_100000": [1234.56, -2.0]})
    fig = graphiques.barres_comparaison(comp, "A", "Sorties")
    assert list(fig.data[0].customdata) == [f"{MINUS}2 pour 100{NNBSP}000 hab.", f"1{NNBSP}234,6 pour 100{NNBSP}000 hab."]
    counts = pd.DataFrame({"statut": ["en_retard", "atteint"], "Statut": ["En retard", "Atteint"], "Nombre": [1354, 2]})
    bars = graphiques.barres_statuts(counts).data[0]
    assert list(bars.customdata) == list(bars.text) == [f"1{NNBSP}354", "2"]  # the bar's label too
    heat = pd.DataFrame({"nom": ["Alpha", "Alpha", "Bêta"], "libelle": ["T1 2025", "T2 2025", "T1 2025"],
                         "trimestre": ["2025-T1", "2025-T2", "2025-T1"], "taux_completude": [45.0, 100.0, 12.5]})
    cells = graphiques.carte_completude(heat).data[0].customdata
    assert [list(r) for r in cells] == [[f"45,0{NNBSP}%", f"100,0{NNBSP}%"], [f"12,5{NNBSP}%", "–"]]
    courbe = pd.DataFrame({"libelle": ["T1 2025", "T2 2025"], "taux_completude": [45.0, math.nan],
                           "delai_jours": [12, math.nan]})
    bars = graphiques.courbe_completude(courbe).data[0]
    assert [list(c) for c in bars.customdata] == [[f"45,0{NNBSP}%", " (première valeur 12 jours après la fin)"],
                                                  ["–", ""]]
    assert bars.hovertemplate == "%{x} : %{customdata[0]}%{customdata[1]}<extra></extra>"


def test_every_chart_is_the_figure_plotly_validates():
    """mise_en_forme() assembles the figure without validating it again (speed): a validated
    rebuild must be the same figure, key for key, template included."""
    import json

    import plotly.graph_objects as go

    comp = pd.DataFrame({"territoire": ["A", "B"], "nom": ["Alpha", "Bêta"], "pour_100000": [1234.56, -2.0]})
    counts = pd.DataFrame({"statut": ["en_retard"], "Statut": ["En retard"], "Nombre": [3]})
    heat = pd.DataFrame({"nom": ["Alpha"], "libelle": ["T1 2025"], "trimestre": ["2025-T1"], "taux_completude": [45.0]})
    courbe = pd.DataFrame({"libelle": ["T1 2025"], "taux_completude": [45.0], "delai_jours": [12]})
    gappy = _series(False).assign(renseigne=[True, False, False, False])  # a grey band, a subtitle
    figures = [graphiques.trajectoire(_series(True), "Part", "%"), graphiques.trajectoire(gappy, "Sorties", "personnes"),
               graphiques.barres_comparaison(comp, "A", "Titre"), graphiques.barres_statuts(counts),
               graphiques.carte_completude(heat), graphiques.courbe_completude(courbe)]
    for fig in figures:
        sent = json.loads(fig.to_json())
        assert json.loads(go.Figure(fig.to_dict()).to_json()) == sent
        assert sent["layout"]["separators"] == ", " and sent["layout"]["template"]["layout"]["plot_bgcolor"] == "white"
    assert figures[1].layout.title.subtitle.text.startswith("Déclaration incomplète")
    # the template kept per process is copied into each figure, never handed out to be changed
    figures[0].layout.template.layout.plot_bgcolor = "black"
    assert graphiques.barres_statuts(counts).layout.template.layout.plot_bgcolor == "white"
