"""The fast path of CSV reading: DuckDB decodes and parses the bytes of a file as received, when it
decodes them exactly as Python would (valid UTF-8, or Windows-1252 with no byte in 0x80-0x9F, where
it equals the Latin-1 DuckDB reads without an extension). Any other file is left to the Python path
of loaders/reading.py, with the same results."""

from __future__ import annotations

import contextlib
import csv
import os
import re
import tempfile
from dataclasses import dataclass

import duckdb

from indicators.parametres import LIGNES_MAX_FICHIER
from loaders.reading import (RawTable, _blank, _duckdb_read, _meanwhile, detect_separator, file_problem, nombre_fr,
                            too_wide)

# characters DuckDB reads as a pattern in a file name (several files, or another one): such a file
# is read through a private temporary copy instead
_GLOB = re.compile(r"[*?\[\]{}]")
_C1 = bytes(range(0x80, 0xA0))  # the bytes where Windows-1252 and Latin-1 differ
_CONTROL = bytes(b for b in range(32) if b not in b"\t\n\r")  # what decode() calls a binary file
_NOT_C1 = bytes(b for b in range(256) if b not in _C1)
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL)
_ORDINARY = bytes(b for b in range(256) if b not in _C1 + _CONTROL + b"\n")  # every byte _scan() ignores


def _size(path) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def _bytes_encoding(data: bytes) -> str | None:
    """The encoding DuckDB can decode ``data`` with by itself, as decode() would read it: UTF-8 when
    the bytes are valid UTF-8, else Latin-1 when no byte falls in 0x80-0x9F (where Windows-1252 and
    Latin-1 differ: there the two decode every byte alike). None when Python must decode."""
    return _scan(data).encoding


@dataclass(frozen=True)
class _Scan:
    encoding: str | None  # see _bytes_encoding
    newlines: int  # line feeds in the file
    controls: bool  # whether a control character decode() refuses is anywhere in the file


def _scan(data: bytes) -> _Scan:
    """One C pass over the bytes (translate() deletes every byte but the few looked for: measured
    3 ms on 10 MB, where a numpy mask cost 20 ms inside an import, and a regular expression 70 ms):
    the encoding DuckDB can read the file in, its line feeds (the cap on lines) and whether it holds
    a control character anywhere (a control byte is the same byte in UTF-8 and Windows-1252, never
    part of another character)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return _Scan(None, 0, False)  # decode() reads these, and the Python path counts their lines
    kept = data.translate(None, _ORDINARY)
    newlines = kept.count(b"\n")
    controls = bool(kept.translate(None, _NOT_CONTROL))
    if _is_utf8(data):
        return _Scan("utf-8", newlines, controls)
    if data.startswith(b"\xef\xbb\xbf") or kept.translate(None, _NOT_C1):
        return _Scan(None, newlines, controls)
    return _Scan("latin-1", newlines, controls)


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is valid UTF-8; a file that is not fails on its first 64 KiB, cheaply."""
    head = data[:65536]
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a real error, not a character cut by the 64 KiB limit
            return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def read_csv_bytes(data: bytes, raw: RawTable, con: duckdb.DuckDBPyConnection,
                    path: str | os.PathLike | None = None) -> bool:
    """Fast path for a regular CSV file: DuckDB decodes and parses the bytes as received, with no
    Python pass over the text. Returns False, having stored nothing, when the file needs decode()
    or Python's csv module (Windows-1252 bytes 0x80-0x9F, UTF-16, old Mac line ends, ragged rows,
    quoted line breaks...): that path then reads it with the same results."""
    scan = _scan(data)
    if scan.newlines + (0 if data.endswith(b"\n") else 1) > LIGNES_MAX_FICHIER:
        raw.problems.append(file_problem("trop-de-lignes", limite=nombre_fr(LIGNES_MAX_FICHIER)))
        return True
    encoding = scan.encoding
    if encoding is None or scan.controls:
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
        header = [h.strip() for h in next(csv.reader([header_text], delimiter=separator), [])]
    except csv.Error:
        return False  # the Python path words the refusal
    if not header or _blank(data, first_nl + 1):
        return False
    if too_wide(header, raw, 1):
        return True
    if not crlf and b"\r" in data:
        return False
    # the carriage returns are counted while DuckDB reads
    carriage_returns = _meanwhile(lambda: data.count(b"\r") if crlf else 0, data)

    def body_lines() -> int:
        newlines = scan.newlines
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
