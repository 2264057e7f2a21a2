"""The coordinator's whole journey in a real browser, offline: choose the persona, drop a cp1252 Excel
CSV with one error, fix it in the grid, confirm, and find the new value on the territory page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from data import store
from core import quarters
from indicators.progress import progress
from pages.components.layout import TEXTES_DEPOT
from tests.browser.conftest import (
    assert_no_browser_errors,
    assert_no_exception,
    assert_offline,
    choose_option,
    open_page,
)

pytestmark = pytest.mark.browser
INDICATEUR = "sorties_rue_logement"  # first indicator of every demo roadmap (shown first on the page)
FIXED = "sorties_hebergement_logement"


@pytest.fixture(scope="module")
def target(app_server, demo_template):
    """A territory whose roadmap covers the last complete quarter and that the other browser tests
    do not assert on (they use the first late territory and the first row of the matrix)."""
    q = quarters.last_complete()
    with store.connect(demo_template) as con:
        frame = progress(con, q)
        names = dict(con.execute("SELECT code, nom FROM territoire WHERE actif").fetchall())
    late = frame[frame["statut"] == "en_retard"].iloc[0]["territoire"]
    ok = frame[(frame["indicateur"] == INDICATEUR) & (frame["debut"] <= q) & (frame["fin"] >= q)
               & (frame["territoire"] != late) & (frame["statut"] != "en_retard")]
    with store.connect(app_server.db_path) as con:
        for code in sorted(ok["territoire"], reverse=True):
            old = dict(con.execute("SELECT indicateur, valeur FROM valeur WHERE territoire = ? AND trimestre = ?"
                                   " AND indicateur IN (?, ?)", [code, q, INDICATEUR, FIXED]).fetchall())
            if len(old) == 2:
                return code, names[code], q, old
    pytest.fail("no demo territory fits")


def _wait(page):
    page.wait_for_timeout(300)
    page.wait_for_function(
        """() => { const a = document.querySelector('[data-testid="stApp"]');
                   return a && a.getAttribute('data-test-script-state') === 'notRunning'; }""",
        timeout=30_000)


def test_coordinator_fixes_and_stores_a_file_then_sees_it_on_the_territory_page(
        page, page_log, base_url, app_server, screenshot, target):
    code, name, q, old = target
    new_value = int(old[INDICATEUR]) + 1
    fixed_value = int(old[FIXED])
    open_page(page, base_url, "/")
    choose_option(page, "Profil de démonstration", "Coordination territoriale")
    choose_option(page, "Territoire du profil", f"{name} ({code})")
    page.get_by_role("link", name="Déposer des données", exact=True).click()
    _wait(page)
    expect(page.locator("h1").first).to_contain_text("Déposer des données")
    expect(page.get_by_text("20 Mo au plus")).to_be_visible()
    # the upload widget's own English words are covered by French ones (layout.styles_francais)
    button_text = page.locator('[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] p').first
    assert button_text.evaluate("e => getComputedStyle(e, '::after').content") == f'"{TEXTES_DEPOT["bouton"]}"'
    assert button_text.evaluate("e => getComputedStyle(e).fontSize") == "0px"

    # what French Excel writes: cp1252, ';', decimal comma, CRLF; line 3 holds a non-whole count
    text = ("code_territoire;indicateur;trimestre;valeur;commentaire\r\n"
            f"{code};{INDICATEUR};{quarters.label(q)};{new_value},0;révisé après contrôle\r\n"
            f"{code};{FIXED};{q};{fixed_value},5;\r\n")
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": "depot_excel.csv", "mimeType": "text/csv", "buffer": text.encode("cp1252")}])
    _wait(page)
    expect(page.get_by_text("Fichier refusé : 1 problème sur 1 ligne")).to_be_visible()
    problems = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("th", has_text="Problème"))
    expect(problems.locator('td[aria-colindex="1"]').first).to_have_text("3")

    # the grid is drawn on a canvas: select the rejected row's "valeur" cell with the keyboard, type
    grid = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("th", has_text="code_territoire"))
    grid.scroll_into_view_if_needed()
    expect(grid.locator('td[aria-colindex]').first).to_be_attached()
    headers = [t.strip() for t in grid.locator("th").all_inner_texts()]
    canvas = grid.locator('[data-testid="data-grid-canvas"]')
    box = canvas.bounding_box()
    page.mouse.click(box["x"] + box["width"] - 20, box["y"] + 35 + 17)  # last column of the first row
    page.wait_for_timeout(300)
    for _ in range(len(headers) - 1 - headers.index("valeur")):
        page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")  # opens the cell editor
    page.wait_for_timeout(300)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(str(fixed_value))
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    _wait(page)
    screenshot("corrige")
    expect(page.get_by_text("Le fichier corrigé ne contient plus d'erreur.")).to_be_visible()
    expect(page.get_by_role("button", name="Télécharger le fichier corrigé (CSV)")).to_be_visible()
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Révisées")
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text("1")

    page.get_by_role("button", name="Confirmer l'enregistrement").click()
    _wait(page)
    expect(page.get_by_text("enregistré (depot_excel_corrige.csv)")).to_be_visible()
    with store.connect(app_server.db_path) as con:
        stored = con.execute("SELECT valeur, d.utilisateur, commentaire FROM valeur v LEFT JOIN depot d ON d.id = v.depot_id"
                               " WHERE territoire = ? AND trimestre = ?"
                             " AND indicateur = ?", [code, q, INDICATEUR]).fetchall()
    assert stored == [(float(new_value), "demo.coordination@territoire.fr", "révisé après contrôle")]
    # the history's selector shows the new upload, as does the detail under it (the refused
    # version of the file came just before it)
    with store.connect(app_server.db_path) as con:
        (newest,), = con.execute("SELECT max(id) FROM depot").fetchall()
    # the former list's selector leaves the page once the runs end (the save reruns the page): wait
    # until the only selector left shows the new upload
    page.wait_for_function(
        """v => { const s = [...document.querySelectorAll('input[role="combobox"][aria-label="Examiner un dépôt"]')];
                  return s.length === 1 && s[0].value === v; }""",
        arg=f"n° {newest} — depot_excel_corrige.csv", timeout=30_000)
    screenshot("enregistre")

    page.get_by_role("link", name=f"Voir {name} ({code})").click()
    page.wait_for_url(f"**/territoire?territoire={code}*")
    _wait(page)
    assert_no_exception(page)
    expect(page.locator("h1").first).to_have_text(name)
    serie = page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("th", has_text="Valeur du trimestre"))
    serie.scroll_into_view_if_needed()
    row = serie.locator("tr").filter(has=page.locator("td", has_text=quarters.label(q)))
    expect(row.locator('td[aria-colindex="2"]')).to_have_text(
        f"{new_value:,}".replace(",", "\u202f"), use_inner_text=True)
    screenshot("territoire")
    assert_offline(page_log)
    assert_no_browser_errors(page_log)
