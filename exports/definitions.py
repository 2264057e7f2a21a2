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
        slides.append(Diapo(
            titre="Définitions des indicateurs", sous_titre=f"{start + 1} à {start + len(part)} sur {len(rows)}",
            blocs=[Tableau(("Indicateur", "Définition", "Unité", "Source"), part,
                           f"Tableau des définitions : indicateur, définition, unité et source de {len(part)} indicateurs.")],
            notes="\n".join([notes, *(f"{r[0]} : {r[1]} ({r[2]} ; source : {r[3]})." for r in part)])))
    return slides
