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

import duckdb

from loaders.reading import _CONTROL_TEXT, RawTable, _blank, _duckdb_read, _meanwhile, detect_separator

# characters DuckDB reads as a pattern in a file name (several files, or another one): such a file
# is read through a private temporary copy instead
_GLOB = re.compile(r"[*?\[\]{}]")
_NOT_C1 = bytes(b for b in range(256) if not 0x80 <= b <= 0x9F)  # every byte but Windows-1252's own


def _size(path) -> int | None:
    try:
        return os.stat(path).st_size
    except OSError:
        return None


def _bytes_encoding(data: bytes) -> str | None:
    """The encoding DuckDB can decode ``data`` with by itself, as decode() would read it: UTF-8 when
    the bytes are valid UTF-8, else Latin-1 when no byte falls in 0x80-0x9F (where Windows-1252 and
    Latin-1 differ: there the two decode every byte alike). None when Python must decode."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        return None
    if _is_utf8(data):
        return "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        return None
    # any byte in 0x80..0x9F? translate() deletes all the others in one C pass (measured 3 ms on
    # 10 MB, where a numpy mask cost 20 ms inside an import: its 10 MB temporaries are new pages)
    if data.translate(None, _NOT_C1):
        return None
    return "latin-1"


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
    encoding = _bytes_encoding(data)
    if encoding is None:
        return False
    body_start = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    first_nl = data.find(b"\n", body_start)
    if first_nl < 0:
        return False
    crlf = data[first_nl - 1:first_nl] == b"\r"
    header_bytes = data[body_start:first_nl - 1 if crlf else first_nl]
    if b"\r" in header_bytes:
        return False
    codec = "utf-8" if encoding == "utf-8" else "cp1252"
    # decode() looks at the first 20,000 characters (not bytes) of the text after any BOM
    head = data[body_start:body_start + 4 * 20000].decode(codec, errors="ignore")[:20000]
    if _CONTROL_TEXT.search(head):
        return False  # decode() words the binary-file refusal
    header_text = header_bytes.decode(codec)
    separator = detect_separator(header_text)
    try:
        header = [h.strip() for h in next(csv.reader([header_text], delimiter=separator), [])]
    except csv.Error:
        return False  # the Python path words the refusal
    if not header or _blank(data, first_nl + 1):
        return False
    if not crlf and b"\r" in data:
        return False
    # the line ends are counted while DuckDB reads
    line_ends = _meanwhile(lambda: (data.count(b"\n"), data.count(b"\r") if crlf else 0), data)

    def body_lines() -> int:
        newlines, carriage_returns = line_ends()
        if crlf and carriage_returns != newlines:
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
