"""Reading an uploaded file (CSV or .xlsx) into rows of text with their spreadsheet line numbers,
in DuckDB's table ``brut`` (ligne, c0..cN) of a connection, with a RawTable saying what was read.

The public API, what the rest of the project imports (from ``loaders.reading``):

- ``read_file(data, name, con, path=None) -> RawTable``: the one entry point (reader.py).
- ``RawTable``, ``exact_row_count``, ``drop_last_column``, ``rows_to_table``: the result and the
  table ``brut`` (table.py); ``too_wide``, ``too_long``: the caps on columns and lines, checked
  the same way by every path.
- ``decode(data) -> (text, encoding, error)`` and ``bytes_encoding``: encodings and binary files
  (decode.py).
- ``detect_separator``, ``header_cells``, ``split_header``: the header of a CSV text (sniff.py).
- ``read_csv_bytes`` / ``read_csv_text``: CSV through DuckDB (csv_duckdb.py); ``csv_rows``, the
  row walk of Python's csv module, and ``python_parse`` (csv_python.py).
- ``XLSX_MAGIC`` (decode.py), ``read_xlsx``, ``xlsx_cell``: workbooks (workbook.py, imported on
  first use of these two names, so that reading a CSV imports neither the XML parser nor openpyxl).

Modules of the package import one another's public names only, in one direction:
table, decode, background <- sniff <- csv_python, csv_duckdb, workbook <- reader <- this module.
"""

from loaders.reading.csv_duckdb import read_csv_bytes, read_csv_text
from loaders.reading.csv_python import csv_rows, python_parse
from loaders.reading.decode import XLSX_MAGIC, bytes_encoding, decode
from loaders.reading.reader import read_file
from loaders.reading.sniff import detect_separator, header_cells, split_header
from loaders.reading.table import (RawTable, drop_last_column, exact_row_count, rows_to_table, too_long,
                                   too_wide)

__all__ = [
    "XLSX_MAGIC",
    "RawTable",
    "bytes_encoding",
    "csv_rows",
    "decode",
    "detect_separator",
    "drop_last_column",
    "exact_row_count",
    "header_cells",
    "python_parse",
    "read_csv_bytes",
    "read_csv_text",
    "read_file",
    "read_xlsx",
    "rows_to_table",
    "split_header",
    "too_long",
    "too_wide",
    "xlsx_cell",
]


def __getattr__(name: str):
    """The workbook names, imported on first use (PEP 562)."""
    if name in ("read_xlsx", "xlsx_cell"):
        from loaders.reading import workbook

        return getattr(workbook, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
