"""The whole national picture at one reference quarter from ONE grouped pass over the values: the
progress of every territory x roadmap indicator, the national table and the completeness of
reporting (what the national page shows: indicators/views.py's pilotage() calls tableau_national()
once per data version).

The pass is engine_reads.quarterly_values() over the quarters from the first one a started
roadmap has elapsed to the reference quarter: one column a quarter, per territory and indicator.
The progress reads its windows' quarters from it, the national figures and the completeness its
last column (the values at the quarter: what each territory reported, what it counts nationally),
and a stock's latest value is its last column reported there. The other reads are small: the
catalogue, the territories, the roadmaps and their targets, the first arrivals (the quarter's rows
only), and only when a stock of an active territory has no value in those quarters, its latest
value before them (engine_reads.stocks_before()). The frames are those of progress.progress(),
national.national() and completeness.completeness() (tests/test_moteur_differentiel.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from core import quarters
from data import engine_reads, store
from indicators import picture, picture_national
from indicators.picture import Catalogue, column, positions


def tableau_national(con, at: str, territories=None) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(progress, national, completeness) at quarter ``at``: the frames of progress.progress(con,
    at, territories), of national.national() over that progress and of completeness.completeness(con,
    at, territories). With ``territories`` (codes), the national figures sum over the active ones
    among them (national.figures(con, at, territoires=territories)); by default over every active
    territory."""
    with store.concurrent_reads(con) as reads:
        # the reads that wait for nothing run beside the caller's (DuckDB and numpy release the GIL)
        arrivals = reads.submit(engine_reads.arrivals, at, territories)
        catalogue = reads.submit(Catalogue.read)
        territoires = reads.submit(engine_reads.territories, territories)
        windows = picture.applicable_windows(engine_reads.roadmaps(con, territories), at)
        targets_read = reads.submit(picture.targets_of, windows)
        cat, terr = catalogue.result(), territoires.result()
        codes = terr["territoire"].combine_chunks()
        now = quarters.to_index(at)
        first, last = picture.window_quarters(windows)  # (0, -1) when no roadmap has started
        trimestres = [quarters.from_index(i) for i in range(first if last >= first else now, now + 1)]
        n_s, n_i = terr.num_rows, len(cat.codes)
        # every value of the pass, a row per territory of the scope (and a last one, empty, for a
        # roadmap's territory outside it)
        grid = np.full((n_s + 1, n_i, len(trimestres)), np.nan)
        picture.fill(grid, engine_reads.quarterly_values(con, trimestres, territories), codes, cat)
        latest, quarter = _latest_stocks(con, cat, grid[:n_s], trimestres, terr)
        targets = targets_read.result()
    # every read has ended: the rest is computation
    current = grid[:n_s, :, -1].copy()
    w = positions(windows["territoire"], codes)
    if targets is None or targets.num_rows == 0:
        prog = picture.PROGRESS_SCHEMA.empty_table().to_pandas()
        none = np.zeros(0, dtype=np.int64)
        summary = picture.summary_columns(none, none.astype(bool), *(none.astype(float),) * 3, none, n_i)
        targets = pa.table({"feuille_id": pa.array([], pa.int64()), "iid": pa.array([], pa.int64())})
    else:
        prog, summary = picture.progress_frame(cat, windows, targets, at, grid[np.where(w >= 0, w, n_s)], trimestres)
    active = terr["actif"].to_numpy(zero_copy_only=False)
    pop = terr["population"]
    figures = picture_national.figures_of(
        at, cat, latest[active], quarter[active], current[active],
        np.nan_to_num(column(terr, "population"))[active].astype(np.int64),
        pop.is_valid().to_numpy(zero_copy_only=False)[active] if terr.num_rows else np.zeros(0, dtype=bool))
    nat = picture_national.national(at, cat, figures, summary).to_pandas()
    comp = picture_national.completeness_of(at, cat, terr, _targeted(windows, targets, w, n_s, n_i),
                                            ~np.isnan(current), _in_order(arrivals.result(), codes))
    return prog, nat, comp.to_pandas()


def _latest_stocks(con, cat: Catalogue, grid: np.ndarray, trimestres: list[str], terr: pa.Table):
    """Per territory x indicator of ``grid``: a stock's latest value at or before the last quarter
    of ``trimestres`` and its quarter's running index (-1 without any); from the grid, else for
    the active territories from their values before it (stocks_before())."""
    stock = np.flatnonzero(cat.nature == "stock")
    n_q = len(trimestres)
    reported = ~np.isnan(grid[:, stock, :])
    last = n_q - 1 - np.argmax(reported[:, :, ::-1], axis=2)
    found = reported.any(axis=2)
    latest = np.full(grid.shape[:2], np.nan)
    quarter = np.full(grid.shape[:2], -1, dtype=np.int64)
    latest[:, stock] = np.where(found, np.take_along_axis(grid[:, stock, :], last[:, :, None], axis=2)[:, :, 0], np.nan)
    quarter[:, stock] = np.where(found, quarters.to_index(trimestres[0]) + last, -1)
    missing = ~found & terr["actif"].to_numpy(zero_copy_only=False)[:, None]
    if missing.any():
        codes = terr["territoire"].combine_chunks()
        before = engine_reads.stocks_before(con, trimestres[0], [cat.codes[i] for i in stock],
                                            codes.filter(pa.array(missing.any(axis=1))).to_pylist())
        t = positions(before["territoire"], codes)
        i = positions(before["indicateur"], cat.table["code"].combine_chunks())
        keep = (t >= 0) & (i >= 0)
        keep[keep] = quarter[t[keep], i[keep]] < 0  # a value in the pass is the more recent
        t, i = t[keep], i[keep]
        latest[t, i] = column(before, "valeur")[keep]
        quarter[t, i] = [quarters.to_index(q) for q in before["trimestre"].filter(pa.array(keep)).to_pylist()]
    return latest, quarter


def _targeted(windows: pa.Table, targets: pa.Table, w: np.ndarray, n_s: int, n_i: int) -> np.ndarray:
    """Territories of the scope x catalogue: the indicators the started roadmap that applies targets."""
    targeted = np.zeros((n_s + 1, n_i), dtype=bool)
    window = positions(targets["feuille_id"], windows["feuille_id"])
    started = windows["k"].to_numpy()[window] > 0 if len(window) else np.zeros(0, dtype=bool)
    rows = np.where(w >= 0, w, n_s)[window[started]]
    targeted[rows, targets["iid"].to_numpy()[started]] = True
    return targeted[:n_s]


def _in_order(table: pa.Table, codes: pa.Array) -> pa.Table:
    """premiere_arrivee and delai_jours of ``table`` for each territory of ``codes``, in that order."""
    where = positions(pa.chunked_array([codes]), table["territoire"].combine_chunks())
    return pa.table({name: table[name].combine_chunks().take(pa.array(np.where(where >= 0, where, None), pa.int64()))
                     for name in ("premiere_arrivee", "delai_jours")})
