"""The SI-SIAO extract option of the « Déposer des données » page in a real browser, offline: a
coordinator drops a small valid extract, sees the counting report (every request in one row) and
the preview with the indicators' French labels, confirms, and the counted values are stored; an
extract with an identifier in clear is refused, quoted masked at its line and column, and nothing
is stored."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.formatting import figure
from core.parameters import FACTEUR_SAUT_TRIMESTRIEL, SEUIL_SAUT_TRIMESTRIEL
from data import store
from pages.components.auth import DEMO_EMAIL
from tests.browser.conftest import assert_no_browser_errors, assert_no_exception, assert_offline, choose_option, \
    open_page, wait_run
from tests.siao_fixtures import P1, P2, P3, P4, TOURS, extract

pytestmark = pytest.mark.browser
EXTRAIT = "Extrait SI-SIAO (une ligne par demande)"
# no period stated: from the first request (1 April) to the last (30 June), T2 2026 wholly covered.
# Three requests in Tours (the coordinator's), one in Lyon (another territory's only)
ROWS = [
    f"R1;{P1};37261;insertion;2026-04-01;rue;orientation;2026-04-15;logement",
    f"R2;{P2};37261;115;2026-05-10;autre;non_pourvue;2026-05-10;",
    f"R3;{P3};37261;115;2026-06-30;rue;en_attente;;",
    f"R4;{P4};69123;insertion;2026-05-05;rue;orientation;2026-05-20;logement",
]
# Tours in T2 2026, counted by hand
EXPECTED = {"siao_demandes_hebergement": 1, "siao_reponses_positives": 1, "siao_orientations_logement": 1,
            "demandes_115": 2, "demandes_115_non_pourvues": 1, "sorties_rue_logement": 1}
CLEAR = "Zoé Quintaluppi 12/03/1980"


def drop_extract(page, base_url, data: bytes, name: str) -> None:
    """As a coordinator of Tours on the upload page, choose the extract option and drop ``data``."""
    open_page(page, base_url, "/")
    choose_option(page, "Profil de démonstration", "Coordination territoriale")
    choose_option(page, "Territoire du profil", f"Tours ({TOURS})")
    page.get_by_role("link", name="Déposer des données", exact=True).click()
    wait_run(page)
    page.get_by_text(EXTRAIT, exact=True).click()
    wait_run(page)
    expect(page.get_by_text("Extrait CSV (séparateur « ; »", exact=False)).to_be_visible()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    wait_run(page)
    assert_no_exception(page)


def grid(page, header: str):
    return page.locator('[data-testid="stDataFrame"]').filter(has=page.locator("th", has_text=header))


def column(table, n: int) -> list[str]:
    return [t.strip() for t in table.locator(f'td[aria-colindex="{n}"]').all_inner_texts()]


def stored_t2(db) -> dict:
    with store.connect(db) as con:
        return dict(con.execute(
            "SELECT indicateur, valeur FROM valeur WHERE territoire = ? AND trimestre = '2026-T2' AND source = ?",
            [TOURS, "extrait SI-SIAO"]).fetchall())


def test_a_coordinator_counts_previews_and_stores_an_extract(page, page_log, base_url, app_server, screenshot):
    with store.connect(app_server.db_path) as con:
        labels = dict(con.execute("SELECT code, libelle FROM indicateur").fetchall())
        before = dict(con.execute("SELECT indicateur, valeur FROM valeur WHERE territoire = ? AND trimestre = ?",
                                  [TOURS, "2026-T1"]).fetchall())
    drop_extract(page, base_url, extract(*ROWS), "extrait_siao.csv")
    expect(page.get_by_text("Comptage de l'extrait", exact=False).first).to_be_visible()
    partition = grid(page, "Nombre")
    partition.scroll_into_view_if_needed()
    expect(partition.locator('td[aria-colindex="2"]').first).to_be_attached()
    assert column(partition, 2) == ["3", "1", "0", "4"]  # counted, other territory only, in none, total
    assert column(partition, 1)[1].startswith("Situées seulement dans d'autres territoires")
    expect(page.get_by_text(f"{TOURS} (Tours) : 3 demandes")).to_be_visible()

    # the quarter-on-quarter jumps against the demo's T1 2026, worded with territory, label, figures
    problems = grid(page, "Problème")
    expect(problems).to_have_count(1)  # the warnings' grid is drawn lazily: wait for it and its cells
    problems.scroll_into_view_if_needed()
    expect(problems.locator("td").first).to_be_attached()
    messages = " ".join(problems.locator("td").all_inner_texts())
    jumps = [code for code, new in EXPECTED.items() if before.get(code) is not None
             and max(new, before[code]) >= SEUIL_SAUT_TRIMESTRIEL
             and (new > FACTEUR_SAUT_TRIMESTRIEL * before[code] or new * FACTEUR_SAUT_TRIMESTRIEL < before[code])]
    assert jumps, before  # the demo's Tours has hundreds of requests a quarter: most indicators jump
    for code in jumps:
        assert (f"{TOURS} (Tours), « {labels[code]} » : {figure(EXPECTED[code], 2)} au T2 2026 contre "
                f"{figure(before[code], 2)} au T1 2026") in messages, (code, messages)
    assert "est divisée par plus de" not in messages and "est multipliée par plus de" not in messages
    assert "200046977 (Métropole de Lyon)" in messages  # the only other territory named

    preview = grid(page, "Inchangées")
    preview.scroll_into_view_if_needed()
    expect(preview.locator('td[aria-colindex="1"]').first).to_be_attached()
    shown = column(preview, 1)
    assert shown[:6] == [labels[c] for c in EXPECTED] and all(label not in EXPECTED for label in shown)
    assert set(column(preview, 2)) == {"T2 2026"}
    screenshot("apercu")

    page.get_by_role("button", name="Confirmer l'enregistrement").click()
    wait_run(page)
    assert_no_exception(page)
    expect(page.get_by_text("enregistré (extrait_siao.csv)", exact=False)).to_be_visible()
    assert stored_t2(app_server.db_path) == {k: float(v) for k, v in EXPECTED.items()}
    with store.connect(app_server.db_path) as con:
        [(kind, result, user)] = con.execute(
            "SELECT type_fichier, resultat, utilisateur FROM depot WHERE fichier = 'extrait_siao.csv'").fetchall()
        lyon = con.execute("SELECT count(*) FROM valeur v JOIN depot d ON d.id = v.depot_id"
                           " WHERE d.fichier = 'extrait_siao.csv' AND v.territoire <> ?", [TOURS]).fetchall()[0][0]
    assert (kind, result, user, lyon) == ("siao", "enregistre", DEMO_EMAIL["coordinateur"], 0)
    screenshot("enregistre")
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def test_an_identifier_in_clear_is_refused_masked_and_nothing_is_stored(page, page_log, base_url, app_server):
    with store.connect(app_server.db_path) as con:
        values_before = con.execute("SELECT count(*), max(revision) FROM valeur").fetchall()
    rows = [r.replace("R", "C", 1) for r in ROWS]
    rows[2] = rows[2].replace(P3, CLEAR)  # line 4
    drop_extract(page, base_url, extract(*rows), "extrait_en_clair.csv")
    expect(page.get_by_text("Extrait refusé", exact=False)).to_be_visible()
    problems = grid(page, "Problème")
    problems.scroll_into_view_if_needed()
    expect(problems.locator('td[aria-colindex="1"]').first).to_be_attached()
    headers = [t.strip() for t in problems.locator("th").all_inner_texts()]
    row = dict(zip(headers, [t.strip() for t in problems.locator("tr").nth(1).locator("td").all_inner_texts()]))
    assert row["Ligne"] == "4" and row["Colonne"] == "id_personne" and row["Valeur"] == "Zo… (26 caractères)"
    assert "Quintaluppi" not in page.locator("body").inner_text()
    expect(page.get_by_role("button", name="Confirmer l'enregistrement")).to_have_count(0)
    with store.connect(app_server.db_path) as con:
        assert con.execute("SELECT count(*), max(revision) FROM valeur").fetchall() == values_before
        assert con.execute("SELECT resultat FROM depot WHERE fichier = 'extrait_en_clair.csv'").fetchall() \
            == [("refuse",)]
        assert con.execute("SELECT count(*) FROM depot WHERE problemes LIKE '%Quintaluppi%'").fetchall()[0][0] == 0
    assert_offline(page_log)
    assert_no_browser_errors(page_log)
