"""Small in-memory databases for the indicator engine's unit tests.

The relations carry the store's own schema (every migration of data/migrations, as the store
applies them) and the real indicator catalogue, so a test exercises the very column names and types the engine meets in
production; each test then inserts the handful of rows it reasons about.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import tempfile
from pathlib import Path

import duckdb
import pandas as pd

from data import migrations
from data.reference import load_indicators

NOW = dt.datetime(2026, 11, 1, 12, 0)
USER = "test"

_ids = itertools.count(1)


_FOLDER: list[tempfile.TemporaryDirectory] = []  # this process's folder of template files, made on first use


def _folder() -> Path:
    """A folder of this process for the template files (on the RAM file system when the tests use
    it, tests/conftest.py), removed when the process ends."""
    if not _FOLDER:
        root = os.environ.get("PYTEST_DEBUG_TEMPROOT")
        _FOLDER.append(tempfile.TemporaryDirectory(prefix="lda-modeles-", dir=root))
    return Path(_FOLDER[0].name)


def migrated() -> duckdb.DuckDBPyConnection:
    """An in-memory connection migrated and loaded as the store does it, step by step (what
    connect() copies; about 50 ms)."""
    con = duckdb.connect()
    migrations.migrate(con)
    load_indicators(con)
    return con


def _save(con: duckdb.DuckDBPyConnection, name: str) -> Path:
    """The whole in-memory database of ``con`` written to the file ``name`` of _folder()."""
    path = _folder() / name
    partial = path.with_name(f".{name}")
    con.execute("ATTACH ? AS copie", [str(partial)])
    try:
        con.execute("COPY FROM DATABASE memory TO copie")
    finally:
        con.execute("DETACH copie")
    os.replace(partial, path)
    return path


def _copy_of(path: Path) -> duckdb.DuckDBPyConnection:
    """A new in-memory connection holding a copy of the database file ``path`` (tables, sequences,
    constraints and rows), which stays untouched."""
    con = duckdb.connect()
    con.execute("ATTACH ? AS modele (READ_ONLY)", [str(path)])
    try:
        con.execute("COPY FROM DATABASE modele TO memory")
    finally:
        con.execute("DETACH modele")
    return con


_TEMPLATES: dict[str, Path] = {}  # what connect() and random_store() copy, built once per process


def connect() -> duckdb.DuckDBPyConnection:
    """An in-memory connection with the store's tables and the indicator catalogue: a copy of a
    database migrated() once per test process (each call gets a database of its own)."""
    if "vide" not in _TEMPLATES:
        with migrated() as con:
            _TEMPLATES["vide"] = _save(con, "vide.duckdb")
    return _copy_of(_TEMPLATES["vide"])


def add_territory(con, code: str, *, population: int | None = 100_000, actif: bool = True,
                  nom: str | None = None, type_: str = "epci", vague: str = "AMI 1") -> None:
    """Register a programme territory."""
    con.execute(
        "INSERT INTO territoire VALUES (?, ?, ?, ?, [], [], [], ?, ?, 1, NULL, ?, ?)",
        [code, nom or f"Territoire {code}", type_, vague, population, actif, USER, NOW],
    )


def add_roadmap(con, territoire: str, debut: str, fin: str, targets: dict, *, feuille_id: int | None = None) -> int:
    """A roadmap with its current targets: ``targets`` maps an indicator to (valeur_base, cible,
    jalon_an1) or (valeur_base, cible)."""
    fid = feuille_id or next(_ids) + 1000
    con.execute("INSERT INTO feuille_de_route VALUES (?, ?, ?, ?, NULL, ?, ?)", [fid, territoire, debut, fin, USER, NOW])
    for indicateur, spec in targets.items():
        base, cible, jalon = (tuple(spec) + (None,))[:3]
        con.execute(
            "INSERT INTO cible VALUES (?, ?, ?, NULL, ?, ?, 1, NULL, ?, ?)",
            [fid, indicateur, base, cible, jalon, USER, NOW],
        )
    return fid


def add_values(con, territoire: str, indicateur: str, values: dict[str, float], *,
               depot_id: int | None = None, enregistre_le: dt.datetime = NOW) -> None:
    """Current values of one base indicator: ``values`` maps a quarter to its value."""
    for trimestre, valeur in values.items():
        con.execute(
            "INSERT INTO valeur VALUES (?, ?, ?, ?, NULL, NULL, 1, ?, ?)",
            [territoire, indicateur, trimestre, valeur, depot_id, enregistre_le],
        )


def add_former_value(con, territoire: str, indicateur: str, trimestre: str, valeur: float, *,
                     depot_id: int | None, enregistre_le: dt.datetime, remplacee_le: dt.datetime) -> None:
    """A former (revised) version of a value, as the store keeps it in valeur_historique."""
    con.execute(
        "INSERT INTO valeur_historique VALUES (?, ?, ?, ?, NULL, NULL, 1, ?, ?, ?, ?, NULL)",
        [territoire, indicateur, trimestre, valeur, depot_id, USER, enregistre_le, remplacee_le],
    )


def add_depot(con, depot_id: int, recu_le: dt.datetime, resultat: str = "enregistre") -> None:
    """An upload of the audit table."""
    con.execute(
        "INSERT INTO depot VALUES (?, 'f.csv', 'x', 'valeurs', NULL, ?, ?, ?, 0, 0, 0, 0, 0, 0, 0, [], NULL)",
        [depot_id, USER, recu_le, resultat],
    )


def row(frame, **keys) -> dict:
    """The only row of ``frame`` matching ``keys``, as a dict (fails loudly otherwise)."""
    mask = None
    for column, value in keys.items():
        cond = frame[column] == value
        mask = cond if mask is None else mask & cond
    found = frame[mask]
    assert len(found) == 1, f"{len(found)} lignes pour {keys}"
    return found.iloc[0].to_dict()


def random_store(seed: int):
    """An in-memory store drawn at random: territories (one inactive, one without population),
    roadmaps (renewed, overlapping, future), targets on base and derived indicators (with or
    without baseline and milestone), values with gaps, zeros and decimals, uploads and revisions.
    Drawn once per seed and test process (about 0.3 s), then copied: each call gets its own."""
    name = f"aleatoire-{seed}"
    if name not in _TEMPLATES:
        with draw_random_store(seed) as con:
            _TEMPLATES[name] = _save(con, f"{name}.duckdb")
    return _copy_of(_TEMPLATES[name])


def draw_random_store(seed: int):
    """The store of random_store(seed), drawn anew."""
    import datetime as dt
    import random

    from core import quarters

    rnd = random.Random(seed)
    con = connect()
    catalogue = con.execute("SELECT code, nature FROM indicateur ORDER BY ordre").fetchall()
    base = [c for c, nature in catalogue if nature in ("flux", "stock")]
    span = quarters.quarter_range("2021-T1", "2026-T4")
    codes = [f"T{i}" for i in range(1, 8)]
    for i, code in enumerate(codes):
        add_territory(con, code, actif=i != 5, population=None if i == 4 else rnd.randint(1_000, 900_000))
    fid = 1
    for code in codes[:-1]:  # the last territory has no roadmap
        windows = set()
        # drawn with replacement: two roadmaps of a territory may start on the same quarter
        for s in rnd.choices(range(len(span) - 2), k=rnd.randint(1, 3)):
            debut = span[s]
            fin = quarters.shift(debut, rnd.randint(0, 11))
            if (debut, fin) in windows:
                continue
            windows.add((debut, fin))
            targets = {}
            for ind, nature in rnd.sample(catalogue, rnd.randint(1, 12)):
                # targets on the scale of the values below, so that every status occurs
                scale = 100 if nature == "ratio" else 300 if nature == "stock" else 150 * rnd.randint(1, 12)
                cible = rnd.choice([0, rnd.randint(1, scale), rnd.uniform(0.5, scale)])
                b = None if nature in ("flux", "somme") else rnd.choice([None, cible, rnd.uniform(0, scale)])
                targets[ind] = (b, cible, rnd.choice([None, None, rnd.uniform(0, scale / 2)]))
            add_roadmap(con, code, debut, fin, targets, feuille_id=fid)
            fid += 1
    depots, rows, former = {}, [], []
    for q in span:
        for code in codes:
            if rnd.random() < 0.6:
                depot = len(depots) + 1
                depots[(code, q)] = depot
                add_depot(con, depot, dt.datetime.combine(quarters.end_date(q), dt.time())
                             + dt.timedelta(days=rnd.randint(1, 120), hours=rnd.randint(0, 23)))
    for code in codes:
        for ind in rnd.sample(base, rnd.randint(len(base) // 2, len(base))):
            density = rnd.uniform(0.2, 1)
            values = {q: rnd.choice([0, rnd.randint(0, 300), rnd.randint(0, 300), round(rnd.uniform(0, 300), 2)])
                      for q in span if rnd.random() < density}
            for q, v in values.items():
                when = dt.datetime.combine(quarters.end_date(q), dt.time()) + dt.timedelta(days=rnd.randint(1, 200))
                depot = depots.get((code, q)) if rnd.random() < 0.8 else None
                rows.append((code, ind, q, float(v), depot, when))
                if rnd.random() < 0.1:
                    former.append((code, ind, q, float(v + 1), rnd.choice([depot, None]),
                                   when - dt.timedelta(days=rnd.randint(1, 60)), when))
    # in one statement each: a row at a time would take seconds
    valeurs = pd.DataFrame(rows, columns=["t", "i", "q", "v", "d", "e"]).astype({"d": "Int64"})  # noqa: F841
    con.execute("INSERT INTO valeur SELECT t, i, q, v, NULL, NULL, 1, d, e FROM valeurs")
    anciennes = pd.DataFrame(former, columns=["t", "i", "q", "v", "d", "e", "r"]).astype({"d": "Int64"})  # noqa: F841
    con.execute("INSERT INTO valeur_historique SELECT t, i, q, v, NULL, NULL, 1, d, 'test', e, r, NULL FROM anciennes")
    return con


def assert_same_frame(got, expected):
    """Same columns, dtypes, rows and order; floats equal to 1e-12 (sums may be added in another
    order) and everything else exactly."""
    assert list(got.columns) == list(expected.columns)
    assert list(got.dtypes) == list(expected.dtypes)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-12, atol=1e-12)
    for column in got.columns:
        if got[column].dtype.kind != "f":
            assert got[column].equals(expected[column]), column


FAST_SEEDS = 2  # seeds of a random-store sweep run by `make test-fast`; `make test` runs them all


def seeds(n: int) -> list:
    """The seeds 0..n-1 of a sweep over random stores, for pytest.mark.parametrize: the first
    FAST_SEEDS in every run, the others marked slow (`make test` and CI run them; about 1 s each)."""
    import pytest

    return [s if s < FAST_SEEDS else pytest.param(s, marks=pytest.mark.slow) for s in range(n)]
