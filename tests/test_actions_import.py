"""Every rule of the actions file (format-suivi.md) as the (line, column, code) list its report must
hold, and a refused file stores nothing; the header detects the kind, --kind forces it."""

from __future__ import annotations

import io

import openpyxl
import pytest

from data import store
from loaders import headers, models
from loaders.importer import import_bytes
from tests.conftest import TODAY

LYON, GRENOBLE = "200046977", "200040715"
HEADER = "code_territoire;ref_action;intitule;axe;pilote;partenaires;debut;fin;statut;avancement;trimestre;commentaire"


def fichier(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join((header,) + rows) + "\r\n").encode("utf-8")


def importer(db, data: bytes, name: str = "actions.csv", **kwargs):
    return import_bytes(data, name, db, user="coord@lyon.fr", today=TODAY, **kwargs)


def problems(result, severity="erreur"):
    items = result.report.sorted_errors() if severity == "erreur" else result.report.sorted_warnings()
    return [(p.line, p.column, p.code) for p in items]


def stored(db) -> tuple[int, int]:
    with store.connect(db) as con:
        return (con.execute("SELECT count(*) FROM action").fetchall()[0][0],
                con.execute("SELECT count(*) FROM point_action").fetchall()[0][0])


GOOD = f"{LYON};A1.1;Plateforme territoriale d'accompagnement;9;Métropole;SIAO, CCAS;2024-01-15;2025-12-31;en cours;40;2024-T3;recrutements faits"


def test_the_header_tells_an_actions_file_and_the_model_is_its_contract():
    layout = headers.detect(HEADER.split(";"))
    assert layout.kind == headers.ACTIONS
    assert headers.COLUMNS[(headers.ACTIONS, None)] == models.columns(models.LigneAction)
    # trimestre alone would have made it a wide values file: ref_action decides
    assert headers.detect(["code_territoire", "ref_action", "axe", "trimestre"]).kind == headers.ACTIONS


def test_a_good_file_stores_its_actions_and_status_points(db):
    result = importer(db, fichier(GOOD, f"{LYON};A1.2;Captation du parc privé;2;;;15/03/2024;31/12/2025;À VENIR;;;"))
    assert result.kind == headers.ACTIONS and result.stored and problems(result) == []
    assert result.outcome.details == {"actions_nouvelle": 2, "points_nouvelle": 2}
    with store.connect(db) as con:
        rows = con.execute("SELECT ref_action, axe, debut, fin, statut, avancement, trimestre FROM action "
                           "JOIN point_action USING (territoire, ref_action) ORDER BY 1").fetchall()
    assert [(r[0], r[1], str(r[2]), str(r[3]), r[4], r[5], r[6]) for r in rows] == [
        ("A1.1", 9, "2024-01-15", "2025-12-31", "en_cours", 40, "2024-T3"),
        # statut without regard to case and accents, the quarter by default the last complete one
        ("A1.2", 2, "2024-03-15", "2025-12-31", "a_venir", None, "2026-T3"),
    ]


REFUSED = [
    ([f"{LYON};A1;;9;;;;;en cours;;2024-T3;"], [(2, "intitule", "intitule-obligatoire")]),
    ([f"{LYON};;Titre;9;;;;;;;;"], [(2, "ref_action", "cellule-obligatoire")]),
    ([f"{LYON};A1;Titre;;;;;;;;;", f"{LYON};A2;Titre;17;;;;;;;;", f"{LYON};A3;Titre;deux;;;;;;;;",
      f"{LYON};A4;Titre;0;;;;;;;;"],
     [(2, "axe", "cellule-obligatoire"), (3, "axe", "axe-invalide"), (4, "axe", "axe-invalide"),
      (5, "axe", "axe-invalide")]),
    ([f"{LYON};A1;Titre;9;;;2024-13-01;;;;;", f"{LYON};A2;Titre;9;;;;31/02/2025;;;;", f"{LYON};A3;Titre;9;;;janvier;;;;;"],
     [(2, "debut", "date-invalide"), (3, "fin", "date-invalide"), (4, "debut", "date-invalide")]),
    ([f"{LYON};A1;Titre;9;;;01/02/2025;2025-01-31;;;;"], [(2, "fin", "fin-avant-debut")]),
    ([f"{LYON};A1;Titre;9;;;;;en retard;;;", f"{LYON};A2;Titre;9;;;;;terminée;;;"],
     [(2, "statut", "statut-inconnu"), (3, "statut", "statut-inconnu")]),
    ([f"{LYON};A1;Titre;9;;;;;;40;;", f"{LYON};A2;Titre;9;;;;;;;;un commentaire"],
     [(2, "statut", "statut-manquant"), (3, "statut", "statut-manquant")]),
    ([f"{LYON};A1;Titre;9;;;;;en cours;101;;", f"{LYON};A2;Titre;9;;;;;en cours;40,5;;",
      f"{LYON};A3;Titre;9;;;;;en cours;-3;;", f"{LYON};A4;Titre;9;;;;;en cours;beaucoup;;"],
     [(2, "avancement", "pourcentage-hors-bornes"), (3, "avancement", "avancement-invalide"),
      (4, "avancement", "avancement-invalide"), (5, "avancement", "avancement-invalide")]),
    ([f"{LYON};A1;Titre;9;;;;;en cours;;T5 2024;", f"{LYON};A2;Titre;9;;;;;en cours;;2027-T1;",
      f"{LYON};A3;Titre;9;;;;;en cours;;2016-T4;"],
     [(2, "trimestre", "trimestre-invalide"), (3, "trimestre", "trimestre-futur"),
      (4, "trimestre", "trimestre-trop-ancien")]),
    ([f"{LYON};A1;Titre;9;;;;;en cours;10;2024-T3;", f"{LYON};A2;Titre;9;;;;;en cours;;;",
      f"{LYON};A1;Titre;9;;;;;en cours;20;T3 2024;"],
     [(4, "ref_action", "doublon-action")]),
    ([f"{LYON};A1;Titre;9;;;;;en cours;10;2024-T3;", f"{LYON};A1;Autre titre;9;;;;;en cours;20;2024-T4;"],
     [(3, "ref_action", "action-incoherente")]),
    ([f"999999999;A1;Titre;9;;;;;;;;"], [(2, "code_territoire", "territoire-inconnu")]),
]


@pytest.mark.parametrize("rows, expected", REFUSED, ids=[e[0][2] for _, e in REFUSED])
def test_each_rule_is_reported_at_its_line_and_column_and_nothing_is_stored(db, rows, expected):
    result = importer(db, fichier(*rows))
    assert result.kind == headers.ACTIONS
    assert problems(result) == expected
    assert not result.stored and stored(db) == (0, 0)


def test_the_duplicate_names_both_lines(db):
    result = importer(db, fichier(f"{LYON};A1;Titre;9;;;;;en cours;10;2024-T3;", f"{LYON};A1;Titre;9;;;;;bloquée;;2024T3;"))
    [problem] = result.report.errors
    assert problem.line == 3 and "ligne 2" in problem.message and "T3 2024" in problem.message


def test_missing_required_columns_are_refused_on_the_header(db):
    result = importer(db, fichier(f"{LYON};A1;Titre", header="code_territoire;ref_action;intitule"), kind="actions")
    assert problems(result) == [(1, "axe", "colonne-manquante")]


def test_a_coordinator_uploads_only_for_their_own_territory(db):
    result = importer(db, fichier(GOOD, f"{GRENOBLE};G1;Titre;9;;;;;;;;"), allowed_territories={LYON})
    assert problems(result) == [(3, "code_territoire", "territoire-hors-perimetre")]
    assert stored(db) == (0, 0)


def test_intitule_and_dates_are_optional_on_update_and_fin_is_checked_against_the_stored_debut(db):
    importer(db, fichier(GOOD))
    update = importer(db, fichier(f"{LYON};A1.1;;9;;;;;réalisée;100;2024-T4;"))
    assert problems(update) == [] and update.outcome.details == {"actions_inchangee": 1, "points_nouvelle": 1}
    early = importer(db, fichier(f"{LYON};A1.1;;9;;;;2023-06-30;réalisée;100;2024-T4;"))
    assert problems(early) == [(2, "fin", "fin-avant-debut")]


def test_kind_forced_and_an_excel_workbook_with_date_cells(db):
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append([LYON, "A1", "Titre", 9, None, None, dt.datetime(2024, 1, 15), dt.datetime(2025, 12, 31),
                  "en pause", 30, "2024-T3", None])
    out = io.BytesIO()
    book.save(out)
    result = importer(db, out.getvalue(), "actions.xlsx", kind="actions")
    assert problems(result) == [] and result.stored
    with store.connect(db) as con:
        assert [tuple(map(str, r)) for r in con.execute("SELECT debut, fin FROM action").fetchall()] == [
            ("2024-01-15", "2025-12-31")]


def test_dry_run_stores_nothing(db):
    result = importer(db, fichier(GOOD), dry_run=True)
    assert result.report.ok
    assert not result.stored and stored(db) == (0, 0)
    assert result.outcome.nouvelles == 2  # one action and its status point
