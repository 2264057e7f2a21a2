"""The deck's map in PowerPoint: one freeform (native, editable vector) shape per territory,
filled with its status colour and carrying the status symbol, over the départements' outlines,
the overseas insets framed, a legend beside it (symbol, label, count)."""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.oxml.shapes.groupshape import CT_GroupShape
from pptx.util import Inches, Pt

from exports import modele as m
from exports.pptx_style import TEXTE, TRAIT_FOND, alternative, rgb, sans_ombre, texte
from indicators import status

LARGEUR_LEGENDE = Inches(3.4)
POINT = Inches(0.22)  # a commune's marker
SYMBOLE_MAX, SYMBOLE_MIN = 10, 4  # points: the status symbol on a territory


def carte(slide, geo: m.CarteGeo, x, y, cx, cy) -> None:
    """Draw ``geo`` in the box (x, y, cx, cy): the map on the left, its legend on the right."""
    x0, y0, x1, y1 = geo.bornes
    # a symbol's margin all round the drawing, inside the box: the group (its frame holds the
    # margin) never runs past the block into the footer line
    margin = int(Pt(SYMBOLE_MAX))
    room_w, room_h = cx - LARGEUR_LEGENDE - 2 * margin, cy - 2 * margin
    scale = min(room_w / (x1 - x0), room_h / (y1 - y0))
    left = x + margin + (room_w - scale * (x1 - x0)) / 2

    def at(px: float, py: float) -> tuple[int, int]:
        return int(left + (px - x0) * scale), int(y + margin + (y1 - py) * scale)

    # drawn on the slide, then grouped once (a group recomputes its extents at every shape added).
    # The territories and their symbols are written as XML: python-pptx searches every id of the
    # slide for each new shape and its property setters cost a lookup each (seconds for the EPCI
    # of France); their ids are counted on from the last one.
    shapes = slide.shapes
    tree = shapes._spTree
    first = len(tree.xpath("./p:sp | ./p:grpSp | ./p:graphicFrame | ./p:cxnSp | ./p:pic"))
    _ajouter(shapes, _forme_xml(shapes._next_shape_id, "Départements", geo.fond, at, None, TRAIT_FOND, 9525))
    for x_0, y_0, x_1, y_1, name in geo.encarts:
        (a, b), (c, d) = at(x_0, y_1), at(x_1, y_0)
        frame = sans_ombre(shapes.add_shape(MSO_SHAPE.RECTANGLE, a, b, c - a, d - b))
        frame.name = "Encart outre-mer"
        frame.fill.background()
        frame.line.color.rgb = rgb(TRAIT_FOND)
        frame.line.width = Pt(1)
        if name:
            frame.text_frame.vertical_anchor = MSO_ANCHOR.TOP
            texte(frame, [name], size=9, color="#3A3A3A", align=PP_ALIGN.CENTER)
    for forme in geo.formes:
        colour = status.couleur(forme.statut)
        if forme.point or not forme.anneaux:
            cxp, cyp = at(*forme.centre)
            shape = sans_ombre(shapes.add_shape(MSO_SHAPE.OVAL, cxp - POINT // 2, cyp - POINT // 2, POINT, POINT))
            shape.name = forme.libelle
            shape.line.color.rgb = rgb(TEXTE)
            shape.line.width = Pt(0.5)
            shape.fill.solid()
            shape.fill.fore_color.rgb = rgb(colour)
        else:
            _ajouter(shapes, _forme_xml(shapes._next_shape_id, forme.libelle, forme.anneaux, at, colour, colour, 6350))
    for forme in geo.formes:  # the symbols on top of every shape, as large as the shape allows
        size = _taille_symbole(forme, scale)
        _ajouter(shapes, _symbole_xml(shapes._next_shape_id, f"Statut : {forme.libelle}", at(*forme.centre), size,
                                      status.icone(forme.statut)))
    # grouped by moving the elements (python-pptx's add_group_shape builds a proxy for each)
    members = tree.xpath("./p:sp | ./p:grpSp | ./p:graphicFrame | ./p:cxnSp | ./p:pic")[first:]
    grpsp = CT_GroupShape.new_grpSp(shapes._next_shape_id, "Carte des territoires")
    tree.insert_element_before(grpsp, "p:extLst")
    for element in members:
        grpsp.append(element)
    # the group's frame is the map's box (plus a symbol's margin), known here: python-pptx's
    # recalculate_extents reads every child's frame (half a second for the EPCI of France)
    (a, b), (c, d) = at(x0, y1), at(x1, y0)
    frame = grpsp.xpath("./p:grpSpPr/a:xfrm")[0]
    for tag, (u, v) in (("off", (a - margin, b - margin)), ("chOff", (a - margin, b - margin)),
                        ("ext", (c - a + 2 * margin, d - b + 2 * margin)),
                        ("chExt", (c - a + 2 * margin, d - b + 2 * margin))):
        element = frame.find(qn(f"a:{tag}"))
        keys = ("x", "y") if "ff" in tag else ("cx", "cy")
        element.set(keys[0], str(u))
        element.set(keys[1], str(v))
    group = shapes._shape_factory(grpsp)
    group.name = "Carte des territoires"
    alternative(group, geo.alternative)
    _legende(slide, geo, x + cx - LARGEUR_LEGENDE + Inches(0.2), y)


def _taille_symbole(forme: m.Forme, scale: float) -> float:
    """Font size (points) of a territory's status symbol: SYMBOLE_MAX, smaller on a small shape
    (an EPCI among a thousand), never under SYMBOLE_MIN."""
    if forme.point or not forme.anneaux:
        return SYMBOLE_MAX
    return max(SYMBOLE_MIN, min(SYMBOLE_MAX, round(forme.cote * scale / Pt(1) * 0.6)))


_COULEUR = '<a:solidFill><a:srgbClr val="{}"/></a:solidFill>'


def _ajouter(shapes, xml: str) -> None:
    shapes._spTree.insert_element_before(parse_xml(xml), "p:extLst")


def _forme_xml(shape_id: int, name: str, rings, at, fill: str | None, line: str, width: int) -> str:
    """A freeform shape (p:sp with a custom geometry) of ``rings`` in map units, converted by ``at``."""
    points = [[at(*p) for p in ring] for ring in rings]
    xs = [p[0] for ring in points for p in ring]
    ys = [p[1] for ring in points for p in ring]
    left, top = min(xs), min(ys)
    w, h = max(max(xs) - left, 1), max(max(ys) - top, 1)
    path = "".join(
        f'<a:moveTo><a:pt x="{ring[0][0] - left}" y="{ring[0][1] - top}"/></a:moveTo>'
        + "".join(f'<a:lnTo><a:pt x="{px - left}" y="{py - top}"/></a:lnTo>' for px, py in ring[1:]) + "<a:close/>"
        for ring in points)
    filling = _COULEUR.format(fill.lstrip("#").upper()) if fill else "<a:noFill/>"
    return (f'<p:sp {nsdecls("p", "a")}><p:nvSpPr><p:cNvPr id="{shape_id}" name={quoteattr(name)}/><p:cNvSpPr/>'
            f'<p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="{left}" y="{top}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'
            '<a:custGeom><a:avLst/><a:gdLst/><a:ahLst/><a:cxnLst/><a:rect l="l" t="t" r="r" b="b"/>'
            f'<a:pathLst><a:path w="{w}" h="{h}">{path}</a:path></a:pathLst></a:custGeom>{filling}'
            f'<a:ln w="{width}">{_COULEUR.format(line.lstrip("#").upper())}</a:ln></p:spPr></p:sp>')


def _symbole_xml(shape_id: int, name: str, centre: tuple[int, int], size: float, icon: str) -> str:
    """A text box holding a status symbol (white, bold, ``size`` points) centred on ``centre``."""
    side = int(Pt(size) * 1.6)
    x, y = centre[0] - side // 2, centre[1] - side // 2
    return (f'<p:sp {nsdecls("p", "a")}><p:nvSpPr><p:cNvPr id="{shape_id}" name={quoteattr(name)}/>'
            f'<p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="{x}" y="{y}"/>'
            f'<a:ext cx="{side}" cy="{side}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/>'
            '</p:spPr><p:txBody><a:bodyPr wrap="none" lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr"/><a:lstStyle/>'
            f'<a:p><a:pPr algn="ctr"/><a:r><a:rPr lang="fr-FR" sz="{int(size * 100)}" b="1">{_COULEUR.format("FFFFFF")}'
            f'</a:rPr><a:t>{xml_escape(icon)}</a:t></a:r></a:p></p:txBody></p:sp>')


def _legende(slide, geo: m.CarteGeo, x, y) -> None:
    row = Inches(0.5)
    title = slide.shapes.add_textbox(x, y, LARGEUR_LEGENDE - Inches(0.2), row)
    title.name = "Légende : titre"
    texte(title, ["Statut dominant"], size=16, bold=True)
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
        texte(swatch, [status.icone(code)], size=14, bold=True, color="#FFFFFF", align=PP_ALIGN.CENTER)
        text = slide.shapes.add_textbox(x + Inches(0.5), top, LARGEUR_LEGENDE - Inches(0.7), row)
        text.name = f"Légende : {label} (texte)"
        texte(text, [f"{status.libelle(code)} ({count})"], size=16)
        k += 1
    if geo.absents:
        note = slide.shapes.add_textbox(x, y + k * row, LARGEUR_LEGENDE - Inches(0.2), row)
        texte(note, [f"{geo.absents} territoire(s) sans contour connu"], size=12, color="#3A3A3A")
