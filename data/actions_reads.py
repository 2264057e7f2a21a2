"""Reading the actions of the roadmaps and their status points, with the roles applied here (never
only by hiding a page): the detail of a territory's actions (titles, pilots, comments, history) for
the people whose scope holds it; everyone else gets the texts-free rows the aggregate counts are
computed from (axe, dates, status, progress)."""

from __future__ import annotations

import duckdb
import pandas as pd

from core.errors import AccesRefuse
from data.access import Personne
from data.registre import ACTION, ACTION_HISTORIQUE, POINT_ACTION, POINT_ACTION_HISTORIQUE, TERRITOIRE


def _check(personne: Personne, territoire: str) -> None:
    if not personne.peut_voir_detail(territoire):
        raise AccesRefuse("Vous ne pouvez pas consulter le détail des actions de ce territoire.")


def actions(con: duckdb.DuckDBPyConnection, personne: Personne, territoire: str) -> pd.DataFrame:
    """The current actions of ``territoire`` (every field, who last changed them and when)."""
    _check(personne, territoire)
    return con.execute(
        f"""SELECT territoire, ref_action, intitule, axe, pilote, partenaires, debut, fin, revision, utilisateur,
                   enregistre_le
            FROM {ACTION} WHERE territoire = ? ORDER BY axe, ref_action""", [territoire]).df()


def points(con: duckdb.DuckDBPyConnection, personne: Personne, territoire: str) -> pd.DataFrame:
    """The current status points of ``territoire``'s actions, every quarter."""
    _check(personne, territoire)
    return con.execute(
        f"""SELECT territoire, ref_action, trimestre, statut, avancement, commentaire, revision, utilisateur,
                   enregistre_le
            FROM {POINT_ACTION} WHERE territoire = ? ORDER BY ref_action, trimestre""", [territoire]).df()


def historique_action(con: duckdb.DuckDBPyConnection, personne: Personne, territoire: str,
                      ref_action: str) -> pd.DataFrame:
    """Every status point of one action quarter by quarter, the current one and the former
    revisions (``courante`` false, with when and by which upload they were replaced), newest
    revision first within a quarter."""
    _check(personne, territoire)
    return con.execute(
        f"""SELECT trimestre, statut, avancement, commentaire, revision, utilisateur, enregistre_le, courante,
                   remplacee_le
            FROM (SELECT trimestre, statut, avancement, commentaire, revision, utilisateur, enregistre_le,
                         true AS courante, NULL::TIMESTAMP AS remplacee_le
                  FROM {POINT_ACTION} WHERE territoire = $t AND ref_action = $r
                  UNION ALL
                  SELECT trimestre, statut, avancement, commentaire, revision, utilisateur, enregistre_le, false,
                         remplacee_le
                  FROM {POINT_ACTION_HISTORIQUE} WHERE territoire = $t AND ref_action = $r)
            ORDER BY trimestre DESC, revision DESC""", {"t": territoire, "r": ref_action}).df()


def revisions_action(con: duckdb.DuckDBPyConnection, personne: Personne, territoire: str,
                     ref_action: str) -> pd.DataFrame:
    """The former versions of one action's description (title, axe, dates...), newest first."""
    _check(personne, territoire)
    return con.execute(
        f"""SELECT intitule, axe, pilote, partenaires, debut, fin, revision, utilisateur, enregistre_le, remplacee_le
            FROM {ACTION_HISTORIQUE} WHERE territoire = ? AND ref_action = ? ORDER BY revision DESC""",
        [territoire, ref_action]).df()


def suivi(con: duckdb.DuckDBPyConnection, territoires: list[str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(actions, points) without any text, for the aggregate counts every role may see: actions
    (territoire, ref_action, axe, debut, fin) of active territories (or of ``territoires``), and
    their points (territoire, ref_action, trimestre, statut, avancement)."""
    where = "t.actif" if territoires is None else "list_contains($ts::VARCHAR[], a.territoire)"
    params = {} if territoires is None else {"ts": list(territoires)}
    acts = con.execute(
        f"""SELECT a.territoire, a.ref_action, a.axe, a.debut, a.fin FROM {ACTION} a
            JOIN {TERRITOIRE} t ON t.code = a.territoire WHERE {where} ORDER BY 1, 2""", params).df()
    pts = con.execute(
        f"""SELECT p.territoire, p.ref_action, p.trimestre, p.statut, p.avancement FROM {POINT_ACTION} p
            JOIN {ACTION} a USING (territoire, ref_action) JOIN {TERRITOIRE} t ON t.code = a.territoire
            WHERE {where} ORDER BY 1, 2, 3""", params).df()
    return acts, pts
