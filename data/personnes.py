"""People and their roles: listing, adding, changing and deactivating, and the audit trail.

Every write checks its actor here, where the data change, not only in the page: only a person who
``peut_administrer`` (national) may change people. Each write is one transaction with its journal
entry (who, action, e-mail, "ancien -> nouveau"). Rows are never deleted: a person who leaves is
deactivated, and stays in the journal and in the history of what they stored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from data.access import LIBELLES_ROLES, ROLES, ROLES_AVEC_TERRITOIRE, Personne
from core.errors import AccesRefuse, SaisieInvalide
from core.clock import maintenant
from data.registre import DEPOT, ENREGISTRE, JOURNAL, PERSONNE, TERRITOIRE
from data.store import journal, transaction
from data.uploads import TYPES_DEPOT, Outcome, UploadMeta, insert_depot  # the upload audit of a people file

if TYPE_CHECKING:  # for annotations only: the command line does not pay this import
    import pandas as pd

AJOUT = "personne.ajout"
ROLE = "personne.role"  # role or territory changed
DESACTIVATION = "personne.desactivation"
REACTIVATION = "personne.reactivation"
LIMITE_JOURNAL = 1000  # rows of audit trail read at once (the page says so)

# Deliberately plain: one @, no spaces or separators, a dot in the domain. The identity provider
# is the real check; this one catches typing and spreadsheet accidents.
_EMAIL = re.compile(r"^[^@\s;,<>()\"']+@[^@\s;,<>()\"']+\.[^@\s;,<>()\"'.]{2,}$")


class GestionRefusee(AccesRefuse):
    """The acting person may not change people (only the national team may)."""

    code = "gestion-personnes-refusee"

    def __init__(self, actor: Personne | None):
        who = f"{actor.email} ({actor.libelle_role})" if actor else "une personne non identifiée"
        super().__init__(
            f"Accès refusé : seule l'équipe nationale (rôle national) peut gérer les personnes ; "
            f"{who} ne le peut pas. Rien n'a été modifié."
        )


class DernierNational(SaisieInvalide):
    """A write would leave no active national administrator (nobody could manage access any more).
    ``emails``: the national administrators the write demoted or deactivated."""

    code = "dernier-national"

    def __init__(self, emails: list[str]):
        self.emails = emails
        who = ", ".join(emails)
        if len(emails) == 1:
            text = f"{who} est la dernière personne active de l'équipe nationale"
        else:
            text = f"{who} sont les dernières personnes actives de l'équipe nationale"
        super().__init__(f"{text} : ajoutez d'abord un autre administrateur national, sinon plus personne "
                         "ne pourrait gérer les accès. Rien n'a été modifié.")


@dataclass(frozen=True)
class Fiche:
    """A person as stored (the row of the personne table that matters)."""

    email: str
    role: str
    territoire: str | None
    actif: bool

    def resume(self) -> str:
        """« coordinateur (200054781) », « national », with « inactif » when so."""
        text = self.role + (f" ({self.territoire})" if self.territoire else "")
        return text if self.actif else f"{text}, inactif"


# ------------------------------------------------------------------ checks shared with the loader


def normalise_email(email: str | None) -> str:
    """E-mails are compared and stored in lower case, without surrounding spaces."""
    return str(email or "").strip().lower()


def email_valide(email: str | None) -> bool:
    """Whether ``email`` looks like an e-mail address."""
    return bool(_EMAIL.match(normalise_email(email)))


def roles_possibles() -> str:
    """« national, coordinateur, services_etat, lecteur » for messages."""
    return ", ".join(ROLES)


def active_territories(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """code -> name of the territories a person may be attached to (active ones)."""
    return dict(con.execute(f"SELECT code, nom FROM {TERRITOIRE} WHERE actif ORDER BY nom").fetchall())


def check(con: duckdb.DuckDBPyConnection, email: str, role: str, territoire: str | None) -> list[str]:
    """French messages for what is wrong with this person (empty when acceptable)."""
    problems = []
    if not email_valide(email):
        problems.append(f"« {email} » n'est pas une adresse électronique valide (forme attendue : prenom.nom@domaine.fr).")
    if role not in ROLES:
        problems.append(f"Le rôle « {role} » n'existe pas. Rôles possibles : {roles_possibles()}.")
    elif role in ROLES_AVEC_TERRITOIRE:
        if not territoire:
            problems.append(f"Le rôle « {LIBELLES_ROLES[role]} » exige un territoire.")
        else:
            rows = con.execute(f"SELECT actif FROM {TERRITOIRE} WHERE code = ?", [territoire]).fetchall()
            if not rows:
                problems.append(f"Le territoire « {territoire} » n'est pas dans la liste des territoires.")
            elif not rows[0][0]:
                problems.append(f"Le territoire « {territoire} » n'est plus actif dans le programme.")
    elif territoire:
        problems.append(f"Le rôle « {LIBELLES_ROLES[role]} » ne se rattache à aucun territoire : laissez le territoire vide.")
    return problems


def _require_admin(actor: Personne | None) -> None:
    if actor is None or not actor.peut_administrer:
        raise GestionRefusee(actor)


# ------------------------------------------------------------------ reads


def fiche(con: duckdb.DuckDBPyConnection, email: str) -> Fiche | None:
    """The stored person with this e-mail (active or not), or None."""
    rows = con.execute(
        f"SELECT email, role, territoire, actif FROM {PERSONNE} WHERE lower(email) = ?", [normalise_email(email)]
    ).fetchall()
    return Fiche(*rows[0]) if rows else None


def people(con: duckdb.DuckDBPyConnection, include_inactive: bool = True) -> pd.DataFrame:
    """Every person (active first, then by e-mail) with the role's label and the territory's name."""
    frame = con.execute(
        f"""
        SELECT p.email, p.role, p.territoire, t.nom AS territoire_nom, p.actif, p.utilisateur AS modifie_par,
               p.enregistre_le AS modifie_le
        FROM {PERSONNE} p LEFT JOIN {TERRITOIRE} t ON t.code = p.territoire
        WHERE p.actif OR ?
        ORDER BY p.actif DESC, p.email
        """,
        [include_inactive],
    ).df()
    frame.insert(2, "libelle_role", frame["role"].map(LIBELLES_ROLES))
    return frame


# ------------------------------------------------------------------ writes


def _details(before: Fiche | None, after: Fiche | None) -> str:
    return json.dumps({"ancien": before.resume() if before else None, "nouveau": after.resume() if after else None},
                      ensure_ascii=False)


def _active_nationals(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [e for (e,) in con.execute(
        f"SELECT lower(email) FROM {PERSONNE} WHERE role = 'national' AND actif ORDER BY 1").fetchall()]


def _keep_a_national(con: duckdb.DuckDBPyConnection, before: list[str]) -> None:
    """The invariant of every write of people, checked after all its rows inside its transaction
    (raising rolls it back): if there was an active national administrator, one remains."""
    if before and not _active_nationals(con):
        raise DernierNational(before)


def _write(con, actor: Personne, email: str, role: str, territoire: str | None, actif: bool) -> str | None:
    """Upsert one person inside the caller's transaction; the journal action, or None if unchanged."""
    before = fiche(con, email)
    after = Fiche(email, role, territoire, actif)
    if before == after:
        return None
    if before is None:
        con.execute(f"INSERT INTO {PERSONNE} VALUES (?, ?, ?, ?, ?, ?)",
                    [email, role, territoire, actif, actor.email, maintenant()])
        action = AJOUT
    else:
        con.execute(
            f"UPDATE {PERSONNE} SET role = ?, territoire = ?, actif = ?, utilisateur = ?, enregistre_le = ? WHERE email = ?",
            [role, territoire, actif, actor.email, maintenant(), before.email],
        )
        if (before.role, before.territoire) != (role, territoire):
            action = ROLE
        else:
            action = DESACTIVATION if not actif else REACTIVATION
    journal(con, actor.email, action, email, _details(before, after))
    return action


def save(con: duckdb.DuckDBPyConnection, actor: Personne, email: str, role: str,
         territoire: str | None = None, actif: bool = True) -> str | None:
    """Add a person or change their role, territory or status, in one transaction with its journal
    entry. Returns the journal action (``personne.ajout``, ``personne.role``...) or None when nothing
    changed. Raises AccesRefuse unless ``actor`` may administer, SaisieInvalide for bad input."""
    _require_admin(actor)
    email = normalise_email(email)
    territoire = (territoire or "").strip() or None
    problems = check(con, email, role, territoire)
    if problems:
        raise SaisieInvalide(" ".join(problems))
    with transaction(con):
        nationals = _active_nationals(con)
        action = _write(con, actor, email, role, territoire, actif)
        _keep_a_national(con, nationals)
        return action


def deactivate(con: duckdb.DuckDBPyConnection, actor: Personne, email: str) -> bool:
    """Deactivate a person (never deleted); True if they were active. Same checks as ``save``."""
    _require_admin(actor)
    current = fiche(con, email)
    if current is None:
        raise SaisieInvalide(f"Aucune personne n'est enregistrée avec l'adresse « {normalise_email(email)} ».")
    if not current.actif:
        return False
    save(con, actor, current.email, current.role, current.territoire, actif=False)
    return True


class _Rollback(Exception):
    """Raised inside the transaction to roll a dry run back."""


def apply_people(con: duckdb.DuckDBPyConnection, actor: Personne, rows: Iterable[tuple],
                 meta: UploadMeta | None = None, *, dry_run: bool = False) -> Outcome:
    """Upsert validated (email, role, territoire, actif) rows in one transaction: all of them or
    none, one journal entry per changed person, and the file in the upload audit when ``meta`` is
    given. Counts: nouvelles (added), revisees (changed), inchangees. Raises AccesRefuse unless
    ``actor`` may administer, DernierNational (nothing stored, dry run or not) when the rows, all
    applied, would leave no active national administrator."""
    _require_admin(actor)
    outcome = Outcome()
    try:
        with transaction(con):
            nationals = _active_nationals(con)
            for email, role, territoire, actif in rows:
                action = _write(con, actor, normalise_email(email), role, territoire or None, bool(actif))
                if action is None:
                    outcome.inchangees += 1
                elif action == AJOUT:
                    outcome.nouvelles += 1
                else:
                    outcome.revisees += 1
            _keep_a_national(con, nationals)
            if meta is not None:
                depot_id = insert_depot(con, meta, ENREGISTRE, outcome, 0, [])
            if dry_run:
                raise _Rollback
            outcome.depot_id = depot_id if meta is not None else None
    except _Rollback:
        pass
    return outcome


# ------------------------------------------------------------------ audit trail


def _details_text(raw) -> str | None:
    """Journal details for people: « ancien -> nouveau »; other JSON as compact text."""
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return str(raw)
    if isinstance(value, dict) and set(value) == {"ancien", "nouveau"}:
        return f"{value['ancien'] or '(aucun)'} -> {value['nouveau'] or '(aucun)'}"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def audit_trail(con: duckdb.DuckDBPyConnection, since: dt.date | dt.datetime | None = None,
                action: str | None = None, who: str | None = None, limit: int = LIMITE_JOURNAL) -> pd.DataFrame:
    """The journal and every upload (accepted or refused) as one frame (quand, qui, action, objet,
    details), newest first. ``action`` matches a code or its family (``personne`` matches
    ``personne.role``); ``who`` is a case-insensitive part of the author."""
    if isinstance(since, dt.date) and not isinstance(since, dt.datetime):
        since = dt.datetime.combine(since, dt.time.min)
    frame = con.execute(
        f"""
        WITH trail AS (
            SELECT quand, qui, action, objet, CAST(details AS VARCHAR) AS details, 0 AS source, id FROM {JOURNAL}
            UNION ALL
            SELECT recu_le, utilisateur, 'depot.' || resultat, fichier,
                   to_json(struct_pack(type := type_fichier, lignes := nb_lignes, nouvelles := nb_nouvelles,
                                       revisees := nb_revisees, inchangees := nb_inchangees,
                                       erreurs := nb_erreurs, territoires := territoires))::VARCHAR,
                   1, id
            FROM {DEPOT}
        )
        SELECT quand, qui, action, objet, details, source FROM trail
        WHERE (CAST(? AS TIMESTAMP) IS NULL OR quand >= ?)
          AND (CAST(? AS VARCHAR) IS NULL OR action = ? OR starts_with(action, ? || '.'))
          AND (CAST(? AS VARCHAR) IS NULL OR contains(lower(qui), lower(?)))
        ORDER BY quand DESC, source, id DESC
        LIMIT ?
        """,
        [since, since, action, action, action, who, who, int(limit)],
    ).df()
    is_depot = frame["source"] == 1
    frame["details"] = [
        _depot_text(d) if dep else _details_text(d) for d, dep in zip(frame["details"], is_depot)
    ]
    return frame.drop(columns="source")


def _depot_text(raw: str) -> str:
    d = json.loads(raw)
    kind = TYPES_DEPOT.get(d.get("type"), d.get("type") or "type inconnu")
    if d.get("erreurs"):
        # the file's size, apart: « N problèmes sur M lignes » elsewhere counts the lines at fault
        return f"{kind} : {d['lignes']} ligne(s) ; refusé, {d['erreurs']} problème(s)"
    text = (f"{kind} : {d['lignes']} ligne(s) ; nouvelles {d['nouvelles']}, "
            f"révisées {d['revisees']}, inchangées {d['inchangees']}")
    if d.get("territoires"):
        shown = ", ".join(d["territoires"][:5]) + (" …" if len(d["territoires"]) > 5 else "")
        text += f" ; territoires {shown}"
    return text


def audit_actions(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every action code present in the audit trail, for a filter."""
    rows = con.execute(
        f"SELECT DISTINCT action FROM {JOURNAL} UNION SELECT DISTINCT 'depot.' || resultat FROM {DEPOT} ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]
