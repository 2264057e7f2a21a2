"""The home page in a real browser, offline, on the demo database."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from data import queries, store
from core.formatting import number
from tests.browser.conftest import (
    assert_no_browser_errors,
    assert_no_exception,
    assert_offline,
    open_page,
)

pytestmark = pytest.mark.browser

UPLOAD_HEADERS = ["Reçu le", "Fichier", "Type", "Déposé par", "Résultat", "Territoires",
                  "Nouvelles", "Révisées", "Inchangées", "Erreurs"]


@pytest.fixture
def expected(demo_db):
    """What the server's database holds (demo_db is another copy of the same demo template)."""
    with store.connect(demo_db) as con:
        return queries.summary(con), queries.latest_uploads(con, 10)


def test_home_page_renders_in_french_offline(page, page_log, base_url, screenshot, expected):
    summary, uploads = expected
    open_page(page, base_url, "/")
    screenshot()
    assert_no_exception(page)

    expect(page).to_have_title(re.compile("^Logement d'abord"))
    expect(page.locator("h1").first).to_contain_text("Logement d'abord")
    expect(page.locator('[data-testid="stMainBlockContainer"] [data-testid="stAlertContentWarning"]')).to_contain_text(
        "Données de démonstration")

    metrics = {
        page.locator('[data-testid="stMetricLabel"]').nth(i).inner_text().strip():
        page.locator('[data-testid="stMetricValue"]').nth(i).inner_text().strip()
        for i in range(page.locator('[data-testid="stMetric"]').count())
    }
    assert {k: metrics.get(k) for k in ("Territoires suivis", "Feuilles de route", "Valeurs enregistrées",
                                         "Dépôts enregistrés")} == {
        "Territoires suivis": number(summary["territoires"]),
        "Feuilles de route": number(summary["feuilles"]),
        "Valeurs enregistrées": number(summary["valeurs"]),
        "Dépôts enregistrés": number(summary["depots"]),
    }
    # the national headline figures come first, in French format
    assert "De la rue au logement" in metrics

    expect(page.get_by_role("heading", name="Derniers dépôts")).to_be_visible()
    grid = page.locator('[data-testid="stDataFrame"]').filter(
        has=page.locator("th", has_text="Déposé par"))
    expect(grid).to_have_count(1)
    # the grid only puts the columns in view into the DOM: those shown are the first ones, in order
    shown = [t.strip() for t in grid.locator("th").all_inner_texts()]
    assert len(shown) >= 6 and shown == UPLOAD_HEADERS[: len(shown)]
    # aria-rowcount counts the header row; the grid only puts the visible rows in the DOM
    assert grid.locator("table").get_attribute("aria-rowcount") == str(len(uploads) + 1)
    files_shown = [t.strip() for t in grid.locator('td[aria-colindex="2"]').all_inner_texts()]
    assert files_shown and files_shown == list(uploads["fichier"])[: len(files_shown)]
    results_shown = {t.strip() for t in grid.locator('td[aria-colindex="5"]').all_inner_texts()}
    assert results_shown <= {"enregistré", "refusé"}

    assert_offline(page_log)
    assert_no_browser_errors(page_log)
