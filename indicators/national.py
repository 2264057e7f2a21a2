"""National aggregation (methodologie.md, "National aggregation"), per indicator and quarter, each
figure with the number of territories behind it:
- flux and somme: summed over the territories that reported the quarter;
- stock: summed over the latest value of each territory at or before the quarter;
- ratio: sum of numerators / sum of denominators over the territories that reported both;
- national roadmap progress: sum of realise / sum of C for flux and somme, and the count of
  territories per status;
- per 100,000 inhabitants: value x 100000 / population (of the territory, or of the territories
  behind a national figure).

Only active territories count nationally: a territory that left the programme no longer weighs on
the programme's totals (its own pages still show its history).
"""

from __future__ import annotations

import contextlib
import itertools

import pandas as pd
import pyarrow as pa

from indicators import derived, picture, picture_national, progress as progress_mod, status, tableau
from core import quarters
from data import store

TERRITOIRE = "territoire"
METADONNEE = "metadonnee"
MILLESIME_POPULATION_CLE = "millesime_population"  # metadonnee key naming the population vintage
PER = 100_000

_registration = itertools.count(1)


def figures_sql(filtre: bool = False) -> str:
    """SQL of the national figure of every catalogue indicator at every quarter of $quarters (the
    range from $first to $last); with ``filtre``, over the active territories of $territoires only."""
    # Territories and indicators are joined once to integer ids: grouping and joining on them is
    # much cheaper than on their text codes.
    return f"""
    WITH refs AS (SELECT unnest($quarters::VARCHAR[]) AS trimestre),
    terr AS (SELECT code AS territoire, population, row_number() OVER () AS tid FROM {TERRITOIRE} WHERE actif{_FILTRE if filtre else ''}),
    ids AS (SELECT code, nature, row_number() OVER () AS iid FROM {derived.INDICATEUR}),
    courants AS (
        SELECT t.tid, t.population, v.indicateur, v.trimestre, v.valeur
        FROM {derived.VALEUR} v JOIN terr t ON t.territoire = v.territoire
        -- $first and $last bound $quarters: a constant filter the scan applies at once
        WHERE v.trimestre >= $first AND v.trimestre <= $last
    ),
    -- flux: one value per reporting territory and quarter
    flux AS (
        SELECT i.iid, x.trimestre, sum(x.valeur) AS valeur, NULL::DOUBLE AS numerateur, NULL::DOUBLE AS denominateur,
               count(*) AS territoires_renseignes, sum(x.population) AS population_couverte,
               min(x.trimestre) AS trimestre_plus_ancien
        FROM courants x JOIN ids i ON i.code = x.indicateur AND i.nature = 'flux'
        GROUP BY i.iid, x.trimestre
    ),
    -- somme and ratio: first per territory and quarter that counts, then summed over territories
    tagged AS (
        SELECT x.tid, x.population, d.iid, c.nature, c.role, x.trimestre, x.valeur
        FROM courants x
        JOIN ({derived.components_sql()}) c ON c.composante = x.indicateur AND c.nature IN ('somme', 'ratio')
        JOIN ids d ON d.code = c.indicateur
    ),
    derives AS (
        SELECT iid, trimestre,
               CASE WHEN any_value(nature) = 'ratio'
                    THEN 100 * sum(numerateur) / nullif(sum(denominateur), 0)
                    ELSE sum(valeur) END AS valeur,
               sum(numerateur) AS numerateur, sum(denominateur) AS denominateur,
               count(*) AS territoires_renseignes, sum(population) AS population_couverte,
               min(trimestre) AS trimestre_plus_ancien
        FROM ({derived.derived_quarterly_sql('tagged', ('tid', 'population', 'iid'))})
        GROUP BY iid, trimestre
    ),
    -- a stock value stands until the territory reports the next one: at each quarter, the latest
    -- value at or before it
    stock_values AS (
        SELECT t.tid, t.population, i.iid, v.trimestre, v.valeur
        FROM {derived.VALEUR} v
        JOIN terr t ON t.territoire = v.territoire
        JOIN ids i ON i.code = v.indicateur AND i.nature = 'stock'
        WHERE v.trimestre <= $last
    ),
    latest AS (
        SELECT s.tid, s.population, s.iid, r.trimestre, arg_max(s.valeur, s.trimestre) AS valeur,
               max(s.trimestre) AS trimestre_valeur
        FROM stock_values s JOIN refs r ON s.trimestre <= r.trimestre
        GROUP BY s.tid, s.population, s.iid, r.trimestre
    ),
    stocks AS (
        SELECT iid, trimestre, sum(valeur) AS valeur,
               NULL::DOUBLE AS numerateur, NULL::DOUBLE AS denominateur,
               count(*) AS territoires_renseignes, sum(population) AS population_couverte,
               min(trimestre_valeur) AS trimestre_plus_ancien
        FROM latest
        GROUP BY iid, trimestre
    ),
    tout AS (SELECT * FROM flux UNION ALL SELECT * FROM derives UNION ALL SELECT * FROM stocks)
    SELECT i.code AS indicateur, i.nature, i.sens, i.unite, r.trimestre, a.valeur,
           a.numerateur, a.denominateur,
           coalesce(a.territoires_renseignes, 0) AS territoires_renseignes,
           a.population_couverte,
           -- a percentage has no meaning per inhabitant
           CASE WHEN i.nature <> 'ratio' THEN a.valeur * {PER} / nullif(a.population_couverte, 0) END AS pour_100000,
           a.trimestre_plus_ancien, i.ordre
    FROM {derived.INDICATEUR} i JOIN ids ON ids.code = i.code CROSS JOIN refs r
    LEFT JOIN tout a ON a.iid = ids.iid AND a.trimestre = r.trimestre
    ORDER BY i.ordre, r.trimestre
    """


_FILTRE = " AND list_contains($territoires::VARCHAR[], code)"


def figures(con, first: str, last: str | None = None, territoires=None) -> pd.DataFrame:
    """National figure per indicator and quarter from ``first`` to ``last`` (default: ``first``):
    valeur, numerateur/denominateur (ratio), territoires_renseignes, population_couverte,
    pour_100000, trimestre_plus_ancien (for a stock, the oldest latest value summed).
    ``territoires`` (codes; None: every active territory) sums over those territories only."""
    last = last or first
    params = {"quarters": quarters.quarter_range(first, last), "first": first, "last": last}
    if territoires is not None:
        params["territoires"] = [str(c) for c in territoires]
    return derived.fetch(con, figures_sql(territoires is not None), params)


_SUMMARY_COLUMNS = ["indicateur", "nature", "statut", "trimestres_ecoules", "realise", "attendu", "cible"]
# Columns of roadmap_summary() after the indicator, in order.
_SUMMARY_OUTPUT = [
    "territoires_avec_cible", "territoires_avancement", "realise_total", "cible_total", "avancement_national_pct",
    "attendu_total",
] + [f"nb_{code}" for code in status.STATUTS]
# Of which the counts (0 for an indicator without targets).
_SUMMARY_COUNTS = ["territoires_avec_cible", "territoires_avancement"] + [f"nb_{code}" for code in status.STATUTS]


def _summary_sql(source: str) -> str:
    counted = "nature IN ('flux', 'somme') AND trimestres_ecoules > 0 AND realise IS NOT NULL"
    counts = ",\n".join(
        f"count(*) FILTER (WHERE statut = '{code}') AS nb_{code}" for code in status.STATUTS
    )
    return f"""
        SELECT indicateur, count(*) AS territoires_avec_cible,
               -- flux and somme only: a realised count over a target count; territories that
               -- reported nothing are left out (never read as zero) and counted apart
               count(*) FILTER (WHERE {counted}) AS territoires_avancement,
               sum(realise) FILTER (WHERE {counted}) AS realise_total,
               sum(cible) FILTER (WHERE {counted}) AS cible_total,
               100 * sum(realise) FILTER (WHERE {counted})
                   / nullif(sum(cible) FILTER (WHERE {counted}), 0) AS avancement_national_pct,
               -- the expected path to date, summed over the same territories (the deck compares)
               sum(attendu) FILTER (WHERE {counted}) AS attendu_total,
               {counts}
        FROM {source} GROUP BY indicateur
    """


def roadmap_summary(con, at: str | None = None, progress_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per indicator with targets: territoires_avec_cible, realise_total, cible_total,
    avancement_national_pct, attendu_total (flux and somme) and nb_<statut> for each status. Reuses
    ``progress_frame`` (progress.progress() at the same quarter) when given."""
    with _registered_progress(con, quarters.reference(at), progress_frame) as name:
        return derived.fetch(con, _summary_sql(name))


@contextlib.contextmanager
def _registered_progress(con, at: str, progress_frame: pd.DataFrame | None):
    """The name under which the summary columns of the progress at ``at`` (``progress_frame``,
    checked, or computed) can be read on ``con`` for the time of the block."""
    if progress_frame is None:
        progress_frame = progress_mod.progress(con, at)
    elif not progress_frame.empty and set(progress_frame["reference"].unique()) != {at}:
        raise ValueError(f"La progression fournie n'est pas celle du trimestre {at}.")
    name = f"progression_{next(_registration)}"
    # only the columns the summary reads, handed over as Arrow: DuckDB scans a pandas frame's
    # text columns slowly
    store.register(con, name, pa.Table.from_pandas(progress_frame[_SUMMARY_COLUMNS], preserve_index=False))
    try:
        yield name
    finally:
        store.unregister(con, name)


def national(con, at: str | None = None, progress_frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The national picture at quarter ``at``: figures() of that quarter joined with
    roadmap_summary(), one row per catalogue indicator (status counts 0 where no target)."""
    at = quarters.reference(at)
    if progress_frame is not None and progress_frame.empty:
        # nothing to summarise, and maybe no column types to join on: figures and an empty
        # summary, merged in pandas
        out = figures(con, at).merge(roadmap_summary(con, at, progress_frame), on="indicateur", how="left")
        out[_SUMMARY_COUNTS] = out[_SUMMARY_COUNTS].fillna(0).astype("int64")
        return out
    if progress_frame is None:
        # the progress and the figures from one read of the values
        return tableau.tableau_national(con, at)[1]
    if set(progress_frame["reference"].unique()) != {at}:
        raise ValueError(f"La progression fournie n'est pas celle du trimestre {at}.")
    # figures and summary computed from the progress at hand and one read of the values
    cat = picture.Catalogue.read(con)
    return picture_national.national(at, cat, picture_national.figures(con, at, cat),
                                     picture_national.summary(progress_frame, cat)).to_pandas()


def per_100k(con, debut: str, fin: str | None = None, territoires: list[str] | None = None) -> pd.DataFrame:
    """Per territory and indicator, the figure over [debut, fin] (one quarter by default) with the
    territory's population and pour_100000 (empty for ratios), for comparing territories."""
    sql = f"""
        WITH tagged AS ({derived.tagged_sql()}), trim AS ({derived.quarterly_sql('tagged')}),
        periode AS ({derived.period_sql('trim')})
        SELECT p.territoire, t.nom, t.type, t.population, p.indicateur, p.nature,
               {derived.period_value_sql('p.nature', 'p.')} AS valeur, p.trimestres_renseignes,
               CASE WHEN p.nature <> 'ratio'
                    THEN {derived.period_value_sql('p.nature', 'p.')} * {PER} / nullif(t.population, 0)
               END AS pour_100000
        FROM periode p JOIN {TERRITOIRE} t ON t.code = p.territoire
        WHERE $territoires IS NOT NULL OR t.actif
        ORDER BY p.territoire, p.indicateur
    """
    return derived.fetch(con, sql, derived.params(debut, fin or debut, territoires, None))


def population_millesime(con) -> str | None:
    """The vintage of the population figures, when the store records it (metadonnee)."""
    # fetchall, not fetchone: leave no unread result behind on the caller's connection
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [METADONNEE]
    ).fetchall()[0][0]
    if not exists:
        return None
    rows = con.execute(f"SELECT valeur FROM {METADONNEE} WHERE cle = ?", [MILLESIME_POPULATION_CLE]).fetchall()
    return rows[0][0] if rows else None
