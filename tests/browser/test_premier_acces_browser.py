"""A fresh server whose very first request is a page's own URL: Streamlit starts in its legacy
multipage mode (a pages/ folder sits beside app.py) and would run the page script alone, without
app.py, so without sign-in or navigation. The pages leave that mode at once (auth.person())."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, assert_offline, launch_server, open_page

pytestmark = pytest.mark.browser


def test_first_request_to_a_page_url_goes_through_app_py(page, page_log, demo_template, tmp_path):
    db = tmp_path / "premier.duckdb"
    shutil.copy(demo_template, db)
    server = launch_server(db, tmp_path)
    try:
        open_page(page, server.base_url, "/pilotage")
        assert_no_exception(page)
        expect(page.locator("h1").first).to_have_text("Pilotage national")
        nav = page.locator('[data-testid="stSidebarNav"]')
        # the app's navigation (French titles), not the legacy listing of the files in pages/
        expect(nav.get_by_text("Pilotage national")).to_have_count(1)
        expect(nav.get_by_text("Indicateurs et méthode")).to_have_count(1)
        expect(nav.get_by_text("pilotage", exact=True)).to_have_count(0)
        # app.py ran: the demonstration persona selector is there
        expect(page.get_by_text("Profil de démonstration")).to_be_visible()
        assert page.url.endswith("/pilotage")
        assert_offline(page_log)
    finally:
        server.stop()
