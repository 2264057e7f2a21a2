"""Benchmark (not a test): the full validated import of a 200,000-row cp1252 long file against
DuckDB's bare read_csv of the same file into a table, measured in the same run.

    python bench/bench_import.py [--repeat 15]

Scenario of the data-spine issue: 1,253 EPCI registered as territories x 20 indicators x 8 quarters.
Each side is timed as one job from opening the database file to closing it (the close writes a
checkpoint on both sides). The import is the command line's: import_file(), which opens the store
once, validates in its connection and stores in one transaction. Prints the median times and their
ratio (goal: at most 2x).
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import duckdb  # noqa: E402

from bench._mesure import Mesure, chrono, medianes  # noqa: E402
from data import store  # noqa: E402
from data.config import DUCKDB_CONFIG  # noqa: E402
from loaders.importer import import_bytes, import_file  # noqa: E402

QUARTERS = [f"{y}-T{q}" for y in (2023, 2024) for q in range(1, 5)]


def registered_database(workdir: Path) -> tuple[Path, list[str], list[str]]:
    """A database with every EPCI registered as a territory; the EPCI and 20 base indicators."""
    db = workdir / "modele.duckdb"
    with store.connect(db) as con:
        epci = [c for (c,) in con.execute("SELECT code FROM collectivite WHERE niveau = 'epci' ORDER BY code").fetchall()]
        indicators = [c for (c,) in con.execute(
            "SELECT code FROM indicateur WHERE nature IN ('flux', 'stock') ORDER BY ordre LIMIT 20").fetchall()]
    territories = "code_territoire;vague\n" + "".join(f"{c};AMI banc\n" for c in epci)
    result = import_bytes(territories.encode(), "territoires.csv", db, user="banc")
    assert result.stored, result.report.sorted_errors()[:3]
    return db, epci, indicators


def build_fixture(workdir: Path) -> tuple[Path, Path]:
    """A database with every EPCI registered, and the values file."""
    db, epci, indicators = registered_database(workdir)
    lines = ["code_territoire;indicateur;trimestre;valeur;commentaire"]
    n = 0
    for code in epci:
        for indicator in indicators:
            for q in QUARTERS:
                n += 1
                # smooth series, as real figures are: no quarter-on-quarter jump warnings
                value = 40 + (hash((code, indicator)) % 2000) + QUARTERS.index(q) * 3
                text = f"{value // 1000}\u00a0{value % 1000:03d}" if value >= 1000 else str(value)
                comment = "déclaré par l'opérateur" if n % 50 == 0 else ""
                lines.append(f"{code};{indicator};{q};{text};{comment}")
    path = workdir / "valeurs_200k_cp1252.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    print(f"fichier : {len(lines) - 1} lignes, {path.stat().st_size / 1e6:.1f} Mo (cp1252)")
    return db, path


def bare_read(path: Path, workdir: Path) -> tuple[Mesure, Mesure]:
    """DuckDB alone, as one job: open the database file, read the CSV into a table, close (the
    import below is timed the same way: it opens the store, works, closes it). Returns that time
    and, for comparison with earlier measurements, the read_csv statement's time alone."""
    db = workdir / "brut.duckdb"
    db.unlink(missing_ok=True)
    duckdb.connect(str(db), config=dict(DUCKDB_CONFIG)).close()  # an existing file, like the store
    def job():
        con = duckdb.connect(str(db), config=dict(DUCKDB_CONFIG))
        inner = chrono(con.execute, "CREATE OR REPLACE TABLE brut AS SELECT * FROM read_csv(?, delim = ';',"
                       " header = true, encoding = 'latin-1')", [str(path)])[1]
        con.close()
        return inner

    inner, whole = chrono(job)
    return whole, inner


def full_import(template: Path, path: Path, workdir: Path) -> Mesure:
    db = workdir / "import.duckdb"
    shutil.copy(template, db)
    store.forget_ready(db)
    with store.connect(db):
        pass  # schema check outside the timing, as a running service has done it once
    result, elapsed = chrono(import_file, path, db, user="banc")
    assert result.stored and result.outcome.nouvelles == 200_480, result.report.summary()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        template, path = build_fixture(workdir)
        bare, statement, full = [], [], []
        for _ in range(args.repeat):
            whole, inner = bare_read(path, workdir)
            bare.append(whole)
            statement.append(inner)
            full.append(full_import(template, path, workdir))
        b, f, st = (medianes(m).wall for m in (bare, full, statement))
        print(f"read_csv DuckDB seul, ouverture et fermeture comprises : {b * 1000:.0f} ms (médiane de {args.repeat})")
        print(f"import validé complet, ouverture et fermeture comprises : {f * 1000:.0f} ms (médiane de {args.repeat})")
        print(f"RATIO import / lecture brute : {f / b:.2f} (objectif <= 2)")
        print(f"pour comparaison, l'instruction read_csv seule : {st * 1000:.0f} ms, ratio {f / st:.2f}")


if __name__ == "__main__":
    main()
