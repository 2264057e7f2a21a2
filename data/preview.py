"""What an upload of values would change, and storing exactly that; the upload history of a
territory; undoing an upload. No Streamlit here: the page and the tests call the same functions.

The preview and the confirmation are tied by a fingerprint of the affected keys (their current
revision, 0 when absent): if another upload changed one of them in between, nothing is stored and
the caller gets the fresh preview to show.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa

from data import store
from data import budget, reads
from data.access import Personne
from core.errors import DepotRefuse
from core.clock import maintenant
from data.store import transaction
from data.uploads import (ANNULATION, PREVIEW_SQL, Outcome, UploadMeta, classify_values, insert_depot,
                          apply_values, archive_current, fingerprint_sql)
from data.registre import DEPOT, JOURNAL, VALEUR, VALEUR_HISTORIQUE

ACTION_ANNULATION = "depot.annulation"  # journal action of an undo


@dataclass
class Apercu:
    """Every value of a validated batch against the store, and the fingerprint of the keys."""

    lignes: pd.DataFrame  # statut, territoire, indicateur, trimestre, ligne, ancienne, nouvelle, ...
    empreinte: str
    non_renseignees: int = 0

    def compte(self, statut: str) -> int:
        return int((self.lignes["statut"] == statut).sum()) if len(self.lignes) else 0

    @property
    def territoires(self) -> list[str]:
        return sorted(self.lignes["territoire"].unique()) if len(self.lignes) else []


def _classify(con: duckdb.DuckDBPyConnection, batch: pa.Table) -> tuple[pd.DataFrame, str]:
    """The same classification as the write (uploads.classify_values), on temp tables; with the
    fingerprint of the keys."""
    store.register(con, "apercu_arrow", batch)
    try:
        store.drop_temporary(con, ("lot", "lot_classe"))
        con.execute("CREATE TEMP TABLE lot AS SELECT * FROM apercu_arrow")
        classify_values(con)
        frame = con.execute(PREVIEW_SQL).df()
        empreinte = con.execute(fingerprint_sql("lot_classe")).fetchall()[0][0]
        store.drop_temporary(con, ("lot_classe", "lot"))
    finally:
        store.unregister(con, "apercu_arrow")
    return frame, empreinte


def apercu(con: duckdb.DuckDBPyConnection, batch: pa.Table, non_renseignees: int = 0) -> Apercu:
    """Preview of a validated values batch: new, revised (former value, who, when), unchanged."""
    frame, empreinte = _classify(con, batch)
    return Apercu(frame, empreinte, non_renseignees)


def empreinte_actuelle(con: duckdb.DuckDBPyConnection, batch: pa.Table) -> str:
    """The fingerprint the batch's keys have now in the store: their current revision alone, without
    classifying the values again (that is done only when it differs from the preview's)."""
    store.register(con, "empreinte_arrow", batch)
    try:
        return con.execute(fingerprint_sql(
            f"""(SELECT l.territoire, l.indicateur, l.trimestre, v.revision AS ancienne_revision
                FROM (SELECT territoire, indicateur, trimestre FROM empreinte_arrow) l
                LEFT JOIN {VALEUR} v USING (territoire, indicateur, trimestre))""")).fetchall()[0][0]
    finally:
        store.unregister(con, "empreinte_arrow")


@dataclass
class Enregistrement:
    """Result of a confirmation: stored (with its outcome), or refused with the fresh preview."""

    stored: bool
    outcome: Outcome | None = None
    apercu: Apercu | None = None
    message: str | None = None
    preparation: object = None  # loaders.depot.Preparation, when the file had to be validated again


def enregistrer_apercu(
    con: duckdb.DuckDBPyConnection,
    batch: pa.Table,
    meta: UploadMeta,
    non_renseignees: int,
    empreinte: str,
    personne: Personne,
    *,
    today: dt.date | None = None,
) -> Enregistrement:
    """Store ``batch`` only if the affected keys are as when ``empreinte`` was taken, and only if
    ``personne`` may upload for every territory in it.

    The check and the write run under the store's write lock on this connection: DuckDB lets no
    other process open the file meanwhile and every writer of this process takes the same lock, so
    no upload can land between them."""
    territories = sorted(set(batch.column("territoire").to_pylist()))
    refused = [t for t in territories if not personne.peut_deposer(t)]
    if refused:
        raise DepotRefuse(f"Vous ne pouvez pas déposer de données pour {', '.join(refused)}.")
    with store.WRITE_LOCK:
        if empreinte_actuelle(con, batch) != empreinte:
            # classified again from the kept batch (no new reading of the file), for the fresh preview
            return Enregistrement(
                False, apercu=apercu(con, batch, non_renseignees),
                message=("Un autre dépôt a modifié certaines de ces valeurs depuis l'aperçu : rien n'a été "
                         "enregistré. L'aperçu ci-dessous est à jour ; vérifiez-le puis confirmez à nouveau."),
            )
        outcome = apply_values(con, batch, meta, non_renseignees, today=today)
    return Enregistrement(True, outcome=outcome)


# ------------------------------------------------------------------ history and detail


def _scope_clause(personne: Personne, territoire: str | None) -> tuple[str, list]:
    if territoire is not None:
        if not personne.peut_voir_detail(territoire):
            raise DepotRefuse("Vous ne pouvez pas consulter les dépôts de ce territoire.")
        return "list_contains(d.territoires, ?)", [territoire]
    if personne.est_national:
        return "true", []
    raise DepotRefuse("Choisissez votre territoire pour consulter ses dépôts.")


_COMPTES_HISTORIQUE = ("nb_lignes", "nb_nouvelles", "nb_revisees", "nb_inchangees", "nb_non_renseignees",
                       "nb_erreurs", "nb_avertissements")


def historique(con: duckdb.DuckDBPyConnection, personne: Personne, territoire: str | None = None,
               limit: int = 500) -> pd.DataFrame:
    """Uploads of ``territoire`` (all of them for a national user without one), newest first,
    with who undid each one and when. Outside the national team, an upload that also touched other
    territories lists only the person's own."""
    where, params = _scope_clause(personne, territoire)
    scope = personne.perimetre
    counts = reads.comptes_dans_le_perimetre("?::VARCHAR[]", _COMPTES_HISTORIQUE)
    return con.execute(
        f"""
        SELECT d.id, d.recu_le, d.utilisateur, d.fichier, d.type_fichier, d.resultat,
               array_to_string(CASE WHEN ? THEN d.territoires
                                    ELSE list_intersect(d.territoires, ?::VARCHAR[]) END, ', ') AS territoires,
               {counts},
               j.qui AS annule_par, j.quand AS annule_le
        FROM {DEPOT} d
        LEFT JOIN {JOURNAL} j ON j.action = ? AND j.objet = CAST(d.id AS VARCHAR)
        WHERE {where}
        ORDER BY d.recu_le DESC, d.id DESC LIMIT ?
        """,
        [scope is None, scope or [], *[scope] * (2 * len(_COMPTES_HISTORIQUE)), ACTION_ANNULATION, *params, limit],
    ).df()


@dataclass
class DetailDepot:
    """One upload: its audit row, the values it stored, the revisions it made, its problems."""

    depot: dict
    valeurs: pd.DataFrame  # values it stored (current or replaced since)
    revisions: pd.DataFrame  # former -> new for the values it revised
    problemes: list[dict] = field(default_factory=list)


def detail(con: duckdb.DuckDBPyConnection, depot_id: int, personne: Personne) -> DetailDepot:
    """The detail of one upload. Outside the national team: only its values and revisions of the
    person's territory, and its problems only if it touched no other territory."""
    rows = con.execute(f"SELECT * FROM {DEPOT} WHERE id = ?", [depot_id]).df()
    if rows.empty:
        raise DepotRefuse(f"Le dépôt n° {depot_id} n'existe pas.")
    depot = rows.iloc[0].to_dict()
    territoires = list(depot["territoires"])
    mine = [t for t in territoires if personne.peut_voir_detail(t)]
    if not personne.est_national and not mine:
        raise DepotRefuse("Vous ne pouvez pas consulter ce dépôt.")
    scope = None if personne.est_national else mine
    valeurs = con.execute(
        f"""
        SELECT * FROM (
            SELECT territoire, indicateur, trimestre, valeur, revision, true AS courante FROM {VALEUR} WHERE depot_id = ?
            UNION ALL
            SELECT territoire, indicateur, trimestre, valeur, revision, false FROM {VALEUR_HISTORIQUE} WHERE depot_id = ?)
        WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], territoire)
        ORDER BY territoire, indicateur, trimestre
        """,
        [depot_id, depot_id, scope, scope],
    ).df()
    revisions = con.execute(
        f"""
        SELECT h.territoire, h.indicateur, h.trimestre, h.valeur AS ancienne, n.valeur AS nouvelle,
               h.utilisateur AS ancien_utilisateur, h.enregistre_le AS ancien_le
        FROM {VALEUR_HISTORIQUE} h
        JOIN (SELECT territoire, indicateur, trimestre, valeur, revision, depot_id FROM {VALEUR}
              UNION ALL SELECT territoire, indicateur, trimestre, valeur, revision, depot_id FROM {VALEUR_HISTORIQUE}) n
          ON (n.territoire, n.indicateur, n.trimestre) = (h.territoire, h.indicateur, h.trimestre)
         AND n.revision = h.revision + 1 AND n.depot_id = ?
        WHERE h.remplacee_par_depot = ? AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], h.territoire))
        ORDER BY 1, 2, 3
        """,
        [depot_id, depot_id, scope, scope],
    ).df()
    problems = json.loads(depot["problemes"]) if depot.get("problemes") else []
    if scope is not None and len(mine) < len(territoires):
        problems = []  # they may name other territories' rows
        depot["territoires"] = mine
    return DetailDepot(depot, valeurs, revisions, problems if isinstance(problems, list) else [problems])


# ------------------------------------------------------------------ undo


@dataclass
class Annulation:
    """What undoing an upload did."""

    depot_annule: int
    depot_id: int  # the audit row of the undo
    restaurees: int  # values put back to their former value (new revisions)
    retirees: int  # values first created by the undone upload: withdrawn, kept in the history
    modifiees_depuis: int  # values changed by a later upload: left as they are
    territoires: list[str] = field(default_factory=list)


def annuler_depot(con: duckdb.DuckDBPyConnection, depot_id: int, actor: Personne) -> Annulation:
    """Undo a values upload: each value it revised and that is still current gets a new revision
    restoring the former value; each value it created and that is still current is withdrawn (no
    longer current, like before the upload) and kept in valeur_historique, replaced by the undo:
    nothing is erased. Values changed since by another upload are left as they are. One
    transaction, with an audit row in ``depot`` and a ``depot.annulation`` journal entry.
    Administrators only."""
    if not actor.peut_administrer:
        raise DepotRefuse("Seul un administrateur national peut annuler un dépôt.")
    if con.execute(f"SELECT type_fichier FROM {DEPOT} WHERE id = ?", [depot_id]).fetchall() == [(budget.BUDGET,)]:
        done = budget.annuler_depot_budget(con, depot_id, actor)  # the budget lines' own undo
        return Annulation(depot_id, done["depot_annulation"], done["restaurees"], done["retirees"],
                          done["modifiees_depuis"], done["territoires"])
    with transaction(con):
        rows = con.execute(
            f"SELECT type_fichier, resultat, territoires FROM {DEPOT} WHERE id = ?", [depot_id]
        ).fetchall()
        if not rows:
            raise DepotRefuse(f"Le dépôt n° {depot_id} n'existe pas.")
        kind, resultat, territoires = rows[0]
        if resultat != "enregistre":
            raise DepotRefuse("Ce dépôt a été refusé : il n'a rien enregistré, il n'y a rien à annuler.")
        if kind == ANNULATION:
            raise DepotRefuse("Une annulation ne s'annule pas : déposez à nouveau les valeurs voulues.")
        if kind not in ("values", "actions"):
            raise DepotRefuse("Seuls les dépôts de valeurs trimestrielles et d'actions s'annulent ici.")
        done = con.execute(
            f"SELECT qui, quand FROM {JOURNAL} WHERE action = ? AND objet = ?", [ACTION_ANNULATION, str(depot_id)]
        ).fetchall()
        if done:
            raise DepotRefuse(f"Ce dépôt a déjà été annulé par {done[0][0]} le {done[0][1]:%d/%m/%Y %H:%M}.")
        if kind == "actions":
            return _annuler_actions(con, depot_id, actor, list(territoires))
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE a_restaurer AS
            SELECT h.territoire, h.indicateur, h.trimestre, h.valeur, h.commentaire, h.source
            FROM {VALEUR_HISTORIQUE} h
            JOIN {VALEUR} v USING (territoire, indicateur, trimestre)
            WHERE h.remplacee_par_depot = ? AND v.depot_id = ? AND h.revision = v.revision - 1
            """,
            [depot_id, depot_id],
        )
        restaurees = con.execute("SELECT count(*) FROM a_restaurer").fetchall()[0][0]
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE a_retirer AS
               SELECT v.territoire, v.indicateur, v.trimestre FROM {VALEUR} v WHERE v.depot_id = ? AND NOT EXISTS (
                   SELECT 1 FROM {VALEUR_HISTORIQUE} h WHERE h.remplacee_par_depot = ?
                   AND (h.territoire, h.indicateur, h.trimestre) = (v.territoire, v.indicateur, v.trimestre))""",
            [depot_id, depot_id],
        )
        retirees = con.execute("SELECT count(*) FROM a_retirer").fetchall()[0][0]
        modifiees = con.execute(
            f"""SELECT count(DISTINCT (h.territoire, h.indicateur, h.trimestre)) FROM {VALEUR_HISTORIQUE} h
               JOIN {VALEUR} v USING (territoire, indicateur, trimestre)
               WHERE h.remplacee_par_depot = ? AND v.depot_id IS DISTINCT FROM ?""",
            [depot_id, depot_id],
        ).fetchall()[0][0]
        now = maintenant()
        details = {"depot_annule": depot_id, "restaurees": restaurees, "retirees": retirees,
                   "modifiees_depuis": modifiees}
        meta = UploadMeta(f"annulation du dépôt n° {depot_id}", "", actor.email, ANNULATION, None, 0)
        new_id = insert_depot(con, meta, "enregistre", Outcome(revisees=restaurees, territoires=list(territoires)),
                               0, [details])
        archive_current(con, "a_restaurer", now, new_id)
        con.execute(  # the undo's upload (new_id) has the person undoing as author
            f"""
            UPDATE {VALEUR} v SET valeur = a.valeur, commentaire = a.commentaire, source = a.source,
                   revision = v.revision + 1, depot_id = ?, enregistre_le = ?
            FROM a_restaurer a
            WHERE (v.territoire, v.indicateur, v.trimestre) = (a.territoire, a.indicateur, a.trimestre)
            """,
            [new_id, now],
        )
        # withdrawn: the current row goes to the history, replaced by this undo, then leaves valeur
        archive_current(con, "a_retirer", now, new_id)
        con.execute(
            f"""DELETE FROM {VALEUR} v USING a_retirer r
               WHERE (v.territoire, v.indicateur, v.trimestre) = (r.territoire, r.indicateur, r.trimestre)"""
        )
        con.execute("DROP TABLE a_restaurer")
        con.execute("DROP TABLE a_retirer")
        store.journal(con, actor.email, ACTION_ANNULATION, str(depot_id),
                      json.dumps(details | {"depot_annulation": new_id}, ensure_ascii=False))
    return Annulation(depot_id, new_id, restaurees, retirees, modifiees, list(territoires))


def _annuler_actions(con: duckdb.DuckDBPyConnection, depot_id: int, actor: Personne, territoires: list[str]) -> Annulation:
    """annuler_depot() of an actions upload (data/actions.py undo), inside its transaction."""
    from data import actions

    meta = UploadMeta(f"annulation du dépôt n° {depot_id}", "", actor.email, ANNULATION, None, 0)
    new_id = insert_depot(con, meta, "enregistre", Outcome(territoires=territoires), 0, [])
    counts = actions.undo(con, depot_id, new_id, maintenant())
    details = {"depot_annule": depot_id} | counts
    con.execute(f"UPDATE {DEPOT} SET nb_revisees = ?, problemes = ? WHERE id = ?",
                [counts["restaurees"], json.dumps([details], ensure_ascii=False), new_id])
    store.journal(con, actor.email, ACTION_ANNULATION, str(depot_id),
                  json.dumps(details | {"depot_annulation": new_id}, ensure_ascii=False))
    return Annulation(depot_id, new_id, counts["restaurees"], counts["retirees"], counts["modifiees_depuis"],
                      territoires)
