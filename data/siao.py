"""What the store keeps of SI-SIAO extracts besides their values: the column mapping the national
team uploads (each version an entry of the audit journal, so every former mapping stays with who
and when), and the counting report of each stored extract (counts only: never a row of the file).

No table of its own: the journal already gives the history with its author and time, and a mapping
is a few dozen pairs of column names."""

from __future__ import annotations

import json

import duckdb

from core.errors import AccesRefuse
from data.access import Personne
from data.registre import JOURNAL
from data.store import journal, transaction

ACTION_CORRESPONDANCE = "siao.correspondance"  # a new version of the column mapping
ACTION_COMPTAGE = "siao.comptage"  # the counting report of a stored extract (objet: the depot id)


def correspondance_enregistree(con: duckdb.DuckDBPyConnection) -> dict | None:
    """The current mapping uploaded by the national team: {"paires": [[export, documentée], ...],
    "fichier", "qui", "quand"}; None when none was ever uploaded (the shipped default applies)."""
    rows = con.execute(
        f"SELECT details, qui, quand FROM {JOURNAL} WHERE action = ? ORDER BY quand DESC, id DESC LIMIT 1",
        [ACTION_CORRESPONDANCE],
    ).fetchall()
    if not rows:
        return None
    details, qui, quand = rows[0]
    found = json.loads(details)
    return found | {"qui": qui, "quand": quand}


def historique_correspondances(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every mapping version, newest first: quand, qui, fichier, number of pairs."""
    rows = con.execute(
        f"SELECT quand, qui, details FROM {JOURNAL} WHERE action = ? ORDER BY quand DESC, id DESC",
        [ACTION_CORRESPONDANCE],
    ).fetchall()
    out = []
    for quand, qui, details in rows:
        found = json.loads(details)
        out.append({"quand": quand, "qui": qui, "fichier": found.get("fichier"),
                    "paires": len(found.get("paires", []))})
    return out


def enregistrer_correspondance(con: duckdb.DuckDBPyConnection, actor: Personne, paires: list[tuple[str, str]],
                               fichier: str, sha256: str) -> bool:
    """Store a validated mapping as the current one (national team only); False when it is the
    current one already (nothing written)."""
    if not actor.peut_administrer:
        raise AccesRefuse("Seule l'équipe nationale peut changer la correspondance des colonnes SI-SIAO.")
    pairs = [[str(a), str(b)] for a, b in paires]
    with transaction(con):
        current = correspondance_enregistree(con)
        if current is not None and current.get("paires") == pairs:
            return False
        journal(con, actor.email, ACTION_CORRESPONDANCE, "siao",
                json.dumps({"paires": pairs, "fichier": fichier, "sha256": sha256}, ensure_ascii=False))
    return True


def journaliser_comptage(con: duckdb.DuckDBPyConnection, qui: str, depot_id: int, comptage: dict) -> None:
    """Keep the counting report of stored extract ``depot_id`` (counts and quarters only)."""
    with transaction(con):
        journal(con, qui, ACTION_COMPTAGE, str(depot_id), json.dumps(comptage, ensure_ascii=False, default=str))
