"""Reading an .xlsx workbook into rows of text with their spreadsheet line numbers: zip-bomb, size,
macro, external-link and XML-declaration guards, the "donnees" sheet (else the first), formulas
saved without their result kept as text so that they are refused rather than read as empty.

The sheet is read cell by cell from its XML, never trusting its declared size (``<dimension>``,
which openpyxl's read-only mode honours: a stale one cut the sheet short), and the caps on rows
and columns are checked as each row and cell is read, before anything is built for them. Any
workbook that cannot be read becomes a French problem of the file, never an exception."""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree.ElementTree import ParseError, fromstring, iterparse

from core.parameters import COLONNES_MAX_FICHIER, LIGNES_MAX_FICHIER, TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO
from core.formatting import integer
from loaders.reading.table import RawTable, file_problem, is_blank

XLSX_MAX_RATIO = 200  # zip-bomb guard (the decompressed size has its own cap, core/parameters.py)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET_DATA, _ROW, _CELL, _FORMULA = f"{_MAIN}sheetData", f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}f"
_INLINE, _TEXT, _RUN = f"{_MAIN}is", f"{_MAIN}t", f"{_MAIN}r"
_CHUNK = 1 << 16
# XML declarations Excel never writes: a document type can declare entities (expanded by the
# parser: a "billion laughs" bomb) or point outside the file. Looked for in UTF-8 and UTF-16.
_DECLARATIONS = tuple(m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY")
                      for enc in ("ascii", "utf-16-le", "utf-16-be"))
_OVERLAP = max(len(m) for m in _DECLARATIONS)
# encodings in which the declarations above are written with those bytes
_ENCODINGS = {b"utf-8", b"utf8", b"us-ascii", b"ascii", b"utf-16", b"iso-8859-1", b"latin-1", b"windows-1252"}


class Refused(Exception):
    """A workbook refused while reading: ``problem`` says why, in French."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.problem = file_problem(code, **params)


def xlsx_cell(value) -> str | None:
    """A cell's value as the text reading keeps (booleans in French, whole floats without ``.0``,
    other floats with a decimal comma: « 12,5 » as French Excel shows the cell, which reads back
    as the same number and is quoted so in a problem's message)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value).replace(".", ",")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _declared_encoding(head: bytes) -> bytes | None:
    """The encoding named by an XML declaration at the start of ``head`` (lower case), if any."""
    if not head.startswith(b"<?xml"):
        return None
    end = head.find(b"?>")
    declaration = head[:end if end > 0 else 200].lower()
    at = declaration.find(b"encoding")
    if at < 0:
        return None
    rest = declaration[at + 8:].lstrip(b" =\t\r\n")
    quote = rest[:1]
    return rest[1:rest.find(quote, 1)] if quote in (b'"', b"'") else None


def _check_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Decompress every part once, in chunks: the real size stays under the cap whatever the
    headers say, each part's checksum is verified, and no part declares a document type or an
    entity, or an encoding where those would be written otherwise. Raises Refused."""
    limit = TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO * 1024 * 1024
    total = 0
    for info in infos:
        if info.is_dir():
            continue
        tail = b""
        with archive.open(info) as part:
            first = True
            while chunk := part.read(_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise Refused("classeur-trop-gros", limite=TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO)
                if first:
                    encoding = _declared_encoding(chunk)
                    if encoding is not None and encoding not in _ENCODINGS:
                        raise Refused("classeur-illisible", detail=(
                            f"la partie « {info.filename} » est écrite dans un encodage que les classeurs "
                            "Excel n'utilisent pas"))
                    first = False
                window = tail + chunk
                if any(m in window for m in _DECLARATIONS):
                    raise Refused("classeur-refuse", detail=(
                        "il contient une déclaration de type de document ou d'entités XML (DOCTYPE, ENTITY), "
                        "qu'Excel n'écrit jamais"))
                tail = window[-_OVERLAP:]


def _open(data: bytes) -> None:
    """The archive and its parts checked before openpyxl reads anything (raises Refused)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise Refused("fichier-illisible", detail="archive .xlsx corrompue") from None
    total = sum(i.file_size for i in infos)
    if total > XLSX_MAX_RATIO * max(len(data), 1):
        raise Refused("classeur-refuse", detail="il se décompresse en un volume anormal (bombe zip)")
    if total > TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO * 1024 * 1024:
        raise Refused("classeur-trop-gros", limite=TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO)
    names = {i.filename.lower() for i in infos}
    if any(n.endswith("vbaproject.bin") for n in names):
        raise Refused("classeur-refuse", detail="il contient des macros ; enregistrez-le en .xlsx sans macros")
    if any(n.startswith("xl/externallinks/") for n in names):
        raise Refused("classeur-refuse", detail="il contient des liaisons vers d'autres classeurs ; copiez les valeurs seules")
    if "xl/workbook.xml" not in names:
        raise Refused("fichier-illisible", detail="archive zip qui n'est pas un classeur .xlsx")
    try:
        _check_parts(archive, infos)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise Refused("classeur-illisible", detail=(
            "une partie de l'archive est endommagée (somme de contrôle ou compression invalide)")) from None
    _check_sheets(archive, {i.filename for i in infos})


def _check_sheets(archive: zipfile.ZipFile, names: set[str]) -> None:
    """Every sheet the workbook lists is in the archive: openpyxl would silently skip a missing
    one, and read another sheet in its place."""
    rels = "xl/_rels/workbook.xml.rels"
    if rels not in names:
        raise Refused("classeur-illisible", detail="la liste des parties du classeur (workbook.xml.rels) est absente")
    root = fromstring(archive.read(rels))  # checked above: no document type
    for rel in root:
        if rel.get("Type", "").endswith("/worksheet"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)
            if path not in names:
                raise Refused("classeur-illisible", detail=f"la feuille « {target} » est absente de l'archive")


def _sheet_rows(book, sheet):
    """(line, cells) of every row of ``sheet`` that has cells, read from its XML; raises Refused
    beyond the caps, and the XML parser's errors on a broken sheet."""
    from openpyxl.utils.cell import coordinate_to_tuple  # openpyxl only when a workbook is read
    from openpyxl.worksheet._reader import WorkSheetParser  # the cell decoding openpyxl itself uses

    # openpyxl's own cell decoding (shared strings, dates, booleans, inline strings): private API
    # of openpyxl 3.1 (pinned); its row iteration is not used, as it trusts the declared size
    parser = WorkSheetParser(None, sheet._shared_strings, data_only=True, epoch=book.epoch,
                             date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
    with book._archive.open(sheet._worksheet_path) as source:
        sheet_data, row_element, line, cells = None, None, 0, {}
        for event, element in iterparse(source, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == _SHEET_DATA:
                    sheet_data = element
                elif tag == _ROW:
                    row_element, cells = element, {}
                    number = element.get("r")
                    line = _row_number(number, line)
                    if line > LIGNES_MAX_FICHIER:
                        raise Refused("trop-de-lignes", limite=integer(LIGNES_MAX_FICHIER))
                    parser.row_counter, parser.col_counter = line, 0
                continue
            if tag == _CELL and row_element is not None:
                column, value = _cell(parser, element, coordinate_to_tuple)
                if column > COLONNES_MAX_FICHIER:
                    raise Refused("trop-de-colonnes", ligne=line, limite=COLONNES_MAX_FICHIER)
                formula = element.find(_FORMULA)
                if formula is not None:
                    text = parser.parse_formula(element)  # also remembers shared formulas
                    if value is None:
                        # a formula saved without its result (files written by scripts, not by
                        # Excel) would read as empty: its text is kept, so that it is refused
                        # rather than silently taken as "non renseigné"
                        value = str(getattr(text, "text", text))
                if value is not None:
                    cells[column] = value
                row_element.clear()  # the cells read so far: a long row is never held whole
            elif tag == _ROW:
                if cells:
                    width = max(cells)
                    yield line, [cells.get(i) for i in range(1, width + 1)]
                row_element = None
                if sheet_data is not None:
                    sheet_data.clear()  # the rows read so far
            elif row_element is None:
                element.clear()


def _cell(parser, element, coordinate_to_tuple) -> tuple[int, object]:
    """(column, value) of a cell element. An inline string is read here, as openpyxl's
    Text.content gives it (the plain text then each run's, no phonetic hint): openpyxl builds a
    rich-text object per such cell, the slowest part of reading a sheet that scripts wrote.
    ``coordinate_to_tuple`` is openpyxl's, imported by the caller."""
    if element.get("t") != "inlineStr":
        cell = parser.parse_cell(element)
        return cell["column"], cell["value"]
    coordinate = element.get("r")
    if coordinate:
        parser.col_counter = coordinate_to_tuple(coordinate)[1]
    else:
        parser.col_counter += 1
    box = element.find(_INLINE)
    if box is None:
        return parser.col_counter, None
    plain = box.find(_TEXT)
    parts = [plain.text or ""] if plain is not None else []
    parts += [run.findtext(_TEXT) or "" for run in box.iterfind(_RUN)]
    return parser.col_counter, "".join(parts)


def _row_number(number: str | None, previous: int) -> int:
    """A row's line number: its ``r`` attribute, which must grow (else the next line)."""
    if number is None:
        return previous + 1
    try:
        line = float(number)
    except ValueError:
        line = 0.0
    if not line.is_integer() or line <= previous:
        raise Refused("classeur-illisible", detail=(
            f"les lignes de la feuille ne se suivent pas (ligne « {number} » après la ligne {previous})"))
    return int(line)


def _reason(exc: Exception) -> str:
    """French reason for what openpyxl or the XML parser raise on a broken workbook."""
    if isinstance(exc, ParseError):
        line, column = getattr(exc, "position", (None, None))
        where = f" (ligne {line}, colonne {column} du XML)" if line else ""
        return f"le contenu XML d'une partie du classeur est tronqué ou mal formé{where}"
    if isinstance(exc, KeyError):
        return "une partie du classeur est absente (feuille, styles ou textes partagés)"
    if isinstance(exc, zipfile.BadZipFile):
        return "une partie de l'archive est endommagée (somme de contrôle invalide)"
    return "sa structure n'est pas celle d'un classeur .xlsx valide"


def read_xlsx(data: bytes, raw: RawTable) -> list[tuple[int, list]] | None:
    """The non-blank rows of the workbook's sheet below its header (``raw.header``), or None with
    the reason in ``raw.problems``."""
    try:
        return _read_xlsx(data, raw)
    except Refused as refusal:
        raw.header = []
        raw.problems.append(refusal.problem)
    except Exception as exc:  # openpyxl and the XML parser raise many types for broken workbooks
        raw.header = []
        raw.problems.append(file_problem("classeur-illisible", detail=_reason(exc)))
    return None


def _read_xlsx(data: bytes, raw: RawTable) -> list[tuple[int, list]] | None:
    _open(data)
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = next((ws for ws in book.worksheets if ws.title.strip().lower() == "donnees"), None)
        sheet = sheet or (book.worksheets[0] if book.worksheets else None)
        if sheet is None:
            raw.problems.append(file_problem("fichier-vide"))
            return None
        rows: list[tuple[int, list]] = []
        header_seen = False
        for index, values in _sheet_rows(book, sheet):
            cells = [xlsx_cell(v) for v in values]
            if is_blank(cells):
                continue
            if not header_seen:
                while cells and (cells[-1] is None or str(cells[-1]).strip() == ""):
                    cells.pop()
                raw.header = [str(c).strip() if c is not None else "" for c in cells]
                raw.header_line = index
                header_seen = True
                continue
            rows.append((index, cells))
    finally:
        book.close()
    if not header_seen or not rows:
        raw.problems.append(file_problem("fichier-vide"))
        return None
    return rows
