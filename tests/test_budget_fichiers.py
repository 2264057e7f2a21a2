"""The budget file's template and export: a template left blank stores nothing, a filled one
imports, and an export (CSV or xlsx) imports back unchanged; the browser pipeline (preparer,
confirmer) for the budget kind."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from data import budget, store
from data.access import Personne
from loaders import depot, templates
from loaders.export import export_budget
from loaders.importer import import_bytes
from tests.conftest import TODAY

LYON, DOUBS = "200046977", "25"
HEAD = "code_territoire;exercice;poste;financeur;prevu;engage;verse;commentaire\n"
COORD = Personne("coord@lyon.fr", "coordinateur", LYON)
BODY = (f"{LYON};2024;coordination;etat_ami;30 000;30 000;15 000;\n"
        f"{LYON};2024;observation_sociale;etat_ami;12 500,50;8 000;;=Nuit de la solidarité\n"
        f"{DOUBS};2025;communication;autre;0,29;;;\n")


def load(db, data: bytes, name="b.csv", **kw):
    return import_bytes(data, name, db, user="t", today=TODAY, **kw)


def test_export_imports_back_unchanged_in_csv_and_xlsx(db):
    assert load(db, (HEAD + BODY).encode()).stored
    with store.connect(db) as con:
        csv_bytes, xlsx_bytes = export_budget(con), export_budget(con, fmt="xlsx")
    assert csv_bytes.startswith("\ufeff".encode()) and b"12500,50" in csv_bytes and b"'=Nuit" in csv_bytes
    for data, name in ((csv_bytes, "export.csv"), (xlsx_bytes, "export.xlsx")):
        again = load(db, data, name)
        assert again.kind == "budget" and again.report.ok, again.report.sorted_errors()
        assert (again.outcome.nouvelles, again.outcome.revisees, again.outcome.inchangees) == (0, 0, 3), name


def test_a_blank_template_stores_nothing_and_a_filled_one_imports(db):
    blank = templates.budget_csv_bytes(LYON, 2024)
    frame = pd.read_csv(__import__("io").BytesIO(blank), sep=";", dtype=str, encoding="utf-8-sig")
    assert len(frame) == 24 and set(frame["code_territoire"]) == {LYON}
    nothing = load(db, blank, "modele.csv")
    assert nothing.report.ok and nothing.outcome.nouvelles == 0 and nothing.outcome.non_renseignees == 24
    filled = blank.decode("utf-8-sig").replace(f"{LYON};2024;coordination;collectivite;;;;",
                                               f"{LYON};2024;coordination;collectivite;25 000;;;")
    assert load(db, filled.encode(), "modele.csv").outcome.nouvelles == 1
    with store.connect(db) as con:
        lines = budget.lignes(con, COORD, LYON)
    workbook = load(db, templates.budget_xlsx_bytes(LYON, 2024, lines), "modele.xlsx")
    assert workbook.report.ok and (workbook.outcome.inchangees, workbook.outcome.non_renseignees) == (1, 23)


def test_the_browser_pipeline_previews_confirms_and_refuses_a_stale_preview(db):
    data = (HEAD + f"{LYON};2024;ingenierie;etat_ami;10 000;;;\n").encode()
    prep = depot.preparer(data, "b.csv", db, personne=COORD, today=TODAY, kind="budget")
    assert prep.ok and prep.apercu.compte("nouvelle") == 1
    other = depot.preparer(data, "b.csv", db, personne=COORD, today=TODAY)  # the values page
    assert other.message and "fichier budgétaire" in other.message
    load(db, (HEAD + f"{LYON};2024;ingenierie;etat_ami;9 000;;;\n").encode())  # meanwhile
    stale = depot.confirmer(prep, db, personne=COORD, today=TODAY)
    assert not stale.stored and stale.apercu.compte("revisee") == 1
    fresh = depot.confirmer(prep, db, personne=COORD, today=TODAY, empreinte=stale.apercu.empreinte)
    assert fresh.stored and fresh.outcome.revisees == 1
    with store.connect(db) as con:
        assert con.execute("SELECT prevu, revision FROM budget_ligne").fetchall() == [(Decimal("10000.00"), 2)]
    outsider = depot.preparer((HEAD + f"{DOUBS};2024;ingenierie;etat_ami;1;;;\n").encode(), "d.csv", db,
                              personne=COORD, today=TODAY, kind="budget")
    assert not outsider.ok and [p.code for p in outsider.report.errors] == ["territoire-hors-perimetre"]
