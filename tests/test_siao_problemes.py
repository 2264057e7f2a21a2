"""Structural checks of an SI-SIAO extract, before anything is counted: every problem as (line,
column, code), nothing stored on refusal, and a non-pseudonymised identifier never written back in
clear, neither in the report, the audit, the journal, nor anywhere in the database."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from data import store
from loaders.importer import import_bytes
from loaders.siao import Periode
from tests.conftest import TODAY
from tests.siao_fixtures import AU, DU, HEADER, P1, P2, ROWS, extract

NAME = "Zoé Quintaluppi 12/03/1980"


def triples(result) -> list[tuple]:
    return [(p.line, p.column, p.code) for p in result.report.sorted_errors()]


def all_text(db) -> str:
    """Every text of every table of the database (JSON and lists as text), one string."""
    with store.connect(db) as con:
        columns = con.execute(
            """SELECT table_name, column_name FROM information_schema.columns
               WHERE table_schema = 'main' AND (data_type LIKE 'VARCHAR%' OR data_type = 'JSON')""").fetchall()
        parts = []
        for table, column in columns:
            parts += [str(v) for (v,) in con.execute(f'SELECT "{column}"::VARCHAR FROM "{table}"').fetchall()]
    return "\n".join(parts)


def test_every_structural_problem_is_reported_with_line_column_and_code(db):
    rows = [
        f"D1;{P1};37261;insertion;2026-01-10;rue;orientation;2026-02-01;logement",       # 2 fine
        f"D1;{P2};37261;insertion;2026-01-11;rue;orientation;2026-02-01;logement",       # 3 duplicate of 2
        f";{P2};37261;insertion;2026-01-11;rue;orientation;2026-02-01;logement",         # 4 no id_demande
        f"D4;{P2};99999;insertion;2026-01-11;rue;orientation;2026-02-01;logement",       # 5 unknown commune
        f"D5;{P2};37261;urgence;2026-01-11;rue;orientation;2026-02-01;logement",         # 6 unknown volet
        f"D6;{P2};37261;insertion;2026-13-45;rue;orientation;2026-02-01;logement",       # 7 not a date
        f"D7;{P2};37261;insertion;2026-03-01;rue;orientation;2026-02-01;logement",       # 8 issue before request
        f"D8;{P2};37261;insertion;2026-03-01;rue;orientation;;logement",                 # 9 issue date missing
        f"D9;{P2};37261;insertion;2026-03-01;rue;acceptee;2026-03-02;logement",          # 10 unknown issue
        f"D10;{P2};37261;insertion;2026-03-01;dehors;orientation;2026-03-02;chateau",    # 11 situation, dispositif
        f"D11;{P2};37261;insertion;2030-03-01;rue;en_attente;;",                        # 12 in the future
        f"D12;{P2};37261;insertion;2025-12-31;rue;en_attente;;",                        # 13 outside the period
        f"D13;;37261;insertion;2026-03-01;rue;en_attente;;",                            # 14 no identifier
    ]
    result = import_bytes(extract(*rows), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert not result.stored
    assert triples(result) == [
        (3, "id_demande", "siao-demande-en-double"),
        (4, "id_demande", "cellule-obligatoire"),
        (5, "code_commune", "siao-commune-inconnue"),
        (6, "volet", "siao-volet-inconnu"),
        (7, "date_demande", "siao-date-invalide"),
        (8, "date_issue", "siao-date-issue-anterieure"),
        (9, "date_issue", "siao-date-issue-requise"),
        (10, "issue", "siao-issue-inconnue"),
        (11, "dispositif", "siao-dispositif-inconnu"),
        (11, "situation_avant", "siao-situation-inconnue"),
        (12, "date_demande", "siao-date-hors-bornes"),
        (12, "date_demande", "siao-hors-periode"),
        (13, "date_demande", "siao-hors-periode"),
        (14, "id_personne", "cellule-obligatoire"),
    ]
    messages = {p.code: p.message for p in result.report.errors}
    assert "ligne 2" in messages["siao-demande-en-double"]
    assert "01/03/2026" in messages["siao-date-issue-anterieure"]
    assert "01/01/2026 – 30/06/2026" in messages["siao-hors-periode"]
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM valeur").fetchall()[0][0] == 0
        assert con.execute("SELECT resultat, type_fichier FROM depot").fetchall() == [("refuse", "siao")]


SINGLE = {  # one wrong request among good ones: each rule alone refuses the file (the one pass sees it)
    "siao-demande-en-double": f"D1;{P2};37261;115;2026-03-01;rue;en_attente;;",
    "cellule-obligatoire": f" ;{P2};37261;115;2026-03-01;rue;en_attente;;",
    "identifiant-non-pseudonymise": f"D9;{P2[:-1]}g;37261;115;2026-03-01;rue;en_attente;;",
    "siao-commune-inconnue": f"D9;{P2};1001;115;2026-03-01;rue;en_attente;;",
    "siao-volet-inconnu": f"D9;{P2};37261;116;2026-03-01;rue;en_attente;;",
    "siao-date-invalide": f"D9;{P2};37261;115;2026-02-30;rue;en_attente;;",
    "siao-date-hors-bornes": f"D9;{P2};37261;115;2026-03-01;rue;annulee;2026-12-01;",
    "siao-date-issue-anterieure": f"D9;{P2};37261;115;2026-03-01;rue;annulee;2026-02-28;",
    "siao-date-issue-requise": f"D9;{P2};37261;115;2026-03-01;rue;annulee;;",
    "siao-issue-inconnue": f"D9;{P2};37261;115;2026-03-01;rue;refusee;2026-03-02;",
    "siao-situation-inconnue": f"D9;{P2};37261;115;2026-03-01;squat;en_attente;;",
    "siao-dispositif-inconnu": f"D9;{P2};37261;115;2026-03-01;rue;orientation;2026-03-02;hotel",
    "siao-hors-periode": f"D9;{P2};37261;115;2026-07-01;rue;en_attente;;",
}


@pytest.mark.parametrize("code", sorted(SINGLE))
def test_each_rule_alone_refuses_the_file(db, code):
    result = import_bytes(extract(*ROWS, SINGLE[code]), "e.csv", db, periode=Periode(DU, AU), today=TODAY,
                          user="siao")
    assert [(p.line, p.code) for p in result.report.sorted_errors()] == [(10, code)]
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM valeur").fetchall()[0][0] == 0


def test_keywords_are_read_without_regard_to_case_accents_or_spaces(db):
    rows = [r.replace(";rue;", ";Rue ;").replace(";hebergement;", ";Hébergement;").replace("logement_adapte", "Logement adapté")
            .replace(";insertion;", ";INSERTION;") for r in ROWS]
    result = import_bytes(extract(*rows), "e.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert result.stored and result.outcome.nouvelles == 36


def test_missing_columns_are_named_and_nothing_is_counted(db):
    header = HEADER.replace(";situation_avant", "").replace(";dispositif", "")
    row = f"D1;{P1};37261;insertion;2026-01-10;orientation;2026-02-01"
    result = import_bytes(extract(row, header=header), "e.csv", db, kind="siao", today=TODAY, user="siao")
    assert triples(result) == [(1, "dispositif", "colonne-manquante"), (1, "situation_avant", "colonne-manquante")]


def test_an_identifier_in_clear_refuses_the_file_and_is_never_written_back(db):
    rows = list(ROWS) + [f"D9;{NAME};37261;115;2026-03-01;rue;en_attente;;"]
    result = import_bytes(extract(*rows), "extrait.csv", db, today=TODAY, user="siao")
    assert triples(result) == [(10, "id_personne", "identifiant-non-pseudonymise")]
    [problem] = result.report.errors
    assert problem.value == "Zo… (26 caractères)"
    assert NAME not in problem.as_line() and NAME not in str(problem.as_dict())
    text = all_text(db)
    assert "Zo… (26 caractères)" in text  # the audit quotes it masked
    for secret in (NAME, "Quintaluppi", "12/03/1980", P1, P2):
        assert secret not in text
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM valeur").fetchall()[0][0] == 0


def test_no_identifier_is_kept_after_an_accepted_extract(db):
    result = import_bytes(extract(*ROWS), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert result.stored
    text = all_text(db)
    assert P1 not in text and P2 not in text and P1[:16] not in text and "D1" not in text.split()


def test_a_workbook_with_date_cells_and_french_forms_reads_like_the_csv(db):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    for row in ROWS:
        cells = row.split(";")
        for i in (4, 7):  # dates as Excel date cells
            if cells[i] and "-" in cells[i]:
                cells[i] = dt.datetime.fromisoformat(cells[i])
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_bytes(buffer.getvalue(), "extrait.xlsx", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert result.kind == "siao" and result.stored, [p.as_line() for p in result.report.errors]
    assert result.outcome.nouvelles == 36
    csv_result = import_bytes(extract(*ROWS), "extrait.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert (csv_result.outcome.nouvelles, csv_result.outcome.inchangees) == (0, 36)


def test_a_period_in_the_wrong_order_is_refused(db):
    result = import_bytes(extract(*ROWS), "e.csv", db, periode=Periode(AU, DU), today=TODAY, user="siao")
    assert triples(result) == [(None, None, "siao-periode-invalide")]
    assert "est après la fin" in result.report.errors[0].message


def test_an_extract_has_caps_of_its_own(db, monkeypatch):
    from loaders import importer
    from loaders.reading import table

    monkeypatch.setattr(table, "LIGNES_MAX_FICHIER", 4)  # every other file: 4 lines at most
    monkeypatch.setattr(importer, "_EXTRACT_LIMITS", (20, 9))  # an extract: 9 (header and 8 requests)
    assert import_bytes(extract(*ROWS), "e.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao").stored
    monkeypatch.setattr(importer, "_EXTRACT_LIMITS", (20, 8))
    result = import_bytes(extract(*ROWS), "e.csv", db, periode=Periode(DU, AU), today=TODAY, user="siao")
    assert triples(result) == [(None, None, "trop-de-lignes")] and "plus de 8 lignes" in result.report.errors[0].message
