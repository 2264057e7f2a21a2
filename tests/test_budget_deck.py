"""The budget slide (fiche 5) of the Club deck and of the territory fiche: the figures of
indicators.budget for the exercice of the deck's quarter and its scope, native charts with their
text alternative in euros, the territories non conformes named only as the anonymisation allows,
the detail of a territory only to who may see it, a sentence where there is no budget."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pptx import Presentation

from core.formatting import euro
from data import budget as budget_store
from data import store
from data.access import Personne
from data.registre import BUDGET_LIGNE, ENVELOPPE, ENVELOPPE_TERRITOIRE
from exports import budget as diapo_budget
from exports import club, fiche, html, pptx
from exports.modele import FORMAT_EUROS, Graphique, Tableau, Texte
from exports.perimetre import Perimetre
from indicators import budget as ind

AT = "2026-T3"
NON_CONFORME = "245400676"  # Métropole du Grand Nancy: its coordinator post is 70 % State-funded in the demo
NOM_NON_CONFORME = "Métropole du Grand Nancy"
CLUB_TITRE = "Budget et enveloppe AMI"


def _slide(deck, start: str):
    (found,) = [d for d in deck.diapos if d.titre.startswith(start)]
    return found


def _blocs(slide, kind):
    return [b for b in slide.blocs if isinstance(b, kind)]


def _texts(slide) -> str:
    """Every text of a slide: titles, blocks, alternatives, notes."""
    parts = [slide.titre, slide.sous_titre, slide.notes]
    for b in slide.blocs:
        if isinstance(b, Graphique):
            parts += [b.titre, b.alternative, *b.categories, *(s.nom for s in b.series)]
        elif isinstance(b, Tableau):
            parts += [b.alternative, *b.colonnes, *(c for r in b.lignes for c in r)]
        elif isinstance(b, Texte):
            parts += list(b.paragraphes)
    return "\n".join(parts)


@pytest.fixture(scope="module")
def figures(demo_module_db):
    with store.connect(demo_module_db) as con:
        lignes = budget_store.lignes_agregees(con, 2026)
        national, notifie = budget_store.enveloppes(con, 2026)
        decks = {"club": club.construire(con, AT),
                 "anonyme": club.construire(con, AT, anonymiser=True),
                 "deux": club.construire(con, AT, Perimetre(codes=("18", "80021"))),
                 "fiche": fiche.construire(con, NON_CONFORME, AT),
                 "dehors": fiche.construire(con, NON_CONFORME, AT, person=Personne("c@62.fr", "coordinateur", "62"))}
    return lignes, national, notifie, decks


def test_exercice_is_the_quarters_year_else_the_last_before_it():
    assert diapo_budget.exercice("2026-T3", [2025, 2026]) == 2026
    assert diapo_budget.exercice("2027-T1", [2025, 2026]) == 2026
    assert diapo_budget.exercice("2025-T4", [2026, 2024]) == 2024
    assert diapo_budget.exercice("2023-T2", [2025]) == 2025
    assert diapo_budget.exercice("2026-T3", []) is None


def test_the_club_shows_the_envelope_against_the_ami_lines_of_every_territory(figures):
    lignes, national, notifie, decks = figures
    slide = _slide(decks["club"], CLUB_TITRE)
    (chart,) = _blocs(slide, Graphique)
    row = ind.consommation_nationale(ind.consommation(lignes, notifie), national).iloc[0]
    expected = {"Enveloppe AMI nationale": row["enveloppe"], "Notifié aux territoires": row["notifie"],
                "Prévu (AMI)": row["prevu"], "Engagé (AMI)": row["engage"], "Versé (AMI)": row["verse"]}
    got = dict(zip(chart.categories, chart.series[0].valeurs))
    assert got == {k: round(float(v), 2) for k, v in expected.items()}
    assert chart.format_nombre == FORMAT_EUROS and f"Enveloppe AMI nationale : {euro(row['enveloppe'])}" in chart.alternative
    (table,) = _blocs(slide, Tableau)
    shares = {r[0]: r[2] for r in table.lignes}
    assert shares["Versé (AMI)"] == f"{row['taux_versement']:.1f}\u202f%".replace(".", ",")
    said = " ".join(_blocs(slide, Texte)[0].paragraphes)
    assert f"{NOM_NON_CONFORME} (part de l'État 70,0\u202f%)" in said
    assert "40 territoires conformes, 1 territoire non conforme." in said
    assert f"Tous financeurs : {euro(float(ind.somme(lignes['prevu'])), 0)} prévus" in said
    assert "41 territoires du périmètre avec un budget enregistré" in slide.notes
    assert ind.DEFINITIONS["coordination"] in slide.notes


def test_anonymised_the_non_conforme_territory_gets_its_label_never_its_name(figures):
    *_, decks = figures
    slide = _slide(decks["anonyme"], CLUB_TITRE)
    text = _texts(slide)
    assert NOM_NON_CONFORME not in text and "Nancy" not in text and NON_CONFORME not in text
    assert "Cher" not in text  # the territory above its notified credits, too
    said = " ".join(_blocs(slide, Texte)[0].paragraphes)
    assert "Non conformes : Territoire " in said and "(part de l'État 70,0\u202f%)" in said


def test_a_partial_scope_is_measured_against_the_credits_notified_to_its_territories(figures):
    lignes, _national, notifie, decks = figures
    slide = _slide(decks["deux"], CLUB_TITRE)
    (chart,) = _blocs(slide, Graphique)
    assert "Enveloppe AMI nationale" not in chart.categories  # the national envelope covers every territory
    mine = notifie[notifie["territoire"].isin(["18", "80021"])]["notifie"]
    assert dict(zip(chart.categories, chart.series[0].valeurs))["Notifié aux territoires"] == float(sum(mine))
    ami = lignes[lignes["territoire"].isin(["18", "80021"]) & (lignes["financeur"] == "etat_ami")]
    assert dict(zip(chart.categories, chart.series[0].valeurs))["Prévu (AMI)"] == float(ami["prevu"].sum())
    (table,) = _blocs(slide, Tableau)
    assert table.colonnes[2] == "Part du notifié"
    assert NOM_NON_CONFORME not in _texts(slide)  # outside the scope
    assert "2 territoires du périmètre" in slide.notes


def test_the_fiche_gives_the_budget_per_poste_with_its_rates_and_the_50_50_check(figures):
    lignes, *_, decks = figures
    slide = _slide(decks["fiche"], "Budget — ")
    own = lignes[lignes["territoire"] == NON_CONFORME]
    totals = ind.par_poste(own)
    totals = totals[totals["financeur"] == "total"]
    (chart,) = _blocs(slide, Graphique)
    assert chart.categories == tuple(diapo_budget.POSTES_COURTS[p] for p in totals["poste"])
    by = {s.nom: s.valeurs for s in chart.series}
    assert by["Prévu"] == tuple(round(float(v), 2) for v in totals["prevu"])
    assert by["Versé"][0] == round(float(totals["verse"].iloc[0]), 2)
    (table,) = _blocs(slide, Tableau)
    assert table.colonnes == ("Poste", "Prévu", "Engagé / prévu", "Versé / prévu")
    coordination = table.lignes[0]
    rate = ind.taux(totals["engage"].iloc[0], totals["prevu"].iloc[0])
    assert coordination[0] == "Coordination" and coordination[2] == f"{rate:.1f}\u202f%".replace(".", ",")
    assert table.lignes[-1][0] == "Total"
    said = _blocs(slide, Texte)[0].paragraphes
    check = ind.conformite(own).iloc[0]
    assert said[0] == ind.phrase_conformite(check)
    assert said[0].startswith("Poste de coordination non conforme : part de l'État 70,0")
    assert ind.euros(check["etat"]) in said[0] and ind.euros(check["total"]) in said[0]
    assert "Un seul territoire derrière ces chiffres." in slide.notes
    assert "Détail par financeur :" in slide.notes and "collectivité cheffe de file" in slide.notes


def test_outside_the_scope_the_fiche_shows_only_what_the_national_view_shows(figures):
    lignes, *_, decks = figures
    slide = _slide(decks["dehors"], "Budget — ")
    assert _blocs(slide, Tableau) == []
    (chart,) = _blocs(slide, Graphique)
    assert chart.categories == ("Notifié", "Prévu (AMI)", "Engagé (AMI)", "Versé (AMI)")
    text = _texts(slide)
    own = lignes[(lignes["territoire"] == NON_CONFORME) & (lignes["poste"] == "coordination")]
    for amount in own["prevu"]:  # the coordinator post's lines are the territory's detail
        assert ind.euros(amount) not in text
    assert "Poste de coordination : non conforme (part de l'État 70,0\u202f%)." in text
    assert diapo_budget.RESERVE in text and "Ingénierie" not in text


def test_the_budget_slides_render_as_native_charts_in_euros_and_in_the_html(figures, tmp_path):
    _lignes, national, _notifie, decks = figures
    for name in ("club", "fiche"):
        prs = Presentation(pptx.ecrire(decks[name], tmp_path / f"{name}.pptx"))
        (s,) = [s for s in prs.slides if s.shapes.title.text.startswith("Budget")]
        (frame,) = [sh for sh in s.shapes if sh.has_chart]
        assert frame._element.xpath("./*[1]/p:cNvPr")[0].get("descr").startswith(("Barres", "Colonnes"))
        assert set(frame.chart._chartSpace.xpath("//@formatCode")) == {FORMAT_EUROS}
    page = html.page(decks["club"])
    assert f"<h2>{CLUB_TITRE}</h2>" in page and euro(national["montant"].iloc[-1]) in page


def test_a_territory_without_budget_gets_a_sentence_and_no_chart(demo_db, tmp_path):
    with store.connect(demo_db) as con:
        con.execute(f"DELETE FROM {BUDGET_LIGNE} WHERE territoire = ?", ["93"])
        deck = fiche.construire(con, "93", AT)
    slide = _slide(deck, "Budget — ")
    assert _blocs(slide, Graphique) == [] and _blocs(slide, Tableau) == []
    (text,) = _blocs(slide, Texte)
    assert text.paragraphes[0].startswith("Aucun budget (fiche 5) n'est encore enregistré pour ")
    prs = Presentation(pptx.ecrire(deck, tmp_path / "fiche.pptx"))
    (s,) = [s for s in prs.slides if s.shapes.title.text.startswith("Budget")]
    assert not any(sh.has_chart for sh in s.shapes)


def test_the_club_has_no_budget_slide_when_no_budget_is_recorded(demo_db):
    with store.connect(demo_db) as con:
        for table in (BUDGET_LIGNE, ENVELOPPE_TERRITOIRE, ENVELOPPE):
            con.execute(f"DELETE FROM {table}")
        deck = club.construire(con, AT)
        assert diapo_budget.diapo_club(con, _donnees(con)) is None
    assert not any(d.titre == CLUB_TITRE for d in deck.diapos)


def _donnees(con):
    from exports.perimetre import donnees

    return donnees(con, AT, Perimetre(), False)


def test_amounts_are_read_as_numbers_never_unknown_as_zero():
    assert ind.somme([None, Decimal("1.5"), float("nan")]) == Decimal("1.5")
    assert ind.somme([None]) is None
