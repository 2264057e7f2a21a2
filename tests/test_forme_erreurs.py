"""One problem shape and one error family, Datasette-style: every validation problem serialises to
the same dict (loaders.problems), on the page's downloaded report and in the audit too; every code is
declared once with its severity, French template and label; every expected error (core.errors)
maps to an exit code and a page message in one place, and the README lists those exit codes."""

from __future__ import annotations

import json
import logging
import re
import string

import pytest

from data import personnes, store
from data import preview
from core import errors
from data import reads
from exports import modele  # noqa: F401  (ExportImpossible)
from core.errors import ErreurLda, famille
from core.cli import executer
from loaders import correction
from loaders.importer import import_bytes
from loaders.problems import AVERTISSEMENT, CODES, ERREUR, Problem
from pages.components import erreurs as erreurs_page
from tests.conftest import ROOT, TODAY

SHAPE = ["ligne", "colonne", "valeur", "code", "gravite", "message"]


def sample(code: str) -> Problem:
    """A problem of ``code`` with every field its template asks for."""
    fields = {name for _, name, _, _ in string.Formatter().parse(CODES[code].modele) if name} - {"valeur", "colonne"}
    return Problem(code, line=3, column="valeur", value="12,5", params={f: f"«{f}»" for f in fields})


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_problem_serialises_to_one_shape(code):
    problem = sample(code)
    shown = problem.as_dict()
    assert list(shown) == SHAPE
    assert (shown["code"], shown["ligne"], shown["colonne"], shown["valeur"]) == (code, 3, "valeur", "12,5")
    assert shown["gravite"] in (ERREUR, AVERTISSEMENT) and shown["gravite"] == CODES[code].gravite
    assert shown["message"] == problem.message and "{" not in shown["message"]
    assert problem.as_line().endswith(f" : {shown['message']} [{code}]")
    assert CODES[code].libelle[0].isupper() and CODES[code].libelle != code


def test_the_downloaded_report_is_the_same_shape_in_french():
    problems = [sample("valeur-negative"), Problem("fichier-vide")]
    table = correction.problem_table(problems)
    headers = {"ligne": "Ligne", "colonne": "Colonne", "valeur": "Valeur", "message": "Problème", "code": "Code"}
    assert list(table.columns) == correction.PROBLEM_COLUMNS == list(headers.values())
    for row, problem in zip(table.to_dict("records"), problems):  # the shape minus its severity (one table each)
        expected = {k: ("" if v is None else str(v)) for k, v in problem.as_dict().items() if k != "gravite"}
        assert {key: row[header] for key, header in headers.items()} == expected


def test_a_refused_upload_is_audited_in_the_same_shape(db):
    data = "code_territoire;indicateur;trimestre;valeur\n200046977;sorties_rue_logement;2024-T1;-3\n".encode()
    result = import_bytes(data, "negatif.csv", db, user="essai", today=TODAY)
    assert not result.report.ok
    with store.connect(db) as con:
        [(stored,)] = con.execute("SELECT problemes FROM depot WHERE resultat = 'refuse'").fetchall()
    stored = json.loads(stored)
    assert [list(p) for p in stored] == [SHAPE]
    assert stored == [p.as_dict() for p in result.report.sorted_errors()]
    assert (stored[0]["code"], stored[0]["ligne"], stored[0]["colonne"]) == ("valeur-negative", 2, "valeur")


def test_every_code_is_declared_once_with_severity_template_and_label():
    source = (ROOT / "loaders" / "problems.py").read_text(encoding="utf-8")
    for code, declared in CODES.items():
        assert source.count(f'"{code}": Code(') == 1, code
        assert declared.gravite in (ERREUR, AVERTISSEMENT) and declared.modele.strip() and declared.libelle.strip()
    assert not (ROOT / "loaders" / "summary.py").read_text(encoding="utf-8").count('": "')  # no second table


# ------------------------------------------------------------------------------- the error family

def instance(cls: type[ErreurLda]) -> ErreurLda:
    built = {personnes.GestionRefusee: lambda: personnes.GestionRefusee(None),
             personnes.DernierNational: lambda: personnes.DernierNational(["un@dihal.gouv.fr"])}
    return built.get(cls, lambda: cls("Message d'essai, en français."))()


def test_the_family_covers_the_four_kinds_and_the_former_classes():
    classes = famille()
    for kind in (errors.AccesRefuse, errors.SaisieInvalide, errors.DepotRefuse, errors.BaseOccupee):
        assert kind in classes
    assert issubclass(reads.DetailRefuse, errors.AccesRefuse) and issubclass(reads.DetailRefuse, PermissionError)
    assert issubclass(personnes.GestionRefusee, errors.AccesRefuse)
    assert issubclass(personnes.DernierNational, errors.SaisieInvalide) and issubclass(personnes.DernierNational, ValueError)
    assert preview.DepotRefuse is errors.DepotRefuse
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes)) and all(re.fullmatch(r"[a-z]+(-[a-z]+)*", c) for c in codes)


@pytest.mark.parametrize("cls", famille(), ids=lambda cls: cls.__name__)
def test_every_error_maps_to_an_exit_code_and_a_page_message(cls, capsys, caplog):
    exc = instance(cls)
    assert exc.sortie in errors.SORTIES and exc.sortie != errors.EXIT_OK
    assert exc.message == str(exc) and exc.message.strip()
    assert exc.as_dict() == {"code": cls.code, "message": exc.message, "sortie": exc.sortie}

    def action():
        raise exc

    assert executer(action) == exc.sortie
    assert capsys.readouterr() == ("", exc.message + "\n")
    caplog.set_level(logging.INFO, logger="lda")
    page = erreurs_page.MESSAGES_PAGE.get(cls, exc.message)  # the page's own words, else the message
    assert erreurs_page.message_page(exc) == page and page.strip()
    assert [r.levelno for r in caplog.records if r.name == "lda"] == [logging.WARNING]  # no incident


def test_a_bug_is_no_expected_error_anywhere(capsys, caplog):
    def action():
        raise RuntimeError("panne simulée")

    with pytest.raises(RuntimeError):  # a traceback on the command line, never a made-up exit code
        executer(action)
    caplog.set_level(logging.INFO, logger="lda")
    message = erreurs_page.message_page(RuntimeError("panne simulée"), "La lecture")
    assert message.startswith("Erreur de l'application (référence ") and "La lecture n'a pas pu aboutir" in message


def test_a_database_that_cannot_be_opened_says_so_in_french(tmp_path, capsys):
    path = tmp_path / "pas_une_base.duckdb"
    path.write_bytes(b"ceci n'est pas une base" * 200)

    def action():
        with store.connect(path):
            return 0

    assert executer(action) == errors.EXIT_USAGE
    err = capsys.readouterr().err
    french, _, detail = err.partition(" (détail pour l'assistance : ")
    assert french.startswith(f"La base {path} ne peut pas être ouverte") and "Error" not in french
    assert "not a valid DuckDB database" in detail  # DuckDB's English text only for the support
    with pytest.raises(errors.BaseInaccessible) as raised:
        action()
    assert "DuckDB database" not in raised.value.message and erreurs_page.message_page(raised.value) == raised.value.message


def test_readme_lists_the_exit_codes_of_the_mapping():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    prose = "\n".join(line for line in readme.splitlines() if not line.startswith("|"))  # not the benchmark tables
    listed = {int(n) for n in re.findall(r"\*\*(\d+)\*\* ", prose)}
    assert listed == set(errors.SORTIES)
    for code, meaning in errors.SORTIES.items():
        assert f"**{code}** {meaning}" in readme, (code, meaning)


def test_a_refused_file_is_the_commands_result_on_stdout(capsys):
    from loaders.problems import Report
    from loaders.summary import lignes_detail

    report = Report()
    report.extend([sample("valeur-negative"), Problem("fichier-vide")])

    def action():
        raise errors.DepotRefuse(f"Fichier refusé : {report.summary()}. Rien n'a été enregistré.", rapport=report,
                                  lignes=lignes_detail(report))

    assert executer(action) == errors.EXIT_REFUSE == 1
    out, err = capsys.readouterr()
    assert err == "" and out.splitlines() == [
        "Fichier refusé : 2 problèmes sur 1 ligne. Rien n'a été enregistré.",
        "Le fichier est vide : il ne contient aucune ligne de données sous l'en-tête. [fichier-vide]",
        f"ligne 3, colonne « valeur », valeur « 12,5 » : {sample('valeur-negative').message} [valeur-negative]",
    ]


def test_every_output_of_an_error_goes_through_the_two_mappings():
    import ast

    for main in (ROOT / "loaders" / "__main__.py", ROOT / "indicators" / "__main__.py", ROOT / "exports" / "__main__.py"):
        source = main.read_text(encoding="utf-8")
        assert "return executer(" in source, main  # the command runs inside the mapping
        exits = set(re.findall(r"return (EXIT_\w+)", source))
        assert exits <= {"EXIT_OK"}, (main, exits)  # any other exit is an error of the family
    offenders = []
    for path in [ROOT / "app.py", *(ROOT / "pages").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.name:
                for call in ast.walk(ast.Module(body=node.body, type_ignores=[])):
                    if (isinstance(call, ast.Call) and any(isinstance(a, ast.Call) and getattr(a.func, "id", "") == "str"
                                                           and any(getattr(x, "id", "") == node.name for x in a.args)
                                                           for a in call.args)):
                        offenders.append(f"{path.relative_to(ROOT)}:{call.lineno}")
    assert offenders == []  # a page shows an error as erreurs.message_page(exc), never str(exc)
