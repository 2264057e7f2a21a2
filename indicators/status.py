"""Progress statuses: codes in display order, French labels, icons and colours, and the one
definition of the status rule (methodologie.md), written as SQL so it runs set-wise in DuckDB.

The pages show a status as icon + text (never colour alone); the colour only reinforces it.
"""

from __future__ import annotations

from core.formatting import percent
from core.parameters import TOLERANCE_DEPASSEMENT, TOLERANCE_RETARD

NON_DEMARRE = "non_demarre"
NON_RENSEIGNE = "non_renseigne"
EN_RETARD = "en_retard"
A_SURVEILLER = "a_surveiller"
DANS_LA_TRAJECTOIRE = "dans_la_trajectoire"
ATTEINT = "atteint"

# Display order: from "nothing to judge yet" to "target reached".
STATUTS: tuple[str, ...] = (NON_DEMARRE, NON_RENSEIGNE, EN_RETARD, A_SURVEILLER, DANS_LA_TRAJECTOIRE, ATTEINT)

LIBELLES: dict[str, str] = {
    NON_DEMARRE: "Non démarré",
    NON_RENSEIGNE: "Non renseigné",
    EN_RETARD: "En retard",
    A_SURVEILLER: "À surveiller",
    DANS_LA_TRAJECTOIRE: "Dans la trajectoire",
    ATTEINT: "Atteint",
}

# Distinct shapes, so the status reads without colour (and in black-and-white prints). Plain text
# symbols rather than colour emoji: they render in every font (DejaVu, Segoe UI Symbol, Arial
# Unicode), including offline browsers and projector PCs without an emoji font.
ICONES: dict[str, str] = {
    NON_DEMARRE: "○",
    NON_RENSEIGNE: "?",
    EN_RETARD: "✖",
    A_SURVEILLER: "⚠",
    DANS_LA_TRAJECTOIRE: "↗",
    ATTEINT: "✔",
}

# French State design system (DSFR) colours: grey for "nothing to judge", then error, warning,
# info and success.
COULEURS: dict[str, str] = {
    NON_DEMARRE: "#757575",  # 4.6:1 on white: also the colour of a card's figure
    NON_RENSEIGNE: "#666666",
    EN_RETARD: "#CE0500",
    A_SURVEILLER: "#B34000",
    DANS_LA_TRAJECTOIRE: "#0063CB",
    ATTEINT: "#18753C",
}

# One sentence per status for the methodology page and the help texts, with the thresholds.
_RETARD_PCT = percent(TOLERANCE_RETARD * 100, 0, space=" ")
_DEPASSEMENT_PCT = percent(TOLERANCE_DEPASSEMENT * 100, 0, space=" ")
DEFINITIONS: dict[str, str] = {
    NON_DEMARRE: "Le trimestre de référence précède la fenêtre de la feuille de route.",
    NON_RENSEIGNE: "Aucune valeur déposée sur les trimestres écoulés de la fenêtre.",
    EN_RETARD: (
        f"Réalisé sous {_RETARD_PCT} du chemin attendu (au-delà de {_DEPASSEMENT_PCT} "
        "du plafond attendu pour un flux « en baisse »)."
    ),
    A_SURVEILLER: (
        f"Réalisé entre {_RETARD_PCT} et 100 % du chemin attendu (entre 100 % et {_DEPASSEMENT_PCT} "
        "du plafond attendu pour un flux « en baisse »)."
    ),
    DANS_LA_TRAJECTOIRE: "Réalisé au moins égal au chemin attendu (au plus égal pour un flux « en baisse »).",
    ATTEINT: "Cible atteinte (pour un flux « en baisse » : fenêtre terminée et plafond respecté).",
}


def libelle(code: str) -> str:
    """French label of a status code ("Dans la trajectoire")."""
    return LIBELLES[code]


def icone(code: str) -> str:
    """Icon of a status code."""
    return ICONES[code]


def couleur(code: str) -> str:
    """Hexadecimal colour of a status code."""
    return COULEURS[code]


def affichage(code: str) -> str:
    """Icon and label together, the way a status is shown ("✅ Atteint")."""
    return f"{ICONES[code]} {LIBELLES[code]}"


def rang(code: str) -> int:
    """Position of a status in STATUTS, for sorting."""
    return STATUTS.index(code)


def sql_params() -> dict[str, float]:
    """Named parameters that status_sql() refers to (the thresholds of parameters.py)."""
    return {"tolerance_retard": TOLERANCE_RETARD, "tolerance_depassement": TOLERANCE_DEPASSEMENT}


def status_sql(
    *, nature: str = "nature", sens: str = "sens", k: str = "k", n: str = "n", m: str = "m",
    realise: str = "realise", attendu: str = "attendu", base: str = "valeur_base", cible: str = "cible",
    position: bool = False,
) -> str:
    """SQL CASE expression giving the status of a progress row (methodologie.md, "Statut").

    Arguments name the columns holding each quantity; the thresholds come as the named parameters
    of sql_params(). With ``position``, the expression gives the status's position in STATUTS (an
    integer, cheaper to carry than its text) instead of its code."""
    def s_(code: str) -> str:
        return str(STATUTS.index(code)) if position else f"'{code}'"

    f = f"(({realise} - {base}) / ({cible} - {base}))"
    g = f"(({attendu} - {base}) / ({cible} - {base}))"
    return f"""
    CASE
        WHEN {k} = 0 THEN {s_(NON_DEMARRE)}
        -- a missing quarter is never a zero: nothing reported (or a ratio whose denominators sum
        -- to 0) means nothing to judge
        WHEN {m} = 0 OR {realise} IS NULL THEN {s_(NON_RENSEIGNE)}
        WHEN {nature} IN ('flux', 'somme') AND {sens} = 'baisse' THEN
            -- the target is a ceiling over the whole window: reached only once the window is over
            CASE WHEN {k} = {n} AND {realise} <= {cible} THEN {s_(ATTEINT)}
                 WHEN {realise} <= {attendu} THEN {s_(DANS_LA_TRAJECTOIRE)}
                 WHEN {realise} <= $tolerance_depassement * {attendu} THEN {s_(A_SURVEILLER)}
                 ELSE {s_(EN_RETARD)} END
        -- 'neutre' flux with a target are read as a level to reach, like 'hausse'
        WHEN {nature} IN ('flux', 'somme') THEN
            CASE WHEN {realise} >= {cible} THEN {s_(ATTEINT)}
                 WHEN {realise} >= {attendu} THEN {s_(DANS_LA_TRAJECTOIRE)}
                 WHEN {realise} >= $tolerance_retard * {attendu} THEN {s_(A_SURVEILLER)}
                 ELSE {s_(EN_RETARD)} END
        -- stock and ratio without a usable baseline (the roadmap import refuses these): only
        -- "is the target reached" can be said
        WHEN {base} IS NULL OR {cible} = {base} THEN
            CASE WHEN ({sens} = 'baisse' AND {realise} <= {cible})
                   OR ({sens} <> 'baisse' AND {realise} >= {cible}) THEN {s_(ATTEINT)}
                 ELSE {s_(EN_RETARD)} END
        -- stock and ratio, either sense: share of the way from baseline to target
        ELSE
            CASE WHEN {f} >= 1 THEN {s_(ATTEINT)}
                 WHEN {f} >= {g} THEN {s_(DANS_LA_TRAJECTOIRE)}
                 WHEN {f} >= $tolerance_retard * {g} THEN {s_(A_SURVEILLER)}
                 ELSE {s_(EN_RETARD)} END
    END"""
