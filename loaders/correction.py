"""Fixing a refused file in place: its rows with their spreadsheet line numbers, the rejected ones as
a grid, and the file rebuilt from the grid's edits as a CSV of the same columns, to be validated
again by the one validation (importer.validate_bytes / import_bytes). Line numbers of the rebuilt
file are mapped back to the original file's, so messages keep pointing at the lines the user knows.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from core.parameters import TAILLE_MAX_FICHIER_MO
from loaders.problems import Problem, Report
from loaders.reading import XLSX_MAGIC, RawTable, csv_rows, decode, split_header

LINE_COLUMN = "ligne"  # grid column holding the original line number (None for a row added in the grid)
# A cell that a spreadsheet would run as a formula; a plain signed number (+5, -3,5) is not one.
_SIGNED_NUMBER = re.compile(r"^[+-][\d\s\u00a0\u202f.,]*$")


@dataclass
class FileRows:
    """A file's header and every non-blank row, with spreadsheet line numbers (header = line 1
    for a CSV; the header's row for a workbook)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    container: str = "csv"
    separator: str = ";"
    header_line: int = 1
    extra_cells: set[int] = field(default_factory=set)  # lines whose extra cells the grid cannot show

    @property
    def width(self) -> int:
        return len(self.header)


def read_rows(data: bytes, name: str) -> FileRows | None:
    """The rows of a readable file, or None (unreadable files are not fixable in place)."""
    if len(data) > TAILLE_MAX_FICHIER_MO * 1024 * 1024:
        return None
    try:
        return _read_rows(data, name)
    except (csv.Error, ValueError):
        return None


def _read_rows(data: bytes, name: str) -> FileRows | None:
    raw = RawTable(name=name, sha256="")
    if data.startswith(XLSX_MAGIC):
        raw.container = "xlsx"
        from loaders.reading import read_xlsx  # here: XML and openpyxl for workbooks only

        rows = read_xlsx(data, raw)
    else:
        text, _encoding, _error = decode(data)
        if text is None:
            return None
        body = split_header(text, raw)
        # reading's own row walk: the same lines, line numbers and caps (None beyond them)
        rows = None if body is None else csv_rows(body, raw)
    if rows is None:
        return None
    source = FileRows(name, raw.header, [], raw.container, raw.separator or ";", raw.header_line)
    # Excel writes trailing separators: unnamed trailing header cells are dropped as reading does.
    while source.header and not source.header[-1].strip():
        source.header.pop()
    width = source.width
    for line, cells in rows:
        cells = ["" if c is None else str(c) for c in cells]
        if len(cells) > width and any(c.strip() for c in cells[width:]):
            source.extra_cells.add(line)
        source.rows.append((line, (cells + [""] * width)[:width]))
    return source


def fixable(report: Report, source: FileRows | None) -> bool:
    """Whether every error sits on a data row of the file (not on the file or its header), so that
    editing rows can fix it, and the header's names can be grid columns."""
    return not report.truncated() and fixable_rows(report, source)


def fixable_rows(report: Report, source: FileRows | None) -> bool:
    """fixable() but for the number of problems: every listed error sits on a data row."""
    if source is None or not source.header:
        return False
    if len({h.strip().lower() for h in source.header}) != source.width or LINE_COLUMN in source.header:
        return False
    lines = {line for line, _ in source.rows}
    return bool(report.errors) and all(p.line in lines for p in report.errors)


def grid(source: FileRows, lines: set[int]) -> pd.DataFrame:
    """The rows at ``lines`` as a text grid: ``ligne`` then the file's columns as written."""
    data = [[line, *cells] for line, cells in source.rows if line in lines]
    frame = pd.DataFrame(data, columns=[LINE_COLUMN, *source.header])
    frame[LINE_COLUMN] = frame[LINE_COLUMN].astype("Int64")
    for column in source.header:
        frame[column] = frame[column].astype(object)
    return frame


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value).replace("\r", "")
    if text.startswith(("=", "@", "\t")) or (text[:1] in "+-" and text[:1] and not _SIGNED_NUMBER.match(text)):
        return "'" + text  # what the user types must not become a formula in the downloaded file
    return text


@dataclass
class Rebuilt:
    """A file rebuilt from the grid: CSV bytes and, for each line of it, the original line
    (None for a row added in the grid)."""

    data: bytes
    name: str
    lines: dict[int, int | None]

    @property
    def renumbered(self) -> bool:
        """True when some line of the rebuilt file differs from the original one."""
        return any(new != old for new, old in self.lines.items())


def rebuild(source: FileRows, edited: pd.DataFrame, edited_lines: set[int]) -> Rebuilt:
    """The file with the rows at ``edited_lines`` replaced by ``edited`` (rows removed from the grid
    are dropped, rows added to it go at the end), as UTF-8 CSV (with BOM) in the same columns and
    separator (``;`` for a workbook)."""
    by_line: dict[int, list[str]] = {}
    added: list[list[str]] = []
    for _, row in edited.iterrows():
        cells = [_cell(row.get(column)) for column in source.header]
        line = row.get(LINE_COLUMN)
        if line is None or pd.isna(line):
            if any(c.strip() for c in cells):
                added.append(cells)
        else:
            by_line[int(line)] = cells
    records: list[tuple[int | None, list[str]]] = []
    for line, cells in source.rows:
        if line in edited_lines:
            if line in by_line:
                records.append((line, by_line[line]))
        else:
            records.append((line, [_cell(c) for c in cells]))
    records += [(None, cells) for cells in added]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=source.separator, lineterminator="\r\n")
    writer.writerow(source.header)
    lines: dict[int, int | None] = {}
    current = 2
    for original, cells in records:
        writer.writerow(cells)
        lines[current] = original
        current += 1 + sum(c.count("\n") for c in cells)
    stem = source.name.rsplit(".", 1)[0] if "." in source.name else source.name
    return Rebuilt(out.getvalue().encode("utf-8-sig"), f"{stem}_corrige.csv", lines)


PROBLEM_COLUMNS = ["Ligne", "Colonne", "Valeur", "Problème", "Code"]


def problem_table(problems: list[Problem], lines: dict[int, int | None] | None = None) -> pd.DataFrame:
    """Problems as a table (ligne / colonne / valeur / problème / code); with ``lines``, the line of a
    rebuilt file is shown as the original file's line (« ajoutée » for a row added in the grid)."""
    rows = []
    for p in problems:
        line = p.line
        if lines is not None and line is not None:
            original = lines.get(line, line)
            line = "ajoutée" if original is None else original
        rows.append([("" if line is None else str(line)), p.column or "", "" if p.value is None else str(p.value),
                     p.message, p.code])
    return pd.DataFrame(rows, columns=PROBLEM_COLUMNS)


def error_lines(problems: list[Problem], lines: dict[int, int | None] | None = None) -> set[int]:
    """Original line numbers of the rows with an error."""
    found = set()
    for p in problems:
        if p.line is None:
            continue
        original = lines.get(p.line, p.line) if lines is not None else p.line
        if original is not None:
            found.add(original)
    return found
