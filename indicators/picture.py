"""The national picture at one reference quarter, computed in numpy from the few grouped reads of
data/engine_reads.py: the progress of every territory x roadmap indicator, the national figures
and the completeness of reporting, by the rules of methodologie.md (the same frames, to the
column type and the row order, as the set-wise SQL engine that serves several quarters at once:
tests/test_moteur_differentiel.py compares both).

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


def _column(table: pa.Table, name: str) -> np.ndarray:
    """A numeric column as numpy, empty values as NaN."""
    return table[name].to_numpy().astype(float) if table.num_rows else np.zeros(0)


def _quarter_figures(stack: np.ndarray, nature: str, comps: list[int]):
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


def _positions(keys: pa.ChunkedArray, among: pa.Array) -> np.ndarray:
    """The position of each of ``keys`` in ``among`` (-1 where absent): an Arrow hash lookup."""
    found = pc.index_in(keys, value_set=among)
    return pc.fill_null(found, -1).to_numpy() if len(keys) else np.zeros(0, dtype=np.int64)


def _period(fig, elapsed, nature, denominators: dict):
    """Over the quarters of ``elapsed`` (territories x quarters), per territory x indicator of
    ``fig`` (territories x indicators x quarters, NaN where a quarter does not count; for a ratio
    its numerator, with its denominator in ``denominators`` by catalogue position):
    trimestres_renseignes, the position of the last counted quarter (-1 without any) and the
    figure of the period."""
    n_q = fig.shape[2]
    counted = elapsed[:, None, :] & ~np.isnan(fig)
    m = counted.sum(axis=2)
    last = (np.where(m > 0, n_q - 1 - np.argmax(counted[:, :, ::-1], axis=2), -1) if n_q
            else np.full(m.shape, -1))
    total = np.where(counted, fig, 0.0).sum(axis=2)
    latest = np.take_along_axis(fig, np.maximum(last, 0)[:, :, None], axis=2)[:, :, 0] if n_q else total
    value = np.where(np.isin(nature, _ADDITIVE)[None, :], total, latest)
    for ind, den in denominators.items():
        value[:, ind] = _ratio(total[:, ind], np.where(counted[:, ind], den, 0.0).sum(axis=1))
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


def progress(con, at: str, territoires=None) -> pd.DataFrame:
    """progress.progress() at quarter ``at``: four reads (catalogue, roadmaps, targets, values by
    quarter), then every figure at once on a territories x indicators x quarters grid."""
    cat = Catalogue.read(con)
    windows = applicable_windows(engine_reads.roadmaps(con, territoires), at)
    targets = engine_reads.targets(con, windows["feuille_id"].to_pylist()) if windows.num_rows else None
    if targets is None or targets.num_rows == 0:
        return PROGRESS_SCHEMA.empty_table().to_pandas()
    # the rows: the targets of each window, in territory then catalogue order
    w = _positions(targets["feuille_id"], windows["feuille_id"])
    iid = targets["iid"].to_numpy()
    order = np.lexsort((cat.ordre[iid], w))
    rows, w, iid = targets.take(order), w[order], iid[order]
    k, n, debut_idx = (windows[c].to_numpy() for c in ("k", "n", "debut_idx"))
    started = k > 0
    first = int(debut_idx[started].min()) if started.any() else 0
    last = int((debut_idx + k)[started].max()) - 1 if started.any() else -1
    trimestres = [quarters.from_index(i) for i in range(first, last + 1)]
    n_q, n_i = len(trimestres), len(cat.codes)
    stack = np.full((windows.num_rows, n_i, n_q), np.nan)
    if n_q:
        values = engine_reads.quarterly_values(con, trimestres, territoires)
        vw = _positions(values["territoire"], windows["territoire"])
        vi = _positions(values["indicateur"], cat.table["code"].combine_chunks())
        keep = (vw >= 0) & (vi >= 0)
        grid = np.empty((values.num_rows, n_q))
        for r in range(n_q):
            grid[:, r] = _column(values, f"q{r}")
        stack.reshape(-1, n_q)[(vw * n_i + vi)[keep]] = grid[keep]
    # every figure quarter by quarter, then over each window's quarters elapsed at ``at``
    # (a ratio counted by its numerator, its denominator kept aside)
    derived = {ind: _quarter_figures(stack, cat.nature[ind], cat.components[ind])
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
    base, cible, jalon_an1 = _column(rows, "valeur_base"), _column(rows, "cible"), _column(rows, "jalon_an1")
    additive = nature <= _SOMME
    b0 = np.where(additive, 0.0, base)
    jalon = np.where(n > 4, jalon_an1, np.nan)
    j = dernier + first - debut_idx + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        attendu = np.where(np.isnan(jalon), b0 + (cible - b0) * k / n,
                           np.where(k <= 4, b0 + (jalon - b0) * k / 4, jalon + (cible - jalon) * (k - 4) / (n - 4)))
        attendu = np.where(k == 0, np.nan, attendu)
        avancement = np.where(additive, _ratio(realise, cible), _ratio(realise - base, cible - base))
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
    return pa.Table.from_arrays(arrays, schema=PROGRESS_SCHEMA).to_pandas()


def _sums(groups: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """Per group, the sum of ``weights`` (NaN where a group has no row, as an SQL sum)."""
    sums = np.bincount(groups, weights=weights, minlength=size).astype(float)
    return np.where(np.bincount(groups, minlength=size) > 0, sums, np.nan)


def _ratio(num: np.ndarray, den: np.ndarray, scale: float = 100) -> np.ndarray:
    """``scale * num / den``, empty where ``den`` is 0 or empty (SQL nullif)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, scale * num / den, np.nan)


def figures(con, at: str, cat: Catalogue) -> dict[str, np.ndarray | list]:
    """The columns of national.figures() at ``at``, in catalogue (code) order, from one read."""
    table = engine_reads.latest_values(con, at, [c for c, n in zip(cat.codes, cat.nature) if n == "stock"])
    territories = pc.dictionary_encode(table["territoire"].combine_chunks())
    tid = territories.indices.to_numpy()
    iid = _positions(table["indicateur"], cat.table["code"].combine_chunks())
    keep = iid >= 0
    tid, iid, n_t, n_i = tid[keep], iid[keep], len(territories.dictionary), len(cat.codes)
    latest = np.full((n_t, n_i), np.nan)
    latest[tid, iid] = _column(table, "valeur")[keep]
    quarter_codes = pc.dictionary_encode(table["trimestre"].combine_chunks())
    quarter = np.full((n_t, n_i), -1)
    quarter[tid, iid] = np.array([quarters.to_index(q) for q in quarter_codes.dictionary.to_pylist()],
                                 dtype=np.int64)[quarter_codes.indices.to_numpy()[keep]]
    population = np.zeros(n_t, dtype=np.int64)
    known = np.zeros(n_t, dtype=bool)
    pop = table["population"].filter(pa.array(keep))
    population[tid] = pc.fill_null(pop, 0).to_numpy()
    known[tid] = pc.is_valid(pop).to_numpy(zero_copy_only=False)
    # flux and derived figures read the quarter itself, a stock its latest value at or before it
    current = np.where(quarter == quarters.to_index(at), latest, np.nan)
    out = {name: [None] * n_i for name in ("valeur", "numerateur", "denominateur", "population_couverte",
                                             "trimestre_plus_ancien")}
    out["territoires_renseignes"] = np.zeros(n_i, dtype=np.int64)
    for ind, nature in enumerate(cat.nature):
        fig, num, den = _quarter_figures((latest if nature == "stock" else current)[:, :, None], nature,
                                         cat.components[ind])
        counted = ~np.isnan((fig if num is None else num)[:, 0])
        if not counted.any():
            continue
        if nature == "ratio":
            out["numerateur"][ind], out["denominateur"][ind] = num[counted, 0].sum(), den[counted, 0].sum()
            out["valeur"][ind] = _ratio(np.array(out["numerateur"][ind]), np.array(out["denominateur"][ind])).item()
        else:
            out["valeur"][ind] = fig[counted, 0].sum()
        out["territoires_renseignes"][ind] = counted.sum()
        behind = counted & known
        out["population_couverte"][ind] = int(population[behind].sum()) if behind.any() else None
        out["trimestre_plus_ancien"][ind] = quarters.from_index(int(quarter[counted, ind].min())) if nature == "stock" else at
    return out


def national(con, at: str, cat: Catalogue, summary: dict[str, np.ndarray]) -> pa.Table:
    """national.national() at ``at`` as Arrow, from figures() and ``summary`` (national's columns
    of the roadmap summary, each a catalogue-ordered array), ordered by the catalogue order."""
    f = figures(con, at, cat)
    order = np.argsort(cat.ordre, kind="stable")
    valeur = np.array(f["valeur"], dtype=float)
    pop = np.array([np.nan if p is None else p for p in f["population_couverte"]], dtype=float)
    pour = np.where(cat.nature != "ratio", _ratio(valeur, pop, PER), np.nan)
    columns = {
        "indicateur": cat.table["code"], "nature": cat.table["nature"], "sens": cat.table["sens"],
        "unite": cat.table["unite"], "trimestre": pa.repeat(pa.scalar(at, pa.string()), len(cat.codes)),
        "valeur": pa.array(valeur, from_pandas=True),
        "numerateur": pa.array(np.array(f["numerateur"], dtype=float), from_pandas=True),
        "denominateur": pa.array(np.array(f["denominateur"], dtype=float), from_pandas=True),
        "territoires_renseignes": pa.array(f["territoires_renseignes"]),
        "population_couverte": pa.array(f["population_couverte"], pa.decimal128(38, 0)),
        "pour_100000": pa.array(pour, from_pandas=True),
        "trimestre_plus_ancien": pa.array(f["trimestre_plus_ancien"], pa.string()),
        "ordre": cat.table["ordre"],
        **{name: pa.array(values, from_pandas=True) for name, values in summary.items()},
    }
    return pa.table(columns).take(order)


def summary(frame: pd.DataFrame, cat: Catalogue) -> dict:
    """The columns of national.roadmap_summary() over ``frame``, one value per catalogue indicator
    (in code order): counts 0 and sums empty for an indicator without targets."""
    size, n_s = len(cat.codes), len(status.STATUTS)
    iid = _positions(pa.array(frame["indicateur"]), cat.table["code"].combine_chunks())
    known = iid >= 0
    additive = pc.is_in(pa.array(frame["nature"]), value_set=pa.array(_ADDITIVE)).to_numpy(zero_copy_only=False)
    counted = known & additive & (frame["trimestres_ecoules"].to_numpy() > 0) & frame["realise"].notna().to_numpy()
    sums = {c: _sums(iid[counted], frame[c].to_numpy(dtype=float)[counted], size)
            for c in ("realise", "cible", "attendu")}
    statut = _positions(pa.array(frame["statut"]), pa.array(status.STATUTS))
    by_status = np.bincount((iid * n_s + statut)[known & (statut >= 0)], minlength=size * n_s).reshape(size, n_s)
    return {
        "territoires_avec_cible": np.bincount(iid[known], minlength=size),
        "territoires_avancement": np.bincount(iid[counted], minlength=size),
        "realise_total": sums["realise"], "cible_total": sums["cible"],
        "avancement_national_pct": _ratio(sums["realise"], sums["cible"]),
        "attendu_total": sums["attendu"],
        **{f"nb_{code}": by_status[:, s] for s, code in enumerate(status.STATUTS)},
    }


def completeness(con, at: str, cat: Catalogue, territoires=None) -> pa.Table:
    """completeness.completeness() at ``at`` as Arrow, from one read (engine_reads.reporting())."""
    table = engine_reads.reporting(con, at, cat.codes, territoires)
    # the indicators each target makes expected: the base indicators it is computed from
    expects = [sum(np.uint64(1) << np.uint64(c) for c in set(comps) if c >= 0) for comps in cat.components]
    cibles = pc.fill_null(table["cibles"], 0).to_numpy().astype(np.uint64)
    expected = np.zeros(len(cibles), dtype=np.uint64)
    for bit, mask in enumerate(expects):
        targeted = (cibles >> np.uint64(bit)) & np.uint64(1) == 1
        expected[targeted] |= np.uint64(mask)
    reported = pc.fill_null(table["renseignes"], 0).to_numpy().astype(np.uint64)
    attendus = np.bitwise_count(expected).astype(np.int64)
    renseignes = np.bitwise_count(expected & reported).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        taux = np.where(attendus > 0, 100 * renseignes / attendus, np.nan)
    return pa.table({
        "territoire": table["territoire"], "nom": table["nom"],
        "trimestre": pa.repeat(pa.scalar(at, pa.string()), table.num_rows),
        "attendus": attendus, "renseignes": renseignes, "taux_completude": pa.array(taux, from_pandas=True),
        "premiere_arrivee": table["premiere_arrivee"], "delai_jours": table["delai_jours"],
    })
