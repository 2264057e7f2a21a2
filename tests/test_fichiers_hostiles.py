"""CSV files built to hurt (issue 16): control characters anywhere in the file, giant cells refused
in French, cells printed escaped on the command line, and the caps on lines and columns checked
while reading, on each reading path (DuckDB on the bytes, DuckDB on the decoded text, Python's csv)."""

from __future__ import annotations

import pytest

from data import store
from core.parameters import COLONNES_MAX_FICHIER
from loaders.reading import table
from loaders.importer import import_bytes
from loaders.problems import Problem
from tests.conftest import TODAY
from tests.test_cli_loaders import run  # noqa: F401 (the fixture: in-process, and as a process)

HEADER = "code_territoire;indicateur;trimestre;valeur;commentaire"
ROW = "200046977;sorties_rue_logement;2024-T1;4;"


def stored(db):
    with store.connect(db) as con:
        return con.execute("SELECT count(*) FROM valeur").fetchall()[0][0]


def codes(result):
    return [p.code for p in result.report.errors]


# the same defect through each reading path: the bytes as DuckDB reads them (UTF-8, Latin-1
# compatible cp1252), the text decoded by Python (cp1252 with ’), and Python's csv (a blank line)
PATHS = {
    "UTF-8 (DuckDB lit les octets)": ("utf-8", "", ""),
    "cp1252 sans ’ (DuckDB lit les octets)": ("cp1252", "", ""),
    "cp1252 avec ’ (Python décode)": ("cp1252", "l’opérateur", ""),
    "ligne vide (csv de Python)": ("cp1252", "", "\r\n"),
    "UTF-16": ("utf-16", "", ""),
}


def build(path: str, rows: list[str]) -> bytes:
    encoding, word, blank = PATHS[path]
    return (f"{HEADER}\r\n{blank}" + "\r\n".join(rows).replace("OPERATEUR", word) + "\r\n").encode(encoding)


@pytest.mark.parametrize("path", list(PATHS))
def test_a_control_character_far_into_the_file_is_found(db, path):
    rows = [ROW + "OPERATEUR " + "x" * 100] * 400 + [ROW + "\x1b[2J\x1b[31mrouge"]
    data = build(path, rows)
    assert len(data) > 40_000  # beyond the 20,000 characters that were looked at
    result = import_bytes(data, "controle.csv", db, user="t", today=TODAY)
    assert codes(result) == ["fichier-illisible"] and "caractères de contrôle" in result.report.errors[0].message
    assert stored(db) == 0


@pytest.mark.parametrize("cell", ["x" * 5_000_000, '"' + "x" * 5_000_000 + '"', "’" * 5_000_000])
def test_a_5_mb_cell_is_refused_in_french(db, cell):
    data = (f"{HEADER}\n{ROW}{cell}\n").encode("cp1252")
    result = import_bytes(data, "geant.csv", db, user="t", today=TODAY)
    [problem] = result.report.errors
    assert problem.code == "fichier-illisible" and stored(db) == 0
    assert problem.message.endswith("à partir de la ligne 2 (une cellule dépasse la longueur maximale permise, "
                                    "131\u202f072 caractères)).")
    assert "field" not in problem.message and "limit" not in problem.message


def test_utf16_that_is_not_is_refused_in_french(db):
    result = import_bytes(b"\xff\xfe" + HEADER.encode("utf-16-le") + b"\x00", "u.csv", db, user="t")
    assert codes(result) == ["fichier-illisible"]
    assert "n'est pas de l'UTF-16 valide" in result.report.errors[0].message
    assert "truncated" not in result.report.errors[0].message


def test_problem_lines_print_cells_escaped():
    problem = Problem("valeur-invalide", line=3, column="val\u202eeur", value="\x1b]0;titre\x07\u009b2J\n4")
    line = problem.as_line()
    assert line.startswith("ligne 3, colonne « val\\u202eeur », valeur « \\x1b]0;titre\\x07\\x9b2J\\n4 » : "
                           "« \\x1b]0;titre\\x07\\x9b2J\\n4 » n'est pas un nombre.")
    assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in line)


def test_the_command_line_never_echoes_terminal_sequences_from_cells(run, db, tmp_path):
    # C1 controls (CSI) and a bidirectional override are valid UTF-8 text, read and quoted
    path = tmp_path / "sequences.csv"
    path.write_text(f"{HEADER}\n200046977\u202e;sorties_rue_logement;2024-T1;\u009b31m3;\n", encoding="utf-8")
    done = run("import", path, "--db", db)
    assert done.returncode == 1
    assert "\u009b" not in done.stdout and "\u202e" not in done.stdout
    assert "valeur « \\x9b31m3 »" in done.stdout and "« 200046977\\u202e »" in done.stdout


@pytest.mark.parametrize("path", list(PATHS))
def test_a_header_wider_than_the_cap_is_refused_before_reading(db, path):
    wide = ";".join(f"c{i}" for i in range(COLONNES_MAX_FICHIER + 1))
    encoding, word, blank = PATHS[path]
    data = (f"{wide}\r\n{blank}1;OPERATEUR\r\n".replace("OPERATEUR", word)).encode(encoding)
    result = import_bytes(data, "large.csv", db, user="t", today=TODAY)
    assert codes(result) == ["trop-de-colonnes"]
    assert result.report.errors[0].message.startswith(f"La ligne 1 compte plus de {COLONNES_MAX_FICHIER} colonnes")


def test_a_row_wider_than_the_cap_is_refused_on_its_line(db):
    data = f"{HEADER}\n{ROW}\n{ROW}{';x' * COLONNES_MAX_FICHIER}\n".encode()
    result = import_bytes(data, "large.csv", db, user="t", today=TODAY)
    assert codes(result) == ["trop-de-colonnes"] and "La ligne 3 compte" in result.report.errors[0].message


@pytest.mark.parametrize("path", list(PATHS))
def test_more_lines_than_the_cap_are_refused(db, monkeypatch, path):
    monkeypatch.setattr(table, "LIGNES_MAX_FICHIER", 6)  # the one cap check of every CSV path
    quarters = [f"2024-T{q}" for q in (1, 2, 3, 4)]
    rows = [f"200046977;sorties_rue_logement;{q};4;OPERATEUR" for q in quarters]
    assert import_bytes(build(path, rows), "court.csv", db, user="t", today=TODAY).stored  # 5 or 6 lines
    rows += [f"200046977;sorties_hebergement_logement;{q};4;" for q in quarters[:2]]
    result = import_bytes(build(path, rows), "long.csv", db, user="t", today=TODAY)
    assert codes(result) == ["trop-de-lignes"] and "plus de 6 lignes" in result.report.errors[0].message
    assert stored(db) == 4


def test_the_correction_grid_does_not_read_a_file_beyond_the_caps(monkeypatch):
    from loaders import correction

    wide = (";".join(f"c{i}" for i in range(COLONNES_MAX_FICHIER + 1)) + "\n1;2\n").encode()
    assert correction.read_rows(wide, "large.csv") is None
    rows = (HEADER + "\n" + "\n".join([ROW] * 6) + "\n").encode()
    assert len(correction.read_rows(rows, "court.csv").rows) == 6
    monkeypatch.setattr(table, "LIGNES_MAX_FICHIER", 6)  # reading's cap, checked by its row walk
    assert correction.read_rows(rows, "long.csv") is None


def test_the_command_line_states_the_column_cap_and_audits_the_refusal(run, db, tmp_path):
    path = tmp_path / "colonnes.csv"
    path.write_text(";".join(f"c{i}" for i in range(20_000)) + "\n" + ";".join(["1"] * 20_000) + "\n")
    done = run("import", path, "--db", db)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (f"La ligne 1 compte plus de {COLONNES_MAX_FICHIER} colonnes, le plafond permis : retirez les colonnes "
            "inutiles. [trop-de-colonnes]") in done.stdout
    with store.connect(db) as con:
        assert con.execute("SELECT fichier, resultat FROM depot").fetchall() == [("colonnes.csv", "refuse")]
