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
from loaders.referentiel import Table
from loaders.regles import VIDE, Regle, RegleLigne, appliquer, obligatoire
from loaders.validation import Validated

VOLETS = ("115", "insertion")
ISSUES = ("orientation", "non_pourvue", "annulee", "en_attente")
SITUATIONS = ("rue", "hebergement", "logement", "autre")
DISPOSITIFS = ("hebergement_urgence", "hebergement_insertion", "logement_adapte", "logement")
EN_ATTENTE = "en_attente"


@dataclass
class Periode:
    """The extraction period as stated on import (``du``, ``au``: dates, or None for the default,
    the first and last request dates of the file)."""

    du: dt.date | None = None
    au: dt.date | None = None


@dataclass
class ReferenceSiao:
    """What counting needs of the store: every commune with its EPCI and département, and the
    programme's territories with their members."""

    communes: Table  # code, epci, departement
    territoires: Table  # code, nom, type, membres


def charger_reference(con: duckdb.DuckDBPyConnection) -> ReferenceSiao:
    """Read the communes and the territories from an open store connection."""
    return ReferenceSiao(
        Table.query(con, "SELECT code, epci, departement FROM collectivite WHERE niveau = 'commune'"),
        Table.query(con, "SELECT code, nom, type, membres FROM territoire ORDER BY code"),
    )


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


def _chk_sql(layout: Layout) -> str:
    """The checked relation: each request's cells as written (short texts), parsed forms, and of
    the identifier only whether it is a hash, its 64-bit digest (to count distinct persons) and,
    when it is not a hash, its masked form."""
    c = {name: f"c{i}" for name, i in layout.positions.items()}
    person = f"trim({c['id_personne']})"
    return f"""
        SELECT b.ligne,
               trim(b.{c['id_demande']}) AS id_demande_brut,
               coalesce(trim(b.{c['id_personne']}), '') = '' AS personne_vide,
               length({person}) = 64 AND regexp_full_match({person}, '[0-9a-fA-F]+') AS personne_ok,
               hash(lower({person})) AS personne,
               CASE WHEN NOT (length({person}) = 64 AND regexp_full_match({person}, '[0-9a-fA-F]+'))
                    THEN left({person}, 2) || '… (' || length({person}) || ' caractères)' END AS id_personne_masque,
               b.{c['code_commune']} AS code_commune_brut, trim(b.{c['code_commune']}) AS commune,
               b.{c['volet']} AS volet_brut, {_normalised('b.' + c['volet'], VOLETS)} AS volet,
               b.{c['date_demande']} AS date_demande_brut, {_date('b.' + c['date_demande'])} AS date_demande,
               b.{c['situation_avant']} AS situation_avant_brut,
               {_normalised('b.' + c['situation_avant'], SITUATIONS)} AS situation_avant,
               b.{c['issue']} AS issue_brut, {_normalised('b.' + c['issue'], ISSUES)} AS issue,
               b.{c['date_issue']} AS date_issue_brut, {_date('b.' + c['date_issue'])} AS date_issue,
               b.{c['dispositif']} AS dispositif_brut, {_normalised('b.' + c['dispositif'], DISPOSITIFS)} AS dispositif
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
        obligatoire("id_demande", VIDE),
        obligatoire("id_personne", "personne_vide", cellule="id_personne_masque"),
        Regle("identifiant-non-pseudonymise", "id_personne", "NOT personne_vide AND NOT personne_ok",
              cellule="id_personne_masque"),
        obligatoire("code_commune", VIDE),
        Regle("siao-commune-inconnue", "code_commune", "NOT (" + VIDE + ") AND NOT commune_connue"),
        obligatoire("volet", VIDE),
        Regle("siao-volet-inconnu", "volet", "{n} IS NOT NULL AND {n} NOT IN ('115', 'insertion')",
              details=listed(VOLETS)),
        obligatoire("date_demande", VIDE),
        Regle("siao-date-invalide", "date_demande", "NOT (" + VIDE + ") AND {n} IS NULL"),
        Regle("siao-date-hors-bornes", "date_demande", "{n} < $premier OR {n} > $aujourdhui", bounds,
              details=bounds_text),
        obligatoire("issue", VIDE),
        Regle("siao-issue-inconnue", "issue", "{n} IS NOT NULL AND NOT list_contains($v, {n})", {"v": list(ISSUES)},
              details=listed(ISSUES)),
        Regle("siao-date-issue-requise", "date_issue", f"({VIDE}) AND issue IS DISTINCT FROM '{EN_ATTENTE}'"),
        Regle("siao-date-invalide", "date_issue", "NOT (" + VIDE + ") AND {n} IS NULL"),
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
                   """SELECT ligne, id_demande_brut, premiere FROM (
                          SELECT ligne, id_demande_brut, min(ligne) OVER (PARTITION BY id_demande_brut) AS premiere
                          FROM siao_chk WHERE coalesce(id_demande_brut, '') <> '')
                      WHERE ligne > premiere""",
                   champs=("autre_ligne",), details=lambda r: {"autre_ligne": r["autre_ligne"]}),
    ]
    if periode.du is not None:
        regles.append(Regle("siao-hors-periode", "date_demande", "{n} < $du OR {n} > $au",
                            {"du": periode.du, "au": periode.au},
                            details=lambda r: {"du": _date_fr(periode.du), "au": _date_fr(periode.au)}))
    return regles


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


def validate_siao(raw: RawTable, layout: Layout, reference: Callable[[], ReferenceSiao],
                  con: duckdb.DuckDBPyConnection, report: Report, allowed_territories: set[str] | None = None,
                  today: dt.date | None = None, periode: Periode | None = None) -> Validated:
    """Check every request of an extract; without a problem, count them into the quarter's values
    (loaders.siao_comptage): the batch (Arrow, the values layout) and the counting report in
    ``extra["comptage"]``."""
    today = today or maintenant().date()
    periode = periode or Periode()
    result = Validated(raw, SIAO, None, report)
    report.extend(periode_problemes(periode, today))
    if not report.ok:
        return result
    ref = reference()
    ref.communes.create_in(con, "siao_ref_commune")
    con.execute(f"CREATE OR REPLACE TEMP VIEW siao_lu AS {_chk_sql(layout)}")
    # the communes of the file, looked up once each
    con.execute("""CREATE OR REPLACE TEMP TABLE siao_chk AS
        SELECT l.*, r.code IS NOT NULL AS commune_connue
        FROM siao_lu l LEFT JOIN (SELECT code FROM siao_ref_commune) r ON r.code = l.commune""")
    entete = {name: raw.header[i] for name, i in layout.positions.items()}
    appliquer(con, report, _regles(today, periode), "siao_chk", entete)
    if not report.ok:
        return result
    if periode.du is None:
        du, au = con.execute("SELECT min(date_demande), max(date_demande) FROM siao_chk").fetchall()[0]
        periode = Periode(du, au)
    ref.territoires.create_in(con, "siao_ref_territoire")
    counted = siao_comptage.compter(con, periode, allowed_territories, today)
    result.extra["comptage"] = counted.comptage
    report.extend(counted.avertissements)
    if counted.batch.num_rows == 0:
        report.add(Problem("siao-aucune-valeur", params={"detail": counted.comptage.raison_vide()}))
        return result
    result.batch = counted.batch
    return result
