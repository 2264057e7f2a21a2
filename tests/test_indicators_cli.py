"""The command line contract: python -m indicators progress|national|completeness, run as a
process and in this process (tests/cli.py) on a temporary store filled with INSERTs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from data import store
from indicators import progress
from core import quarters
from tests.cli import MODES, runner

NOW = dt.datetime(2025, 1, 20)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "x.duckdb"
    with store.connect(path) as con:
        for code, population in (("TST01", 200_000), ("TST02", 50_000)):
            con.execute(
                "INSERT INTO territoire VALUES (?, ?, 'epci', 'AMI test', [], [], [], ?, true, 1, NULL, 'test', ?)",
                [code, f"Territoire {code}", population, NOW],
            )
        con.execute("INSERT INTO depot VALUES (1, 'v.csv', 'x', 'valeurs', NULL, 'test', ?, 'enregistre',"
                    " 0, 0, 0, 0, 0, 0, 0, ['TST01'], NULL)", [dt.datetime(2025, 1, 15, 10, 0)])
        con.execute("INSERT INTO feuille_de_route VALUES (1, 'TST01', '2024-T1', '2025-T4', NULL, 'test', ?)", [NOW])
        for indicateur, base, cible, jalon in (
            ("sorties_rue_logement", None, 80, 30), ("part_attributions_sans_domicile", 5, 10, None),
            ("menages_accompagnes", 100, 200, None), ("nuitees_hotelieres", None, 800, None),
        ):
            con.execute("INSERT INTO cible VALUES (1, ?, ?, NULL, ?, ?, 1, NULL, 'test', ?)",
                        [indicateur, base, cible, jalon, NOW])
        values = {
            "sorties_rue_logement": {"2024-T1": 10, "2024-T2": 10, "2024-T3": 10, "2024-T4": 10},
            "menages_accompagnes": {"2024-T3": 150},
            "attributions_sans_domicile": {"2024-T1": 6, "2024-T3": 4, "2024-T4": 5},
            "attributions_total": {"2024-T1": 100, "2024-T2": 100, "2024-T3": 50, "2024-T4": 50},
        }
        for indicateur, by_quarter in values.items():
            for trimestre, valeur in by_quarter.items():
                con.execute("INSERT INTO valeur VALUES ('TST01', ?, ?, ?, NULL, NULL, 1, 1, ?)",
                            [indicateur, trimestre, valeur, NOW])
    return path


@pytest.fixture(params=MODES)
def run(request):
    """python -m indicators, in this process and (marked subprocess) as a real process."""
    return runner("indicators", request.param, timeout=60)


EXPECTED_CSV = """\
indicateur;nature;sens;debut;fin;valeur_base;cible;realise;attendu;avancement_pct;statut;projection_fin;trimestres_ecoules;trimestres_renseignes
sorties_rue_logement;flux;hausse;2024-T1;2025-T4;;80;40;30;50;dans_la_trajectoire;80;4;4
part_attributions_sans_domicile;ratio;hausse;2024-T1;2025-T4;5;10;7.5;7.5;50;dans_la_trajectoire;7.5;4;3
nuitees_hotelieres;flux;baisse;2024-T1;2025-T4;;800;;400;;non_renseigne;;4;0
menages_accompagnes;stock;hausse;2024-T1;2025-T4;100;200;150;150;50;dans_la_trajectoire;233.333333;4;1
"""


def test_progress_csv(run, db):
    result = run("progress", "--territory", "TST01", "--at", "2024-T4", "--db", str(db), "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout == EXPECTED_CSV


def test_progress_json_and_quarter_spelling(run, db):
    result = run("progress", "--territory", "TST01", "--at", "T4 2024", "--db", str(db), "--format", "json")
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [list(r) for r in records] == [progress.COLUMNS] * 4
    assert records[0]["realise"] == 40 and records[0]["valeur_base"] is None
    assert records[2]["statut"] == "non_renseigne" and records[2]["realise"] is None
    assert records[3]["projection_fin"] == pytest.approx(100 + 50 / 3 * 8)


def test_progress_table_is_french(run, db):
    result = run("progress", "--territory", "TST01", "--at", "2024-T4", "--db", str(db))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Progression de Territoire TST01 (TST01) au T4 2024" in out
    assert "Dans la trajectoire" in out and "Non renseigné" in out
    assert "233,3" in out and "50,0 %" in out and "T1 2024" in out


def test_progress_default_quarter_is_the_last_complete(run, db):
    default = run("progress", "--territory", "TST01", "--db", str(db), "--format", "csv")
    explicit = run("progress", "--territory", "TST01", "--db", str(db), "--format", "csv",
                   "--at", quarters.last_complete())
    assert default.returncode == 0, default.stderr
    assert default.stdout == explicit.stdout


@pytest.mark.parametrize("args,code,message", [
    (("progress", "--territory", "NOPE"), 1, "Territoire inconnu : « NOPE »"),
    (("progress", "--territory", "TST02"), 1, "n'a pas de feuille de route"),
    (("progress", "--territory", "TST01", "--at", "2024-T7"), 2, "Trimestre non reconnu"),
    (("progress",), 2, "arguments obligatoires manquants"),
    (("national", "--format", "xml"), 2, "choix invalide"),
])
def test_errors_in_french(run, db, args, code, message):
    result = run(*args, "--db", str(db))
    assert result.returncode == code
    assert message in result.stderr
    assert result.stdout == ""


def test_unreadable_database_path(run):
    result = run("national", "--db", "/nonexistent-folder/x.duckdb")
    assert result.returncode == 2 and "n'existe pas" in result.stderr


def test_national_csv(run, db):
    result = run("national", "--at", "2024-T4", "--db", str(db), "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "indicateur;nature;sens;trimestre;valeur;territoires_renseignes;pour_100000;territoires_avec_cible;"
        "territoires_avancement;realise_total;cible_total;avancement_national_pct;nb_non_demarre;"
        "nb_non_renseigne;nb_en_retard;nb_a_surveiller;nb_dans_la_trajectoire;nb_atteint")
    rows = {line.split(";")[0]: line for line in lines[1:]}
    assert len(rows) == 32
    assert rows["sorties_rue_logement"] == "sorties_rue_logement;flux;hausse;2024-T4;10;1;5;1;1;40;80;50;0;0;0;0;1;0"
    assert rows["part_attributions_sans_domicile"] == (
        "part_attributions_sans_domicile;ratio;hausse;2024-T4;10;1;;1;0;;;;0;0;0;0;1;0")
    assert rows["nuitees_hotelieres"] == "nuitees_hotelieres;flux;baisse;2024-T4;;0;;1;0;;;;0;1;0;0;0;0"


def test_completeness_csv(run, db):
    result = run("completeness", "--at", "2024-T4", "--db", str(db), "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "territoire;nom;trimestre;attendus;renseignes;taux_completude;premiere_arrivee;delai_jours"
    rows = {line.split(";")[0]: line for line in lines[1:]}
    # expected: RUE, the ratio's two terms, the stock and nuitees; reported: RUE and the ratio's terms
    assert rows["TST01"] == "TST01;Territoire TST01;2024-T4;5;3;60;2025-01-15 10:00:00;15"
    assert rows["TST02"] == "TST02;Territoire TST02;2024-T4;0;0;;;"
