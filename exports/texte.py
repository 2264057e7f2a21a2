"""French wording of the decks' texts beyond what core.formatting writes (figures, counts with their
noun): dates. Charts carry raw numbers with invariant Office codes instead (exports.modele)."""

from __future__ import annotations

from core.formatting import is_missing


def date(moment) -> str:
    """A date as 21/11/2026 ('' without one)."""
    return moment.strftime("%d/%m/%Y") if moment is not None and not is_missing(moment) else ""
