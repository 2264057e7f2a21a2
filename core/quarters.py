"""Quarter arithmetic: canonical form ``2024-T1``, parsing of the accepted spellings, ranges."""

from __future__ import annotations

import datetime as dt
import re

# Accepted spellings (format-depot.md), checked after trimming and upper-casing. RE2-compatible, so
# the loaders apply the very same patterns in DuckDB.
QUARTER_PATTERN_YEAR_FIRST = r"^([0-9]{4})-?[TQ]([1-4])$"
QUARTER_PATTERN_QUARTER_FIRST = r"^T([1-4])[ -]([0-9]{4})$"
ACCEPTED_FORMS = "2024-T1, 2024T1, T1 2024, T1-2024, 2024-Q1, 2024Q1"

_YEAR_FIRST = re.compile(QUARTER_PATTERN_YEAR_FIRST)
_QUARTER_FIRST = re.compile(QUARTER_PATTERN_QUARTER_FIRST)


def parse(text: str) -> str | None:
    """Return the canonical ``YYYY-Tn`` of an accepted spelling, or None."""
    cleaned = str(text).strip().upper()
    if m := _YEAR_FIRST.match(cleaned):
        return f"{m.group(1)}-T{m.group(2)}"
    if m := _QUARTER_FIRST.match(cleaned):
        return f"{m.group(2)}-T{m.group(1)}"
    return None


def to_index(quarter: str) -> int:
    """Quarter as a running integer (year x 4 + quarter - 1), for arithmetic."""
    return int(quarter[:4]) * 4 + int(quarter[6]) - 1


def from_index(index: int) -> str:
    """Canonical quarter of a running integer."""
    return f"{index // 4}-T{index % 4 + 1}"


def shift(quarter: str, n: int) -> str:
    """The quarter n quarters after (or before, n < 0) ``quarter``."""
    return from_index(to_index(quarter) + n)


def quarter_range(first: str, last: str) -> list[str]:
    """Every quarter from ``first`` to ``last`` inclusive."""
    return [from_index(i) for i in range(to_index(first), to_index(last) + 1)]


def of_date(day: dt.date) -> str:
    """The quarter containing ``day``."""
    return f"{day.year}-T{(day.month - 1) // 3 + 1}"


def current(today: dt.date | None = None) -> str:
    """The quarter in progress."""
    return of_date(today or dt.date.today())


def last_complete(today: dt.date | None = None) -> str:
    """The last complete calendar quarter (2026-11-25 gives 2026-T3)."""
    return shift(current(today), -1)


def end_date(quarter: str) -> dt.date:
    """Last day of the quarter."""
    year, q = int(quarter[:4]), int(quarter[6])
    if q == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * q + 1, 1) - dt.timedelta(days=1)


def label(quarter: str) -> str:
    """Display form used on the pages: ``T1 2024``."""
    return f"T{quarter[6]} {quarter[:4]}"


# SQL twins of to_index / end_date, so the engine does quarter arithmetic set-wise in DuckDB with
# the same definition as Python. ``column`` is a column name or expression chosen by the code,
# never user input.
def sql_index(column: str) -> str:
    """SQL expression of a canonical quarter column's running index (as to_index)."""
    return f"(CAST(substr({column}, 1, 4) AS INTEGER) * 4 + CAST(substr({column}, 7, 1) AS INTEGER) - 1)"


def sql_from_index(index: str) -> str:
    """SQL expression of the canonical quarter (``2024-T1``) of a running index (as from_index)."""
    return f"CAST(({index}) // 4 AS VARCHAR) || '-T' || CAST(({index}) % 4 + 1 AS VARCHAR)"


def sql_end_date(column: str) -> str:
    """SQL expression of the last day of a canonical quarter column (as end_date)."""
    return (
        f"last_day(make_date(CAST(substr({column}, 1, 4) AS INTEGER), "
        f"CAST(substr({column}, 7, 1) AS INTEGER) * 3, 1))"
    )


def count(first: str, last: str) -> int:
    """Number of quarters from ``first`` to ``last`` inclusive (0 when last is before first)."""
    return max(0, to_index(last) - to_index(first) + 1)


def reference(text: str | None = None, today: dt.date | None = None) -> str:
    """The reference quarter of a command or page: ``text`` parsed, else the last complete quarter.

    Raises ValueError with a French message when ``text`` is not an accepted spelling."""
    if text is None or str(text).strip() == "":
        return last_complete(today)
    parsed = parse(text)
    if parsed is None:
        raise ValueError(f"Trimestre non reconnu : « {text} » (formes acceptées : {ACCEPTED_FORMS}).")
    return parsed
