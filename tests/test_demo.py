"""The demo database: deterministic, realistic, every status present, and marked as demo."""

from __future__ import annotations

from data import store
from core import quarters
from indicators.progress import progress
from indicators.status import STATUTS
from loaders.demo import demo_files
from tests.conftest import TODAY


def test_demo_is_marked_and_every_territory_has_a_roadmap(demo_db):
    with store.connect(demo_db) as con:
        assert store.is_demo(con)
        missing = con.execute(
            "SELECT code FROM territoire t WHERE actif AND NOT EXISTS "
            "(SELECT 1 FROM feuille_de_route f WHERE f.territoire = t.code)").fetchall()
        assert missing == []
        last = con.execute("SELECT max(trimestre) FROM valeur").fetchall()[0][0]
        with_milestone = con.execute("SELECT count(*) FROM cible WHERE jalon_an1 IS NOT NULL").fetchall()[0][0]
    assert last == quarters.last_complete(TODAY)
    assert with_milestone > 0


def test_demo_shows_every_status_of_the_methodology(demo_db):
    with store.connect(demo_db) as con:
        statuses = set(progress(con, at=quarters.last_complete(TODAY))["statut"])
    assert statuses == set(STATUTS)


def test_demo_magnitudes_scale_with_population(demo_db):
    with store.connect(demo_db) as con:
        rows = dict(con.execute(
            """SELECT v.territoire, sum(v.valeur) * 100000 / max(t.population)
               FROM valeur v JOIN territoire t ON t.code = v.territoire
               WHERE v.indicateur = 'attributions_total' AND v.trimestre = '2025-T1' AND t.population IS NOT NULL GROUP BY 1""").fetchall())
    # about 145 allocations per 100,000 inhabitants a quarter, give or take the noise
    assert rows and all(100 < r < 200 for r in rows.values())


def test_demo_files_are_deterministic(db):
    with store.connect(db) as con:
        territories = con.execute("SELECT code, vague, population FROM territoire ORDER BY vague, code").fetchall()
        natures = {c: (n, s, list(comp) if comp else [num, den]) for c, n, s, comp, num, den in con.execute(
            "SELECT code, nature, sens, composantes, numerateur, denominateur FROM indicateur").fetchall()}
    _, first = demo_files(territories, natures, "2026-T3")
    _, second = demo_files(territories, natures, "2026-T3")
    assert first == second and len(first) > 40
