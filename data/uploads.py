"""Storing a validated upload: classify each value as new, revised or unchanged against the store,
keep former values in the history, audit the upload. One transaction: all of it or nothing."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import duckdb

from data import store
from core.clock import maintenant
from data.registre import ANNULATION, DEPOT, VALEUR, VALEUR_HISTORIQUE  # ANNULATION: the depot row of an undo
from data.siao import params_sauts
from data.store import transaction
from core import quarters
from core.formatting import figure
from core.parameters import ANCIENNETE_REVISION_TRIMESTRES, FACTEUR_SAUT_TRIMESTRIEL, PLAFOND_PROBLEMES, SEUIL_SAUT_TRIMESTRIEL

if TYPE_CHECKING:  # for annotations only: the command line does not pay this import
    import pyarrow as pa


# The kinds of upload as the audit records them (depot.type_fichier), with their French labels: the
# one list the loaders, the pages and the journal use.
TYPES_DEPOT = {
    "values": "valeurs trimestrielles",
    "roadmap": "feuille de route",
    "territories": "liste des territoires",
    "personnes": "liste des personnes et de leurs rôles",
    "actions": "actions de la feuille de route",
    "budget": "fichier budgétaire (fiche 5)",
    "siao": "extrait SI-SIAO",
    ANNULATION: "annulation d'un dépôt",
}


def libelle_type(kind: str | None) -> str:
    """French label of an upload kind (depot.type_fichier)."""
    return TYPES_DEPOT.get(kind, "type inconnu") if kind else "type inconnu"


@dataclass
class UploadMeta:
    """Who sent which file; recorded in the depot table."""

    fichier: str
    sha256: str
    utilisateur: str
    type_fichier: str | None = None
    disposition: str | None = None
    nb_lignes: int = 0


@dataclass
class LotEnPlace:
    """A validated values batch kept in temporary relations of the connection that validated it
    (loaders/values.py): stored from there, without being copied out and back."""

    textes: str  # territoire, indicateur, trimestre, valeur, commentaire, source, ligne, colonne, ti, cle
    cles: str  # cle, ti, valeur of the same rows, without the texts: cheaper to scan


@dataclass
class Outcome:
    """What an upload did (or, in a dry run, would do)."""

    nouvelles: int = 0
    revisees: int = 0  # values whose number, comment or source changed: each a revision
    inchangees: int = 0
    commentaires: int = 0  # of the revisions, those of the comment or source alone (same number)
    non_renseignees: int = 0
    warnings: list[dict] = field(default_factory=list)  # {code, ligne, colonne, valeur, params}, capped
    warning_count: int = 0  # all warnings, listed or not
    depot_id: int | None = None
    territoires: list[str] = field(default_factory=list)
    data_version: int | None = None
    preview: object = None  # a dry run's classification (pandas, PREVIEW_SQL), when asked for
    fingerprint: str | None = None  # and the fingerprint of its keys (fingerprint_sql)
    details: dict = field(default_factory=dict)  # a kind's own counts (actions: per action and status point)


def insert_depot(con, meta: UploadMeta, resultat: str, outcome: Outcome, n_errors: int, problems: list[dict]) -> int:
    depot_id = con.execute("SELECT nextval('depot_id_seq')").fetchall()[0][0]
    con.execute(
        f"INSERT INTO {DEPOT} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [depot_id, meta.fichier, meta.sha256, meta.type_fichier, meta.disposition, meta.utilisateur,
         maintenant(), resultat, meta.nb_lignes, outcome.nouvelles, outcome.revisees,
         outcome.inchangees, outcome.non_renseignees, n_errors, max(outcome.warning_count, len(outcome.warnings)),
         outcome.territoires, json.dumps(problems, ensure_ascii=False, default=str)],
    )
    return depot_id


def record_refused(con: duckdb.DuckDBPyConnection, meta: UploadMeta, n_errors: int, problems: list[dict],
                   territories: list[str] | None = None) -> int:
    """Audit a refused upload (no data is touched), with the territories it was about, if known
    (so it shows in their history)."""
    with transaction(con):
        return insert_depot(con, meta, "refuse", Outcome(territoires=sorted(territories or [])), n_errors, problems)


def fingerprint_sql(relation: str) -> str:
    """A query answering the fingerprint of the keys of ``relation`` (territoire, indicateur,
    trimestre, ancienne_revision: the current revision, NULL when absent): the preview and the
    confirmation compare it, so that nothing is stored if another upload changed one of them."""
    return f"""SELECT sha256(coalesce(string_agg(k, chr(10) ORDER BY k), '')) FROM (
        SELECT territoire || '|' || indicateur || '|' || trimestre || '|' || coalesce(ancienne_revision, 0) AS k
        FROM {relation})"""


# What a preview shows of each classified value (data/preview.py), in the preview's order
PREVIEW_SQL = """
    SELECT statut, territoire, indicateur, trimestre, ligne, ancienne, valeur AS nouvelle,
           ancienne_revision, ancien_utilisateur, ancien_le, commentaire, ancien_commentaire,
           commentaire_seul
    FROM lot_classe ORDER BY territoire, indicateur, trimestre
"""


def classify_values(con: duckdb.DuckDBPyConnection, territories: list[str] | None = None) -> bool:
    """lot_classe: each row of ``lot`` as nouvelle, inchangee or revisee against the stored values;
    returns whether anything is stored for the batch's territories (``territories``, when the caller
    has them: else read from ``lot``).

    When nothing is (a first upload, a new territory), every row is new: lot_classe is then a view
    over ``lot``, and the join with the store is skipped."""
    if territories is None:
        territories = [t for (t,) in con.execute("SELECT DISTINCT territoire FROM lot").fetchall()]
    stored = bool(con.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM {VALEUR} WHERE territoire IN (SELECT unnest($t::VARCHAR[])) LIMIT 1)",
        {"t": territories},
    ).fetchall()[0][0])
    if not stored:
        con.execute(
            """
            CREATE TEMP VIEW lot_classe AS
            SELECT l.*, NULL::DOUBLE AS ancienne, NULL::INTEGER AS ancienne_revision,
                   NULL::VARCHAR AS ancien_utilisateur, NULL::TIMESTAMP AS ancien_le,
                   NULL::VARCHAR AS ancien_commentaire, false AS commentaire_seul, 'nouvelle' AS statut
            FROM lot l
            """
        )
        return False
    con.execute(
        f"""
        CREATE TEMP TABLE lot_classe AS
        SELECT *, CASE WHEN ancienne IS NULL THEN 'nouvelle'
                       WHEN ancienne = valeur AND NOT commentaire_seul THEN 'inchangee' ELSE 'revisee' END AS statut
        FROM (
            SELECT l.*, v.valeur AS ancienne, v.revision AS ancienne_revision,
                   d.utilisateur AS ancien_utilisateur, v.enregistre_le AS ancien_le,
                   v.commentaire AS ancien_commentaire,
                   v.valeur = l.valeur AND {COMMENTAIRE_CHANGE} AS commentaire_seul
            FROM lot l LEFT JOIN {VALEUR} v USING (territoire, indicateur, trimestre)
            LEFT JOIN {DEPOT} d ON d.id = v.depot_id)
        """
    )
    return True


# The same number with a comment or source that the file gives and that differs from the stored
# one is a revision of the comment (the former one goes to the history, like a former value). An
# empty comment cell changes nothing: a file without comments (the wide layout) leaves them as
# they are, and its values stay unchanged. So does a text the export neutralised (an apostrophe
# before a leading = + - @, loaders/export.py): an exported file imports back unchanged.
def _text_changed(column: str) -> str:
    stored = f"v.{column}"
    exported = f"CASE WHEN left({stored}, 1) IN ('=', '+', '-', '@') THEN chr(39) || {stored} END"
    return (f"(l.{column} IS NOT NULL AND l.{column} IS DISTINCT FROM {stored}"
            f" AND l.{column} IS DISTINCT FROM {exported})")


COMMENTAIRE_CHANGE = f"coalesce({_text_changed('commentaire')} OR {_text_changed('source')}, false)"


# a quarter-on-quarter jump: the value multiplied or divided by more than the factor, above the floor
_JUMP = (f"{{precedent}} IS NOT NULL AND greatest(c.valeur, {{precedent}}) >= {SEUIL_SAUT_TRIMESTRIEL}"
         f" AND (c.valeur > {FACTEUR_SAUT_TRIMESTRIEL} * {{precedent}} OR c.valeur * {FACTEUR_SAUT_TRIMESTRIEL} < {{precedent}})")

# figures in the warnings' messages as they have always read: an ASCII minus, nothing where none
_IN_MESSAGES = {"minus": "-", "missing": ""}


def _value_warnings(con: duckdb.DuckDBPyConnection, today: dt.date | None, any_stored: bool,
                    any_revised: bool, cles: str = "lot") -> tuple[list[dict], int]:
    """Quarter-on-quarter jumps and revisions of old values (never blocking): the first
    PLAFOND_PROBLEMES of each kind, and the total count.

    The previous quarter of a row is found in the batch itself by its integer key (cle - 1: same
    territory and indicator, previous quarter index), else among the stored values. ``cles`` names
    a relation with the batch's cle, ti and valeur alone, if there is one cheaper to scan than ``lot``."""
    oldest = quarters.shift(quarters.current(today), -ANCIENNETE_REVISION_TRIMESTRES)
    # only numbers go through the join (the row's key, value and previous value): the texts of the
    # few rows reported are looked up afterwards
    if any_stored:
        total = con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE sauts AS
            SELECT c.cle, c.valeur, coalesce(lp.valeur, v.valeur) AS precedent, c.ti - 1 AS ti_precedent
            FROM lot c
            LEFT JOIN lot lp ON lp.cle = c.cle - 1
            LEFT JOIN {VALEUR} v ON lp.cle IS NULL AND v.territoire = c.territoire AND v.indicateur = c.indicateur
                 AND v.trimestre = {quarters.sql_from_index("c.ti - 1")}
            WHERE {_JUMP.format(precedent="coalesce(lp.valeur, v.valeur)")}
            """
        ).fetchall()[0][0]  # a CREATE TABLE AS answers its row count
    else:  # the previous quarter can only be in the batch
        total = con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE sauts AS
            SELECT c.cle, c.valeur, lp.valeur AS precedent, c.ti - 1 AS ti_precedent
            FROM (SELECT cle, ti, valeur FROM {cles}) c JOIN (SELECT cle, valeur FROM {cles}) lp ON lp.cle = c.cle - 1
            WHERE {_JUMP.format(precedent="lp.valeur")}
            """
        ).fetchall()[0][0]
    warnings, counted = [], []
    # ordered by line then column: a wide file has several values per line
    for ligne, colonne, indicateur, valeur, precedent, tprec, territoire, trimestre in con.execute(
        f"""SELECT l.ligne, l.colonne, l.indicateur, s.valeur, s.precedent,
                   {quarters.sql_from_index("s.ti_precedent")}, l.territoire, l.trimestre
            FROM sauts s JOIN lot l USING (cle)
            ORDER BY l.ligne, l.colonne, l.indicateur, l.territoire, l.trimestre LIMIT {PLAFOND_PROBLEMES}"""
    ).fetchall() if total else []:
        if ligne is None:  # a value counted from an SI-SIAO extract: no line to point to, say what it is
            counted.append((territoire, indicateur, trimestre, valeur, precedent, tprec))
            continue
        warnings.append({
            "code": "saut-trimestriel", "ligne": ligne, "colonne": colonne, "valeur": figure(valeur, 2, **_IN_MESSAGES),
            "params": {"sens": "multipliée" if valeur > precedent else "divisée",
                       "facteur": figure(FACTEUR_SAUT_TRIMESTRIEL, 2, **_IN_MESSAGES),
                       "precedent": figure(precedent, 2, **_IN_MESSAGES),
                       "trimestre_precedent": tprec},
        })
    warnings += [{"code": "siao-saut-trimestriel", "ligne": None, "colonne": None, "valeur": figure(row[3], 2),
                  "params": params} for row, params in zip(counted, params_sauts(con, counted, FACTEUR_SAUT_TRIMESTRIEL))]
    if not any_revised:
        return warnings, total
    old_revisions = "statut = 'revisee' AND NOT commentaire_seul AND trimestre < ?"  # the number changes
    total += con.execute(f"SELECT count(*) FROM lot_classe WHERE {old_revisions}", [oldest]).fetchall()[0][0]
    for ligne, colonne, trimestre, ancienne, valeur in con.execute(
        f"SELECT ligne, colonne, trimestre, ancienne, valeur FROM lot_classe WHERE {old_revisions}"
        f" ORDER BY ligne, colonne, indicateur LIMIT {PLAFOND_PROBLEMES}",
        [oldest],
    ).fetchall():
        warnings.append({
            "code": "revision-ancienne", "ligne": ligne, "colonne": colonne, "valeur": figure(valeur, 2, **_IN_MESSAGES),
            "params": {"trimestre": trimestre, "ancienne": figure(ancienne, 2, **_IN_MESSAGES),
                       "nouvelle": figure(valeur, 2, **_IN_MESSAGES)},
        })
    return warnings, total


def apply_values(
    con: duckdb.DuckDBPyConnection,
    batch: pa.Table | LotEnPlace,
    meta: UploadMeta,
    non_renseignees: int,
    *,
    dry_run: bool = False,
    today: dt.date | None = None,
    cleanup: bool = True,
    preview: bool = False,
) -> Outcome:
    """Store a validated values batch (territoire, indicateur, trimestre, valeur, commentaire, source,
    ligne; optionally ti and cle): an Arrow table, or temporary relations of ``con`` (a file
    validated in this connection). ``cleanup=False`` leaves the temporary objects of the write to a
    connection that is closed right after (they go with it). ``preview`` (with ``dry_run``): the
    classification of every value comes back in ``Outcome.preview``, for the page to show."""
    in_place = isinstance(batch, LotEnPlace)
    if in_place:
        con.execute(f'CREATE OR REPLACE TEMP VIEW lot_arrow AS SELECT * FROM temp."{batch.textes}"')
        columns = [r[0] for r in con.execute(f'DESCRIBE temp."{batch.textes}"').fetchall()]
    else:
        store.register(con, "lot_arrow", batch)
        columns = batch.column_names
    try:
        with transaction(con):
            _lot_view(con, columns)
            per_territory = con.execute("SELECT territoire, count(*) FROM lot GROUP BY territoire ORDER BY 1").fetchall()
            territories = [t for t, _n in per_territory]
            stored = classify_values(con, territories)
            counts = (dict(con.execute(
                "SELECT CASE WHEN commentaire_seul THEN 'commentaire' ELSE statut END, count(*) FROM lot_classe GROUP BY 1"
            ).fetchall()) if stored else {"nouvelle": sum(n for _t, n in per_territory)})
            outcome = Outcome(
                nouvelles=counts.get("nouvelle", 0), revisees=counts.get("revisee", 0) + counts.get("commentaire", 0),
                inchangees=counts.get("inchangee", 0), non_renseignees=non_renseignees,
                territoires=territories, commentaires=counts.get("commentaire", 0),
            )
            outcome.warnings, outcome.warning_count = _value_warnings(
                con, today, stored, outcome.revisees > 0, f'temp."{batch.cles}"' if in_place else "lot")
            if dry_run:
                if preview:
                    outcome.preview = con.execute(PREVIEW_SQL).df()
                    outcome.fingerprint = con.execute(fingerprint_sql("lot_classe")).fetchall()[0][0]
                raise DryRun(outcome)
            depot_id = insert_depot(con, meta, "enregistre", outcome, 0, outcome.warnings)
            now = maintenant()
            if outcome.revisees:
                _revise(con, depot_id, meta, now)
            con.execute(  # the author is the upload's (depot.utilisateur)
                f"""
                INSERT INTO {VALEUR} ({VALEUR_COLUMNS})
                SELECT territoire, indicateur, trimestre, valeur, commentaire, source, 1, ?, ?
                FROM lot_classe WHERE statut = 'nouvelle'
                """,
                [depot_id, now],
            )
            outcome.depot_id = depot_id
    except DryRun as dry:
        outcome = dry.outcome
    finally:
        if in_place:
            if cleanup:
                store.drop_temporary(con, ("sauts", "lot_classe", "lot", "lot_arrow"))
        else:
            store.drop_temporary(con, ("sauts", "lot_classe", "lot"))
            store.unregister(con, "lot_arrow")
    return outcome


def _revise(con: duckdb.DuckDBPyConnection, depot_id: int, meta: UploadMeta, now: dt.datetime) -> None:
    """Revised values: the former version goes to the history, the current row takes the new one."""
    archive_current(con, "(SELECT territoire, indicateur, trimestre FROM lot_classe WHERE statut = 'revisee')",
                    now, depot_id)
    con.execute(
        f"""
        UPDATE {VALEUR} v SET valeur = l.valeur,
               -- a new number takes the file's comment and source; a comment revision keeps the
               -- stored source when the file gives none (and the stored comment likewise)
               commentaire = CASE WHEN l.commentaire_seul THEN coalesce(l.commentaire, v.commentaire) ELSE l.commentaire END,
               source = CASE WHEN l.commentaire_seul THEN coalesce(l.source, v.source) ELSE l.source END,
               revision = v.revision + 1, depot_id = ?, enregistre_le = ?
        FROM lot_classe l
        WHERE l.statut = 'revisee' AND v.territoire = l.territoire
          AND v.indicateur = l.indicateur AND v.trimestre = l.trimestre
        """,
        [depot_id, now],
    )


# the columns of valeur, in order; a current value's author is its upload's (migration 004)
VALEUR_COLUMNS = ("territoire, indicateur, trimestre, valeur, commentaire, source, revision, depot_id, "
                  "enregistre_le")


def archive_current(con: duckdb.DuckDBPyConnection, keys: str, now: dt.datetime, depot_id: int) -> None:
    """Copy to the history the current values whose key is in relation ``keys`` (territoire,
    indicateur, trimestre), as replaced at ``now`` by upload ``depot_id``; each keeps the author of
    the upload that had stored it."""
    con.execute(
        f"""
        INSERT INTO {VALEUR_HISTORIQUE}
        SELECT v.territoire, v.indicateur, v.trimestre, v.valeur, v.commentaire, v.source, v.revision,
               v.depot_id, coalesce(d.utilisateur, 'inconnu'), v.enregistre_le, ?, ?
        FROM {VALEUR} v JOIN {keys} k USING (territoire, indicateur, trimestre)
        LEFT JOIN {DEPOT} d ON d.id = v.depot_id
        """,
        [now, depot_id],
    )


def _lot_view(con: duckdb.DuckDBPyConnection, columns: list[str]) -> None:
    """``lot``: the registered batch ``lot_arrow`` with the quarter index ``ti`` and an integer key
    ``cle`` of (territory, indicator, quarter index) where consecutive quarters differ by one, and
    the file's column of each value (``colonne``, for the warnings of a wide file). Validation
    ships all three (loaders/values.py); a batch built elsewhere gets them here."""
    colonne = "" if "colonne" in columns else ", NULL::VARCHAR AS colonne"
    if {"ti", "cle"} <= set(columns):
        con.execute(f"CREATE TEMP VIEW lot AS SELECT *{colonne} FROM lot_arrow")
        return
    ti = quarters.sql_index("trimestre")
    con.execute(
        f"""CREATE TEMP TABLE lot AS
        SELECT * EXCLUDE (ti, cle), {ti} AS ti,
               dense_rank() OVER (ORDER BY territoire, indicateur) * 65536 + {ti} AS cle
        FROM (SELECT *{colonne}, NULL AS ti, NULL AS cle FROM lot_arrow)"""
    )


class DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""

    def __init__(self, outcome: Outcome):
        self.outcome = outcome
