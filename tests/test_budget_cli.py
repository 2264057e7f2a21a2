"""python -m indicators budget: the columns of format-suivi.md, the coordination_conforme line,
the filters and the errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from loaders.importer import import_bytes
from tests.cli import MODES, runner
from tests.conftest import TODAY

LYON, DOUBS = "200046977", "25"


@pytest.fixture(scope="module")
def db(template_db, tmp_path_factory):
    import shutil

    path = tmp_path_factory.mktemp("budget-cli") / "b.duckdb"
    shutil.copy(template_db, path)
    body = (f"{LYON};2024;coordination;etat_ami;30 000;15 000;;\n{LYON};2024;coordination;collectivite;30 000;;;\n"
            f"{LYON};2025;coordination;etat_ami;40 000;;;\n{LYON};2025;coordination;collectivite;30 000;;;\n"
            f"{DOUBS};2024;communication;autre;1 000,50;1 000,50;500;\n")
    import_bytes(("code_territoire;exercice;poste;financeur;prevu;engage;verse;commentaire\n" + body).encode(),
                 "b.csv", path, user="t", today=TODAY)
    return path


@pytest.fixture(params=MODES)
def run(request):
    return runner("indicators", request.param)


def test_csv_has_the_contract_columns_and_the_check_line(db, run):
    done = run("budget", "--db", db, "--format", "csv", "--territory", LYON)
    assert done.returncode == 0, done.stderr
    table = list(csv.DictReader(io.StringIO(done.stdout), delimiter=";"))
    assert list(table[0]) == ["territoire", "exercice", "poste", "financeur", "prevu", "engage", "verse",
                              "taux_engagement", "taux_versement", "coordination_conforme"]
    assert [(r["exercice"], r["poste"], r["financeur"], r["prevu"], r["taux_engagement"], r["coordination_conforme"])
            for r in table] == [
        ("2024", "coordination", "etat_ami", "30000", "50", ""),
        ("2024", "coordination", "collectivite", "30000", "", ""),
        ("2024", "coordination_conforme", "", "", "", "true"),
        ("2025", "coordination", "etat_ami", "40000", "", ""),
        ("2025", "coordination", "collectivite", "30000", "", ""),
        ("2025", "coordination_conforme", "", "", "", "false"),
    ]


def test_json_and_exercice_filter(db, run):
    done = run("budget", "--db", db, "--format", "json", "--exercice", "2024", "--territory", DOUBS)
    records = json.loads(done.stdout)
    assert records[0] | {} == {"territoire": DOUBS, "exercice": 2024, "poste": "communication", "financeur": "autre",
                               "prevu": 1000.5, "engage": 1000.5, "verse": 500, "taux_engagement": 100,
                               "taux_versement": pytest.approx(49.975, abs=1e-3), "coordination_conforme": None}
    assert records[1]["poste"] == "coordination_conforme" and records[1]["coordination_conforme"] is None


def test_table_is_french_and_errors_are_said(db, run):
    done = run("budget", "--db", db)
    assert "30\u202f000\u00a0€" in done.stdout and "non conforme" in done.stdout and "50,0 %" in done.stdout
    unknown = run("budget", "--db", db, "--territory", "00000")
    assert unknown.returncode == 1 and "Territoire inconnu" in unknown.stderr + unknown.stdout
    assert run("budget", "--db", db, "--exercice", "24").returncode == 2
