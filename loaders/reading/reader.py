"""Reading an uploaded file into rows of text with their spreadsheet line numbers: the one entry
point, which chooses the path.

Encodings and separators are detected here, in Python, before DuckDB sees the text: DuckDB cannot
read cp1252 without a downloaded extension. A file DuckDB can decode by itself is read without any
Python pass over its text (csv_duckdb.read_csv_bytes); other good CSV files are decoded in Python,
then parsed by DuckDB (fast); files with ragged rows or quoted line breaks go through Python's csv
module, which knows exact lines (csv_python.py). Workbooks are read from their sheet's XML
(workbook.py)."""

from __future__ import annotations

import csv
import hashlib
import os

import duckdb

from core.formatting import number
from core.parameters import TAILLE_MAX_FICHIER_MO
from loaders.reading.background import meanwhile
from loaders.reading.csv_duckdb import read_csv_bytes, read_csv_text
from loaders.reading.csv_python import csv_reason, python_parse
from loaders.reading.decode import XLSX_MAGIC, blank, decode
from loaders.reading.sniff import split_header
from loaders.reading.table import RawTable, file_problem, rows_to_table


def _sha256(data: bytes):
    """A function returning the sha256 of ``data`` (see background.meanwhile)."""
    return meanwhile(lambda: hashlib.sha256(data).hexdigest(), data)


def read_file(data: bytes, name: str, con: duckdb.DuckDBPyConnection, path: str | os.PathLike | None = None,
              limits: tuple[int, int] | None = None) -> RawTable:
    """Read ``data`` into table ``brut`` of ``con``; problems of the file land in ``RawTable.problems``.
    ``path``, when given, is a file on disk holding exactly ``data``: DuckDB then reads it in place.
    ``limits``: (megabytes, lines) of a CSV file, instead of the caps of every upload (an SI-SIAO
    extract declared as such: core.parameters)."""
    digest = _sha256(data)
    raw = RawTable(name=name, sha256="")
    size_mo = TAILLE_MAX_FICHIER_MO
    if limits is not None and not data.startswith(XLSX_MAGIC):
        size_mo, raw.max_lines = limits
    try:
        _read(data, raw, con, path, size_mo)
    finally:
        raw.sha256 = digest()
    return raw


def _read(data: bytes, raw: RawTable, con: duckdb.DuckDBPyConnection, path, size_mo: int = TAILLE_MAX_FICHIER_MO) -> None:
    """read_file's work: fills ``raw``."""
    limit = size_mo * 1024 * 1024
    if len(data) > limit:
        raw.problems.append(
            file_problem("fichier-trop-gros", taille=number(len(data) / 1048576, 1),
                         limite=size_mo)
        )
        return
    if blank(data):
        raw.problems.append(file_problem("fichier-vide"))
        return
    if data.startswith(XLSX_MAGIC):
        raw.container = "xlsx"
        from loaders.reading.workbook import read_xlsx  # here: XML and openpyxl for workbooks only

        rows = read_xlsx(data, raw)
        if rows is None:
            return
        rows_to_table(rows, raw, con)
        return
    if read_csv_bytes(data, raw, con, path):
        return
    text, encoding, error = decode(data)
    if text is None:
        raw.problems.append(file_problem("fichier-illisible", detail=error))
        return
    raw.encoding = encoding
    try:
        _read_text(text, raw, con)
    except csv.Error as exc:  # e.g. a cell longer than the csv module accepts (131 072 characters)
        raw.header = []
        raw.problems.append(file_problem(
            "fichier-illisible", detail=f"structure de tableau CSV invalide ({csv_reason(exc)})"))


def _read_text(text: str, raw: RawTable, con: duckdb.DuckDBPyConnection) -> None:
    """A decoded CSV text into ``brut``: DuckDB parses it, else Python's csv module."""
    body = split_header(text, raw)
    if body is None:
        return
    if not body.strip():
        raw.problems.append(file_problem("fichier-vide"))
        return
    if not read_csv_text(body, raw, con):
        python_parse(body, raw, con)
