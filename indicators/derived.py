"""Derived indicators (``somme`` and ``ratio``) computed from their components, per quarter and over
any period, and the one definition of "a quarter counts" and "a figure over a period" that the
progress, national and completeness modules build their SQL from.

Rules (methodologie.md, domain.md section 3):
- somme: a quarter counts when at least one component is reported; its value is the sum of the
  reported components. A quarter with no component reported does not count at all (it is not a 0).
- ratio: a quarter counts only when numerator and denominator are both reported; over a period the
  ratio is 100 x sum of numerators / sum of denominators over the counted quarters, never a mean of
  quarterly rates. A counted quarter with a zero denominator has no rate of its own but still
  adds its terms to the period's sums.
- flux (and somme) over a period: sum of the counted quarters; stock: the value of the latest
  counted quarter.

The SQL helpers return text made of constants only; every value from outside goes through named
parameters (``$debut``, ``$fin``, ``$territoires``, ``$indicateurs``).
"""

from __future__ import annotations

import warnings

import pandas as pd
import pyarrow as pa

# Relations the engine reads (the store's tables in production, registered frames in tests).
VALEUR = "valeur"
INDICATEUR = "indicateur"

# Role of a base value inside the figure it feeds.
ROLE_VALEUR = "valeur"
ROLE_NUMERATEUR = "numerateur"
ROLE_DENOMINATEUR = "denominateur"


def components_sql() -> str:
    """SQL relation (indicateur, nature, sens, composante, role): the base values each catalogue
    indicator is computed from (a base indicator is its own single component)."""
    return f"""
        SELECT code AS indicateur, nature, sens, code AS composante, '{ROLE_VALEUR}' AS role
        FROM {INDICATEUR} WHERE nature IN ('flux', 'stock')
        UNION ALL
        SELECT code, nature, sens, unnest(composantes), '{ROLE_VALEUR}'
        FROM {INDICATEUR} WHERE nature = 'somme'
        UNION ALL
        SELECT code, nature, sens, numerateur, '{ROLE_NUMERATEUR}' FROM {INDICATEUR} WHERE nature = 'ratio'
        UNION ALL
        SELECT code, nature, sens, denominateur, '{ROLE_DENOMINATEUR}' FROM {INDICATEUR} WHERE nature = 'ratio'
    """


def quarterly_sql(tagged: str, keys: tuple[str, ...] = ("territoire", "indicateur"),
                  quarter: str = "trimestre") -> str:
    """SQL relation (keys..., nature, <quarter>, valeur, numerateur, denominateur) of the quarters
    that count, from ``tagged``: base values already tagged with the figure they feed
    (keys..., nature, role, <quarter>, valeur), where ``keys`` identify that figure and ``quarter``
    names the quarter column (its text, or its running index).

    Base rows pass through untouched (one value, one quarter); only derived rows are grouped."""
    k = "".join(f"{key}, " for key in keys)
    return f"""
        SELECT {k}nature, {quarter}, valeur, NULL::DOUBLE AS numerateur, NULL::DOUBLE AS denominateur
        FROM {tagged} WHERE nature IN ('flux', 'stock')
        UNION ALL
        {derived_quarterly_sql(f"(SELECT * FROM {tagged} WHERE nature IN ('somme', 'ratio'))", keys, quarter)}
    """


def derived_quarterly_sql(tagged: str, keys: tuple[str, ...], quarter: str = "trimestre") -> str:
    """The derived part of quarterly_sql(): ``tagged`` holds only values tagged with a somme or
    ratio figure (a caller that keeps base values apart reads the table once)."""
    k = "".join(f"{key}, " for key in keys)
    return f"""
        SELECT {k}nature, {quarter},
               CASE WHEN nature = 'ratio' THEN 100 * num / nullif(den, 0) ELSE val END AS valeur,
               num AS numerateur, den AS denominateur
        FROM (
            SELECT {k}nature, {quarter},
                   sum(valeur) FILTER (WHERE role = '{ROLE_VALEUR}') AS val,
                   sum(valeur) FILTER (WHERE role = '{ROLE_NUMERATEUR}') AS num,
                   sum(valeur) FILTER (WHERE role = '{ROLE_DENOMINATEUR}') AS den
            FROM {tagged}
            GROUP BY ALL
        )
        -- a ratio quarter with only one of its two terms reported does not count at all
        WHERE nature <> 'ratio' OR (num IS NOT NULL AND den IS NOT NULL)
    """


def period_sql(quarterly: str, keys: tuple[str, ...] = ("territoire", "indicateur", "nature"),
               quarter: str = "trimestre", ratio_terms: bool = True) -> str:
    """SQL relation (keys..., total, derniere_valeur, numerateur, denominateur,
    trimestres_renseignes, dernier_trimestre) aggregating the counted quarters of ``quarterly``
    per ``keys`` (``quarter`` names its quarter column); period_value_sql() turns these into the
    figure of the period. Without ``ratio_terms`` (base values only), numerateur and
    denominateur are left empty rather than summed."""
    k = ", ".join(keys)
    terms = ("sum(numerateur) AS numerateur, sum(denominateur) AS denominateur" if ratio_terms
             else "NULL::DOUBLE AS numerateur, NULL::DOUBLE AS denominateur")
    return f"""
        SELECT {k}, sum(valeur) AS total, arg_max(valeur, {quarter}) AS derniere_valeur, {terms},
               count(*) AS trimestres_renseignes, max({quarter}) AS dernier_trimestre
        FROM {quarterly}
        GROUP BY {k}
    """


def period_value_sql(nature: str = "nature", prefix: str = "") -> str:
    """SQL expression of the figure over a period from the columns of period_sql() (``prefix``
    qualifies them): flux and somme summed, stock latest, ratio as ratio of sums."""
    return f"""CASE {nature}
        WHEN 'stock' THEN {prefix}derniere_valeur
        WHEN 'ratio' THEN 100 * {prefix}numerateur / nullif({prefix}denominateur, 0)
        ELSE {prefix}total END"""


def fetch_arrow(con, sql: str, params: dict | None = None) -> pa.Table:
    """Run ``sql`` with its named parameters and return an Arrow table."""
    # execute() rather than sql(): a caller may have left a result of its own unread, which
    # execute() supersedes and sql() refuses. DuckDB then warns that Arrow output of an execute()
    # result costs a copy; measured, it is still the fastest way (.df() is several times slower on
    # text columns, which these frames are full of), so that warning is silenced here.
    result = con.execute(sql, params or {})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result", category=UserWarning)
        return result.to_arrow_table()


def fetch(con, sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run ``sql`` with its named parameters and return a pandas frame (through Arrow)."""
    return fetch_arrow(con, sql, params).to_pandas()


def tagged_sql() -> str:
    """SQL relation (territoire, indicateur, nature, role, trimestre, valeur): the base values in
    [$debut, $fin] tagged with every indicator they feed, filtered by the optional $territoires and
    $indicateurs lists (see params())."""
    return f"""
        SELECT v.territoire, c.indicateur, c.nature, c.role, v.trimestre, v.valeur
        FROM {VALEUR} v
        JOIN ({components_sql()}) c ON c.composante = v.indicateur
        WHERE ($debut IS NULL OR v.trimestre >= $debut) AND ($fin IS NULL OR v.trimestre <= $fin)
          AND ($territoires IS NULL OR list_contains($territoires, v.territoire))
          AND ($indicateurs IS NULL OR list_contains($indicateurs, c.indicateur))
    """


def params(debut, fin, territoires, indicateurs) -> dict:
    """Named parameters of tagged_sql()."""
    return {
        "debut": debut, "fin": fin,
        "territoires": None if territoires is None else list(territoires),
        "indicateurs": None if indicateurs is None else list(indicateurs),
    }


def quarterly(
    con, *, debut: str | None = None, fin: str | None = None,
    territoires: list[str] | None = None, indicateurs: list[str] | None = None,
) -> pd.DataFrame:
    """Per territory, indicator (base and derived) and counted quarter: valeur, and for a ratio its
    numerateur and denominateur. A quarter that does not count has no row."""
    sql = f"""
        WITH tagged AS ({tagged_sql()})
        SELECT * FROM ({quarterly_sql('tagged')}) ORDER BY territoire, indicateur, trimestre
    """
    return fetch(con, sql, params(debut, fin, territoires, indicateurs))


def over_period(
    con, debut: str | None, fin: str | None, *,
    territoires: list[str] | None = None, indicateurs: list[str] | None = None,
) -> pd.DataFrame:
    """Per territory and indicator, the figure over [debut, fin] (flux and somme summed, stock
    latest, ratio as ratio of sums) with trimestres_renseignes and dernier_trimestre."""
    sql = f"""
        WITH tagged AS ({tagged_sql()}), trim AS ({quarterly_sql('tagged')})
        SELECT territoire, indicateur, nature, {period_value_sql()} AS valeur, numerateur, denominateur,
               trimestres_renseignes, dernier_trimestre
        FROM ({period_sql('trim')}) ORDER BY territoire, indicateur
    """
    return fetch(con, sql, params(debut, fin, territoires, indicateurs))
