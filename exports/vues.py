"""What the Présentation page reads: a deck, computed once per data version (the page caches this
call like every other read), and each of its two files, written from that deck only when asked
(a click on its download button): writing both cost about as much as building the Club deck
itself (0.4 s for the .pptx, 0.15 s for the .html, against 0.5 s on the demo data)."""

from __future__ import annotations

from data.access import Personne
from exports import club, fiche, html, pptx
from exports.modele import Deck, ExportImpossible
from exports.perimetre import Perimetre

# format -> how the file is written from the deck, and its MIME type
FORMATS = {
    "pptx": (pptx.octets, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "html": (html.page, "text/html"),
}


def document_club(con, at: str, perimetre: Perimetre, anonymiser: bool, focus: tuple[str, ...],
                  person: Personne) -> dict:
    """The Club deck (club.construire, restricted to what ``person`` may see), or the French reason
    why there is none (``erreur``)."""
    try:
        return {"deck": club.construire(con, at, perimetre, anonymiser=anonymiser, focus=focus, person=person),
                "erreur": None}
    except ExportImpossible as exc:
        return {"deck": None, "erreur": str(exc)}


def document_fiche(con, territoire: str, at: str, person: Personne) -> dict:
    """The fiche of ``territoire`` (quarterly detail only within ``person``'s scope), or the French
    reason why there is none (``erreur``)."""
    try:
        return {"deck": fiche.construire(con, territoire, at, person=person), "erreur": None}
    except ExportImpossible as exc:
        return {"deck": None, "erreur": str(exc)}


def fichier(deck: Deck, format: str) -> bytes | str:
    """The ``format`` file ("pptx" or "html") of ``deck``: the very model the page shows."""
    return FORMATS[format][0](deck)
