"""Workbooks that lie or are broken (issue 16): a stale declared size is not trusted; every
unreadable workbook is a refused, audited upload with a French message, on the command line, on
the upload page (loaders.depot) and in both Administration importers; the caps on what a
workbook may hold are checked while it is read. The defective workbooks are built here, by
editing the parts of a good one."""

from __future__ import annotations

import io
import re
import struct
import zipfile

import openpyxl
import pytest

from data import store
from data.access import Personne
from loaders import reading
from loaders.reading import workbook as xlsx_reading  # its caps (the test file has a workbook() builder)
from loaders.depot import auditer_refus, preparer
from loaders.headers import PEOPLE
from loaders.importer import audit_refused, import_bytes
from tests.conftest import ROOT, TODAY
from tests.test_cli_loaders import run  # noqa: F401 (the fixture: in-process, and as a process)

LYON = "200046977"
NATIONAL = Personne("admin@dihal.gouv.fr", "national")
SHEET = "xl/worksheets/sheet1.xml"
QUARTERS = [f"{y}-T{q}" for y in (2023, 2024) for q in (1, 2, 3, 4)] + ["2025-T1", "2025-T2"]


def workbook(rows, title="donnees") -> bytes:
    book = openpyxl.Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def edit(data: bytes, member: str, change) -> bytes:
    """``data`` with part ``member`` replaced by ``change(bytes)`` (left out when that is None)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == member:
                body = change(body)
            if body is not None:
                dst.writestr(info.filename, body)
    return out.getvalue()


def ten_values() -> bytes:
    return workbook([["code_territoire", "indicateur", "trimestre", "valeur", "commentaire"]]
                    + [[LYON, "sorties_rue_logement", q, 20 + i, f"note {i}"] for i, q in enumerate(QUARTERS)])


def stored(db):
    with store.connect(db) as con:
        return con.execute("SELECT trimestre, valeur, commentaire FROM valeur ORDER BY trimestre").fetchall()


def audit(db):
    with store.connect(db) as con:
        return con.execute("SELECT fichier, resultat, nb_erreurs, problemes FROM depot ORDER BY id").fetchall()


@pytest.mark.parametrize("declared", [b"A1:D2", b"A1:XFD1048576"])  # too small; the whole sheet's grid
def test_a_wrong_declared_size_is_not_trusted(db, declared):
    stale = edit(ten_values(), SHEET, lambda b: re.sub(rb'<dimension ref="[^"]*" ?/>', b'<dimension ref="%s"/>' % declared, b))
    assert b'<dimension ref="%s"/>' % declared in zipfile.ZipFile(io.BytesIO(stale)).read(SHEET)
    result = import_bytes(stale, "court.xlsx", db, user="t", today=TODAY)
    assert result.stored and result.outcome.nouvelles == 10, result.report.errors
    assert stored(db) == [(q, 20.0 + i, f"note {i}") for i, q in enumerate(QUARTERS)]


def _bad_crc(data: bytes) -> bytes:
    """The central directory's checksum of the sheet changed (its content is intact)."""
    name = SHEET.encode()
    at = data.index(b"PK\x01\x02")  # the first entry of the central directory
    while data[at + 46:at + 46 + len(name)] != name:
        at = data.index(b"PK\x01\x02", at + 4)
    crc = struct.unpack_from("<I", data, at + 16)[0]
    return data[:at + 16] + struct.pack("<I", crc ^ 0xFFFF) + data[at + 20:]


def _not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("lisezmoi.txt", "une archive ordinaire")
    return out.getvalue()


MALFORMED = {
    "XML de la feuille tronqué": (lambda: edit(ten_values(), SHEET, lambda b: b[: len(b) // 2]),
                                  "classeur-illisible", "tronqué ou mal formé"),
    "DOCTYPE dans la feuille": (lambda: edit(ten_values(), SHEET, lambda b: b'<?xml version="1.0"?>'
                                             b'<!DOCTYPE worksheet [<!ENTITY n "9">]>' + b),
                                "classeur-refuse", "DOCTYPE"),
    "entités en chaîne dans les textes partagés": (
        lambda: edit(ten_values(), "xl/workbook.xml", lambda b: (
            b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>' + b)),
        "classeur-refuse", "ENTITY"),
    "DOCTYPE en UTF-16": (lambda: edit(ten_values(), SHEET, lambda b: (
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE worksheet>'.encode("utf-16") + b.decode().encode("utf-16")[2:])),
        "classeur-refuse", "DOCTYPE"),
    "encodage XML exotique": (lambda: edit(ten_values(), SHEET, lambda b: b'<?xml version="1.0" encoding="cp500"?>' + b),
                              "classeur-illisible", "encodage"),
    "archive zip qui n'est pas un classeur": (_not_a_workbook, "fichier-illisible", "n'est pas un classeur"),
    "feuille absente de l'archive": (lambda: edit(ten_values(), SHEET, lambda b: None),
                                     "classeur-illisible", "absente"),
    "textes et styles absents": (lambda: edit(edit(ten_values(), "xl/styles.xml", lambda b: None),
                                              "[Content_Types].xml", lambda b: None),
                                 "classeur-illisible", "classeur"),
    "somme de contrôle fausse": (lambda: _bad_crc(ten_values()), "classeur-illisible", "somme de contrôle"),
    "lignes dans le désordre": (lambda: edit(ten_values(), SHEET, lambda b: b.replace(b'<row r="3"', b'<row r="1"', 1)),
                                "classeur-illisible", "ne se suivent pas"),
}


@pytest.mark.parametrize("defect", list(MALFORMED))
def test_an_unreadable_workbook_is_a_refused_audited_upload(db, defect):
    build, code, words = MALFORMED[defect]
    result = import_bytes(build(), "casse.xlsx", db, user="t", today=TODAY)
    assert not result.stored and [p.code for p in result.report.errors] == [code]
    message = result.report.errors[0].message
    assert words in message and "Error" not in message and "Exception" not in message
    assert stored(db) == []
    [(fichier, resultat, n, problems)] = audit(db)
    assert (fichier, resultat, n) == ("casse.xlsx", "refuse", 1) and code in problems


@pytest.mark.parametrize("defect", ["XML de la feuille tronqué", "DOCTYPE dans la feuille"])
def test_the_command_line_refuses_an_unreadable_workbook_in_french(run, db, tmp_path, defect):
    build, code, words = MALFORMED[defect]
    path = tmp_path / "casse.xlsx"
    path.write_bytes(build())
    done = run("import", path, "--db", db, "--user", "nuit")
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stdout + done.stderr and done.stderr == ""
    assert "Fichier refusé : 1 problème. Rien n'a été enregistré." in done.stdout
    assert f"{words}" in done.stdout and f"[{code}]" in done.stdout
    assert stored(db) == [] and [r[:2] for r in audit(db)] == [("casse.xlsx", "refuse")]


@pytest.mark.parametrize("defect", ["XML de la feuille tronqué", "DOCTYPE dans la feuille", "feuille absente de l'archive"])
def test_the_upload_page_gets_a_refusal_and_audits_it(db, defect):
    build, code, _words = MALFORMED[defect]
    data = build()
    for personne in (NATIONAL, Personne("coord@lyon.fr", "coordinateur", LYON)):
        prep = preparer(data, "casse.xlsx", db, personne=personne, today=TODAY)
        assert not prep.ok and prep.apercu is None and [p.code for p in prep.report.errors] == [code]
        auditer_refus(prep, db, personne=personne)
    rows = audit(db)
    assert [r[:2] for r in rows] == [("casse.xlsx", "refuse")] * 2 and all(code in r[3] for r in rows)
    assert stored(db) == []


@pytest.mark.parametrize("defect", ["XML de la feuille tronqué", "DOCTYPE dans la feuille"])
def test_both_administration_importers_get_a_refusal_and_audit_it(db, defect):
    build, code, _words = MALFORMED[defect]
    data = build()
    # the people importer imports at once (audited by the import itself)
    people = import_bytes(data, "personnes.xlsx", db, kind=PEOPLE, user=NATIONAL.email, actor=NATIONAL)
    assert not people.stored and [p.code for p in people.report.errors] == [code]
    # the roadmap and territories importer validates first (dry run), then audits the refusal
    dry = import_bytes(data, "cibles.xlsx", db, user=NATIONAL.email, dry_run=True)
    assert not dry.stored and [p.code for p in dry.report.errors] == [code]
    audit_refused(dry, data, "cibles.xlsx", db, user=NATIONAL.email)
    rows = audit(db)
    assert [r[:3] for r in rows] == [("personnes.xlsx", "refuse", 1), ("cibles.xlsx", "refuse", 1)]
    assert all(code in r[3] for r in rows)


def test_rows_and_columns_beyond_the_caps_are_refused_as_they_are_read(db, monkeypatch):
    monkeypatch.setattr(xlsx_reading, "LIGNES_MAX_FICHIER", 5)
    monkeypatch.setattr(xlsx_reading, "COLONNES_MAX_FICHIER", 7)
    result = import_bytes(ten_values(), "long.xlsx", db, user="t", today=TODAY)
    assert [p.code for p in result.report.errors] == ["trop-de-lignes"]
    assert "plus de 5 lignes" in result.report.errors[0].message
    # a single cell far to the right (openpyxl would pad every row up to it)
    wide = edit(ten_values(), SHEET, lambda b: re.sub(rb'(<row r="2".*?)</row>', rb'\1<c r="H2"><v>1</v></c></row>',
                                                      b, count=1, flags=re.DOTALL))
    monkeypatch.setattr(xlsx_reading, "LIGNES_MAX_FICHIER", 1000)
    result = import_bytes(wide, "large.xlsx", db, user="t", today=TODAY)
    assert [p.code for p in result.report.errors] == ["trop-de-colonnes"]
    assert "La ligne 2 compte plus de 7 colonnes" in result.report.errors[0].message
    assert stored(db) == [] and [r[1] for r in audit(db)] == ["refuse", "refuse"]


def test_a_workbook_whose_parts_decompress_beyond_the_cap_is_refused_before_openpyxl(db, monkeypatch):
    monkeypatch.setattr(xlsx_reading, "TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO", 0)
    result = import_bytes(ten_values(), "gros.xlsx", db, user="t", today=TODAY)
    assert [p.code for p in result.report.errors] == ["classeur-trop-gros"]
    assert "dépasse 0 Mo une fois décompressé" in result.report.errors[0].message


def test_a_part_larger_than_its_header_says_is_caught_while_decompressing(db, monkeypatch):
    """Headers that understate a part's size: the running count of what is really decompressed
    stops at the cap (zipfile itself stops at the stated size and fails on the checksum)."""
    data = ten_values()
    archive = zipfile.ZipFile(io.BytesIO(data))
    stated = sum(i.file_size for i in archive.infolist())
    monkeypatch.setattr(xlsx_reading, "TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO", 1)
    real_open = zipfile.ZipFile.open

    def lying_open(self, info, *args, **kwargs):  # every part reads as 1 MiB more than stated
        part = real_open(self, info, *args, **kwargs)
        padding = io.BytesIO(part.read() + b" " * (1 << 20))
        return padding
    monkeypatch.setattr(zipfile.ZipFile, "open", lying_open)
    assert stated < 1 << 20
    result = import_bytes(data, "menteur.xlsx", db, user="t", today=TODAY)
    assert [p.code for p in result.report.errors] == ["classeur-trop-gros"]


def test_the_administration_page_shows_and_audits_an_unreadable_workbook_once(demo_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LDA_DB", str(demo_db))
    build, _code, words = MALFORMED["XML de la feuille tronqué"]
    before = len(audit(demo_db))
    at = AppTest.from_file(str(ROOT / "pages/administration.py"), default_timeout=30)
    at.run()
    at.file_uploader(key="adm_reference").set_value(("cibles.xlsx", build(), "application/octet-stream")).run()
    assert not at.exception
    assert any("Fichier refusé : 1 problème" in e.value for e in at.error)
    assert "ni une feuille de route" not in " ".join(e.value for e in at.error)
    at.run()  # a rerun of the page does not audit the same file again
    rows = audit(demo_db)[before:]
    assert [r[:3] for r in rows] == [("cibles.xlsx", "refuse", 1)] and words in rows[0][3]


@pytest.mark.parametrize("defect", ["XML de la feuille tronqué", "DOCTYPE dans la feuille"])
def test_the_upload_page_shows_and_audits_an_unreadable_workbook(demo_db, monkeypatch, defect):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("LDA_DB", str(demo_db))
    build, code, words = MALFORMED[defect]
    before = len(audit(demo_db))
    at = AppTest.from_file(str(ROOT / "pages/depot.py"), default_timeout=60)
    at.session_state["demo_role"] = "coordinateur"
    at.session_state["demo_territoire"] = LYON
    at.run()
    at.file_uploader[0].set_value(("casse.xlsx", build(), "application/octet-stream")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Fichier refusé" in e.value for e in at.error)
    problems = [t for d in at.dataframe if "Problème" in d.value.columns for t in d.value["Problème"]]
    assert any(words in t for t in problems), problems
    rows = audit(demo_db)[before:]
    assert [r[:2] for r in rows] == [("casse.xlsx", "refuse")] and code in rows[0][3]


def test_cells_read_from_the_xml_are_those_openpyxl_reads():
    """The sheet is read cell by cell from its XML (inline strings by this module): the same
    values as openpyxl's own full reading, rich text, spaces, numbers, dates and booleans included."""
    import datetime as dt

    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    from loaders.reading import RawTable

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "donnees"
    sheet.append(["code_territoire", "indicateur", "trimestre", "valeur", "commentaire", "source"])
    sheet.append(["  200046977 ", "sorties_rue_logement", "2024-T1", 12.5, " \ttab\n ligne", True])
    sheet.append([LYON, "é’€", dt.date(2024, 3, 31), 7, None, "x"])
    sheet["E3"] = CellRichText(["début ", TextBlock(InlineFont(b=True), "gras"), " fin"])
    out = io.BytesIO()
    book.save(out)
    raw = RawTable("f.xlsx", "")
    rows = reading.read_xlsx(out.getvalue(), raw)
    full = openpyxl.load_workbook(io.BytesIO(out.getvalue()))["donnees"]
    expected = [[reading.xlsx_cell(v) for v in r] for r in full.iter_rows(min_row=2, values_only=True)]
    assert raw.header == ["code_territoire", "indicateur", "trimestre", "valeur", "commentaire", "source"]
    assert [cells for _line, cells in rows] == expected
    assert rows[0][1] == ["  200046977 ", "sorties_rue_logement", "2024-T1", "12,5", " \ttab\n ligne", "VRAI"]
    assert rows[1][1][2] == "2024-03-31T00:00:00" and rows[1][1][4] == "début gras fin"
