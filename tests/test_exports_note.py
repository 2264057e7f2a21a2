"""The ministers' short note (presentation.md, "Who presents what"): python -m exports note writes
two slides, the headline figures (change like for like, cumulative) and the map beside the count of
objectives per status, every value equal to the engine's, each slide with the quarter, the data
date, the source and the demo line; the same note as one self-contained HTML file."""

from __future__ import annotations

import re

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from data import store
from data import reads
from exports.__main__ import main
from indicators import status
from indicators import views

AT = "2026-T3"


@pytest.fixture(scope="module")
def base(demo_module_db):
    return demo_module_db


@pytest.fixture(scope="module")
def engine(base):
    with store.connect(base) as con:
        return {"cles": views.chiffres_cles(con, AT, reads.premier_debut(con)),
                "statuts": views.comptes_statuts(views.progression(con, AT)),
                "carte": views.pilotage(con, AT, ())["carte"]}


@pytest.fixture(scope="module")
def fichier(base, tmp_path_factory):
    out = tmp_path_factory.mktemp("note-out") / "note.pptx"
    assert main(["note", "--db", str(base), "--at", "T3 2026", "--out", str(out)]) == 0
    return out


def n(value) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def test_note_is_two_slides_with_quarter_date_source_demo_and_notes(fichier, capsys):
    prs = Presentation(fichier)
    assert [s.shapes.title.text for s in prs.slides] == [
        "Logement d'abord — note aux cabinets · T3 2026", "Territoires et objectifs par statut"]
    for s in prs.slides:
        texts = [sh.text_frame.text for sh in s.shapes if sh.has_text_frame]
        assert any(t.startswith("T3 2026 · données au ") and "Source :" in t for t in texts)
        assert "Données de démonstration" in texts
        notes = s.notes_slide.notes_text_frame.text
        assert len(notes) > 80 and re.search(r"\d+ territoires\b", notes)
    assert prs.core_properties.title == "Logement d'abord — note aux cabinets — T3 2026"


def test_headline_figures_equal_the_engine_with_change_and_cumulative(fichier, engine):
    s = Presentation(fichier).slides[0]
    cards = {sh.name: sh.text_frame.text for sh in s.shapes if sh.name.startswith("Carte : ")}
    assert len(cards) == len(engine["cles"]) == 4
    for row in engine["cles"].itertuples():
        text = cards[f"Carte : {views.LIBELLES_COURTS[row.indicateur]}"]
        assert text.split("\n")[1] == n(row.valeur)
        assert f"Évolution à périmètre constant : {'+' if row.evolution > 0 else ''}" in text
        assert f"({row.territoires_compares} territoires ayant déposé les deux trimestres)" in text
        assert f"Cumul depuis le T4 2022 : {n(row.cumul)}" in text


def test_map_of_shapes_and_status_counts_equal_the_engine(fichier, engine):
    s = Presentation(fichier).slides[1]
    assert [sh for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.PICTURE] == []
    (group,) = [sh for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.GROUP]
    freeforms = [sh for sh in group.shapes if sh.shape_type == MSO_SHAPE_TYPE.FREEFORM]
    rows = engine["carte"]
    assert len(freeforms) >= len(rows) - (rows["type"] == "commune").sum()
    (chart,) = [sh.chart for sh in s.shapes if sh.has_chart]
    counts = engine["statuts"]
    assert list(chart.plots[0].categories) == list(counts["Statut"])
    (serie,) = chart.plots[0].series
    assert tuple(serie.values) == tuple(float(v) for v in counts["Nombre"]) and sum(serie.values) > 0
    assert chart.plots[0].series[0]._element.xpath(".//c:numCache/c:formatCode")[0].text == "#,##0"
    colours = [str(serie.points[i].format.fill.fore_color.rgb) for i in range(len(counts))]
    assert colours == [status.couleur(x).lstrip("#").upper() for x in counts["statut"]]
    graphic = [sh for sh in s.shapes if sh.has_chart][0]
    assert graphic._element.xpath(".//p:cNvPr/@descr")[0].startswith("Colonnes : nombre d'objectifs")


def test_note_as_html_and_its_refusals(base, tmp_path, capsys):
    out = tmp_path / "note.html"
    assert main(["note", "--db", str(base), "--at", AT, "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count('<section class="diapo">') == 2 and page.count("Plotly.newPlot(") == 1
    assert '<svg class="carte"' in page and not re.search(r"<script[^>]+src=", page)
    assert capsys.readouterr().out == f"{out} : 2 diapositives (T3 2026).\n"
    assert main(["note", "--db", str(base), "--at", "2017-T1", "--out", str(tmp_path / "x.pptx")]) == 1
    assert "Aucune donnée pour le T1 2017" in capsys.readouterr().err
    assert not (tmp_path / "x.pptx").exists()
