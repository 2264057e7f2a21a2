"""Validation of the territory list file (code_territoire, vague, nom, type, membres)."""

from __future__ import annotations

import duckdb

from data import store
from data.registre import TYPES_TERRITOIRE
from loaders.headers import TERRITORIES, Layout
from loaders.problems import Problem, Report
from loaders.reading import RawTable
from loaders.validation import Validated, collect, sql_text

TYPES = TYPES_TERRITOIRE  # the CHECK constraint of territoire.type


def validate_territories(
    raw: RawTable, layout: Layout, con: duckdb.DuckDBPyConnection, report: Report, collectivites
) -> Validated:
    """Check a territory list against every known commune, EPCI and département."""
    result = Validated(raw, TERRITORIES, None, report)
    pos, h = layout.positions, raw.header

    def col(name: str) -> str:
        return f"c{pos[name]}" if name in pos else "NULL::VARCHAR"

    def header(name: str) -> str:
        return sql_text(h[pos[name]] if name in pos else name)

    store.register(con, "ref_collectivite", collectivites)
    types = ", ".join(f"'{t}'" for t in TYPES)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE chk AS
        SELECT b.ligne, {col('code_territoire')} AS code_brut, trim({col('code_territoire')}) AS code,
               c.code IS NOT NULL AS connu, {col('vague')} AS vague, {col('nom')} AS nom,
               {col('type')} AS type_brut, lower(trim({col('type')})) AS type, {col('membres')} AS membres_brut,
               CASE WHEN coalesce(trim({col('membres')}), '') = '' THEN []::VARCHAR[]
                    ELSE string_split_regex(trim({col('membres')}), '[ ,;]+') END AS membres
        FROM brut b
        LEFT JOIN ref_collectivite c ON c.code = trim({col('code_territoire')}) AND c.niveau <> 'region'
        """
    )
    sql = f"""
        SELECT DISTINCT * FROM (
        SELECT ligne, {header('code_territoire')} AS colonne, code_brut AS valeur, 'cellule-obligatoire' AS code, NULL AS autre
            FROM chk WHERE coalesce(code, '') = ''
        UNION ALL SELECT ligne, {header('code_territoire')}, code_brut, 'collectivite-inconnue', NULL
            FROM chk WHERE NOT connu AND coalesce(code, '') <> ''
        UNION ALL SELECT ligne, {header('vague')}, vague, 'vague-manquante', NULL FROM chk WHERE coalesce(trim(vague), '') = ''
        UNION ALL SELECT ligne, {header('type')}, type_brut, 'type-territoire-invalide', NULL
            FROM chk WHERE coalesce(type, '') <> '' AND type NOT IN ({types})
        UNION ALL SELECT k.ligne, {header('membres')}, k.membre, 'membre-inconnu', NULL
            FROM (SELECT ligne, unnest(membres) AS membre FROM chk) k
            LEFT JOIN ref_collectivite c ON c.code = k.membre AND c.niveau <> 'region' WHERE c.code IS NULL
        UNION ALL SELECT c.ligne, {header('code_territoire')}, c.code_brut, 'doublon-territoire', min(p.ligne)
            FROM chk c JOIN chk p ON p.code = c.code AND p.ligne < c.ligne
            WHERE (c.vague, c.nom, c.type, c.membres) IS DISTINCT FROM (p.vague, p.nom, p.type, p.membres)
            GROUP BY c.ligne, c.code_brut
        )"""

    def make(r: dict) -> Problem:
        params: dict = {}
        if r["code"] == "collectivite-inconnue":
            params["suggestion"] = _pad_suggestion(con, r["valeur"])
        if r["code"] == "doublon-territoire":
            params["autre_ligne"] = r["autre"]
        return Problem(r["code"], line=r["ligne"], column=r["colonne"], value=r["valeur"], params=params)

    collect(con, report, sql, make)
    if report.ok:
        result.batch = con.sql(
            """
            SELECT code, trim(vague) AS vague, nom, type, membres, NULL::BOOLEAN AS actif, min(ligne) AS ligne
            FROM chk GROUP BY ALL
            """
        ).to_arrow_table()
    return result


def _pad_suggestion(con: duckdb.DuckDBPyConnection, value: str) -> str:
    """Excel drops leading zeros: suggest the padded codes that exist."""
    text = str(value or "").strip()
    if not text.isdigit():
        return ""
    candidates = [text.zfill(w) for w in (2, 3, 5, 9) if len(text) < w]
    rows = con.execute(
        "SELECT code, nom FROM ref_collectivite WHERE code IN (SELECT unnest(?::VARCHAR[])) ORDER BY code", [candidates]
    ).fetchall()
    if not rows:
        return ""
    return " Vouliez-vous dire : " + ", ".join(f"{c} ({n})" for c, n in rows) + " ?"
