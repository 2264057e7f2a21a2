"""The dashboard pages in a real browser, offline, on the demo database: each renders with no error
and no request leaving localhost, with its real content; the matrix link opens a territory."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from data import store
from core import quarters
from indicators.progress import progress
from indicators.status import affichage
from tests.browser.conftest import assert_no_browser_errors, assert_no_exception, assert_offline, open_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_facts(demo_template):
    with store.connect(demo_template) as con:
        frame = progress(con, quarters.last_complete())
        names = dict(con.execute("SELECT code, nom FROM territoire WHERE actif").fetchall())
    late = frame[frame["statut"] == "en_retard"].iloc[0]
    return frame, names, late


@pytest.fixture(scope="module")
def short_names(demo_template):
    """Code of each territory by its short name, as the matrix shows it."""
    from indicators import noms

    with store.connect(demo_template) as con:
        rows = con.execute("SELECT code, nom, type FROM territoire WHERE actif").fetchall()
    return dict(zip(noms.noms_courts([r[1] for r in rows], [r[2] for r in rows], [r[0] for r in rows]),
                    [r[0] for r in rows]))


def _plot_count(page) -> int:
    return page.locator(".js-plotly-plot").count()


def test_national_page_offline(page, page_log, base_url, screenshot, demo_facts):
    frame, names, late = demo_facts
    open_page(page, base_url, "/pilotage")
    assert_no_exception(page)
    expect(page.locator("h1").first).to_contain_text("Pilotage national")
    for heading in ("Statuts des indicateurs des feuilles de route", "Carte des territoires",
                    "Complétude des dépôts"):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("th", has_text="Fiche"))
    expect(grid).to_have_count(1)
    # one row per territory with a roadmap (aria-rowcount counts the header row)
    assert grid.locator("table").get_attribute("aria-rowcount") == str(frame["territoire"].nunique() + 1)
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    assert _plot_count(page) >= 3  # statuses, map, completeness heat map
    page.get_by_role("heading", name="Complétude des dépôts").scroll_into_view_if_needed()
    screenshot()
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def test_territory_page_offline_from_its_url(page, page_log, base_url, screenshot, demo_facts):
    frame, names, late = demo_facts
    code = late["territoire"]
    open_page(page, base_url, f"/territoire?territoire={code}")
    assert_no_exception(page)
    expect(page.locator("h1").first).to_have_text(names[code])
    expect(page.get_by_text(affichage("en_retard")).first).to_be_visible()
    expect(page.get_by_role("heading", name="Trajectoire d'un indicateur")).to_be_visible()
    plot = page.locator(".js-plotly-plot").first
    expect(plot).to_be_visible()
    expect(plot.locator(".legendtext", has_text="Cible")).to_have_count(1)
    expect(plot.locator(".legendtext", has_text="Chemin attendu")).to_have_count(1)
    assert f"territoire={code}" in page.url
    screenshot()
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def test_methodology_page_offline(page, page_log, base_url, screenshot):
    open_page(page, base_url, "/methode")
    assert_no_exception(page)
    expect(page.locator("h1").first).to_contain_text("Indicateurs et méthode")
    expect(page.get_by_text("seuil de retard 0,8").first).to_be_visible()  # in words, not the constant's name
    screenshot()
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def test_matrix_row_opens_the_territory_page(page, page_log, base_url, demo_facts, short_names):
    frame, names, late = demo_facts
    open_page(page, base_url, "/pilotage")
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("th", has_text="Fiche"))
    # first data row of the matrix: its link cell opens the page of that territory
    first_name = grid.locator('td[aria-colindex="1"]').first.inner_text().strip()  # Territoire, pinned first
    code = short_names[first_name]  # the matrix shows short names; the page, the official one
    # the grid draws on a canvas: click the selection box at the left of the first data row
    # (header and rows are 35 px high)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 35 + 17)
    page.wait_for_url(f"**/territoire?territoire={code}*", timeout=15_000)
    open_page(page, base_url, page.url.replace(base_url, ""))
    expect(page.locator("h1").first).to_have_text(names[code])
    assert_offline(page_log)
