"""Benchmark of the indicator engine on a scale database (not a test; prints ratios).

Builds a store with every EPCI and département registered as a territory (1,354), 27 base
indicators x 32 quarters of values (with gaps and revisions), one upload per territory and quarter,
and a roadmap per territory (a third of them renewed) carrying a target on every indicator of the
catalogue. Then times, in the same run and on the same connection:
- the whole national picture: progress of every territory x indicator, the national aggregation
  (reusing that progress) and the completeness of every territory, at the reference quarter;
- the baseline of the goal: one grouped pass over the same valeur table that reads the key
  columns every figure needs (territoire, indicateur, trimestre) and the value,
  ``SELECT territoire, indicateur, count(*), sum(valeur), max(trimestre) FROM valeur GROUP BY ALL``
  (the goal of the indicator issue, restated: the whole picture at most 2x this read). The two
  are timed in alternation, run after run, so that the load of a shared machine weighs on both
  alike; the ratio is the median of the ratios of each pair, in wall time and in CPU time
  (bench/_mesure.py);
- for context, a bare scan (``SELECT sum(valeur), count(*) FROM valeur``, which reads only the
  compressed ``valeur`` column: the floor of what DuckDB can do with the table, not of what a
  computation by territory can do) and fetching the whole table into pandas.

    .venv/bin/python bench/bench_indicators.py [--db PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._mesure import alternees, mediane  # noqa: E402

from data import store  # noqa: E402
from indicators import completeness, national, progress, tableau  # noqa: E402
from core import quarters

FIRST_QUARTER = "2018-T4"
AT = "2026-T3"  # the last complete quarter on 2026-11-25, 32nd quarter from FIRST_QUARTER
N_QUARTERS = 32
GOAL = 2.0


def build(con) -> dict:
    """Fill an empty store with the scale data set; returns its counts."""
    qs = quarters.quarter_range(FIRST_QUARTER, quarters.shift(FIRST_QUARTER, N_QUARTERS - 1))
    assert qs[-1] == AT
    idx = quarters.sql_index
    con.execute("BEGIN TRANSACTION")
    con.execute("DELETE FROM territoire")
    con.execute(
        """
        INSERT INTO territoire
        SELECT code, nom, CASE niveau WHEN 'epci' THEN 'epci' ELSE 'departement' END, 'AMI bench',
               [], [], [], population, true, 1, NULL, 'bench', now()
        FROM collectivite WHERE niveau IN ('epci', 'departement')
        """
    )
    con.execute("CREATE TEMP TABLE q AS SELECT unnest(?::VARCHAR[]) AS trimestre", [qs])
    con.execute(
        "CREATE TEMP TABLE t AS SELECT code, row_number() OVER (ORDER BY code) AS rang, "
        "coalesce(population, 50000) AS population FROM territoire"
    )
    # one upload per territory and quarter, received 10 to 99 days after the quarter's end
    con.execute(
        f"""
        INSERT INTO depot
        SELECT row_number() OVER (ORDER BY t.code, q.trimestre), 'bench.csv', 'x', 'valeurs', NULL, 'bench',
               {quarters.sql_end_date('q.trimestre')} + INTERVAL (10 + hash(t.code, q.trimestre) % 90) DAY,
               'enregistre', 27, 27, 0, 0, 0, 0, 0, [t.code], NULL
        FROM t CROSS JOIN q
        """
    )
    # values: magnitude by population, about 3 % of (territory, indicator, quarter) left unreported
    con.execute(
        """
        INSERT INTO valeur
        SELECT t.code, i.code, q.trimestre,
               round(t.population / 100000.0 * (5 + hash(t.code, i.code, q.trimestre) % 200)),
               NULL, NULL, 1, d.id, d.recu_le
        FROM t CROSS JOIN q
        CROSS JOIN (SELECT code FROM indicateur WHERE nature IN ('flux', 'stock')) i
        JOIN depot d ON d.territoires[1] = t.code
         AND d.recu_le::DATE > last_day(make_date(CAST(substr(q.trimestre, 1, 4) AS INTEGER),
                                                 CAST(substr(q.trimestre, 7, 1) AS INTEGER) * 3, 1))
         AND d.recu_le::DATE <= last_day(make_date(CAST(substr(q.trimestre, 1, 4) AS INTEGER),
                                                  CAST(substr(q.trimestre, 7, 1) AS INTEGER) * 3, 1)) + INTERVAL 99 DAY
         AND d.id = (t.rang - 1) * 32 + (SELECT count(*) FROM q q2 WHERE q2.trimestre <= q.trimestre)
        WHERE hash(i.code, t.code, q.trimestre) % 33 <> 0
        """
    )
    # 2 % of values were revised: their first version stays in the history
    con.execute(
        """
        INSERT INTO valeur_historique
        SELECT territoire, indicateur, trimestre, valeur + 1, NULL, NULL, 1, depot_id, 'bench',
               enregistre_le, enregistre_le + INTERVAL 30 DAY, depot_id
        FROM valeur WHERE hash(territoire, indicateur) % 50 = 0
        """
    )
    # a roadmap per territory, starting between 2025-T1 and 2026-T2; a third were renewed from an
    # earlier 2023-T1..2024-T4 roadmap
    con.execute(
        f"""
        INSERT INTO feuille_de_route
        SELECT row_number() OVER (), code, debut, fin, NULL, 'bench', now() FROM (
            SELECT code,
                   CAST((s // 4) AS VARCHAR) || '-T' || CAST(s % 4 + 1 AS VARCHAR) AS debut,
                   CAST(((s + 7) // 4) AS VARCHAR) || '-T' || CAST((s + 7) % 4 + 1 AS VARCHAR) AS fin
            FROM (SELECT code, {quarters.to_index('2025-T1')} + rang % 6 AS s FROM t)
            UNION ALL
            SELECT code, '2023-T1', '2024-T4' FROM t WHERE rang % 3 = 0
        )
        """
    )
    con.execute(
        """
        INSERT INTO cible
        SELECT f.id, i.code,
               CASE WHEN i.nature IN ('stock', 'ratio') THEN 100 END,
               NULL,
               CASE WHEN i.nature IN ('stock', 'ratio') THEN (CASE WHEN i.sens = 'baisse' THEN 80 ELSE 130 END)
                    ELSE t.population / 100000.0 * 800 END,
               CASE WHEN hash(f.id, i.code) % 2 = 0 AND i.nature IN ('flux', 'somme')
                    THEN t.population / 100000.0 * 350 END,
               1, NULL, 'bench', now()
        FROM feuille_de_route f JOIN t ON t.code = f.territoire CROSS JOIN indicateur i
        """
    )
    con.execute("COMMIT")
    return dict(zip(
        ("territoires", "valeurs", "historique", "depots", "feuilles", "cibles"),
        con.execute(
            "SELECT (SELECT count(*) FROM territoire), (SELECT count(*) FROM valeur),"
            " (SELECT count(*) FROM valeur_historique), (SELECT count(*) FROM depot),"
            " (SELECT count(*) FROM feuille_de_route), (SELECT count(*) FROM cible)"
        ).fetchone(),
    ))


def whole_picture(con):
    """Everything the national page needs at the reference quarter, computed as the page computes
    it: its cached view (indicators/views.py, pilotage(), unfiltered: once per data version) calls
    tableau.tableau_national(), which gives the progress, the national table and the completeness
    from one read of the values (the same frames as progress.progress(), national.national() over
    that progress and completeness.completeness(): tests/test_moteur_differentiel.py)."""
    return tableau.tableau_national(con, AT)


def bare_scan(con):
    return con.execute("SELECT sum(valeur), count(*) FROM valeur").fetchall()


def grouped_scan(con):
    return con.execute(
        "SELECT territoire, indicateur, count(*), sum(valeur), max(trimestre) FROM valeur GROUP BY ALL"
    ).fetchall()


def full_fetch(con):
    return con.execute("SELECT * FROM valeur").df()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="database file (default: a temporary one)")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.duckdb"
        with store.connect(path) as con:
            start = time.perf_counter()
            counts = build(con) if not con.execute("SELECT count(*) FROM valeur").fetchone()[0] else {}
            print(f"base construite en {time.perf_counter() - start:.1f} s : {counts}")
            prog, nat, comp = whole_picture(con)
            print(f"lignes : progression {len(prog)}, national {len(nat)}, complétude {len(comp)}")
            print("statuts :", prog["statut"].value_counts().to_dict())
            parts = {
                "progression": lambda c: progress.progress(c, AT),
                "national (progression fournie)": lambda c: national.national(c, AT, progress_frame=prog),
                "complétude": lambda c: completeness.completeness(c, AT),
            }
            for name, fn in parts.items():
                print(f"  {name:32s} {mediane(fn, con, repeat=args.repeat).ms()}")
            picture, grouped, ratio = alternees(whole_picture, grouped_scan, con, repeat=args.repeat)
            scan = mediane(bare_scan, con, repeat=args.repeat)
            fetch = mediane(full_fetch, con, repeat=max(3, args.repeat // 3))
            print(f"lecture groupée des colonnes clés     {grouped.ms()}")
            print(f"tableau national complet              {picture.ms()}")
            print(f"scan nu (sum, count)                  {scan.ms()}")
            print(f"lecture complète vers pandas          {fetch.ms()}")
            print(f"RATIO tableau national / lecture groupée des colonnes clés : {ratio.wall:.2f}x "
                  f"(objectif <= {GOAL:.0f}x) ; en temps CPU : {ratio.cpu:.2f}x")
            print(f"ratio tableau national / scan nu : {picture.wall / scan.wall:.1f}x")
            print(f"ratio tableau national / lecture complète : {picture.wall / fetch.wall:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
