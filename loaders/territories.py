"""Validation of the territory list file (code_territoire, vague, nom, type, membres)."""

from __future__ import annotations

import duckdb

from data import store
from data.registre import TYPES_TERRITOIRE
from loaders.headers import TERRITORIES, Layout
from loaders.problems import Report
from loaders.reading import RawTable
from loaders.rules import VIDE, RegleLigne, appliquer, code_connu, dans, obligatoire
from loaders.validation import Validated

TYPES = TYPES_TERRITOIRE  # the CHECK constraint of territoire.type
# a member is a code of the list in its cell; a duplicate compares a row with the first of its code
_MEMBRE_INCONNU = """
    SELECT k.ligne, k.membre FROM (SELECT ligne, unnest(membres) AS membre FROM chk) k
    LEFT JOIN ref_collectivite c ON c.code = k.membre AND c.niveau <> 'region' WHERE c.code IS NULL"""
_DOUBLON = """
    SELECT c.ligne, c.code_brut, min(p.ligne)
    FROM chk c JOIN chk p ON p.code = c.code AND p.ligne < c.ligne
    WHERE (c.vague, c.nom, c.type, c.membres) IS DISTINCT FROM (p.vague, p.nom, p.type, p.membres)
    GROUP BY c.ligne, c.code_brut"""


def validate_territories(
    raw: RawTable, layout: Layout, con: duckdb.DuckDBPyConnection, report: Report, collectivites
) -> Validated:
    """Check a territory list against every known commune, EPCI and département."""
    result = Validated(raw, TERRITORIES, None, report)
    pos, h = layout.positions, raw.header

    def col(name: str) -> str:
        return f"c{pos[name]}" if name in pos else "NULL::VARCHAR"

    store.register(con, "ref_collectivite", collectivites)
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
    appliquer(con, report, _regles(con), "chk", {name: h[pos[name]] for name in pos})
    if report.ok:
        result.batch = con.sql(
            """
            SELECT code, trim(vague) AS vague, nom, type, membres, NULL::BOOLEAN AS actif, min(ligne) AS ligne
            FROM chk GROUP BY ALL
            """
        ).to_arrow_table()
    return result


def _regles(con: duckdb.DuckDBPyConnection) -> list:
    """The territory list's rules over ``chk`` (the code as written ``code_brut``, trimmed
    ``code``, ``connu`` when a commune, EPCI or département has it; the members as a list)."""
    return [
        obligatoire("code_territoire", VIDE, cellule="code_brut", forme="code"),
        code_connu("code_territoire", "collectivite-inconnue", "connu", VIDE, cellule="code_brut", forme="code",
                   details=lambda r: {"suggestion": _pad_suggestion(con, r["valeur"])}),
        obligatoire("vague", VIDE, "vague-manquante", cellule="vague"),
        dans("type", "type-territoire-invalide", TYPES),
        RegleLigne("membre-inconnu", "membres", _MEMBRE_INCONNU),
        RegleLigne("doublon-territoire", "code_territoire", _DOUBLON, ("autre_ligne",),
                   details=lambda r: {"autre_ligne": r["autre_ligne"]}),
    ]


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
