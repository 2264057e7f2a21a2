"""Unexpected errors (pages/components/erreurs.py): never Streamlit's raw English error box, never a
bug passed off as a refusal of the user's file; a French message naming an incident reference, and
the traceback in the server's log under the same reference. Streamlit's own control flow (st.stop,
st.rerun) passes through untouched."""

from __future__ import annotations

import logging
import re
import tomllib

import pytest
import streamlit as st
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from data import queries, store
from loaders import headers
from tests.conftest import ROOT

INCIDENT = re.compile(r"^Erreur de l'application \(référence ([0-9A-F]{6})\) : ")
VALUES_FILE = "code_territoire;indicateur;trimestre;valeur\n200046977;sorties_rue_logement;2024-T1;4\n".encode()


def territories_without_values(con, quarter):  # a read of the home page, replaced by a failing one
    raise RuntimeError("panne simulée d'une lecture")


def _raise_in_detection(*args, **kwargs):
    raise RuntimeError("panne simulée de la validation")


@pytest.fixture
def demo(demo_db, monkeypatch, caplog):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    caplog.set_level(logging.INFO, logger="lda")
    return demo_db


def incident_of(at: AppTest, caplog, action: str, cause: str) -> str:
    """The one incident shown: its message names ``action``, its log record has the traceback of
    ``cause``, both carry the same reference."""
    assert not at.exception, [e.value for e in at.exception]
    shown = [e.value for e in at.error if INCIDENT.match(e.value)]
    assert len(shown) == 1, [e.value for e in at.error]
    reference = INCIDENT.match(shown[0]).group(1)
    assert f"{action} n'a pas pu aboutir" in shown[0] and "Ce n'est pas un problème de vos données" in shown[0]
    [record] = [r for r in caplog.records if r.name == "lda" and r.levelno == logging.ERROR]
    assert reference in record.getMessage() and action in record.getMessage()
    assert record.exc_info and f"RuntimeError: {cause}" in caplog.text and "Traceback" in caplog.text
    return reference


def count_depots(db) -> int:
    with store.connect(db) as con:
        return con.execute("SELECT count(*) FROM depot").fetchall()[0][0]


def test_an_unexpected_error_in_any_page_is_a_french_incident_not_streamlits_box(demo, monkeypatch, caplog):
    monkeypatch.setattr(queries, "territories_without_values", territories_without_values)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    incident_of(at, caplog, "L'affichage de cette page", "panne simulée d'une lecture")
    assert at.title[0].value.startswith("Logement d'abord")  # what was drawn before the error stays


@pytest.mark.parametrize("control", ["stop", "rerun"])
def test_streamlit_stop_and_rerun_pass_through_the_page_guard(demo, monkeypatch, caplog, control):
    calls, original = [], queries.territories_without_values

    def territories_without_values(con, quarter):  # pages/components/store.read finds it by module and name
        calls.append(quarter)
        if control == "stop":
            st.stop()
        if len(calls) == 1:
            st.rerun()
        return original(con, quarter)

    territories_without_values.__module__ = queries.__name__
    monkeypatch.setattr(queries, "territories_without_values", territories_without_values)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception and not at.error
    assert not [r for r in caplog.records if r.name == "lda"]
    last_part = "Derniers dépôts" in [s.value for s in at.subheader]  # drawn after that read
    if control == "stop":
        assert len(calls) == 1 and not last_part  # stopped there, silently
    else:
        assert len(calls) == 2 and last_part  # run again after st.rerun, to its end


def test_an_error_during_validation_on_the_upload_page_is_no_refusal_of_the_file(demo, monkeypatch, caplog):
    monkeypatch.setattr(headers, "detect", _raise_in_detection)
    at = AppTest.from_file(str(ROOT / "pages/depot.py"), default_timeout=60).run()
    before = count_depots(demo)
    at.file_uploader[0].set_value(("depot.csv", VALUES_FILE, "text/csv"))
    at.run()
    incident_of(at, caplog, "La vérification du fichier", "panne simulée de la validation")
    assert not [e.value for e in at.error if "refusé" in e.value or "illisible" in e.value]
    assert count_depots(demo) == before  # not audited as a refused upload: the file is not at fault


@pytest.mark.parametrize("uploader,button,data,action", [
    ("adm_fichier", "adm_importer", b"email;role;code_territoire\nx@dihal.gouv.fr;lecteur;\n", "L'import des personnes"),
    ("adm_reference", None, b"code_territoire;vague;nom;type;membres\n200000172;AMI 3;;;\n", "Le contrôle du fichier"),
])
def test_an_error_in_an_administration_import_is_an_incident(demo, monkeypatch, caplog, uploader, button, data, action):
    monkeypatch.setattr(headers, "detect", _raise_in_detection)
    at = AppTest.from_file(str(ROOT / "pages/administration.py"), default_timeout=60).run()
    before = count_depots(demo)
    at.file_uploader(key=uploader).set_value(("fichier.csv", data, "text/csv"))
    at.run()
    if button:
        at.button(key=button).click()
        at.run()
    incident_of(at, caplog, action, "panne simulée de la validation")
    assert count_depots(demo) == before


def test_streamlit_shows_no_error_detail_even_outside_the_guard():
    """An error Streamlit itself catches (before app.py's guard runs, or in a callback) shows no
    traceback, type or message of ours: client.showErrorDetails is "none"."""
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    value = settings["client"]["showErrorDetails"]
    assert value == st_config.ShowErrorDetailsConfigOptions.NONE
    assert value in {o.value for o in st_config.ShowErrorDetailsConfigOptions}


def test_an_error_in_an_administration_write_is_an_incident(demo, monkeypatch, caplog):
    from data import personnes

    def failing_write(*args, **kwargs):
        raise RuntimeError("panne simulée de l'écriture")

    monkeypatch.setattr(personnes, "save", failing_write)
    at = AppTest.from_file(str(ROOT / "pages/administration.py"), default_timeout=60).run()
    at.text_input(key="adm_email").input("nouvelle@dihal.gouv.fr")
    at.button(key="FormSubmitter:adm_form-Enregistrer la personne").click()
    at.run()
    incident_of(at, caplog, "L'enregistrement", "panne simulée de l'écriture")
