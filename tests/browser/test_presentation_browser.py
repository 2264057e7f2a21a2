"""The Présentation page in a real browser, offline: a wave as scope, the slides one a screen in
large type with next / previous, the projection mode without the sidebar, both downloads offered,
and the downloaded .pptx opens with python-pptx with the slides the page showed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from pptx import Presentation

from tests.browser.conftest import (
    assert_no_browser_errors,
    assert_no_exception,
    assert_offline,
    open_page,
)

pytestmark = pytest.mark.browser

SLIDE_TIMEOUT_MS = 60_000  # a new scope builds its deck; a download writes its file on the click


def _position(page) -> tuple[int, int]:
    text = page.get_by_text(re.compile(r"^Diapositive \d+ sur \d+$")).inner_text()
    first, total = re.findall(r"\d+", text)
    return int(first), int(total)


def _choose(page, label: str, option: str) -> None:
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_presentation_page_scope_slides_projection_and_pptx_download(page, page_log, base_url, tmp_path):
    open_page(page, base_url, "/presentation")
    expect(page.get_by_role("heading", name="Présentation", exact=True)).to_be_visible()
    title = page.locator(".diapo-lda h2")
    expect(title).to_have_text("Logement d'abord — Club des territoires", timeout=SLIDE_TIMEOUT_MS)

    _choose(page, "Périmètre", "Une vague")
    subtitle = page.locator(".diapo-lda p.sous-titre")
    expect(subtitle).to_contain_text(re.compile(r"vague \w+"), timeout=SLIDE_TIMEOUT_MS)
    scope = subtitle.inner_text()
    assert _position(page)[0] == 1
    n = _position(page)[1]
    assert n >= 10
    # large type: readable from the back of a room
    assert page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.diapo-lda h2')).fontSize)") >= 40

    page.get_by_role("button", name="Suivante ▶").click()
    expect(page.get_by_text(f"Diapositive 2 sur {n}", exact=True)).to_be_visible(timeout=SLIDE_TIMEOUT_MS)
    expect(title).to_have_text(re.compile(r"^Chiffres clés du T\d \d{4}$"))  # the wave's own figures
    expect(subtitle).to_contain_text(scope.split(" · ")[-1].split(",")[0])
    page.get_by_role("button", name="Suivante ▶").click()
    expect(page.get_by_text(f"Diapositive 3 sur {n}", exact=True)).to_be_visible(timeout=SLIDE_TIMEOUT_MS)
    expect(title).to_have_text("Avancement vers les cibles")
    chart = page.locator('[data-testid="stPlotlyChart"] .js-plotly-plot')
    expect(chart).to_have_count(1)
    expect(chart.locator("g.trace").first).to_be_attached()
    page.get_by_role("button", name="◀ Précédente").click()
    expect(page.get_by_text(f"Diapositive 2 sur {n}", exact=True)).to_be_visible(timeout=SLIDE_TIMEOUT_MS)
    expect(title).to_have_text(re.compile(r"^Chiffres clés"))

    page.get_by_text("Mode projection (sans barre latérale)").click()
    expect(page.locator('[data-testid="stSidebar"]')).to_be_hidden(timeout=SLIDE_TIMEOUT_MS)
    expect(page.get_by_text(f"Diapositive 2 sur {n}", exact=True)).to_be_visible()

    expect(page.get_by_role("button", name="Télécharger la page autonome (.html)")).to_be_visible()
    with page.expect_download(timeout=SLIDE_TIMEOUT_MS) as info:
        page.get_by_role("button", name="Télécharger le PowerPoint (.pptx)").click()
    download = info.value
    assert re.fullmatch(r"club-des-territoires-\d{4}-T\d\.pptx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    prs = Presentation(str(path))
    assert len(prs.slides) == n
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[:3] == ["Logement d'abord — Club des territoires", title.inner_text(), "Avancement vers les cibles"]
    assert scope in [sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame]

    assert_no_exception(page)
    assert_offline(page_log)
    assert_no_browser_errors(page_log)
