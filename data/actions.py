"""Storing a validated actions file (format-suivi.md): each action and each status point classified
as new, revised or unchanged against the store, former versions kept in the history with who and
when, the upload audited in ``depot``; undoing such an upload. One transaction: all or nothing.

The batch (loaders/actions.py) has one row per file line: territoire, ref_action, intitule, axe,
pilote, partenaires, debut, fin (dates), statut, avancement, trimestre, commentaire, ligne. A line
describes its action and, when it has a statut, gives the action's status point of its quarter.
An empty cell changes nothing stored (an update need not repeat the dates or the pilot).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import duckdb

from core.clock import maintenant
from core.errors import DepotRefuse
from data import store
from data.access import Personne
from data.registre import ACTION, DEPOT, ENREGISTRE, POINT_ACTION
from data.revisions import HISTORIQUES, archive
from data.store import transaction
from data.uploads import DryRun, Outcome, UploadMeta, insert_depot

if TYPE_CHECKING:
    import pyarrow as pa

KIND = "actions"  # depot.type_fichier (data/registre.py TYPES_FICHIER)
LIBELLES_STATUTS = {
    "a_venir": "à venir", "en_cours": "en cours", "realisee": "réalisée", "en_pause": "en pause",
    "bloquee": "bloquée", "abandonnee": "abandonnée",
}
CHAMPS_ACTION = ("intitule", "axe", "pilote", "partenaires", "debut", "fin")
CHAMPS_POINT = ("statut", "avancement", "commentaire")
_TEXTES = ("intitule", "pilote", "partenaires", "commentaire")


def _nouveau(column: str, stored: str) -> str:
    """The value a file cell gives a stored field: the cell, or the stored value when the cell is
    empty; a text the export neutralised (an apostrophe before a leading = + - @, loaders/export.py)
    is the stored text itself, so an exported file imports back unchanged."""
    cell, old = f"l.{column}", f"{stored}.{column}"
    if column not in _TEXTES:
        return f"coalesce({cell}, {old})"
    return (f"CASE WHEN {cell} IS NULL THEN {old} WHEN left({old}, 1) IN ('=', '+', '-', '@')"
            f" AND {cell} = chr(39) || {old} THEN {old} ELSE {cell} END")


def _statut_sql(column: str) -> str:
    """French label of a status code column, in SQL (labels from LIBELLES_STATUTS, code-made)."""
    cases = " ".join(f"WHEN '{code}' THEN '{label}'" for code, label in LIBELLES_STATUTS.items())
    return f"CASE {column} {cases} END"


def _classify(con: duckdb.DuckDBPyConnection) -> None:
    """lot_action_classe and lot_point_classe from ``lot`` against the stored actions and points."""
    described = ", ".join(f"max({c}) AS {c}" for c in CHAMPS_ACTION)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE lot_action AS
        SELECT territoire, ref_action, {described}, min(ligne) AS ligne FROM lot GROUP BY territoire, ref_action""")
    _classify_against(con, "lot_action_classe", "lot_action", ACTION, ("territoire", "ref_action"), CHAMPS_ACTION,
                      "statut")
    _classify_against(con, "lot_point_classe", "(SELECT * FROM lot WHERE statut IS NOT NULL)", POINT_ACTION,
                      ("territoire", "ref_action", "trimestre"), CHAMPS_POINT, "statut_point")


def _classify_against(con, name: str, rows: str, table: str, keys: tuple[str, ...], fields: tuple[str, ...],
                      verdict: str) -> None:
    """Temp table ``name``: each of ``rows`` with the values it would store (n_*), the stored ones
    (a_*, with their revision, author and time) and ``verdict``: nouvelle, inchangee or revisee."""
    news = ", ".join(f"{_nouveau(c, 's')} AS n_{c}" for c in fields)
    olds = ", ".join(f"s.{c} AS a_{c}" for c in fields)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {name} AS
        SELECT *, CASE WHEN ancienne_revision IS NULL THEN 'nouvelle'
                       WHEN ({', '.join('n_' + c for c in fields)}) IS NOT DISTINCT FROM
                            ({', '.join('a_' + c for c in fields)}) THEN 'inchangee' ELSE 'revisee' END AS {verdict}
        FROM (SELECT {', '.join('l.' + k for k in keys)}, l.ligne, {news}, {olds}, s.revision AS ancienne_revision,
                     s.utilisateur AS ancien_utilisateur, s.enregistre_le AS ancien_le
              FROM {rows} l LEFT JOIN {table} s USING ({', '.join(keys)}))""")


def _describe(prefix: str) -> str:
    """An action's fields as one French text (the preview's « actuel » and « nouveau »)."""
    return (f"concat_ws(' · ', 'axe ' || {prefix}axe, nullif({prefix}pilote, ''),"
            f" CASE WHEN {prefix}debut IS NOT NULL OR {prefix}fin IS NOT NULL THEN"
            f" coalesce(strftime({prefix}debut, '%d/%m/%Y'), '…') || ' → ' || coalesce(strftime({prefix}fin, '%d/%m/%Y'), '…') END)")


def _describe_point(prefix: str) -> str:
    return (f"concat_ws(' · ', {_statut_sql(prefix + 'statut')}, {prefix}avancement || ' %',"
            f" CASE WHEN {prefix}commentaire IS NOT NULL THEN '« ' || {prefix}commentaire || ' »' END)")


# What a preview shows: one row per action and per status point, with what it changes
PREVIEW_SQL = f"""
    SELECT 'action' AS objet, statut, territoire, ref_action, NULL::VARCHAR AS trimestre, ligne, n_intitule AS intitule,
           CASE WHEN ancienne_revision IS NOT NULL THEN {_describe('a_')} END AS ancien, {_describe('n_')} AS nouveau,
           ancienne_revision, ancien_utilisateur, ancien_le
    FROM lot_action_classe
    UNION ALL
    SELECT 'point', p.statut_point, p.territoire, p.ref_action, p.trimestre, p.ligne, a.n_intitule,
           CASE WHEN p.ancienne_revision IS NOT NULL THEN {_describe_point('p.a_')} END, {_describe_point('p.n_')},
           p.ancienne_revision, p.ancien_utilisateur, p.ancien_le
    FROM lot_point_classe p JOIN lot_action_classe a USING (territoire, ref_action)
    ORDER BY territoire, ref_action, objet, trimestre
"""


def fingerprint_sql(actions: str, points: str) -> str:
    """The fingerprint of the keys an upload touches and their current revision (0 when absent):
    relations ``actions`` (territoire, ref_action, ancienne_revision) and ``points`` (the same and
    trimestre). The confirmation stores nothing if another upload changed one of them since."""
    return f"""SELECT sha256(coalesce(string_agg(k, chr(10) ORDER BY k), '')) FROM (
        SELECT 'A|' || territoire || '|' || ref_action || '|' || coalesce(ancienne_revision, 0) AS k FROM {actions}
        UNION ALL
        SELECT 'P|' || territoire || '|' || ref_action || '|' || trimestre || '|' || coalesce(ancienne_revision, 0)
        FROM {points})"""


def apply_actions(con: duckdb.DuckDBPyConnection, batch: pa.Table, meta: UploadMeta, *, dry_run: bool = False,
                  preview: bool = False) -> Outcome:
    """Store a validated actions batch (see the module's docstring); with ``dry_run`` nothing is
    written and, with ``preview``, the classification comes back in ``Outcome.preview``."""
    store.register(con, "lot_arrow", batch)
    try:
        with transaction(con):
            con.execute("CREATE OR REPLACE TEMP TABLE lot AS SELECT * FROM lot_arrow")
            _classify(con)
            counts = {}
            for table, column, objet in (("lot_action_classe", "statut", "actions"),
                                         ("lot_point_classe", "statut_point", "points")):
                for statut, n in con.execute(f"SELECT {column}, count(*) FROM {table} GROUP BY 1").fetchall():
                    counts[f"{objet}_{statut}"] = n
            outcome = Outcome(
                nouvelles=counts.get("actions_nouvelle", 0) + counts.get("points_nouvelle", 0),
                revisees=counts.get("actions_revisee", 0) + counts.get("points_revisee", 0),
                inchangees=counts.get("actions_inchangee", 0) + counts.get("points_inchangee", 0),
                territoires=[t for (t,) in con.execute("SELECT DISTINCT territoire FROM lot ORDER BY 1").fetchall()],
            )
            outcome.details = counts
            if dry_run:
                if preview:
                    outcome.preview = con.execute(PREVIEW_SQL).df()
                    outcome.fingerprint = _fingerprint(con)
                raise DryRun(outcome)
            outcome.depot_id = _write(con, meta, outcome)
    except DryRun as dry:
        outcome = dry.outcome
    finally:
        store.drop_temporary(con, ("lot_point_classe", "lot_action_classe", "lot_action", "lot"))
        store.unregister(con, "lot_arrow")
    return outcome


def _fingerprint(con) -> str:
    return con.execute(fingerprint_sql("lot_action_classe", "lot_point_classe")).fetchall()[0][0]


def _write(con: duckdb.DuckDBPyConnection, meta: UploadMeta, outcome: Outcome) -> int:
    """The writes of a classified batch, inside the caller's transaction; returns the audit row."""
    depot_id = insert_depot(con, meta, ENREGISTRE, outcome, 0, [])
    now = maintenant()
    action_cols = ", ".join(CHAMPS_ACTION)
    point_cols = ", ".join(CHAMPS_POINT)
    archive(con, ACTION, "(SELECT territoire, ref_action FROM lot_action_classe WHERE statut = 'revisee')",
            ("territoire", "ref_action"), now, depot_id)
    sets = ", ".join(f"{c} = l.n_{c}" for c in CHAMPS_ACTION)
    con.execute(f"""UPDATE {ACTION} a SET {sets}, revision = a.revision + 1, depot_id = ?, utilisateur = ?,
                        enregistre_le = ?
                    FROM lot_action_classe l WHERE l.statut = 'revisee'
                     AND (a.territoire, a.ref_action) = (l.territoire, l.ref_action)""",
                [depot_id, meta.utilisateur, now])
    con.execute(f"""INSERT INTO {ACTION} (territoire, ref_action, {action_cols}, revision, depot_id, utilisateur,
                        enregistre_le)
                    SELECT territoire, ref_action, {', '.join('n_' + c for c in CHAMPS_ACTION)}, 1, ?, ?, ?
                    FROM lot_action_classe WHERE statut = 'nouvelle'""", [depot_id, meta.utilisateur, now])
    archive(con, POINT_ACTION,
            "(SELECT territoire, ref_action, trimestre FROM lot_point_classe WHERE statut_point = 'revisee')",
            ("territoire", "ref_action", "trimestre"), now, depot_id)
    sets = ", ".join(f"{c} = l.n_{c}" for c in CHAMPS_POINT)
    con.execute(f"""UPDATE {POINT_ACTION} p SET {sets}, revision = p.revision + 1, depot_id = ?, utilisateur = ?,
                        enregistre_le = ?
                    FROM lot_point_classe l WHERE l.statut_point = 'revisee'
                     AND (p.territoire, p.ref_action, p.trimestre) = (l.territoire, l.ref_action, l.trimestre)""",
                [depot_id, meta.utilisateur, now])
    con.execute(f"""INSERT INTO {POINT_ACTION} (territoire, ref_action, trimestre, {point_cols}, revision, depot_id,
                        utilisateur, enregistre_le)
                    SELECT territoire, ref_action, trimestre, {', '.join('n_' + c for c in CHAMPS_POINT)}, 1, ?, ?, ?
                    FROM lot_point_classe WHERE statut_point = 'nouvelle'""", [depot_id, meta.utilisateur, now])
    return depot_id


def current_fingerprint(con: duckdb.DuckDBPyConnection, batch: pa.Table) -> str:
    """The fingerprint the batch's keys have now in the store (see fingerprint_sql)."""
    store.register(con, "empreinte_arrow", batch)
    try:
        return con.execute(fingerprint_sql(
            f"""(SELECT k.territoire, k.ref_action, a.revision AS ancienne_revision
                 FROM (SELECT DISTINCT territoire, ref_action FROM empreinte_arrow) k
                 LEFT JOIN {ACTION} a USING (territoire, ref_action))""",
            f"""(SELECT k.territoire, k.ref_action, k.trimestre, p.revision AS ancienne_revision
                 FROM (SELECT territoire, ref_action, trimestre FROM empreinte_arrow WHERE statut IS NOT NULL) k
                 LEFT JOIN {POINT_ACTION} p USING (territoire, ref_action, trimestre))""")).fetchall()[0][0]
    finally:
        store.unregister(con, "empreinte_arrow")


def store_previewed(con: duckdb.DuckDBPyConnection, batch: pa.Table, meta: UploadMeta, empreinte: str,
                    personne: Personne) -> tuple[bool, Outcome]:
    """Store ``batch`` only if its keys are as when ``empreinte`` was taken and ``personne`` may
    upload for each of its territories: (stored, outcome; when not stored, the fresh dry run with
    its preview). Under the store's write lock, so no upload lands between the check and the write."""
    refused = sorted({t for t in batch.column("territoire").to_pylist() if not personne.peut_deposer(t)})
    if refused:
        raise DepotRefuse(f"Vous ne pouvez pas déposer de données pour {', '.join(refused)}.")
    with store.WRITE_LOCK:
        if current_fingerprint(con, batch) != empreinte:
            return False, apply_actions(con, batch, meta, dry_run=True, preview=True)
        return True, apply_actions(con, batch, meta)


def undo(con: duckdb.DuckDBPyConnection, depot_id: int, undo_id: int, now: dt.datetime) -> dict:
    """Undo actions upload ``depot_id`` inside the caller's transaction, as upload ``undo_id``:
    each action or point it revised and that is still its own gets a new revision restoring the
    former version; each it created and that is still its own is withdrawn (kept in the history,
    replaced by the undo); an action it created that holds status points of later uploads stays.
    Rows changed since by another upload are left as they are. Returns the counts."""
    counts = {"restaurees": 0, "retirees": 0, "modifiees_depuis": 0}
    for table, keys in ((POINT_ACTION, ("territoire", "ref_action", "trimestre")), (ACTION, ("territoire", "ref_action"))):
        history = HISTORIQUES[table]
        same = " AND ".join(f"h.{c} = t.{c}" for c in keys)
        con.execute(f"""CREATE OR REPLACE TEMP TABLE a_restaurer AS
            SELECT h.* EXCLUDE (remplacee_le, remplacee_par_depot) FROM {history} h JOIN {table} t ON {same}
            WHERE h.remplacee_par_depot = ? AND t.depot_id = ? AND h.revision = t.revision - 1""", [depot_id, depot_id])
        kept = ""
        if table == ACTION:  # an action whose status points of other uploads remain is kept
            kept = f" AND NOT EXISTS (SELECT 1 FROM {POINT_ACTION} p WHERE (p.territoire, p.ref_action) = (t.territoire, t.ref_action))"
        con.execute(f"""CREATE OR REPLACE TEMP TABLE a_retirer AS SELECT {', '.join('t.' + c for c in keys)}
            FROM {table} t WHERE t.depot_id = ? AND NOT EXISTS (
                SELECT 1 FROM {history} h WHERE h.remplacee_par_depot = ? AND {same}){kept}""", [depot_id, depot_id])
        counts["restaurees"] += con.execute("SELECT count(*) FROM a_restaurer").fetchall()[0][0]
        counts["retirees"] += con.execute("SELECT count(*) FROM a_retirer").fetchall()[0][0]
        counts["modifiees_depuis"] += con.execute(
            f"""SELECT count(*) FROM (SELECT DISTINCT {', '.join('h.' + c for c in keys)} FROM {history} h
                JOIN {table} t ON {same} WHERE h.remplacee_par_depot = ? AND t.depot_id IS DISTINCT FROM ?)""",
            [depot_id, depot_id]).fetchall()[0][0]
        archive(con, table, "a_restaurer", keys, now, undo_id)
        fields = CHAMPS_POINT if table == POINT_ACTION else CHAMPS_ACTION
        sets = ", ".join(f"{c} = r.{c}" for c in fields)
        con.execute(f"""UPDATE {table} t SET {sets}, revision = t.revision + 1, depot_id = ?, utilisateur = u.qui,
                            enregistre_le = ?
                        FROM a_restaurer r, (SELECT utilisateur AS qui FROM {DEPOT} WHERE id = ?) u
                        WHERE ({', '.join('t.' + c for c in keys)}) = ({', '.join('r.' + c for c in keys)})""",
                    [undo_id, now, undo_id])
        archive(con, table, "a_retirer", keys, now, undo_id)
        con.execute(f"DELETE FROM {table} t USING a_retirer r WHERE ({', '.join('t.' + c for c in keys)})"
                    f" = ({', '.join('r.' + c for c in keys)})")
        store.drop_temporary(con, ("a_restaurer", "a_retirer"))
    return counts
