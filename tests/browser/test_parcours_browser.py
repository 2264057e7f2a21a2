"""What a new user saw at 1280 x 800 on the demo (the walk of the dashboard, branch parcours): a
headline figure's label and its change in words are read whole, never cut to « par rapport au T… »."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, open_page

pytestmark = pytest.mark.browser

# every element inside a metric's label or delta that hides part of its text (drawn narrower than it is)
_CUT = """() => [...document.querySelectorAll('[data-testid="stMetricLabel"], [data-testid="stMetricDelta"]')]
  .flatMap(m => [m, ...m.querySelectorAll('*')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 && e.innerText.trim())
    .map(e => m.getAttribute('data-testid') + ': ' + m.innerText.trim()))"""


def test_the_home_page_headline_figures_are_not_cut_at_1280_px(page, base_url):
    assert page.viewport_size == {"width": 1280, "height": 800}
    open_page(page, base_url, "/")
    assert_no_exception(page)
    deltas = page.locator('[data-testid="stMetricDelta"]')
    expect(deltas.first).to_contain_text("par rapport au T")
    assert deltas.count() == 4  # the four national headline figures
    assert sorted(set(page.evaluate(_CUT))) == []
    # the words wrap, the quarter does not: « T2 2026 » with a no-break space
    for text in deltas.all_inner_texts():
        assert re.fullmatch(r"[+−]\d[\d\u202f]* par rapport au T[1-4]\u00a0\d{4}", text.strip()), text
