"""French wording of figures in the decks' texts (tables, cards, notes): 1 234 ; 45,6 % ; T3 2026.
Charts carry raw numbers with invariant Office codes instead (exports.modele)."""

from __future__ import annotations

import math

ESPACE = "\u202f"  # narrow no-break space between thousands, as the pages do


def manquant(x) -> bool:
    """No figure: None or NaN."""
    return x is None or (isinstance(x, float) and math.isnan(x)) or x != x


def nombre(x, decimales: int | None = None) -> str:
    """1234.5 -> '1 234,5'; whole figures (and figures of 1,000 or more) without decimals unless
    ``decimales`` says otherwise; '–' for no figure; a true minus sign."""
    if manquant(x):
        return "–"
    x = float(x)
    if decimales is None:
        decimales = 0 if x.is_integer() or abs(x) >= 1000 else 1
    text = f"{x:,.{decimales}f}".replace(",", ESPACE).replace(".", ",")
    return text.replace("-", "\u2212")


def signe(x) -> str:
    """A change with its sign: '+123', '−45', '0'."""
    if manquant(x):
        return "–"
    return ("+" if float(x) > 0 else "") + nombre(x)


def pourcent(x, decimales: int = 1) -> str:
    """45.6 (already a percentage) -> '45,6 %'."""
    return "–" if manquant(x) else f"{nombre(x, decimales)}{ESPACE}%"


def pluriel(n: int, singulier: str, pluriel_: str | None = None) -> str:
    """'1 territoire', '3 territoires'."""
    return f"{nombre(n, 0)} {singulier if abs(int(n)) <= 1 else (pluriel_ or singulier + 's')}"


def date(moment) -> str:
    """A date as 21/11/2026 ('' without one)."""
    return moment.strftime("%d/%m/%Y") if moment is not None and not manquant(moment) else ""
