"""Validation rules as data: each cell rule is a row (code, column, predicate, parameters), and one
function, ``appliquer``, runs a file kind's whole list in one SQL statement over its checked
relation, so that a new kind of file is a model, a relation and a list of rules.

A predicate is a DuckDB boolean expression, true when the cell breaks the rule. It is written over
the checked relation with two placeholders, ``{c}`` for the cell as written and ``{n}`` for its
parsed form (both columns or expressions of the relation), and ``$name`` for the rule's
parameters, which are passed to DuckDB as parameters, never formatted into the SQL; the file's
header names are parameters too. The predicates themselves are code (this module and the
validators), never user input. The library below names the common ones; the lda_* macros they
use are in loaders.sql_rules.

Rules that compare rows with each other (duplicates, one window per territory) or walk a list in
a cell are ``RegleLigne``: their own SELECT, run in the same statement.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import duckdb

from loaders.problems import CODES, SI_OBLIGATOIRE, Problem, Report
from loaders.validation import collect

# how a cell counts as empty: NR also takes the "non renseigné" spellings (NC, ND, n.d., -) as empty
NR = "lda_nr({c})"
VIDE = "coalesce(trim({c}), '') = ''"

Details = Callable[[dict], dict]


@dataclass(frozen=True)
class Regle:
    """One cell rule: ``code`` (loaders.problems.CODES) is reported at the line, under the file's
    own name of ``colonne``, quoting the cell as written, wherever ``predicat`` holds (and ``si``,
    a condition of the row, when given)."""

    code: str
    colonne: str  # the model's column name (loaders.models)
    predicat: str  # SQL boolean template: {c}, {n}, $parameter
    parametres: Mapping[str, object] = field(default_factory=dict)
    cellule: str | None = None  # the cell as written: default the relation's column ``<colonne>_brut``
    forme: str | None = None  # its parsed form: default the relation's column ``<colonne>``
    si: str | None = None  # a condition of the row, same placeholders
    code_sql: str | None = None  # SQL of the code, when the predicate tells several (the number form)
    colonne_sql: str | None = None  # the relation's column naming the cell's column, when it varies by row
    details: Details | None = None  # the message's fields, from the found row

    @property
    def gravite(self) -> str:
        return CODES[self.code][0]

    def condition(self) -> str:
        """The SQL of the whole condition, placeholders of the cell replaced."""
        cell, parsed = self.cellule or f"{self.colonne}_brut", self.forme or self.colonne
        text = self.predicat if self.si is None else f"({self.si}) AND ({self.predicat})"
        return text.replace("{c}", cell).replace("{n}", parsed)


@dataclass(frozen=True)
class RegleLigne:
    """A rule across rows or cells: ``requete`` selects ``ligne, valeur`` and then the ``champs``
    in that order (the other line, the other window...), one row per problem."""

    code: str
    colonne: str
    requete: str
    champs: tuple[str, ...] = ()
    parametres: Mapping[str, object] = field(default_factory=dict)
    details: Details | None = None

    @property
    def gravite(self) -> str:
        return CODES[self.code][0]


# --- the library of named predicates ------------------------------------------------------------

def obligatoire(colonne: str, vide: str = NR, code: str = "cellule-obligatoire", **options) -> Regle:
    """The cell must be filled (``vide``: NR, or VIDE when NC is a value like another)."""
    return Regle(code, colonne, vide, **options)


def trimestre(colonne: str, **options) -> Regle:
    """A filled cell must be a quarter in one of the accepted forms ({n}: lda_trimestre of it)."""
    return Regle("trimestre-invalide", colonne, "NOT lda_nr({c}) AND {n} IS NULL", **options)


def trimestre_depuis(colonne: str, premier: str, **options) -> Regle:
    """The quarter must not be before ``premier`` (2024-T1 form, like {n})."""
    return Regle("trimestre-trop-ancien", colonne, "{n} < $premier", {"premier": premier}, **options)


def trimestre_jusqu_a(colonne: str, dernier: str, **options) -> Regle:
    """The quarter must not be after ``dernier`` (the current quarter)."""
    return Regle("trimestre-futur", colonne, "{n} > $dernier", {"dernier": dernier}, **options)


def nombre(colonne: str, invalide: str | None = None, *, vide_permis: bool = True, **options) -> Regle:
    """A filled cell must be a number; the code says why not (formula error, percent sign...).
    ``{n}`` is the text the macros read; ``invalide``, an equivalent condition already computed.
    The message says the cell may be left empty or NC unless ``vide_permis`` is False (a cell
    that its column's ``obligatoire`` refuses empty)."""
    if not vide_permis:
        extra = options.pop("details", None)
        options["details"] = lambda r: {"si_vide": SI_OBLIGATOIRE} | (extra(r) if extra else {})
    return Regle("valeur-invalide", colonne, invalide or "lda_erreur_nombre({n}) IS NOT NULL",
                 code_sql="lda_erreur_nombre({n})", **options)


def positif(colonne: str, **options) -> Regle:
    """The number ({n}) must not be negative."""
    return Regle("valeur-negative", colonne, "{n} < 0", **options)


def entier(colonne: str, **options) -> Regle:
    """A non-negative number ({n}) must be whole (a negative one is already refused)."""
    return Regle("valeur-non-entiere", colonne, "{n} >= 0 AND {n} <> floor({n})", **options)


def au_plus(colonne: str, code: str, maximum: float, **options) -> Regle:
    """The number ({n}) must not exceed ``maximum``."""
    return Regle(code, colonne, "{n} > $maximum", {"maximum": maximum}, **options)


def dans(colonne: str, code: str, valeurs: Sequence[str], **options) -> Regle:
    """A filled cell ({n}: its normalised form) must be one of ``valeurs``."""
    return Regle(code, colonne, "coalesce({n}, '') <> '' AND NOT list_contains($valeurs, {n})",
                 {"valeurs": list(valeurs)}, **options)


def hors(colonne: str, code: str, valeurs: Sequence[str], **options) -> Regle:
    """The cell's form ({n}) must not be one of ``valeurs`` (a derived indicator...)."""
    return Regle(code, colonne, "list_contains($valeurs, {n})", {"valeurs": list(valeurs)}, **options)


def code_connu(colonne: str, code: str, connu: str, vide: str = NR, **options) -> Regle:
    """A filled cell must be a known code: ``connu`` is the relation's boolean of the lookup (a
    left join on the reference), ``vide`` the same emptiness as the column's ``obligatoire``."""
    return Regle(code, colonne, f"NOT ({vide}) AND NOT coalesce({connu}, false)", **options)


def code_dans_table(colonne: str, code: str, table: str, **options) -> Regle:
    """The code ({n}) must be in the ``code`` column of ``table`` (a relation of this validation,
    named in code: the perimeter of an upload...)."""
    return Regle(code, colonne, f"{{n}} NOT IN (SELECT code FROM {table})", **options)


def perimetre(con, allowed_territories: set[str] | None) -> None:
    """The relation ``perimetre`` (one ``code`` per territory the uploader may write for) that the
    perimeter rule of regles_territoire joins; nothing when the uploader has no perimeter."""
    if allowed_territories is not None:
        con.execute("CREATE OR REPLACE TEMP TABLE perimetre AS SELECT unnest(?::VARCHAR[]) AS code",
                    [sorted(allowed_territories)])


def regles_territoire(ref, allowed_territories: set[str] | None) -> list:
    """The rules of a ``code_territoire`` column, as every kind of file with one checks it: filled,
    a territory of the programme (with a suggestion), and within the uploader's perimeter when it has
    one (the relation ``perimetre`` of the validation). Over ``territoire_brut``, ``territoire`` and
    ``territoire_connu``; ``ref`` is the validation's loaders.reference_data.ReferenceData."""
    territoire = {"cellule": "territoire_brut", "forme": "territoire"}
    regles: list = [
        obligatoire("code_territoire", **territoire),
        code_connu("code_territoire", "territoire-inconnu", "territoire_connu", **territoire,
                   details=lambda r: {"suggestion": ref.suggest_territory(r["valeur"])}),
    ]
    if allowed_territories is not None:
        names = ref.territory_names()
        perimetre = ", ".join(f"{c} ({names.get(c, c)})" for c in sorted(allowed_territories))
        regles.append(code_dans_table("code_territoire", "territoire-hors-perimetre", "perimetre",
                                      si="territoire_connu", **territoire, details=lambda r: {"perimetre": perimetre}))
    return regles


def doublon(code: str, colonne: str, relation: str, cles: Sequence[str], valeur: str, *, differe: str | None = None,
            champs: Mapping[str, str] | None = None, details: Details | None = None) -> RegleLigne:
    """A line whose key (``cles``) an earlier line of ``relation`` already has, reported at the later
    line quoting its ``valeur`` column, with the first such line as ``autre_ligne``; ``differe``, a
    condition over the two lines ``c`` (this one) and ``p`` (the earlier), keeps only the pairs it
    holds for; ``champs``: more fields of the message (name -> SQL over ``c``)."""
    extra = dict(champs or {})
    same = " AND ".join(f"p.{k} = c.{k}" for k in cles)
    more = "".join(f", {sql}" for sql in extra.values())
    where = f" WHERE {differe}" if differe else ""
    requete = (f"SELECT c.ligne, c.{valeur}, min(p.ligne){more} FROM {relation} c JOIN {relation} p"
               f" ON {same} AND p.ligne < c.ligne{where} GROUP BY c.ligne, c.{valeur}{more}")
    return RegleLigne(code, colonne, requete, ("autre_ligne", *extra), details=details)


# --- the one pass ---------------------------------------------------------------------------------

_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _numbered(sql: str, i: int, parametres: Mapping[str, object], values: dict) -> str:
    """``sql`` with its $name parameters renamed for rule ``i``, their values added to ``values``."""
    def rename(match: re.Match) -> str:
        name = match.group(1)
        if name not in parametres:
            raise KeyError(f"paramètre ${name} non défini par la règle {i}")
        values[f"r{i}_{name}"] = parametres[name]
        return f"$r{i}_{name}"
    return _PARAMETER.sub(rename, sql)


def requete(regles: Sequence[Regle | RegleLigne], relation: str, entete: Mapping[str, str]) -> tuple[str, dict, tuple]:
    """The one statement of ``regles`` over ``relation``: (sql, parameters, extra fields). Each
    violation is a row (ligne, colonne, valeur, code, the fields of the row rules, regle: the
    rule's index); a violation two rules find alike is one row (the first rule's)."""
    champs: list[str] = []
    for regle in regles:
        champs += [c for c in getattr(regle, "champs", ()) if c not in champs]
    values: dict = {}
    parts = []
    for i, regle in enumerate(regles):
        if getattr(regle, "colonne_sql", None) is None:  # DuckDB refuses a parameter the SQL lacks
            values[f"r{i}_colonne"] = entete.get(regle.colonne, regle.colonne)
        if isinstance(regle, RegleLigne):
            own = ", ".join(f"NULL AS {c}" if c not in regle.champs else f"p.{c}" for c in champs)
            names = ", ".join(("ligne", "valeur") + regle.champs)
            parts.append(
                f"SELECT p.ligne, $r{i}_colonne::VARCHAR, p.valeur::VARCHAR, '{regle.code}'{', ' + own if own else ''}, {i}"
                f" FROM ({_numbered(regle.requete, i, regle.parametres, values)}) p({names})")
            continue
        cell = regle.cellule or f"{regle.colonne}_brut"
        column = regle.colonne_sql or f"$r{i}_colonne::VARCHAR"
        code = regle.code_sql.replace("{c}", cell).replace("{n}", regle.forme or regle.colonne) \
            if regle.code_sql else f"'{regle.code}'"
        nulls = "".join(f", NULL AS {c}" for c in champs)
        parts.append(
            f"SELECT ligne, {column}, {cell}::VARCHAR, {code}{nulls}, {i} FROM {relation}"
            f" WHERE {_numbered(regle.condition(), i, regle.parametres, values)}")
    header = ", ".join(("ligne", "colonne", "valeur", "code") + tuple(champs) + ("regle",))
    first = ", ".join(("ligne", "colonne", "valeur", "code") + tuple(champs))
    sql = f"SELECT {first}, min(regle) AS regle FROM ({' UNION ALL '.join(parts)}) f({header}) GROUP BY ALL"
    return sql, values, tuple(champs)


def violation(regles: Sequence[Regle], prefixe: str = "v") -> tuple[str, dict]:
    """One SQL boolean over the checked relation, true where a row breaks any of the cell rules
    ``regles``, with its parameters (named ``$<prefixe><i>_<name>``): a validator may then count
    the wrong rows in a pass it makes anyway, and run ``appliquer`` only when there are some."""
    values: dict = {}
    parts = [f"({_numbered(regle.condition(), f'{prefixe}{i}', regle.parametres, values)})"
             for i, regle in enumerate(regles)]
    return " OR ".join(parts) or "false", values


def appliquer(con: duckdb.DuckDBPyConnection, report: Report, regles: Sequence[Regle | RegleLigne],
              relation: str, entete: Mapping[str, str] | None = None) -> None:
    """Run ``regles`` over ``relation`` (a table or view of ``con`` with a ``ligne`` column and the
    columns the rules name) in one statement and add the problems to ``report``, in the report's
    order (line, column, code), up to its cap; the rest are counted per code. ``entete`` maps a
    model column to the file's own header name, under which problems are reported."""
    if not regles:
        return
    sql, values, _ = requete(regles, relation, entete or {})

    def make(row: dict) -> Problem:
        regle = regles[row["regle"]]
        params = regle.details(row) if regle.details else {}
        return Problem(row["code"], line=row["ligne"], column=row["colonne"], value=row["valeur"], params=params)

    collect(con, report, sql, make, values)
