"""Definitions slides: the catalogue's definition, unit and source of each indicator shown, a few
per slide so that the type stays large."""

from __future__ import annotations

import pandas as pd

from exports.modele import Diapo, Tableau

LIGNES_DEFINITIONS = 6  # indicators per definitions slide


def diapos(catalogue: pd.DataFrame, codes, notes: str) -> list[Diapo]:
    """Slides defining the indicators ``codes`` (in that order) from ``catalogue`` (reads.catalogue())."""
    cat = catalogue.set_index("code").loc[list(dict.fromkeys(codes))]
    rows = [(r.libelle, r.definition, r.unite, r.source) for r in cat.itertuples()]
    slides = []
    for start in range(0, len(rows), LIGNES_DEFINITIONS):
        part = tuple(rows[start:start + LIGNES_DEFINITIONS])
        # the last slide may hold one indicator: « 13 sur 13 », never « 13 à 13 sur 13 »
        shown = f"{start + 1} à {start + len(part)}" if len(part) > 1 else f"{start + 1}"
        slides.append(Diapo(
            titre="Définitions des indicateurs", sous_titre=f"{shown} sur {len(rows)}",
            blocs=[Tableau(("Indicateur", "Définition", "Unité", "Source"), part,
                           "Tableau des définitions : indicateur, définition, unité et source "
                           + (f"de {len(part)} indicateurs." if len(part) > 1 else "d'un indicateur."))],
            notes="\n".join([notes, *(f"{r[0]} : {r[1]} ({r[2]} ; source : {r[3]})." for r in part)])))
    return slides
