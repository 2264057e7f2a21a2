"""Cell rules as DuckDB macros, so every kind of file checks numbers, quarters and "non renseigné"
the same way, set-wise. The quarter patterns come from indicators.quarters (one definition)."""

from __future__ import annotations

import threading

import duckdb

from indicators.quarters import QUARTER_PATTERN_QUARTER_FIRST, QUARTER_PATTERN_YEAR_FIRST

NON_RENSEIGNE = ("", "nc", "nd", "n.d.", "-")
# digits, or groups of three separated by a space, a no-break space or a narrow no-break space
NUMBER_PATTERN = r"[+-]?([0-9]+|[0-9]{1,3}([ \x{00A0}\x{202F}][0-9]{3})+)([.,][0-9]+)?"


def _strip(pattern: str) -> str:
    return pattern.removeprefix("^").removesuffix("$")


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Define the lda_* macros in ``con``: temporary, so that a store connection can validate in its
    own temporary tables without writing anything to the database file."""
    year_first, quarter_first = _strip(QUARTER_PATTERN_YEAR_FIRST), _strip(QUARTER_PATTERN_QUARTER_FIRST)
    nr = ", ".join(f"'{v}'" for v in NON_RENSEIGNE)
    longest = max(len(v) for v in NON_RENSEIGNE)
    # *_net macros take a trimmed cell (validation trims each value once); the others trim
    con.execute(
        f"CREATE OR REPLACE TEMP MACRO lda_nr_net(v) AS v IS NULL OR (length(v) <= {longest} AND lower(v) IN ({nr}))"
    )
    con.execute("CREATE OR REPLACE TEMP MACRO lda_nr(s) AS lda_nr_net(trim(s))")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP MACRO lda_nombre_net(v) AS CASE
            WHEN regexp_full_match(v, '{NUMBER_PATTERN}')
            -- plain replace() of the three group separators: much cheaper than a regexp_replace
            THEN CAST(replace(replace(replace(replace(v, ' ', ''), chr(160), ''), chr(8239), ''), ',', '.') AS DOUBLE)
        END
        """
    )
    con.execute("CREATE OR REPLACE TEMP MACRO lda_nombre(s) AS lda_nombre_net(trim(s))")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP MACRO lda_erreur_nombre(s) AS CASE
            WHEN lda_nr(s) OR lda_nombre(s) IS NOT NULL THEN NULL
            WHEN trim(s) LIKE '#%' THEN 'valeur-erreur-formule'
            WHEN trim(s) LIKE '=%' THEN 'valeur-formule-non-calculee'
            WHEN s LIKE '%\\%%' ESCAPE '\\' THEN 'valeur-pourcentage'
            ELSE 'valeur-invalide'
        END
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP MACRO lda_trimestre(s) AS CASE
            WHEN regexp_full_match(upper(trim(s)), '{year_first}')
            THEN regexp_extract(upper(trim(s)), '{year_first}', 1) || '-T' || regexp_extract(upper(trim(s)), '{year_first}', 2)
            WHEN regexp_full_match(upper(trim(s)), '{quarter_first}')
            THEN regexp_extract(upper(trim(s)), '{quarter_first}', 2) || '-T' || regexp_extract(upper(trim(s)), '{quarter_first}', 1)
        END
        """
    )


_LOCAL = threading.local()
SQL_VIEWS = ("lot_valide", "longue", "longue_tout", "brut", "brut_tout")  # views validation defines over its tables (not registered frames)


def validation_connection() -> duckdb.DuckDBPyConnection:
    """A private in-memory database for validating files, with the macros installed.

    Creating one costs about 15 ms, so each thread keeps its own and release() empties it."""
    con = getattr(_LOCAL, "con", None)
    if con is None:
        from data.config import DUCKDB_CONFIG

        con = duckdb.connect(":memory:", config=dict(DUCKDB_CONFIG))
        install(con)
        _LOCAL.con = con
    return con


def temporary_objects(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Names of the temporary tables and views of ``con`` (registered frames included)."""
    return frozenset(name for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'LOCAL TEMPORARY'"
        " UNION ALL SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal"
    ).fetchall())


def release(con: duckdb.DuckDBPyConnection, keep: frozenset[str] = frozenset()) -> None:
    """Drop what a validation left (temporary views and tables, registered frames) in ``con``, but
    the objects named in ``keep`` (those a caller's own connection had before: temporary_objects())."""
    for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE temporary AND list_contains(?, view_name)", [list(SQL_VIEWS)]
    ).fetchall():
        if name not in keep:
            con.execute(f'DROP VIEW IF EXISTS temp."{name}"')
    for (name,) in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_type = 'LOCAL TEMPORARY'"
    ).fetchall():
        if name not in keep:
            con.execute(f'DROP TABLE IF EXISTS temp."{name}"')
    for (name,) in con.execute(
        "SELECT view_name FROM duckdb_views() WHERE temporary AND NOT internal"
    ).fetchall():
        if name in keep:
            continue
        try:
            con.unregister(name)
        except duckdb.Error:
            con.execute(f'DROP VIEW IF EXISTS temp."{name}"')
