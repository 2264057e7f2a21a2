"""French wording of the decks' texts beyond the figures themselves (core.formatting writes those):
counts with their noun, dates. Charts carry raw numbers with invariant Office codes instead
(exports.modele)."""

from __future__ import annotations

from core.formatting import integer, is_missing


def pluriel(n: int, singulier: str, pluriel_: str | None = None) -> str:
    """'1 territoire', '3 territoires'."""
    return f"{integer(n)} {singulier if abs(int(n)) <= 1 else (pluriel_ or singulier + 's')}"


def date(moment) -> str:
    """A date as 21/11/2026 ('' without one)."""
    return moment.strftime("%d/%m/%Y") if moment is not None and not is_missing(moment) else ""
