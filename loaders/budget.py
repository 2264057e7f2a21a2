"""Validation of budget files (fiche 5, format-suivi.md), set-wise in DuckDB with the rules as data
(loaders/rules.py), and the checks that never block the upload: engaged above planned, paid above
engaged (from the file), the 50/50 of the coordinator post and the State AMI lines above the
credits notified (from the file over what is stored: indicators/budget.py)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from core.parameters import PREMIERE_ANNEE_ACCEPTEE
from data import budget as budget_store
from data import store
from data.registre import FINANCEURS, LIBELLES_FINANCEURS, LIBELLES_POSTES, TERRITOIRE
from data.uploads import Outcome, UploadMeta
from indicators import budget as calcul
from loaders.headers import BUDGET, Layout, key
from loaders.problems import Problem, Report
from loaders.reading import RawTable
from loaders.reference_data import ReferenceData
from loaders.rules import NR, Regle, appliquer, code_connu, doublon, nombre, obligatoire, perimetre, regles_territoire
from loaders.validation import Validated

MONTANTS = ("prevu", "engage", "verse")
HORIZON_ANNEES = 2  # a budget may be planned up to two exercices ahead (fiche 5: a two-year budget)
# the SQL twin of loaders.headers.key(): lower case, no accents, letters and digits only
_KEY_SQL = "regexp_replace(lower(strip_accents(trim({x}))), '[^a-z0-9]', '', 'g')"


def _lookup(labels: dict[str, str]) -> pd.DataFrame:
    """Every accepted spelling's key -> code: the code itself and its French label."""
    rows = {}
    for code, label in labels.items():
        rows[key(code)] = code
        rows[key(label)] = code
    return pd.DataFrame({"cle": list(rows), "code": list(rows.values())})


def validate_budget(raw: RawTable, layout: Layout, ref: ReferenceData, con: duckdb.DuckDBPyConnection, report: Report,
                    allowed_territories: set[str] | None = None, today: dt.date | None = None) -> Validated:
    """Check a budget file; without error, its lines (one per key) become the batch, and the
    file's own warnings are in ``report``."""
    result = Validated(raw, BUDGET, None, report)
    pos, h = layout.positions, raw.header

    def col(name: str) -> str:
        return f"c{pos[name]}" if name in pos else "NULL::VARCHAR"

    store.register(con, "ref_territoire", ref.territoires[["code", "nom"]])
    store.register(con, "ref_poste", _lookup(LIBELLES_POSTES))
    store.register(con, "ref_financeur", _lookup(LIBELLES_FINANCEURS))
    # a trailing € (and the spaces around it) is accepted: the number is read without it
    amounts = ",\n".join(
        f"{col(m)} AS {m}_brut, regexp_replace(trim({col(m)}), '\\s*€$', '') AS {m}_net" for m in MONTANTS)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE chk0 AS
        SELECT b.ligne, {col('code_territoire')} AS territoire_brut, trim({col('code_territoire')}) AS territoire,
               t.code IS NOT NULL AS territoire_connu,
               {col('exercice')} AS exercice_brut,
               CASE WHEN regexp_full_match(trim({col('exercice')}), '[0-9]{{4}}')
                    THEN CAST(trim({col('exercice')}) AS INTEGER) END AS exercice,
               {col('poste')} AS poste_brut, p.code AS poste,
               {col('financeur')} AS financeur_brut, f.code AS financeur,
               {amounts}, nullif(trim({col('commentaire')}), '') AS commentaire
        FROM brut b
        LEFT JOIN ref_territoire t ON t.code = trim({col('code_territoire')})
        LEFT JOIN ref_poste p ON p.cle = {_KEY_SQL.format(x=col('poste'))}
        LEFT JOIN ref_financeur f ON f.cle = {_KEY_SQL.format(x=col('financeur'))}
        """
    )
    # a line whose three amounts are empty says nothing (a template line left blank): not read
    blank = " AND ".join(f"lda_nr({m}_net)" for m in MONTANTS)
    result.non_renseignees = con.execute(f"SELECT count(*) FROM chk0 WHERE {blank}").fetchall()[0][0]
    con.execute("CREATE OR REPLACE TEMP TABLE chk AS SELECT *, "
                + ", ".join(f"CASE WHEN NOT lda_nr({m}_net) THEN lda_nombre({m}_net) END AS {m}" for m in MONTANTS)
                + f" FROM chk0 WHERE NOT ({blank})")
    perimetre(con, allowed_territories)
    appliquer(con, report, _regles(ref, allowed_territories, today), "chk", {name: h[pos[name]] for name in pos})
    if not report.ok:
        return result
    for ligne, colonne, valeur, code, params in _file_warnings(con, h, pos):
        report.add(Problem(code, line=ligne, column=colonne, value=valeur, params=params))
    result.batch = con.sql(
        """SELECT territoire, exercice, poste, financeur,
                  CAST(prevu AS DECIMAL(14, 2)) AS prevu, CAST(engage AS DECIMAL(14, 2)) AS engage,
                  CAST(verse AS DECIMAL(14, 2)) AS verse,
                  first(commentaire ORDER BY ligne) FILTER (WHERE commentaire IS NOT NULL) AS commentaire,
                  min(ligne) AS ligne
           FROM chk GROUP BY territoire, exercice, poste, financeur, prevu, engage, verse ORDER BY ligne"""
    ).to_arrow_table()
    return result


def _regles(ref: ReferenceData, allowed_territories: set[str] | None, today: dt.date | None) -> list:
    """The budget file's rules over ``chk`` (each cell as written ``<col>_brut``, parsed ``<col>``,
    amounts as read without their € ``<col>_net``)."""
    last_year = (today or dt.date.today()).year + HORIZON_ANNEES
    regles: list = regles_territoire(ref, allowed_territories)
    bornes = {"premiere": PREMIERE_ANNEE_ACCEPTEE, "derniere": last_year}
    regles += [
        obligatoire("exercice"),
        Regle("exercice-invalide", "exercice", f"NOT ({NR}) AND {{n}} IS NULL"),
        Regle("exercice-hors-bornes", "exercice", "{n} < $premiere OR {n} > $derniere", bornes,
              details=lambda r: bornes),
        obligatoire("poste"),
        code_connu("poste", "poste-inconnu", "poste IS NOT NULL",
                   details=lambda r: {"postes": ", ".join(f"{c} ({lib})" for c, lib in LIBELLES_POSTES.items())}),
        obligatoire("financeur"),
        code_connu("financeur", "financeur-inconnu", "financeur IS NOT NULL",
                   details=lambda r: {"financeurs": ", ".join(FINANCEURS)}),
        obligatoire("prevu", code="montant-obligatoire"),
    ]
    for m in MONTANTS:
        regles += [
            nombre(m, forme=f"{m}_net", vide_permis=m != "prevu"),
            Regle("montant-negatif", m, "{n} < 0"),
            # on the text: a float times 100 is not exact (0,29 * 100 = 28,999...)
            Regle("montant-centimes", m, f"{{n}} >= 0 AND regexp_matches({m}_net, '[.,][0-9]{{3,}}$')"),
        ]
    regles.append(doublon("doublon-budget", "prevu", "chk", budget_store.CLE, "prevu_brut",
                          differe="(c.prevu, c.engage, c.verse) IS DISTINCT FROM (p.prevu, p.engage, p.verse)",
                          details=lambda r: {"autre_ligne": r["autre_ligne"]}))
    return regles


def _file_warnings(con, header: list[str], pos: dict[str, int]) -> list[tuple]:
    """(ligne, colonne, valeur, code, params) of engaged above planned and paid above engaged."""
    found = []
    for ligne, brut, engage, prevu in con.execute(
            "SELECT ligne, engage_brut, engage, prevu FROM chk WHERE engage > prevu ORDER BY ligne").fetchall():
        found.append((ligne, header[pos["engage"]], brut, "engage-superieur-prevu",
                      {"engage": calcul.euros(engage), "prevu": calcul.euros(prevu)}))
    for ligne, brut, verse, engage in con.execute(
            "SELECT ligne, verse_brut, verse, engage FROM chk WHERE verse > engage ORDER BY ligne").fetchall():
        found.append((ligne, header[pos["verse"]], brut, "verse-superieur-engage",
                      {"verse": calcul.euros(verse), "engage": calcul.euros(engage)}))
    return found


def store_warnings(con: duckdb.DuckDBPyConnection, batch) -> list[Problem]:
    """The checks of the lines as they will stand once ``batch`` is stored (the batch over the
    stored lines of its territories and exercices): the coordinator post's 50/50, for each
    territory and exercice whose coordination lines the batch touches, and the State AMI lines
    above the notified credits."""
    new = batch.to_pandas()
    if new.empty:
        return []
    stored = budget_store.lignes_agregees(con)
    keys = set(zip(new["territoire"], new["exercice"]))
    stored = stored[[k in keys for k in zip(stored["territoire"], stored["exercice"])]]
    # an empty engage or verse keeps the stored amount (data.budget._classify): the checks read it so
    if len(stored):
        known = new[list(budget_store.CLE)].merge(stored, how="left", on=list(budget_store.CLE))
        for m in ("engage", "verse"):
            new[m] = new[m].where(new[m].notna(), known[m].values)
    merged = pd.concat([new.drop(columns=["commentaire"]), stored], ignore_index=True) \
        .drop_duplicates(subset=["territoire", "exercice", "poste", "financeur"], keep="first")
    problems = []
    names = dict(con.execute(f"SELECT code, nom FROM {TERRITOIRE}").fetchall())
    for _, row in calcul.conformite(merged).iterrows():
        mine = new[(new["territoire"] == row["territoire"]) & (new["exercice"] == row["exercice"])
                   & (new["poste"] == "coordination")]
        if mine.empty or row["conforme"] is not False:
            continue
        problems.append(Problem("coordination-non-conforme", line=int(mine["ligne"].min()), column="prevu",
                                params={"territoire": names.get(row["territoire"], row["territoire"]), "exercice": int(row["exercice"]),
                                        "phrase": calcul.phrase_conformite(row)}))
    _national, notifie = budget_store.enveloppes(con)
    for _, row in calcul.consommation(merged, notifie).iterrows():
        mine = new[(new["territoire"] == row["territoire"]) & (new["exercice"] == row["exercice"])
                   & (new["financeur"] == calcul.AMI)]
        if mine.empty or row["depasse"] is not True:
            continue
        problems.append(Problem("enveloppe-depassee", line=int(mine["ligne"].min()), column="prevu",
                                params={"territoire": names.get(row["territoire"], row["territoire"]),
                                        "exercice": int(row["exercice"]), "prevu": calcul.euros(row["prevu"]),
                                        "notifie": calcul.euros(row["notifie"])}))
    return problems


def store_budget(con: duckdb.DuckDBPyConnection, validated: Validated, meta: UploadMeta, *, dry_run: bool = False,
                 preview: bool = False) -> Outcome:
    """Store a validated budget file (data.budget.apply_budget) with every warning in its audit;
    the outcome's warnings are those found against the store (the file's are in its report)."""
    found = store_warnings(con, validated.batch)
    audit = [p.as_dict() for p in validated.report.sorted_warnings() + found]
    outcome = budget_store.apply_budget(con, validated.batch, meta, dry_run=dry_run, preview=preview,
                                        warnings=audit, warning_count=validated.report.warning_count + len(found),
                                        non_renseignees=validated.non_renseignees)
    outcome.warnings = [{"code": p.code, "ligne": p.line, "colonne": p.column, "valeur": p.value, "params": p.params}
                        for p in found]
    outcome.warning_count = len(found)
    return outcome


NOMS_MONTANTS = {"prevu": "prévu", "engage": "engagé", "verse": "versé"}


def phrase_conservee(colonne: str, montant) -> str:
    """What an empty amount cell over a known one does, in French: « engagé : vide dans le
    fichier, montant enregistré conservé (12 000 €) »."""
    return f"{NOMS_MONTANTS[colonne]} : vide dans le fichier, montant enregistré conservé ({calcul.euros(montant)})"


def lignes_conservees(outcome: Outcome) -> list[str]:
    """One French line per amount cell left empty over a known amount (Outcome.details of a budget
    upload), with its file line."""
    return [f"Ligne {c['ligne']}, {phrase_conservee(c['colonne'], c['montant'])}."
            for c in outcome.details.get("conserves", [])]
