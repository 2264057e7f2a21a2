"""Benchmark (not a test): the worst files the caps still accept, against DuckDB's bare read_csv of
a plain CSV of the same size, measured in the same run.

    python bench/bench_caps.py

The caps (core/parameters.py) bound what a file may hold: its size (TAILLE_MAX_FICHIER_MO),
a workbook's decompressed size (TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO), lines (LIGNES_MAX_FICHIER) and
columns (COLONNES_MAX_FICHIER). Each file below is built just under them and must be accepted:
  - CSV, long layout, as many valid lines as the size allows (DuckDB reads the bytes);
  - CSV, long layout with ignored columns up to the column cap (every row that wide);
  - CSV with a blank line after each row (Python's csv module reads it: the slow path);
  - xlsx, long layout, as many rows as the decompressed cap allows;
  - xlsx, rows as wide as the column cap.
Each import runs in its own process, timed as the command line's import_file() from opening the
database to closing it, with the process's peak memory (VmHWM); the baseline is DuckDB's
read_csv of the first CSV into a table, in a process of its own (median of three runs). Prints
times and peak memories and their ratios to the baseline; a peak memory includes the modules the
process imported (DuckDB, pandas, pyarrow, openpyxl), as a running service holds them.
"""

from __future__ import annotations

import io
import json
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.parameters import COLONNES_MAX_FICHIER, LIGNES_MAX_FICHIER, TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO, TAILLE_MAX_FICHIER_MO

HEADER = ["code_territoire", "indicateur", "trimestre", "valeur", "commentaire"]
SIZE = TAILLE_MAX_FICHIER_MO * 1024 * 1024 - 4096  # just under the upload limit
UNZIPPED = TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO * 1024 * 1024


def keys(db: Path):
    """Valid (territory, indicator, quarter) keys of the benchmark database, in a fixed order."""
    from data import store
    from core import quarters

    with store.connect(db) as con:
        territories = [c for (c,) in con.execute("SELECT code FROM territoire ORDER BY code").fetchall()]
        indicators = [c for (c,) in con.execute(
            "SELECT code FROM indicateur WHERE nature IN ('flux', 'stock') ORDER BY ordre").fetchall()]
    spans = [quarters.shift("2026-T2", -i) for i in range(36)]
    for q in spans:
        for i in indicators:
            for t in territories:
                yield t, i, q


def rows(db: Path, extra: int = 0):
    """Endless valid rows (a key repeats with its same value once all are used: accepted)."""
    while True:
        for k, (t, i, q) in enumerate(keys(db)):  # a key's value is the same on each pass
            yield [t, i, q, str(40 + k % 900), "" if k % 50 else "déclaré"] + ["1"] * extra


def csv_file(path: Path, db: Path, extra: int = 0, blank: bool = False) -> int:
    """A CSV just under the size and line caps; returns its number of lines."""
    header = ";".join(HEADER + [f"note_{k}" for k in range(extra)]) + "\r\n"
    out, size, lines = [header], len(header), 1
    for cells in rows(db, extra):
        line = ";".join(cells) + "\r\n" + ("\r\n" if blank else "")
        if size + len(line) > SIZE or lines + (2 if blank else 1) > LIGNES_MAX_FICHIER:
            break
        out.append(line)
        size += len(line)
        lines += 2 if blank else 1
    path.write_bytes("".join(out).encode("cp1252"))
    return lines


def xlsx_file(path: Path, db: Path, extra: int = 0) -> int:
    """A workbook just under the decompressed cap (found by measuring a sample); returns its rows."""
    import openpyxl

    def build(n: int) -> bytes:
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("donnees")
        sheet.append(HEADER + [f"note_{k}" for k in range(extra)])
        source = rows(db, extra)
        for _ in range(n):
            cells = next(source)
            cells[3] = int(cells[3])
            sheet.append(cells)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def unzipped(data: bytes) -> int:
        import zipfile

        return sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    sample = 2000
    per_row = (unzipped(build(sample)) - unzipped(build(0))) / sample
    n = min(int((UNZIPPED - unzipped(build(0))) / per_row * 0.98), LIGNES_MAX_FICHIER - 1)
    data = build(n)
    while unzipped(data) >= UNZIPPED:  # later rows may be a little longer than the sample's
        n = int(n * 0.98)
        data = build(n)
    assert len(data) < SIZE
    path.write_bytes(data)
    return n + 1


def child(kind: str, path: str, db: str) -> None:
    """In a process of its own: the import (or the baseline read), its time and peak memory (the
    modules are imported before the clock starts, as in a running service)."""
    import duckdb
    import openpyxl  # noqa: F401  (read_xlsx imports it on first use)

    from data.config import DUCKDB_CONFIG
    from loaders.importer import import_file

    from bench._mesure import chrono

    def job():
        if kind == "base":
            con = duckdb.connect(db, config=dict(DUCKDB_CONFIG))
            con.execute("CREATE OR REPLACE TABLE brut AS SELECT * FROM read_csv(?, delim = ';', header = true,"
                        " encoding = 'latin-1', all_varchar = true)", [path])
            con.close()
            return True, ""
        result = import_file(path, db, user="banc")
        return result.stored, result.report.summary() if not result.stored else ""

    (ok, detail), elapsed = chrono(job)
    print(json.dumps({"s": elapsed.wall, "mo": _peak_mo(), "ok": ok, "detail": detail}))


def _peak_mo() -> float:
    """This process's peak resident memory (MiB): VmHWM, which starts afresh at exec; ru_maxrss
    would include the memory of the parent process this one was forked from."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(kind: str, path: Path, template: Path, workdir: Path) -> dict:
    db = workdir / "mesure.duckdb"
    db.unlink(missing_ok=True)
    if kind != "base":
        shutil.copy(template, db)
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(path), str(db)], cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    from data import store
    from loaders.importer import import_bytes

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        template = workdir / "modele.duckdb"
        with store.connect(template) as con:  # every EPCI registered: enough distinct keys
            epci = [c for (c,) in con.execute("SELECT code FROM collectivite WHERE niveau = 'epci' ORDER BY code").fetchall()]
        territories = "code_territoire;vague\n" + "".join(f"{c};AMI banc\n" for c in epci)
        assert import_bytes(territories.encode(), "territoires.csv", template, user="banc").stored
        files = {}
        files["CSV longue, au plus de lignes"] = (workdir / "longue.csv", csv_file(workdir / "longue.csv", template))
        files[f"CSV de {COLONNES_MAX_FICHIER} colonnes"] = (
            workdir / "large.csv", csv_file(workdir / "large.csv", template, extra=COLONNES_MAX_FICHIER - len(HEADER)))
        files["CSV lue par le module csv (lignes vides)"] = (
            workdir / "vides.csv", csv_file(workdir / "vides.csv", template, blank=True))
        files["xlsx longue, au plus de lignes"] = (workdir / "longue.xlsx", xlsx_file(workdir / "longue.xlsx", template))
        files[f"xlsx de {COLONNES_MAX_FICHIER} colonnes"] = (
            workdir / "large.xlsx", xlsx_file(workdir / "large.xlsx", template, extra=COLONNES_MAX_FICHIER - len(HEADER)))
        base_path = files["CSV longue, au plus de lignes"][0]
        runs = sorted((measure("base", base_path, template, workdir) for _ in range(3)), key=lambda r: r["s"])
        base = runs[1]  # the median of three: this machine varies from one run to the next
        print(f"plafonds : {TAILLE_MAX_FICHIER_MO} Mo, classeur {TAILLE_MAX_CLASSEUR_DECOMPRESSE_MO} Mo décompressé, "
              f"{LIGNES_MAX_FICHIER} lignes, {COLONNES_MAX_FICHIER} colonnes")
        print(f"référence : read_csv DuckDB seul de {base_path.name} ({base_path.stat().st_size / 1e6:.1f} Mo), "
              f"processus à part : {base['s'] * 1000:.0f} ms (médiane de 3), pic mémoire {base['mo']:.0f} Mo")
        for label, (path, lines) in files.items():
            got = measure("import", path, template, workdir)
            verdict = "accepté" if got["ok"] else f"REFUSÉ ({got['detail']})"
            print(f"{label} : {path.stat().st_size / 1e6:.1f} Mo, {lines} lignes, {verdict} ; "
                  f"{got['s']:.2f} s (RATIO {got['s'] / base['s']:.1f}), "
                  f"pic mémoire {got['mo']:.0f} Mo (RATIO {got['mo'] / base['mo']:.1f})")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
    else:
        main()
