"""Validation of an SI-SIAO extract (format-siao.md), set-wise in DuckDB: one row per request, checked
before anything is counted. Any problem refuses the whole file; then loaders.siao_comptage turns
the requests into the quarter's indicators, and only those aggregates are ever stored.

A pseudonymised identifier (``id_personne``) is a SHA-256 hash, 64 hexadecimal characters. One
that is not (a name, a date of birth...) refuses the file, and is never written back in clear:
the relation the rules read holds its masked form only (two characters, an ellipsis and its
length), so that neither the report, nor the audit's list of problems, nor the command line can
quote it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from core.clock import maintenant
from core.parameters import PREMIERE_ANNEE_ACCEPTEE
from loaders import siao_comptage
from loaders.headers import SIAO, Layout
from loaders.problems import Problem, Report
from loaders.reading import RawTable
from loaders.reference_data import Table
from loaders.rules import Regle, RegleLigne, appliquer, obligatoire
from data.uploads import LotEnPlace
from data.registre import COLLECTIVITE, SIAO_ISSUES, SIAO_VOLETS, TERRITOIRE
from loaders.validation import Validated

SITUATIONS = ("rue", "hebergement", "logement", "autre")
DISPOSITIFS = ("hebergement_urgence", "hebergement_insertion", "logement_adapte", "logement")
EN_ATTENTE = "en_attente"


@dataclass
class Periode:
    """The extraction period as stated on import (``du``, ``au``: dates, or None for the default,
    the first and last request dates of the file)."""

    du: dt.date | None = None
    au: dt.date | None = None


_COMMUNES = f"SELECT code, epci, departement FROM {COLLECTIVITE} WHERE niveau = 'commune'"
_TERRITOIRES = f"SELECT code, nom, type, membres FROM {TERRITOIRE}"


def installer_reference(store_con: duckdb.DuckDBPyConnection, con: duckdb.DuckDBPyConnection) -> None:
    """``siao_ref_commune`` (code, epci, departement of every commune) and ``siao_ref_territoire``
    (code, nom, type, membres) in validation connection ``con``: views over the store when ``con``
    is the store's own connection, else copies read from ``store_con``."""
    if store_con is con:
        con.execute(f"CREATE OR REPLACE TEMP VIEW siao_ref_commune AS {_COMMUNES}")
        con.execute(f"CREATE OR REPLACE TEMP VIEW siao_ref_territoire AS {_TERRITOIRES}")
        return
    Table.query(store_con, _COMMUNES).create_in(con, "siao_ref_commune")
    Table.query(store_con, _TERRITOIRES).create_in(con, "siao_ref_territoire")


# whether a cell is empty: a first byte in ASCII 33..127 proves it is not, without trimming it (as
# loaders/reading's blank-row filter), so that trim() runs on the few cells that need it
VIDE_RAPIDE = "CASE WHEN {c} >= '!' AND {c} < chr(128) THEN false ELSE coalesce(trim({c}), '') = '' END"


def _normalised(cell: str, canonical: tuple[str, ...]) -> str:
    """SQL of a keyword cell: the canonical spelling as it is (the usual case: no string work),
    else lower case without accents, spaces as ``_``; NULL when empty."""
    listed = ", ".join(f"'{v}'" for v in canonical)
    return (f"CASE WHEN {cell} IN ({listed}) THEN {cell} "
            f"ELSE nullif(replace(strip_accents(lower(trim({cell}))), ' ', '_'), '') END")


def _date(cell: str) -> str:
    """SQL of a date cell: AAAA-MM-JJ (a workbook's date cell adds a time: 2024-03-31T00:00:00) or
    JJ/MM/AAAA; NULL when it is neither or no such day exists."""
    return (f"CASE WHEN {cell} LIKE '____-__-__' THEN try_cast({cell} AS DATE) "
            f"WHEN {cell} LIKE '____-__-__T%' OR {cell} LIKE '____-__-__ %' THEN try_cast(left({cell}, 10) AS DATE) "
            f"WHEN regexp_full_match(trim({cell}), '[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}') "
            f"THEN try_strptime(trim({cell}), '%d/%m/%Y')::DATE END")


def _hash_ok(person: str) -> str:
    """SQL: ``person`` (trimmed) is 64 hexadecimal characters. unhex() checks the digits (try():
    NULL rather than an error on any other character), far cheaper than a regular expression."""
    return f"(strlen({person}) = 64 AND coalesce(octet_length(try(unhex({person}))) = 32, false))"


def _lu_sql(layout: Layout) -> str:
    """The read relation, a view over ``brut``: each request's cells as written, their parsed
    forms, and of the identifier only whether it is a hash, its 64-bit digest (to count distinct
    persons) and, when it is not a hash, its masked form."""
    c = {name: f"b.c{i}" for name, i in layout.positions.items()}
    raw = c["id_personne"]
    person = f"CASE WHEN strlen({raw}) = 64 THEN {raw} ELSE trim({raw}) END"
    commune = f"CASE WHEN strlen({c['code_commune']}) = 5 THEN {c['code_commune']} ELSE trim({c['code_commune']}) END"
    return f"""
        SELECT b.ligne,
               {c['id_demande']} AS id_demande_brut,
               {VIDE_RAPIDE.format(c=raw)} AS personne_vide,
               {_hash_ok(person)} AS personne_ok,
               hash(lower({raw})) AS personne,
               CASE WHEN NOT {_hash_ok(person)}
                    THEN left({person}, 2) || '… (' || length({person}) || ' caractères)' END AS id_personne_masque,
               {c['code_commune']} AS code_commune_brut, {commune} AS commune,
               {c['volet']} AS volet_brut, {_normalised(c['volet'], SIAO_VOLETS)} AS volet,
               {c['date_demande']} AS date_demande_brut, {_date(c['date_demande'])} AS date_demande,
               {c['situation_avant']} AS situation_avant_brut,
               {_normalised(c['situation_avant'], SITUATIONS)} AS situation_avant,
               {c['issue']} AS issue_brut, {_normalised(c['issue'], SIAO_ISSUES)} AS issue,
               {c['date_issue']} AS date_issue_brut, {_date(c['date_issue'])} AS date_issue,
               {c['dispositif']} AS dispositif_brut, {_normalised(c['dispositif'], DISPOSITIFS)} AS dispositif
        FROM brut b"""


def _regles(today: dt.date, periode: Periode) -> list[Regle | RegleLigne]:
    """The rules of an extract over ``siao_chk`` (with ``commune_connue`` from the reference)."""
    def listed(values):
        text = ", ".join(values)
        return lambda r: {"acceptes": text}

    first = dt.date(PREMIERE_ANNEE_ACCEPTEE, 1, 1)
    bounds = {"premier": first, "aujourdhui": today}
    bounds_text = lambda r: {"annee": PREMIERE_ANNEE_ACCEPTEE, "aujourdhui": f"{today:%d/%m/%Y}"}  # noqa: E731
    regles: list[Regle | RegleLigne] = [
        obligatoire("id_demande", VIDE_RAPIDE),
        obligatoire("id_personne", "personne_vide", cellule="id_personne_masque"),
        Regle("identifiant-non-pseudonymise", "id_personne", "NOT personne_vide AND NOT personne_ok",
              cellule="id_personne_masque"),
        obligatoire("code_commune", VIDE_RAPIDE),
        Regle("siao-commune-inconnue", "code_commune", "NOT (" + VIDE_RAPIDE + ") AND NOT commune_connue"),
        obligatoire("volet", VIDE_RAPIDE),
        Regle("siao-volet-inconnu", "volet", "{n} IS NOT NULL AND NOT list_contains($v, {n})",
              {"v": list(SIAO_VOLETS)}, details=listed(SIAO_VOLETS)),
        obligatoire("date_demande", VIDE_RAPIDE),
        Regle("siao-date-invalide", "date_demande", "NOT (" + VIDE_RAPIDE + ") AND {n} IS NULL"),
        Regle("siao-date-hors-bornes", "date_demande", "{n} < $premier OR {n} > $aujourdhui", bounds,
              details=bounds_text),
        obligatoire("issue", VIDE_RAPIDE),
        Regle("siao-issue-inconnue", "issue", "{n} IS NOT NULL AND NOT list_contains($v, {n})",
              {"v": list(SIAO_ISSUES)}, details=listed(SIAO_ISSUES)),
        Regle("siao-date-issue-requise", "date_issue", f"({VIDE_RAPIDE}) AND issue IS DISTINCT FROM '{EN_ATTENTE}'"),
        Regle("siao-date-invalide", "date_issue", "NOT (" + VIDE_RAPIDE + ") AND {n} IS NULL"),
        Regle("siao-date-hors-bornes", "date_issue", "{n} < $premier OR {n} > $aujourdhui", bounds,
              details=bounds_text),
        RegleLigne("siao-date-issue-anterieure", "date_issue",
                   "SELECT ligne, date_issue_brut, date_demande FROM siao_chk WHERE date_issue < date_demande",
                   champs=("date_demande",), details=lambda r: {"date_demande": _date_fr(r["date_demande"])}),
        Regle("siao-situation-inconnue", "situation_avant", "{n} IS NOT NULL AND NOT list_contains($v, {n})",
              {"v": list(SITUATIONS)}, details=listed(SITUATIONS)),
        Regle("siao-dispositif-inconnu", "dispositif", "{n} IS NOT NULL AND NOT list_contains($v, {n})",
              {"v": list(DISPOSITIFS)}, details=listed(DISPOSITIFS)),
        RegleLigne("siao-demande-en-double", "id_demande",
                   f"""SELECT ligne, id_demande_brut, premiere FROM (
                          SELECT ligne, id_demande_brut, min(ligne) OVER (PARTITION BY id_demande_brut) AS premiere
                          FROM siao_chk WHERE NOT ({VIDE_RAPIDE.format(c="id_demande_brut")}))
                      WHERE ligne > premiere""",
                   champs=("autre_ligne",), details=lambda r: {"autre_ligne": r["autre_ligne"]}),
    ]
    if periode.du is not None:
        regles.append(Regle("siao-hors-periode", "date_demande", "{n} < $du OR {n} > $au",
                            {"du": periode.du, "au": periode.au},
                            details=lambda r: {"du": _date_fr(periode.du), "au": _date_fr(periode.au)}))
    return regles


def sentinelle(today: dt.date, periode: Periode) -> tuple[str, dict]:
    """What the one pass over the rows counts (loaders.siao_comptage.grouper) to tell whether any
    rule of ``_regles`` can find something: every row a rule would report is counted (a row
    counted that no rule reports only costs the rules' run). Cheap forms of the rules, over the
    parsed columns the pass computes anyway; the dates' bounds and the period are checked on the
    groups' first and last dates, an empty or invalid date_demande or commune is a group of its
    own (NULL), unknown communes, empty and duplicate ids are looked up apart (validate_siao)."""
    empty_issue_date = VIDE_RAPIDE.format(c="date_issue_brut")

    def listed(values: tuple[str, ...]) -> str:  # the module's own keywords, never a cell
        return ", ".join(f"'{v}'" for v in values)
    # each NULL where no rule applies (a FILTER counts true only); id_demande is checked apart
    conditions = [
        "personne_ok IS NOT TRUE",  # cellule-obligatoire (id_personne), identifiant-non-pseudonymise
        f"volet IS NULL OR volet NOT IN ({listed(SIAO_VOLETS)})",  # cellule-obligatoire, siao-volet-inconnu
        f"issue IS NULL OR issue NOT IN ({listed(SIAO_ISSUES)})",  # cellule-obligatoire, siao-issue-inconnue
        # siao-date-issue-requise, siao-date-invalide (date_issue), siao-date-issue-anterieure
        f"CASE WHEN date_issue IS NULL THEN issue IS DISTINCT FROM '{EN_ATTENTE}' OR NOT ({empty_issue_date})"
        " ELSE date_issue < date_demande END",
        f"situation_avant NOT IN ({listed(SITUATIONS)})",  # siao-situation-inconnue
        f"dispositif NOT IN ({listed(DISPOSITIFS)})",  # siao-dispositif-inconnu
    ]
    return " OR ".join(f"({c})" for c in conditions), {}


def _date_fr(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return f"{value:%d/%m/%Y}"


def periode_problemes(periode: Periode, today: dt.date) -> list[Problem]:
    """A stated period must have both ends, in order, and not end after today."""
    du, au = periode.du, periode.au
    detail = None
    if (du is None) != (au is None):
        detail = "indiquez les deux dates, du et au, ou aucune (la période est alors celle des demandes du fichier)"
    elif du is not None and du > au:
        detail = f"le début ({_date_fr(du)}) est après la fin ({_date_fr(au)})"
    elif au is not None and au > today:
        detail = f"la fin ({_date_fr(au)}) est après aujourd'hui ({_date_fr(today)})"
    return [Problem("siao-periode-invalide", params={"detail": detail})] if detail else []


def validate_siao(raw: RawTable, layout: Layout, reference: Callable[[duckdb.DuckDBPyConnection], None],
                  con: duckdb.DuckDBPyConnection, report: Report, allowed_territories: set[str] | None = None,
                  today: dt.date | None = None, periode: Periode | None = None, *,
                  in_place: bool = False) -> Validated:
    """Check every request of an extract; without a problem, count them into the quarter's values
    (loaders.siao_comptage): the batch (Arrow, the values layout; with ``in_place``, the temporary
    relations of ``con`` that hold it) and the counting report in ``extra["comptage"]``. ``reference(con)`` makes ``siao_ref_commune`` and ``siao_ref_territoire``
    relations of ``con``.

    One pass over the rows groups them by commune and quarters, with the counts of every indicator
    and of the rows that break a rule; the rules run one by one, to quote each problem, only when
    that pass found some (or an unknown commune, or an id_demande twice)."""
    today = today or maintenant().date()
    periode = periode or Periode()
    result = Validated(raw, SIAO, None, report)
    report.extend(periode_problemes(periode, today))
    if not report.ok:
        return result
    reference(con)
    con.execute(f"CREATE OR REPLACE TEMP VIEW siao_lu AS {_lu_sql(layout)}")
    siao_comptage.grouper(con, *sentinelle(today, periode))
    first = dt.date(PREMIERE_ANNEE_ACCEPTEE, 1, 1)
    bad, unknown, du, au, first_issue, last_issue = con.execute(
        """SELECT sum(mauvaises) + coalesce(sum(n) FILTER (WHERE qd IS NULL OR commune IS NULL), 0),
                  coalesce(sum(n) FILTER (WHERE commune NOT IN (SELECT code FROM siao_ref_commune)), 0),
                  min(dmin), max(dmax), min(dimin), max(dimax)
           FROM siao_groupes"""
    ).fetchall()[0]
    outside = any(d is not None and not first <= d <= today for d in (du, au, first_issue, last_issue))
    if periode.du is not None and du is not None:
        outside = outside or du < periode.du or au > periode.au
    if not (bad or unknown or outside):  # an empty id_demande (cellule-obligatoire) or one twice
        distinct_ids, ids, empty_ids = con.execute(
            f"""SELECT count(DISTINCT id_demande_brut), count(id_demande_brut),
                       count(*) FILTER (WHERE {VIDE_RAPIDE.format(c='id_demande_brut')}) FROM siao_lu""").fetchall()[0]
        bad = empty_ids or distinct_ids != ids
    if bad or unknown or outside:
        # the rows with their parsed forms, for the rules to quote (the identifier masked only)
        con.execute("""CREATE OR REPLACE TEMP TABLE siao_chk AS
            SELECT l.*, r.code IS NOT NULL AS commune_connue
            FROM siao_lu l LEFT JOIN (SELECT code FROM siao_ref_commune) r ON r.code = l.commune""")
        entete = {name: raw.header[i] for name, i in layout.positions.items()}
        appliquer(con, report, _regles(today, periode), "siao_chk", entete)
        if not report.ok:
            return result
    if periode.du is None:
        periode = Periode(du, au)
    counted = siao_comptage.compter(con, periode, allowed_territories)
    result.extra["comptage"] = counted.comptage
    report.extend(counted.avertissements)
    if counted.valeurs == 0:
        report.add(Problem("siao-aucune-valeur", params={"detail": counted.comptage.raison_vide()}))
        return result
    if in_place:  # stored from the validating connection's own relations
        result.batch_table = LotEnPlace("siao_valeurs", "siao_cles")
    else:
        result.batch = con.sql("SELECT * FROM siao_valeurs").to_arrow_table()
    return result
