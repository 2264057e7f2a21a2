"""The header of a CSV file: its separator (``;``, ``,`` or a tab, as the header splits most) and
its cells, checked against the cap on columns before any row is read."""

from __future__ import annotations

import csv

from loaders.reading.table import RawTable, too_wide

SEPARATORS = (";", ",", "\t")


def detect_separator(header_line: str) -> str:
    """The separator that splits the header most (``;`` on a tie, as French Excel writes)."""
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: (counts[s], s == ";"))
    return best if counts[best] else ";"


def header_cells(header_line: str, separator: str) -> list[str]:
    """The cells of a header line as written; raises csv.Error on a malformed one."""
    return next(csv.reader([header_line], delimiter=separator), [])


def split_header(text: str, raw: RawTable) -> str | None:
    """The body of a decoded CSV text (line ends made ``\\n``; its first line is line 2), having set
    ``raw.separator`` and ``raw.header`` (cells stripped). None when the header is wider than the
    cap (the problem is in ``raw.problems``); raises csv.Error on a malformed header."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_nl = text.find("\n")
    header_text = text if first_nl < 0 else text[:first_nl]
    raw.separator = detect_separator(header_text)
    header = header_cells(header_text, raw.separator)
    if too_wide(header, raw, 1):
        return None
    raw.header = [h.strip() for h in header]
    return "" if first_nl < 0 else text[first_nl + 1:]
