"""The command-line contract of python -m loaders (scripts and scheduled jobs depend on it)."""

from __future__ import annotations

import pytest

from data import store
from tests.cli import MODES, runner
from tests.conftest import FILES


@pytest.fixture(params=MODES)
def run(request):
    """python -m loaders, in this process and (marked subprocess) as a real process."""
    return runner("loaders", request.param)


def test_import_prints_kind_and_counts_and_exits_0(run, db):
    done = run("import", FILES / "valeurs_longues_valides_cp1252.csv", "--db", db, "--user", "alice")
    assert done.returncode == 0, done.stderr
    assert "Type détecté : valeurs trimestrielles (disposition longue)" in done.stdout
    assert "nouvelles: 5, révisées: 0, inchangées: 0, non renseignées: 0" in done.stdout
    with store.connect(db) as con:
        assert con.execute("SELECT DISTINCT d.utilisateur FROM valeur v JOIN depot d ON d.id = v.depot_id"
                           ).fetchall() == [("alice",)]


def test_refused_import_lists_one_line_per_problem_and_exits_1(run, db):
    done = run("import", FILES / "valeurs_nombres_invalides.csv", "--db", db)
    assert done.returncode == 1
    problem_lines = [line for line in done.stdout.splitlines() if line.startswith("ligne ")]
    assert [line.split(",")[0] for line in problem_lines] == [f"ligne {n}" for n in range(2, 8)]
    assert all("colonne « valeur »" in line for line in problem_lines)
    assert "« 12,5 % »" in problem_lines[0]
    assert "Traceback" not in done.stdout + done.stderr


def test_file_level_problem_is_a_sentence_without_line(run, db):
    done = run("import", FILES / "valeurs_binaire_renomme.csv", "--db", db)
    assert done.returncode == 1
    assert "n'est pas un texte lisible" in done.stdout
    assert not any(line.startswith("ligne ") for line in done.stdout.splitlines())


def test_header_problem_is_on_line_1(run, db):
    done = run("import", FILES / "valeurs_colonne_manquante.csv", "--db", db)
    assert done.returncode == 1
    assert any(line.startswith("ligne 1, colonne « valeur »") for line in done.stdout.splitlines())


def test_dry_run_and_forced_kind(run, db):
    done = run("import", FILES / "valeurs_longues_valides_cp1252.csv", "--db", db, "--dry-run", "--kind", "values")
    assert done.returncode == 0 and "Simulation" in done.stdout and "nouvelles: 5" in done.stdout
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM valeur").fetchall() == [(0,)]
    forced = run("import", FILES / "valeurs_longues_valides_cp1252.csv", "--db", db, "--kind", "roadmap")
    assert forced.returncode == 1 and "colonne-manquante" in forced.stdout


def test_usage_errors_and_unreadable_paths_exit_2(run, db, tmp_path):
    assert run("import", tmp_path / "absent.csv", "--db", db).returncode == 2
    assert run("import", FILES / "fichier_vide.csv", "--db", db, "--kind", "nimporte").returncode == 2
    assert run("frobnicate").returncode == 2
    missing_dir = run("import", FILES / "valeurs_tabulations.tsv", "--db", tmp_path / "nope" / "x.duckdb")
    assert missing_dir.returncode == 2 and "n'existe pas" in missing_dir.stderr


def test_export_csv_and_history(run, db, tmp_path):
    run("import", FILES / "valeurs_longues_valides_cp1252.csv", "--db", db)
    out = tmp_path / "export.csv"
    done = run("export", "--db", db, "--out", out)
    assert done.returncode == 0
    lines = out.read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "code_territoire;indicateur;trimestre;valeur;commentaire;source" and len(lines) == 6
    hist = run("export", "--db", db, "--history")
    assert hist.returncode == 0 and "revision;courante" in hist.stdout
    xlsx = tmp_path / "export.xlsx"
    assert run("export", "--db", db, "--out", xlsx, "--format", "xlsx").returncode == 0
    assert xlsx.read_bytes()[:2] == b"PK"


def test_db_from_environment_variable(run, db):
    import os

    env = {**os.environ, "LDA_DB": str(db)}
    done = run("import", FILES / "valeurs_tabulations.tsv", env=env)
    assert done.returncode == 0
    with store.connect(db) as con:
        assert con.execute("SELECT count(*) FROM valeur").fetchall() == [(1,)]


def test_help_and_usage_errors_are_in_french(run):
    helped = run("-h")
    assert helped.returncode == 0 and "Utilisation :" in helped.stdout and "afficher cette aide" in helped.stdout
    assert "positional arguments" not in helped.stdout and "show this help" not in helped.stdout
    wrong = run("import", "x.csv", "--frobnicate")
    assert wrong.returncode == 2
    assert "Erreur d'utilisation : arguments non reconnus : --frobnicate" in wrong.stderr
    assert "unrecognized" not in wrong.stderr
