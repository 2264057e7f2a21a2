"""Benchmark (not a test): a 1,000,000-row SI-SIAO extract (cp1252 CSV) validated, counted and
stored, against DuckDB's bare read_csv of the same file into a table, measured in the same run.

    python bench/bench_siao.py [--repeat 5] [--rows 1000000]

The extract is the generator's (loaders/siao_generator.py) over the communes of the registered
territories, a year of requests (2025: four whole quarters). Each side is one job from opening the
database file to closing it, each run in its own process so that its peak memory (VmHWM) is its
own: the import is the command line's (import_file with --kind siao and the period), the baseline
``CREATE TABLE AS SELECT * FROM read_csv(...)`` with its type detection, as bench/bench_import.py
measures it. Prints the median times, their ratio (goal: at most 1.5x) and the peak memory of each
side; and, for comparison, the ratio against read_csv with every column read as text (all_varchar),
as the import's reading does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DU, AU = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def job_bare(db: str, path: str, all_varchar: bool = False) -> dict:
    import duckdb

    from data.config import DUCKDB_CONFIG

    start = time.perf_counter()
    con = duckdb.connect(db, config=dict(DUCKDB_CONFIG))
    con.execute("CREATE OR REPLACE TABLE brut AS SELECT * FROM read_csv(?, delim = ';', header = true,"
                f" encoding = 'latin-1', all_varchar = {str(all_varchar).lower()})", [path])
    con.close()
    return {"s": time.perf_counter() - start, "mb": peak_mb()}


def job_import(db: str, path: str) -> dict:
    from loaders.importer import import_file
    from loaders.siao import Periode

    start = time.perf_counter()
    result = import_file(path, db, kind="siao", periode=Periode(DU, AU), user="banc")
    elapsed = time.perf_counter() - start
    assert result.stored, [p.as_line() for p in result.report.sorted_errors()[:3]]
    return {"s": elapsed, "mb": peak_mb(), "valeurs": result.outcome.nouvelles,
            "demandes": result.comptage.demandes}


def child(kind: str, db: Path, path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--job", kind, str(db), str(path)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def build(workdir: Path, rows: int) -> tuple[Path, Path]:
    from data import store
    from loaders import siao_generator

    template = workdir / "modele.duckdb"
    with store.connect(template) as con:
        codes = [c for (c,) in con.execute("SELECT code FROM territoire ORDER BY code").fetchall()]
        communes = sorted({c for t in codes for c in siao_generator.communes_du_territoire(con, t)})
    start = time.perf_counter()
    data = siao_generator.extrait(communes, DU, AU, seed=2025, demandes=rows)
    path = workdir / "extrait_siao_cp1252.csv"
    path.write_bytes(data)
    print(f"extrait : {rows} demandes, {len(communes)} communes, {len(data) / 1e6:.0f} Mo (cp1252), "
          f"généré en {time.perf_counter() - start:.1f} s")
    return template, path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--job", nargs=3, metavar=("TYPE", "BASE", "FICHIER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.job:
        kind, db, path = args.job
        jobs = {"bare": job_bare, "texte": lambda d, p: job_bare(d, p, all_varchar=True), "import": job_import}
        print(json.dumps(jobs[kind](db, path)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        template, path = build(workdir, args.rows)
        bare, text, full = [], [], []
        for _ in range(args.repeat):
            for kind, runs in (("bare", bare), ("texte", text)):
                db = workdir / "brut.duckdb"
                db.unlink(missing_ok=True)
                shutil.copy(template, db)  # the same starting file on both sides
                runs.append(child(kind, db, path))
            db = workdir / "import.duckdb"
            shutil.copy(template, db)
            full.append(child("import", db, path))
        b = statistics.median(r["s"] for r in bare)
        f = statistics.median(r["s"] for r in full)
        print(f"read_csv DuckDB seul, ouverture et fermeture comprises : {b * 1000:.0f} ms (médiane de {args.repeat})")
        print(f"extrait validé, compté et enregistré : {f * 1000:.0f} ms (médiane de {args.repeat}) ; "
              f"{full[0]['demandes']} demandes, {full[0]['valeurs']} valeurs")
        print(f"RATIO import / lecture brute : {f / b:.2f} (objectif <= 1,5)")
        t = statistics.median(r["s"] for r in text)
        print(f"pour comparaison, read_csv sans détection des types (all_varchar, comme la lecture de l'import) : "
              f"{t * 1000:.0f} ms, ratio {f / t:.2f}")
        print(f"pic mémoire (VmHWM) : import {max(r['mb'] for r in full):.0f} Mo, "
              f"lecture brute {max(r['mb'] for r in bare):.0f} Mo")


if __name__ == "__main__":
    main()
