"""The budget of fiche 5 in the store: lines per (territoire, exercice, poste, financeur) written by
an upload (classified new / revised / unchanged, former versions kept in budget_historique with who
and when, the upload audited in depot), undone like values; and the AMI envelope the national team
records per exercice. Roles are enforced here: a coordinator writes and reads the detail of their
own territory only; only the national team records the envelope.

Amounts are Decimal euros with cents; None means not known, never 0.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from core.clock import maintenant
from core.errors import AccesRefuse, DepotRefuse, SaisieInvalide
from data import store
from data.access import Personne
from data.registre import (ANNULATION, BUDGET_HISTORIQUE, BUDGET_LIGNE, DEPOT, ENREGISTRE, ENVELOPPE,
                           ENVELOPPE_HISTORIQUE, ENVELOPPE_TERRITOIRE, ENVELOPPE_TERRITOIRE_HISTORIQUE,
                           JOURNAL, TERRITOIRE)
from data.revisions import archive, revise_one
from data.store import transaction
from data.uploads import DryRun, Outcome, UploadMeta, insert_depot

if TYPE_CHECKING:
    import pyarrow as pa

BUDGET = "budget"  # depot.type_fichier of a budget upload (data/registre.py TYPES_FICHIER)
CLE = ("territoire", "exercice", "poste", "financeur")
MONTANTS = ("prevu", "engage", "verse")
_KEY = " AND ".join(f"b.{c} = l.{c}" for c in CLE)
_USING = ", ".join(CLE)
ACTION_ENVELOPPE = "enveloppe.enregistrement"  # journal actions
ACTION_NOTIFICATION = "enveloppe.notification"
ACTION_ANNULATION = "depot.annulation"  # the same action as an undone values upload (data/preview.py)

# What a preview shows of each line of the batch, in its order
PREVIEW_SQL = f"""
    SELECT statut, territoire, exercice, poste, financeur, ligne, prevu, engage, verse, commentaire,
           ancien_prevu, ancien_engage, ancien_verse, ancienne_revision, ancien_utilisateur, ancien_le,
           engage_conserve, verse_conserve
    FROM budget_classe ORDER BY {_USING}
"""
# The cells left empty over a known amount, which keep it (Outcome.details["conserves"])
CONSERVES_SQL = """
    SELECT ligne, 'engage' AS colonne, engage AS montant FROM budget_classe WHERE engage_conserve
    UNION ALL SELECT ligne, 'verse', verse FROM budget_classe WHERE verse_conserve
    ORDER BY 1, 2
"""


def _fingerprint_sql() -> str:
    """The fingerprint of the batch's keys with their current revision (0 when absent): the
    preview and the confirmation compare it, as for values."""
    return f"""SELECT sha256(coalesce(string_agg(k, chr(10) ORDER BY k), '')) FROM (
        SELECT territoire || '|' || exercice || '|' || poste || '|' || financeur || '|'
               || coalesce(ancienne_revision, 0) AS k FROM budget_classe)"""


def _classify(con: duckdb.DuckDBPyConnection) -> None:
    """budget_classe: each row of lot_budget as nouvelle, revisee or inchangee against the store.
    An empty cell changes nothing stored (as in the actions file): an empty comment keeps the
    stored comment, an empty ``engage`` or ``verse`` the stored amount (``<m>_conserve`` says so;
    empty means not known, never 0, so it cannot erase what is known). ``prevu`` is required."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE budget_classe AS
        SELECT *, CASE WHEN ancienne_revision IS NULL THEN 'nouvelle'
                       WHEN (prevu, engage, verse, commentaire_final)
                            IS NOT DISTINCT FROM (ancien_prevu, ancien_engage, ancien_verse, ancien_commentaire)
                       THEN 'inchangee' ELSE 'revisee' END AS statut
        FROM (
            -- the export neutralises a leading = + - @ with an apostrophe: it imports back unchanged
            SELECT l.* EXCLUDE (engage, verse), coalesce(l.engage, b.engage) AS engage,
                   coalesce(l.verse, b.verse) AS verse,
                   l.engage IS NULL AND b.engage IS NOT NULL AS engage_conserve,
                   l.verse IS NULL AND b.verse IS NOT NULL AS verse_conserve,
                   CASE WHEN l.commentaire IS NULL OR (left(b.commentaire, 1) IN ('=', '+', '-', '@')
                                  AND l.commentaire = chr(39) || b.commentaire)
                             THEN b.commentaire ELSE l.commentaire END AS commentaire_final,
                   b.prevu AS ancien_prevu, b.engage AS ancien_engage, b.verse AS ancien_verse,
                   b.commentaire AS ancien_commentaire, b.revision AS ancienne_revision,
                   b.utilisateur AS ancien_utilisateur, b.enregistre_le AS ancien_le
            FROM lot_budget l LEFT JOIN {BUDGET_LIGNE} b ON {_KEY})
        """
    )


def _lot(con: duckdb.DuckDBPyConnection, batch: pa.Table) -> None:
    store.register(con, "lot_budget_arrow", batch)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE lot_budget AS
           SELECT territoire, CAST(exercice AS INTEGER) AS exercice, poste, financeur,
                  CAST(prevu AS DECIMAL(14, 2)) AS prevu, CAST(engage AS DECIMAL(14, 2)) AS engage,
                  CAST(verse AS DECIMAL(14, 2)) AS verse, commentaire, ligne
           FROM lot_budget_arrow"""
    )


def _refuse_outside(personne: Personne | None, territories: list[str]) -> None:
    if personne is None:
        return
    refused = [t for t in territories if not personne.peut_deposer(t)]
    if refused:
        raise DepotRefuse(f"Vous ne pouvez pas déposer de budget pour {', '.join(refused)} : rien n'a été enregistré.")


def apply_budget(con: duckdb.DuckDBPyConnection, batch: pa.Table, meta: UploadMeta, *, dry_run: bool = False,
                 preview: bool = False, warnings: list[dict] | None = None, warning_count: int | None = None,
                 personne: Personne | None = None, empreinte: str | None = None, non_renseignees: int = 0) -> Outcome:
    """Store validated budget lines (territoire, exercice, poste, financeur, prevu, engage, verse,
    commentaire, ligne) in one transaction with the upload's audit row (``warnings``: the non
    blocking checks, recorded with it). ``personne``: refuse any territory outside their rights.
    ``empreinte``: store only if the keys are still as when that preview was taken (else DryRun's
    outcome comes back with ``depot_id`` None and the fresh preview). With ``dry_run`` and
    ``preview``, the classification of every line comes back in ``Outcome.preview``."""
    _lot(con, batch)
    try:
        with transaction(con):
            _classify(con)
            territories = [t for (t,) in con.execute("SELECT DISTINCT territoire FROM lot_budget ORDER BY 1").fetchall()]
            _refuse_outside(personne, territories)
            counts = dict(con.execute("SELECT statut, count(*) FROM budget_classe GROUP BY 1").fetchall())
            outcome = Outcome(nouvelles=counts.get("nouvelle", 0), revisees=counts.get("revisee", 0),
                              inchangees=counts.get("inchangee", 0), territoires=territories,
                              warnings=list(warnings or []), non_renseignees=non_renseignees)
            outcome.warning_count = len(outcome.warnings) if warning_count is None else warning_count
            outcome.details = {"conserves": [{"ligne": ligne, "colonne": colonne, "montant": montant} for
                                             ligne, colonne, montant in con.execute(CONSERVES_SQL).fetchall()]}
            fingerprint = con.execute(_fingerprint_sql()).fetchall()[0][0]
            if dry_run or (empreinte is not None and empreinte != fingerprint):
                if preview or empreinte is not None:
                    outcome.preview = con.execute(PREVIEW_SQL).df()
                    outcome.fingerprint = fingerprint
                raise DryRun(outcome)
            depot_id = insert_depot(con, meta, ENREGISTRE, outcome, 0, outcome.warnings)
            now = maintenant()
            archive(con, BUDGET_LIGNE, f"(SELECT {_USING} FROM budget_classe WHERE statut = 'revisee')", CLE, now,
                    depot_id)
            con.execute(
                f"""UPDATE {BUDGET_LIGNE} b SET prevu = l.prevu, engage = l.engage, verse = l.verse,
                       commentaire = l.commentaire_final, revision = b.revision + 1, depot_id = ?,
                       utilisateur = ?, enregistre_le = ?
                    FROM budget_classe l WHERE l.statut = 'revisee' AND {_KEY}""",
                [depot_id, meta.utilisateur, now])
            con.execute(
                f"""INSERT INTO {BUDGET_LIGNE}
                    SELECT territoire, exercice, poste, financeur, prevu, engage, verse, commentaire, 1, ?, ?, ?
                    FROM budget_classe WHERE statut = 'nouvelle'""",
                [depot_id, meta.utilisateur, now])
            outcome.depot_id = depot_id
    except DryRun as dry:
        outcome = dry.outcome
    finally:
        store.drop_temporary(con, ("budget_classe", "lot_budget"))
        store.unregister(con, "lot_budget_arrow")
    return outcome


def annuler_depot_budget(con: duckdb.DuckDBPyConnection, depot_id: int, actor: Personne) -> dict:
    """Undo a budget upload (national team only), like a values upload: each line it revised that
    is still its own gets back its former amounts (a new revision); each line it created that is
    still its own leaves the current table for the history, replaced by the undo; lines changed
    since by another upload are left as they are. Returns the counts."""
    if not actor.peut_administrer:
        raise DepotRefuse("Seul un administrateur national peut annuler un dépôt.")
    with transaction(con):
        rows = con.execute(f"SELECT type_fichier, resultat, territoires FROM {DEPOT} WHERE id = ?", [depot_id]).fetchall()
        if not rows or rows[0][0] != BUDGET or rows[0][1] != ENREGISTRE:
            raise DepotRefuse(f"Le dépôt n° {depot_id} n'est pas un dépôt budgétaire enregistré.")
        done = con.execute(f"SELECT qui, quand FROM {JOURNAL} WHERE action = ? AND objet = ?",
                           [ACTION_ANNULATION, str(depot_id)]).fetchall()
        if done:
            raise DepotRefuse(f"Ce dépôt a déjà été annulé par {done[0][0]} le {done[0][1]:%d/%m/%Y %H:%M}.")
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE b_restaurer AS
                SELECT h.* FROM {BUDGET_HISTORIQUE} h JOIN {BUDGET_LIGNE} b USING ({_USING})
                WHERE h.remplacee_par_depot = ? AND b.depot_id = ? AND h.revision = b.revision - 1""",
            [depot_id, depot_id])
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE b_retirer AS
                SELECT {_USING} FROM {BUDGET_LIGNE} b WHERE b.depot_id = ? AND b.revision = 1""",
            [depot_id])
        restaurees = con.execute("SELECT count(*) FROM b_restaurer").fetchall()[0][0]
        retirees = con.execute("SELECT count(*) FROM b_retirer").fetchall()[0][0]
        modifiees = con.execute(
            f"""SELECT count(DISTINCT ({_USING})) FROM {BUDGET_HISTORIQUE} h JOIN {BUDGET_LIGNE} b USING ({_USING})
                WHERE h.remplacee_par_depot = ? AND b.depot_id IS DISTINCT FROM ?""", [depot_id, depot_id]).fetchall()[0][0]
        details = {"depot_annule": depot_id, "restaurees": restaurees, "retirees": retirees,
                   "modifiees_depuis": modifiees}
        meta = UploadMeta(f"annulation du dépôt n° {depot_id}", "", actor.email, ANNULATION, None, 0)
        new_id = insert_depot(con, meta, ENREGISTRE, Outcome(revisees=restaurees, territoires=list(rows[0][2])),
                              0, [details])
        now = maintenant()
        archive(con, BUDGET_LIGNE, f"(SELECT {_USING} FROM b_restaurer)", CLE, now, new_id)
        con.execute(
            f"""UPDATE {BUDGET_LIGNE} b SET prevu = l.prevu, engage = l.engage, verse = l.verse,
                   commentaire = l.commentaire, revision = b.revision + 1, depot_id = ?, utilisateur = ?,
                   enregistre_le = ?
                FROM b_restaurer l WHERE {_KEY}""",
            [new_id, actor.email, now])
        archive(con, BUDGET_LIGNE, "b_retirer", CLE, now, new_id)
        con.execute(f"DELETE FROM {BUDGET_LIGNE} b USING b_retirer l WHERE {_KEY}")  # kept in the history
        store.drop_temporary(con, ("b_restaurer", "b_retirer"))
        store.journal(con, actor.email, ACTION_ANNULATION, str(depot_id),
                      json.dumps(details | {"depot_annulation": new_id}, ensure_ascii=False))
    return details | {"depot_annulation": new_id, "territoires": list(rows[0][2])}


# ------------------------------------------------------------------ reads (roles here)


def _scope(personne: Personne, territoire: str | None) -> list[str] | None:
    """The territories whose detail ``personne`` reads: [territoire] if allowed, every one (None)
    for the national team without one, their own otherwise."""
    if territoire is not None:
        if not personne.peut_voir_detail(territoire):
            raise AccesRefuse("Vous ne pouvez pas consulter le budget de ce territoire.")
        return [territoire]
    if personne.est_national:
        return None
    if personne.territoire is None:
        raise AccesRefuse("Votre profil ne donne pas accès au détail des budgets des territoires.")
    return [personne.territoire]


def lignes(con: duckdb.DuckDBPyConnection, personne: Personne, territoire: str | None = None,
           exercice: int | None = None) -> pd.DataFrame:
    """The current budget lines within ``personne``'s rights (see _scope), with who last wrote
    each and when, ordered by territory, exercice, poste and financeur as registered."""
    scope = _scope(personne, territoire)
    return con.execute(
        f"""SELECT territoire, exercice, poste, financeur, prevu, engage, verse, commentaire, revision,
                   utilisateur, enregistre_le
            FROM {BUDGET_LIGNE}
            WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], territoire))
              AND (?::INTEGER IS NULL OR exercice = ?)
            ORDER BY territoire, exercice, poste, financeur""",
        [scope, scope, exercice, exercice]).df()


def historique(con: duckdb.DuckDBPyConnection, personne: Personne, territoire: str) -> pd.DataFrame:
    """The former versions of a territory's budget lines, newest first, with who wrote them and
    which upload replaced them."""
    _scope(personne, territoire)
    return con.execute(
        f"""SELECT exercice, poste, financeur, prevu, engage, verse, commentaire, revision, utilisateur,
                   enregistre_le, remplacee_le, remplacee_par_depot
            FROM {BUDGET_HISTORIQUE} WHERE territoire = ?
            ORDER BY remplacee_le DESC, exercice, poste, financeur""", [territoire]).df()


def exercices(con: duckdb.DuckDBPyConnection) -> list[int]:
    """The exercices with a budget line or an envelope, in order."""
    return [e for (e,) in con.execute(
        f"SELECT DISTINCT exercice FROM (SELECT exercice FROM {BUDGET_LIGNE} UNION SELECT exercice FROM {ENVELOPPE}"
        f" UNION SELECT exercice FROM {ENVELOPPE_TERRITOIRE}) ORDER BY 1").fetchall()]


def lignes_agregees(con: duckdb.DuckDBPyConnection, exercice: int | None = None) -> pd.DataFrame:
    """Every territory's totals per exercice, poste and financeur (the national view: the same
    figures as the detail, without comments nor authors)."""
    return con.execute(
        f"""SELECT territoire, exercice, poste, financeur, prevu, engage, verse FROM {BUDGET_LIGNE}
            WHERE ?::INTEGER IS NULL OR exercice = ? ORDER BY territoire, exercice, poste, financeur""",
        [exercice, exercice]).df()


def enveloppes(con: duckdb.DuckDBPyConnection, exercice: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(national envelopes: exercice, montant, commentaire, revision, utilisateur, enregistre_le;
    credits notified: exercice, territoire, notifie, ...) for ``exercice`` or every one."""
    where, params = ("WHERE exercice = ?", [exercice]) if exercice is not None else ("", [])
    national = con.execute(f"SELECT * FROM {ENVELOPPE} {where} ORDER BY exercice", params).df()
    notifie = con.execute(f"SELECT * FROM {ENVELOPPE_TERRITOIRE} {where} ORDER BY exercice, territoire", params).df()
    return national, notifie


def historique_enveloppe(con: duckdb.DuckDBPyConnection, exercice: int) -> pd.DataFrame:
    """Former versions of an exercice's envelope and notified credits, newest first."""
    return con.execute(
        f"""SELECT 'national' AS portee, NULL::VARCHAR AS territoire, montant, revision, utilisateur, enregistre_le,
                   remplacee_le, remplacee_par FROM {ENVELOPPE_HISTORIQUE} WHERE exercice = ?
            UNION ALL
            SELECT 'territoire', territoire, notifie, revision, utilisateur, enregistre_le, remplacee_le, remplacee_par
            FROM {ENVELOPPE_TERRITOIRE_HISTORIQUE} WHERE exercice = ?
            ORDER BY remplacee_le DESC""", [exercice, exercice]).df()


# ------------------------------------------------------------------ the envelope (national team)


def _montant(value, what: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace("\u202f", "").replace(" ", "").replace(",", ".")).quantize(Decimal("0.01"))
    except Exception as exc:
        raise SaisieInvalide(f"{what} : « {value} » n'est pas un montant en euros.") from exc
    if not amount.is_finite() or amount < 0:
        raise SaisieInvalide(f"{what} : « {value} » doit être un montant positif ou nul.")
    return amount


def _exercice(exercice) -> int:
    try:
        year = int(exercice)
    except (TypeError, ValueError) as exc:
        raise SaisieInvalide(f"L'exercice « {exercice} » n'est pas une année.") from exc
    if not 2000 <= year <= 2100:
        raise SaisieInvalide(f"L'exercice « {exercice} » n'est pas une année plausible.")
    return year


def enregistrer_enveloppe(con: duckdb.DuckDBPyConnection, actor: Personne, exercice, montant,
                          notifications: dict[str, object] | None = None, commentaire: str | None = None,
                          effacer_commentaire: bool = False) -> dict:
    """Record an exercice's AMI envelope (national total ``montant``, None to leave it as it is) and
    the credits notified to territories (``notifications``: code -> amount), each a revision when
    it changes, the former value kept with who and when. An empty ``commentaire`` keeps the stored
    comment (as an empty cell of a file does); ``effacer_commentaire`` clears it (a new comment
    replaces it anyway). National team
    only; one transaction."""
    if not actor.est_national:
        raise AccesRefuse("Seule l'équipe nationale enregistre l'enveloppe de l'AMI.")
    year = _exercice(exercice)
    amounts = {code: _montant(v, f"Crédits notifiés à {code}") for code, v in (notifications or {}).items()}
    total = None if montant is None else _montant(montant, "Enveloppe nationale")
    known = {c for (c,) in con.execute(f"SELECT code FROM {TERRITOIRE}").fetchall()}
    unknown = sorted(set(amounts) - known)
    if unknown:
        raise SaisieInvalide(f"Territoire inconnu : {', '.join(unknown)}.")
    commentaire = (commentaire or "").strip() or None
    counts = {"nouvelles": 0, "revisees": 0, "inchangees": 0}
    with transaction(con):
        now = maintenant()
        stored = con.execute(f"SELECT montant, commentaire FROM {ENVELOPPE} WHERE exercice = ?", [year]).fetchall()
        if total is None and stored and (commentaire or effacer_commentaire):
            total = stored[0][0]  # a comment alone revises the stored envelope
        if total is not None:
            note = commentaire or (None if effacer_commentaire or not stored else stored[0][1])
            verdict = revise_one(con, ENVELOPPE, {"exercice": year}, {"montant": total, "commentaire": note},
                                 actor.email, now)
            counts[verdict + "s"] += 1
        for code, amount in sorted(amounts.items()):
            verdict = revise_one(con, ENVELOPPE_TERRITOIRE, {"exercice": year, "territoire": code}, {"notifie": amount},
                                 actor.email, now)
            counts[verdict + "s"] += 1
        store.journal(con, actor.email, ACTION_ENVELOPPE, str(year), json.dumps(
            {"montant": None if total is None else str(total),
             "notifications": {c: str(a) for c, a in amounts.items()}} | counts, ensure_ascii=False))
    return counts
