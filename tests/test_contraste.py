"""WCAG contrast of the palette the code uses (RGAA 3.2 and 3.3): text at 4.5:1 at least against
the background it is written on, graphic elements (bars, lines, map fills, outlines, the focus ring)
at 3:1. The colours are read from the modules and the theme that draw them, not copied here."""

from __future__ import annotations

import re
import tomllib

import pytest

from exports import club, focus, html, pptx_style
from indicators import status
from pages.components import carte, graphiques, layout
from tests.conftest import ROOT

TEXTE, GRAPHIQUE = 4.5, 3.0
BLANC = "#FFFFFF"


def _rgb(colour: str) -> tuple[float, ...]:
    h = colour.lstrip("#")
    h = "".join(c * 2 for c in h) if len(h) == 3 else h
    return tuple(int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2.1)."""
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in _rgb(colour)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contraste(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def sur_blanc(colour: str, alpha: float) -> str:
    """``colour`` at ``alpha`` opacity over white, as the browser blends it."""
    return "#" + "".join(f"{round((alpha * c + 1 - alpha) * 255):02X}" for c in _rgb(colour))


def theme() -> dict:
    return tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]


def _css_variables(css: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9A-Fa-f]{3,6})", css))


def test_the_formula_matches_the_known_ratios():
    assert contraste("#000000", BLANC) == pytest.approx(21.0)
    assert contraste("#767676", BLANC) == pytest.approx(4.54, abs=0.01)  # the classic 4.5:1 grey
    assert contraste(BLANC, BLANC) == pytest.approx(1.0)
    assert sur_blanc("#000000", 0.5) == "#808080"


def _text_pairs() -> list[tuple[str, str, str]]:
    t = theme()
    backgrounds = {"fond": t["backgroundColor"], "fond secondaire": t["secondaryBackgroundColor"]}
    pairs = []
    for where, bg in backgrounds.items():
        pairs += [(f"texte du thème sur {where}", t["textColor"], bg),
                  (f"couleur principale (liens, boutons) sur {where}", t["primaryColor"], bg),
                  (f"code en ligne sur {where}", t["codeTextColor"], bg),
                  (f"libellé d'un contrôle inactif sur {where}", layout.COULEUR_LIBELLE_INACTIF, bg)]
    pairs += [(f"texte blanc du bouton principal", BLANC, t["primaryColor"]),
              ("texte des graphiques", graphiques.TEXTE, BLANC),
              ("sous-titre des graphiques", graphiques.GRIS, BLANC),
              ("nom des encarts de la carte", carte.TEXTE_ENCART, BLANC)]
    # the figure of a status card is written in the status colour (slides, HTML report)
    pairs += [(f"chiffre d'une carte « {status.libelle(s)} »", status.couleur(s), BLANC) for s in status.STATUTS]
    # a matrix cell: its text over the status colour's light tint (layout.styles_statuts, alpha 0x22)
    pairs += [(f"case « {status.libelle(s)} » de la matrice", t["textColor"], sur_blanc(status.couleur(s), 0x22 / 255))
              for s in status.STATUTS]
    pairs += [(f"case de la carte de chaleur ({stop:.0%})", graphiques.TEXTE, colour)
              for stop, colour in graphiques.ECHELLE_COMPLETUDE]
    # the exports: PowerPoint and the HTML report (white slides on a light grey page)
    pairs += [("texte des diapositives", pptx_style.TEXTE, BLANC), ("texte gris des diapositives", pptx_style.GRIS_TEXTE, BLANC),
              ("titre des diapositives", pptx_style.BLEU, BLANC)]
    css = _css_variables(html.STYLE)
    pairs += [(f"rapport HTML : --{name}", css[name], BLANC) for name in ("texte", "gris", "bleu")]
    pairs += [("rapport HTML : mention démonstration", re.search(r"\.demo \{ color: (#\w+)", html.STYLE).group(1), "#F6F6F6")]
    return pairs


def _graphic_pairs() -> list[tuple[str, str, str]]:
    pairs = [(f"trait {name} des graphiques", colour, BLANC) for name, colour in
             (("bleu", graphiques.BLEU), ("rouge", graphiques.ROUGE), ("gris", graphiques.GRIS),
              ("barres trimestrielles", graphiques.GRIS_BARRES))]
    # statuses: bars on white, map fills on the map's grey ground, white symbols on them (exports)
    for s in status.STATUTS:
        pairs += [(f"barre « {status.libelle(s)} »", status.couleur(s), BLANC),
                  (f"territoire « {status.libelle(s)} » sur le fond de carte", status.couleur(s), carte.FOND),
                  (f"pastille « {status.libelle(s)} » (symbole blanc)", BLANC, status.couleur(s))]
    pairs += [(f"part {stop:.0%} de l'échelle de la carte", colour, carte.FOND) for stop, colour in carte.ECHELLE_PART]
    pairs += [("contour des départements", carte.TRAIT_FOND, BLANC),
              ("contour pointillé (déclaration incomplète)", carte.TRAIT_INCOMPLET["color"], carte.FOND),
              ("hachures « sans valeur »", carte.MOTIF_SANS_VALEUR["fgcolor"], carte.MOTIF_SANS_VALEUR["bgcolor"]),
              ("contour de focus sur le fond", layout.COULEUR_FOCUS, theme()["backgroundColor"]),
              ("contour de focus sur le fond secondaire", layout.COULEUR_FOCUS, theme()["secondaryBackgroundColor"]),
              ("contour des départements (exports)", pptx_style.TRAIT_FOND, BLANC),
              ("trait rouge (exports)", pptx_style.ROUGE, BLANC)]
    pairs += [(f"complétude « {name} » (exports)", colour, BLANC) for name, colour in club.COMPLETUDE]
    pairs += [(f"série {name} (exports)", colour, BLANC) for name, colour in
              (("bleue", focus.BLEU), ("rouge", focus.ROUGE), ("grise", focus.GRIS))]
    return pairs


@pytest.mark.parametrize("kind, pairs, minimum", [("texte", _text_pairs(), TEXTE),
                                                    ("graphique", _graphic_pairs(), GRAPHIQUE)])
def test_every_colour_the_code_uses_has_enough_contrast(kind, pairs, minimum):
    failing = [f"{what}: {fg} sur {bg} = {contraste(fg, bg):.2f}:1" for what, fg, bg in pairs
               if contraste(fg, bg) < minimum]
    assert len(pairs) > 10
    assert not failing, f"contraste insuffisant ({kind}, {minimum}:1 au moins) :\n" + "\n".join(failing)


def test_the_check_fails_on_a_light_grey():
    assert contraste("#CECECE", BLANC) < GRAPHIQUE and contraste("#929292", BLANC) < TEXTE
