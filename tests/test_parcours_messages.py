"""What a new user read on the upload page (the walk of the dashboard, branch parcours): the quarters
a problem message names read the pages' way (« T1 2026 », never the file code « 2026-T1 »), and a
decimal number typed in a French workbook is quoted with its decimal comma (« 12,5 »), as Excel showed
it, not with Python's point."""

from __future__ import annotations

import io

from loaders.importer import import_bytes
from loaders.problems import Problem
from loaders.reading import xlsx_cell
from tests.conftest import TODAY

VALUES = "code_territoire;indicateur;trimestre;valeur;commentaire\n"
LYON = "200046977"


def _errors(db, data: bytes, name: str = "saisie.csv"):
    result = import_bytes(data, name, db, user="test", today=TODAY)
    return {(p.line, p.column): p for p in result.report.errors}


def test_a_quarter_not_yet_begun_is_named_like_on_the_pages(db):
    # the user wrote « T3 2031 »; today (TODAY) is in T4 2026
    said = _errors(db, (VALUES + f"{LYON};sorties_rue_logement;T3 2031;4;\n").encode())[(2, "trimestre")]
    assert said.code == "trimestre-futur"
    assert said.message == "Le trimestre T3 2031 n'est pas encore commencé (trimestre en cours : T4 2026)."
    assert said.value == "T3 2031"  # the value column keeps what was written


def test_a_jump_warning_names_the_previous_quarter_like_on_the_pages():
    said = Problem("saut-trimestriel", 3, "valeur", "212", {
        "sens": "divisée", "facteur": "3", "precedent": "637", "trimestre_precedent": "2026-T1"}).message
    assert said == ("212 est divisée par plus de 3 par rapport au trimestre précédent (637 au T1 2026) : "
                    "vérifiez la saisie.")


def test_a_roadmap_window_in_a_message_reads_like_on_the_pages():
    said = Problem("fenetre-invalide", 2, "fin", "2024-T1", {"debut": "2025-T2", "fin": "2024-T1"}).message
    assert said == "La fin (T1 2024) doit être postérieure au début (T2 2025)."


def test_the_value_as_written_is_never_rewritten_even_when_it_looks_like_a_quarter():
    said = Problem("trimestre-invalide", 2, "trimestre", "2026-T1", {"formes": "2024-T1"}).message
    assert said.startswith("Le trimestre « 2026-T1 » n'est pas reconnu")


def test_a_decimal_cell_of_a_workbook_is_read_with_a_decimal_comma():
    assert xlsx_cell(12.5) == "12,5"
    assert xlsx_cell(-0.25) == "-0,25"
    assert xlsx_cell(12.0) == "12" and xlsx_cell(3) == "3"


def test_a_decimal_count_typed_in_a_workbook_is_quoted_with_its_comma_and_still_read_as_a_number(db):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "donnees"
    sheet.append(["code_territoire", "indicateur", "trimestre", "valeur"])
    sheet.append([LYON, "professionnels_formes", "2026-T2", 12.5])
    buffer = io.BytesIO()
    book.save(buffer)
    said = _errors(db, buffer.getvalue(), "depot.xlsx")[(2, "valeur")]
    assert said.code == "valeur-non-entiere" and said.value == "12,5"  # a number, only not whole
    assert said.message.startswith("« 12,5 » n'est pas un nombre entier")
