"""AppTest of every page on the demo database, and the guard that every page is registered."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from data import store
from indicators import quarters
from tests.conftest import ROOT


@pytest.fixture
def app(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))

    def run(page: str = "app.py") -> AppTest:
        at = AppTest.from_file(str(ROOT / page), default_timeout=30)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def test_every_page_file_is_registered_in_app():
    app_text = (ROOT / "app.py").read_text(encoding="utf-8")
    registered = set(re.findall(r'st\.Page\(\s*"(pages/[^"]+\.py)"', app_text))
    on_disk = {f"pages/{p.name}" for p in (ROOT / "pages").glob("*.py")}
    assert on_disk and on_disk == registered


def test_home_page_reads_the_store_and_says_demo(app, demo_db):
    at = app("pages/accueil.py")
    assert "Logement d'abord" in at.title[0].value
    assert any("Données de démonstration" in w.value for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    with store.connect(demo_db) as con:
        n_territories = con.execute("SELECT count(*) FROM territoire WHERE actif").fetchall()[0][0]
        n_values = con.execute("SELECT count(*) FROM valeur").fetchall()[0][0]
    assert metrics["Territoires suivis"] == str(n_territories)
    assert metrics["Valeurs enregistrées"].replace("\u202f", "") == str(n_values)
    missing, uploads = at.dataframe[0].value, at.dataframe[1].value
    # the demo has late and silent territories: they are listed as missing the last quarter
    assert len(missing) >= 2
    assert len(uploads) == 10 and set(uploads["Résultat"]) <= {"enregistré", "refusé"}
    assert set(uploads["Type"]) <= {"valeurs trimestrielles", "feuille de route", "liste des territoires"}


def test_home_page_without_demo_has_no_banner(db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(db))
    at = AppTest.from_file(str(ROOT / "pages/accueil.py"), default_timeout=30)
    at.run()
    assert not at.exception
    assert not any("démonstration" in w.value for w in at.warning)
    assert at.subheader[0].value.endswith(quarters.label(quarters.last_complete()))


def test_app_routes_to_home(app):
    at = app("app.py")
    assert "Logement d'abord" in at.title[0].value
