"""The budget of fiche 5 in a real browser, offline (issue 13): a demo coordinator's territory page
lists its own AMI credits only; a refused budget file shows its French problems with line and column,
the section still works and nothing is stored; a valid one is previewed, confirmed, then shown per
poste with the 50/50 check stated with its figures; the national team's Pilotage page shows the AMI
envelope's consumption. The budget file is received by the territory page's « Déposer le fichier
budgétaire » section (loaders.headers.ACCEPTED_BY_PAGE: the « Déposer des données » page takes values
and actions); the last test checks what that page says of a budget file."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.formatting import euro_compact
from data import store
from pages.components.auth import DEMO_EMAIL
from indicators.budget import euros, pct
from tests.browser.conftest import (
    assert_no_browser_errors,
    assert_no_exception,
    assert_offline,
    choose_option,
    open_page,
    wait_run,
)
from tests.browser.helpers import mon_territoire, open_as_coordinator, grid_headers, grid_rows, upload

pytestmark = pytest.mark.browser
COORDINATEUR_DEMO = DEMO_EMAIL["coordinateur"]  # who the demo profile « Coordination territoriale » writes as
ENTETE = "code_territoire;exercice;poste;financeur;prevu;engage;verse;commentaire"
_AMI_SQL = """
    SELECT n.territoire, t.nom, n.notifie, sum(b.prevu) AS prevu
    FROM enveloppe_territoire n JOIN territoire t ON t.code = n.territoire
    JOIN budget_ligne b ON b.territoire = n.territoire AND b.exercice = n.exercice AND b.financeur = 'etat_ami'
    WHERE n.exercice = ? AND t.actif GROUP BY ALL HAVING sum(b.prevu) <= n.notifie ORDER BY n.territoire"""


def _fichier(*lines: str) -> bytes:
    return ("\r\n".join((ENTETE, *lines)) + "\r\n").encode("utf-8")


@pytest.fixture(scope="module")
def territoire(app_server):
    """A demo territory whose State AMI lines of the last exercice stay within its notified credits
    (the page then states both figures), not the one the actions tests edit (the fewest actions)."""
    with store.connect(app_server.db_path) as con:
        (exercice,), = con.execute("SELECT max(exercice) FROM enveloppe_territoire").fetchall()
        (actions,), = con.execute("SELECT territoire FROM action GROUP BY 1 ORDER BY count(*), 1 LIMIT 1").fetchall()
        rows = [r for r in con.execute(_AMI_SQL, [exercice]).fetchall() if r[0] != actions]
    code, nom, notifie, prevu = rows[0]
    return {"code": code, "nom": nom, "exercice": exercice, "notifie": notifie, "prevu": prevu}


def _section_depot(page):
    section = page.get_by_test_id("stExpander").filter(has_text="Déposer le fichier budgétaire")
    section.locator("summary").click()
    expect(section.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(1)
    return section


def _table(scope, page, column: str):
    grid = scope.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text=column))
    expect(grid).to_have_count(1)
    grid.scroll_into_view_if_needed()
    expect(grid.locator("td").first).to_be_attached()
    return grid


def _as_dicts(grid) -> list[dict]:
    headers = grid_headers(grid)
    return [dict(zip(headers, r)) for r in grid_rows(grid)]


def _stored(con, code: str) -> tuple:
    return (con.execute("SELECT count(*) FROM budget_ligne WHERE territoire = ?", [code]).fetchall(),
            con.execute("SELECT count(*) FROM budget_historique WHERE territoire = ?", [code]).fetchall(),
            con.execute("SELECT count(*) FROM depot WHERE resultat = 'enregistre'").fetchall())


def test_the_budget_section_states_only_this_territory_ami_credits(page, page_log, base_url, territoire):
    t = territoire
    mon_territoire(page, base_url, t["code"], t["nom"])
    expect(page.get_by_role("heading", name="Budget (fiche 5)", exact=True)).to_be_visible()
    # a former defect printed one « Crédits AMI notifiés » line per territory of the programme
    credits = page.get_by_text(re.compile("Crédits AMI notifiés pour|dépassent les crédits notifiés au territoire"))
    expect(credits).to_have_count(1)
    expect(credits).to_have_text(f"Crédits AMI notifiés pour {t['exercice']} : {euros(t['notifie'])} ; prévus sur les "
                                 f"lignes AMI : {euros(t['prevu'])}.")
    assert_no_exception(page)
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def test_a_refused_budget_file_shows_its_problems_and_stores_nothing(page, page_log, base_url, app_server, territoire,
                                                                     screenshot):
    t = territoire
    code, year = t["code"], t["exercice"] + 1
    with store.connect(app_server.db_path) as con:
        before = _stored(con, code)
    mon_territoire(page, base_url, code, t["nom"])
    section = _section_depot(page)
    upload(page, _fichier(f"{code};{year};coordination;etat_ami;-5 000;;;",
                          f"{code};{year};ingenierie;collectivite;4 000;;;",
                          f"{code};{year};ingenierie;collectivite;4 500;;;"), "budget_refuse.csv")
    expect(section.get_by_text("Fichier refusé : 2 problèmes sur 2 lignes. Rien n'a été enregistré.")).to_be_visible()
    problems = _as_dicts(_table(section, page, "Problème"))
    assert problems == [
        {"Ligne": "2", "Colonne": "prevu", "Valeur": "-5 000",
         "Problème": "« -5 000 » est négatif : un montant ne peut pas être négatif.", "Code": "montant-negatif"},
        {"Ligne": "4", "Colonne": "prevu", "Valeur": "4 500",
         "Problème": "Le même territoire, exercice, poste et financeur figure déjà ligne 3 avec d'autres montants.",
         "Code": "doublon-budget"},
    ]
    screenshot()
    # the section still works: no incident, the stored budget still shown, no confirmation offered
    assert_no_exception(page)
    expect(page.get_by_text(re.compile("Incident|référence de l'incident", re.I))).to_have_count(0)
    expect(page.get_by_test_id("stDataFrame").filter(has=page.locator("th", has_text="Taux d'engagement (%)"))) \
        .to_have_count(1)
    expect(page.get_by_role("button", name="Confirmer l'enregistrement")).to_have_count(0)
    with store.connect(app_server.db_path) as con:
        assert _stored(con, code) == before
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def test_a_budget_file_previewed_confirmed_then_shown_per_poste_with_its_50_50_check(
        page, page_log, base_url, app_server, territoire, screenshot):
    t = territoire
    code, year = t["code"], t["exercice"] + 1  # a new exercice: the section shows these lines alone
    mon_territoire(page, base_url, code, t["nom"])
    section = _section_depot(page)
    upload(page, _fichier(f"{code};{year};coordination;etat_ami;30 000;30 000;15 000;",
                          f"{code};{year};coordination;collectivite;25 000;25 000;25 000;",
                          f"{code};{year};observation_sociale;etat_ami;12 500,50;8 000;;Nuit de la solidarité",
                          f"{code};{year};ingenierie;collectivite;10 000 €;12 000;;"), "budget_valide.csv")
    expect(section.get_by_text("Aperçu : 4 nouvelles, 0 révisée, 0 inchangée ; 0 ligne vide ignorée.")) \
        .to_be_visible()
    warnings = {(w["Ligne"], w["Colonne"], w["Code"]) for w in _as_dicts(_table(section, page, "Problème"))}
    assert ("5", "engage", "engage-superieur-prevu") in warnings
    apercu = sorted((r["Ligne du fichier"], r["Statut"], r["Poste"], r["Financeur"], r["Prévu"], r["Engagé"], r["Versé"])
                    for r in _as_dicts(_table(section, page, "Ligne du fichier")))
    assert apercu == [
        ("2", "nouvelle", "Poste de coordinateur / animateur", "État (crédits spécifiques AMI)",
         euros(30000), euros(30000), euros(15000)),
        ("3", "nouvelle", "Poste de coordinateur / animateur", "Collectivité cheffe de file",
         euros(25000), euros(25000), euros(25000)),
        ("4", "nouvelle", "Observation sociale", "État (crédits spécifiques AMI)", "12\u202f500,50\u00a0€", euros(8000),
         "non connu"),
        ("5", "nouvelle", "Ingénierie de projet", "Collectivité cheffe de file", euros(10000), euros(12000), "non connu"),
    ]
    screenshot("apercu")
    page.get_by_role("button", name="Confirmer l'enregistrement").click()
    wait_run(page)
    success = page.get_by_text(re.compile(r"Budget enregistré \(dépôt n° \d+\)"))
    expect(success).to_have_text(re.compile(r"Budget enregistré \(dépôt n° \d+\) : 4 nouvelles, 0 révisée, "
                                            r"0 inchangée\."))
    depot_id = int(re.search(r"n° (\d+)", success.inner_text()).group(1))
    with store.connect(app_server.db_path) as con:
        stored = con.execute("SELECT poste, financeur, prevu, engage, verse, utilisateur, depot_id FROM budget_ligne"
                             " WHERE territoire = ? AND exercice = ? ORDER BY poste, financeur", [code, year]).fetchall()
    assert [(p, f, float(a), None if e is None else float(e), None if v is None else float(v), u, d)
            for p, f, a, e, v, u, d in stored] == [
        ("coordination", "collectivite", 25000.0, 25000.0, 25000.0, COORDINATEUR_DEMO, depot_id),
        ("coordination", "etat_ami", 30000.0, 30000.0, 15000.0, COORDINATEUR_DEMO, depot_id),
        ("ingenierie", "collectivite", 10000.0, 12000.0, None, COORDINATEUR_DEMO, depot_id),
        ("observation_sociale", "etat_ami", 12500.5, 8000.0, None, COORDINATEUR_DEMO, depot_id),
    ]

    choose_option(page, "Exercice", str(year), exact=True)
    # State 30 000 of 55 000 planned: 54,5 %, above the 50 % of the call
    expect(page.get_by_text(re.compile("^Poste de coordination (non )?conforme"))).to_have_text(
        f"Poste de coordination non conforme : part de l'État {pct(30000 / 55000 * 100)} ({euros(30000)} sur "
        f"{euros(55000)} prévus, dont collectivité {euros(25000)}) ; la règle est 50 % au plus.")
    expect(page.get_by_text("Ingénierie de projet, collectivité cheffe de file : l'engagé "
                            f"({euros(12000)}) dépasse le prévu ({euros(10000)}).")).to_be_visible()
    postes = [(r["Poste"], r["Financeur"], r["Prévu (€)"], r["Engagé (€)"], r["Versé (€)"], r["Taux d'engagement (%)"],
               r["Taux de versement (%)"]) for r in _as_dicts(_table(page, page, "Taux d'engagement (%)"))]
    coord, ing, obs = "Poste de coordinateur / animateur", "Ingénierie de projet", "Observation sociale"
    assert postes == [
        (coord, "État (crédits spécifiques AMI)", euros(30000), euros(30000), euros(15000), pct(100), pct(50)),
        (coord, "Collectivité cheffe de file", euros(25000), euros(25000), euros(25000), pct(100), pct(100)),
        (coord, "Total du poste", euros(55000), euros(55000), euros(40000), pct(100), pct(40000 / 55000 * 100)),
        (ing, "Collectivité cheffe de file", euros(10000), euros(12000), "non connu", pct(120), "—"),
        (ing, "Total du poste", euros(10000), euros(12000), "non connu", pct(120), "—"),
        (obs, "État (crédits spécifiques AMI)", "12\u202f500,50\u00a0€", euros(8000), "non connu", pct(8000 / 12500.5 * 100), "—"),
        (obs, "Total du poste", "12\u202f500,50\u00a0€", euros(8000), "non connu", pct(8000 / 12500.5 * 100), "—"),
    ]
    screenshot("budget")
    assert_no_exception(page)
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def _national(con, exercice: int) -> dict:
    """The envelope's consumption written out in SQL (not through indicators/budget.py)."""
    (montant,), = con.execute("SELECT montant FROM enveloppe WHERE exercice = ?", [exercice]).fetchall()
    (notifie,), = con.execute("SELECT sum(notifie) FROM enveloppe_territoire WHERE exercice = ?", [exercice]).fetchall()
    (prevu, engage, verse), = con.execute(
        "SELECT sum(prevu), sum(engage), sum(verse) FROM budget_ligne b JOIN territoire t ON t.code = b.territoire"
        " WHERE t.actif AND exercice = ? AND financeur = 'etat_ami'", [exercice]).fetchall()
    bad = con.execute(
        """SELECT t.nom, 100 * sum(prevu) FILTER (WHERE financeur IN ('etat_ami', 'etat_droit_commun')) / sum(prevu)
           FROM budget_ligne b JOIN territoire t ON t.code = b.territoire
           WHERE t.actif AND exercice = ? AND poste = 'coordination' GROUP BY t.nom
           HAVING count(*) FILTER (WHERE financeur = 'collectivite') > 0
              AND 2 * sum(prevu) FILTER (WHERE financeur IN ('etat_ami', 'etat_droit_commun')) > sum(prevu)
           ORDER BY t.nom""", [exercice]).fetchall()
    return {"Enveloppe notifiée": montant, "Notifié aux territoires": notifie, "Prévu (AMI)": prevu,
            "Engagé (AMI)": engage, "Versé (AMI)": verse, "non_conformes": bad}


def test_the_national_budget_view_shows_the_envelope_consumption(page, page_log, base_url, app_server, territoire):
    exercice = territoire["exercice"]
    with store.connect(app_server.db_path) as con:
        expected = _national(con, exercice)
    open_page(page, base_url, "/pilotage")  # the demo's default profile: the national team
    heading = page.get_by_role("heading", name="Budget (fiche 5) et enveloppe AMI")
    heading.scroll_into_view_if_needed()
    choose_option(page, "Exercice", str(exercice), exact=True)
    for label in ("Enveloppe notifiée", "Notifié aux territoires", "Prévu (AMI)", "Engagé (AMI)", "Versé (AMI)"):
        metric = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))
        value = metric.get_by_test_id("stMetricValue")
        # compact on the card (the exact amount is in its help), and never cut by an ellipsis
        expect(value).to_have_text(euro_compact(expected[label]))
        assert value.evaluate("e => e.scrollWidth <= e.clientWidth"), label
    rates = [pct(float(expected[k]) / float(expected["Enveloppe notifiée"]) * 100)
             for k in ("Prévu (AMI)", "Engagé (AMI)", "Versé (AMI)")]
    expect(page.get_by_text(re.compile("de l'enveloppe ; engagé"))).to_contain_text(
        f"Prévu : {rates[0]} de l'enveloppe ; engagé : {rates[1]} ; versé : {rates[2]}.")
    assert expected["non_conformes"], "the demo has a territory whose coordinator post is not 50/50"
    expect(page.get_by_text(re.compile("^Poste de coordination non cofinancé à 50/50"))).to_have_text(
        "Poste de coordination non cofinancé à 50/50 : "
        + " ; ".join(f"{nom} (part de l'État {pct(float(share))})" for nom, share in expected["non_conformes"]) + ".")
    table = _as_dicts(_table(page, page, "Crédits AMI notifiés (€)"))
    assert table[0]["Territoire"] == expected["non_conformes"][0][0]  # the non conformes first
    assert_no_exception(page)
    assert_offline(page_log)
    assert_no_browser_errors(page_log)


def test_the_values_page_says_where_a_budget_file_goes(page, page_log, base_url, app_server, territoire):
    t = territoire
    with store.connect(app_server.db_path) as con:
        before = _stored(con, t["code"])
    open_as_coordinator(page, base_url, t["code"], t["nom"], "Déposer des données")
    upload(page, _fichier(f"{t['code']};{t['exercice']};coordination;etat_ami;30 000;;;"), "budget.csv")
    message = page.get_by_test_id("stAlert").filter(has_text=re.compile("Ce fichier est reconnu comme"))
    expect(message).to_have_count(1)
    with store.connect(app_server.db_path) as con:
        assert _stored(con, t["code"]) == before
    assert_no_exception(page)
    text = message.inner_text()
    assert "fichier de fichier" not in text, text
    assert "fichier budgétaire (fiche 5)" in text and "« Mon territoire », section « Budget (fiche 5) »" in text, text
