"""The deck's map in PowerPoint: one freeform (native, editable vector) shape per territory,
filled with its status colour and carrying the status symbol, over the départements' outlines,
the overseas insets framed, a legend beside it (symbol, label, count)."""

from __future__ import annotations

from lxml import etree
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.shapes.autoshape import CT_Shape
from pptx.util import Emu, Inches, Pt

from exports import modele as m
from exports.pptx import TEXTE, TRAIT_FOND, _texte, alternative, rgb, sans_ombre
from indicators import status

LARGEUR_LEGENDE = Inches(3.4)
POINT = Inches(0.22)  # a commune's marker
SYMBOLE_MAX, SYMBOLE_MIN = 10, 4  # points: the status symbol on a territory
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


def carte(slide, geo: m.CarteGeo, x, y, cx, cy) -> None:
    """Draw ``geo`` in the box (x, y, cx, cy): the map on the left, its legend on the right."""
    x0, y0, x1, y1 = geo.bornes
    room_w, room_h = cx - LARGEUR_LEGENDE, cy
    scale = min(room_w / (x1 - x0), room_h / (y1 - y0))
    left = x + (room_w - scale * (x1 - x0)) / 2

    def at(px: float, py: float) -> tuple[int, int]:
        return int(left + (px - x0) * scale), int(y + (y1 - py) * scale)

    # drawn on the slide, then grouped once: a group recomputes its extents at every shape added;
    # shape ids counted on from the last one (python-pptx otherwise searches every id of the slide,
    # vertices included, at each shape: quadratic, minutes for a thousand territories)
    shapes = slide.shapes
    first = len(shapes)
    shapes.turbo_add_enabled = True
    background = _freeform(shapes, geo.fond, at)
    background.name = "Départements"
    background.fill.background()
    background.line.color.rgb = rgb(TRAIT_FOND)
    background.line.width = Pt(0.75)
    for x_0, y_0, x_1, y_1, name in geo.encarts:
        (a, b), (c, d) = at(x_0, y_1), at(x_1, y_0)
        frame = sans_ombre(shapes.add_shape(MSO_SHAPE.RECTANGLE, a, b, c - a, d - b))
        frame.name = "Encart outre-mer"
        frame.fill.background()
        frame.line.color.rgb = rgb(TRAIT_FOND)
        frame.line.width = Pt(1)
        if name:
            frame.text_frame.vertical_anchor = MSO_ANCHOR.TOP
            _texte(frame, [name], size=9, color="#3A3A3A", align=PP_ALIGN.CENTER)
    for forme in geo.formes:
        colour = rgb(status.couleur(forme.statut))
        if forme.point or not forme.anneaux:
            cxp, cyp = at(*forme.centre)
            shape = sans_ombre(shapes.add_shape(MSO_SHAPE.OVAL, cxp - POINT // 2, cyp - POINT // 2, POINT, POINT))
            shape.line.color.rgb = rgb(TEXTE)
        else:
            shape = _freeform(shapes, forme.anneaux, at)
            shape.line.color.rgb = colour
        shape.name = forme.libelle
        shape.fill.solid()
        shape.fill.fore_color.rgb = colour
        shape.line.width = Pt(0.5)
    for forme in geo.formes:  # the symbols on top of every shape, as large as the shape allows
        cxp, cyp = at(*forme.centre)
        size = _taille_symbole(forme, scale)
        side = int(Pt(size) * 1.6)
        box = shapes.add_textbox(Emu(cxp - side // 2), Emu(cyp - side // 2), side, side)
        box.name = f"Statut : {forme.libelle}"
        frame = box.text_frame
        frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
        frame.vertical_anchor = MSO_ANCHOR.MIDDLE
        _texte(frame, [status.icone(forme.statut)], size=size, bold=True, color="#FFFFFF", align=PP_ALIGN.CENTER)
    group = shapes.add_group_shape(list(shapes)[first:])
    shapes.turbo_add_enabled = False
    group.name = "Carte des territoires"
    alternative(group, geo.alternative)
    _legende(slide, geo, x + cx - LARGEUR_LEGENDE + Inches(0.2), y)


def _taille_symbole(forme: m.Forme, scale: float) -> float:
    """Font size (points) of a territory's status symbol: SYMBOLE_MAX, smaller on a small shape
    (an EPCI among a thousand), never under SYMBOLE_MIN."""
    if forme.point or not forme.anneaux:
        return SYMBOLE_MAX
    return max(SYMBOLE_MIN, min(SYMBOLE_MAX, round(forme.cote * scale / Pt(1) * 0.6)))


def _freeform(shapes, rings, at):
    """A freeform shape of ``rings`` (map units, converted by ``at``), its path written directly:
    python-pptx's FreeformBuilder recomputes the shape's offset at every vertex and searches every
    id of the slide for each new shape (both quadratic: minutes for the EPCI of France)."""
    points = [[at(*p) for p in ring] for ring in rings]
    xs = [p[0] for ring in points for p in ring]
    ys = [p[1] for ring in points for p in ring]
    left, top = min(xs), min(ys)
    width, height = max(max(xs) - left, 1), max(max(ys) - top, 1)
    shape_id = shapes._next_shape_id  # counted on in turbo mode (see carte())
    sp = CT_Shape.new_freeform_sp(shape_id, f"Forme {shape_id}", left, top, width, height)
    shapes._spTree.insert_element_before(sp, "p:extLst")
    path = etree.SubElement(sp.xpath("./p:spPr/a:custGeom/a:pathLst")[0], _A + "path", w=str(width), h=str(height))
    for ring in points:
        for k, (px, py) in enumerate(ring):
            step = etree.SubElement(path, _A + ("moveTo" if k == 0 else "lnTo"))
            etree.SubElement(step, _A + "pt", x=str(px - left), y=str(py - top))
        etree.SubElement(path, _A + "close")
    shape = shapes._shape_factory(sp)
    sans_ombre(shape)
    return shape


def _legende(slide, geo: m.CarteGeo, x, y) -> None:
    row = Inches(0.5)
    title = slide.shapes.add_textbox(x, y, LARGEUR_LEGENDE - Inches(0.2), row)
    title.name = "Légende : titre"
    _texte(title, ["Statut dominant"], size=16, bold=True)
    k = 1
    for code, label, count in geo.legende:
        if not count:
            continue
        top = y + k * row
        swatch = sans_ombre(slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, top + Inches(0.05), Inches(0.4), Inches(0.4)))
        swatch.name = f"Légende : {label}"
        swatch.fill.solid()
        swatch.fill.fore_color.rgb = rgb(status.couleur(code))
        swatch.line.fill.background()
        _texte(swatch, [status.icone(code)], size=14, bold=True, color="#FFFFFF", align=PP_ALIGN.CENTER)
        text = slide.shapes.add_textbox(x + Inches(0.5), top, LARGEUR_LEGENDE - Inches(0.7), row)
        text.name = f"Légende : {label} (texte)"
        _texte(text, [f"{status.libelle(code)} ({count})"], size=16)
        k += 1
    if geo.absents:
        note = slide.shapes.add_textbox(x, y + k * row, LARGEUR_LEGENDE - Inches(0.2), row)
        _texte(note, [f"{geo.absents} territoire(s) sans contour connu"], size=12, color="#3A3A3A")
