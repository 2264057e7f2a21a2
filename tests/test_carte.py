"""The national map (pages/components/carte.py): French legend and hover text, the territory code
on every clickable point, no geographic trace (nothing fetched from a CDN), a fast build, and the
chart as Streamlit sends it."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data import queries, store
from indicators import status
from pages.components import carte

NNBSP = "\u202f"


def small_frame() -> pd.DataFrame:
    return pd.DataFrame([
        ("246300701", "Clermont Auvergne Métropole et Puy-de-Dôme", "groupement", "63", "en_retard", 45.63),
        ("974", "La Réunion", "departement", "", "atteint", 100.0),
        ("200040715", "Grenoble-Alpes-Métropole", "epci", "", "en_retard", 12.0),
        ("75056", "Paris", "commune", "", "a_surveiller", math.nan),
        ("31555", "Toulouse", "commune", "", "dans_la_trajectoire", 80.0),
    ], columns=["code", "nom", "type", "membres", "statut", "part_trajectoire_pct"])


def clickable_codes(fig) -> set[str]:
    return {str(c) for t in fig.data if t.customdata is not None for c in t.customdata}


def legend(traces) -> list[str]:
    """Legend entries as shown: Plotly orders them by legendrank, not by trace order."""
    shown = [t for t in traces if t.get("showlegend")]
    return [t["name"] for t in sorted(shown, key=lambda t: t.get("legendrank", 1000))]


def hover_texts(fig) -> set[str]:
    return {str(s) for t in fig.data if t.text is not None and not isinstance(t.text, str) for s in t.text}


def test_status_legend_has_one_french_entry_per_status_present():
    fig = carte.figure_carte(small_frame(), couleur="statut")
    assert legend(fig.to_plotly_json()["data"]) == ["En retard", "À surveiller", "Dans la trajectoire",
                                                   "Atteint"]  # STATUTS order
    by_name = {t.name: t for t in fig.data if t.showlegend}
    assert by_name["En retard"].fillcolor == status.COULEURS["en_retard"]
    assert by_name["À surveiller"].marker.color == status.COULEURS["a_surveiller"]  # Paris: a point
    assert fig.layout.legend.title.text == "Statut"


def test_hover_text_is_french_with_comma_decimals():
    fig = carte.figure_carte(small_frame())
    texts = hover_texts(fig)
    assert (f"<b>Clermont Auvergne Métropole et Puy-de-Dôme</b> (246300701)<br>Statut : En retard"
            f"<br>Dans la trajectoire ou atteints : 46{NNBSP}%") in texts
    assert f"<b>Paris</b> (75056)<br>Statut : À surveiller<br>Dans la trajectoire ou atteints : aucun indicateur évalué" in texts
    assert f"<b>La Réunion</b> (974)<br>Statut : Atteint<br>Dans la trajectoire ou atteints : 100{NNBSP}%" in texts
    assert not any("45.6" in t or "nan" in t.lower() for t in texts)
    assert all(t.hovertemplate == "%{text}<extra></extra>" for t in fig.data if t.text is not None)


def incomplete_frame() -> pd.DataFrame:
    frame = small_frame().assign(nb_trajectoire=[5, 13, 1, 0, 8], nb_evalues=[11, 13, 8, 0, 10],
                                 nb_incomplets=[0, 0, 13, 2, 0], declaration="")
    frame.loc[2, "declaration"] = "1 trimestre renseigné sur 3 (13 indicateurs sur 13)"
    frame.loc[3, "declaration"] = "2 trimestres renseignés sur 3 (2 indicateurs sur 13)"
    return frame


def test_incomplete_reporting_is_outlined_named_in_the_legend_and_said_on_hover():
    for couleur in carte.COULEURS_CARTE:
        fig = carte.figure_carte(incomplete_frame(), couleur=couleur)
        outlines = [t for t in fig.data if t.name == carte.INCOMPLET]
        # Grenoble (a shape): a dotted outline, no fill; Paris (a commune): an open ring
        assert [t.mode for t in outlines] == ["lines", "markers"]
        assert outlines[0].line.dash == "dot" and outlines[0].fill is None
        assert outlines[1].marker.symbol == "circle-open" and list(outlines[1].x) == [
            next(t for t in fig.data if t.mode == "markers" and t.hoverinfo == "skip"
                 and t.customdata is not None and list(t.customdata) == ["75056"]).x[0]]
        assert [t.showlegend for t in outlines] == [True, False]  # one legend entry
        assert carte.INCOMPLET in legend(fig.to_plotly_json()["data"])
        assert all(t.hoverinfo == "skip" for t in outlines)  # the targets keep the hover and the click
    texts = hover_texts(fig)
    assert (f"<b>Grenoble-Alpes-Métropole</b> (200040715)<br>Statut : En retard<br>Dans la trajectoire ou "
            f"atteints : 12{NNBSP}% (1 sur 8 indicateurs évalués)<br>Déclaration incomplète : 1 trimestre "
            "renseigné sur 3 (13 indicateurs sur 13)") in texts
    assert not any("Déclaration" in t for t in texts if "Toulouse" in t)
    # complete everywhere: no outline, no legend entry
    fig = carte.figure_carte(incomplete_frame().assign(nb_incomplets=0, declaration=""))
    assert not [t for t in fig.data if t.name == carte.INCOMPLET]


def test_every_territory_is_clickable_and_nothing_geographic_is_drawn(db):
    with store.connect(db) as con:
        territories = queries.territories(con)
    frame = territories.assign(statut=[status.STATUTS[i % 6] for i in range(len(territories))],
                               part_trajectoire_pct=[float(i * 3) for i in range(len(territories))])
    for couleur in carte.COULEURS_CARTE:
        fig = carte.figure_carte(frame, couleur=couleur)
        assert clickable_codes(fig) == set(territories["code"])
        assert {t.type for t in fig.data} == {"scatter"}
        spec = fig.to_json()
        for forbidden in ("scattergeo", "choropleth", "mapbox", "scattermap", '"geo"'):
            assert forbidden not in spec
        assert fig.layout.separators == ", "
        assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
        assert fig.layout.yaxis.scaleanchor == "x" and fig.layout.yaxis.scaleratio == 1
        assert fig.layout.xaxis.fixedrange and fig.layout.yaxis.fixedrange
    # five framed insets with their names
    assert [a.text for a in fig.layout.annotations] == ["Guadeloupe", "Martinique", "Guyane", "La Réunion",
                                                        "Mayotte"]
    assert len(fig.layout.shapes) == 5


def test_share_colouring_has_a_french_colour_bar_that_names_the_measure_and_a_hatched_no_value_entry():
    fig = carte.figure_carte(small_frame(), couleur="trajectoire")
    bars = [t for t in fig.data if t.marker is not None and t.marker.showscale]
    assert len(bars) == 1
    bar = bars[0].marker.colorbar
    assert bar.title.text.replace("<br>", " ") == "Indicateurs dans la trajectoire ou atteints"
    assert list(bar.ticktext) == [f"0{NNBSP}%", f"25{NNBSP}%", f"50{NNBSP}%", f"75{NNBSP}%", f"100{NNBSP}%"]
    assert bars[0].marker.cmin == 0 and bars[0].marker.cmax == 100
    assert legend(fig.to_plotly_json()["data"]) == ["Aucun indicateur évalué"]  # Paris
    fills = {t.legendgroup: t.fillcolor for t in fig.data if t.fill == "toself" and t.legendgroup}
    # darker when more indicators are on their path: Réunion (100 %) darker than Grenoble (12 %, the
    # 10-15 step)
    assert fills["part-100"] == "rgb(0, 0, 145)"
    # (the lightest shade keeps 3:1 against the map's ground: tests/test_contraste.py)
    assert sum(int(v) for v in fills["part-10"][4:-1].split(",")) > 2.5 * 145
    assert "trajectoire ou ont atteint leur cible" in carte.LEGENDE and "pointillé" in carte.LEGENDE


def test_missing_status_or_unknown_code_never_breaks_the_map():
    frame = small_frame()
    frame.loc[1, "statut"] = None
    frame.loc[len(frame)] = ("000000000", "Inconnu", "epci", "", "en_retard", 10.0)
    fig = carte.figure_carte(frame)
    assert "974" in clickable_codes(fig) and "000000000" not in clickable_codes(fig)
    assert "Non renseigné" in [t.name for t in fig.data if t.showlegend]
    with pytest.raises(ValueError):
        carte.figure_carte(frame, couleur="population")


def test_clicked_code_is_read_from_the_selection_event():
    codes = ["974", "75056"]
    event = {"selection": {"points": [{"curve_number": 3, "point_number": 7, "point_index": 7, "x": -7.2,
                                       "y": 49.3, "customdata": "974"}],
                           "point_indices": [7], "box": [], "lasso": []}}
    assert carte.code_selectionne(event, codes) == "974"
    event["selection"]["points"][0]["customdata"] = ["75056"]
    assert carte.code_selectionne(event, codes) == "75056"
    event["selection"]["points"][0]["customdata"] = "200040715"  # not on this map
    assert carte.code_selectionne(event, codes) is None
    assert carte.code_selectionne({"selection": {"points": []}}, codes) is None
    assert carte.code_selectionne(None, codes) is None


def test_geometry_is_read_once_per_process_whatever_the_colouring(monkeypatch):
    """The shapes are read and simplified once (the slow part); recolouring reads no file again.
    (A structural check: timings belong in bench/, never in tests.)"""
    from data import geo

    frame = small_frame()
    carte.figure_carte(frame)  # cold: reads and simplifies the geometry once per process
    reads = []
    original = geo._read_layer
    monkeypatch.setattr(geo, "_read_layer", lambda name: reads.append(name) or original(name))
    for couleur in ("statut", "trajectoire", "statut"):
        carte.figure_carte(frame, couleur=couleur)
    assert reads == []


def _carte_script():
    import pandas as pd
    import streamlit as st

    from pages.components import carte

    frame = pd.DataFrame([
        ("974", "La Réunion", "departement", "", "atteint", 100.0),
        ("75056", "Paris", "commune", "", "en_retard", 45.63),
        ("000000000", "Territoire sans contour", "epci", "", "en_retard", 10.0),
    ], columns=["code", "nom", "type", "membres", "statut", "part_trajectoire_pct"])
    clic = carte.afficher_carte(frame, couleur="statut", key="carte")
    st.write(f"clic : {clic}")


def test_afficher_carte_sends_an_offline_clickable_chart():
    at = AppTest.from_function(_carte_script, default_timeout=30).run()
    assert not at.exception
    chart = at.get("plotly_chart")[0].proto
    spec = json.loads(chart.spec)
    assert {t["type"] for t in spec["data"]} == {"scatter"}
    assert spec["layout"]["separators"] == ", "
    assert legend(spec["data"]) == ["En retard", "Atteint"]
    codes = {c for t in spec["data"] for c in t.get("customdata") or []}
    assert codes == {"974", "75056"}
    assert any(f"Dans la trajectoire ou atteints : 46{NNBSP}%" in s for t in spec["data"] for s in t.get("text") or [])
    config = json.loads(chart.config)
    assert config["displaylogo"] is False and config["displayModeBar"] is False
    assert len(chart.selection_mode) == 1  # points only: a click, no box or lasso
    assert "topojson" not in chart.spec
    captions = [c.value for c in at.caption]
    assert captions == ["Sans contour connu, absents de la carte : Territoire sans contour (000000000)"]
    assert at.markdown[-1].value == "clic : None"


def test_smaller_territories_are_drawn_over_larger_ones_whatever_their_status():
    frame = pd.DataFrame([
        ("200033579", "Communauté urbaine d'Arras", "epci", "", "en_retard", 10.0),
        ("62", "Pas-de-Calais", "departement", "", "atteint", 100.0),
    ], columns=["code", "nom", "type", "membres", "statut", "part_trajectoire_pct"])
    for couleur in carte.COULEURS_CARTE:
        fig = carte.figure_carte(frame, couleur=couleur)
        fills = [t.legendgroup for t in fig.data if t.fill == "toself" and t.name != "Départements"]
        expected = ["atteint", "en_retard"] if couleur == "statut" else ["part-100", "part-10"]
        assert fills == expected


def test_a_commune_wins_the_click_over_the_epci_around_it():
    frame = pd.DataFrame([
        ("37261", "Tours", "commune", "", "atteint", 10.0),
        ("243700754", "Tours Métropole Val de Loire", "epci", "", "en_retard", 100.0),
    ], columns=["code", "nom", "type", "membres", "statut", "part_trajectoire_pct"])
    fig = carte.figure_carte(frame)
    targets = [i for i, t in enumerate(fig.data) if t.hovertemplate]
    owners = [{str(c) for c in fig.data[i].customdata} for i in targets]
    # Plotly gives a tie (pointer within 3 pixels of two targets) to the later trace
    assert owners == [{"243700754"}, {"37261"}]
    assert len({fig.data[i].marker.size for i in targets}) == 1
    visible = [t for t in fig.data if t.mode == "markers" and t.marker.opacity is None]
    assert [list(t.customdata) for t in visible] == [["37261"]] and visible[0].hoverinfo == "skip"


def test_the_map_built_without_validation_is_the_figure_plotly_validates():
    """The traces are written as plain dicts and the figure assembled unvalidated (speed): a
    validated rebuild of it must be the very same figure, key for key, for every colouring."""
    import plotly.graph_objects as go

    for frame in (small_frame(), incomplete_frame()):
        for couleur in carte.COULEURS_CARTE:
            fig = carte.figure_carte(frame, couleur=couleur)
            sent = json.loads(fig.to_json())
            assert json.loads(go.Figure(fig.to_dict()).to_json()) == sent
            assert len(sent["data"]) == len(fig.data) and sent["layout"]["template"]
    # the layout kept per process is copied into each figure, never handed out to be changed
    fig = carte.figure_carte(small_frame())
    fig.update_layout(height=100)
    assert carte.figure_carte(small_frame()).layout.height == carte.HAUTEUR
