"""The decks as PowerPoint files (issue 12), opened again with python-pptx: the slides of the
contract in order, notes, quarter, date, source and demo line on each, native charts with a text
alternative and invariant number formats, colours of 3:1 contrast, the embedded workbooks, the
extended properties."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest
from lxml import etree
from pptx.enum.shapes import MSO_SHAPE_TYPE

from exports import pptx
from tests.decks import charts, slide

FORMATS = {"#,##0", "#,##0.0", "0.0%", '#,##0 "€"'}


def test_club_deck_has_the_slides_of_the_contract_in_order(decks):
    deck, prs, _ = decks["club"]
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[:9] == [
        "Logement d'abord — Club des territoires", "Chiffres nationaux du T3 2026", "Avancement vers les cibles",
        "Avancement vers les cibles (suite)",  # its dozen rows on a slide of their own (issue 12)
        "Statuts des indicateurs des feuilles de route", "Carte des territoires", "Avancement par priorité et par axe",
        "Dépôts : complétude et délais", "Focus : CD Cher"]
    assert titles[-1] == "Méthode et statuts"
    assert titles[9:11] == ["Actions des feuilles de route", "Budget et enveloppe AMI"]  # issue 13
    assert set(titles[11:-1]) == {"Définitions des indicateurs"}
    assert len(prs.slides) == len(deck.diapos)
    # 16:9
    assert (prs.slide_width, prs.slide_height) == (pptx.LARGEUR, pptx.HAUTEUR)


@pytest.mark.parametrize("name", ["club", "anonyme", "fiche"])
def test_every_slide_has_notes_quarter_date_source_and_demo_line(decks, name):
    deck, prs, _ = decks[name]
    assert deck.demo
    for s in prs.slides:
        texts = [sh.text_frame.text for sh in s.shapes if sh.has_text_frame]
        assert any(t.startswith("T3 2026 · données au ") and "Source :" in t for t in texts), s.shapes.title.text
        assert "Données de démonstration" in texts
        notes = s.notes_slide.notes_text_frame.text
        assert len(notes) > 80 and "Source :" in notes, s.shapes.title.text
        if s.shapes.title.text not in ("Méthode et statuts", "Définitions des indicateurs"):
            # how many territories stand behind the figures
            assert re.search(r"(\d+|[Uu]n seul) territoires?\b", notes), s.shapes.title.text


@pytest.mark.parametrize("name", ["club", "anonyme", "fiche"])
def test_charts_are_native_with_text_alternative_and_invariant_formats(decks, name):
    _, prs, _ = decks[name]
    count = 0
    for s in prs.slides:
        ids = s.shapes._spTree.xpath("//p:cNvPr/@id")
        assert len(ids) == len(set(ids))  # a repeated shape id makes PowerPoint "repair" the file
        for sh in s.shapes:
            assert sh.shape_type != MSO_SHAPE_TYPE.PICTURE
            if sh.has_chart or sh.has_table or sh.shape_type == MSO_SHAPE_TYPE.GROUP:
                descr = sh._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
                assert descr and len(descr) > 30, sh.name
            if sh.has_chart:
                count += 1
                space = sh.chart._chartSpace
                codes = set(space.xpath("//@formatCode")) | {e.text for e in space.xpath("//c:formatCode")}
                assert codes and codes <= FORMATS, codes
                # the data sit in the chart: an embedded workbook with the same values
                assert sh.chart.part.chart_workbook.xlsx_part is not None
    assert count == {"club": 8, "anonyme": 9, "fiche": 7}[name]  # each with its actions and budget charts (issue 13)


def luminance(hexa: str) -> float:
    def channel(c):
        c = int(c, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(hexa[i:i + 2]) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_on_white(hexa: str) -> float:
    return 1.05 / (luminance(hexa) + 0.05)


def test_contrast_helper():
    assert contrast_on_white("FFFFFF") == pytest.approx(1.0)
    assert contrast_on_white("000000") == pytest.approx(21.0)
    assert contrast_on_white("767676") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("name", ["club", "fiche"])
def test_every_graphic_colour_has_3_to_1_contrast_on_white(decks, name):
    _, prs, _ = decks[name]
    colours = set()
    for s in prs.slides:
        for sh in s.shapes:
            if sh.has_chart:
                colours |= set(re.findall(r'srgbClr val="([0-9A-F]{6})"', etree.tostring(sh.chart._chartSpace).decode()))
            if sh.shape_type == MSO_SHAPE_TYPE.GROUP:  # the map: fills and outlines (the symbols are white text)
                for el in sh._element.iter("{*}spPr"):
                    colours |= set(re.findall(r'srgbClr val="([0-9A-F]{6})"', etree.tostring(el).decode()))
    assert colours
    low = {c: round(contrast_on_white(c), 2) for c in colours if contrast_on_white(c) < 3}
    assert low == {}


def test_the_chart_data_sit_in_its_workbook_with_the_same_figures(decks):
    """"Modifier les données" opens the embedded workbook: it holds the categories and the series."""
    import openpyxl

    _, prs, _ = decks["club"]
    (frame,) = charts(slide(prs, "Statuts des indicateurs des feuilles de route"))
    chart = frame.chart
    book = openpyxl.load_workbook(BytesIO(chart.part.chart_workbook.xlsx_part.blob))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0][1:]) == [se.name for se in chart.plots[0].series]
    assert [r[0] for r in rows[1:]] == list(chart.plots[0].categories)
    for j, se in enumerate(chart.plots[0].series, start=1):
        assert tuple(float(r[j]) for r in rows[1:]) == tuple(se.values)


@pytest.mark.parametrize("name", ["club", "fiche"])
def test_extended_properties_say_16_9_and_the_slide_count(decks, name):
    deck, _, path = decks[name]
    app = etree.fromstring(zipfile.ZipFile(path).read("docProps/app.xml"))
    ns = {"e": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"}
    assert app.findtext("e:PresentationFormat", namespaces=ns) == pptx.FORMAT_PRESENTATION
    assert "16:9" in pptx.FORMAT_PRESENTATION and "4:3" not in zipfile.ZipFile(path).read("docProps/app.xml").decode()
    assert app.findtext("e:Slides", namespaces=ns) == app.findtext("e:Notes", namespaces=ns) == str(len(deck.diapos))
    assert app.findtext("e:Application", namespaces=ns) == pptx.AUTEUR
