"""Incomplete reporting in words: a status judged while elapsed quarters were not reported is
shown with the quarters reported ("1 trimestre renseigné sur 3"), so that being late in reporting
does not read as being late on the target. The status itself stays as methodologie.md computes it."""

from __future__ import annotations

import pandas as pd

from indicators import status


def declaration_incomplete(renseignes, ecoules) -> bool:
    """True when some elapsed quarters of the window have no reported value (the status then
    judges a realised figure that leaves those quarters out: it says so beside it)."""
    return bool(pd.notna(ecoules) and pd.notna(renseignes) and 0 < ecoules and renseignes < ecoules)


def texte_trimestres(renseignes, ecoules) -> str:
    """"1 trimestre renseigné sur 3", "6 trimestres renseignés sur 8", singular where it must be."""
    r = int(renseignes)
    return f"{r} {'trimestre renseigné' if r <= 1 else 'trimestres renseignés'} sur {int(ecoules)}"


# A judged status whose reporting is incomplete: "✖ En retard · 1/3 trim." (the unjudged ones say it).
JUGES = (status.EN_RETARD, status.A_SURVEILLER, status.DANS_LA_TRAJECTOIRE, status.ATTEINT)
SEPARATEUR_CELLULE = " · "


def cellule_statut(statut: str, renseignes, ecoules) -> str:
    """A matrix cell: the status as icon and text, and when reporting is incomplete the quarters
    reported out of those elapsed ("✖ En retard · 1/3 trim.")."""
    text = status.affichage(statut)
    if statut in JUGES and declaration_incomplete(renseignes, ecoules):
        text += f"{SEPARATEUR_CELLULE}{int(renseignes)}/{int(ecoules)} trim."
    return text


def texte_declaration(row) -> str:
    """A territory's incomplete reporting in words (statut_global() row), '' when complete:
    "1 trimestre renseigné sur 3 (12 indicateurs sur 13)"."""
    if not row["nb_incomplets"]:
        return ""
    low, high, elapsed = row["trimestres_renseignes_min"], row["trimestres_renseignes_max"], row["trimestres_ecoules"]
    quarters_text = texte_trimestres(low, elapsed) if low == high else (
        f"de {int(low)} à {texte_trimestres(high, elapsed)}")
    n, total = int(row["nb_incomplets"]), int(row["nb_indicateurs"])
    if total == 1:
        return quarters_text
    return f"{quarters_text} ({n} {'indicateur' if n == 1 else 'indicateurs'} sur {total})"
