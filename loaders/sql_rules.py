"""Cell rules as DuckDB macros, so every kind of file checks numbers, quarters and "non renseigné"
the same way, set-wise. The quarter patterns come from core.quarters (one definition)."""

from __future__ import annotations

import threading

import duckdb

from data import store

from core.quarters import QUARTER_PATTERN_QUARTER_FIRST, QUARTER_PATTERN_YEAR_FIRST

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
    statements = []
    # *_net macros take a trimmed cell (validation trims each value once); the others trim
    statements.append(
        f"CREATE OR REPLACE TEMP MACRO lda_nr_net(v) AS v IS NULL OR (length(v) <= {longest} AND lower(v) IN ({nr}))"
    )
    statements.append("CREATE OR REPLACE TEMP MACRO lda_nr(s) AS lda_nr_net(trim(s))")
    statements.append(
        f"""
        CREATE OR REPLACE TEMP MACRO lda_nombre_net(v) AS CASE
            WHEN regexp_full_match(v, '{NUMBER_PATTERN}')
            -- plain replace() of the three group separators: much cheaper than a regexp_replace
            THEN CAST(replace(replace(replace(replace(v, ' ', ''), chr(160), ''), chr(8239), ''), ',', '.') AS DOUBLE)
        END
        """
    )
    statements.append("CREATE OR REPLACE TEMP MACRO lda_nombre(s) AS lda_nombre_net(trim(s))")
    statements.append(
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
    statements.append(
        f"""
        CREATE OR REPLACE TEMP MACRO lda_trimestre(s) AS CASE
            WHEN regexp_full_match(upper(trim(s)), '{year_first}')
            THEN regexp_extract(upper(trim(s)), '{year_first}', 1) || '-T' || regexp_extract(upper(trim(s)), '{year_first}', 2)
            WHEN regexp_full_match(upper(trim(s)), '{quarter_first}')
            THEN regexp_extract(upper(trim(s)), '{quarter_first}', 2) || '-T' || regexp_extract(upper(trim(s)), '{quarter_first}', 1)
        END
        """
    )
    con.execute(";\n".join(statements))  # one call: each costs a round trip


_LOCAL = threading.local()


def validation_connection() -> duckdb.DuckDBPyConnection:
    """A private in-memory database for validating files, with the macros installed.

    Creating one costs about 15 ms, so each thread keeps its own and release() empties it."""
    con = getattr(_LOCAL, "con", None)
    if con is None:
        con = store.private_connection()
        install(con)
        _LOCAL.con = con
    return con


def release(con: duckdb.DuckDBPyConnection, keep: frozenset[str] = frozenset()) -> None:
    """Drop what a validation left (temporary views and tables, registered frames) in ``con``, but
    the objects named in ``keep`` (those a caller's own connection had before:
    data.store.temporary_objects())."""
    store.drop_temporary(con, keep=keep)
