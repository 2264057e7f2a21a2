"""Nothing drawn off the slide (issue 12): on every slide of the Club deck, the anonymised deck, the
fiche and the note, each shape lies within the 16:9 page, and each table is as tall as its text
needs (rows measured here with a real typeface, independently of the renderer's own estimate), so
that PowerPoint, which grows a row to hold its text, never pushes the table past the bottom."""

from __future__ import annotations

import pytest
from PIL import ImageFont
from pptx import Presentation
from pptx.util import Emu, Pt

from exports import club, pptx
from exports import modele as m
from exports.pptx_style import BAS_CONTENU
from tests.decks import base  # noqa: F401 (the fixture; decks: tests/conftest.py)

DECKS = ("club", "anonyme", "fiche", "note")
LINE_SPACING = 1.2  # PowerPoint's single spacing, as a multiple of the type size


def font(size_pt: float):
    """Pillow's bundled sans serif (Aileron) at ``size_pt``: one pixel stands for one point."""
    return ImageFont.load_default(size=size_pt)


def lines_needed(text: str, width_pt: float, size_pt: float, bold: bool) -> int:
    """Lines a cell's text takes once wrapped on words into ``width_pt`` (a word too long is broken)."""
    face = font(size_pt)
    widen = 1.08 if bold else 1.0

    def measure(s: str) -> float:
        return face.getlength(s) * widen

    count = 0
    for paragraph in text.split("\n"):
        line, count = "", count + 1
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if measure(trial) <= width_pt:
                line = trial
                continue
            if line:
                count += 1
            while measure(word) > width_pt:  # a word wider than the column: broken where it overflows
                cut = max(1, int(len(word) * width_pt / measure(word)))
                word, count = word[cut:], count + 1
            line = word
    return count


def cell_size_pt(cell) -> tuple[float, bool]:
    runs = [r for p in cell.text_frame.paragraphs for r in p.runs]
    return (runs[0].font.size.pt if runs and runs[0].font.size else 18.0), bool(runs and runs[0].font.bold)


def needed_height(table, row_index: int) -> int:
    """EMU a table row needs: its tallest cell's wrapped lines plus the cell's top and bottom margins."""
    tallest = 0
    for j, column in enumerate(table.columns):
        cell = table.cell(row_index, j)
        size, bold = cell_size_pt(cell)
        width = Emu(column.width - cell.margin_left - cell.margin_right).pt
        lines = lines_needed(cell.text, width, size, bold)
        tallest = max(tallest, int(Pt(lines * size * LINE_SPACING)) + cell.margin_top + cell.margin_bottom)
    return tallest


def test_the_measure_wraps_a_long_text_and_keeps_a_short_one_on_one_line():
    assert lines_needed("12 345", 100, 12, False) == 1
    text = "Personnes sans domicile relogées depuis la rue dans un logement ordinaire"
    assert lines_needed(text, 60, 12, False) >= 5
    assert lines_needed(text, 60, 12, False) > lines_needed(text, 120, 12, False)


@pytest.mark.parametrize("name", DECKS)
def test_every_shape_of_every_slide_lies_within_the_page(decks, name):
    _deck, prs, _path = decks[name]
    width, height = prs.slide_width, prs.slide_height
    off = []
    for number, s in enumerate(prs.slides, start=1):
        for shape in s.shapes:
            bottom = shape.top + (sum(r.height for r in shape.table.rows) if shape.has_table else shape.height)
            if shape.left < 0 or shape.top < 0 or shape.left + shape.width > width or bottom > height:
                off.append((number, s.shapes.title.text, shape.name, Emu(shape.left + shape.width).inches,
                            Emu(bottom).inches))
    assert not off, off


@pytest.mark.parametrize("name", DECKS)
def test_every_table_row_is_as_tall_as_its_text_needs(decks, name):
    _deck, prs, _path = decks[name]
    short = []
    for number, s in enumerate(prs.slides, start=1):
        for shape in (sh for sh in s.shapes if sh.has_table):
            table = shape.table
            assert shape.height == sum(r.height for r in table.rows), (number, "frame and rows disagree")
            for i, row in enumerate(table.rows):
                if row.height < needed_height(table, i):
                    short.append((number, s.shapes.title.text, i, Emu(row.height).inches,
                                  Emu(needed_height(table, i)).inches))
    assert not short, short


def test_no_content_shape_runs_into_the_footer_line(decks):
    for name in DECKS:
        _deck, prs, _path = decks[name]
        for number, s in enumerate(prs.slides, start=1):
            (foot,) = [sh for sh in s.shapes if sh.name == "Pied de page"]
            for shape in s.shapes:
                if shape.name in ("Titre", "Sous-titre", "Pied de page", "Mention démonstration"):
                    continue
                bottom = shape.top + (sum(r.height for r in shape.table.rows) if shape.has_table else shape.height)
                assert bottom <= foot.top, (name, number, s.shapes.title.text, shape.name, Emu(bottom).inches)


def test_the_dozen_rows_of_the_progress_table_get_a_slide_of_their_own_in_large_type(decks):
    deck, prs, _path = decks["club"]
    titles = [s.shapes.title.text for s in prs.slides]
    at = titles.index("Avancement vers les cibles")
    assert titles[at + 1] == "Avancement vers les cibles (suite)"
    chart_slide, table_slide = prs.slides[at], prs.slides[at + 1]
    assert [sh.has_chart for sh in chart_slide.shapes if sh.has_chart or sh.has_table] == [True]
    (shape,) = [sh for sh in table_slide.shapes if sh.has_table]
    (model,) = deck.diapos[at + 1].blocs
    assert len(model.lignes) > club.LIGNES_A_COTE and len(shape.table.rows) == len(model.lignes) + 1
    assert [c.text for c in shape.table.rows[1].cells] == list(model.lignes[0])
    assert cell_size_pt(shape.table.cell(1, 0))[0] == 14
    assert deck.diapos[at + 1].notes == deck.diapos[at].notes


def test_a_table_of_few_rows_stays_beside_its_chart_in_large_type(decks, tmp_path):
    deck, _prs, _path = decks["club"]
    (whole,) = [d for d in deck.diapos if d.titre == "Avancement vers les cibles (suite)"][0].blocs
    t = m.Tableau(whole.colonnes, whole.lignes[:club.LIGNES_A_COTE], whole.alternative)
    chart = m.Graphique(m.BARRES, "Essai", tuple(r[0] for r in t.lignes), (m.Serie("Réalisé", (0.5,) * len(t.lignes),
                        "#000091"),), m.FORMAT_POURCENT, "Barres d'essai.")
    one = m.Deck("Essai", "T3 2026", "", m.SOURCE, False, [m.Diapo("Essai", "", [chart, t], largeurs=(3, 2))])
    prs = Presentation(pptx.ecrire(one, tmp_path / "essai.pptx"))
    (shape,) = [sh for sh in prs.slides[0].shapes if sh.has_table]
    assert cell_size_pt(shape.table.cell(1, 0))[0] >= 13
    assert all(r.height >= needed_height(shape.table, i) for i, r in enumerate(shape.table.rows))
    assert shape.top + shape.height <= BAS_CONTENU


def test_a_table_too_long_for_its_block_gets_smaller_type_rather_than_overflowing(tmp_path):
    rows = tuple((f"Indicateur numéro {i} au libellé long", "10 395 038", "39") for i in range(11))
    t = m.Tableau(("Indicateur", "Réalisé", "Territoires"), rows, "Tableau d'essai.")
    deck = m.Deck("Essai", "T3 2026", "", m.SOURCE, False,
                  [m.Diapo("Essai", "", [m.Texte(("Texte",)), t], largeurs=(2, 1))])
    prs = Presentation(pptx.ecrire(deck, tmp_path / "essai.pptx"))
    (shape,) = [sh for sh in prs.slides[0].shapes if sh.has_table]
    assert cell_size_pt(shape.table.cell(1, 0))[0] < 14
    assert all(r.height >= needed_height(shape.table, i) for i, r in enumerate(shape.table.rows))
    assert shape.top + sum(r.height for r in shape.table.rows) <= BAS_CONTENU
