"""One browser upload pipeline (issue 11): along drop -> preview -> confirmation a file is read and
its header detected once, its values classified once for the preview and once by the write (in its
transaction), and the store opened once to prepare and once to confirm. Before: 3 readings,
3 header detections, 4 classifications, 5 store openings. Spies count the calls."""

from __future__ import annotations

import collections
import io

import openpyxl
import pytest

from data import preview as apercu_module
from data import store, uploads
from data.access import Personne
from loaders import correction, headers, importer, reference_data
from loaders.depot import MESSAGE_REFERENTIEL, MESSAGES_AUTRE_TYPE, OU_DEPOSER, confirmer, message_autre_type, preparer
from loaders.importer import import_bytes
from tests.conftest import FILES, TODAY
from tests.test_depot_page import HEADER, LYON, csv, drop, confirm_button, metrics, page, value  # noqa: F401

NATIONAL = Personne("admin@dihal.gouv.fr", "national")
COORD = Personne("coord@lyon.fr", "coordinateur", LYON)


@pytest.fixture
def calls(monkeypatch) -> collections.Counter:
    """How many times the file is read, its header detected, its values classified, the store opened."""
    counted: collections.Counter = collections.Counter()

    def spy(module, name, label):
        original = getattr(module, name)

        def wrapper(*args, **kwargs):
            counted[label] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapper)

    spy(importer, "read_file", "lecture")
    spy(correction, "read_rows", "lecture")
    spy(headers, "detect", "en-tête")
    spy(uploads, "classify_values", "classement")
    spy(apercu_module, "classify_values", "classement")
    spy(store, "connect", "ouverture")
    return counted


def test_a_valid_file_is_read_once_and_the_store_opened_twice_from_drop_to_write(demo_db, calls):
    data = csv(f"{LYON};cfp_accordes;2026-T4;5", f"{LYON};expulsions_effectives;2026-T4;2")
    prep = preparer(data, "lyon.csv", demo_db, personne=COORD, today=TODAY, auditer=True)
    assert prep.ok and prep.apercu.compte("nouvelle") == 2 and prep.batch.num_rows == 2
    assert calls == {"lecture": 1, "en-tête": 1, "classement": 1, "ouverture": 1}
    done = confirmer(prep, demo_db, personne=COORD, empreinte=prep.apercu.empreinte, today=TODAY)
    assert done.stored and done.outcome.nouvelles == 2
    assert calls == {"lecture": 1, "en-tête": 1, "classement": 2, "ouverture": 2}
    assert value(demo_db, "cfp_accordes", "2026-T4") == (5.0, 1, COORD.email)


def test_a_refused_file_is_read_once_and_audited_by_the_same_call(demo_db, calls):
    data = csv(f"{LYON};cfp_accordes;2026-T4;abc", "99999;cfp_accordes;2026-T4;1")
    prep = preparer(data, "faux.csv", demo_db, personne=NATIONAL, today=TODAY, auditer=True)
    assert not prep.ok and prep.audit_id is not None
    assert calls == {"lecture": 1, "en-tête": 1, "ouverture": 1}
    with store.connect(demo_db) as con:
        row = con.execute("SELECT resultat, territoires, utilisateur FROM depot WHERE id = ?",
                          [prep.audit_id]).fetchall()[0]
    assert row == ("refuse", [LYON], NATIONAL.email)  # the known territory it names, not the unknown one


def test_another_upload_in_between_reclassifies_the_kept_rows_without_reading_the_file(demo_db, calls):
    data = csv(f"{LYON};cfp_accordes;2026-T4;5")
    prep = preparer(data, "lyon.csv", demo_db, personne=COORD, today=TODAY)
    assert import_bytes(csv(f"{LYON};cfp_accordes;2026-T4;8"), "autre.csv", demo_db, user="autre",
                        today=TODAY).stored
    calls.clear()
    done = confirmer(prep, demo_db, personne=COORD, empreinte=prep.apercu.empreinte, today=TODAY)
    assert not done.stored and done.preparation is None and "Un autre dépôt" in done.message
    assert (done.apercu.compte("nouvelle"), done.apercu.compte("revisee")) == (0, 1)
    assert calls == {"classement": 1, "ouverture": 1}  # no reading, no header: the kept rows
    again = confirmer(prep, demo_db, personne=COORD, empreinte=done.apercu.empreinte, today=TODAY)
    assert again.stored and value(demo_db, "cfp_accordes", "2026-T4") == (5.0, 2, COORD.email)


def reference_version(db) -> str:
    with store.connect(db) as con:
        return reference_data.reference_version(con)


def test_a_change_of_the_reference_data_validates_the_file_again(demo_db):
    data = csv(f"{LYON};cfp_accordes;2026-T4;5")
    prep = preparer(data, "lyon.csv", demo_db, personne=COORD, today=TODAY)
    assert reference_version(demo_db) == prep.reference_version
    # a value upload leaves the reference version as it is
    import_bytes(csv(f"{LYON};expulsions_effectives;2026-T4;8"), "autre.csv", demo_db, user="autre", today=TODAY)
    assert reference_version(demo_db) == prep.reference_version
    with store.connect(demo_db) as con, store.transaction(con):
        con.execute("UPDATE territoire SET nom = nom || ' (renommée)' WHERE code = ?", [LYON])
    assert reference_version(demo_db) != prep.reference_version
    done = confirmer(prep, demo_db, personne=COORD, empreinte=prep.apercu.empreinte, today=TODAY)
    assert not done.stored and done.message == MESSAGE_REFERENTIEL
    assert value(demo_db, "cfp_accordes", "2026-T4") is None
    fresh = done.preparation  # checked again against the new reference data
    assert fresh.ok and fresh.reference_version != prep.reference_version and done.apercu is fresh.apercu
    assert confirmer(fresh, demo_db, personne=COORD, today=TODAY).stored


def test_a_workbook_is_read_once_with_the_store_closed_meanwhile(demo_db, calls):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(";"))
    ws.append([LYON, "cfp_accordes", "2026-T4", 5])
    buffer = io.BytesIO()
    wb.save(buffer)
    prep = preparer(buffer.getvalue(), "lyon.xlsx", demo_db, personne=COORD, today=TODAY)
    assert prep.ok
    # openpyxl reads with the store closed: opened for the reference data, then for the preview
    assert calls == {"lecture": 1, "en-tête": 1, "classement": 1, "ouverture": 2}
    assert confirmer(prep, demo_db, personne=COORD, today=TODAY).stored
    assert calls == {"lecture": 1, "en-tête": 1, "classement": 2, "ouverture": 3}


def test_the_page_reads_the_file_once_from_drop_to_confirmation(page, demo_db, calls):
    at = page("coordinateur", LYON)
    drop(at, csv(f"{LYON};cfp_accordes;2026-T4;5"))
    at.run()  # any other interaction reruns the page: the kept preparation answers
    assert metrics(at)["Nouvelles"] == "1"
    confirm_button(at)[0].click()
    at.run()
    assert not at.exception and "enregistré" in at.success[0].value
    assert (calls["lecture"], calls["en-tête"], calls["classement"]) == (1, 1, 2)
    assert value(demo_db, "cfp_accordes", "2026-T4")[0] == 5.0


def test_the_page_checks_the_file_again_when_the_reference_data_changed_before_confirmation(page, demo_db):
    at = page("coordinateur", LYON)
    drop(at, csv(f"{LYON};cfp_accordes;2026-T4;5"))
    with store.connect(demo_db) as con, store.transaction(con):
        con.execute("UPDATE feuille_de_route SET fin = fin WHERE territoire = ?", [LYON])  # no change: same version
        con.execute("UPDATE territoire SET nom = nom || ' (renommée)' WHERE code = ?", [LYON])
    confirm_button(at)[0].click()
    at.run()
    assert not at.exception
    assert any(w.value == MESSAGE_REFERENTIEL for w in at.warning)
    assert value(demo_db, "cfp_accordes", "2026-T4") is None and metrics(at)["Nouvelles"] == "1"
    confirm_button(at)[0].click()
    at.run()
    assert "enregistré" in at.success[0].value and value(demo_db, "cfp_accordes", "2026-T4")[0] == 5.0


# --- which kinds each page accepts (headers.ACCEPTED_BY_PAGE) ------------------------------------

FILES_OF_EACH_KIND = {
    headers.VALUES: csv(f"{LYON};cfp_accordes;2026-T4;5"),
    headers.ACTIONS: f"code_territoire;ref_action;intitule;axe\n{LYON};A1;Une action;3\n".encode(),
    headers.BUDGET: (f"code_territoire;exercice;poste;financeur;prevu\n{LYON};2024;ingenierie;etat_ami;10 000\n").encode(),
    headers.ROADMAP: (FILES / "feuille_de_route_valide.csv").read_bytes(),
}


def test_the_table_of_the_pages_names_each_pages_own_kind_first_and_a_message_for_the_others():
    # the values page also takes the actions of the roadmap; the budget section and the SI-SIAO page their own
    assert headers.ACCEPTED_BY_PAGE == {headers.VALUES: (headers.VALUES, headers.ACTIONS),
                                        headers.BUDGET: (headers.BUDGET,), headers.SIAO: (headers.SIAO,)}
    assert set(headers.ACCEPTED_BY_PAGE) == set(MESSAGES_AUTRE_TYPE)
    assert set(headers.FORCED_BY_PAGE) <= set(headers.ACCEPTED_BY_PAGE)
    for page_kind, accepted in headers.ACCEPTED_BY_PAGE.items():
        assert accepted[0] == page_kind and set(accepted) <= set(headers.KINDS), page_kind


@pytest.mark.parametrize("page_kind", [k for k in headers.ACCEPTED_BY_PAGE if k not in headers.FORCED_BY_PAGE])
def test_a_page_takes_the_kinds_of_its_row_and_refuses_the_others_with_its_message(db, page_kind):
    for kind, data in FILES_OF_EACH_KIND.items():
        prep = preparer(data, f"{kind}.csv", db, personne=NATIONAL, today=TODAY, kind=page_kind)
        assert prep.result.kind == kind
        if kind in headers.ACCEPTED_BY_PAGE[page_kind]:
            assert prep.message is None, (page_kind, kind)
        else:
            assert prep.message == message_autre_type(page_kind, kind)
            assert prep.message.startswith(f"Ce fichier est reconnu comme : {headers.KIND_LABELS[kind]}. ")
            assert "fichier de fichier" not in prep.message and OU_DEPOSER[kind] in prep.message
            assert not prep.ok


def test_a_page_whose_kind_is_forced_reads_any_file_as_its_kind(db):
    prep = preparer(FILES_OF_EACH_KIND[headers.VALUES], "valeurs.csv", db, personne=NATIONAL, today=TODAY,
                    kind=headers.SIAO)
    assert prep.result.kind == headers.SIAO and prep.message is None and not prep.report.ok


def test_each_refusal_of_another_kind_says_where_that_kind_goes():
    # a budget file dropped on the values page: told it is the budget of fiche 5 and where that goes
    assert message_autre_type(headers.VALUES, headers.BUDGET) == (
        "Ce fichier est reconnu comme : fichier budgétaire (fiche 5). Cette page reçoit les valeurs trimestrielles "
        "et les actions de la feuille de route. Le fichier budgétaire se dépose sur la page « Mon territoire », "
        "section « Budget (fiche 5) », « Déposer le fichier budgétaire ».")
    assert message_autre_type(headers.BUDGET, headers.ROADMAP).endswith("par l'équipe nationale, sur la page Administration.")
    assert "option « Valeurs trimestrielles »" in message_autre_type(headers.SIAO, headers.VALUES)
    assert set(OU_DEPOSER) == set(headers.KINDS)
