"""Page furniture: the demo banner and French formatting helpers."""

from __future__ import annotations

import streamlit as st

from indicators import quarters


def demo_banner(is_demo: bool) -> None:
    """Every page says so when the figures are demonstration data."""
    if is_demo:
        st.warning(
            "**Données de démonstration** : tous les chiffres affichés sont fictifs "
            "(générés pour présenter l'outil). Ils ne doivent jamais être cités.",
            icon="⚠️",
        )


def nombre(x, decimals: int = 0) -> str:
    """French number: 1 234,5 (narrow no-break space for thousands)."""
    if x is None:
        return "–"
    text = f"{x:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def trimestre(q: str | None) -> str:
    """2024-T1 shown as T1 2024."""
    return quarters.label(q) if q else "–"
