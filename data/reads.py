"""Reads of the dashboard pages (catalogue, territories with names, a territory's detail).

Detail reads (values with comments, upload history) take the reading ``Personne`` and refuse a
territory outside their scope: the rule is enforced where the data are read, not only by the page.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from data.access import Personne
from core.errors import AccesRefuse
from core import quarters
from data.registre import (COLLECTIVITE, DEPOT, FEUILLE_DE_ROUTE, INDICATEUR, TERRITOIRE, VALEUR,
                           VALEUR_HISTORIQUE)

TYPES_TERRITOIRE = {
    "epci": "Intercommunalité (EPCI)",
    "departement": "Département",
    "commune": "Commune",
    "groupement": "Candidature conjointe",
}


class DetailRefuse(AccesRefuse):
    """The person may not read this territory's detail (or its figures at this quarter)."""

    code = "detail-refuse"


def exiger_detail(person: Personne, territoire: str) -> None:
    """Raise DetailRefuse (French message) unless ``person`` may read ``territoire``'s detail."""
    if not person.peut_voir_detail(territoire):
        raise DetailRefuse(
            "Le détail de ce territoire (valeurs déposées, commentaires, dépôts) est réservé à sa "
            "coordination, aux services de l'État du territoire et à l'équipe nationale."
        )


def trimestre_de_reference() -> str:
    """The default reference quarter (the last complete one): the only quarter at which a person
    reads the figures of a territory outside their scope."""
    return quarters.last_complete()


def trimestre_impose(person: Personne, territoire: str) -> str | None:
    """The quarter ``person`` must read ``territoire``'s page at (None: free to choose)."""
    return None if person.peut_voir_detail(territoire) else trimestre_de_reference()


def trimestre_comparaison(person: Personne, at: str) -> str:
    """The quarter of the comparison with the territories of the same type for ``person``."""
    return person.trimestre_comparaison(at, trimestre_de_reference())


def exiger_trimestre(person: Personne, territoire: str, at: str) -> None:
    """Raise DetailRefuse (French message) when ``person`` asks for ``territoire``'s figures at a
    quarter other than the one they may read (outside the scope: the default reference quarter)."""
    allowed = person.trimestre_lisible(territoire, at, trimestre_de_reference())
    if at != allowed:
        raise DetailRefuse(
            f"Hors de votre périmètre, les chiffres de ce territoire ne se lisent qu'au dernier trimestre "
            f"complet ({quarters.label(allowed)}) : ceux de deux trimestres donneraient par différence les "
            "valeurs trimestrielles, réservées à sa coordination, aux services de l'État du territoire et à "
            "l'équipe nationale.")


def exiger_trimestre_comparaison(person: Personne, at: str) -> None:
    """Raise DetailRefuse unless ``at`` is a quarter at which ``person`` may compare territories."""
    allowed = trimestre_comparaison(person, at)
    if at != allowed:
        raise DetailRefuse(
            f"La comparaison entre territoires ne se lit qu'au dernier trimestre complet "
            f"({quarters.label(allowed)}) hors de l'équipe nationale : elle montre d'autres territoires.")


def catalogue(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The indicator catalogue in display order, with the formula of derived indicators."""
    return con.execute(
        f"""
        SELECT code, libelle, definition, unite, nature, sens, axe, priorite, source,
               array_to_string(composantes, ' + ') AS composantes, numerateur, denominateur, ordre
        FROM {INDICATEUR} ORDER BY ordre
        """
    ).df()


def territoires(con: duckdb.DuckDBPyConnection, actifs_seulement: bool = True) -> pd.DataFrame:
    """Territories with their type, wave, population, département codes and région names."""
    return con.execute(
        f"""
        SELECT t.code, t.nom, t.type, t.vague, t.population, t.actif,
               array_to_string(t.membres, ', ') AS membres,
               array_to_string(t.departements, ', ') AS departements,
               coalesce((SELECT string_agg(r.nom, ', ' ORDER BY r.nom) FROM {COLLECTIVITE} r
                         WHERE r.niveau = 'region' AND list_contains(t.regions, r.code)), '') AS region
        FROM {TERRITOIRE} t
        WHERE t.actif OR NOT ?
        ORDER BY t.nom
        """,
        [actifs_seulement],
    ).df()


def valeurs_territoire(con: duckdb.DuckDBPyConnection, territoire: str, person: Personne) -> pd.DataFrame:
    """The current values of a territory, with comment, source, revision, who and when (detail)."""
    exiger_detail(person, territoire)
    return con.execute(
        f"""
        SELECT v.indicateur, v.trimestre, v.valeur, v.commentaire, v.source, v.revision,
               d.utilisateur, v.enregistre_le
        FROM {VALEUR} v LEFT JOIN {DEPOT} d ON d.id = v.depot_id
        WHERE v.territoire = ? ORDER BY v.indicateur, v.trimestre
        """,
        [territoire],
    ).df()


def historique_valeurs(con: duckdb.DuckDBPyConnection, territoire: str, indicateur: str,
                       person: Personne) -> pd.DataFrame:
    """Every version of the stored values of one indicator of a territory (detail): the current ones
    (``courante``) and the replaced ones, with comment, source, revision, who, when, from which file;
    newest quarter first, then newest revision first. A derived indicator has none of its own."""
    exiger_detail(person, territoire)
    return con.execute(
        f"""
        SELECT v.trimestre, v.revision, v.valeur, v.commentaire, v.source, d.utilisateur, v.enregistre_le,
               CAST(NULL AS TIMESTAMP) AS remplacee_le, d.fichier, true AS courante
        FROM {VALEUR} v LEFT JOIN {DEPOT} d ON d.id = v.depot_id
        WHERE v.territoire = $t AND v.indicateur = $i
        UNION ALL
        SELECT h.trimestre, h.revision, h.valeur, h.commentaire, h.source, h.utilisateur, h.enregistre_le,
               h.remplacee_le, d.fichier, false AS courante
        FROM {VALEUR_HISTORIQUE} h LEFT JOIN {DEPOT} d ON d.id = h.depot_id
        WHERE h.territoire = $t AND h.indicateur = $i
        ORDER BY trimestre DESC, revision DESC, courante DESC
        """,
        {"t": territoire, "i": indicateur},
    ).df()


def depots_territoire(con: duckdb.DuckDBPyConnection, territoire: str, person: Personne,
                      limit: int = 50) -> pd.DataFrame:
    """The uploads that concerned a territory, newest first (detail); the counts of a file shared
    with territories outside the person's scope are left empty."""
    exiger_detail(person, territoire)
    return con.execute(
        f"""
        SELECT d.recu_le, d.fichier, d.type_fichier, d.utilisateur, d.resultat,
               {comptes_dans_le_perimetre("$p::VARCHAR[]", COMPTES)}
        FROM {DEPOT} d WHERE list_contains(d.territoires, $t)
        ORDER BY d.recu_le DESC, d.id DESC LIMIT $n
        """,
        {"p": person.perimetre, "t": territoire, "n": limit},
    ).df()


def premier_debut(con: duckdb.DuckDBPyConnection) -> str | None:
    """The earliest roadmap start (when the programme's figures begin to count)."""
    return con.execute(
        f"SELECT min(f.debut) FROM {FEUILLE_DE_ROUTE} f JOIN {TERRITOIRE} t ON t.code = f.territoire WHERE t.actif"
    ).fetchall()[0][0]


def comptes_dans_le_perimetre(perimetre: str, columns: tuple[str, ...]) -> str:
    """SQL select list of the upload counts ``columns`` of ``depot d``, left empty for a person whose
    scope (the SQL list ``perimetre``, NULL for the national team) does not cover every territory
    of the upload: a shared file's counts would describe other territories' rows."""
    return ", ".join(
        f"CASE WHEN {perimetre} IS NULL OR list_has_all({perimetre}, d.territoires) THEN d.{c} END AS {c}"
        for c in columns)


COMPTES = ("nb_nouvelles", "nb_revisees", "nb_inchangees", "nb_erreurs")


def derniers_depots(con: duckdb.DuckDBPyConnection, person: Personne, limit: int = 10) -> pd.DataFrame:
    """The most recent uploads this person may see: all for the national team, those concerning
    their territory for a coordinator or a State service (other territories left out of the list,
    and the counts of a file shared with them left empty), none for a reader (upload history is
    detail)."""
    perimetre = person.perimetre
    return con.execute(
        f"""
        SELECT d.recu_le, d.fichier, d.type_fichier, d.utilisateur, d.resultat,
               array_to_string(CASE WHEN $p IS NULL THEN d.territoires
                                    ELSE list_intersect(d.territoires, $p) END, ', ') AS territoires,
               {comptes_dans_le_perimetre("$p::VARCHAR[]", COMPTES)}
        FROM {DEPOT} d
        WHERE $p IS NULL OR len(list_intersect(d.territoires, $p)) > 0
        ORDER BY d.recu_le DESC, d.id DESC LIMIT $n
        """,
        {"p": perimetre, "n": limit},
    ).df()
