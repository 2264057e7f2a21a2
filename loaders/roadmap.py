"""Validation of roadmap files (one row per territory and indicator), set-wise in DuckDB."""

from __future__ import annotations

import duckdb

from data import store
from indicators import quarters
from indicators.parametres import PREMIERE_ANNEE_ACCEPTEE
from loaders.headers import ROADMAP, Layout
from loaders.problems import Problem, Report
from loaders.reading import RawTable
from loaders.referentiel import Referentiel
from loaders.validation import Validated, collect, sql_text

NUMBER_COLUMNS = ("valeur_base", "cible", "jalon_an1")


def validate_roadmap(
    raw: RawTable,
    layout: Layout,
    ref: Referentiel,
    con: duckdb.DuckDBPyConnection,
    report: Report,
    allowed_territories: set[str] | None = None,
) -> Validated:
    """Check a roadmap file; the valid rows become the batch when there is no error."""
    result = Validated(raw, ROADMAP, None, report)
    pos, h = layout.positions, raw.header

    def col(name: str) -> str:
        return f"c{pos[name]}" if name in pos else "NULL::VARCHAR"

    def header(name: str) -> str:
        return sql_text(h[pos[name]] if name in pos else name)

    store.register(con, "ref_territoire", ref.territoires[["code", "nom"]])
    store.register(con, "ref_indicateur", ref.indicateurs[["code", "nature", "sens", "unite"]])
    # a ratio's target may be written "25 %": the sign is dropped for ratio rows only
    def number(name: str) -> str:
        cell = col(name)
        return (f"CASE WHEN i.nature = 'ratio' THEN regexp_replace({cell}, '\\s*%\\s*$', '') ELSE {cell} END")

    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE chk AS
        SELECT b.ligne,
               {col('code_territoire')} AS territoire_brut, trim({col('code_territoire')}) AS territoire,
               t.code IS NOT NULL AS territoire_connu,
               {col('indicateur')} AS indicateur_brut, i.code AS indicateur, i.nature, i.sens, i.unite,
               {col('debut')} AS debut_brut, lda_trimestre({col('debut')}) AS debut,
               {col('fin')} AS fin_brut, lda_trimestre({col('fin')}) AS fin,
               {col('periode_base')} AS periode_base,
               {col('valeur_base')} AS valeur_base_brut, {number('valeur_base')} AS valeur_base_net,
               {col('cible')} AS cible_brut, {number('cible')} AS cible_net,
               {col('jalon_an1')} AS jalon_an1_brut, {number('jalon_an1')} AS jalon_an1_net
        FROM brut b
        LEFT JOIN ref_territoire t ON t.code = trim({col('code_territoire')})
        LEFT JOIN ref_indicateur i ON i.code = lower(trim({col('indicateur')}))
        """
    )
    con.sql(
        """
        CREATE OR REPLACE TEMP TABLE chk2 AS
        SELECT *, lda_nombre(valeur_base_net) AS valeur_base, lda_nombre(cible_net) AS cible,
               lda_nombre(jalon_an1_net) AS jalon_an1,
               first(debut ORDER BY ligne) OVER (PARTITION BY territoire) AS debut_ref,
               first(fin ORDER BY ligne) OVER (PARTITION BY territoire) AS fin_ref,
               first(ligne ORDER BY ligne) OVER (PARTITION BY territoire) AS ligne_ref
        FROM chk
        """
    )
    number_rules = []
    for name in NUMBER_COLUMNS:
        hc = header(name)
        number_rules.append(f"""
        UNION ALL SELECT ligne, {hc}, {name}_brut, lda_erreur_nombre({name}_net) FROM chk2
            WHERE lda_erreur_nombre({name}_net) IS NOT NULL
        UNION ALL SELECT ligne, {hc}, {name}_brut, 'valeur-negative' FROM chk2 WHERE {name} < 0
        UNION ALL SELECT ligne, {hc}, {name}_brut, 'pourcentage-hors-bornes' FROM chk2
            WHERE nature = 'ratio' AND {name} > 100""")
    scope = ""
    if allowed_territories is not None:
        con.execute("CREATE OR REPLACE TEMP TABLE perimetre AS SELECT unnest(?::VARCHAR[]) AS code",
                    [sorted(allowed_territories)])
        scope = f"""UNION ALL SELECT ligne, {header('code_territoire')}, territoire_brut, 'territoire-hors-perimetre'
            FROM chk2 WHERE territoire_connu AND territoire NOT IN (SELECT code FROM perimetre)"""
    first_year = f"{PREMIERE_ANNEE_ACCEPTEE}-T1"
    quarter_rules = []
    for name in ("debut", "fin"):
        hc = header(name)
        quarter_rules.append(f"""
        UNION ALL SELECT ligne, {hc}, {name}_brut, 'cellule-obligatoire' FROM chk2 WHERE lda_nr({name}_brut)
        UNION ALL SELECT ligne, {hc}, {name}_brut, 'trimestre-invalide' FROM chk2 WHERE NOT lda_nr({name}_brut) AND {name} IS NULL
        UNION ALL SELECT ligne, {hc}, {name}_brut, 'trimestre-trop-ancien' FROM chk2 WHERE {name} < '{first_year}'""")
    sql = f"""
        SELECT DISTINCT * FROM (
        SELECT ligne, {header('code_territoire')} AS colonne, territoire_brut AS valeur, 'cellule-obligatoire' AS code,
               NULL AS autre_ligne, NULL AS autre_debut, NULL AS autre_fin
            FROM chk2 WHERE lda_nr(territoire_brut)
        UNION ALL SELECT ligne, {header('code_territoire')}, territoire_brut, 'territoire-inconnu', NULL, NULL, NULL
            FROM chk2 WHERE NOT territoire_connu AND NOT lda_nr(territoire_brut)
        {scope.replace("'territoire-hors-perimetre'", "'territoire-hors-perimetre', NULL, NULL, NULL")}
        UNION ALL SELECT ligne, {header('indicateur')}, indicateur_brut, 'cellule-obligatoire', NULL, NULL, NULL
            FROM chk2 WHERE lda_nr(indicateur_brut)
        UNION ALL SELECT ligne, {header('indicateur')}, indicateur_brut, 'indicateur-inconnu', NULL, NULL, NULL
            FROM chk2 WHERE NOT lda_nr(indicateur_brut) AND indicateur IS NULL
        {''.join(r.replace(" FROM chk2", ", NULL, NULL, NULL FROM chk2") for r in quarter_rules)}
        UNION ALL SELECT ligne, {header('fin')}, fin_brut, 'fenetre-invalide', NULL, debut, fin
            FROM chk2 WHERE fin <= debut
        UNION ALL SELECT ligne, {header('debut')}, debut_brut, 'fenetre-incoherente', ligne_ref, debut_ref, fin_ref
            FROM chk2 WHERE territoire_connu AND ligne <> ligne_ref
             AND (debut IS DISTINCT FROM debut_ref OR fin IS DISTINCT FROM fin_ref)
        {''.join(r.replace(" FROM chk2", ", NULL, NULL, NULL FROM chk2") for r in number_rules)}
        UNION ALL SELECT ligne, {header('cible')}, cible_brut, 'cellule-obligatoire', NULL, NULL, NULL
            FROM chk2 WHERE lda_nr(cible_brut)
        UNION ALL SELECT ligne, {header('valeur_base')}, valeur_base_brut, 'base-manquante', NULL, NULL, NULL
            FROM chk2 WHERE nature IN ('stock', 'ratio') AND lda_nr(valeur_base_brut)
        UNION ALL SELECT ligne, {header('cible')}, cible_brut, 'cible-egale-base', NULL, NULL, NULL
            FROM chk2 WHERE nature IN ('stock', 'ratio') AND cible = valeur_base
        UNION ALL SELECT ligne, {header('cible')}, cible_brut, 'cible-baisse-stock', NULL, NULL, NULL
            FROM chk2 WHERE nature IN ('stock', 'ratio') AND sens = 'baisse' AND cible > valeur_base
        UNION ALL SELECT c.ligne, {header('indicateur')}, c.indicateur_brut, 'doublon-feuille', min(p.ligne), NULL, NULL
            FROM chk2 c JOIN chk2 p ON p.territoire = c.territoire AND p.indicateur = c.indicateur AND p.ligne < c.ligne
            WHERE (c.debut, c.fin, c.valeur_base, c.periode_base, c.cible, c.jalon_an1)
                  IS DISTINCT FROM (p.debut, p.fin, p.valeur_base, p.periode_base, p.cible, p.jalon_an1)
            GROUP BY c.ligne, c.indicateur_brut
        )"""
    names = ref.territory_names()

    def make(r: dict) -> Problem:
        code, value = r["code"], r["valeur"]
        params: dict = {}
        if code == "territoire-inconnu":
            params["suggestion"] = ref.suggest_territory(value)
        elif code == "territoire-hors-perimetre":
            params["perimetre"] = ", ".join(f"{c} ({names.get(c, c)})" for c in sorted(allowed_territories or []))
        elif code == "indicateur-inconnu":
            params["suggestion"] = ref.suggest_indicator(value)
        elif code == "trimestre-invalide":
            params["formes"] = quarters.ACCEPTED_FORMS
        elif code == "trimestre-trop-ancien":
            params.update(trimestre=quarters.parse(value), annee=PREMIERE_ANNEE_ACCEPTEE)
        elif code == "fenetre-invalide":
            params.update(debut=r["autre_debut"], fin=r["autre_fin"])
        elif code == "fenetre-incoherente":
            row = con.execute("SELECT debut, fin FROM chk2 WHERE ligne = ?", [r["ligne"]]).fetchall()[0]
            params.update(debut=row[0], fin=row[1], autre_debut=r["autre_debut"], autre_fin=r["autre_fin"],
                          autre_ligne=r["autre_ligne"])
        elif code in ("doublon-feuille",):
            params["autre_ligne"] = r["autre_ligne"]
        elif code in ("base-manquante", "cible-egale-base", "cible-baisse-stock", "valeur-negative"):
            row = con.execute("SELECT nature, cible, valeur_base, unite FROM chk2 WHERE ligne = ?", [r["ligne"]]).fetchall()[0]
            params.update(nature=row[0], cible=_fmt(row[1]), base=_fmt(row[2]), unite=row[3] or "unités")
        return Problem(code, line=r["ligne"], column=r["colonne"], value=value, params=params)

    collect(con, report, sql, make)
    if not report.ok:
        return result
    # warnings: milestone of a short roadmap, renewal of the current roadmap
    for ligne, n in con.execute(
        "SELECT ligne, lda_n(debut, fin) FROM chk2 WHERE jalon_an1 IS NOT NULL AND lda_n(debut, fin) <= 4 ORDER BY ligne"
        .replace("lda_n(debut, fin)", _n_sql())
    ).fetchall():
        report.add(Problem("jalon-ignore", line=ligne, column=h[pos["jalon_an1"]], params={"n": n}))
    if ref.roadmaps is not None and len(ref.roadmaps):
        store.register(con, "ref_feuille", ref.roadmaps)
        for ligne, debut, fin, adeb, afin in con.execute(
            """
            SELECT min(c.ligne), c.debut, c.fin, f.debut, f.fin FROM chk2 c JOIN ref_feuille f ON f.territoire = c.territoire
            WHERE (c.debut, c.fin) <> (f.debut, f.fin) GROUP BY c.territoire, c.debut, c.fin, f.debut, f.fin ORDER BY 1
            """
        ).fetchall():
            report.add(Problem("renouvellement", line=ligne, params={"debut": debut, "fin": fin,
                                                                        "ancien_debut": adeb, "ancien_fin": afin}))
    result.batch = con.sql(
        """
        SELECT territoire, indicateur, debut, fin, valeur_base, nullif(trim(periode_base), '') AS periode_base,
               cible, jalon_an1, min(ligne) AS ligne
        FROM chk2 GROUP BY ALL
        """
    ).to_arrow_table()
    return result


def _n_sql() -> str:
    return "((CAST(substr(fin, 1, 4) AS INTEGER) - CAST(substr(debut, 1, 4) AS INTEGER)) * 4 + CAST(substr(fin, 7, 1) AS INTEGER) - CAST(substr(debut, 7, 1) AS INTEGER) + 1)"


def _fmt(x) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else str(x).replace(".", ",")
