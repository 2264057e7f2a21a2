"""What every PowerPoint slide of the exports shares: page size and margins, the deck's type and the
State palette, text runs, and the accessibility of added shapes (no theme shadow, a text
alternative). exports.pptx (slides, charts, tables) and exports.pptx_carte (the vector map) both
build on it, so neither imports the other."""

from __future__ import annotations

from pptx.dml.color import RGBColor
from pptx.util import Inches, Pt

LARGEUR, HAUTEUR = Inches(13.333), Inches(7.5)
MARGE = Inches(0.5)
HAUT_CONTENU, BAS_CONTENU = Inches(1.7), Inches(6.85)
ECART = Inches(0.3)
POLICE = "Marianne"  # the State's typeface where installed; PowerPoint falls back to its default
BLEU, ROUGE, TEXTE, GRIS_TEXTE = "#000091", "#E1000F", "#161616", "#3A3A3A"
TRAIT_FOND = "#929292"  # département outlines: 3:1 against white


def rgb(hexa: str) -> RGBColor:
    return RGBColor.from_string(hexa.lstrip("#").upper())


def texte(shape_or_frame, paragraphs, *, size=18, bold=False, color=TEXTE, align=None):
    """Paragraphs of text in a shape (or text frame), in the deck's type."""
    frame = getattr(shape_or_frame, "text_frame", shape_or_frame)
    frame.word_wrap = True
    for i, text in enumerate(paragraphs):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            p.alignment = align
        run = p.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.name = POLICE
        run.font.color.rgb = rgb(color)
    return frame


def sans_ombre(shape):
    """No theme shadow on an added shape (its style's effect reference points at none)."""
    for ref in shape._element.xpath("./p:style/a:effectRef"):
        ref.set("idx", "0")
    return shape


def alternative(shape, text: str) -> None:
    """The text alternative of a shape (cNvPr/@descr, PowerPoint's "Texte de remplacement")."""
    shape._element.xpath("./*[1]/p:cNvPr")[0].set("descr", text)
