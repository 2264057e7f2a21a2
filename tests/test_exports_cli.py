"""The command line contract of presentation.md: python -m exports club|fiche (exit codes 0/1/2,
French messages, the database from --db, else $LDA_DB)."""

from __future__ import annotations

import os

import pytest
from pptx import Presentation

from exports.__main__ import main
from tests.cli import MODES, runner
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def base(demo_module_db):
    return demo_module_db


@pytest.mark.parametrize("mode", MODES)  # in this process, and (marked subprocess) as a real process
def test_club_as_a_subprocess_with_the_database_from_lda_db(base, tmp_path, mode):
    out = tmp_path / "club.pptx"
    env = {**os.environ, "LDA_DB": str(base), "PYTHONPATH": str(ROOT)}
    run = runner("exports", mode)("club", "--at", "T3 2026", "--territories", "18,80021", "--anonymise",
                                  "--out", out, env=env)
    assert run.returncode == 0, run.stderr
    prs = Presentation(out)
    assert run.stdout == f"{out} : {len(prs.slides)} diapositives (T3 2026).\n"
    titles = [s.shapes.title.text for s in prs.slides]
    assert "Focus : Territoire A" in titles and "Focus : Territoire B" in titles


def test_fiche_writes_the_file_and_says_how_many_slides(base, tmp_path, capsys):
    out = tmp_path / "fiche.pptx"
    assert main(["fiche", "--territory", "18", "--db", str(base), "--at", "2026-T3", "--out", str(out)]) == 0
    prs = Presentation(out)
    assert capsys.readouterr().out == f"{out} : {len(prs.slides)} diapositives (T3 2026).\n"
    assert prs.slides[0].shapes.title.text == "Cher"


@pytest.mark.parametrize("argv,message", [
    (["club", "--territories", "18,999"], "Territoire inconnu ou inactif : « 999 »"),
    (["fiche", "--territory", "999"], "Territoire inconnu : « 999 »"),
    (["club", "--at", "2017-T1"], "Aucune donnée pour le T1 2017 dans le périmètre choisi"),
    (["fiche", "--territory", "18", "--at", "2017-T1"], "Aucune donnée pour le T1 2017 : la feuille de route de Cher (18) ne commence qu'au T2 2025"),
    (["fiche", "--territory", "18", "--at", "2099-T2"], "Aucune donnée pour le T2 2099 : ce trimestre n'est pas terminé et Cher (18) n'y a rien déposé"),
    (["club", "--at", "2099-T2"], "Aucune donnée pour le T2 2099 dans le périmètre choisi"),
])
def test_refusals_exit_1_with_a_french_message_and_write_nothing(base, tmp_path, capsys, argv, message):
    out = tmp_path / "x.pptx"
    assert main(argv + ["--db", str(base), "--out", str(out)]) == 1
    assert message in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize("argv,message", [
    (["club", "--out", "rapport.pdf"], "le fichier doit se terminer par .pptx ou .html"),
    (["club"], "arguments obligatoires manquants : --out"),
    (["fiche", "--out", "f.pptx"], "arguments obligatoires manquants : --territory"),
    (["club", "--at", "2026-T7", "--out", "c.pptx"], "option --at"),
    (["club", "--out", "/dossier/absent/c.pptx"], "dossier introuvable"),
    (["presentation"], "choix invalide"),
])
def test_usage_errors_exit_2_in_french(capsys, argv, message):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Erreur d'utilisation" in err


def test_the_format_follows_the_file_suffix_html(base, tmp_path, capsys):
    out = tmp_path / "fiche.html"
    assert main(["fiche", "--territory", "18", "--db", str(base), "--at", "2026-T3", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    n = page.count('<section class="diapo">')
    assert page.startswith("<!DOCTYPE html>") and n >= 4
    assert capsys.readouterr().out == f"{out} : {n} diapositives (T3 2026).\n"


def test_fiche_says_when_it_is_not_at_the_quarter_asked(base, tmp_path, capsys, monkeypatch):
    # the command line reads as the national team (any quarter); a reader's scope rule, were it to
    # bring the quarter back to the last complete one, is said under the file's line
    from exports import focus

    monkeypatch.setattr(focus, "trimestre_lisible", lambda person, territoire, at: "2026-T3")
    out = tmp_path / "fiche.pptx"
    assert main(["fiche", "--territory", "18", "--db", str(base), "--at", "2026-T1", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("diapositives (T3 2026).")
    assert lines[1].startswith("Fiche au T3 2026 et non au T1 2026 demandé : hors du périmètre")
