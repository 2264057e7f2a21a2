"""The national picture at one reference quarter, computed in numpy from the few grouped reads of
data/engine_reads.py: here the progress of every territory x roadmap indicator and the helpers
of the whole engine (indicators/picture_national.py computes the national figures and the
completeness of reporting, indicators/tableau.py the three from one read of the values), by the
rules of methodologie.md (the same frames, to the column type and the row order, as the set-wise
SQL engine that serves several quarters at once: tests/test_moteur_differentiel.py compares both).

Integer keys throughout: a territory is its position among the rows read, an indicator its
position in the catalogue (ordered by code), a quarter its position in the range read. The rules
of derived.py hold quarter by quarter: a somme counts when at least one component is reported
(the sum of those reported), a ratio only when numerator and denominator both are; over a period
flux and somme add up, a stock is its latest counted quarter, a ratio the ratio of the sums.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core import quarters
from core.parameters import TOLERANCE_DEPASSEMENT, TOLERANCE_RETARD
from data import engine_reads
from indicators import status

PER = 100_000
_ADDITIVE = ("flux", "somme")
_KINDS = ("flux", "somme", "stock", "ratio")
_SOMME, _STOCK = 1, 2  # positions in _KINDS: a kind <= _SOMME adds up over a period


class Catalogue:
    """The catalogue read once (engine_reads.catalogue()), with each indicator's components as
    catalogue positions: a base indicator is its own component, a somme has its composantes (as
    many times as listed), a ratio its numerator then its denominator."""

    def __init__(self, table: pa.Table):
        self.table = table
        self.codes = table["code"].to_pylist()
        self.index = pd.Index(self.codes)
        self.nature = np.array(table["nature"].to_pylist(), dtype=object)
        self.sens = np.array(table["sens"].to_pylist(), dtype=object)
        # the nature as a small integer (flux, somme, stock, ratio: the additive ones first) and
        # the direction as a flag, for arrays of rows
        self.kind = np.array([_KINDS.index(x) for x in self.nature], dtype=np.int8)
        self.baisse = self.sens == "baisse"
        self.ordre = table["ordre"].to_numpy()
        position = {code: i for i, code in enumerate(self.codes)}
        self.components: list[list[int]] = []
        for i, (nature, comps, num, den) in enumerate(zip(
                self.nature, table["composantes"].to_pylist(), table["numerateur"].to_pylist(),
                table["denominateur"].to_pylist())):
            listed = [i] if nature in ("flux", "stock") else (comps or []) if nature == "somme" else [num, den]
            self.components.append([c if isinstance(c, int) else position.get(c, -1) for c in listed])

    @classmethod
    def read(cls, con) -> "Catalogue":
        return cls(engine_reads.catalogue(con))


def _large(column) -> pa.Array:
    """A (small) text column as large_string, before it is repeated by take()."""
    return pa.concat_arrays([c.cast(pa.large_string()) for c in column.chunks]) if isinstance(
        column, pa.ChunkedArray) else column.cast(pa.large_string())


def column(table: pa.Table, name: str) -> np.ndarray:
    """A numeric column as numpy, empty values as NaN."""
    return table[name].to_numpy().astype(float) if table.num_rows else np.zeros(0)


def quarter_figures(stack: np.ndarray, nature: str, comps: list[int]):
    """Per row and quarter of ``stack`` (rows x catalogue x quarters of values, NaN where not
    reported): the figure of an indicator of ``nature`` made of ``comps`` and, for a ratio, its
    numerator and denominator; NaN where the quarter does not count."""
    shape = stack.shape[0], stack.shape[2]
    known = [c for c in comps if c >= 0]
    if nature in ("flux", "stock"):
        return stack[:, comps[0], :], None, None
    if nature == "somme":
        if not known:
            return np.full(shape, np.nan), None, None
        parts = stack[:, known, :]
        reported = ~np.isnan(parts)
        return np.where(reported.any(axis=1), np.where(reported, parts, 0.0).sum(axis=1), np.nan), None, None
    if min(comps) < 0:  # a term outside the catalogue is never reported
        nothing = np.full(shape, np.nan)
        return nothing, nothing, nothing
    num, den = stack[:, comps[0], :], stack[:, comps[1], :]
    both = ~np.isnan(num) & ~np.isnan(den)
    num, den = np.where(both, num, np.nan), np.where(both, den, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, 100 * num / den, np.nan), num, den


def status_positions(additive, baisse, k, n, m, realise, attendu, base, cible) -> np.ndarray:
    """The status rule of status.status_sql() on arrays (``additive``: a flux or a somme;
    ``baisse``: to reduce): each row's position in status.STATUTS."""
    s = {code: i for i, code in enumerate(status.STATUTS)}
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (realise - base) / (cible - base)
        g = (attendu - base) / (cible - base)
    down, up = additive & baisse, additive & ~baisse
    unusable = ~additive & (np.isnan(base) | (cible == base))
    rules = [
        (k == 0, s[status.NON_DEMARRE]),
        ((m == 0) | np.isnan(realise), s[status.NON_RENSEIGNE]),
        (down & (k == n) & (realise <= cible), s[status.ATTEINT]),
        (down & (realise <= attendu), s[status.DANS_LA_TRAJECTOIRE]),
        (down & (realise <= TOLERANCE_DEPASSEMENT * attendu), s[status.A_SURVEILLER]),
        (down, s[status.EN_RETARD]),
        (up & (realise >= cible), s[status.ATTEINT]),
        (up & (realise >= attendu), s[status.DANS_LA_TRAJECTOIRE]),
        (up & (realise >= TOLERANCE_RETARD * attendu), s[status.A_SURVEILLER]),
        (up, s[status.EN_RETARD]),
        (unusable & ((baisse & (realise <= cible)) | (~baisse & (realise >= cible))), s[status.ATTEINT]),
        (unusable, s[status.EN_RETARD]),
        (f >= 1, s[status.ATTEINT]),
        (f >= g, s[status.DANS_LA_TRAJECTOIRE]),
        (f >= TOLERANCE_RETARD * g, s[status.A_SURVEILLER]),
    ]
    return np.select([c for c, _ in rules], [v for _, v in rules], s[status.EN_RETARD])


# large_string: the layout of pandas' Arrow strings, so that to_pandas() need not copy each text
PROGRESS_SCHEMA = pa.schema([
    ("territoire", pa.large_string()), ("reference", pa.large_string()), ("feuille_id", pa.int64()),
    ("indicateur", pa.large_string()), ("nature", pa.large_string()), ("sens", pa.large_string()), ("debut", pa.large_string()),
    ("fin", pa.large_string()), ("valeur_base", pa.float64()), ("periode_base", pa.large_string()), ("cible", pa.float64()),
    ("jalon_an1", pa.float64()), ("realise", pa.float64()), ("attendu", pa.float64()),
    ("avancement_pct", pa.float64()), ("statut", pa.large_string()), ("projection_fin", pa.float64()),
    ("trimestres_ecoules", pa.int32()), ("trimestres_renseignes", pa.int64()), ("trimestres_fenetre", pa.int32()),
    ("dernier_trimestre_renseigne", pa.large_string()), ("ordre", pa.int32()),
])


def positions(keys: pa.ChunkedArray, among: pa.Array) -> np.ndarray:
    """The position of each of ``keys`` in ``among`` (-1 where absent): an Arrow hash lookup."""
    found = pc.index_in(keys, value_set=among)
    return pc.fill_null(found, -1).to_numpy() if len(keys) else np.zeros(0, dtype=np.int64)


def _period(fig, elapsed, nature, denominators: dict):
    """Over the quarters of ``elapsed`` (territories x quarters), per territory x indicator of
    ``fig`` (territories x indicators x quarters, NaN where a quarter does not count; for a ratio
    its numerator, with its denominator in ``denominators`` by catalogue position):
    trimestres_renseignes, the position of the last counted quarter (-1 without any) and the
    figure of the period."""
    # quarter by quarter (a few planes): reductions along the short last axis cost several times more
    shape = fig.shape[:2]
    m, last = np.zeros(shape, dtype=np.int64), np.full(shape, -1)
    total, latest = np.zeros(shape), np.full(shape, np.nan)
    sums = {ind: np.zeros(shape[0]) for ind in denominators}
    for q in range(fig.shape[2]):
        plane = fig[:, :, q]
        counted = elapsed[:, q, None] & ~np.isnan(plane)
        m += counted
        last[counted] = q
        total += np.where(counted, plane, 0.0)
        latest = np.where(counted, plane, latest)
        for ind, den in denominators.items():
            sums[ind] += np.where(counted[:, ind], den[:, q], 0.0)
    value = np.where(np.isin(nature, _ADDITIVE)[None, :], total, latest)
    for ind in denominators:
        value[:, ind] = ratio(total[:, ind], sums[ind])
    return m, last, np.where(m > 0, value, np.nan)


def _indexes(quarter_texts: list[str]) -> np.ndarray:
    """The running index of each canonical quarter (quarters.to_index), computed once per distinct one."""
    known = {q: quarters.to_index(q) for q in set(quarter_texts)}
    return np.array([known[q] for q in quarter_texts], dtype=np.int32)


def applicable_windows(roadmaps: pa.Table, at: str) -> pa.Table:
    """The roadmap that applies at ``at`` to each territory of ``roadmaps`` (engine_reads.roadmaps()),
    ordered by territory, as engine_reads.applicable_roadmaps_sql() chooses it: the one whose window
    contains the quarter, else the latest started before it; when all start later, the first of
    them (then the latest id). With n (quarters in the window), debut_idx (running index of its
    first quarter) and k (quarters elapsed at ``at``: 0 before the window, all after it)."""
    territoire = np.array(roadmaps["territoire"].to_pylist(), dtype=object)
    debut, fin = roadmaps["debut"].to_pylist(), roadmaps["fin"].to_pylist()
    ids = roadmaps["id"].to_numpy()
    d, f = _indexes(debut), _indexes(fin)
    now = quarters.to_index(at)
    started = d <= now
    codes, tid = np.unique(territoire, return_inverse=True)
    # the greatest key per territory: started, containing the quarter, latest start among the
    # started, earliest start among the others, latest id (lexsort: last key first)
    order = np.lexsort((ids, -d, np.where(started, d, -1), f >= now, started, tid))
    last = order[np.r_[np.flatnonzero(np.diff(tid[order])), len(order) - 1]] if len(order) else order
    d, f = d[last], f[last]
    k = np.where(now < d, 0, np.minimum(now, f) - d + 1).astype(np.int32)
    return pa.table({
        "territoire": pa.array(codes.tolist(), pa.string()), "feuille_id": pa.array(ids[last], pa.int64()),
        "debut": pa.array([debut[i] for i in last], pa.string()), "fin": pa.array([fin[i] for i in last], pa.string()),
        "n": pa.array(f - d + 1, pa.int32()), "debut_idx": pa.array(d, pa.int32()), "k": pa.array(k, pa.int32()),
    })


def window_quarters(windows: pa.Table) -> tuple[int, int]:
    """The running indexes of the first and the last quarter the started windows of ``windows``
    (applicable_windows()) have elapsed; (0, -1) when none has started."""
    k, debut_idx = windows["k"].to_numpy(), windows["debut_idx"].to_numpy()
    started = k > 0
    if not started.any():
        return 0, -1
    return int(debut_idx[started].min()), int((debut_idx + k)[started].max()) - 1


def fill(grid: np.ndarray, values: pa.Table, rows: pa.Array, cat: Catalogue) -> None:
    """Place the values of ``values`` (engine_reads.quarterly_values(): territoire, indicateur, q0,
    q1...) in ``grid`` (rows x catalogue x quarters, at least as many rows as ``rows``): row the
    position of the territory in ``rows``, the values of other territories or indicators left out."""
    n_i, n_q = grid.shape[1], grid.shape[2]
    vw = positions(values["territoire"], rows)
    vi = positions(values["indicateur"], cat.table["code"].combine_chunks())
    keep = (vw >= 0) & (vi >= 0)
    block = np.empty((values.num_rows, n_q))
    for r in range(n_q):
        block[:, r] = column(values, f"q{r}")
    if keep.all():  # the usual case: no copy of the block
        grid.reshape(-1, n_q)[vw * n_i + vi] = block
    else:
        grid.reshape(-1, n_q)[(vw * n_i + vi)[keep]] = block[keep]


def targets_of(con, windows: pa.Table) -> pa.Table | None:
    """The targets of the roadmaps of ``windows`` (None without any window)."""
    return engine_reads.targets(con, windows["feuille_id"].to_pylist()) if windows.num_rows else None


def progress(con, at: str, territoires=None) -> pd.DataFrame:
    """progress.progress() at quarter ``at``: four reads (catalogue, roadmaps, targets, values by
    quarter), then every figure at once on a territories x indicators x quarters grid."""
    cat = Catalogue.read(con)
    windows = applicable_windows(engine_reads.roadmaps(con, territoires), at)
    targets = targets_of(con, windows)
    if targets is None or targets.num_rows == 0:
        return PROGRESS_SCHEMA.empty_table().to_pandas()
    first, last = window_quarters(windows)
    trimestres = [quarters.from_index(i) for i in range(first, last + 1)]
    stack = np.full((windows.num_rows, len(cat.codes), len(trimestres)), np.nan)
    if trimestres:
        fill(stack, engine_reads.quarterly_values(con, trimestres, territoires), windows["territoire"], cat)
    return progress_frame(cat, windows, targets, at, stack, trimestres)[0]


def progress_frame(cat: Catalogue, windows: pa.Table, targets: pa.Table, at: str, stack: np.ndarray,
                   trimestres: list[str]) -> tuple[pd.DataFrame, dict]:
    """The progress frame at ``at`` of the targets of ``windows`` and the columns of the roadmap
    summary (summary_columns()), from ``stack``: the values of each window's territory (rows in
    the order of ``windows``) x catalogue x quarter of ``trimestres`` (consecutive, from the first
    quarter a started window has elapsed, to at least the last; NaN where not reported). The
    derived indicators' slots of ``stack`` are overwritten."""
    first = quarters.to_index(trimestres[0]) if trimestres else 0
    # the rows: the targets of each window, in territory then catalogue order
    w = positions(targets["feuille_id"], windows["feuille_id"])
    iid = targets["iid"].to_numpy()
    order = np.lexsort((cat.ordre[iid], w))
    rows, w, iid = targets.take(order), w[order], iid[order]
    k, n, debut_idx = (windows[c].to_numpy() for c in ("k", "n", "debut_idx"))
    n_q = len(trimestres)
    # every figure quarter by quarter, then over each window's quarters elapsed at ``at``
    # (a ratio counted by its numerator, its denominator kept aside)
    derived = {ind: quarter_figures(stack, cat.nature[ind], cat.components[ind])
               for ind in np.flatnonzero(np.isin(cat.nature, ("somme", "ratio")))}
    for ind, (fig, num, _) in derived.items():
        stack[:, ind] = fig if num is None else num
    offset = (debut_idx - first)[:, None]
    quarter = np.arange(n_q)[None, :]
    elapsed = (quarter >= offset) & (quarter < offset + k[:, None])
    denominators = {ind: den for ind, (_, num, den) in derived.items() if num is not None}
    m, dernier, realise = (a[w, iid] for a in _period(stack, elapsed, cat.nature, denominators))
    k, n, debut_idx = k[w], n[w], debut_idx[w]
    nature = cat.kind[iid]
    base, cible, jalon_an1 = column(rows, "valeur_base"), column(rows, "cible"), column(rows, "jalon_an1")
    additive = nature <= _SOMME
    b0 = np.where(additive, 0.0, base)
    jalon = np.where(n > 4, jalon_an1, np.nan)
    j = dernier + first - debut_idx + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        attendu = np.where(np.isnan(jalon), b0 + (cible - b0) * k / n,
                           np.where(k <= 4, b0 + (jalon - b0) * k / 4, jalon + (cible - jalon) * (k - 4) / (n - 4)))
        attendu = np.where(k == 0, np.nan, attendu)
        avancement = np.where(additive, ratio(realise, cible), ratio(realise - base, cible - base))
        projection = np.where(additive, realise / m * n,
                              np.where(nature == _STOCK, base + (realise - base) / j * n, realise))
        projection = np.where(m == 0, np.nan, projection)
    statut = status_positions(additive, cat.baisse[iid], k, n, m, realise, attendu, base, cible)
    labels = pa.array(trimestres + [None], pa.large_string())
    text = {name: _large(windows[name]) for name in ("territoire", "debut", "fin")}
    text.update({name: _large(cat.table[name]) for name in ("code", "nature", "sens")})
    columns = {
        "territoire": text["territoire"].take(w), "reference": pa.repeat(pa.scalar(at, pa.large_string()), len(w)),
        "feuille_id": rows["feuille_id"], "indicateur": text["code"].take(iid),
        "nature": text["nature"].take(iid), "sens": text["sens"].take(iid),
        "debut": text["debut"].take(w), "fin": text["fin"].take(w), "valeur_base": rows["valeur_base"],
        "periode_base": rows["periode_base"], "cible": rows["cible"], "jalon_an1": rows["jalon_an1"],
        "realise": realise, "attendu": attendu, "avancement_pct": avancement,
        "statut": pa.array(status.STATUTS, pa.large_string()).take(statut), "projection_fin": projection,
        "trimestres_ecoules": k, "trimestres_renseignes": m, "trimestres_fenetre": n,
        "dernier_trimestre_renseigne": labels.take(np.where(dernier < 0, n_q, dernier)),
        "ordre": cat.table["ordre"].take(iid),
    }
    arrays = [pa.array(np.asarray(v), f.type, from_pandas=True) if isinstance(v, np.ndarray) else v.cast(f.type)
              for v, f in zip(columns.values(), PROGRESS_SCHEMA)]
    frame = pa.Table.from_arrays(arrays, schema=PROGRESS_SCHEMA).to_pandas()
    return frame, summary_columns(iid, additive & (k > 0) & ~np.isnan(realise), realise, cible, attendu, statut,
                                  len(cat.codes))


def _sums(groups: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Per group, the sum of ``weights`` (NaN where a group has no row, as an SQL sum)."""
    sums = np.bincount(groups, weights=weights, minlength=size).astype(float)
    return np.where(np.bincount(groups, minlength=size) > 0, sums, np.nan)


def ratio(num: np.ndarray, den: np.ndarray, scale: float = 100) -> np.ndarray:
    """``scale * num / den``, empty where ``den`` is 0 or empty (SQL nullif)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, scale * num / den, np.nan)


def summary_columns(iid, counted, realise, cible, attendu, statut, size: int) -> dict[str, np.ndarray]:
    """The columns of national.roadmap_summary(), one value per catalogue indicator (in code order:
    counts 0 and sums empty for an indicator without targets), over progress rows given as arrays:
    ``iid`` (catalogue position), ``counted`` (a flux or a somme, started, with a realised figure),
    realise, cible, attendu and ``statut`` (position in status.STATUTS)."""
    n_s = len(status.STATUTS)
    sums = {name: _sums(iid[counted], values[counted], size)
            for name, values in (("realise", realise), ("cible", cible), ("attendu", attendu))}
    by_status = np.bincount(iid * n_s + statut, minlength=size * n_s).reshape(size, n_s)
    return {
        "territoires_avec_cible": np.bincount(iid, minlength=size),
        "territoires_avancement": np.bincount(iid[counted], minlength=size),
        "realise_total": sums["realise"], "cible_total": sums["cible"],
        "avancement_national_pct": ratio(sums["realise"], sums["cible"]),
        "attendu_total": sums["attendu"],
        **{f"nb_{code}": by_status[:, s] for s, code in enumerate(status.STATUTS)},
    }
