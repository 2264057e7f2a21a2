"""Benchmark (not a test): the whole command-line import process against a whole process that
only reads the same file with DuckDB, measured in the same run.

    python bench/bench_cli.py [--repeat 9]

The file is the one a national export or a big operator sends: 1,253 EPCI registered as
territories x 20 indicators x 8 quarters = 200,480 rows in Windows-1252, a comment on every row,
values drawn at random (no smooth series: the quarter-on-quarter jump check has real work and
finds real warnings). Each side is a fresh ``python`` process timed from its start to its exit:

- import: ``python -m loaders import FILE --db DB`` on a fresh copy of a prepared database (the
  territories registered, the schema and reference data in place, as on a running service);
- baseline: ``python -c`` importing duckdb, opening a copy of the same database, running
  ``CREATE TABLE ... AS SELECT * FROM read_csv(FILE, delim=';', header=true, encoding='latin-1')``
  and closing it. Latin-1 because DuckDB cannot decode cp1252: reading the bytes as latin-1 (one
  byte, one character, nothing refused) is what the import's fast path does itself before mapping
  the few cp1252-only bytes, so it is the bare read of this file.

Both sides run as an installed service does: Python's bytecode compiled once and cached (here in a
temporary PYTHONPYCACHEPREFIX, after one untimed run of each side). ``--bytecode-as-is`` keeps the
inherited environment instead (with PYTHONDONTWRITEBYTECODE set, every run compiles the project's
modules from source again, which only the import side pays).

Also times both on a 100-row file (a coordinator's quarterly file), where the start-up dominates.
Prints the medians and their ratios (goal for the 200,480-row file: at most 2x).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._mesure import Mesure, medianes, mesure  # noqa: E402
from bench.bench_import import QUARTERS, registered_database  # noqa: E402
from data.config import DUCKDB_CONFIG  # noqa: E402

COMMENTS = ("déclaré par l'opérateur", "estimation du SIAO", "données partielles, à revoir", "RAS",
            "chiffre consolidé après réunion", "hors dispositif expérimental")

BASELINE = (
    "import sys, duckdb\n"
    "con = duckdb.connect(sys.argv[1], config={config!r})\n"
    "con.execute(\"CREATE TABLE brut AS SELECT * FROM read_csv(?, delim = ';', header = true,"
    " encoding = 'latin-1')\", [sys.argv[2]])\n"
    "con.close()\n"
)


def french(value: int) -> str:
    return f"{value // 1000}\u00a0{value % 1000:03d}" if value >= 1000 else str(value)


def build_fixture(workdir: Path) -> tuple[Path, Path, Path]:
    """A database with every EPCI registered; the 200,480-row file and a 100-row one."""
    db, epci, indicators = registered_database(workdir)
    rng = random.Random(20261206)
    header = "code_territoire;indicateur;trimestre;valeur;commentaire"
    lines = [f"{code};{indicator};{q};{french(rng.randrange(0, 3000))};{rng.choice(COMMENTS)} n° {rng.randrange(1000)}"
             for code in epci for indicator in indicators for q in QUARTERS]
    big, small = workdir / "valeurs_200k_cp1252.csv", workdir / "valeurs_100_cp1252.csv"
    big.write_bytes(("\r\n".join([header] + lines) + "\r\n").encode("cp1252"))
    small.write_bytes(("\r\n".join([header] + lines[:100]) + "\r\n").encode("cp1252"))
    print(f"fichier : {len(lines)} lignes, {big.stat().st_size / 1e6:.1f} Mo (cp1252), un commentaire par ligne,"
          " valeurs aléatoires")
    return db, big, small


def whole_process(command: list[str], template: Path, db: Path, env: dict) -> Mesure:
    """Wall and CPU time of one process on a fresh copy of the prepared database (the copy untimed)."""
    shutil.copy(template, db)
    done = []
    elapsed = mesure(lambda: done.append(
        subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)))
    assert done[0].returncode == 0, done[0].stderr.decode()[-2000:]
    return elapsed


def compare(label: str, path: Path, rows: int, template: Path, workdir: Path, repeat: int, env: dict) -> float:
    db = workdir / "fresh.duckdb"
    cli = [sys.executable, "-m", "loaders", "import", str(path), "--db", str(db), "--user", "banc"]
    bare = [sys.executable, "-c", BASELINE.format(config=dict(DUCKDB_CONFIG)), str(db), str(path)]
    check = subprocess.run(cli[:-2] + ["--dry-run", "--db", str(template)], cwd=ROOT, capture_output=True, text=True,
                           env=env)  # also the untimed run that caches the bytecode
    assert f"nouvelles: {rows}," in check.stdout, check.stdout[-2000:] + check.stderr[-2000:]
    whole_process(bare, template, db, env)
    imports, reads = [], []
    for _ in range(repeat):
        reads.append(whole_process(bare, template, db, env))
        imports.append(whole_process(cli, template, db, env))
    i, r = medianes(imports).wall, medianes(reads).wall
    print(f"{label} : processus d'import {i * 1000:.0f} ms, processus read_csv DuckDB seul {r * 1000:.0f} ms"
          f" (médianes de {repeat}) ; RATIO {i / r:.2f}")
    return i / r


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--bytecode-as-is", action="store_true", help="keep the inherited bytecode settings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        env = dict(os.environ)
        if not args.bytecode_as_is:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(workdir / "bytecode")
        print("bytecode :", "environnement hérité" if args.bytecode_as_is else "compilé une fois, en cache")
        template, big, small = build_fixture(workdir)
        compare("100 lignes", small, 100, template, workdir, args.repeat, env)
        ratio = compare("200 480 lignes", big, 200_480, template, workdir, args.repeat, env)
        print(f"RATIO processus d'import / processus read_csv (200 480 lignes) : {ratio:.2f} (objectif <= 2)")


if __name__ == "__main__":
    main()
