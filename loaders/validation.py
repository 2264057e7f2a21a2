"""Shared pieces of file validation: the result object and header checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb

from data.uploads import LotEnPlace

from loaders.headers import COLUMNS, Layout, all_expected, expected_columns, key
from loaders.problems import PREMIERES_LIGNES, Problem, Report
from loaders.reading import RawTable, drop_last_column

if TYPE_CHECKING:  # for annotations only: the command line does not pay this import
    import pyarrow as pa


@dataclass
class Validated:
    """A file after validation: its report and, when it has no error, the rows to store."""

    raw: RawTable
    kind: str | None
    layout: str | None
    report: Report
    batch: pa.Table | None = None  # rows ready for the store (kind-specific columns)
    batch_table: LotEnPlace | None = None  # or: temporary relations holding them (validated in the store's connection)
    non_renseignees: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.report.ok and (self.batch is not None or self.batch_table is not None)


def header_problems(raw: RawTable, layout: Layout) -> list[Problem]:
    """Missing, duplicated or unnamed columns (line 1)."""
    if layout.kind is None:
        return [Problem("type-inconnu", line=raw.header_line, params={"attendu": all_expected()})]
    problems = []
    required, optional = COLUMNS[(layout.kind, layout.layout)]
    for column in required:
        if column not in layout.positions:
            problems.append(
                Problem("colonne-manquante", line=raw.header_line, column=column,
                        params={"attendu": expected_columns(layout.kind, layout.layout)})
            )
    seen: dict[str, int] = {}
    for i, name in enumerate(raw.header):
        if not name.strip():
            problems.append(Problem("colonne-vide", line=raw.header_line, params={"position": i + 1}))
            continue
        k = key(name)
        if k in seen:
            problems.append(Problem("colonne-en-double", line=raw.header_line, column=name))
        seen[k] = i
    return problems


def drop_empty_unnamed_columns(raw: RawTable, con: duckdb.DuckDBPyConnection) -> None:
    """Excel sometimes writes trailing separators: an unnamed column with no value is dropped."""
    while raw.header and not raw.header[-1].strip():
        i = len(raw.header) - 1
        if raw.row_count:
            filled = con.execute(f"SELECT count(*) FROM brut WHERE coalesce(trim(c{i}), '') <> ''").fetchall()[0][0]
            if filled:
                return
            drop_last_column(con, i + 1)
        raw.header.pop()


def sql_text(value: str) -> str:
    """A literal for SQL built from a header name (never from cell data)."""
    return "'" + str(value).replace("'", "''") + "'"


def collect(con: duckdb.DuckDBPyConnection, report: Report, sql: str, make, params: dict | None = None) -> None:
    """Run an error query (ligne, colonne, valeur, code, ...) with its ``params`` and add up to the
    cap to ``report``."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE found AS {sql}", params or None)
    total = con.execute("SELECT count(*) FROM found").fetchall()[0][0]
    if not total:
        return
    room = max(report.cap - len(report.errors), 0) + 1
    # the report's own order (line, column, code): which problems make the cap never depends on the engine
    order = "ORDER BY ligne, coalesce(colonne, ''), code"
    rows = con.execute(f"SELECT * FROM found {order} LIMIT {room}").fetchall()
    names = [d[0] for d in con.description]
    for row in rows:
        report.add(make(dict(zip(names, row))))
    by_code = {}
    if total > len(rows):  # the rest, per code with its first lines, for the report's summary
        by_code = {code: (n, lines) for code, n, lines in con.execute(
            f"""SELECT code, count(*), min(ligne, {PREMIERES_LIGNES})
                FROM (SELECT ligne, code FROM found {order} OFFSET {room}) GROUP BY code""").fetchall()}
    report.count_more("erreur", total - len(rows), by_code)
