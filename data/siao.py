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
from core import quarters
from core.formatting import figure
from data.registre import INDICATEUR, JOURNAL, TERRITOIRE
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


# the factor of a quarter-on-quarter jump in words (core.parameters.FACTEUR_SAUT_TRIMESTRIEL)
_FOIS = {2: "le double", 3: "le triple", 4: "le quadruple"}
_PART = {2: "la moitié", 3: "le tiers", 4: "le quart"}


def _ecart(hausse: bool, facteur: float) -> str:
    whole = int(facteur) if float(facteur).is_integer() else None
    if hausse:
        return f"soit plus {_de(_FOIS[whole])} du trimestre précédent" if whole in _FOIS else \
            f"soit plus de {figure(facteur)} fois la valeur du trimestre précédent"
    return f"soit moins {_de(_PART[whole])} du trimestre précédent" if whole in _PART else \
        f"soit moins de la valeur du trimestre précédent divisée par {figure(facteur)}"


def _de(groupe: str) -> str:
    """« de » before a definite article, contracted as French writes it: du triple, de la moitié."""
    return "du " + groupe[3:] if groupe.startswith("le ") else "de " + groupe


def params_sauts(con: duckdb.DuckDBPyConnection, sauts: list[tuple], facteur: float) -> list[dict]:
    """The quarter-on-quarter jumps of values counted from an SI-SIAO extract (no line of a file
    to point to), each (territoire, indicateur, trimestre, valeur, precedent, trimestre_precedent):
    the parameters of their warnings (loaders/problems.py, siao-saut-trimestriel), which say which
    territory (code and name), which indicator (its label), which quarters and which figures."""
    if not sauts:
        return []
    noms = dict(con.execute(f"SELECT code, nom FROM {TERRITOIRE} WHERE list_contains(?, code)",
                            [sorted({s[0] for s in sauts})]).fetchall())
    libelles = dict(con.execute(f"SELECT code, libelle FROM {INDICATEUR} WHERE list_contains(?, code)",
                                [sorted({s[1] for s in sauts})]).fetchall())
    out = []
    for territoire, indicateur, trimestre, valeur, precedent, trimestre_precedent in sauts:
        out.append({"territoire": territoire, "nom": noms.get(territoire, territoire),
                    "indicateur": libelles.get(indicateur, indicateur), "trimestre": quarters.label(trimestre),
                    "trimestre_precedent": quarters.label(trimestre_precedent),
                    "precedent": figure(precedent, 2), "ecart": _ecart(valeur > precedent, facteur)})
    return out
