"""Read functions the pages and exports use (one place for the SQL the dashboard reads)."""

from __future__ import annotations

import duckdb
import pandas as pd

from data.registre import CIBLE, DEPOT, FEUILLE_DE_ROUTE, INDICATEUR, METADONNEE, TERRITOIRE, VALEUR


def summary(con: duckdb.DuckDBPyConnection) -> dict:
    """Counts shown on the home page, and whether the data are demo data."""
    row = con.execute(
        f"""
        SELECT (SELECT count(*) FROM {TERRITOIRE} WHERE actif),
               (SELECT count(*) FROM {VALEUR}),
               (SELECT count(*) FROM {DEPOT} WHERE resultat = 'enregistre'),
               (SELECT count(*) FROM {FEUILLE_DE_ROUTE}),
               (SELECT max(trimestre) FROM {VALEUR}),
               (SELECT valeur FROM {METADONNEE} WHERE cle = 'demo'),
               (SELECT valeur FROM {METADONNEE} WHERE cle = 'modifiee_le')
        """
    ).fetchall()[0]
    return {
        "territoires": row[0], "valeurs": row[1], "depots": row[2], "feuilles": row[3],
        "dernier_trimestre": row[4], "demo": row[5] == "oui", "modifiee_le": row[6],
    }


def latest_uploads(con: duckdb.DuckDBPyConnection, limit: int = 10) -> pd.DataFrame:
    """The most recent uploads, accepted or refused."""
    return con.execute(
        f"""
        SELECT d.recu_le, d.fichier, d.type_fichier, d.utilisateur, d.resultat,
               array_to_string(d.territoires, ', ') AS territoires,
               d.nb_nouvelles, d.nb_revisees, d.nb_inchangees, d.nb_erreurs
        FROM {DEPOT} d ORDER BY d.recu_le DESC, d.id DESC LIMIT ?
        """,
        [limit],
    ).df()


def territories_without_values(con: duckdb.DuckDBPyConnection, quarter: str) -> pd.DataFrame:
    """Active territories with no value at all for ``quarter``."""
    return con.execute(
        f"""
        SELECT t.code, t.nom, t.vague, max(v.trimestre) AS dernier_trimestre
        FROM {TERRITOIRE} t LEFT JOIN {VALEUR} v ON v.territoire = t.code
        WHERE t.actif
        GROUP BY t.code, t.nom, t.vague
        HAVING count(*) FILTER (WHERE v.trimestre = ?) = 0
        ORDER BY t.nom
        """,
        [quarter],
    ).df()


def territories(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every territory with its reference attributes."""
    return con.execute(
        f"""
        SELECT code, nom, type, vague, array_to_string(membres, ', ') AS membres,
               array_to_string(departements, ', ') AS departements, array_to_string(regions, ', ') AS regions,
               population, actif
        FROM {TERRITOIRE} ORDER BY vague, nom
        """
    ).df()


def modele_depot(con: duckdb.DuckDBPyConnection, territoire: str, trimestre: str) -> dict:
    """What an upload template of ``territoire`` for ``trimestre`` needs: the territory's name, the
    roadmap in force at that quarter (window containing it, else the latest started before it, else
    the first one starting after it: values before a roadmap give its baseline) with its indicator
    codes (None without any roadmap), and the indicator catalogue."""
    names = con.execute(f"SELECT nom FROM {TERRITOIRE} WHERE code = ?", [territoire]).fetchall()
    feuille = con.execute(
        f"""
        SELECT id, debut, fin FROM {FEUILLE_DE_ROUTE}
        WHERE territoire = $1
        ORDER BY (debut <= $2 AND fin >= $2) DESC, (debut <= $2) DESC,
                 CASE WHEN debut <= $2 THEN debut END DESC, debut, id DESC LIMIT 1
        """,
        [territoire, trimestre],
    ).fetchall()
    codes = None
    if feuille:
        codes = [r[0] for r in con.execute(
            f"SELECT c.indicateur FROM {CIBLE} c JOIN {INDICATEUR} i ON i.code = c.indicateur"
            " WHERE c.feuille_id = ? ORDER BY i.ordre", [feuille[0][0]]).fetchall()]
    catalogue = con.execute(
        f"""
        SELECT code, libelle, definition, unite, nature, sens, source, composantes, numerateur, denominateur, ordre
        FROM {INDICATEUR} ORDER BY ordre
        """
    ).df()
    return {
        "territoire": territoire, "nom": names[0][0] if names else territoire, "trimestre": trimestre,
        "feuille": (feuille[0][1], feuille[0][2]) if feuille else None, "indicateurs": codes,
        "catalogue": catalogue,
    }


def date_des_donnees(con: duckdb.DuckDBPyConnection, territoires: list[str] | None = None):
    """When the figures were last fed: the reception time of the latest accepted upload of values
    concerning one of ``territoires`` (None: any territory), or None when there is none."""
    return con.execute(
        f"""
        SELECT max(recu_le) FROM {DEPOT}
        WHERE resultat = 'enregistre' AND type_fichier = 'values'
          AND ($t::VARCHAR[] IS NULL OR len(list_intersect(territoires, $t::VARCHAR[])) > 0)
        """,
        {"t": territoires},
    ).fetchall()[0][0]
