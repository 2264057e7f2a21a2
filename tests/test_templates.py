"""Upload templates (loaders/templates.py): contents, notice, and that a filled template is accepted."""

from __future__ import annotations

import io

import openpyxl

from data import queries, store
from data.access import Personne
from core import quarters
from loaders import templates
from loaders.depot import preparer
from loaders.importer import import_bytes
from tests.conftest import TODAY

LYON = "200046977"


def modele(db, territoire=LYON):
    with store.connect(db) as con:
        return queries.modele_depot(con, territoire, quarters.last_complete(TODAY))


def test_template_lists_the_roadmap_base_indicators_for_the_next_quarter(demo_db):
    m = modele(demo_db)
    assert m["feuille"] is not None and m["indicateurs"]
    frame = templates.donnees(m)
    assert list(frame.columns) == ["code_territoire", "indicateur", "trimestre", "valeur", "commentaire", "source"]
    assert set(frame["code_territoire"]) == {LYON} and set(frame["trimestre"]) == {"2026-T3"}
    natures = dict(zip(m["catalogue"]["code"], m["catalogue"]["nature"]))
    codes = list(frame["indicateur"])
    assert all(natures[c] in ("flux", "stock") for c in codes)
    assert len(codes) == len(set(codes))
    # a derived roadmap indicator is replaced by what it is computed from
    if "part_attributions_sans_domicile" in m["indicateurs"]:
        assert {"attributions_sans_domicile", "attributions_total"} <= set(codes)
    if "acces_logement_sans_domicile" in m["indicateurs"]:
        assert {"sorties_rue_logement", "sorties_hebergement_logement"} <= set(codes)
    assert set(codes) >= {c for c in m["indicateurs"] if natures[c] in ("flux", "stock")}


def test_without_roadmap_the_template_has_every_base_indicator(db):
    m = modele(db, "18")
    assert m["feuille"] is None and m["indicateurs"] is None
    frame = templates.donnees(m)
    assert len(frame) == int(m["catalogue"]["nature"].isin(["flux", "stock"]).sum()) == 27
    book = openpyxl.load_workbook(io.BytesIO(templates.xlsx_bytes(m)))
    assert book["donnees"]["A2"].value == "18" and book["donnees"]["A2"].data_type == "s"


def test_xlsx_has_a_notice_with_each_column_and_definition(demo_db):
    m = modele(demo_db)
    book = openpyxl.load_workbook(io.BytesIO(templates.xlsx_bytes(m)))
    assert book.sheetnames == ["donnees", "notice"]
    notice = [[c for c in row if c is not None] for row in book["notice"].iter_rows(values_only=True)]
    text = "\n".join(" | ".join(map(str, r)) for r in notice)
    assert "Métropole de Lyon (200046977)" in text and "T3 2026" in text
    for column in ("code_territoire", "indicateur", "trimestre", "valeur", "commentaire", "source"):
        assert any(r and r[0] == column for r in notice), column
    definition = m["catalogue"].set_index("code").loc["sorties_rue_logement", "definition"]
    assert any(r and r[0] == "sorties_rue_logement" and definition in r for r in notice)
    assert "20 Mo" in text
    data = book["donnees"]
    assert [c.value for c in data[1]] == templates.donnees(m).columns.tolist()
    assert data["B2"].comment is not None


def test_filled_templates_are_accepted_by_the_one_validation(demo_db):
    m = modele(demo_db)
    coord = Personne("c@lyon.fr", "coordinateur", LYON)
    empty = preparer(templates.csv_bytes(m), "modele.csv", demo_db, personne=coord, today=TODAY)
    assert empty.ok and empty.apercu.non_renseignees == len(templates.donnees(m))
    book = openpyxl.load_workbook(io.BytesIO(templates.xlsx_bytes(m)))
    for row in range(2, book["donnees"].max_row + 1):
        book["donnees"].cell(row, 4, 1)
    out = io.BytesIO()
    book.save(out)
    result = import_bytes(out.getvalue(), "modele.xlsx", demo_db, dry_run=True, today=TODAY)
    assert result.report.ok, result.report.errors
    o = result.outcome
    assert o.nouvelles + o.revisees + o.inchangees == len(templates.donnees(m))


def test_a_late_territory_gets_a_template_for_every_quarter_it_owes(demo_db):
    from indicators import territoire as terr

    last = quarters.last_complete(TODAY)
    with store.connect(demo_db) as con:
        m = queries.modele_depot(con, "84007", last)
        proposes = templates.trimestres_proposes(m, last)
        owed = templates.trimestres_dus(terr.completude_territoire(con, "84007", proposes[0], last), proposes)
    assert m["feuille"][0] == "2026-T1" and proposes == ["2026-T1", "2026-T2", "2026-T3"]  # its window so far
    assert owed == ["2026-T1", "2026-T2", "2026-T3"]
    several = templates.pour_trimestres(m, owed)
    frame = templates.donnees(several)
    codes = templates.indicateurs_a_deposer(m)
    assert len(frame) == 3 * len(codes) and frame["trimestre"].value_counts().to_dict() == dict.fromkeys(owed, len(codes))
    assert templates.nom_fichier(several, "csv") == "modele_depot_84007_2026-T1_a_2026-T3.csv"
    assert templates.libelle_trimestres(several) == "T1 2026, T2 2026 et T3 2026"
    # the filled template of the three quarters is accepted as it is
    filled = frame.assign(valeur="1")
    data = ("code_territoire;indicateur;trimestre;valeur;commentaire;source\r\n" + "\r\n".join(
        ";".join(map(str, r)) for r in filled.itertuples(index=False)) + "\r\n").encode()
    result = import_bytes(data, "modele.csv", demo_db, user="t", dry_run=True, today=TODAY)
    assert result.report.ok, result.report.sorted_errors()[:3]


def test_a_territory_owing_nothing_gets_the_last_quarter_by_default(demo_db):
    from indicators import territoire as terr

    last = quarters.last_complete(TODAY)
    with store.connect(demo_db) as con:
        m = queries.modele_depot(con, LYON, last)
        proposes = templates.trimestres_proposes(m, last)
        assert proposes == quarters.quarter_range("2024-T4", "2026-T3")  # the last 8 of its window
        assert templates.trimestres_dus(terr.completude_territoire(con, LYON, proposes[0], last), proposes) == [last]


def test_a_roadmap_starting_after_the_quarter_is_the_template_s_la_reunion(demo_db):
    m = modele(demo_db, "974")  # its roadmap starts 2026-T4, after the last complete quarter
    assert m["feuille"] == ("2026-T4", "2028-T3") and m["indicateurs"]
    assert templates.portee(m) == "les indicateurs de la feuille de route T4 2026 – T3 2028 (elle commence après ce trimestre)"
    assert set(templates.donnees(m)["indicateur"]) == set(templates.indicateurs_a_deposer(m))
    notice = "\n".join(str(r[0]) for r in openpyxl.load_workbook(io.BytesIO(templates.xlsx_bytes(m)))["notice"]
                       .iter_rows(values_only=True) if r and r[0])
    assert "pas de feuille de route" not in notice and "T4 2026 – T3 2028" in notice
    # before any roadmap has started, the last four quarters are offered
    assert templates.trimestres_proposes(m, "2026-T3") == ["2025-T4", "2026-T1", "2026-T2", "2026-T3"]
