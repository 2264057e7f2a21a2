"""The decks the export tests read (a national Club deck with one focus, an anonymised deck of two
territories, a fiche, the ministers' note, on the demo database) and readers of their slides. Import the fixtures
``base`` and ``decks`` into a test module to use them."""

from __future__ import annotations

import pytest
from pptx import Presentation

from data import store
from data.access import Personne
from exports import club, fiche, note, pptx
from exports.perimetre import Perimetre

NATIONAL = Personne("test@dihal.gouv.fr", "national")

AT = "2026-T3"
FOCUS = "18"  # Cher, in the demo database


@pytest.fixture(scope="module")
def base(demo_module_db):
    return demo_module_db


@pytest.fixture(scope="module")
def decks(base, tmp_path_factory):
    """The full national deck with one focus, an anonymised deck of two territories, a fiche, the note."""
    out = tmp_path_factory.mktemp("decks")
    with store.connect(base) as con:
        full = club.construire(con, AT, focus=(FOCUS,))
        two = club.construire(con, AT, Perimetre(codes=(FOCUS, "80021")), anonymiser=True, focus=(FOCUS, "80021"))
        one = fiche.construire(con, FOCUS, AT)
        short = note.construire(con, AT)
    return {name: (deck, Presentation(pptx.ecrire(deck, out / f"{name}.pptx")), out / f"{name}.pptx")
            for name, deck in (("club", full), ("anonyme", two), ("fiche", one), ("note", short))}


def slide(prs, title: str):
    found = [s for s in prs.slides if s.shapes.title.text == title]
    assert found, title
    return found[0]


def charts(s):
    return [sh for sh in s.shapes if sh.has_chart]


def series(chart) -> dict:
    return {se.name: tuple(se.values) for se in chart.plots[0].series}
