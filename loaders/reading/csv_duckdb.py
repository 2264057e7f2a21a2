"""The DuckDB paths of CSV reading. The fast one: DuckDB decodes and parses the bytes of a file as
received, when it decodes them exactly as Python would (valid UTF-8, or Windows-1252 with no byte
in 0x80-0x9F, where it equals the Latin-1 DuckDB reads without an extension). Else, text decoded
in Python is parsed by DuckDB when no exact line number needs Python's csv (csv_python.py), with
the same results."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import tempfile

import duckdb

from loaders.reading.background import meanwhile
from loaders.reading.decode import blank, scan
from loaders.reading.sniff import detect_separator, header_cells
from loaders.reading.table import RawTable, brut_view, too_long, too_wide

# characters DuckDB reads as a pattern in a file name (several files, or another one): such a file
# is read through a private temporary copy instead
_GLOB = re.compile(r"[*?\[\]{}]")


def _size(path) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def read_csv_bytes(data: bytes, raw: RawTable, con: duckdb.DuckDBPyConnection,
                    path: str | os.PathLike | None = None) -> bool:
    """Fast path for a regular CSV file: DuckDB decodes and parses the bytes as received, with no
    Python pass over the text. Returns False, having stored nothing, when the file needs decode()
    or Python's csv module (Windows-1252 bytes 0x80-0x9F, UTF-16, old Mac line ends, ragged rows,
    quoted line breaks...): that path then reads it with the same results."""
    bytes_scan = scan(data)
    if too_long(bytes_scan.newlines + (0 if data.endswith(b"\n") else 1), raw):
        return True
    encoding = bytes_scan.encoding
    if encoding is None or bytes_scan.controls:
        return False  # decode() reads it, or words the binary-file refusal
    body_start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    first_nl = data.find(b"\n", body_start)
    if first_nl < 0:
        return False
    crlf = data[first_nl - 1:first_nl] == b"\r"
    header_bytes = data[body_start:first_nl - 1 if crlf else first_nl]
    if b"\r" in header_bytes:
        return False
    codec = "utf-8" if encoding == "utf-8" else "cp1252"
    header_text = header_bytes.decode(codec)
    separator = detect_separator(header_text)
    try:
        header = [h.strip() for h in header_cells(header_text, separator)]
    except csv.Error:
        return False  # the Python path words the refusal
    if not header or blank(data, first_nl + 1):
        return False
    if too_wide(header, raw, 1):
        return True
    if not crlf and b"\r" in data:
        return False
    # the carriage returns are counted while DuckDB reads
    carriage_returns = meanwhile(lambda: data.count(b"\r") if crlf else 0, data)

    def body_lines() -> int:
        newlines = bytes_scan.newlines
        if crlf and carriage_returns() != newlines:
            return -1  # mixed line ends or a carriage return in a cell: Python's reader counts them exactly
        return newlines - data.count(b"\n", 0, first_nl + 1) + (0 if data.endswith(b"\n") else 1)
    with contextlib.ExitStack() as stack:
        if path is not None:
            path = os.path.abspath(path)  # DuckDB would expand a leading ~ (Python reads ./~/)
            if _size(path) != len(data) or _GLOB.search(path) or "://" in path:
                path = None  # changed since it was read, or a name DuckDB would not take literally
        if path is None:  # DuckDB reads files: the received bytes go to a private temporary one
            fd, temporary = tempfile.mkstemp(suffix=".csv", prefix="lda_")
            stack.callback(os.unlink, temporary)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            path = temporary
        count = _duckdb_read(con, str(path), header, separator, "\r\n" if crlf else "\n", body_lines,
                             skip=1, encoding=encoding)
    if count is None:
        return False
    raw.row_count, raw.count_exact = count, False
    raw.encoding = "cp1252" if encoding == "latin-1" else "utf-8"
    raw.separator = separator
    raw.header = header
    return True


def read_csv_text(body: str, raw: RawTable, con: duckdb.DuckDBPyConnection) -> bool:
    """DuckDB's parse of a CSV body decoded in Python (``\n`` line ends, header in ``raw``).
    Returns False (and leaves nothing) when exact line numbers need Python's csv."""
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
    brut_view(con, width)
    # rows, blank ones included (cheap); validation sets the exact count (see RawTable.count_exact)
    return n
