"""The budget sections under AppTest on the demo database: the territory page's « Budget (fiche 5) »
(per poste and financeur, the 50/50 stated with its figures, reserved to the territory's scope), the
national view on the Pilotage page, and the envelope form of the Administration page."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data import budget as budget_store
from data import store
from data.access import Personne
from indicators import budget
from tests.conftest import ROOT, TODAY

NATIONAL = Personne("admin.demo@dihal.gouv.fr", "national")


def run(page: str, person: Personne, territoire: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=90)
    at.session_state["lda_personne"] = person
    if territoire:
        at.query_params["territoire"] = territoire
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def demo(demo_session_db):
    import os

    from tests.conftest import unchanged

    demo_module_db = demo_session_db  # shared with the other read-only page tests (demo_shared)
    before = os.environ.get("LDA_DB")
    os.environ["LDA_DB"] = str(demo_module_db)
    with store.connect(demo_module_db) as con:
        lines = budget_store.lignes_agregees(con)
    checks = budget.conformite(lines)
    odd = checks[checks["conforme"] == False]["territoire"].iloc[0]  # noqa: E712
    conforme = checks[checks["conforme"] == True]["territoire"].iloc[0]  # noqa: E712
    try:
        with unchanged(demo_module_db):
            yield demo_module_db, odd, conforme, lines
    finally:
        if before is None:
            os.environ.pop("LDA_DB", None)
        else:
            os.environ["LDA_DB"] = before


def test_territory_section_states_the_check_with_its_figures_and_the_lines(demo):
    _db, odd, _ok, lines = demo
    at = run("pages/territoire.py", NATIONAL, odd)
    assert "Budget (fiche 5)" in [h.value for h in at.header]
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("Poste de coordination non conforme : part de l'État") for w in warnings)
    year = TODAY.year  # the latest exercice is the one shown
    own = lines[(lines["territoire"] == odd) & (lines["exercice"] == year)]
    row = budget.conformite(own).iloc[0]
    assert budget.phrase_conformite(row) in warnings
    shown = [d.value for d in at.dataframe]
    tables = [getattr(f, "data", f) for f in shown]
    postes = [t for t in tables if "Financeur" in t.columns and "Prévu (€)" in t.columns]
    assert postes, "the table per poste and financeur"
    table = postes[0]
    coord = table[(table["Poste"] == "Poste de coordinateur / animateur") & (table["Financeur"] == "Total du poste")]
    assert coord["Prévu (€)"].iloc[0] == budget.euros(float(row["total"]))


def test_a_conforme_territory_says_so_and_a_reader_outside_sees_no_detail(demo):
    _db, odd, ok, _lines = demo
    at = run("pages/territoire.py", NATIONAL, ok)
    assert any(s.value.startswith("Poste de coordination conforme") for s in at.success)
    outsider = run("pages/territoire.py", Personne("c@x.fr", "coordinateur", ok), odd)
    assert any("budget détaillé de ce territoire est réservé" in i.value for i in outsider.info)
    assert not any("Poste de coordination" in w.value for w in outsider.warning)


def test_national_view_shows_the_envelope_and_the_territories_non_conformes(demo):
    _db, odd, _ok, _lines = demo
    at = run("pages/pilotage.py", NATIONAL)
    assert "Budget (fiche 5) et enveloppe AMI" in [h.value for h in at.header]
    metrics = {m.label: m.value for m in at.metric}
    exercice = at.selectbox(key="budget_exercice_national").value
    with store.connect(_db) as con:
        lines = budget_store.lignes_agregees(con, exercice)
        national, _notifie = budget_store.enveloppes(con, exercice)
    montant = float(national["montant"].iloc[0])
    # compact, to fit five cards at 1 280 px; the exact amount in the card's help
    assert metrics["Enveloppe notifiée"] == f"{montant / 1e6:.2f}\u00a0M€".replace(".", ",")
    card = next(m for m in at.metric if m.label == "Enveloppe notifiée")
    assert f"Montant exact : {budget.euros(montant)}." in card.help
    paid = budget.somme(lines[lines["financeur"] == budget.AMI]["verse"])
    assert metrics["Versé (AMI)"] == f"{float(paid) / 1e6:.2f}\u00a0M€".replace(".", ",")
    assert any(w.value.startswith("Poste de coordination non cofinancé à 50/50 :") for w in at.warning)
    tables = [getattr(d.value, "data", d.value) for d in at.dataframe]
    per = [t for t in tables if "Poste de coordination 50/50" in t.columns][0]
    assert per.iloc[0]["Poste de coordination 50/50"] == "non conforme" and per.iloc[0]["Code"] == odd
    assert (per["Prévu au-delà du notifié"] == "oui").sum() == 1


def test_the_national_team_records_the_envelope_on_the_administration_page(db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(db))
    at = run("pages/administration.py", NATIONAL)
    assert "Enveloppe AMI (fiche 5)" in [h.value for h in at.header]
    at.number_input(key="adm_enveloppe_exercice").set_value(2025).run()
    at.text_input(key="adm_enveloppe_montant_2025").input("4 000 000")
    at.button(key="adm_enveloppe_ok").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with store.connect(db) as con:
        national, _notifie = budget_store.enveloppes(con, 2025)
    assert list(national["montant"]) == [4_000_000] and list(national["utilisateur"]) == [NATIONAL.email]
    assert any("Enveloppe 2025 enregistrée" in s.value for s in at.success)


def test_the_budget_preview_says_an_empty_amount_keeps_the_stored_one(demo):
    import pandas as pd

    _db, _odd, _ok, lines = demo
    known = lines[lines["engage"].notna()].iloc[0]
    coord = Personne("coord@budget.fr", "coordinateur", known["territoire"])
    at = run("pages/territoire.py", coord, known["territoire"])
    body = ("code_territoire;exercice;poste;financeur;prevu;engage;verse;commentaire\n"
            f"{known['territoire']};{known['exercice']};{known['poste']};{known['financeur']};"
            f"{str(known['prevu']).replace('.', ',')};;{'' if pd.isna(known['verse']) else str(known['verse']).replace('.', ',')};\n")
    at.file_uploader(key="budget_fichier_0").set_value(("budget.csv", body.encode(), "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("1 montant engagé ou versé vide" in i.value and "conservé" in i.value for i in at.info)
    preview = next(d.value for d in at.dataframe if "Remarque" in d.value.columns)
    assert list(preview["Statut"]) == ["inchangée"]
    assert preview["Remarque"].iloc[0] == (f"engagé : vide dans le fichier, montant enregistré conservé "
                                           f"({budget.euros(known['engage'])})")
    assert preview["Engagé"].iloc[0] == budget.euros(known["engage"])


def test_the_envelope_form_keeps_an_unchanged_comment_clears_it_on_request_and_writes_amounts_in_french(db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(db))
    at = run("pages/administration.py", NATIONAL)
    at.number_input(key="adm_enveloppe_exercice").set_value(2025).run()
    code = at.data_editor[0].value["Code"].iloc[0]
    at.text_input(key="adm_enveloppe_montant_2025").input("4 000 000")
    at.text_input(key="adm_enveloppe_commentaire_2025").input("arrêté du 3 mars")
    at.session_state["adm_enveloppe_grille_2025"] = {
        "edited_rows": {0: {"Crédits notifiés (€)": "55 000"}}, "added_rows": [], "deleted_rows": []}
    at.run()  # the browser reruns the page on each edit of the grid
    at.button(key="adm_enveloppe_ok").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # drawn again from the store, the amounts read the French way (not 55000.00)
    at = run("pages/administration.py", NATIONAL)
    at.number_input(key="adm_enveloppe_exercice").set_value(2025).run()
    grid = at.data_editor[0].value.set_index("Code")
    assert grid.loc[code, "Crédits notifiés (€)"] == "55\u202f000"
    assert at.text_input(key="adm_enveloppe_montant_2025").value == "4\u202f000\u202f000"
    assert any("Commentaire enregistré : « arrêté du 3 mars »" in c.value for c in at.caption)
    # saved with the comment field empty: the comment stays, nothing is revised
    at.button(key="adm_enveloppe_ok").click().run()
    assert any("Aucun changement" in i.value for i in at.info)
    with store.connect(db) as con:
        national, notifie = budget_store.enveloppes(con, 2025)
    assert list(national["commentaire"]) == ["arrêté du 3 mars"] and list(national["revision"]) == [1]
    assert [float(v) for v in notifie["notifie"]] == [55_000]
    # the explicit way to clear it
    at.checkbox(key="adm_enveloppe_effacer_2025").check()
    at.button(key="adm_enveloppe_ok").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with store.connect(db) as con:
        national, _notifie = budget_store.enveloppes(con, 2025)
    assert national["commentaire"].isna().all() and list(national["revision"]) == [2]


def test_headline_amounts_are_compact_french_figures():
    from decimal import Decimal

    from pages.components.budget import euros_compacts

    assert [euros_compacts(x) for x in (4_000_000, Decimal("3044690.91"), 12_500, 999, Decimal("850.50"), None)] == [
        "4,00\u00a0M€", "3,04\u00a0M€", "12,5\u00a0k€", "999\u00a0€", "850,50\u00a0€", "non connu"]


def test_after_storing_a_new_exercice_the_section_shows_it(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    with store.connect(demo_db) as con:
        lines = budget_store.lignes_agregees(con)
    code = sorted(set(lines["territoire"]))[0]
    latest = int(lines["exercice"].max())
    coord = Personne("coord@budget.fr", "coordinateur", code)
    at = run("pages/territoire.py", coord, code)
    assert at.selectbox(key="budget_exercice").value == latest
    body = ("code_territoire;exercice;poste;financeur;prevu;engage;verse;commentaire\n"
            f"{code};{latest + 1};coordination;etat_ami;30 000;;;\n"
            f"{code};{latest + 1};coordination;collectivite;30 000;;;\n")
    at.file_uploader(key="budget_fichier_0").set_value(("budget.csv", body.encode(), "text/csv")).run()
    at.button(key="budget_confirmer_0").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Budget enregistré" in s.value for s in at.success)
    assert at.selectbox(key="budget_exercice").value == latest + 1  # not the former exercice
    shown = next(d.value for d in at.dataframe if "Poste" in d.value.columns)
    assert len(shown) >= 1
