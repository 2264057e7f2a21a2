"""The methodology shown to users, generated from the constants the engine applies (thresholds,
statuses, parameters), so the page cannot drift from the code."""

from __future__ import annotations

import pandas as pd

from core.formatting import percent, plain
from indicators import status
from core.parameters import LIBELLES_PARAMETRES, PARAMETRES_AFFICHES, TOLERANCE_DEPASSEMENT, TOLERANCE_RETARD

NATURES = {
    "flux": "Flux : un nombre par trimestre, cumulé sur la fenêtre de la feuille de route.",
    "stock": "Stock : un niveau à une date ; la dernière valeur connue fait foi.",
    "ratio": "Taux : rapport de deux indicateurs de base, calculé comme rapport des sommes.",
    "somme": "Somme : total de plusieurs indicateurs de base, cumulé comme un flux.",
}
SENS = {"hausse": "à augmenter", "baisse": "à réduire", "neutre": "suivi sans cible de sens"}



def sections() -> list[tuple[str, str]]:
    """(title, markdown) of each part of the methodology, thresholds taken from parameters.py."""
    r, d = TOLERANCE_RETARD, TOLERANCE_DEPASSEMENT
    r_pct, d_pct = (percent(x * 100, 0, space=" ") for x in (r, d))
    return [
        ("Notations", (
            "Une ligne de feuille de route donne : la fenêtre W des trimestres de `debut` à `fin` "
            "(n trimestres), la valeur de base B, la cible C et, facultativement, le jalon J de fin de "
            "première année (fin du 4e trimestre).\n\n"
            "Le **trimestre de référence** est par défaut le dernier trimestre civil complet ; s'il est "
            "postérieur à `fin`, on retient `fin` ; s'il précède `debut`, le statut est « Non démarré ».\n\n"
            "k = nombre de trimestres écoulés de la fenêtre jusqu'au trimestre de référence inclus ; "
            "m = nombre de ces trimestres ayant une valeur déposée. **Un trimestre non renseigné ne compte "
            "jamais pour zéro.**")),
        ("Chemin attendu", (
            "- Sans jalon : P(k) = B0 + (C − B0) × k / n.\n"
            "- Avec jalon et n > 4 : P(k) = B0 + (J − B0) × k / 4 pour k ≤ 4, puis "
            "J + (C − J) × (k − 4) / (n − 4).\n"
            "- B0 = 0 pour les flux et les sommes (ils se cumulent depuis le début de la fenêtre) ; "
            "B0 = B pour les stocks et les taux.")),
        ("Réalisé, avancement et projection", (
            "- **Flux et sommes** : réalisé = somme des valeurs déposées sur les trimestres écoulés ; "
            "avancement = 100 × réalisé / C ; projection en fin de fenêtre = réalisé / m × n.\n"
            "- **Stocks** : réalisé = valeur du dernier trimestre renseigné ; avancement = "
            "100 × (réalisé − B) / (C − B) ; projection = B + (réalisé − B) / j × n, où j est la position "
            "de ce trimestre dans la fenêtre.\n"
            "- **Taux** : réalisé = 100 × somme des numérateurs / somme des dénominateurs sur les trimestres "
            "où les deux sont déposés ; avancement = 100 × (réalisé − B) / (C − B) ; projection = réalisé.")),
        ("Statut", (
            f"Seuils appliqués : **seuil de retard {plain(r)}** (sous {r_pct} du chemin attendu, un indicateur à "
            f"augmenter est en retard) et **seuil de dépassement {plain(d)}** (au-delà de {d_pct} du plafond attendu, "
            "un indicateur à réduire est en retard).\n\n"
            "- Flux ou somme **à augmenter** : « Atteint » si réalisé ≥ C ; sinon « Dans la trajectoire » si "
            f"réalisé ≥ P(k) ; sinon « À surveiller » si réalisé ≥ {plain(r)} × P(k) ; sinon « En retard ».\n"
            "- Flux ou somme **à réduire** (C est un plafond sur la fenêtre) : « Atteint » si la fenêtre est "
            "terminée et réalisé ≤ C ; sinon « Dans la trajectoire » si réalisé ≤ P(k) ; sinon "
            f"« À surveiller » si réalisé ≤ {plain(d)} × P(k) ; sinon « En retard ».\n"
            "- Stock et taux, dans les deux sens : avec f = (réalisé − B) / (C − B) et g = (P(k) − B) / (C − B), "
            "« Atteint » si f ≥ 1 ; sinon « Dans la trajectoire » si f ≥ g ; sinon « À surveiller » si "
            f"f ≥ {plain(r)} × g ; sinon « En retard ».\n"
            "- « Non renseigné » : aucune valeur sur les trimestres écoulés (m = 0).")),
        ("Agrégation nationale", (
            "- Par trimestre : les flux sont additionnés sur les territoires ayant déposé ; les stocks "
            "additionnent la dernière valeur connue de chaque territoire ; les taux sont le rapport de la "
            "somme des numérateurs à la somme des dénominateurs, **jamais une moyenne de taux**. Chaque "
            "chiffre est accompagné du nombre de territoires qui le composent.\n"
            "- Avancement national d'un indicateur : somme des réalisés / somme des cibles (flux et sommes) "
            "des territoires ayant une cible ; et le nombre de territoires dans chaque statut.\n"
            "- Pour 100 000 habitants : valeur × 100 000 / population légale du territoire "
            "(son millésime est indiqué).")),
        ("Complétude", (
            "Pour un territoire et un trimestre : indicateurs attendus = indicateurs de base de sa feuille "
            "de route (avec une cible, ou composantes d'un indicateur calculé avec une cible) ; déposés = "
            "ceux qui ont une valeur pour ce trimestre ; complétude = 100 × déposés / attendus. Le délai est "
            "le nombre de jours entre la fin du trimestre et l'arrivée de sa première valeur.")),
        ("Actions de la feuille de route", _actions()),
    ]


def _actions() -> str:
    """The definitions of the actions' figures, as indicators/actions.py applies them."""
    from indicators import actions

    statuts = ", ".join(actions.libelle_statut(s) for s in actions.STATUTS)
    return "\n".join(f"- {text}" for text in actions.DEFINITIONS.values()) + f"\n- Statuts : {statuts}."


def statuts() -> pd.DataFrame:
    """The statuses as shown everywhere: icon and label, definition, colour."""
    return pd.DataFrame({
        "Statut": [status.affichage(s) for s in status.STATUTS],
        "Code": list(status.STATUTS),
        "Définition": [status.DEFINITIONS[s] for s in status.STATUTS],
        "Couleur": [status.COULEURS[s] for s in status.STATUTS],
    })


def _valeur(value) -> str:
    if isinstance(value, float):
        return plain(value)
    return "heure de Paris" if value == "Europe/Paris" else str(value)


def parametres(avec_noms: bool = False) -> pd.DataFrame:
    """Every constant a user can see, in words, with its value as applied and its meaning; with
    ``avec_noms``, the constant's name in the code too (the downloaded table)."""
    frame = pd.DataFrame({
        "Paramètre": [LIBELLES_PARAMETRES[p[0]] for p in PARAMETRES_AFFICHES],
        "Valeur": [_valeur(p[1]) for p in PARAMETRES_AFFICHES],
        "Signification": [p[2] for p in PARAMETRES_AFFICHES],
    })
    return frame.assign(**{"Nom dans le code": [p[0] for p in PARAMETRES_AFFICHES]}) if avec_noms else frame


def catalogue_affiche(catalogue: pd.DataFrame) -> pd.DataFrame:
    """The indicator catalogue with French column names and the formula of derived indicators."""
    from indicators.views import formule

    return pd.DataFrame({
        "Code": catalogue["code"],
        "Indicateur": catalogue["libelle"],
        "Définition": catalogue["definition"],
        "Unité": catalogue["unite"],
        "Source": catalogue["source"],
        "Axe": catalogue["axe"],
        "Priorité": catalogue["priorite"],
        "Nature": catalogue["nature"],
        "Sens": catalogue["sens"].map(SENS),
        "Formule": catalogue.apply(formule, axis=1),
    })
