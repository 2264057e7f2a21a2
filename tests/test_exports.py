"""The Club deck and the territory fiche as PowerPoint files (issue 12): opened again with
python-pptx and compared with the engine's figures for the same quarter and scope."""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

import pytest
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from data import store
from data import reads
from data.access import Personne
from exports import club, fiche, pptx
from exports.modele import Cartes, ExportImpossible, Graphique
from exports.perimetre import Perimetre
from indicators import national, noms, status
from core import quarters
from indicators import views
from indicators import territoire as page_territoire

NATIONAL = Personne("test@dihal.gouv.fr", "national")

AT = "2026-T3"
FOCUS = "18"  # Cher, in the demo database
FORMATS = {"#,##0", "#,##0.0", "0.0%"}


@pytest.fixture(scope="module")
def base(demo_module_db):
    return demo_module_db


@pytest.fixture(scope="module")
def decks(base, tmp_path_factory):
    """The full national deck with one focus, an anonymised deck of two territories, a fiche."""
    out = tmp_path_factory.mktemp("decks")
    with store.connect(base) as con:
        full = club.construire(con, AT, focus=(FOCUS,))
        two = club.construire(con, AT, Perimetre(codes=(FOCUS, "80021")), anonymiser=True, focus=(FOCUS, "80021"))
        one = fiche.construire(con, FOCUS, AT)
    return {name: (deck, Presentation(pptx.ecrire(deck, out / f"{name}.pptx")), out / f"{name}.pptx")
            for name, deck in (("club", full), ("anonyme", two), ("fiche", one))}


def slide(prs, title: str):
    found = [s for s in prs.slides if s.shapes.title.text == title]
    assert found, title
    return found[0]


def charts(s):
    return [sh for sh in s.shapes if sh.has_chart]


def series(chart) -> dict:
    return {se.name: tuple(se.values) for se in chart.plots[0].series}


def test_club_deck_has_the_slides_of_the_contract_in_order(decks):
    deck, prs, _ = decks["club"]
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles[:8] == [
        "Logement d'abord — Club des territoires", "Chiffres nationaux du T3 2026", "Avancement vers les cibles",
        "Statuts des indicateurs des feuilles de route", "Carte des territoires", "Avancement par priorité et par axe",
        "Dépôts : complétude et délais", "Focus : CD Cher"]
    assert titles[-1] == "Méthode et statuts"
    assert titles[8] == "Actions des feuilles de route"  # the roadmaps' actions (issue 13)
    assert set(titles[9:-1]) == {"Définitions des indicateurs"}
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
                xml = etree.tostring(sh.chart._chartSpace).decode()
                codes = set(re.findall(r'formatCode="([^"]*)"', xml)) | set(re.findall(r"<c:formatCode>([^<]*)<", xml))
                assert codes and codes <= FORMATS, codes
                # the data sit in the chart: an embedded workbook with the same values
                assert sh.chart.part.chart_workbook.xlsx_part is not None
    assert count == {"club": 7, "anonyme": 8, "fiche": 6}[name]  # each with its actions chart (issue 13)


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
    (table,) = [sh.table for sh in s.shapes if sh.has_table]
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


def _xml_parts(path):
    """Every XML part of the file and of each chart's embedded workbook, except the themes (font
    tables copied from the templates: script="Cher" is Cherokee there)."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            data = z.read(name)
            if name.endswith(".xlsx"):
                with zipfile.ZipFile(BytesIO(data)) as book:
                    for inner in book.namelist():
                        if inner.endswith(".xml") and "theme" not in inner:
                            yield f"{name}!{inner}", book.read(inner)
            elif name.endswith((".xml", ".rels")) and "/theme/" not in name:
                yield name, data


def _strings(xml: bytes):
    root = etree.fromstring(xml)
    for el in root.iter():
        if isinstance(el.tag, str) and etree.QName(el).localname == "v" and (
                etree.QName(el.getparent()).localname == "c" or any(
                etree.QName(a).localname == "numCache" for a in el.iterancestors() if isinstance(a.tag, str))):
            continue  # numbers of a chart's cache or of a workbook's cell (its texts are in sharedStrings)
        if el.text and el.text.strip():
            yield el.text
        # attributes that carry words (shape names, text alternatives), not ids and coordinates
        yield from (v for k, v in el.attrib.items() if etree.QName(k).localname in ("name", "descr", "title"))


def test_anonymised_deck_names_no_territory_anywhere(decks, base):
    deck, prs, path = decks["anonyme"]
    with store.connect(base) as con:
        terr = reads.territoires(con, actifs_seulement=False)
    names = set(terr["nom"]) | set(noms.noms_courts(terr["nom"], terr["type"], terr["code"]))
    # a card's figure (a count of people, "62") may read like a département's code: not a leak
    figures = {c.valeur for d in deck.diapos for b in d.blocs if isinstance(b, Cartes) for c in b.cartes}
    seen, leaks = set(), []
    for part, xml in _xml_parts(path):
        for text in _strings(xml):
            seen.add(text)
            if text in figures:
                continue
            for name in names:
                if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                    leaks.append((part, name, text[:80]))
            for code in terr["code"]:
                if (len(code) >= 5 and code in text) or text.strip() == code or f"({code})" in text:
                    leaks.append((part, code, text[:80]))
    assert leaks == []
    # the labels are there instead, in the stated order (alphabetical order of the codes)
    assert "Focus : Territoire A" in seen and "Focus : Territoire B" in seen
    titles = [s.shapes.title.text for s in prs.slides]
    assert titles.index("Focus : Territoire A") < titles.index("Focus : Territoire B")  # "18" < "80021", focus order
    (group,) = [sh for sh in slide(prs, "Carte des territoires").shapes if sh.shape_type == MSO_SHAPE_TYPE.GROUP]
    assert {"Territoire A", "Territoire B"} <= {sh.name for sh in group.shapes}
    assert "Territoire A" in prs.slides[0].notes_slide.notes_text_frame.text or "ordre alphabétique" in\
        prs.slides[0].notes_slide.notes_text_frame.text
    assert prs.core_properties.title == "Logement d'abord — Club des territoires — T3 2026"
    assert "anonymisés" in prs.core_properties.subject


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
    assert titles[3] == "Actions de la feuille de route — CD Cher"  # the roadmap's actions (issue 13)
    assert set(titles[4:]) == {"Définitions des indicateurs"}
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


def test_deck_for_a_person_withholds_quarterly_values_outside_their_scope(base):
    lecteur = Personne("lecteur@exemple.fr", "lecteur")
    own = Personne("coord@exemple.fr", "coordinateur", FOCUS)
    with store.connect(base) as con:
        deck = club.construire(con, AT, focus=(FOCUS,), person=lecteur)
        theirs = fiche.construire(con, FOCUS, AT, person=lecteur)
        mine = fiche.construire(con, FOCUS, AT, person=own)
    focus = [d for d in deck.diapos if d.titre.startswith("Focus")][0]
    (chart,) = [b for b in focus.blocs if isinstance(b, Graphique)]
    by_name = {s.nom: s.valeurs for s in chart.series}
    assert "Valeur du trimestre" not in by_name
    assert sum(v is not None for v in by_name["Réalisé cumulé"]) == 1  # the latest cumulative figure only
    assert all("Valeur du trimestre" not in {s.nom for s in b.series} for b in theirs.diapos[1].blocs)
    assert all("Valeur du trimestre" in {s.nom for s in b.series} for b in mine.diapos[1].blocs)


def test_scope_selects_territories_and_refuses_nothing_or_unknown(base):
    with store.connect(base) as con:
        terr = reads.territoires(con)
        wave = club.construire(con, AT, Perimetre(vague="AMI 1"))
        with pytest.raises(ExportImpossible, match="aucun territoire actif"):
            club.construire(con, AT, Perimetre(vague="AMI 9"))
        with pytest.raises(ExportImpossible, match="« 999 »"):
            club.construire(con, AT, Perimetre(codes=("999",)))
        with pytest.raises(ExportImpossible, match="Aucune donnée pour le T1 2017"):
            club.construire(con, "2017-T1")
    n = int((terr["vague"] == "AMI 1").sum())
    assert f"{n} territoires" in wave.diapos[3].sous_titre
    assert wave.proprietes["subject"] == "Périmètre : vague AMI 1"
    assert quarters.label(AT) in wave.pied


def test_a_scope_without_targets_says_so_instead_of_an_empty_chart(db, tmp_path):
    """A territory with values but no roadmap: no status, no progress, still a deck."""
    from exports import html

    with store.connect(db) as con:
        code = con.execute("SELECT code FROM territoire WHERE actif ORDER BY code LIMIT 1").fetchall()[0][0]
        con.execute("INSERT INTO depot VALUES (1, 'v.csv', 'x', 'values', NULL, 'test', TIMESTAMP '2026-10-20 10:00:00',"
                    " 'enregistre', 1, 1, 0, 0, 0, 0, 0, [?], NULL)", [code])
        con.execute("INSERT INTO valeur (territoire, indicateur, trimestre, valeur, revision, depot_id, enregistre_le) "
                    "VALUES (?, 'sorties_rue_logement', ?, 12, 1, 1, TIMESTAMP '2026-10-20 10:00:00')", [code, AT])
        deck = club.construire(con, AT, Perimetre(codes=(code,)))
    prs = Presentation(pptx.ecrire(deck, tmp_path / "vide.pptx"))
    s = slide(prs, "Statuts des indicateurs des feuilles de route")
    assert charts(s) == []
    assert any("aucune donnée à représenter pour ce périmètre" in sh.text_frame.text for sh in s.shapes if sh.has_text_frame)
    assert "aucune donnée à représenter" in html.ecrire(deck, tmp_path / "vide.html").read_text(encoding="utf-8")
    assert deck.date_donnees == "20/10/2026"


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


@pytest.mark.parametrize("perimetre,anonyme,texte", [
    (Perimetre(), False, "tous les territoires actifs"),
    (Perimetre(vague="AMI 2", type="epci"), False, "vague AMI 2, intercommunalité (EPCI)"),
    (Perimetre(region="Occitanie"), False, "région Occitanie"),
    (Perimetre(codes=("18",)), True, "liste de 1 territoire (anonymisé)"),
    (Perimetre(codes=("18", "80021")), True, "liste de 2 territoires (anonymisés)"),
])
def test_scope_is_described_in_french(perimetre, anonyme, texte):
    n = len(perimetre.codes) or 41
    assert perimetre.description(n, anonyme) == texte


def test_a_wave_deck_counts_the_statuses_of_that_wave_only(base):
    from exports.modele import CarteGeo

    with store.connect(base) as con:
        deck = club.construire(con, AT, Perimetre(vague="AMI 1"))
        everything = views.progression(con, AT)
        prog = views.filtrer(everything, vagues=["AMI 1"])
        nat = national.national(con, AT, progress_frame=prog)
    nat = nat[nat["territoires_avec_cible"] > 0].sort_values("ordre")
    (chart,) = [b for b in deck.diapos[3].blocs if isinstance(b, Graphique)]
    by_name = {s.nom: s.valeurs for s in chart.series}
    for s in status.STATUTS:
        assert by_name[status.affichage(s)] == tuple(int(v) for v in nat[f"nb_{s}"])
    assert sum(sum(v) for v in by_name.values()) == len(prog) < len(everything)
    (geo,) = [b for b in deck.diapos[4].blocs if isinstance(b, CarteGeo)]
    assert len(geo.formes) == prog["territoire"].nunique()


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


def test_outside_their_scope_a_person_reads_a_focus_territory_at_the_default_quarter_only(base):
    """As on the territory page: the cumulative figures of two quarters would give a quarter's by
    difference, so a reader's focus slide shows the last complete quarter whatever was asked."""
    lecteur = Personne("lecteur@exemple.fr", "lecteur")
    earlier = quarters.shift(AT, -1)
    with store.connect(base) as con:
        theirs = club.construire(con, earlier, focus=(FOCUS,), person=lecteur)
        ours = club.construire(con, earlier, focus=(FOCUS,))
    assert focus_of(theirs).sous_titre.startswith(quarters.label(quarters.last_complete()))
    assert "ne se lit qu'au dernier trimestre complet" in focus_of(theirs).notes
    assert focus_of(ours).sous_titre.startswith(quarters.label(earlier))


def focus_of(deck):
    return [d for d in deck.diapos if d.titre.startswith("Focus")][0]


@pytest.mark.parametrize("name", ["club", "fiche"])
def test_extended_properties_say_16_9_and_the_slide_count(decks, name):
    deck, _, path = decks[name]
    app = etree.fromstring(zipfile.ZipFile(path).read("docProps/app.xml"))
    ns = {"e": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"}
    assert app.findtext("e:PresentationFormat", namespaces=ns) == pptx.FORMAT_PRESENTATION
    assert "16:9" in pptx.FORMAT_PRESENTATION and "4:3" not in zipfile.ZipFile(path).read("docProps/app.xml").decode()
    assert app.findtext("e:Slides", namespaces=ns) == app.findtext("e:Notes", namespaces=ns) == str(len(deck.diapos))
    assert app.findtext("e:Application", namespaces=ns) == pptx.AUTEUR
