"""What reading produces: a file's cells as text in DuckDB's table ``brut`` (ligne, c0..cN), its
header and its problems in a RawTable, and the caps on lines and columns, checked the same way by
every reading path (and by the correction grid, which walks the same rows)."""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from data import store
from core.formatting import integer
from core.parameters import COLONNES_MAX_FICHIER, LIGNES_MAX_FICHIER
from loaders.problems import Problem


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
    max_lines: int | None = None  # the cap on lines when not LIGNES_MAX_FICHIER (an SI-SIAO extract has its own)

    @property
    def readable(self) -> bool:
        return not self.problems or all(p.line is not None for p in self.problems)


def file_problem(code: str, **params) -> Problem:
    """A problem of the whole file (no line)."""
    return Problem(code, params=params)


def is_blank(cells) -> bool:
    """Whether every cell of a row is missing or white space."""
    return all(c is None or str(c).strip() == "" for c in cells)


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
    limit = raw.max_lines or LIGNES_MAX_FICHIER
    if line <= limit:
        return False
    raw.header = []
    raw.problems.append(file_problem("trop-de-lignes", limite=integer(limit)))
    return True


def exact_row_count(raw: RawTable, con: duckdb.DuckDBPyConnection, count: int | None = None) -> None:
    """Make ``raw.row_count`` the number of non-blank rows: ``count`` when the caller knows it, else
    counted in ``brut``."""
    if raw.count_exact:
        return
    if count is None:
        count = con.execute("SELECT count(*) FROM brut").fetchall()[0][0]
    raw.row_count, raw.count_exact = count, True


def brut_view(con: duckdb.DuckDBPyConnection, width: int) -> None:
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
        brut_view(con, width - 1)
    else:
        con.execute(f"ALTER TABLE brut DROP COLUMN c{width - 1}")


def _create_brut(con: duckdb.DuckDBPyConnection, width: int) -> None:
    cols = ", ".join(f"c{i} VARCHAR" for i in range(width))
    con.execute(f"CREATE OR REPLACE TEMP TABLE brut (ligne INTEGER, {cols})")
    con.execute("CREATE OR REPLACE TEMP VIEW brut_tout AS SELECT * FROM brut")


def rows_to_table(rows: list[tuple[int, list]], raw: RawTable, con: duckdb.DuckDBPyConnection) -> None:
    """Store (line, cells) rows as table brut; ragged rows become ``ligne-longueur`` problems."""
    width = len(raw.header)
    kept_lines, columns = [], [[] for _ in range(width)]
    for line, cells in rows:
        cells = ["" if c is None else str(c) for c in cells]
        if len(cells) != width:
            extra = cells[width:]
            if len(cells) > width and is_blank(extra) and raw.container == "xlsx":
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
    import pyarrow as pa  # here: the fast path (DuckDB reads the bytes) never needs it

    table = pa.table(
        {"ligne": pa.array(kept_lines, pa.int32())}
        | {f"c{i}": pa.array(columns[i], pa.string()) for i in range(width)}
    )
    _create_brut(con, width)
    store.register(con, "brut_arrow", table)
    con.execute("INSERT INTO brut SELECT * FROM brut_arrow")
    store.unregister(con, "brut_arrow")
    raw.row_count = len(kept_lines)
