"""Accessibility of the exports (issue 15, RGAA 4.1): the generated files opened again. PowerPoint:
every slide's title placeholder filled (what a screen reader announces first), the shapes in a
sensible reading order (title, subtitle, content, footer last), a text alternative on every chart,
table, picture and group. HTML: lang="fr", one h1, headings never skipping a level, every table with
a caption a screen reader reads and header cells with their scope."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER

from exports import html

NAMES = ["club", "anonyme", "fiche", "note"]


def _descr(shape) -> str | None:
    return shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr")


@pytest.mark.parametrize("name", NAMES)
def test_every_slide_starts_with_its_filled_title_placeholder(decks, name):
    deck, prs, _ = decks[name]
    assert len(prs.slides) == len(deck.diapos)
    for s, d in zip(prs.slides, deck.diapos):
        title = s.shapes.title
        assert title is not None and title.is_placeholder
        assert title.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        assert title.text_frame.text == d.titre and d.titre.strip()
        assert s.shapes[0].shape_id == title.shape_id  # first in the shape tree: read first


@pytest.mark.parametrize("name", NAMES)
def test_reading_order_is_title_subtitle_content_then_footer(decks, name):
    _, prs, _ = decks[name]
    for s in prs.slides:
        names = [sh.name for sh in s.shapes]
        assert names[1] == "Sous-titre", names
        assert names[-1] == "Pied de page", names  # the quarter, date and source: read after the content
        if "Mention démonstration" in names:  # said early: these figures are not real
            assert names.index("Mention démonstration") == 2, names
        # the content in reading order: left to right (the blocks are laid out side by side)
        content = [sh for sh in s.shapes if sh.name not in ("Sous-titre", "Pied de page", "Mention démonstration")
                   and not sh.is_placeholder and sh.top >= s.shapes[1].top + s.shapes[1].height]
        lefts = [sh.left for sh in content if sh.shape_type != MSO_SHAPE_TYPE.AUTO_SHAPE]  # cards: a grid
        assert lefts == sorted(lefts), s.shapes.title.text


@pytest.mark.parametrize("name", NAMES)
def test_every_chart_table_picture_and_group_has_a_text_alternative(decks, name):
    _, prs, _ = decks[name]
    seen = 0
    for s in prs.slides:
        for sh in s.shapes:
            if sh.has_chart or sh.has_table or sh.shape_type in (MSO_SHAPE_TYPE.PICTURE, MSO_SHAPE_TYPE.GROUP):
                seen += 1
                descr = _descr(sh)
                assert descr and len(descr.strip()) > 30, (s.shapes.title.text, sh.name)
                assert sh.name.strip(), s.shapes.title.text
    assert seen >= len(prs.slides) // 2


class _Structure(HTMLParser):
    """The parts of a page its accessibility depends on."""

    def __init__(self):
        super().__init__()
        self.lang, self.headings, self.tables, self.th, self.images = None, [], [], [], []
        self._caption = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        elif tag == "table":
            self.tables.append({"caption": None, "hidden": False, "th": 0})
        elif tag == "caption":
            self.tables[-1]["hidden"] = "hidden" in a or "aria-hidden" in a
            self._caption = ""
        elif tag == "th":
            self.th.append(a.get("scope"))
            self.tables[-1]["th"] += 1
        elif a.get("role") == "img":
            self.images.append(a.get("aria-label"))

    def handle_data(self, data):
        if self._caption is not None:
            self._caption += data

    def handle_endtag(self, tag):
        if tag == "caption":
            self.tables[-1]["caption"], self._caption = self._caption.strip(), None


@pytest.mark.parametrize("name", NAMES)
def test_html_report_language_headings_and_tables(decks, name):
    deck, _, _ = decks[name]
    page = _Structure()
    page.feed(html.page(deck))
    assert page.lang == "fr"
    assert page.headings.count(1) == 1 and page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:])), page.headings
    assert page.headings.count(2) == len(deck.diapos)
    assert page.tables, name
    for t in page.tables:
        assert t["caption"] and not t["hidden"], t
        assert t["th"] > 0
    assert page.th and all(scope in ("col", "row") for scope in page.th)
    assert page.images and all(label and len(label) > 30 for label in page.images)
