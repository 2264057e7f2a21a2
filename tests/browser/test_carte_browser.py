"""The national map in a real browser with every outside request blocked: it draws (départements,
territories, insets), speaks French, and a click on a territory opens its page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from indicators import status
from pages.components.carte import INCOMPLET
from tests.browser.conftest import (
    ARTIFACTS,
    assert_no_browser_errors,
    assert_no_exception,
    assert_offline,
    open_page,
)

pytestmark = pytest.mark.browser

MAP = '[data-testid="stPlotlyChart"]'

# Filled polygons drawn (one "M" per ring of every fill path), the legend, the inset names, and
# the first clickable point of each territory with its position on the screen.
_DRAWN_JS = """
(chart) => {
  const gd = chart.querySelector('.js-plotly-plot');
  const fills = [...gd.querySelectorAll('.scatterlayer path.js-fill')];
  const L = gd._fullLayout, box = gd.getBoundingClientRect();
  const points = {};
  gd._fullData.forEach(t => {
    if (!t.customdata || !t.visible) return;
    for (let i = 0; i < t.customdata.length; i++) {
      const code = String(t.customdata[i]);
      if (points[code]) continue;
      points[code] = [box.left + L.xaxis._offset + L.xaxis.l2p(t.x[i]),
                      box.top + L.yaxis._offset + L.yaxis.l2p(t.y[i])];
    }
  });
  return {
    fillPaths: fills.length,
    polygons: fills.map(p => ((p.getAttribute('d') || '').match(/M/g) || []).length).reduce((a, b) => a + b, 0),
    fillColours: fills.map(p => getComputedStyle(p).fill),
    legend: [...gd.querySelectorAll('.legendtext')].map(e => e.textContent),
    annotations: [...gd.querySelectorAll('.annotation-text')].map(e => e.textContent),
    traceTypes: [...new Set(gd._fullData.map(t => t.type))],
    geoSubplots: ['geo', 'map', 'mapbox'].map(k => (L._subplots[k] || []).length).reduce((a, b) => a + b, 0),
    points,
  };
}
"""


def _rgb(hex_colour: str) -> str:
    h = hex_colour.lstrip("#")
    return "rgb({}, {}, {})".format(*(int(h[i:i + 2], 16) for i in (0, 2, 4)))


def test_national_map_draws_offline_in_french_and_opens_a_territory(page, page_log, base_url, screenshot):
    open_page(page, base_url, "/pilotage")
    assert_no_exception(page)
    chart = page.locator(MAP).filter(has_text="Guadeloupe")
    expect(chart).to_have_count(1)
    chart.scroll_into_view_if_needed()
    expect(chart.locator(".scatterlayer path.js-fill").first).to_be_attached()
    drawn = chart.evaluate(_DRAWN_JS)

    # 101 départements in the background layer plus the territories, drawn as filled paths
    assert drawn["polygons"] >= 101 + 20, drawn["polygons"]
    assert drawn["fillPaths"] >= 2
    assert drawn["traceTypes"] == ["scatter"] and drawn["geoSubplots"] == 0
    assert drawn["annotations"] == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
    # the legend names statuses in French (never colour alone), each in the status's colour, and
    # the outline of incomplete reporting (the demo has territories reporting 1 quarter of 3)
    labels = set(status.LIBELLES.values())
    assert drawn["legend"] and set(drawn["legend"]) <= labels | {INCOMPLET}, drawn["legend"]
    assert INCOMPLET in drawn["legend"]
    colours = set(drawn["fillColours"])
    present = [code for code, label in status.LIBELLES.items() if label in drawn["legend"]]
    assert any(_rgb(status.COULEURS[code]) in colours for code in present)
    assert len(drawn["points"]) >= 30, sorted(drawn["points"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(ARTIFACTS / "test_national_map-carte.png"), animations="disabled")

    # hovering a territory shows its name, code, status and progress in French (positions read
    # again: scrolling moves the chart)
    code = "974" if "974" in drawn["points"] else sorted(drawn["points"])[0]
    chart.scroll_into_view_if_needed()
    x, y = chart.evaluate(_DRAWN_JS)["points"][code]
    page.mouse.move(x, y)
    hover = page.locator(".hoverlayer .hovertext")
    expect(hover.first).to_be_attached()
    text = hover.first.text_content()
    assert f"({code})" in text and "Statut : " in text and "Dans la trajectoire ou atteints : " in text, text
    assert re.search(r"Statut : (" + "|".join(map(re.escape, labels)) + ")", text), text
    share = text.split("Dans la trajectoire ou atteints : ")[1].split("Déclaration incomplète")[0]
    assert share == "aucun indicateur évalué" or re.fullmatch(
        r"\d+\u202f% \(\d+ sur \d+ indicateurs? évalués?\)", share), share
    screenshot()

    assert_offline(page_log)
    _drop_streamlit_path_probes(page_log)
    assert_no_browser_errors(page_log)

    # a click opens the territory's page
    chart.scroll_into_view_if_needed()
    x, y = chart.evaluate(_DRAWN_JS)["points"][code]
    page.mouse.click(x, y)
    page.wait_for_url(re.compile(rf"territoire={code}"), timeout=15_000)
    open_page(page, base_url, page.url.removeprefix(base_url))
    assert_no_exception(page)
    assert_offline(page_log)


def _drop_streamlit_path_probes(page_log) -> None:
    """Opened at /pilotage, Streamlit's frontend first looks for its server under that path
    (/pilotage/_stcore/health, /pilotage/_stcore/host-config), gets a 404 that the browser logs as
    a console error, then finds it at the root. Only those probes are forgiven."""
    probe = re.compile(r"status of 404 .*\(http://[^/]+/pilotage/_stcore/(health|host-config)\)$")
    page_log.console_errors[:] = [e for e in page_log.console_errors if not probe.search(e)]
