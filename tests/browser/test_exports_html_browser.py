"""The deck's, the fiche's and the note's .html opened from disk (file://) in headless Chromium with every
request aborted but the file itself: every chart of the deck drawn by the plotly.js inside the
file (one .js-plotly-plot per chart, with its SVG traces), nothing requested from any host (not
even localhost), no console error."""

from __future__ import annotations

import pytest

from data import store
from exports import club, fiche, html, note
from exports import modele as m
from tests.browser.helpers import open_offline

pytestmark = pytest.mark.browser

AT = "2026-T3"
# Per chart: its traces drawn in SVG (a <g class="trace"> per series, with a non-empty path) and
# plotly's own count of the traces it was given.
_DRAWN_JS = """
() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => ({
  title: gd._fullLayout && gd._fullLayout.title ? gd._fullLayout.title.text : null,
  traces: gd.data ? gd.data.length : 0,
  drawn: gd.querySelectorAll('svg.main-svg g.trace').length,
  paths: [...gd.querySelectorAll('svg.main-svg g.trace path')].filter(p => (p.getAttribute('d') || '').length > 2).length,
}))
"""


@pytest.fixture(scope="module")
def fichiers(demo_module_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("html-navigateur")
    with store.connect(demo_module_db) as con:
        decks = {"club": club.construire(con, AT, focus=("18",)), "fiche": fiche.construire(con, "18", AT),
                 "note": note.construire(con, AT)}
    return {name: (deck, html.ecrire(deck, folder / f"{name}.html")) for name, deck in decks.items()}


@pytest.mark.parametrize("name", ["club", "fiche", "note"])
def test_html_draws_every_chart_offline_from_the_file_alone(browser, fichiers, name):
    deck, path = fichiers[name]
    opened = open_offline(browser, path)
    page = opened.page
    try:
        expected = [b.titre for d in deck.diapos for b in d.blocs
                    if isinstance(m.sans_graphique_vide(b), m.Graphique)]
        page.wait_for_function(f"() => document.querySelectorAll('.js-plotly-plot .main-svg').length >= {len(expected)}")
        drawn = page.evaluate(_DRAWN_JS)
        page.emulate_media(media="print")  # the print style requests nothing either
        page.wait_for_timeout(200)
    finally:
        opened.context.close()
    assert expected, "the deck has charts"
    assert [c["title"] for c in drawn] == expected
    for chart in drawn:
        series = chart["traces"]
        assert series >= 1 and chart["drawn"] == series, chart
        assert chart["paths"] >= 1, chart
    assert opened.outside() == [] and opened.refused == [], f"requests other than the file: {opened.outside() or opened.refused}"
    assert opened.console == [] and opened.errors == [], f"console errors: {opened.console}, uncaught errors: {opened.errors}"
