"""The decks the export tests read (a national Club deck with one focus, an anonymised deck of two
territories, a fiche, the ministers' note, on the demo database) and readers of their slides. The
fixture ``decks`` (tests/conftest.py) builds them once per test process; import the fixture ``base``
(their database) into a test module to read it."""

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
def base(demo_session_db):
    """The database the decks are built from (the ``decks`` fixture of tests/conftest.py)."""
    return demo_session_db


def build_decks(base, out) -> dict:
    """The full national deck with one focus, an anonymised deck of two territories, a fiche, the
    note, each as (deck, its .pptx read back, the file in ``out``)."""
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
