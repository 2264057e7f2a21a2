"""Who and what a deck covers (issue 12): scopes chosen and described in French, refused when empty
or unknown, a scope without targets; anonymised decks name no territory anywhere in the file; a
person outside a territory's scope never reads its quarterly values in a focus slide or a fiche."""

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
from indicators import noms
from core import quarters
from tests.decks import AT, FOCUS, base, charts, slide  # noqa: F401 (base: the fixture)


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
    (statuts,) = [d for d in wave.diapos if d.titre == "Statuts des indicateurs des feuilles de route"]
    assert f"{n} territoires" in statuts.sous_titre
    assert wave.proprietes["subject"] == "Périmètre : vague AMI 1"
    assert quarters.label(AT) in wave.pied


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
