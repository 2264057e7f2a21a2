"""The actions export imports back unchanged (CSV and xlsx), texts a spreadsheet would run as a
formula included, and the command line writes it."""

from __future__ import annotations

from data import store
from loaders.__main__ import main
from loaders.export import export_actions
from tests.test_actions_import import GOOD, LYON, fichier, importer

ROWS = (GOOD, f"{LYON};A1.1;;9;;;;;réalisée;100;2024-T4;=fin de l'action",
        f"{LYON};B2;Prévention des expulsions;12;+ CCAPEX;@bailleurs;;;;;;")


def test_an_export_imports_back_unchanged_in_csv_and_xlsx(db):
    assert importer(db, fichier(*ROWS)).stored
    with store.connect(db) as con:
        csv_bytes, xlsx_bytes = export_actions(con), export_actions(con, fmt="xlsx")
    text = csv_bytes.decode("utf-8-sig").splitlines()
    assert text[0] == "code_territoire;ref_action;intitule;axe;pilote;partenaires;debut;fin;statut;avancement;trimestre;commentaire"
    assert text[2] == f"{LYON};A1.1;Plateforme territoriale d'accompagnement;9;Métropole;SIAO, CCAS;2024-01-15;2025-12-31;réalisée;100;2024-T4;'=fin de l'action"
    assert len(text) == 4  # two points of A1.1, B2 without any
    for data, name in ((csv_bytes, "export.csv"), (xlsx_bytes, "export.xlsx")):
        again = importer(db, data, name)
        assert again.report.ok, [p.as_line() for p in again.report.errors]
        assert again.outcome.details == {"actions_inchangee": 2, "points_inchangee": 2}, name


def test_the_command_line_exports_the_actions(db, tmp_path, capsys):
    importer(db, fichier(GOOD))
    out = tmp_path / "actions.csv"
    assert main(["export", "--kind", "actions", "--db", str(db), "--out", str(out)]) == 0
    assert out.read_bytes().decode("utf-8-sig").splitlines()[1].startswith(f"{LYON};A1.1;")
    assert main(["export", "--kind", "actions", "--history", "--db", str(db)]) == 2


def test_the_template_lists_the_territorys_actions_for_the_quarter_and_imports_as_is(db):
    import pytest

    from core.errors import AccesRefuse
    from data.access import Personne
    from loaders import templates

    importer(db, fichier(*ROWS))
    coord = Personne("c@lyon.fr", "coordinateur", LYON)
    with store.connect(db) as con:
        frame = templates.modele_actions(con, coord, LYON, "2026-T3")
        with pytest.raises(AccesRefuse):
            templates.modele_actions(con, Personne("c@x.fr", "coordinateur", "200040715"), LYON, "2026-T3")
    assert frame[["ref_action", "statut", "avancement", "trimestre"]].values.tolist() == [
        ["A1.1", "réalisée", 100, "2026-T3"], ["B2", "", None, "2026-T3"]]  # the last known status carried
    again = importer(db, templates.actions_csv_bytes(frame), "modele.csv")
    assert again.report.ok and again.outcome.details == {"actions_inchangee": 2, "points_nouvelle": 1}
    assert importer(db, templates.actions_xlsx_bytes(frame), "modele.xlsx").outcome.details == {
        "actions_inchangee": 2, "points_inchangee": 1}
