"""The actions of a roadmap in a real browser, offline, as the coordinator of a demo territory (issue
13): the territory page's actions section (counts per axe, statuses in words and icons, late ones
first), a status point edited in the grid and stored with a revision, a progress of 150 refused in
French with nothing stored, and another territory's page showing the counts only.

In demonstration mode the profile lives in the browser session: loading another address starts a new
session with the national profile, so the other territory is reached the way a coordinator reaches
it, with the page's « Territoire » chooser (which writes ``?territoire=CODE`` into the address)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from core import quarters
from data import store
from pages.components.auth import DEMO_EMAIL
from tests.browser.conftest import (
    assert_no_browser_errors,
    assert_no_exception,
    assert_offline,
    choose_option,
    wait_run,
)
from tests.browser.helpers import mon_territoire, edit_grid_cell, grid_headers, grid_rows

pytestmark = pytest.mark.browser
COORDINATEUR_DEMO = DEMO_EMAIL["coordinateur"]  # who the demo profile « Coordination territoriale » writes as
MOTS = {"a_venir": "à venir", "en_cours": "en cours", "realisee": "réalisée", "en_pause": "en pause",
        "bloquee": "bloquée", "abandonnee": "abandonnée"}
STATUT_AFFICHE = re.compile(r"^[◔▶✔‖⊘✕?] (à venir|en cours|réalisée|en pause|bloquée|abandonnée|non renseigné)"
                            r"( · ⚠ en retard)?$")
# each (action, quarter)'s state at the reference quarter: its last status point up to that quarter
_ETAT_SQL = """
    SELECT a.ref_action, a.axe, a.intitule, a.debut, a.fin, p.statut, p.avancement, p.trimestre
    FROM action a
    LEFT JOIN (SELECT * FROM point_action WHERE territoire = $t AND trimestre <= $q
               QUALIFY row_number() OVER (PARTITION BY ref_action ORDER BY trimestre DESC) = 1) p
      USING (territoire, ref_action)
    WHERE a.territoire = $t ORDER BY a.axe, a.ref_action"""


def _etat(con, code: str, q: str) -> list[dict]:
    cur = con.execute(_ETAT_SQL, {"t": code, "q": q})
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _en_retard(a: dict, reference) -> bool:
    """format-suivi.md, written out here: fin passed and neither réalisée nor abandonnée, or still à
    venir with debut passed."""
    statut = a["statut"] or "non_renseigne"
    if a["fin"] is not None and a["fin"] < reference and statut not in ("realisee", "abandonnee"):
        return True
    return statut == "a_venir" and a["debut"] is not None and a["debut"] < reference


@pytest.fixture(scope="module")
def territoire(app_server):
    """The demo territory with the fewest actions (its whole list fits the grids without scrolling),
    another territory with actions, and the quarter the grid opens on (the one before the current)."""
    q = quarters.shift(quarters.current(), -1)
    with store.connect(app_server.db_path) as con:
        rows = con.execute("SELECT a.territoire, t.nom, count(*) AS n FROM action a JOIN territoire t ON t.code = a.territoire"
                           " WHERE t.actif GROUP BY ALL ORDER BY n, a.territoire").fetchall()
        code, nom, n = rows[0]
        autre, autre_nom, _ = rows[1]
        etat = _etat(con, code, q)
        autre_intitules = [r[0] for r in con.execute("SELECT intitule FROM action WHERE territoire = ?", [autre]).fetchall()]
    assert n <= 10, f"the smallest demo list has {n} actions: more than the grids draw without scrolling"
    return {"code": code, "nom": nom, "q": q, "etat": etat, "autre": autre, "autre_nom": autre_nom,
            "autre_intitules": autre_intitules}


def _grille(page):
    """The grid of the quarter's status points (the only grid with an editable « Commentaire »)."""
    grid = page.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Réf.")) \
        .filter(has=page.locator("th", has_text="Commentaire")).filter(has_not=page.locator("th", has_text="Axe"))
    expect(grid).to_have_count(1)
    grid.scroll_into_view_if_needed()
    expect(grid.locator("td").first).to_be_attached()
    return grid


def _verifier(page) -> None:
    """The grid's check step: its problems, or the preview of what it changes (nothing stored yet)."""
    page.get_by_role("button", name="Vérifier les modifications").click()
    wait_run(page)


def _enregistrer(page, attendu: list[tuple[str, str, str]]) -> None:
    """The save step of the grid: check, see exactly the changes ``attendu`` (field, former, new)
    in the preview, then confirm."""
    _verifier(page)
    expect(page.get_by_text(re.compile(r"Rien n'est enregistré avant confirmation"))).to_be_visible()
    apercu = page.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Champ")) \
        .filter(has=page.locator("th", has_text="Avant")).filter(has=page.locator("th", has_text="Après"))
    expect(apercu).to_have_count(1)
    apercu.scroll_into_view_if_needed()
    expect(apercu.locator("tr")).to_have_count(len(attendu) + 1)  # the header row, then one row per change
    headers = grid_headers(apercu)
    shown = [(r[headers.index("Champ")], r[headers.index("Avant")], r[headers.index("Après")]) for r in grid_rows(apercu)]
    assert sorted(shown) == sorted(attendu), shown
    page.get_by_role("button", name="Confirmer l'enregistrement").click()
    wait_run(page)


def _point(con, code: str, ref: str, q: str):
    return con.execute("SELECT statut, avancement, revision, utilisateur, depot_id FROM point_action"
                       " WHERE territoire = ? AND ref_action = ? AND trimestre = ?", [code, ref, q]).fetchall()


def test_actions_by_axe_with_status_in_words_and_icon_late_ones_first(page, page_log, base_url, territoire, screenshot):
    t = territoire
    mon_territoire(page, base_url, t["code"], t["nom"])
    expect(page.get_by_role("heading", name=f"Actions de la feuille de route — {quarters.label(t['q'])}")).to_be_visible()

    par_axe = page.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Libellé de l'axe"))
    par_axe.scroll_into_view_if_needed()
    expect(par_axe.locator("td").first).to_be_attached()
    headers = grid_headers(par_axe)
    counts = {}
    for a in t["etat"]:
        counts[a["axe"]] = counts.get(a["axe"], 0) + 1
    shown = {int(r[headers.index("Axe")]): int(r[headers.index("Actions")]) for r in grid_rows(par_axe)}
    assert shown == counts

    liste = page.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Statut")) \
        .filter(has=page.locator("th", has_text="Intitulé")).filter(has=page.locator("th", has_text="Axe"))
    liste.scroll_into_view_if_needed()
    expect(liste.locator("td").first).to_be_attached()
    headers = grid_headers(liste)
    rows = grid_rows(liste)
    assert len(rows) == len(t["etat"])
    statuts = [r[headers.index("Statut")] for r in rows]
    assert all(STATUT_AFFICHE.match(s) for s in statuts), statuts
    reference = quarters.end_date(t["q"])
    late = {a["ref_action"] for a in t["etat"] if _en_retard(a, reference)}
    assert late and len(late) < len(t["etat"]), "the territory has late actions and others"
    # late ones first, each marked; then the others, unmarked; each with its status in words
    refs = [r[headers.index("Réf.")] for r in rows]
    assert set(refs[:len(late)]) == late
    assert all("⚠ en retard" in s for s in statuts[:len(late)])
    assert not any("en retard" in s for s in statuts[len(late):])
    by_ref = {a["ref_action"]: a for a in t["etat"]}
    for ref, statut in zip(refs, statuts):
        expected = MOTS.get(by_ref[ref]["statut"], "non renseigné")
        assert statut.split(" · ")[0].split(" ", 1)[1] == expected, (ref, statut)
    screenshot()
    assert_no_exception(page)
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def test_a_status_point_edited_in_the_grid_is_stored_with_a_revision(page, page_log, base_url, app_server, territoire):
    t = territoire
    code, q = t["code"], t["q"]
    # the first action (grid order: axe, reference) with its own point this quarter, not en pause
    row, a = next((i, a) for i, a in enumerate(t["etat"], start=1)
                  if a["trimestre"] == q and a["statut"] != "en_pause" and a["avancement"] is not None and a["avancement"] < 90)
    ref, nouvel_avancement = a["ref_action"], a["avancement"] + 5
    with store.connect(app_server.db_path) as con:
        (avant,) = _point(con, code, ref, q)
    mon_territoire(page, base_url, code, t["nom"])
    grid = _grille(page)
    headers = grid_headers(grid)
    assert grid_rows(grid)[row - 1][headers.index("Réf.")] == ref
    edit_grid_cell(page, grid, row, "Statut", "en pause")
    edit_grid_cell(page, grid, row, "Avancement (%)", str(nouvel_avancement))
    edited = grid_rows(grid)[row - 1]
    assert (edited[headers.index("Statut")], edited[headers.index("Avancement (%)")]) == ("en pause", str(nouvel_avancement))
    _enregistrer(page, [("Statut", MOTS[a["statut"]], "en pause"),
                        ("Avancement", f"{a['avancement']} %", f"{nouvel_avancement} %")])

    success = page.get_by_text(re.compile(r"Dépôt n° \d+ enregistré"))
    expect(success).to_have_text(re.compile(
        rf"Dépôt n° \d+ enregistré \({re.escape(quarters.label(q))}\) : 0 point d’étape nouveau, 1 révisé\."))
    depot_id = int(re.search(r"n° (\d+)", success.inner_text()).group(1))
    with store.connect(app_server.db_path) as con:
        apres = _point(con, code, ref, q)
        former = con.execute("SELECT statut, avancement, revision, utilisateur, depot_id FROM point_action_historique"
                             " WHERE territoire = ? AND ref_action = ? AND trimestre = ? AND remplacee_par_depot = ?",
                             [code, ref, q, depot_id]).fetchall()
        depot = con.execute("SELECT fichier, utilisateur, type_fichier FROM depot WHERE id = ?", [depot_id]).fetchall()
    assert apres == [("en_pause", nouvel_avancement, avant[2] + 1, COORDINATEUR_DEMO, depot_id)]
    assert former == [avant]  # the former version kept, with its author and upload
    assert depot[0][0].startswith("saisie dans le tableau de bord") and depot[0][1:] == (COORDINATEUR_DEMO, "actions")

    liste = page.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Statut")) \
        .filter(has=page.locator("th", has_text="Axe")).filter(has=page.locator("th", has_text="Intitulé"))
    liste.scroll_into_view_if_needed()
    h = grid_headers(liste)
    shown = {r[h.index("Réf.")]: (r[h.index("Statut")], r[h.index("Avancement (%)")]) for r in grid_rows(liste)}
    assert shown[ref][0].startswith("‖ en pause") and shown[ref][1] == str(nouvel_avancement)
    assert_no_exception(page)
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def test_a_progress_of_150_is_refused_in_french_and_nothing_is_stored(page, page_log, base_url, app_server, territoire,
                                                                       screenshot):
    t = territoire
    code, q = t["code"], t["q"]
    # an action with its own point this quarter below 100 (a silent clamp to 100 would show), last
    # in grid order so that it is not the one the previous test edited
    row, a = [(i, a) for i, a in enumerate(t["etat"], start=1)
              if a["trimestre"] == q and a["avancement"] is not None and a["avancement"] < 100][-1]
    ref = a["ref_action"]
    with store.connect(app_server.db_path) as con:
        avant = _point(con, code, ref, q)
        historique = con.execute("SELECT count(*) FROM point_action_historique WHERE territoire = ?", [code]).fetchall()
        stored = con.execute("SELECT count(*) FROM depot WHERE resultat = 'enregistre'").fetchall()
    mon_territoire(page, base_url, code, t["nom"])
    grid = _grille(page)
    headers = grid_headers(grid)
    assert grid_rows(grid)[row - 1][headers.index("Réf.")] == ref
    edit_grid_cell(page, grid, row, "Avancement (%)", "150")
    assert grid_rows(grid)[row - 1][headers.index("Avancement (%)")] == "150"  # not clamped by the grid
    _verifier(page)

    expect(page.get_by_text("Rien n'a été enregistré : 1 problème sur 1 ligne.")).to_be_visible()
    expect(page.get_by_text(f"Action {ref}, colonne « Avancement (%) » : « 150 » : un pourcentage doit être compris entre 0 et 100.")) \
        .to_be_visible()
    expect(page.get_by_text(re.compile(r"Dépôt n° \d+ enregistré"))).to_have_count(0)
    screenshot()
    with store.connect(app_server.db_path) as con:
        assert _point(con, code, ref, q) == avant
        assert con.execute("SELECT count(*) FROM point_action_historique WHERE territoire = ?", [code]).fetchall() == historique
        assert con.execute("SELECT count(*) FROM depot WHERE resultat = 'enregistre'").fetchall() == stored
    assert_no_exception(page)
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def test_a_coordinator_sees_only_the_counts_of_another_territory(page, page_log, base_url, territoire, screenshot):
    t = territoire
    mon_territoire(page, base_url, t["code"], t["nom"])
    expect(page.get_by_role("heading", name="Les actions, celles en retard en premier")).to_be_visible()
    choose_option(page, "Territoire", f"{t['autre_nom']} ({t['autre']})", exact=True)
    expect(page.locator("h1").first).to_have_text(t["autre_nom"])
    assert parse_qs(urlsplit(page.url).query)["territoire"] == [t["autre"]]
    # the profile is still the coordinator of the first territory
    expect(page.get_by_role("combobox", name="Territoire du profil")).to_have_value(f"{t['nom']} ({t['code']})")

    par_axe = page.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Libellé de l'axe"))
    expect(par_axe).to_have_count(1)  # the counts per axe, as every role sees them
    expect(page.get_by_text("Le détail des actions (intitulés, pilotes, commentaires, historique) est réservé à la "
                            "coordination du territoire")).to_be_visible()
    for title in ("Les actions, celles en retard en premier", "Historique d'une action, trimestre par trimestre",
                  "Mettre à jour les points d'étape", "Historique des dépôts"):
        expect(page.get_by_role("heading", name=title)).to_have_count(0)
    expect(page.get_by_role("button", name="Enregistrer les points d'étape")).to_have_count(0)
    expect(page.get_by_text("Le budget détaillé de ce territoire est réservé à sa coordination")).to_be_visible()
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert not [i for i in t["autre_intitules"] if i in text], "another territory's action titles are shown"
    screenshot()
    assert_no_exception(page)
    assert_offline(page_log)
    assert_no_browser_errors(page_log)
