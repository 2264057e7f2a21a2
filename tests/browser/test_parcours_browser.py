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


def test_the_map_slide_of_the_presentation_page_draws_the_map(page, base_url):
    open_page(page, base_url, "/presentation")
    legend = page.locator("p.legende")
    for _ in range(20):  # to the map slide, whichever its rank
        if legend.count():
            break
        page.get_by_role("button", name="Suivante ▶").click()
        page.wait_for_timeout(300)
        page.wait_for_function("""() => document.querySelector('[data-testid="stApp"]')
                                  ?.getAttribute('data-test-script-state') === 'notRunning'""")
    expect(legend).to_contain_text("Statut dominant :")
    image = page.locator('[data-testid="stHtml"] img[src^="data:image/svg+xml;base64,"]')
    expect(image).to_have_count(1)
    expect(image).to_have_attribute("alt", re.compile(r"\S"))
    image.scroll_into_view_if_needed()
    size = image.evaluate("i => i.decode().then(() => [i.naturalWidth, i.clientWidth, i.clientHeight])")
    assert size[0] > 0 and size[1] > 400 and size[2] > 300, size  # drawn, at a readable size
    assert_no_exception(page)


def test_a_list_searched_without_match_says_so_in_french(page, base_url):
    from pages.components.layout import TEXTES_LISTES

    open_page(page, base_url, "/presentation")
    page.get_by_role("combobox", name="Territoires mis en avant (une diapositive chacun)").click()
    page.keyboard.type("zzz")
    empty = page.locator('[role="listbox"] > [role="option"][style*="contents"] > span:only-child')
    expect(empty).to_have_count(1)
    assert empty.evaluate("e => getComputedStyle(e, '::after').content") == f'"{TEXTES_LISTES["aucun"]}"'
    assert empty.evaluate("e => getComputedStyle(e).fontSize") == "0px"  # Streamlit's « No results » unseen
    page.keyboard.press("Escape")
    page.get_by_role("combobox", name="Territoires mis en avant (une diapositive chacun)").click()
    page.keyboard.type("Ami")  # a real option keeps its text
    option = page.get_by_role("option", name="Amiens (80021)")
    expect(option).to_be_visible()
    assert option.evaluate("e => getComputedStyle(e.querySelector('div')).fontSize") != "0px"


def test_an_empty_date_field_reads_jj_mm_aaaa(page, base_url):
    open_page(page, base_url, "/administration")  # the audit trail's « Depuis le », empty by default
    field = page.locator('[data-testid="stDateInput"]').filter(has_text="Depuis le")
    day, year = field.locator('[data-type="day"]'), field.locator('[data-type="year"]')
    after = "e => [getComputedStyle(e, '::after').content, getComputedStyle(e).fontSize]"
    assert day.evaluate(after) == ['"jj"', "0px"] and year.evaluate(after) == ['"aaaa"', "0px"]
    assert field.locator('[data-type="month"]').inner_text() == "mm"  # the same word in French
    day.click()
    page.keyboard.type("07")  # a typed segment shows its figures, not the placeholder
    expect(day).not_to_have_attribute("data-placeholder", "true")
    assert day.evaluate(after)[1] != "0px" and day.inner_text() == "07"
