"""Validation of roadmap files (one row per territory and indicator), set-wise in DuckDB."""

from __future__ import annotations

import duckdb

from data import store
from core import quarters
from core.formatting import plain
from core.parameters import PREMIERE_ANNEE_ACCEPTEE
from loaders.headers import ROADMAP, Layout
from loaders.problems import Problem, Report
from loaders.reading import RawTable
from loaders.reference_data import ReferenceData
from loaders.rules import (perimetre, Regle, RegleLigne, appliquer, au_plus, code_connu, nombre, obligatoire, positif,
                            regles_territoire, trimestre, trimestre_depuis)
from loaders.validation import Validated

NUMBER_COLUMNS = ("valeur_base", "cible", "jalon_an1")


def validate_roadmap(
    raw: RawTable,
    layout: Layout,
    ref: ReferenceData,
    con: duckdb.DuckDBPyConnection,
    report: Report,
    allowed_territories: set[str] | None = None,
) -> Validated:
    """Check a roadmap file; the valid rows become the batch when there is no error."""
    result = Validated(raw, ROADMAP, None, report)
    pos, h = layout.positions, raw.header

    def col(name: str) -> str:
        return f"c{pos[name]}" if name in pos else "NULL::VARCHAR"

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
    perimetre(con, allowed_territories)
    regles = _regles(con, ref, allowed_territories)
    appliquer(con, report, regles, "chk2", {name: h[pos[name]] for name in pos})
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


# a stock or a rate is measured from its base to its target
STOCK = "nature IN ('stock', 'ratio')"
# the window's two quarters of a row, and the first row of its territory
_FENETRE_INVALIDE = "SELECT ligne, fin_brut, debut, fin FROM chk2 WHERE fin <= debut"
_FENETRE_INCOHERENTE = """
    SELECT ligne, debut_brut, ligne_ref, debut_ref, fin_ref FROM chk2
    WHERE territoire_connu AND ligne <> ligne_ref AND (debut IS DISTINCT FROM debut_ref OR fin IS DISTINCT FROM fin_ref)"""
_DOUBLON = """
    SELECT c.ligne, c.indicateur_brut, min(p.ligne)
    FROM chk2 c JOIN chk2 p ON p.territoire = c.territoire AND p.indicateur = c.indicateur AND p.ligne < c.ligne
    WHERE (c.debut, c.fin, c.valeur_base, c.periode_base, c.cible, c.jalon_an1)
          IS DISTINCT FROM (p.debut, p.fin, p.valeur_base, p.periode_base, p.cible, p.jalon_an1)
    GROUP BY c.ligne, c.indicateur_brut"""


def _regles(con: duckdb.DuckDBPyConnection, ref: ReferenceData, allowed_territories: set[str] | None) -> list:
    """The roadmap's rules over ``chk2`` (one row per file row: each cell as written ``<col>_brut``,
    parsed ``<col>``, numbers as the macros read them ``<col>_net``)."""
    first_year = f"{PREMIERE_ANNEE_ACCEPTEE}-T1"

    def figures(r: dict) -> dict:
        row = con.execute("SELECT nature, cible, valeur_base, unite FROM chk2 WHERE ligne = ?", [r["ligne"]]).fetchall()[0]
        return {"nature": row[0], "cible": plain(row[1]), "base": plain(row[2]), "unite": row[3] or "unités"}

    def incoherente(r: dict) -> dict:
        debut, fin = con.execute("SELECT debut, fin FROM chk2 WHERE ligne = ?", [r["ligne"]]).fetchall()[0]
        return {"debut": debut, "fin": fin, "autre_debut": r["autre_debut"], "autre_fin": r["autre_fin"],
                "autre_ligne": r["autre_ligne"]}

    regles: list = regles_territoire(ref, allowed_territories)
    regles += [
        obligatoire("indicateur"),
        code_connu("indicateur", "indicateur-inconnu", "indicateur IS NOT NULL",
                   details=lambda r: {"suggestion": ref.suggest_indicator(r["valeur"])}),
    ]
    for name in ("debut", "fin"):
        regles += [
            obligatoire(name),
            trimestre(name, details=lambda r: {"formes": quarters.ACCEPTED_FORMS}),
            trimestre_depuis(name, first_year, details=lambda r: {"trimestre": quarters.parse(r["valeur"]),
                                                                  "annee": PREMIERE_ANNEE_ACCEPTEE}),
        ]
    regles += [
        RegleLigne("fenetre-invalide", "fin", _FENETRE_INVALIDE, ("autre_debut", "autre_fin"),
                   details=lambda r: {"debut": r["autre_debut"], "fin": r["autre_fin"]}),
        RegleLigne("fenetre-incoherente", "debut", _FENETRE_INCOHERENTE, ("autre_ligne", "autre_debut", "autre_fin"),
                   details=incoherente),
    ]
    for name in NUMBER_COLUMNS:
        regles += [
            # the target is required, and the baseline of a stock or a rate (base-manquante)
            *([nombre(name, forme=f"{name}_net", vide_permis=False, si=STOCK),
               nombre(name, forme=f"{name}_net", si=f"NOT coalesce({STOCK}, false)")] if name == "valeur_base"
              else [nombre(name, forme=f"{name}_net", vide_permis=name != "cible")]),
            positif(name, details=figures),
            au_plus(name, "pourcentage-hors-bornes", 100, si="nature = 'ratio'"),
        ]
    regles += [
        obligatoire("cible"),
        obligatoire("valeur_base", code="base-manquante", si=STOCK, details=figures),
        Regle("cible-egale-base", "cible", "{n} = valeur_base", si=STOCK, details=figures),
        Regle("cible-baisse-stock", "cible", "{n} > valeur_base", si=f"{STOCK} AND sens = 'baisse'", details=figures),
        RegleLigne("doublon-feuille", "indicateur", _DOUBLON, ("autre_ligne",),
                   details=lambda r: {"autre_ligne": r["autre_ligne"]}),
    ]
    return regles


def _n_sql() -> str:
    return "((CAST(substr(fin, 1, 4) AS INTEGER) - CAST(substr(debut, 1, 4) AS INTEGER)) * 4 + CAST(substr(fin, 7, 1) AS INTEGER) - CAST(substr(debut, 7, 1) AS INTEGER) + 1)"

