"""The figures of the Club deck and the territory fiche (issue 12) equal the engine's for the same
quarter and scope: status and progress charts, headline and title cards, focus trajectories, the map,
the fiche's slides, a wave's deck."""

from __future__ import annotations

import pytest
from pptx.enum.shapes import MSO_SHAPE_TYPE

from data import store
from data import reads
from exports import club
from exports.modele import Graphique
from exports.perimetre import Perimetre
from indicators import national, noms, status
from indicators import views
from indicators import territoire as page_territoire
from tests.decks import AT, FOCUS, NATIONAL, base, charts, series, slide  # noqa: F401 (base: the fixture)


def test_status_chart_equals_the_engine_counts(decks, base):
    _, prs, _ = decks["club"]
    with store.connect(base) as con:
        prog = views.progression(con, AT)
        nat = national.national(con, AT, progress_frame=prog)
        cat = reads.catalogue(con).set_index("code")["libelle"]
    nat = nat[nat["territoires_avec_cible"] > 0].sort_values("ordre")
    (chart,) = [c.chart for c in charts(slide(prs, "Statuts des indicateurs des feuilles de route"))]
    assert list(chart.plots[0].categories) == [noms.libelle_matrice(c, cat[c]) for c in nat["indicateur"]]
    got = series(chart)
    assert list(got) == [status.affichage(s) for s in status.STATUTS]  # icon + label: not colour alone
    for s in status.STATUTS:
        assert got[status.affichage(s)] == tuple(float(v) for v in nat[f"nb_{s}"])
    # every (territory, indicator) pair of the roadmaps counted once
    assert sum(sum(v) for v in got.values()) == len(prog)


def test_progress_chart_equals_the_national_totals(decks, base):
    _, prs, _ = decks["club"]
    with store.connect(base) as con:
        nat = national.national(con, AT)
    nat = nat[(nat["territoires_avec_cible"] > 0) & nat["nature"].isin(["flux", "somme"])
              & (nat["territoires_avancement"] > 0)].sort_values("ordre")
    s = slide(prs, "Avancement vers les cibles")
    (chart,) = [c.chart for c in charts(s)]
    got = series(chart)
    assert got["Réalisé cumulé"] == pytest.approx(tuple(nat["avancement_national_pct"] / 100), abs=1e-4)
    assert got["Attendu à ce jour"] == pytest.approx(tuple(nat["attendu_total"] / nat["cible_total"]), abs=1e-4)
    assert max(got["Réalisé cumulé"]) < 5  # fractions under the 0.0% code, not percentages
    (table,) = [sh.table for sh in slide(prs, "Avancement vers les cibles (suite)").shapes if sh.has_table]
    cells = [[c.text for c in row.cells] for row in table.rows]
    assert cells[0] == ["Indicateur", "Réalisé", "Attendu", "Cible", "Territoires"]
    first = nat.iloc[0]
    assert cells[1][1] == f"{first['realise_total']:,.0f}".replace(",", "\u202f")
    assert cells[1][4] == str(first["territoires_avancement"])


def test_headline_cards_equal_the_home_page_figures(decks, base):
    _, prs, _ = decks["club"]
    with store.connect(base) as con:
        cles = views.chiffres_cles(con, AT, reads.premier_debut(con))
    s = slide(prs, "Chiffres nationaux du T3 2026")
    cards = {sh.name: sh.text_frame.text for sh in s.shapes if sh.name.startswith("Carte : ")}
    assert len(cards) == 4
    for row in cles.itertuples():
        text = cards[f"Carte : {views.LIBELLES_COURTS[row.indicateur]}"]
        assert text.split("\n")[1] == f"{row.valeur:,.0f}".replace(",", "\u202f")
        assert f"Cumul depuis le T4 2022 : {row.cumul:,.0f}".replace(",", "\u202f") in text
        assert f"({row.territoires_compares} territoires ayant déposé les deux trimestres)" in text


def test_title_slide_counts_territories_and_those_reporting_as_the_home_page(decks, base):
    from data import queries

    _, prs, _ = decks["club"]
    with store.connect(base) as con:
        active = reads.territoires(con)
        silent = queries.territories_without_values(con, AT)
    cards = {sh.name: sh.text_frame.text.split("\n")[1] for sh in prs.slides[0].shapes if sh.name.startswith("Carte : ")}
    assert cards["Carte : Territoires du périmètre"] == str(len(active))
    assert cards["Carte : Ayant déposé pour le T3 2026"] == str(len(active) - len(silent))
    assert len(silent) > 0  # the demo has a territory that reported nothing


def test_focus_trajectory_equals_the_territory_page_series(decks, base):
    _, prs, _ = decks["club"]
    with store.connect(base) as con:
        prog = page_territoire.progression_territoire(con, FOCUS, AT, NATIONAL)
        row = prog[prog["indicateur"] == "acces_logement_sans_domicile"].iloc[0]
        serie = page_territoire.serie_indicateur(con, FOCUS, row["indicateur"], row["debut"], row["fin"], AT, NATIONAL)
    s = slide(prs, "Focus : CD Cher")
    (chart,) = [c.chart for c in charts(s)]
    assert chart.chart_type is not None and "LINE" in str(chart.chart_type)
    assert list(chart.plots[0].categories) == list(serie["libelle"])
    got = series(chart)
    want = tuple(None if v != v else float(v) for v in serie["realise_affiche"])
    assert got["Réalisé cumulé"] == want and any(v is not None for v in want)
    assert got["Cible"] == tuple(float(v) for v in serie["cible"])
    assert len([sh for sh in s.shapes if sh.name.startswith("Carte : ")]) == 4


def test_map_is_freeform_shapes_coloured_by_dominant_status(decks, base):
    _, prs, _ = decks["club"]
    with store.connect(base) as con:
        rows = views.pilotage(con, AT, ())["carte"]
    (group,) = [sh for sh in slide(prs, "Carte des territoires").shapes if sh.shape_type == MSO_SHAPE_TYPE.GROUP]
    inner = {sh.name: sh for sh in group.shapes}
    freeforms = [sh for sh in group.shapes if sh.shape_type == MSO_SHAPE_TYPE.FREEFORM]
    assert len(freeforms) >= len(rows) - (rows["type"] == "commune").sum()  # and the départements' outlines
    labels = dict(zip(rows["code"], noms.noms_courts(rows["nom"], rows["type"], rows["code"])))
    for r in rows.itertuples():
        shape = inner[labels[r.code]]
        assert str(shape.fill.fore_color.rgb) == status.couleur(r.statut).lstrip("#").upper()
        assert inner[f"Statut : {labels[r.code]}"].text_frame.text == status.icone(r.statut)
        if r.type != "commune":
            assert shape.shape_type == MSO_SHAPE_TYPE.FREEFORM
            assert len(shape._element.xpath(".//a:lnTo")) > 10


def test_fiche_slides_cards_trajectories_comparison_and_completeness(decks, base):
    deck, prs, _ = decks["fiche"]
    with store.connect(base) as con:
        prog = page_territoire.progression_territoire(con, FOCUS, AT, NATIONAL)
        debut = prog["debut"].iloc[0]
        comp = page_territoire.completude_territoire(con, FOCUS, debut, AT)
        same = page_territoire.comparaison(con, FOCUS, "acces_logement_sans_domicile", AT, NATIONAL)
        first = page_territoire.serie_indicateur(con, FOCUS, "acces_logement_sans_domicile", debut,
                                                 prog["fin"].iloc[0], AT, NATIONAL)
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[:3] == ["Cher", "Trajectoires — CD Cher", "Comparaison et complétude"]
    # the roadmap's actions and budget (issue 13)
    assert titles[3:5] == ["Actions de la feuille de route — CD Cher", "Budget — CD Cher"]
    assert set(titles[5:]) == {"Définitions des indicateurs"}
    cards = [sh for sh in prs.slides[0].shapes if sh.name.startswith("Carte : ")]
    assert len(cards) == len(prog)
    lines = [c.chart for c in charts(prs.slides[1])]
    assert len(lines) == 3
    got = series(lines[0])
    assert got["Réalisé cumulé"] == tuple(None if v != v else float(v) for v in first["realise_affiche"])
    assert got["Valeur du trimestre"] == tuple(None if v != v else float(v) for v in first["valeur_trimestre"])
    bars, columns = [c.chart for c in charts(prs.slides[2])]
    want = same.dropna(subset=["pour_100000"]).sort_values("pour_100000", ascending=False)["pour_100000"]
    assert list(bars.plots[0].series[0].values) == pytest.approx(list(want.head(15)), abs=1e-5)
    assert list(columns.plots[0].series[0].values) == pytest.approx(list(comp["taux_completude"] / 100), abs=1e-4)


def test_a_wave_deck_counts_the_statuses_of_that_wave_only(base):
    from exports.modele import CarteGeo

    with store.connect(base) as con:
        deck = club.construire(con, AT, Perimetre(vague="AMI 1"))
        everything = views.progression(con, AT)
        prog = views.filtrer(everything, vagues=["AMI 1"])
        nat = national.national(con, AT, progress_frame=prog)
    nat = nat[nat["territoires_avec_cible"] > 0].sort_values("ordre")
    by_title = {d.titre: d for d in deck.diapos}
    (chart,) = [b for b in by_title["Statuts des indicateurs des feuilles de route"].blocs if isinstance(b, Graphique)]
    by_name = {s.nom: s.valeurs for s in chart.series}
    for s in status.STATUTS:
        assert by_name[status.affichage(s)] == tuple(int(v) for v in nat[f"nb_{s}"])
    assert sum(sum(v) for v in by_name.values()) == len(prog) < len(everything)
    (geo,) = [b for b in by_title["Carte des territoires"].blocs if isinstance(b, CarteGeo)]
    assert len(geo.formes) == prog["territoire"].nunique()
