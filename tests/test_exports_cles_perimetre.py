"""Headline figures over a scope (issue 12): views.chiffres_cles and national.figures take an
optional list of territories; without it they keep their results (every active territory), with it
they sum those territories only; a scoped Club deck's headline slide shows its scope's figures."""

from __future__ import annotations


import pandas as pd
import pytest
from pptx import Presentation

from data import store
from data import reads
from exports import club, pptx
from exports.perimetre import Perimetre
from core.formatting import count
from indicators import derived, national
from indicators import views

AT = "2026-T3"
CODES = ("18", "80021")


@pytest.fixture(scope="module")
def con(demo_module_db):
    with store.connect(demo_module_db) as c:
        yield c


def test_without_a_filter_nothing_changes_and_all_active_is_the_same(con):
    depuis = reads.premier_debut(con)
    plain = views.chiffres_cles(con, AT, depuis)
    actifs = list(reads.territoires(con)["code"])
    pd.testing.assert_frame_equal(plain, views.chiffres_cles(con, AT, depuis, territoires=actifs))
    pd.testing.assert_frame_equal(national.figures(con, "2026-T2", AT),
                                  national.figures(con, "2026-T2", AT, territoires=actifs))


def test_a_scope_sums_its_own_territories_only(con):
    depuis = reads.premier_debut(con)
    scoped = views.chiffres_cles(con, AT, depuis, territoires=CODES).set_index("indicateur")
    plain = views.chiffres_cles(con, AT, depuis).set_index("indicateur")
    q = derived.quarterly(con, debut=depuis, fin=AT, indicateurs=list(views.CHIFFRES_CLES))
    q = q[q["territoire"].isin(CODES)]
    for code in views.CHIFFRES_CLES:
        mine = q[q["indicateur"] == code]
        now = mine[mine["trimestre"] == AT]
        row = scoped.loc[code]
        assert row["valeur"] == pytest.approx(now["valeur"].sum()) and row["territoires_renseignes"] == len(now)
        assert row["cumul"] == pytest.approx(mine["valeur"].sum())
        assert row["territoires_compares"] <= len(CODES) < plain.loc[code, "territoires_compares"]
        assert row["valeur"] < plain.loc[code, "valeur"]


def test_scoped_deck_headline_slide_shows_the_scope_figures(con, tmp_path):
    wave = club.construire(con, AT, Perimetre(vague="AMI 1"))
    assert wave.diapos[1].titre == "Chiffres clés du T3 2026"
    assert wave.diapos[1].sous_titre.startswith("Périmètre : vague AMI 1 (")
    deck = club.construire(con, AT, Perimetre(codes=CODES))
    prs = Presentation(pptx.ecrire(deck, tmp_path / "club.pptx"))
    (s,) = [s for s in prs.slides if s.shapes.title.text == "Chiffres clés du T3 2026"]
    texts = [sh.text_frame.text for sh in s.shapes if sh.has_text_frame]
    assert "Périmètre : liste de 2 territoires" in texts
    cards = {sh.name: sh.text_frame.text for sh in s.shapes if sh.name.startswith("Carte : ")}
    scoped = views.chiffres_cles(con, AT, reads.premier_debut(con), territoires=CODES)
    for row in scoped.itertuples():
        text = cards[f"Carte : {views.LIBELLES_COURTS[row.indicateur]}"]
        assert text.split("\n")[1] == f"{row.valeur:,.0f}".replace(",", "\u202f")
        assert f"({count(row.territoires_compares, 'territoire')} ayant déposé les deux trimestres)" in text
        assert f"Cumul depuis le T4 2022 : {row.cumul:,.0f}".replace(",", "\u202f") in text
