"""The command-line import loads only what its path needs (issue 11, "Speed"): a CSV import starts
no pandas, numpy, pyarrow, pydantic or openpyxl (together about 0.3 s before a byte is read); a
workbook still gets openpyxl (and what its
table then needs). Also the pieces that made it possible: the header columns written
out in loaders/headers.py stay those of the file models, and the reference tables read as Python
lists reach DuckDB with the store's types."""

from __future__ import annotations

import io
import subprocess
import sys

import openpyxl
import pytest

from data import store
from loaders import headers, models
from loaders.reference_data import Table, from_store
from tests.conftest import FILES, ROOT

HEAVY = ("numpy", "openpyxl", "pandas", "pyarrow", "pydantic")

# Runs the command line in this interpreter, then says which heavy packages it had loaded.
PROBE = (
    "import sys\n"
    "from loaders.__main__ import main\n"
    "code = main(sys.argv[1:])\n"
    f"print('CHARGES:', *sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))\n"
    "sys.exit(code)\n"
)


def loaded_by_the_cli(*args, exit_code: int = 0) -> tuple[list[str], str]:
    done = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == exit_code, done.stdout + done.stderr
    last = done.stdout.splitlines()[-1]
    assert last.startswith("CHARGES:"), done.stdout
    return last.split()[1:], done.stdout


@pytest.mark.subprocess
def test_a_csv_import_loads_no_pandas_numpy_pyarrow_pydantic_or_openpyxl(db):
    loaded, out = loaded_by_the_cli("import", FILES / "valeurs_longues_valides_cp1252.csv", "--db", db)
    assert "Enregistré : nouvelles: 5, révisées: 0" in out
    assert loaded == []


@pytest.mark.subprocess
def test_importing_the_import_path_loads_no_heavy_package_nor_an_upper_layer():
    """The modules of the path themselves (the command line, the importer and its per-kind
    dispatch, the package inits): none imports a heavy package, the engine, the exports or the
    pages at module level, whatever file is imported afterwards."""
    probe = ("import sys\n"
             "import loaders, loaders.reading, loaders.__main__, loaders.importer, loaders.kinds\n"
             "print(*sorted({m.split('.')[0] for m in sys.modules}))\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stdout.split())
    assert {"loaders", "data", "core", "duckdb"} <= loaded  # the probe did import the path
    assert loaded & {*HEAVY, "indicators", "exports", "pages", "streamlit", "plotly"} == set()


@pytest.mark.subprocess
def test_a_refused_csv_import_loads_none_of_them_either(db):
    loaded, out = loaded_by_the_cli("import", FILES / "valeurs_indicateur_derive_et_inconnu.csv", "--db", db,
                                    "--dry-run", exit_code=1)
    # the messages read the reference tables: the bases of a ratio and of a sum, the close codes
    assert "Déposez plutôt « attributions_sans_domicile » et « attributions_total »" in out
    assert "Déposez plutôt « sorties_rue_logement » et « sorties_hebergement_logement »" in out
    assert "Vouliez-vous dire : sorties_rue_logement," in out
    assert loaded == []


@pytest.mark.subprocess
def test_a_workbook_import_does_load_openpyxl(db, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["code_territoire", "indicateur", "trimestre", "valeur"])
    book.active.append(["200046977", "sorties_rue_logement", "2024-T1", 42])
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "valeurs.xlsx"
    path.write_bytes(out.getvalue())
    loaded, text = loaded_by_the_cli("import", path, "--db", db)
    assert "nouvelles: 1," in text
    assert "openpyxl" in loaded  # (then pyarrow, and pandas that DuckDB loads to scan its table)


def test_the_header_columns_are_those_of_the_file_models():
    assert headers.COLUMNS[(headers.VALUES, headers.LONG)] == models.columns(models.LigneValeurLongue)
    assert headers.COLUMNS[(headers.VALUES, headers.WIDE)] == models.columns(models.LigneValeurLarge)
    assert headers.COLUMNS[(headers.ROADMAP, None)] == models.columns(models.LigneFeuilleDeRoute)
    assert headers.COLUMNS[(headers.TERRITORIES, None)] == models.columns(models.LigneTerritoire)
    assert headers.COLUMNS[(headers.BUDGET, None)] == models.columns(models.LigneBudget)


def test_reference_tables_reach_duckdb_with_the_store_types(db):
    with store.connect(db) as con:
        ref = from_store(con, with_collectivites=True)
        expected = con.execute("SELECT code, composantes FROM indicateur ORDER BY ordre").fetchall()
        n_collectivites = con.execute("SELECT count(*) FROM collectivite WHERE niveau <> 'region'").fetchall()[0][0]
    con = store.private_connection()
    try:
        store.register(con, "ref_indicateur", ref.indicateurs[["code", "composantes"]])
        store.register(con, "ref_territoire", ref.territoires)
        store.register(con, "ref_collectivite", ref.collectivites)
        store.register(con, "vide", Table({"code": [], "actif": []}, {"code": "VARCHAR", "actif": "BOOLEAN"}))
        assert con.execute("SELECT * FROM ref_indicateur").fetchall() == expected
        assert con.execute("SELECT typeof(composantes) FROM ref_indicateur LIMIT 1").fetchall() == [("VARCHAR[]",)]
        assert con.execute("SELECT typeof(actif), count(*) FROM ref_territoire GROUP BY 1").fetchall() == [
            ("BOOLEAN", len(ref.territoires))]
        assert con.execute("SELECT count(*) FROM ref_collectivite").fetchall() == [(n_collectivites,)]
        assert con.execute("SELECT count(*), typeof(any_value(actif)) FROM vide").fetchall() == [(0, "BOOLEAN")]
    finally:
        con.close()
    assert ref.territoires["code"] == sorted(ref.territoires["code"]) and len(ref.territoires) > 0
    ratio = ref.indicateurs["code"][ref.indicateurs["nature"].index("ratio")]
    assert "« " in ref.derived_bases(ratio) and " et " in ref.derived_bases(ratio)
