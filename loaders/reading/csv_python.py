"""The Python path of CSV reading: Python's csv module, which knows the exact line of every record
(quoted line breaks, ragged rows, blank lines, old Mac line ends). Its row walk is also the
correction grid's (loaders/correction.py): the same rows, line numbers and caps."""

from __future__ import annotations

import csv
import io

import duckdb

from core.formatting import integer
from loaders.reading.table import RawTable, file_problem, is_blank, rows_to_table, too_long, too_wide


def csv_reason(exc: csv.Error) -> str:
    """French reason for the csv module's errors."""
    text = str(exc)
    if "field larger than field limit" in text:
        return f"une cellule dépasse la longueur maximale permise, {integer(csv.field_size_limit())} caractères"
    return "lecture impossible"


def csv_rows(body: str, raw: RawTable) -> list[tuple[int, list[str]]] | None:
    """(line, cells) of every non-blank record of a CSV body separated by ``raw.separator`` (the
    header is line 1), or None with the reason in ``raw.problems``: a line beyond the cap on lines,
    a record wider than the cap on columns, or a record the csv module cannot read."""
    reader = csv.reader(io.StringIO(body), delimiter=raw.separator)
    rows: list[tuple[int, list[str]]] = []
    previous_end = 1  # the header is line 1
    try:
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num + 1
            if too_long(line, raw) or too_wide(record, raw, line):
                return None
            if is_blank(record):
                continue
            rows.append((line, record))
    except csv.Error as exc:
        raw.header = []
        raw.problems.append(file_problem(
            "fichier-illisible", detail=f"structure de tableau CSV invalide à partir de la ligne {previous_end + 1} "
                                        f"({csv_reason(exc)})"))
        return None
    return rows


def python_parse(body: str, raw: RawTable, con: duckdb.DuckDBPyConnection) -> None:
    """Read a CSV body with Python's csv module into table ``brut`` (problems in ``raw``)."""
    rows = csv_rows(body, raw)
    if rows is not None:
        rows_to_table(rows, raw, con)
