"""python -m loaders import on an SI-SIAO extract: the period, the mapping, the counting report, and
an identifier in clear never printed."""

from __future__ import annotations

import pytest

from data import store
from tests.cli import MODES, runner
from tests.siao_fixtures import HEADER, ROWS, extract
from tests.test_siao_problemes import NAME


@pytest.fixture(params=MODES)
def run(request):
    return runner("loaders", request.param)


def test_an_extract_is_counted_and_the_counting_report_printed(run, db, tmp_path):
    path = tmp_path / "extrait.csv"
    path.write_bytes(extract(*ROWS))
    done = run("import", path, "--kind", "siao", "--du", "2026-01-01", "--au", "2026-06-30", "--db", db,
               "--user", "siao")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Type détecté : extrait SI-SIAO" in out
    assert "Période d'extraction : du 01/01/2026 au 30/06/2026." in out
    assert "Comptées dans un territoire du programme, trimestres enregistrés : 7" in out
    assert "Situées hors de tout territoire du programme (non enregistrées) : 1" in out
    assert "Total, toutes les lignes de demandes du fichier : 8" in out
    assert "243700754 (Tours Métropole Val de Loire) : 6 demandes" in out
    assert "Enregistré : nouvelles: 36, révisées: 0, inchangées: 0" in out
    again = run("import", path, "--du", "2026-01-01", "--au", "2026-06-30", "--db", db)
    assert "nouvelles: 0, révisées: 0, inchangées: 36" in again.stdout


def test_a_real_export_is_read_through_a_mapping_file(run, db, tmp_path):
    names = ["NUM_DEMANDE", "ID_USAGER_HASH", "Code INSEE", "Volet", "Date de la demande", "Situation",
             "Issue", "Date issue", "Orientation vers"]
    mapping = tmp_path / "correspondance.csv"
    mapping.write_bytes(("colonne_export;colonne_documentee\r\n" + "".join(
        f"{a};{b}\r\n" for a, b in zip(names, HEADER.split(";")))).encode("cp1252"))
    path = tmp_path / "export.csv"
    path.write_bytes(extract(*ROWS, header=";".join(names)))
    unmapped = run("import", path, "--db", db, "--dry-run")
    assert unmapped.returncode == 1 and "Type détecté : extrait SI-SIAO" in unmapped.stdout
    assert "La colonne obligatoire « id_demande » est absente" in unmapped.stdout
    done = run("import", path, "--mapping", mapping, "--du", "2026-01-01", "--au", "2026-06-30", "--db", db,
               "--dry-run")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Simulation (rien n'a été enregistré) : nouvelles: 36" in done.stdout


def test_a_bad_mapping_or_a_lone_date_is_refused_with_a_french_message(run, db, tmp_path):
    path = tmp_path / "extrait.csv"
    path.write_bytes(extract(*ROWS))
    mapping = tmp_path / "m.csv"
    mapping.write_text("colonne_export;colonne_documentee\nA;id_demande\nB;inconnue\n", encoding="utf-8")
    done = run("import", path, "--mapping", mapping, "--db", db)
    assert done.returncode == 1 and "correspondance-cible-inconnue" in done.stdout and "ligne 3" in done.stdout
    lone = run("import", path, "--du", "2026-01-01", "--db", db)
    assert lone.returncode == 2 and "--du et --au vont ensemble" in lone.stderr
    bad = run("import", path, "--du", "01/01/2026", "--au", "2026-06-30", "--db", db)
    assert bad.returncode == 2 and "n'est pas une date AAAA-MM-JJ" in bad.stderr


def test_an_identifier_in_clear_is_never_printed(run, db, tmp_path):
    path = tmp_path / "extrait.csv"
    path.write_bytes(extract(*ROWS, f"D9;{NAME};37261;115;2026-03-01;rue;en_attente;;"))
    done = run("import", path, "--db", db)
    assert done.returncode == 1
    assert "identifiant-non-pseudonymise" in done.stdout and "« Zo… (26 caractères) »" in done.stdout
    assert "Quintaluppi" not in done.stdout + done.stderr
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM valeur").fetchall()[0][0] == 0
