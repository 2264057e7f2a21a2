"""Progress toward the roadmap targets, per territory x roadmap indicator x reference quarter,
exactly as methodologie.md: realise, attendu (with or without the year-one milestone),
avancement_pct, statut, projection_fin, trimestres_ecoules (k) and trimestres_renseignes (m).

At one reference quarter (progress()), the figures are computed in numpy from a few grouped reads
(indicators/picture.py). Over several quarters (progress_ensembliste(), progress_history()), they
are computed set-wise in DuckDB over the relations ``feuille_de_route``, ``cible``, ``indicateur``,
``territoire`` and ``valeur``: two small reads (the roadmap that applies to each territory and
quarter, and the catalogue), then one query on integer keys. Python assembles the SQL, passes
parameters and puts back, by position, the text the integer codes stand for. Both give the same
frame (tests/test_moteur_differentiel.py).
"""

from __future__ import annotations

import itertools

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from data import store
from data.engine_reads import applicable_roadmaps_sql, territories_filter_sql
from indicators import derived, picture, status
from core import quarters

FEUILLE = "feuille_de_route"
CIBLE = "cible"
TERRITOIRE = "territoire"

# Columns of the command-line contract, in order (the engine frame carries a few more).
COLUMNS = [
    "indicateur", "nature", "sens", "debut", "fin", "valeur_base", "cible", "realise", "attendu",
    "avancement_pct", "statut", "projection_fin", "trimestres_ecoules", "trimestres_renseignes",
]

_IDX = quarters.sql_index


def windows_sql() -> str:
    """SQL of the roadmap that applies at each territory and quarter of $references (territories of
    $territoires, or every active one), ordered by territory and reference, with its quarter
    arithmetic: n (quarters in the window), debut_idx (running index of its first quarter) and k
    (quarters elapsed at the reference: 0 before the window; after it, progress is read at its
    last quarter)."""
    refs = "(SELECT unnest($references::VARCHAR[]) AS reference)"
    return f"""
    SELECT territoire, reference, feuille_id, debut, fin,
           {_IDX('fin')} - {_IDX('debut')} + 1 AS n,
           {_IDX('debut')} AS debut_idx,
           CASE WHEN reference < debut THEN 0
                ELSE {_IDX('least(reference, fin)')} - {_IDX('debut')} + 1 END AS k
    FROM ({applicable_roadmaps_sql(refs, territories_filter_sql('f.territoire'))})
    ORDER BY territoire, reference
    """


def catalogue_sql() -> str:
    """SQL of the catalogue columns a progress row repeats, ordered by code."""
    return f"SELECT code, nature, sens, ordre FROM {derived.INDICATEUR} ORDER BY code"


def progress_sql(fenetres: str, indicateurs: str) -> str:
    """The progress query over ``fenetres`` (the rows of windows_sql() with w, their position) and
    ``indicateurs`` (the rows of catalogue_sql() with iid, their position). Named parameters:
    $trimestres (every quarter a window may read, in order), $base_idx (running index of the
    first), $borne_debut and $borne_fin (the first and the last) and the thresholds of
    status.sql_params().

    Rows come out as integer codes ordered by w and the catalogue order: w, iid, statut (position in
    status.STATUTS), dernier (position in $trimestres of the last quarter reported); decode() attaches
    the text they stand for."""
    return f"""
    WITH ecoules AS (
        -- each quarter a window has elapsed (none when k = 0): as stored text, to meet the values,
        -- and as an index. No WHERE on the Arrow windows: planning a filter pushed into an Arrow
        -- scan costs more (4 ms measured) than reading its few rows.
        SELECT w, territoire, $trimestres[x - $base_idx + 1] AS trimestre, x AS tidx
        FROM (SELECT w, territoire, unnest(range(debut_idx, debut_idx + k)) AS x FROM {fenetres})
    ),
    valeurs AS (
        SELECT e.w, i.iid, e.tidx, v.valeur
        FROM {derived.VALEUR} v
        JOIN ecoules e ON v.territoire = e.territoire AND v.trimestre = e.trimestre
        JOIN {indicateurs} i ON i.code = v.indicateur
        -- constant bounds, known beforehand, let the scan drop the other quarters at once
        WHERE v.trimestre >= $borne_debut AND v.trimestre <= $borne_fin
    ),
    -- a base value is its own figure, one value per quarter: straight to the period
    base AS ({derived.period_sql('valeurs', ('w', 'iid'), 'tidx', ratio_terms=False)}),
    -- a derived figure first goes through the quarters that count
    tagged AS (
        SELECT x.w, d.iid, c.nature, c.role, x.tidx, x.valeur
        FROM valeurs x
        JOIN {indicateurs} b ON b.iid = x.iid
        JOIN ({derived.components_sql()}) c ON c.composante = b.code AND c.nature IN ('somme', 'ratio')
        JOIN {indicateurs} d ON d.code = c.indicateur
    ),
    derives AS ({derived.period_sql(
        f"({derived.derived_quarterly_sql('tagged', ('w', 'iid'), 'tidx')})", ("w", "iid"), "tidx")}),
    periode AS (SELECT * FROM base UNION ALL SELECT * FROM derives),
    mesure AS (
        SELECT f.w, i.iid, i.nature, i.sens, i.ordre, c.valeur_base, c.periode_base, c.cible, c.jalon_an1,
               f.n, f.k, coalesce(p.trimestres_renseignes, 0) AS m,
               {derived.period_value_sql('i.nature', 'p.')} AS realise,
               p.dernier_trimestre - $base_idx AS dernier,
               p.dernier_trimestre - f.debut_idx + 1 AS j,
               -- flux and somme accumulate from the window start; stock and ratio start at the baseline
               CASE WHEN i.nature IN ('flux', 'somme') THEN 0 ELSE c.valeur_base END AS b0,
               -- the milestone only shapes the path of a window longer than a year
               CASE WHEN f.n > 4 THEN c.jalon_an1 END AS jalon
        FROM {fenetres} f
        JOIN {CIBLE} c ON c.feuille_id = f.feuille_id
        JOIN {indicateurs} i ON i.code = c.indicateur
        LEFT JOIN periode p ON p.w = f.w AND p.iid = i.iid
    ),
    chemin AS (
        SELECT *,
               CASE WHEN k = 0 THEN NULL
                    WHEN jalon IS NULL THEN b0 + (cible - b0) * k / n
                    WHEN k <= 4 THEN b0 + (jalon - b0) * k / 4
                    ELSE jalon + (cible - jalon) * (k - 4) / (n - 4) END AS attendu
        FROM mesure
    )
    SELECT w, iid, valeur_base, periode_base, cible, jalon_an1, realise, attendu,
           CASE WHEN nature IN ('flux', 'somme') THEN 100 * realise / nullif(cible, 0)
                ELSE 100 * (realise - valeur_base) / nullif(cible - valeur_base, 0) END AS avancement_pct,
           ({status.status_sql(position=True)})::TINYINT AS statut,
           CASE WHEN m = 0 THEN NULL
                WHEN nature IN ('flux', 'somme') THEN realise / m * n
                WHEN nature = 'stock' THEN valeur_base + (realise - valeur_base) / j * n
                ELSE realise END AS projection_fin,
           k AS trimestres_ecoules, m AS trimestres_renseignes, dernier, ordre
    FROM chemin
    ORDER BY w, ordre
    """


_registration = itertools.count(1)


def progress_ensembliste(con, references: list[str], territoires: list[str] | None = None) -> pd.DataFrame:
    """Progress at each quarter of ``references`` (territories of ``territoires``, default every
    active one), set-wise in DuckDB: the engine of progress_history(), whatever the number of
    quarters (progress() at one quarter computes the same frame from one grouped read)."""
    # Two small reads, then one set-wise query on integer keys. The windows (one per territory and
    # reference) and the catalogue come first: they give the bounds of the quarters to read and
    # the text the progress rows repeat, which decode() attaches at the end: on the bench's scale
    # database (43,000 rows) DuckDB spent more time carrying that text through joins, the sort and
    # its result than computing the figures.
    fenetres = derived.fetch_arrow(con, windows_sql(), {
        "references": references, "territoires": None if territoires is None else list(territoires)})
    fenetres = fenetres.append_column("w", pa.array(range(fenetres.num_rows), pa.int32()))
    catalogue = derived.fetch_arrow(con, catalogue_sql())
    catalogue = catalogue.append_column("iid", pa.array(range(catalogue.num_rows), pa.int32()))
    trimestres = _quarters_read(fenetres)
    params = {
        "trimestres": trimestres, "base_idx": quarters.to_index(trimestres[0]) if trimestres else 0,
        # bounds no stored quarter meets when no window has started
        "borne_debut": trimestres[0] if trimestres else "9999-T4",
        "borne_fin": trimestres[-1] if trimestres else "0000-T1",
        **status.sql_params(),
    }
    number = next(_registration)
    names = (f"fenetres_{number}", f"indicateurs_{number}")
    store.register(con, names[0], fenetres)
    store.register(con, names[1], catalogue)
    try:
        rows = derived.fetch_arrow(con, progress_sql(*names), params)
    finally:
        store.unregister(con, names[0])
        store.unregister(con, names[1])
    return decode(rows, fenetres, catalogue, trimestres)


def _quarters_read(fenetres: pa.Table) -> list[str]:
    """Every quarter from the first start to the last elapsed quarter of the started windows."""
    started = fenetres.filter(pc.greater(fenetres["k"], 0))
    if started.num_rows == 0:
        return []
    first = pc.min(started["debut_idx"]).as_py()
    last = pc.max(pc.add(started["debut_idx"], started["k"])).as_py() - 1
    return [quarters.from_index(i) for i in range(first, last + 1)]


def decode(rows: pa.Table, fenetres: pa.Table, catalogue: pa.Table, trimestres: list[str]) -> pd.DataFrame:
    """The progress frame from the coded rows of progress_sql(): the text of each code taken by
    position from the windows, the catalogue, status.STATUTS and the quarters read."""
    w, iid = rows["w"], rows["iid"]
    columns = {
        "territoire": fenetres["territoire"].take(w),
        "reference": fenetres["reference"].take(w),
        "feuille_id": fenetres["feuille_id"].take(w),
        "indicateur": catalogue["code"].take(iid),
        "nature": catalogue["nature"].take(iid),
        "sens": catalogue["sens"].take(iid),
        "debut": fenetres["debut"].take(w),
        "fin": fenetres["fin"].take(w),
        **{c: rows[c] for c in ("valeur_base", "periode_base", "cible", "jalon_an1", "realise", "attendu",
                                "avancement_pct")},
        "statut": pa.array(status.STATUTS, pa.string()).take(rows["statut"]),
        "projection_fin": rows["projection_fin"],
        "trimestres_ecoules": rows["trimestres_ecoules"],
        "trimestres_renseignes": rows["trimestres_renseignes"],
        "trimestres_fenetre": fenetres["n"].take(w),
        "dernier_trimestre_renseigne": pa.array(trimestres, pa.string()).take(rows["dernier"]),
        "ordre": rows["ordre"],
    }
    return pa.table(columns).to_pandas()


def progress(con, at: str | None = None, territoires: list[str] | None = None) -> pd.DataFrame:
    """Progress of every roadmap indicator of the given territories (default: every active one) at
    quarter ``at`` (default: the last complete quarter): one row per territory x indicator, the
    columns of COLUMNS plus territoire, reference, feuille_id, jalon_an1, periode_base,
    trimestres_fenetre, dernier_trimestre_renseigne, ordre."""
    return picture.progress(con, quarters.reference(at), territoires)


def progress_history(con, territoires: list[str], first: str, last: str) -> pd.DataFrame:
    """Progress at every reference quarter from ``first`` to ``last`` (for the charts of the
    achieved value against the expected path): the frame of progress() with one row per quarter."""
    return progress_ensembliste(con, quarters.quarter_range(first, last), territoires)


def roadmap_windows(con, territoires: list[str] | None = None) -> pd.DataFrame:
    """Every roadmap (territoire, feuille_id, debut, fin, indicateurs) of the given territories,
    oldest first: the renewals of a territory in sequence."""
    return derived.fetch(
        con,
        f"""
        SELECT f.territoire, f.id AS feuille_id, f.debut, f.fin, count(c.indicateur) AS indicateurs
        FROM {FEUILLE} f LEFT JOIN {CIBLE} c ON c.feuille_id = f.id
        WHERE $territoires IS NULL OR list_contains($territoires, f.territoire)
        GROUP BY ALL ORDER BY f.territoire, f.debut, f.id
        """,
        {"territoires": None if territoires is None else list(territoires)},
    )
