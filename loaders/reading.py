"""Reading an uploaded file into rows of text with their spreadsheet line numbers.

Encodings and separators are detected here, in Python, before DuckDB sees the text: DuckDB cannot
read cp1252 without a downloaded extension. Good CSV files are then parsed by DuckDB (fast); files
with ragged rows or quoted line breaks go through Python's csv module, which knows exact lines.
A file DuckDB can decode by itself is read without any Python pass over its text (loaders/octets.py).
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field

import duckdb

from data import store
from indicators.parametres import COLONNES_MAX_FICHIER, LIGNES_MAX_FICHIER, TAILLE_MAX_FICHIER_MO
from loaders.problems import Problem

XLSX_MAGIC = b"PK\x03\x04"
XLSX_MAX_RATIO = 200  # zip-bomb guard (the decompressed size has its own cap, indicators/parametres.py)
SEPARATORS = (";", ",", "\t")


@dataclass
class RawTable:
    """A file read as text cells. ``table`` names a DuckDB table (ligne, c0..cN) in ``con``."""

    name: str
    sha256: str
    container: str = "csv"
    encoding: str | None = None
    separator: str | None = None
    header: list[str] = field(default_factory=list)
    header_line: int = 1
    problems: list[Problem] = field(default_factory=list)
    row_count: int = 0
    # False while row_count may still include rows whose cells are all blank (DuckDB's fast path):
    # validation then counts the rows of ``brut`` exactly (exact_row_count)
    count_exact: bool = True

    @property
    def readable(self) -> bool:
        return not self.problems or all(p.line is not None for p in self.problems)


def _blank(data: bytes, start: int = 0) -> bool:
    """Whether ``data[start:]`` holds only white space (without copying a big file that has text
    near ``start``)."""
    return not data[start:start + 4096].strip() and not data[start:].strip()


_CONTROL_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what decode() calls a binary file
CONTROLES = "il contient des caractères de contrôle (fichier binaire)"
_NOT_CONTROL = bytes(b for b in range(256) if not (b < 32 and b not in b"\t\n\r"))


def file_problem(code: str, **params) -> Problem:
    return Problem(code, params=params)


def nombre_fr(x: int) -> str:
    """A cap as the messages write it: 1 000 000."""
    return f"{x:,}".replace(",", "\u202f")


def too_wide(cells: list, raw: RawTable, line: int) -> bool:
    """Whether a row (the header included) has more columns than the cap; if so the file's
    problem is in ``raw.problems``."""
    if len(cells) <= COLONNES_MAX_FICHIER:
        return False
    raw.header = []
    raw.problems.append(file_problem("trop-de-colonnes", ligne=line, limite=COLONNES_MAX_FICHIER))
    return True


def too_long(line: int, raw: RawTable) -> bool:
    """Whether ``line`` is beyond the cap on lines; if so the file's problem is in ``raw.problems``."""
    if line <= LIGNES_MAX_FICHIER:
        return False
    raw.header = []
    raw.problems.append(file_problem("trop-de-lignes", limite=nombre_fr(LIGNES_MAX_FICHIER)))
    return True


def decode(data: bytes) -> tuple[str | None, str | None, str | None]:
    """(text, encoding, error): UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            return None, None, f"il commence par une marque UTF-16 mais n'est pas de l'UTF-16 valide (octet {exc.start})"
        if _CONTROL_TEXT.search(text):
            return None, None, CONTROLES
        return text, "utf-16", None
    if data.startswith(b"\xef\xbb\xbf"):
        data, tried = data[3:], "utf-8"
    else:
        tried = None
    if b"\x00" in data:
        return None, None, "il contient des octets nuls (fichier binaire)"
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        if tried:
            return None, None, "il commence par une marque UTF-8 mais n'est pas de l'UTF-8 valide"
        try:
            text, encoding = data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError as exc:
            return None, None, f"octet 0x{data[exc.start]:02X} inconnu en position {exc.start}"
    # anywhere in the file: a control byte is the same byte in UTF-8 and Windows-1252, never part of
    # another character (translate() runs in C, ten times faster than a regular expression)
    if data.translate(None, _NOT_CONTROL):
        return None, None, CONTROLES
    return text, encoding, None


def detect_separator(header_line: str) -> str:
    """The separator that splits the header most (``;`` on a tie, as French Excel writes)."""
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: (counts[s], s == ";"))
    return best if counts[best] else ";"


def _is_blank(cells) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def _meanwhile(work, data: bytes):
    """A function returning ``work()``: for a big file, computed on another thread while this one
    has DuckDB read it (DuckDB, like hashlib, lets go of the interpreter lock)."""
    if len(data) < 1 << 20:
        done = work()
        return lambda: done
    box: list = []
    worker = threading.Thread(target=lambda: box.append(work()), daemon=True)
    worker.start()

    def result():
        worker.join()
        return box[0]
    return result


def _sha256(data: bytes):
    """A function returning the sha256 of ``data`` (see _meanwhile)."""
    return _meanwhile(lambda: hashlib.sha256(data).hexdigest(), data)


def read_file(data: bytes, name: str, con: duckdb.DuckDBPyConnection, path: str | os.PathLike | None = None) -> RawTable:
    """Read ``data`` into table ``brut`` of ``con``; problems of the file land in ``RawTable.problems``.
    ``path``, when given, is a file on disk holding exactly ``data``: DuckDB then reads it in place."""
    digest = _sha256(data)
    raw = RawTable(name=name, sha256="")
    try:
        _read(data, raw, con, path)
    finally:
        raw.sha256 = digest()
    return raw


def _read(data: bytes, raw: RawTable, con: duckdb.DuckDBPyConnection, path) -> None:
    """read_file's work: fills ``raw``."""
    limit = TAILLE_MAX_FICHIER_MO * 1024 * 1024
    if len(data) > limit:
        raw.problems.append(
            file_problem("fichier-trop-gros", taille=f"{len(data) / 1048576:.1f}".replace(".", ","),
                         limite=TAILLE_MAX_FICHIER_MO)
        )
        return
    if _blank(data):
        raw.problems.append(file_problem("fichier-vide"))
        return
    if data.startswith(XLSX_MAGIC):
        raw.container = "xlsx"
        from loaders.classeur import read_xlsx  # here: classeur builds on this module's RawTable

        rows = read_xlsx(data, raw)
        if rows is None:
            return
        _rows_to_table(rows, raw, con)
        return
    from loaders.octets import read_csv_bytes  # here: octets builds on this module

    if read_csv_bytes(data, raw, con, path):
        return
    text, encoding, error = decode(data)
    if text is None:
        raw.problems.append(file_problem("fichier-illisible", detail=error))
        return
    raw.encoding = encoding
    try:
        _read_csv_text(text, raw, con)
    except csv.Error as exc:  # e.g. a cell longer than the csv module accepts (131 072 characters)
        raw.header = []
        raw.problems.append(file_problem(
            "fichier-illisible", detail=f"structure de tableau CSV invalide ({_csv_reason(exc)})"))


def _csv_reason(exc: csv.Error) -> str:
    """French reason for the csv module's errors."""
    text = str(exc)
    if "field larger than field limit" in text:
        return f"une cellule dépasse la longueur maximale permise, {nombre_fr(csv.field_size_limit())} caractères"
    return "lecture impossible"


def _read_csv_text(text: str, raw: RawTable, con: duckdb.DuckDBPyConnection) -> None:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_nl = text.find("\n")
    header_text = text if first_nl < 0 else text[:first_nl]
    raw.separator = detect_separator(header_text)
    header = next(csv.reader([header_text], delimiter=raw.separator), [])
    if too_wide(header, raw, 1):
        return
    raw.header = [h.strip() for h in header]
    body = "" if first_nl < 0 else text[first_nl + 1:]
    if not body.strip():
        raw.problems.append(file_problem("fichier-vide"))
        return
    if not _duckdb_parse(body, raw, con):
        _python_parse(body, raw, con)


def _create_brut(con: duckdb.DuckDBPyConnection, width: int) -> None:
    cols = ", ".join(f"c{i} VARCHAR" for i in range(width))
    con.execute(f"CREATE OR REPLACE TEMP TABLE brut (ligne INTEGER, {cols})")
    con.execute("CREATE OR REPLACE TEMP VIEW brut_tout AS SELECT * FROM brut")


def _duckdb_parse(body: str, raw: RawTable, con: duckdb.DuckDBPyConnection) -> bool:
    """Fast path for text decoded in Python. Returns False (and leaves nothing) when exact line
    numbers need Python's csv."""
    physical_lines = body.count("\n") + (0 if body.endswith("\n") else 1)
    if too_long(physical_lines + 1, raw):
        return True  # refused: nothing for Python's csv to read
    fd, path = tempfile.mkstemp(suffix=".csv", prefix="lda_")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(body)
        count = _duckdb_read(con, path, raw.header, raw.separator, "\n", lambda: physical_lines)
    finally:
        os.unlink(path)
    if count is None:
        return False
    raw.row_count, raw.count_exact = count, False
    return True


def _duckdb_read(con: duckdb.DuckDBPyConnection, path: str, header: list[str], separator: str,
                 new_line: str, physical_lines, *, skip: int = 0, encoding: str = "utf-8") -> int | None:
    """Parse the body of a CSV file with DuckDB into ``brut0``, exposed as the view ``brut`` (ligne,
    c0..cN, blank rows left out; the header is line 1); returns its row count. None, leaving
    nothing, when a row is ragged or the row count differs from ``physical_lines()`` (a quoted line
    break; -1 for a file Python must read anyway): the caller then parses with Python's csv module."""
    width = len(header)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    # DuckDB 2.0 reads no row at all with new_line = '\r\n' set explicitly (measured): Windows line
    # ends are left to its detection, which finds them; the row count below checks the result
    new_line_sql = "" if new_line == "\r\n" else f", new_line = '{new_line.replace(chr(10), chr(92) + 'n')}'"
    try:
        # strict, and no rejects table: any malformed row raises (the statement then stores nothing);
        # the statement's result is the number of rows read
        n = con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE brut0 AS
            SELECT * FROM read_csv(?, delim = ?, quote = '"', escape = '"', header = false, skip = {int(skip)},
                columns = {columns}, auto_detect = false, encoding = '{encoding}',
                strict_mode = true, null_padding = false{new_line_sql})
            """,
            [path, separator],
        ).fetchall()[0][0]
    except duckdb.Error:
        con.execute("DROP TABLE IF EXISTS brut0")
        return None
    if n != physical_lines():
        con.execute("DROP TABLE brut0")
        return None
    _brut_view(con, width)
    # rows, blank ones included (cheap); validation sets the exact count (see RawTable.count_exact)
    return n


def exact_row_count(raw: RawTable, con: duckdb.DuckDBPyConnection, count: int | None = None) -> None:
    """Make ``raw.row_count`` the number of non-blank rows: ``count`` when the caller knows it, else
    counted in ``brut``."""
    if raw.count_exact:
        return
    if count is None:
        count = con.execute("SELECT count(*) FROM brut").fetchall()[0][0]
    raw.row_count, raw.count_exact = count, True


def _brut_view(con: duckdb.DuckDBPyConnection, width: int) -> None:
    """``brut`` over the first ``width`` columns of ``brut0``: a view, not a copy (validation reads
    the rows once more, never copies them)."""
    cells = ", ".join(f"c{i}" for i in range(width))
    # a cell is not blank when its trimmed text is not empty. A first byte in ASCII 33..127 proves
    # it without trimming (trim() removes only the space and Unicode spaces, all outside that
    # range), by two byte comparisons of the string's inlined prefix: ten times cheaper than trim()
    # on 200,000 rows. trim() decides the rest.
    not_blank = " OR ".join([f"(c{i} >= '!' AND c{i} < chr(128))" for i in range(width)]
                            + [f"trim(c{i}) <> ''" for i in range(width)])
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW brut AS SELECT CAST(rowid AS INTEGER) + 2 AS ligne, {cells} FROM brut0 WHERE {not_blank}"
    )
    # the same rows, blank ones included: cheaper to scan where blank rows do no harm
    con.execute(f"CREATE OR REPLACE TEMP VIEW brut_tout AS SELECT CAST(rowid AS INTEGER) + 2 AS ligne, {cells} FROM brut0")


def drop_last_column(con: duckdb.DuckDBPyConnection, width: int) -> None:
    """Drop column c{width-1} of ``brut`` (a table, or the view over ``brut0``)."""
    is_view = con.execute(
        "SELECT count(*) FROM duckdb_views() WHERE view_name = 'brut' AND temporary"
    ).fetchall()[0][0]
    if is_view:
        _brut_view(con, width - 1)
    else:
        con.execute(f"ALTER TABLE brut DROP COLUMN c{width - 1}")


def _python_parse(body: str, raw: RawTable, con: duckdb.DuckDBPyConnection) -> None:
    reader = csv.reader(io.StringIO(body), delimiter=raw.separator)
    rows: list[tuple[int, list[str]]] = []
    previous_end = 1  # the header is line 1
    try:
        for record in reader:
            line = previous_end + 1
            previous_end = reader.line_num + 1
            if too_long(line, raw) or too_wide(record, raw, line):
                return
            if _is_blank(record):
                continue
            rows.append((line, record))
    except csv.Error as exc:
        raw.header = []
        raw.problems.append(file_problem(
            "fichier-illisible", detail=f"structure de tableau CSV invalide à partir de la ligne {previous_end + 1} "
                                        f"({_csv_reason(exc)})"))
        return
    _rows_to_table(rows, raw, con)


def _rows_to_table(rows: list[tuple[int, list]], raw: RawTable, con: duckdb.DuckDBPyConnection) -> None:
    """Store (line, cells) rows as table brut; ragged rows become ``ligne-longueur`` problems."""
    import pyarrow as pa  # here: the fast path (DuckDB reads the bytes) never needs it

    width = len(raw.header)
    kept_lines, columns = [], [[] for _ in range(width)]
    for line, cells in rows:
        cells = ["" if c is None else str(c) for c in cells]
        if len(cells) != width:
            extra = cells[width:]
            if len(cells) > width and _is_blank(extra) and raw.container == "xlsx":
                cells = cells[:width]
            elif len(cells) < width and raw.container == "xlsx":
                cells = cells + [""] * (width - len(cells))
            else:
                raw.problems.append(
                    Problem("ligne-longueur", line=line, params={"trouve": len(cells), "attendu": width})
                )
                continue
        kept_lines.append(line)
        for i in range(width):
            columns[i].append(cells[i] if cells[i] != "" else None)
    if not kept_lines and not raw.problems:
        raw.problems.append(file_problem("fichier-vide"))
    table = pa.table(
        {"ligne": pa.array(kept_lines, pa.int32())}
        | {f"c{i}": pa.array(columns[i], pa.string()) for i in range(width)}
    )
    _create_brut(con, width)
    store.register(con, "brut_arrow", table)
    con.execute("INSERT INTO brut SELECT * FROM brut_arrow")
    store.unregister(con, "brut_arrow")
    raw.row_count = len(kept_lines)
