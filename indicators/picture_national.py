"""The national figures and the completeness of reporting at one reference quarter, in numpy (the
progress is in indicators/picture.py, whose helpers these use): each computed from plain arrays,
so that the same code serves the single-quarter functions, which read what they need
(figures(), completeness()), and indicators/tableau.py, which reads the values once for the whole
national picture. The rules are those of national.py and completeness.py (methodologie.md)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from core import quarters
from data import engine_reads
from indicators import status
from indicators.picture import PER, Catalogue, column, positions, quarter_figures, ratio, summary_columns

_ADDITIVE = ("flux", "somme")


def figures(con, at: str, cat: Catalogue) -> dict[str, np.ndarray | list]:
    """The columns of national.figures() at ``at``, in catalogue (code) order, from one read."""
    table = engine_reads.latest_values(con, at, [c for c, n in zip(cat.codes, cat.nature) if n == "stock"])
    territories = pc.dictionary_encode(table["territoire"].combine_chunks())
    tid = territories.indices.to_numpy()
    iid = positions(table["indicateur"], cat.table["code"].combine_chunks())
    keep = iid >= 0
    tid, iid, n_t, n_i = tid[keep], iid[keep], len(territories.dictionary), len(cat.codes)
    latest = np.full((n_t, n_i), np.nan)
    latest[tid, iid] = column(table, "valeur")[keep]
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
    return figures_of(at, cat, latest, quarter, current, population, known)


def figures_of(at: str, cat: Catalogue, latest, quarter, current, population, known) -> dict[str, np.ndarray | list]:
    """The columns of national.figures() at ``at`` over territories given as rows of arrays (those
    the nation counts): per territory x catalogue indicator, ``latest`` (a stock's latest value at
    or before ``at``, NaN without any) and ``quarter`` (its quarter's running index), ``current``
    (the value at ``at``, NaN where not reported); per territory, ``population`` and ``known``
    (whether it is known)."""
    n_i = len(cat.codes)
    out = {name: [None] * n_i for name in ("valeur", "numerateur", "denominateur", "population_couverte",
                                             "trimestre_plus_ancien")}
    out["territoires_renseignes"] = np.zeros(n_i, dtype=np.int64)
    for ind, nature in enumerate(cat.nature):
        fig, num, den = quarter_figures((latest if nature == "stock" else current)[:, :, None], nature,
                                        cat.components[ind])
        counted = ~np.isnan((fig if num is None else num)[:, 0])
        if not counted.any():
            continue
        if nature == "ratio":
            out["numerateur"][ind], out["denominateur"][ind] = num[counted, 0].sum(), den[counted, 0].sum()
            out["valeur"][ind] = ratio(np.array(out["numerateur"][ind]), np.array(out["denominateur"][ind])).item()
        else:
            out["valeur"][ind] = fig[counted, 0].sum()
        out["territoires_renseignes"][ind] = counted.sum()
        behind = counted & known
        out["population_couverte"][ind] = int(population[behind].sum()) if behind.any() else None
        out["trimestre_plus_ancien"][ind] = quarters.from_index(int(quarter[counted, ind].min())) if nature == "stock" else at
    return out


def national(at: str, cat: Catalogue, f: dict, summary: dict[str, np.ndarray]) -> pa.Table:
    """national.national() at ``at`` as Arrow, from ``f`` (the columns of figures()) and ``summary``
    (national's columns of the roadmap summary, each a catalogue-ordered array), ordered by the
    catalogue order."""
    order = np.argsort(cat.ordre, kind="stable")
    valeur = np.array(f["valeur"], dtype=float)
    pop = np.array([np.nan if p is None else p for p in f["population_couverte"]], dtype=float)
    pour = np.where(cat.nature != "ratio", ratio(valeur, pop, PER), np.nan)
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
    """The columns of national.roadmap_summary() over ``frame`` (a progress frame), one value per
    catalogue indicator (in code order): counts 0 and sums empty for an indicator without targets."""
    iid = positions(pa.array(frame["indicateur"]), cat.table["code"].combine_chunks())
    statut = positions(pa.array(frame["statut"]), pa.array(status.STATUTS))
    known = (iid >= 0) & (statut >= 0)
    additive = pc.is_in(pa.array(frame["nature"]), value_set=pa.array(_ADDITIVE)).to_numpy(zero_copy_only=False)
    counted = additive & (frame["trimestres_ecoules"].to_numpy() > 0) & frame["realise"].notna().to_numpy()
    values = {c: frame[c].to_numpy(dtype=float)[known] for c in ("realise", "cible", "attendu")}
    return summary_columns(iid[known], counted[known], values["realise"], values["cible"], values["attendu"],
                           statut[known], len(cat.codes))


def expectations(cat: Catalogue) -> np.ndarray:
    """catalogue x catalogue: row i marks the base indicators a target on indicator i makes
    expected (those it is computed from)."""
    expects = np.zeros((len(cat.codes), len(cat.codes)), dtype=np.int64)
    for i, comps in enumerate(cat.components):
        expects[i, [c for c in set(comps) if c >= 0]] = 1
    return expects


def completeness_of(at: str, cat: Catalogue, territoires: pa.Table, targeted: np.ndarray, reported: np.ndarray,
                    arrivals: pa.Table) -> pa.Table:
    """completeness.completeness() at ``at`` as Arrow for the territories of ``territoires``
    (territoire, nom), from, per territory x catalogue indicator, ``targeted`` (by the started
    roadmap that applies) and ``reported`` (a current value at ``at``), and ``arrivals``
    (premiere_arrivee, delai_jours, a row per territory)."""
    expected = (targeted.astype(np.int64) @ expectations(cat)) > 0
    attendus = expected.sum(axis=1).astype(np.int64)
    renseignes = (expected & reported).sum(axis=1).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        taux = np.where(attendus > 0, 100 * renseignes / attendus, np.nan)
    return pa.table({
        "territoire": territoires["territoire"], "nom": territoires["nom"],
        "trimestre": pa.repeat(pa.scalar(at, pa.string()), territoires.num_rows),
        "attendus": attendus, "renseignes": renseignes, "taux_completude": pa.array(taux, from_pandas=True),
        "premiere_arrivee": arrivals["premiere_arrivee"], "delai_jours": arrivals["delai_jours"],
    })


def _bits(masks: pa.ChunkedArray, size: int) -> np.ndarray:
    """Rows x ``size`` booleans of unsigned 64-bit masks (empty masks: no bit)."""
    values = pc.fill_null(masks, 0).to_numpy().astype(np.uint64)
    return ((values[:, None] >> np.arange(size, dtype=np.uint64)[None, :]) & np.uint64(1)) == 1


def completeness(con, at: str, cat: Catalogue, territoires=None) -> pa.Table:
    """completeness.completeness() at ``at`` as Arrow, from one read (engine_reads.reporting())."""
    table = engine_reads.reporting(con, at, cat.codes, territoires)
    size = len(cat.codes)
    return completeness_of(at, cat, table, _bits(table["cibles"], size), _bits(table["renseignes"], size), table)
