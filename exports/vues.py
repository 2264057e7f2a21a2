"""What the Présentation page reads: a deck and its two files, computed together once per data
version (the page caches this call like every other read)."""

from __future__ import annotations

from data.access import Personne
from exports import club, fiche, html, pptx
from exports.modele import ExportImpossible
from exports.perimetre import Perimetre


def _fichiers(deck) -> dict:
    return {"deck": deck, "pptx": pptx.octets(deck), "html": html.page(deck), "erreur": None}


def club_et_fichiers(con, at: str, perimetre: Perimetre, anonymiser: bool, focus: tuple[str, ...],
                     person: Personne) -> dict:
    """The Club deck (club.construire, restricted to what ``person`` may see) with its .pptx bytes
    and its HTML page; or the French reason why there is none (``erreur``)."""
    try:
        deck = club.construire(con, at, perimetre, anonymiser=anonymiser, focus=focus, person=person)
    except ExportImpossible as exc:
        return {"deck": None, "pptx": None, "html": None, "erreur": str(exc)}
    return _fichiers(deck)


def fiche_et_fichiers(con, territoire: str, at: str, person: Personne) -> dict:
    """The fiche of ``territoire`` (quarterly detail only within ``person``'s scope) and its files."""
    try:
        deck = fiche.construire(con, territoire, at, person=person)
    except ExportImpossible as exc:
        return {"deck": None, "pptx": None, "html": None, "erreur": str(exc)}
    return _fichiers(deck)
