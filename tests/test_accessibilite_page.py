"""The page « Accessibilité »: the RGAA statement drawn from the last check's results (the committed
docs/accessibilite/resultats.json, or another results file), public, linked from the sign-in page."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from pages.components import accessibilite as a11y
from tests.conftest import ROOT
from tests.test_roles_pages import run

PAGE = "pages/accessibilite.py"
SECTIONS = ["Déclaration d'accessibilité", "État de conformité", "Résultats des tests", "Contenus non accessibles",
            "Établissement de cette déclaration", "Retour d'information et contact", "Voies de recours",
            "Détail du dernier contrôle"]


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=30)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def _run_with(tmp_path, monkeypatch, results: dict) -> AppTest:
    path = tmp_path / "resultats.json"
    path.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setattr(a11y, "RESULTATS", path)
    return _page()


def _violation(owner: str, rule: str, issue=None, impact="serious") -> dict:
    return {"regle": rule, "impact": impact, "aide": f"Aide de {rule}", "url_aide": "", "criteres_rgaa": ["3.2"],
            "proprietaire": owner, "issue": issue, "elements": 2, "noeuds": []}


RESULTS = {"date": "2026-12-01", "outil": "axe-core 4.14.1", "navigateur": "Chromium 156", "referentiel": "RGAA 4.1",
           "etiquettes": ["wcag2a", "RGAAv4"],
           "pages": [{"role": "national", "page": "Accueil", "chemin": "/",
                      "violations": [_violation("projet", "color-contrast")]},
                     {"role": "lecteur", "page": "Pilotage national", "chemin": "/pilotage",
                      "violations": [_violation("streamlit", "menu-tableau-clavier", 13332)]}]}


def test_the_statement_is_drawn_from_the_committed_results():
    committed = json.loads(a11y.RESULTATS.read_text(encoding="utf-8"))
    at = _page()
    assert at.title[0].value == "Accessibilité"
    assert [h.value for h in at.header] == SECTIONS
    text = _text(at)
    assert "**Accessibilité : non conforme**" in text and "est **non conforme** avec le RGAA 4.1" in text
    day = "/".join(reversed(committed["date"].split("-")))
    assert f"Le contrôle automatique du {day}" in text and f"établie le {day}" in text
    assert committed["outil"] in text and committed["navigateur"] in text
    for page in a11y.pages_verifiees(committed):
        assert page in text.split("**Pages ayant fait l'objet de la vérification** :")[1]
    issues = {v["issue"] for p in committed["pages"] for v in p["violations"] if v["issue"]}
    assert issues and all(f"{a11y.ISSUES}/{n}" in text for n in issues)
    assert "Défenseur des droits" in text and "Libre réponse 71120" in text
    detail = at.dataframe[0].value
    assert len(detail) == len(committed["pages"])


def test_a_violation_of_the_project_is_stated_and_counted(tmp_path, monkeypatch):
    at = _run_with(tmp_path, monkeypatch, RESULTS)
    text = _text(at)
    assert "2 pages, vues avec chacun des 2 profils" in text
    assert "1 non-conformité grave ou critique propre au tableau de bord, 1 limite du composant Streamlit" in text
    own = text.split("**Non-conformités propres au tableau de bord**")[1].split("**Limites du composant")[0]
    assert "- Aide de color-contrast (critère RGAA 3.2 ; pages : Accueil)." in own
    theirs = text.split("**Limites du composant Streamlit**")[1]
    assert f"Aide de menu-tableau-clavier (critère RGAA 3.2 ; pages : Pilotage national) — suivi chez Streamlit : [n° 13332" in theirs
    assert "Le contrôle automatique du 01/12/2026" in text
    assert list(at.dataframe[0].value.iloc[0]) == ["Accueil", "Équipe nationale (Dihal)", 1, 0]


@pytest.mark.parametrize("taux, state", [(100, "totalement conforme"), (72.5, "partiellement conforme"),
                                         (30, "non conforme")])
def test_the_state_follows_a_complete_audit_when_one_is_recorded(tmp_path, monkeypatch, taux, state):
    at = _run_with(tmp_path, monkeypatch, {**RESULTS, "audit": {"taux": taux}})
    assert f"**Accessibilité : {state}**" in _text(at)


def test_the_contact_can_be_set_for_the_deployment(tmp_path, monkeypatch):
    monkeypatch.setenv(a11y.CONTACT, "accessibilite@exemple.gouv.fr")
    assert "forme : accessibilite@exemple.gouv.fr." in _text(_run_with(tmp_path, monkeypatch, RESULTS))


def test_no_results_yet_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(a11y, "RESULTATS", tmp_path / "absent.json")
    at = _page()
    assert "Aucun contrôle d'accessibilité n'est encore enregistré" in at.info[0].value and not at.header


def test_signed_out_the_sign_in_page_links_the_statement(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    at = run("app.py", user={"is_logged_in": False})
    assert any("Connectez-vous" in i.value for i in at.info)
    links = [e.proto for e in at.get("page_link")]
    assert [(link.label, link.page.rsplit("/", 1)[-1]) for link in links] == [
        ("Accessibilité : non conforme", "accessibilite")]
    at.switch_page(PAGE).run()
    assert not at.exception and at.title[0].value == "Accessibilité"
