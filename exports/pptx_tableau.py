"""A table of the deck model written on a PowerPoint slide, fitted to its block: column widths from
their texts, then the largest type size at which every row, as tall as its wrapped text needs,
keeps the table within the block. PowerPoint grows a row to hold its text whatever height the file
says, so a row height written too small pushes the table past the slide's bottom (issue 12)."""

from __future__ import annotations

import math
import re

from pptx.util import Inches, Pt

from exports import modele as m
from exports.pptx_style import BLEU, alternative, rgb, texte

TAILLES = (14, 13, 12, 11, 10)  # type sizes tried, largest first (10 points: the floor on a projector)
INTERLIGNE = 1.2  # PowerPoint's single line spacing, in type sizes
# Mean width of a character in em: for the unbreakable minimum of a column (bold headers too), and
# for wrapping a cell's text (wider than Arial, Calibri or Marianne's mean: a row is never too short).
_CHAR_EM, _CHAR_EM_LIGNE = 0.68, 0.56
_MARGES_H, _MARGES_V = Inches(0.2), Inches(0.1)  # a cell's left + right and top + bottom margins (defaults)
_FIGURE = re.compile(r"^[\d\s\u00a0\u202f,.%€+\u2212\u2013-]+$")  # a figure: never broken over two lines


def tableau(slide, t: m.Tableau, x, y, cx, cy) -> None:
    """``t`` on ``slide`` within the block (x, y, cx, cy), at the largest size of TAILLES that fits
    (the smallest when none does), each row as tall as its text needs."""
    for size in TAILLES:
        widths = largeurs_colonnes(t, cx, size)
        heights = hauteurs_lignes(t, widths, size)
        if sum(heights) <= cy:
            break
    frame = slide.shapes.add_table(len(t.lignes) + 1, len(t.colonnes), x, y, cx, sum(heights))
    frame.name = "Tableau"
    alternative(frame, t.alternative)
    table = frame.table
    for j, w in enumerate(widths):
        table.columns[j].width = w
    for i, h in enumerate(heights):
        table.rows[i].height = h
    for j, head in enumerate(t.colonnes):
        cell = table.cell(0, j)
        cell.text = ""
        texte(cell, [head], size=size, bold=True, color="#FFFFFF")
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(BLEU)
    for i, row in enumerate(t.lignes, start=1):
        for j, value in enumerate(row):
            cell = table.cell(i, j)
            cell.text = ""
            texte(cell, [str(value)], size=size)
            cell.fill.solid()
            cell.fill.fore_color.rgb = rgb("#FFFFFF" if i % 2 else "#F6F6F6")


def lignes_texte(text: str, width: int, size: int) -> int:
    """Lines ``text`` takes wrapped on words within ``width`` EMU at ``size`` points (a word wider
    than the width counted as broken over as many lines as it needs)."""
    per_line = max(1, int(width / (_CHAR_EM_LIGNE * Pt(size))))
    count = 0
    for paragraph in str(text).split("\n"):
        count, used = count + 1, 0
        for word in paragraph.split():
            if used and used + 1 + len(word) <= per_line:
                used += 1 + len(word)
                continue
            if used:
                count += 1
            count += (len(word) - 1) // per_line
            used = len(word) - (len(word) - 1) // per_line * per_line
    return count


def hauteurs_lignes(t: m.Tableau, widths: list[int], size: int) -> list[int]:
    """Each row's height (EMU, header first): its tallest cell's wrapped lines and the cell margins."""
    line = size * INTERLIGNE * Pt(1)  # EMU, unrounded: a row is rounded up, never a hair short
    return [math.ceil(max(lignes_texte(c, w - _MARGES_H, size) for c, w in zip(row, widths)) * line) + _MARGES_V
            for row in (t.colonnes, *t.lignes)]


def largeurs_colonnes(t: m.Tableau, cx: int, size: int) -> list[int]:
    """Column widths (EMU, summing to ``cx``): as wide as their longest text asks (within bounds,
    so that a definition gets the room), but never narrower than their longest unbreakable piece
    (a figure whole, else a word), so that "4 000 000 €" or "Réalisé" is not cut in two."""
    weights = [min(max([len(head)] + [len(str(r[j])) for r in t.lignes]), 90) + 8 for j, head in enumerate(t.colonnes)]
    pieces = [[head, *(str(r[j]) for r in t.lignes)] for j, head in enumerate(t.colonnes)]
    longest = [max(len(c) if _FIGURE.match(c) else max((len(w) for w in c.split()), default=0) for c in col)
               for col in pieces]
    mins = [int(n * _CHAR_EM * Pt(size)) + _MARGES_H for n in longest]
    if sum(mins) >= cx:  # not enough room for every minimum: shared in their proportion
        widths = [int(cx * w / sum(mins)) for w in mins]
    else:
        fixed: dict[int, int] = {}
        while True:  # columns held at their minimum, the others sharing what is left by weight
            rest = [j for j in range(len(weights)) if j not in fixed]
            room = cx - sum(fixed.values())
            widths = [fixed.get(j, 0) or int(room * weights[j] / sum(weights[k] for k in rest)) for j in range(len(weights))]
            short = {j: mins[j] for j in rest if widths[j] < mins[j]}
            if not short:
                break
            fixed |= short
    widths[-1] += cx - sum(widths)  # rounding: the table exactly as wide as its block
    return widths
