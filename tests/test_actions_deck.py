"""The actions slide of the Club deck and of the territory fiche: the figures of indicators.actions
for the same quarter and scope, a native chart with its text alternative, late actions named only
to a reader who may see the territory's detail."""

from __future__ import annotations

from core import quarters
from data import store
from data.access import Personne
from exports import club, fiche, pptx
from exports.modele import Graphique, Tableau
from indicators import actions as ind

TERRITOIRE = "93"


def _slide(deck, start: str):
    return next(d for d in deck.diapos if d.titre.startswith(start))


def test_the_club_deck_counts_actions_per_priority_and_status(demo_module_db):
    at = quarters.last_complete()
    with store.connect(demo_module_db) as con:
        deck = club.construire(con, at)
        state = ind.suivi(con, at)
    slide = _slide(deck, "Actions des feuilles de route")
    (chart,) = [b for b in slide.blocs if isinstance(b, Graphique)]
    assert chart.categories == tuple(f"Priorité {p}" for p in ind.PRIORITES)
    bloquees = next(s for s in chart.series if "bloquée" in s.nom)
    assert sum(bloquees.valeurs) == (state["statut"] == "bloquee").sum()
    assert sum(sum(s.valeurs) for s in chart.series) == len(state)
    assert "en retard" in chart.alternative and all(s.nom[0] != " " for s in chart.series)
    assert str(int(state["en_retard"].sum())) in slide.notes
    assert len(pptx.octets(deck)) > 0  # renders as a native chart and table


def test_the_fiche_names_late_actions_only_within_the_scope(demo_module_db):
    with store.connect(demo_module_db) as con:
        mine = fiche.construire(con, TERRITOIRE, person=Personne("c@93.fr", "coordinateur", TERRITOIRE))
        theirs = fiche.construire(con, TERRITOIRE, person=Personne("c@62.fr", "coordinateur", "62"))
        state = ind.suivi(con, quarters.last_complete(), [TERRITOIRE])
    own = _slide(mine, "Actions de la feuille de route")
    (chart,) = [b for b in own.blocs if isinstance(b, Graphique)]
    assert sum(sum(s.valeurs) for s in chart.series) == len(state)
    (late,) = [b for b in own.blocs if isinstance(b, Tableau)]
    assert late.colonnes[1] == "Action en retard" and len(late.lignes) == min(8, int(state["en_retard"].sum()))
    other = _slide(theirs, "Actions de la feuille de route")
    (totals,) = [b for b in other.blocs if isinstance(b, Tableau)]
    assert totals.colonnes == ("Statut", "Actions")  # counts only, no title of an action
    assert len(pptx.octets(mine)) > 0
