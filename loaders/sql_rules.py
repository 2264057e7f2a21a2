"""Cell rules as DuckDB macros, so every kind of file checks numbers, quarters and "non renseigné"
the same way, set-wise. The quarter patterns come from indicators.quarters (one definition)."""

from __future__ import annotations

import duckdb

from indicators.quarters import QUARTER_PATTERN_QUARTER_FIRST, QUARTER_PATTERN_YEAR_FIRST

NON_RENSEIGNE = ("", "nc", "nd", "n.d.", "-")
# digits, or groups of three separated by a space, a no-break space or a narrow no-break space
NUMBER_PATTERN = r"[+-]?([0-9]+|[0-9]{1,3}([ \x{00A0}\x{202F}][0-9]{3})+)([.,][0-9]+)?"


def _strip(pattern: str) -> str:
    return pattern.removeprefix("^").removesuffix("$")


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Define the lda_* macros in ``con``."""
    year_first, quarter_first = _strip(QUARTER_PATTERN_YEAR_FIRST), _strip(QUARTER_PATTERN_QUARTER_FIRST)
    nr = ", ".join(f"'{v}'" for v in NON_RENSEIGNE)
    con.execute(f"CREATE OR REPLACE MACRO lda_nr(s) AS s IS NULL OR lower(trim(s)) IN ({nr})")
    con.execute(
        f"""
        CREATE OR REPLACE MACRO lda_nombre(s) AS CASE
            WHEN regexp_full_match(trim(s), '{NUMBER_PATTERN}')
            THEN CAST(replace(regexp_replace(trim(s), '[ \\x{{00A0}}\\x{{202F}}]', '', 'g'), ',', '.') AS DOUBLE)
        END
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE MACRO lda_erreur_nombre(s) AS CASE
            WHEN lda_nr(s) OR lda_nombre(s) IS NOT NULL THEN NULL
            WHEN trim(s) LIKE '#%' THEN 'valeur-erreur-formule'
            WHEN s LIKE '%\\%%' ESCAPE '\\' THEN 'valeur-pourcentage'
            ELSE 'valeur-invalide'
        END
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE MACRO lda_trimestre(s) AS CASE
            WHEN regexp_full_match(upper(trim(s)), '{year_first}')
            THEN regexp_extract(upper(trim(s)), '{year_first}', 1) || '-T' || regexp_extract(upper(trim(s)), '{year_first}', 2)
            WHEN regexp_full_match(upper(trim(s)), '{quarter_first}')
            THEN regexp_extract(upper(trim(s)), '{quarter_first}', 2) || '-T' || regexp_extract(upper(trim(s)), '{quarter_first}', 1)
        END
        """
    )


def validation_connection() -> duckdb.DuckDBPyConnection:
    """A private in-memory database for validating one file, with the macros installed."""
    from data.config import DUCKDB_CONFIG

    con = duckdb.connect(":memory:", config=dict(DUCKDB_CONFIG))
    install(con)
    return con
