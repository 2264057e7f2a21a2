"""Upload templates (loaders/modeles.py): contents, notice, and that a filled template is accepted."""

from __future__ import annotations

import io

import openpyxl

from data import queries, store
from data.access import Personne
from indicators import quarters
from loaders import modeles
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
    frame = modeles.donnees(m)
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
    frame = modeles.donnees(m)
    assert len(frame) == int(m["catalogue"]["nature"].isin(["flux", "stock"]).sum()) == 27
    book = openpyxl.load_workbook(io.BytesIO(modeles.xlsx_bytes(m)))
    assert book["donnees"]["A2"].value == "18" and book["donnees"]["A2"].data_type == "s"


def test_xlsx_has_a_notice_with_each_column_and_definition(demo_db):
    m = modele(demo_db)
    book = openpyxl.load_workbook(io.BytesIO(modeles.xlsx_bytes(m)))
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
    assert [c.value for c in data[1]] == modeles.donnees(m).columns.tolist()
    assert data["B2"].comment is not None


def test_filled_templates_are_accepted_by_the_one_validation(demo_db):
    m = modele(demo_db)
    coord = Personne("c@lyon.fr", "coordinateur", LYON)
    empty = preparer(modeles.csv_bytes(m), "modele.csv", demo_db, personne=coord, today=TODAY)
    assert empty.ok and empty.apercu.non_renseignees == len(modeles.donnees(m))
    book = openpyxl.load_workbook(io.BytesIO(modeles.xlsx_bytes(m)))
    for row in range(2, book["donnees"].max_row + 1):
        book["donnees"].cell(row, 4, 1)
    out = io.BytesIO()
    book.save(out)
    result = import_bytes(out.getvalue(), "modele.xlsx", demo_db, dry_run=True, today=TODAY)
    assert result.report.ok, result.report.errors
    o = result.outcome
    assert o.nouvelles + o.revisees + o.inchangees == len(modeles.donnees(m))
