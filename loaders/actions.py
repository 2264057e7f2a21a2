"""Validation of actions files (format-suivi.md, « fichier des actions »), set-wise in DuckDB, with
the rules as data (loaders/rules.py) like every other kind: one row per action and, when it has a
statut, its status point of a quarter."""

from __future__ import annotations

import datetime as dt

import duckdb

from core import quarters
from core.parameters import PREMIERE_ANNEE_ACCEPTEE
from data import store
from data.actions import LIBELLES_STATUTS
from data.registre import AVANCEMENT_MAX, AXE_MAX, AXE_MIN, STATUTS_ACTION
from loaders.headers import ACTIONS, Layout
from loaders.problems import Report
from loaders.reading import RawTable
from loaders.reference_data import ReferenceData, Table
from loaders.rules import (VIDE, Regle, RegleLigne, appliquer, au_plus, doublon, obligatoire, perimetre, regles_territoire,
                            trimestre, trimestre_depuis, trimestre_jusqu_a)
from loaders.validation import Validated

FORMES_DATE = "AAAA-MM-JJ (2024-01-15), JJ/MM/AAAA (15/01/2024) ou une cellule date d'Excel"
STATUTS_ACCEPTES = ", ".join(LIBELLES_STATUTS[s] for s in STATUTS_ACTION)
DESCRIPTION = ("intitule", "axe", "pilote", "partenaires", "debut", "fin")  # what a line says of its action

# a date cell: ISO (an Excel date cell reads as 2024-01-15T00:00:00) or French day/month/year
_DATE_MACRO = r"""
    CREATE OR REPLACE TEMP MACRO lda_date(s) AS CASE
        WHEN regexp_full_match(trim(s), '[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+)?')
        THEN CAST(try_strptime(left(trim(s), 10), '%Y-%m-%d') AS DATE)
        WHEN regexp_full_match(trim(s), '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}')
        THEN CAST(try_strptime(trim(s), '%d/%m/%Y') AS DATE)
    END"""


def validate_actions(raw: RawTable, layout: Layout, ref: ReferenceData, con: duckdb.DuckDBPyConnection, report: Report,
                     allowed_territories: set[str] | None = None, today: dt.date | None = None) -> Validated:
    """Check an actions file; the valid rows become the batch when there is no error."""
    result = Validated(raw, ACTIONS, None, report)
    pos, h = layout.positions, raw.header

    def col(name: str) -> str:
        return f"c{pos[name]}" if name in pos else "NULL::VARCHAR"

    def text(name: str) -> str:
        return f"CASE WHEN lda_nr({col(name)}) THEN NULL ELSE trim({col(name)}) END"

    con.execute(_DATE_MACRO)
    store.register(con, "ref_territoire", ref.territoires[["code", "nom"]])
    stored = ref.actions if ref.actions is not None else Table(
        {"territoire": [], "ref_action": [], "debut": [], "fin": []},
        {"territoire": "VARCHAR", "ref_action": "VARCHAR", "debut": "DATE", "fin": "DATE"})
    store.register(con, "ref_action_stockee", stored)
    default_quarter = quarters.last_complete(today)
    statut_key = f"regexp_replace(lower(strip_accents(trim({col('statut')}))), '[\\s_-]+', '_', 'g')"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE chk AS
        SELECT b.ligne,
               {col('code_territoire')} AS territoire_brut, trim({col('code_territoire')}) AS territoire,
               t.code IS NOT NULL AS territoire_connu,
               {col('ref_action')} AS ref_action_brut, trim({col('ref_action')}) AS ref_action,
               {col('intitule')} AS intitule_brut, {text('intitule')} AS intitule,
               {col('axe')} AS axe_brut,
               CASE WHEN regexp_full_match(trim({col('axe')}), '[0-9]{{1,2}}') THEN CAST(trim({col('axe')}) AS INTEGER) END AS axe,
               {text('pilote')} AS pilote, {text('partenaires')} AS partenaires,
               {col('debut')} AS debut_brut, lda_date({col('debut')}) AS debut,
               {col('fin')} AS fin_brut, lda_date({col('fin')}) AS fin,
               {col('statut')} AS statut_brut,
               CASE WHEN list_contains($statuts, {statut_key}) THEN {statut_key} END AS statut,
               {col('avancement')} AS avancement_brut,
               CASE WHEN regexp_full_match(trim({col('avancement')}), '[0-9]{{1,3}}\\s*%?')
                    THEN CAST(regexp_extract(trim({col('avancement')}), '^([0-9]+)', 1) AS INTEGER) END AS avancement,
               {col('trimestre')} AS trimestre_brut,
               CASE WHEN lda_nr({col('trimestre')}) THEN $defaut ELSE lda_trimestre({col('trimestre')}) END AS trimestre,
               {text('commentaire')} AS commentaire,
               s.ref_action IS NOT NULL AS action_connue, s.debut AS debut_stocke, s.fin AS fin_stocke
        FROM brut b
        LEFT JOIN ref_territoire t ON t.code = trim({col('code_territoire')})
        LEFT JOIN ref_action_stockee s ON s.territoire = trim({col('code_territoire')})
             AND s.ref_action = trim({col('ref_action')})
        """,
        {"statuts": list(STATUTS_ACTION), "defaut": default_quarter},
    )
    con.execute(
        """CREATE OR REPLACE TEMP TABLE chk2 AS
           SELECT *, coalesce(debut, debut_stocke) AS debut_effectif, coalesce(fin, fin_stocke) AS fin_effective,
                  max(intitule) OVER (PARTITION BY territoire, ref_action) AS intitule_action
           FROM chk""")
    perimetre(con, allowed_territories)
    appliquer(con, report, _regles(ref, allowed_territories, today), "chk2", {name: h[pos[name]] for name in pos})
    if not report.ok:
        return result
    result.batch = con.sql(
        """SELECT territoire, ref_action, intitule, axe, pilote, partenaires, debut, fin, statut, avancement,
                  trimestre, commentaire, ligne
           FROM chk2 ORDER BY ligne""").to_arrow_table()
    return result


_FIN_AVANT_DEBUT = """
    SELECT ligne, coalesce(fin_brut, strftime(fin_effective, '%d/%m/%Y')),
           strftime(debut_effectif, '%d/%m/%Y'), strftime(fin_effective, '%d/%m/%Y')
    FROM chk2 WHERE fin_effective < debut_effectif AND NOT (fin IS NULL AND debut IS NULL)"""


def _regles(ref: ReferenceData, allowed_territories: set[str] | None, today: dt.date | None) -> list:
    """The actions file's rules over ``chk2`` (each cell as written ``<col>_brut``, parsed ``<col>``)."""
    regles: list = regles_territoire(ref, allowed_territories)
    regles += [
        obligatoire("ref_action", vide=VIDE),
        obligatoire("intitule", code="intitule-obligatoire", si="NOT action_connue AND intitule_action IS NULL"),
        obligatoire("axe"),
        Regle("axe-invalide", "axe", "NOT lda_nr({c}) AND ({n} IS NULL OR {n} NOT BETWEEN $min AND $max)",
              {"min": AXE_MIN, "max": AXE_MAX}, details=lambda r: {"min": AXE_MIN, "max": AXE_MAX}),
    ]
    for name in ("debut", "fin"):
        regles.append(Regle("date-invalide", name, "NOT lda_nr({c}) AND {n} IS NULL",
                            details=lambda r: {"formes": FORMES_DATE}))
    regles += [
        RegleLigne("fin-avant-debut", "fin", _FIN_AVANT_DEBUT, ("autre_debut", "autre_fin"),
                   details=lambda r: {"debut": r["autre_debut"], "fin": r["autre_fin"]}),
        Regle("statut-inconnu", "statut", "NOT lda_nr({c}) AND {n} IS NULL",
              details=lambda r: {"statuts": STATUTS_ACCEPTES}),
        obligatoire("statut", code="statut-manquant", si="NOT lda_nr(avancement_brut) OR commentaire IS NOT NULL"),
        Regle("avancement-invalide", "avancement", "NOT lda_nr({c}) AND {n} IS NULL"),
        au_plus("avancement", "pourcentage-hors-bornes", AVANCEMENT_MAX),
        trimestre("trimestre", details=lambda r: {"formes": quarters.ACCEPTED_FORMS}),
        trimestre_depuis("trimestre", f"{PREMIERE_ANNEE_ACCEPTEE}-T1",
                         details=lambda r: {"trimestre": quarters.parse(r["valeur"]), "annee": PREMIERE_ANNEE_ACCEPTEE}),
        trimestre_jusqu_a("trimestre", quarters.current(today),
                          details=lambda r: {"trimestre": quarters.parse(r["valeur"]), "courant": quarters.current(today)}),
        doublon("doublon-action", "ref_action", "chk2", ("territoire", "ref_action", "trimestre"), "ref_action_brut",
                champs={"autre_trimestre": "c.trimestre"},
                details=lambda r: {"autre_ligne": r["autre_ligne"], "trimestre": r["autre_trimestre"]}),
        # two lines of one action (two quarters) that describe it differently: which one to keep is not ours to guess
        doublon("action-incoherente", "ref_action", "chk2", ("territoire", "ref_action"), "ref_action_brut",
                differe="p.trimestre IS DISTINCT FROM c.trimestre AND (" + " OR ".join(
                    f"(c.{f} IS NOT NULL AND p.{f} IS NOT NULL AND c.{f} <> p.{f})" for f in DESCRIPTION) + ")",
                details=lambda r: {"autre_ligne": r["autre_ligne"]}),
    ]
    return regles
