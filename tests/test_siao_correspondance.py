"""The SI-SIAO column mapping: checked with French messages, stored by the national team with its
history (the journal), applied to the next extracts; and its upload on the Administration page."""

from __future__ import annotations

import pytest

from core.errors import AccesRefuse
from data import siao, store
from data.access import Personne
from loaders import siao_mapping
from loaders.importer import import_bytes
from loaders.siao import Periode
from tests.conftest import TODAY
from tests.siao_fixtures import AU, DU, HEADER, ROWS, extract
from tests.apptest import as_persona

NATIONAL = Personne("admin@dihal.gouv.fr", "national")
NAMES = ["NUM_DEMANDE", "ID_USAGER_HASH", "Code INSEE", "Volet", "Date de la demande", "Situation", "Issue",
         "Date issue", "Orientation vers"]
MAPPING = ("colonne_export;colonne_documentee\r\n"
           + "".join(f"{a};{b}\r\n" for a, b in zip(NAMES, HEADER.split(";")))).encode("cp1252")


def test_a_mapping_file_is_checked_with_line_column_and_code():
    bad = "colonne_export;colonne_documentee\nA;id_demande\nB;Id Demande\nC;nom\n;volet\n".encode()
    found, report = siao_mapping.lire(bad)
    assert found is None
    assert [(p.line, p.column, p.code) for p in report.sorted_errors()] == [
        (3, "colonne_documentee", "correspondance-en-double"),
        (4, "colonne_documentee", "correspondance-cible-inconnue"),
        (5, "colonne_export", "cellule-obligatoire"),
    ]
    assert siao_mapping.lire(b"a;b\nx;y\n")[1].errors[0].code == "correspondance-entete"
    assert siao_mapping.par_defaut().renommer(HEADER.split(";")) == HEADER.split(";")


def test_a_stored_mapping_is_applied_to_the_next_extracts_and_keeps_its_history(db):
    found, _ = siao_mapping.lire(MAPPING, "siao_reel.csv")
    data = extract(*ROWS, header=";".join(NAMES))
    before = import_bytes(data, "export.csv", db, periode=Periode(DU, AU), today=TODAY, dry_run=True)
    assert not before.report.ok
    with store.connect(db) as con:
        with pytest.raises(AccesRefuse):
            siao.enregistrer_correspondance(con, Personne("c@x.fr", "coordinateur", "37261"), found.paires, "m", "")
        assert siao.enregistrer_correspondance(con, NATIONAL, list(found.paires), "siao_reel.csv", "abc")
        assert not siao.enregistrer_correspondance(con, NATIONAL, list(found.paires), "siao_reel.csv", "abc")
        assert [h["fichier"] for h in siao.historique_correspondances(con)] == ["siao_reel.csv"]
    after = import_bytes(data, "export.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert after.kind == "siao" and after.stored and after.outcome.nouvelles == 36


def test_the_administration_page_uploads_a_mapping(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    at = as_persona("pages/administration.py")
    assert any("Correspondance en vigueur : **correspondance par défaut**" in m.value for m in at.markdown)
    uploader = next(u for u in at.file_uploader if "correspondance" in u.label.lower())
    uploader.set_value(("siao_reel.csv", MAPPING, "text/csv"))
    at.run()
    assert any("Correspondance valide : 9 colonnes" in i.value for i in at.info)
    next(b for b in at.button if b.label == "Enregistrer cette correspondance").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    with store.connect(demo_db) as con:
        stored = siao.correspondance_enregistree(con)
    assert stored["fichier"] == "siao_reel.csv" and stored["paires"][0] == ["NUM_DEMANDE", "id_demande"]


def test_the_administration_page_refuses_a_bad_mapping_in_french(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    at = as_persona("pages/administration.py")
    uploader = next(u for u in at.file_uploader if "correspondance" in u.label.lower())
    uploader.set_value(("m.csv", b"colonne_export;colonne_documentee\nA;nom\n", "text/csv"))
    at.run()
    assert any("Correspondance refusée" in e.value for e in at.error)
    with store.connect(demo_db) as con:
        assert siao.correspondance_enregistree(con) is None
