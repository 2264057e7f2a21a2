"""What a new user read on the home page and the Présentation page (the walk of the dashboard, branch
parcours): « de » is elided before a territory name that starts with a vowel (« la page d'Avignon »,
« Courbes d'Amiens »), and a chart of a few whole things (actions per axis) has whole ticks, never
« 0 1 1 2 2 » (ticks every 0,5 rounded by a whole-number format)."""

from __future__ import annotations

import pytest

from data import store
from exports import focus
from exports import html as rendu
from exports import modele as m
from indicators import territoire as page_territoire
from tests.apptest import as_persona
from tests.conftest import TODAY
from core import quarters


@pytest.fixture
def home(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    return lambda role, territoire=None: as_persona("pages/accueil.py", role, territoire)


def _link_labels(at) -> list[str]:
    # st.page_link, or its markdown stand-in when the page runs alone: « [label](url) »
    return [p.proto.label for p in at.get("page_link")] + [m.value[1:] for m in at.markdown if m.value.startswith("[")]


def test_the_link_to_a_territory_page_elides_de_before_a_vowel(home):
    labels = _link_labels(home("coordinateur", "84007"))  # Avignon
    assert any(t.startswith("Voir la page d'Avignon") for t in labels), labels
    labels = _link_labels(home("coordinateur", "75056"))
    assert any(t.startswith("Voir la page de Paris") for t in labels), labels


def test_the_trajectory_of_a_focus_slide_elides_de_before_a_vowel(demo_db):
    at = quarters.last_complete(TODAY)
    with store.connect(demo_db) as con:
        prog = page_territoire.progression_territoire(con, "80021", at, focus.CONFIANCE)
        row = next(prog.itertuples(index=False))
        chart = focus.trajectoire(con, "80021", row, at, None, "Amiens")
    assert chart.alternative.startswith(f"Courbes d'Amiens, {row.libelle} (")


def _chart(genre, *series):
    return m.Graphique(genre, "Actions par axe", ("Axe 1", "Axe 2", "Axe 3"),
                       tuple(m.Serie(f"s{i}", v, "#000091") for i, v in enumerate(series)), m.FORMAT_ENTIER, "alt")


@pytest.mark.parametrize("genre, axis", [(m.COLONNES, "yaxis"), (m.BARRES, "xaxis"), (m.BARRES_EMPILEES, "xaxis")])
def test_a_chart_of_a_few_whole_things_has_one_tick_per_unit(genre, axis):
    fig = rendu.figure(_chart(genre, (0, 1, 2), (1, 1, None)))
    layout = getattr(fig.layout, axis)
    assert (layout.dtick, layout.tick0, layout.tickformat) == (1, 0, ",.0f")


def test_a_chart_of_larger_counts_keeps_plotly_s_own_ticks():
    fig = rendu.figure(_chart(m.COLONNES, (0, 120, 2400)))
    assert fig.layout.yaxis.dtick is None and fig.layout.yaxis.tickformat == ",.0f"
    decimal = m.Graphique(m.COLONNES, "t", ("a", "b"), (m.Serie("s", (0.2, 1.4), "#000091"),), m.FORMAT_DECIMAL, "alt")
    assert rendu.figure(decimal).layout.yaxis.dtick is None  # a decimal figure may have ticks between units


def test_the_fiche_s_actions_chart_has_one_tick_per_action_in_the_pptx_too(demo_db):
    import io

    import pptx

    from exports import vues
    from data.access import Personne

    at = quarters.last_complete(TODAY)
    with store.connect(demo_db) as con:
        deck = vues.document_fiche(con, "80021", at, Personne("n@dihal.gouv.fr", "national"))["deck"]
    charts = [shape.chart for slide in pptx.Presentation(io.BytesIO(vues.fichier(deck, "pptx"))).slides
              for shape in slide.shapes
              if shape.has_chart]
    actions = [c for c in charts if c.chart_title.text_frame.text.startswith("Actions par statut")]
    assert len(actions) == 1 and actions[0].value_axis.major_unit == 1
    budget = [c for c in charts if c.chart_title.text_frame.text.startswith("Budget ")]
    assert budget and budget[0].value_axis.major_unit is None  # euros: PowerPoint's own ticks


def test_a_definitions_slide_of_one_indicator_says_so_in_good_french():
    import pandas as pd

    from exports import definitions

    codes = [f"i{n}" for n in range(1, definitions.LIGNES_DEFINITIONS + 2)]  # one more than a slide holds
    catalogue = pd.DataFrame({"code": codes, "libelle": codes, "definition": "d", "unite": "u", "source": "s"})
    first, last = definitions.diapos(catalogue, codes, "notes")
    n = len(codes)
    assert first.sous_titre == f"1 à {definitions.LIGNES_DEFINITIONS} sur {n}"
    assert last.sous_titre == f"{n} sur {n}"
    assert last.blocs[0].alternative == "Tableau des définitions : indicateur, définition, unité et source d'un indicateur."
    assert first.blocs[0].alternative.endswith(f"de {definitions.LIGNES_DEFINITIONS} indicateurs.")


def _map_bloc(demo_db):
    from data.access import Personne
    from exports import vues
    from exports.perimetre import Perimetre

    with store.connect(demo_db) as con:
        deck = vues.document_club(con, quarters.last_complete(TODAY), Perimetre(), False, (),
                                  Personne("n@dihal.gouv.fr", "national"))["deck"]
    return next(b for d in deck.diapos for b in d.blocs if isinstance(b, m.CarteGeo))


def test_the_map_as_an_image_is_the_same_drawing_with_its_alternative_and_legend(demo_db):
    import base64
    import re
    import xml.etree.ElementTree as ET

    geo = _map_bloc(demo_db)
    shown = rendu.carte_image(geo)
    assert "<svg" not in shown  # Streamlit's st.html drops inline SVG: an <img> survives it
    src = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)"', shown)
    svg = base64.b64decode(src.group(1)).decode("utf-8")
    root = ET.fromstring(svg)  # a standalone SVG document: parses, with its namespace
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg in rendu.carte_svg(geo)  # the very drawing of the .html file
    shapes = root.findall("{http://www.w3.org/2000/svg}path") + root.findall("{http://www.w3.org/2000/svg}circle")
    assert len(shapes) == 1 + len(geo.formes)  # the background and one shape per territory
    from html import unescape

    assert unescape(src.group(2)) == geo.alternative
    assert '<p class="legende"><strong>Statut dominant : </strong>' in shown and ".pastille {" in shown


def test_the_map_slide_of_the_page_shows_the_map_itself(demo_db, monkeypatch):
    from tests.test_roles_pages import run

    monkeypatch.setenv("LDA_DB", str(demo_db))
    at = run("pages/presentation.py", auth=False, demo_role=None)
    for _ in range(20):
        if any("Statut dominant : " in e.proto.body for e in at.get("html")):
            break
        at.button(key="pr_suiv").click().run()
    (body,) = [e.proto.body for e in at.get("html") if "Statut dominant : " in e.proto.body]
    assert body.count('<img src="data:image/svg+xml;base64,') == 1 and "<svg" not in body
