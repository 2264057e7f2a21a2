"""A deck model (exports.modele) written as a PowerPoint file: 16:9, large type, native editable
charts (their data inside, invariant Office number codes), the map as freeform vector shapes, a
text alternative on every chart, table and map, speaker notes on every slide."""

from __future__ import annotations

from html import escape
from io import BytesIO
from pathlib import Path

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from exports import modele as m
from exports.pptx_tableau import tableau
from exports.pptx_style import (BAS_CONTENU, BLEU, ECART, GRIS_TEXTE, HAUT_CONTENU, HAUTEUR, LARGEUR, MARGE,  # noqa: F401
                                 POLICE, ROUGE, TEXTE, TRAIT_FOND, alternative, rgb, sans_ombre, texte)
from indicators import status

ETIQUETTES_MAX = 6  # categories of a clustered bar chart under which every series carries its data labels
AUTEUR = "Dihal — tableau de bord Logement d'abord"
GENRES_PPTX = {
    m.COLONNES: XL_CHART_TYPE.COLUMN_CLUSTERED, m.COLONNES_EMPILEES: XL_CHART_TYPE.COLUMN_STACKED,
    m.BARRES: XL_CHART_TYPE.BAR_CLUSTERED, m.BARRES_EMPILEES: XL_CHART_TYPE.BAR_STACKED,
    m.LIGNES: XL_CHART_TYPE.LINE_MARKERS, m.ANNEAU: XL_CHART_TYPE.DOUGHNUT,
}


def octets(deck: m.Deck) -> bytes:
    """The .pptx file of ``deck`` as bytes (for a download)."""
    buffer = BytesIO()
    _presentation(deck).save(buffer)
    return buffer.getvalue()


def ecrire(deck: m.Deck, out: str | Path) -> Path:
    """Write ``deck`` to ``out`` (.pptx) and return the path."""
    out = Path(out)
    _presentation(deck).save(out)
    return out


def _presentation(deck: m.Deck):
    prs = Presentation()
    prs.slide_width, prs.slide_height = LARGEUR, HAUTEUR
    for diapo in deck.diapos:
        _diapo(prs, deck, diapo)
    props = prs.core_properties
    props.author = props.last_modified_by = AUTEUR
    props.title = deck.proprietes.get("title", deck.titre)
    props.subject = deck.proprietes.get("subject", "")
    props.keywords = deck.proprietes.get("keywords", "")
    props.category = deck.proprietes.get("category", "")
    props.comments = deck.pied + (f" · {m.MENTION_DEMO}" if deck.demo else "")
    props.revision = 1
    _proprietes_application(prs, len(deck.diapos))
    return prs


# python-pptx's template says "On-screen Show (4:3)", 0 slides, "Microsoft Macintosh PowerPoint":
# the extended properties are rewritten to describe the file as it is (16:9, its slide count).
_APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            "<Application>{application}</Application><PresentationFormat>{format}</PresentationFormat>"
            "<Slides>{n}</Slides><Notes>{n}</Notes><HiddenSlides>0</HiddenSlides>"
            "<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc></Properties>")
FORMAT_PRESENTATION = "Grand écran (16:9)"


def _proprietes_application(prs, n: int) -> None:
    for part in prs.part.package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            part._blob = _APP_XML.format(application=escape(AUTEUR), format=FORMAT_PRESENTATION, n=n).encode("utf-8")


def _diapo(prs, deck: m.Deck, diapo: m.Diapo) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only": a real title placeholder
    # new shape ids counted on from the last one instead of searching the slide at each shape
    # (quadratic on the map's thousands of shapes); safe with one Slide object per slide, as here
    slide.shapes.turbo_add_enabled = True
    title = slide.shapes.title
    title.name = "Titre"
    title.left, title.top, title.width, title.height = MARGE, Inches(0.3), LARGEUR - 2 * MARGE, Inches(0.85)
    title.text_frame.text = ""
    texte(title, [diapo.titre], size=32, bold=True, color=BLEU, align=PP_ALIGN.LEFT)
    title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    sub = slide.shapes.add_textbox(MARGE, Inches(1.1), LARGEUR - 2 * MARGE, Inches(0.5))
    sub.name = "Sous-titre"
    texte(sub, [diapo.sous_titre], size=18, color=GRIS_TEXTE)
    # the reading order of a screen reader is the shape tree's: title, subtitle, the demo mention
    # (these figures are not real), the content left to right, then the footer line
    if deck.demo:
        demo = slide.shapes.add_textbox(LARGEUR - MARGE - Inches(3.2), Inches(6.95), Inches(3.2), Inches(0.45))
        demo.name = "Mention démonstration"
        texte(demo, [m.MENTION_DEMO], size=14, bold=True, color=ROUGE, align=PP_ALIGN.RIGHT)
    weights = diapo.largeurs or (1,) * len(diapo.blocs)
    width = LARGEUR - 2 * MARGE - ECART * max(len(diapo.blocs) - 1, 0)
    left = MARGE
    for bloc, w in zip(diapo.blocs, weights):
        cx = int(width * w / sum(weights))
        _bloc(slide, bloc, left, HAUT_CONTENU, cx, BAS_CONTENU - HAUT_CONTENU)
        left += cx + ECART
    foot = slide.shapes.add_textbox(MARGE, Inches(6.95), Inches(9.6), Inches(0.45))
    foot.name = "Pied de page"
    texte(foot, [deck.pied], size=11, color=GRIS_TEXTE)
    notes = [diapo.notes, deck.pied] + ([f"{m.MENTION_DEMO} : chiffres fictifs, à ne jamais citer."] if deck.demo else [])
    slide.notes_slide.notes_text_frame.text = "\n".join(n for n in notes if n)


def _bloc(slide, bloc, x, y, cx, cy) -> None:
    bloc = m.sans_graphique_vide(bloc)
    if isinstance(bloc, m.Graphique):
        _graphique(slide, bloc, x, y, cx, cy)
    elif isinstance(bloc, m.Tableau):
        tableau(slide, bloc, x, y, cx, cy)
    elif isinstance(bloc, m.Cartes):
        _cartes(slide, bloc, x, y, cx, cy)
    elif isinstance(bloc, m.CarteGeo):
        from exports.pptx_carte import carte

        carte(slide, bloc, x, y, cx, cy)
    elif isinstance(bloc, m.Texte):
        box = slide.shapes.add_textbox(x, y, cx, cy)
        box.name = "Texte"
        frame = texte(box, bloc.paragraphes, size=16)
        for p in frame.paragraphs:
            p.space_after = Pt(8)
    else:
        raise TypeError(f"bloc inconnu : {type(bloc).__name__}")


def _graphique(slide, g: m.Graphique, x, y, cx, cy) -> None:
    data = CategoryChartData(number_format=g.format_nombre)
    data.categories = list(g.categories)
    for s in g.series:
        data.add_series(s.nom, list(s.valeurs), number_format=g.format_nombre)
    frame = slide.shapes.add_chart(GENRES_PPTX[g.genre], x, y, cx, cy, data)
    frame.name = g.titre
    alternative(frame, g.alternative)
    chart = frame.chart
    chart.font.size, chart.font.name = Pt(14), POLICE
    chart.has_title = True
    chart.chart_title.text_frame.text = ""
    texte(chart.chart_title.text_frame, [g.titre], size=16, bold=True)
    chart.has_legend = len(g.series) > 1 or g.genre == m.ANNEAU
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
        chart.legend.font.size = Pt(14)
    if g.genre != m.ANNEAU:
        axis = chart.value_axis
        axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = g.format_nombre, False
        axis.tick_labels.font.size = Pt(14)
        axis.has_major_gridlines = True
        if g.graduation_unitaire:  # a few whole things: 0 1 2, never 0 1 1 2 2
            axis.major_unit = 1
        axis.major_gridlines.format.line.color.rgb = rgb("#929292")
        chart.category_axis.tick_labels.font.size = Pt(14 if len(g.categories) <= 12 else 12)
        if g.genre in (m.BARRES, m.BARRES_EMPILEES):
            chart.category_axis.reverse_order = True  # first category on top, as read
        if g.titre_axe:
            axis.has_title = True
            axis.axis_title.text_frame.text = g.titre_axe
    plot = chart.plots[0]
    if g.genre in (m.BARRES_EMPILEES, m.COLONNES_EMPILEES):
        plot.gap_width, plot.overlap = 50, 100
    if g.genre == m.BARRES:
        # many categories with several series: labels on the first series only (the others' figures
        # are in the table and the text alternative), else they overlap
        labelled = list(plot.series)[:1] if len(g.series) > 1 and len(g.categories) > ETIQUETTES_MAX else plot.series
        for serie in labelled:
            labels = serie.data_labels
            labels.show_value = True
            labels.number_format, labels.number_format_is_linked = g.format_nombre, False
            labels.font.size = Pt(12)
    for serie, spec in zip(plot.series, g.series):
        if g.genre == m.LIGNES:
            serie.format.line.color.rgb = rgb(spec.couleur)
            serie.format.line.width = Pt(3)
            serie.smooth = False
            if spec.pointilles:
                serie.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
            serie.marker.format.fill.solid()
            serie.marker.format.fill.fore_color.rgb = rgb(spec.couleur)
            serie.marker.format.line.color.rgb = rgb(spec.couleur)
        else:
            serie.format.fill.solid()
            serie.format.fill.fore_color.rgb = rgb(spec.couleur)
            for point, colour in enumerate(spec.couleurs_points or ()):
                fill = serie.points[point].format.fill
                fill.solid()
                fill.fore_color.rgb = rgb(colour)


def _cartes(slide, bloc: m.Cartes, x, y, cx, cy) -> None:
    per_row = max(1, min(bloc.par_ligne, len(bloc.cartes)))
    n_rows = -(-len(bloc.cartes) // per_row)
    gap = Inches(0.2)
    w = int((cx - gap * (per_row - 1)) / per_row)
    h = int(min((cy - gap * (n_rows - 1)) / max(n_rows, 1), Inches(2.6)))
    small = h < Inches(2.2)  # a grid of many cards: smaller type so that each card holds its text
    for k, card in enumerate(bloc.cartes):
        r, c = divmod(k, per_row)
        box = sans_ombre(slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, Emu(x + c * (w + gap)), Emu(y + r * (h + gap)), w, h))
        box.name = f"Carte : {card.titre}"
        colour = status.couleur(card.statut) if card.statut else BLEU
        box.fill.solid()
        box.fill.fore_color.rgb = rgb("#FFFFFF")
        box.line.color.rgb = rgb(colour)
        box.line.width = Pt(2.5)
        box.adjustments[0] = 0.06
        frame = box.text_frame
        frame.vertical_anchor = MSO_ANCHOR.TOP
        frame.margin_left = frame.margin_right = Inches(0.12)
        texte(frame, [card.titre], size=13 if small else 16, bold=True, color=GRIS_TEXTE, align=PP_ALIGN.LEFT)
        value = frame.add_paragraph()
        run = value.add_run()
        run.text = card.valeur
        run.font.size, run.font.bold, run.font.name = Pt(15 if small else 28), True, POLICE
        run.font.color.rgb = rgb(colour)
        for line in card.details:
            p = frame.add_paragraph()
            run = p.add_run()
            run.text = line
            run.font.size, run.font.name = Pt(12 if small else 14), POLICE
            run.font.color.rgb = rgb(TEXTE)
