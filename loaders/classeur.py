"""Reading an .xlsx workbook into rows of text with their spreadsheet line numbers: zip-bomb, macro
and external-link guards, the "donnees" sheet (else the first), formulas saved without their
result kept as text so that they are refused rather than read as empty."""

from __future__ import annotations

import io
import zipfile

from loaders.reading import XLSX_MAX_RATIO, XLSX_MAX_UNCOMPRESSED, RawTable, _is_blank, file_problem


def _xlsx_cell(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _has_formulas(archive: zipfile.ZipFile) -> bool:
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            if b"<f>" in archive.read(info) or b"<f " in archive.read(info):
                return True
    return False


def _formula_rows(data: bytes, title: str) -> dict[int, list]:
    """Row number -> formula texts of a sheet (None where a cell holds no formula)."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    out: dict[int, list] = {}
    for index, values in enumerate(book[title].iter_rows(values_only=True), start=1):
        texts = [v if isinstance(v, str) and v.startswith("=") else None for v in values]
        if any(texts):
            out[index] = texts
    book.close()
    return out


def read_xlsx(data: bytes, raw: RawTable) -> list[tuple[int, list]] | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except zipfile.BadZipFile:
        raw.problems.append(file_problem("fichier-illisible", detail="archive .xlsx corrompue"))
        return None
    total = sum(i.file_size for i in infos)
    if total > XLSX_MAX_UNCOMPRESSED or total > XLSX_MAX_RATIO * max(len(data), 1):
        raw.problems.append(file_problem("classeur-refuse", detail="il se décompresse en un volume anormal (bombe zip)"))
        return None
    names = {i.filename.lower() for i in infos}
    if any(n.endswith("vbaproject.bin") for n in names):
        raw.problems.append(file_problem("classeur-refuse", detail="il contient des macros ; enregistrez-le en .xlsx sans macros"))
        return None
    if any(n.startswith("xl/externallinks/") for n in names):
        raw.problems.append(file_problem("classeur-refuse", detail="il contient des liaisons vers d'autres classeurs ; copiez les valeurs seules"))
        return None
    if "xl/workbook.xml" not in names:
        raw.problems.append(file_problem("fichier-illisible", detail="archive zip qui n'est pas un classeur .xlsx"))
        return None
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken workbooks
        raw.problems.append(file_problem("fichier-illisible", detail=f"classeur illisible ({type(exc).__name__})"))
        return None
    sheet = next((ws for ws in book.worksheets if ws.title.strip().lower() == "donnees"), None)
    sheet = sheet or (book.worksheets[0] if book.worksheets else None)
    if sheet is None:
        raw.problems.append(file_problem("fichier-vide"))
        return None
    # A formula saved without its result (files written by scripts, not by Excel) reads as empty:
    # keep its text instead, so it is refused rather than silently taken as "non renseigné".
    formulas = _formula_rows(data, sheet.title) if _has_formulas(archive) else None
    rows: list[tuple[int, list]] = []
    header_seen = False
    for index, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_xlsx_cell(v) for v in values]
        if formulas and index in formulas:
            cells = [c if c is not None else f for c, f in zip(cells, formulas[index] + [None] * len(cells))]
        if _is_blank(cells):
            continue
        if not header_seen:
            while cells and (cells[-1] is None or str(cells[-1]).strip() == ""):
                cells.pop()
            raw.header = [str(c).strip() if c is not None else "" for c in cells]
            raw.header_line = index
            header_seen = True
            continue
        rows.append((index, cells))
    book.close()
    if not header_seen or not rows:
        raw.problems.append(file_problem("fichier-vide"))
        return None
    return rows
