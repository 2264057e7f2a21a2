"""Validation of quarterly values (long or wide layout), set-wise in DuckDB."""

from __future__ import annotations

import datetime as dt

import duckdb

from indicators import quarters
from indicators.parametres import PREMIERE_ANNEE_ACCEPTEE
from loaders.headers import LONG, VALUES, Layout, key
from loaders.problems import Problem, Report
from loaders.reading import RawTable
from loaders.referentiel import Referentiel
from loaders.validation import Validated, collect, sql_text


def _long_sql(raw: RawTable, layout: Layout) -> str:
    pos = layout.positions

    def col(name: str) -> str:
        return f"c{pos[name]}" if name in pos else "NULL"

    header = raw.header
    if layout.layout == LONG:
        return f"""
            SELECT ligne, {col('code_territoire')} AS territoire_brut, {col('indicateur')} AS indicateur_brut,
                   {col('trimestre')} AS trimestre_brut, {col('valeur')} AS valeur_brut,
                   {col('commentaire')} AS commentaire, {col('source')} AS source,
                   {sql_text(header[pos['valeur']])} AS colonne_valeur
            FROM brut"""
    parts = []
    for i, name in layout.indicator_columns.items():
        parts.append(
            f"""SELECT ligne, {col('code_territoire')} AS territoire_brut, {sql_text(name)} AS indicateur_brut,
                   {col('trimestre')} AS trimestre_brut, c{i} AS valeur_brut,
                   NULL::VARCHAR AS commentaire, NULL::VARCHAR AS source, {sql_text(name)} AS colonne_valeur
            FROM brut"""
        )
    return " UNION ALL ".join(parts)


def _wide_header_problems(raw: RawTable, layout: Layout, ref: Referentiel) -> tuple[list[Problem], dict[int, str]]:
    """Wide layout: every extra column must be a base indicator; returns (problems, usable columns)."""
    natures = dict(zip(ref.indicateurs["code"], ref.indicateurs["nature"]))
    by_key = {key(c): c for c in natures}
    problems, usable = [], {}
    for i, name in layout.indicator_columns.items():
        if not name.strip():
            continue
        code = by_key.get(key(name))
        if code is None:
            problems.append(Problem("colonne-inconnue", line=raw.header_line, column=name,
                                    params={"suggestion": ref.suggest_indicator(name)}))
        elif natures[code] in ("somme", "ratio"):
            problems.append(Problem("indicateur-derive", line=raw.header_line, column=name, value=name,
                                    params={"nature": natures[code], "bases": ref.derived_bases(code)}))
        else:
            usable[i] = code
    return problems, usable


def validate_values(
    raw: RawTable,
    layout: Layout,
    ref: Referentiel,
    con: duckdb.DuckDBPyConnection,
    report: Report,
    allowed_territories: set[str] | None = None,
    today: dt.date | None = None,
) -> Validated:
    """Check every row of a values file; the valid rows become the batch when there is no error."""
    result = Validated(raw, VALUES, layout.layout, report)
    if layout.layout != LONG:
        problems, usable = _wide_header_problems(raw, layout, ref)
        report.extend(problems)
        layout.indicator_columns = {i: n for i, n in layout.indicator_columns.items() if i in usable}
        wide_codes = {raw.header[i]: code for i, code in usable.items()}
        if not usable:
            return result
    else:
        wide_codes = {}
    con.register("ref_territoire", ref.territoires[["code", "nom"]])
    con.register("ref_indicateur", ref.indicateurs[["code", "nature", "unite"]])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE ref_wide AS SELECT * FROM (VALUES ('', '')) t(nom, code) WHERE false"
    )
    if wide_codes:
        con.executemany("INSERT INTO ref_wide VALUES (?, ?)", list(wide_codes.items()))
    current = quarters.current(today)
    h = raw.header
    pos = layout.positions
    col_t, col_q = h[pos["code_territoire"]], h[pos["trimestre"]]
    col_i = h[pos["indicateur"]] if "indicateur" in pos else None
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE chk AS
        SELECT l.ligne, l.territoire_brut, l.indicateur_brut, l.trimestre_brut, l.valeur_brut,
               nullif(trim(l.commentaire), '') AS commentaire, nullif(trim(l.source), '') AS source,
               l.colonne_valeur,
               trim(l.territoire_brut) AS territoire,
               t.code IS NOT NULL AS territoire_connu,
               coalesce(w.code, lower(trim(l.indicateur_brut))) AS indicateur,
               i.nature, i.unite,
               lda_trimestre(l.trimestre_brut) AS trimestre,
               lda_nr(l.valeur_brut) AS non_renseigne,
               lda_nombre(l.valeur_brut) AS valeur,
               lda_erreur_nombre(l.valeur_brut) AS erreur_valeur
        FROM ({_long_sql(raw, layout)}) l
        LEFT JOIN ref_territoire t ON t.code = trim(l.territoire_brut)
        LEFT JOIN ref_wide w ON w.nom = l.indicateur_brut
        LEFT JOIN ref_indicateur i ON i.code = coalesce(w.code, lower(trim(l.indicateur_brut)))
        """
    )
    allowed = sorted(allowed_territories) if allowed_territories is not None else None
    if allowed is not None:
        con.execute("CREATE OR REPLACE TEMP TABLE perimetre AS SELECT unnest(?::VARCHAR[]) AS code", [allowed])
    scope_rule = (
        f"""UNION ALL SELECT ligne, {sql_text(col_t)}, territoire_brut, 'territoire-hors-perimetre'
            FROM chk WHERE territoire_connu AND territoire NOT IN (SELECT code FROM perimetre)"""
        if allowed is not None else ""
    )
    indicator_rules = (
        f"""
        UNION ALL SELECT ligne, {sql_text(col_i)}, indicateur_brut, 'cellule-obligatoire' FROM chk WHERE lda_nr(indicateur_brut)
        UNION ALL SELECT ligne, {sql_text(col_i)}, indicateur_brut, 'indicateur-inconnu' FROM chk
            WHERE NOT lda_nr(indicateur_brut) AND nature IS NULL
        UNION ALL SELECT ligne, {sql_text(col_i)}, indicateur_brut, 'indicateur-derive' FROM chk
            WHERE nature IN ('somme', 'ratio')"""
        if col_i else ""
    )
    first_year = PREMIERE_ANNEE_ACCEPTEE
    sql = f"""
        SELECT DISTINCT * FROM (
        SELECT ligne, {sql_text(col_t)} AS colonne, territoire_brut AS valeur, 'cellule-obligatoire' AS code
            FROM chk WHERE territoire_brut IS NULL OR trim(territoire_brut) = ''
        UNION ALL SELECT ligne, {sql_text(col_t)}, territoire_brut, 'territoire-inconnu' FROM chk
            WHERE NOT territoire_connu AND coalesce(trim(territoire_brut), '') <> ''
        {scope_rule}
        {indicator_rules}
        UNION ALL SELECT ligne, {sql_text(col_q)}, trimestre_brut, 'cellule-obligatoire' FROM chk WHERE lda_nr(trimestre_brut)
        UNION ALL SELECT ligne, {sql_text(col_q)}, trimestre_brut, 'trimestre-invalide' FROM chk
            WHERE NOT lda_nr(trimestre_brut) AND trimestre IS NULL
        UNION ALL SELECT ligne, {sql_text(col_q)}, trimestre_brut, 'trimestre-futur' FROM chk WHERE trimestre > '{current}'
        UNION ALL SELECT ligne, {sql_text(col_q)}, trimestre_brut, 'trimestre-trop-ancien' FROM chk
            WHERE trimestre < '{first_year}-T1'
        UNION ALL SELECT ligne, colonne_valeur, valeur_brut, erreur_valeur FROM chk WHERE erreur_valeur IS NOT NULL
        UNION ALL SELECT ligne, colonne_valeur, valeur_brut, 'valeur-negative' FROM chk WHERE valeur < 0
        UNION ALL SELECT ligne, colonne_valeur, valeur_brut, 'valeur-non-entiere' FROM chk
            WHERE valeur >= 0 AND valeur <> floor(valeur) AND coalesce(unite, '') <> '%'
        )"""
    names = ref.territory_names()
    units = dict(zip(ref.indicateurs["code"], ref.indicateurs["unite"]))
    natures = dict(zip(ref.indicateurs["code"], ref.indicateurs["nature"]))
    perimetre = ", ".join(f"{c} ({names.get(c, c)})" for c in (allowed or [])) or "aucun territoire"
    row_units = {}

    def make(r: dict) -> Problem:
        code, value = r["code"], r["valeur"]
        params: dict = {}
        if code == "territoire-inconnu":
            params["suggestion"] = ref.suggest_territory(value)
        elif code == "territoire-hors-perimetre":
            params["perimetre"] = perimetre
        elif code == "indicateur-inconnu":
            params["suggestion"] = ref.suggest_indicator(value)
        elif code == "indicateur-derive":
            ind = str(value).strip().lower()
            params.update(nature=natures[ind], bases=ref.derived_bases(ind))
        elif code == "trimestre-invalide":
            params["formes"] = quarters.ACCEPTED_FORMS
        elif code in ("trimestre-futur", "trimestre-trop-ancien"):
            params.update(trimestre=quarters.parse(value), courant=current, annee=first_year)
        elif code in ("valeur-negative", "valeur-non-entiere"):
            params["unite"] = row_units.get(r["ligne"], "unités")
        return Problem(code, line=r["ligne"], column=r["colonne"], value=value, params=params)

    # units for value messages: one query for the few lines concerned
    unit_rows = con.execute(
        "SELECT ligne, unite FROM chk WHERE valeur < 0 OR (valeur <> floor(valeur)) LIMIT 1000"
    ).fetchall()
    row_units.update({ln: u or "unités" for ln, u in unit_rows})
    collect(con, report, sql, make)
    _duplicates(con, report)
    result.non_renseignees = con.execute(
        "SELECT count(*) FROM chk WHERE non_renseigne AND territoire_connu"
    ).fetchall()[0][0]
    if report.ok:
        result.batch = con.sql(
            """
            SELECT territoire, indicateur, trimestre, arg_min(valeur, ligne) AS valeur,
                   arg_min(commentaire, ligne) AS commentaire, arg_min(source, ligne) AS source,
                   min(ligne) AS ligne
            FROM chk WHERE NOT non_renseigne
            GROUP BY territoire, indicateur, trimestre
            """
        ).to_arrow_table()
    del units
    return result


def _duplicates(con: duckdb.DuckDBPyConnection, report: Report) -> None:
    sql = """
        WITH ok AS (
            SELECT ligne, territoire, indicateur, trimestre, valeur, valeur_brut, colonne_valeur FROM chk
            WHERE valeur IS NOT NULL AND territoire_connu AND nature IS NOT NULL AND trimestre IS NOT NULL
        ),
        firsts AS (
            SELECT territoire, indicateur, trimestre, min(ligne) AS premiere,
                   arg_min(valeur, ligne) AS premiere_valeur, arg_min(valeur_brut, ligne) AS premiere_brute
            FROM ok GROUP BY ALL HAVING count(DISTINCT valeur) > 1
        )
        SELECT ok.ligne, ok.colonne_valeur AS colonne, ok.valeur_brut AS valeur, 'doublon-contradictoire' AS code,
               f.premiere, f.premiere_brute
        FROM ok JOIN firsts f USING (territoire, indicateur, trimestre)
        WHERE ok.ligne > f.premiere AND ok.valeur <> f.premiere_valeur
    """
    collect(
        con, report, sql,
        lambda r: Problem(r["code"], line=r["ligne"], column=r["colonne"], value=r["valeur"],
                          params={"autre_ligne": r["premiere"], "autre_valeur": r["premiere_brute"]}),
    )
