"""What the decks share (the Club deck, the ministers' note, the fiches): the palette, the method
lines, the speaker-notes helpers and the two slides the note takes from the Club deck as they are,
the headline figures and the map."""

from __future__ import annotations

from core import quarters
from core.formatting import count, headline, percent, signed
from core.parameters import TOLERANCE_DEPASSEMENT, TOLERANCE_RETARD
from exports import carte as carte_geo
from exports.modele import Carte, Cartes, Diapo
from exports.perimetre import Donnees
from indicators import views

BLEU, ROUGE, GRIS = "#000091", "#E1000F", "#666666"
DEFINITIONS_NOTE = ("Les définitions du catalogue des indicateurs (data/reference/indicateurs.csv), les mêmes que sur "
                    "la page « Indicateurs et méthode ».")
METHODE_STATUTS = (f"Seuils : « en retard » sous {percent(TOLERANCE_RETARD * 100, 0, space=' ')} du chemin attendu, "
                   f"au-delà de {percent(TOLERANCE_DEPASSEMENT * 100, 0, space=' ')} du plafond attendu pour un flux à réduire "
                   "(core/parameters.py, les mêmes que la page « Indicateurs et méthode »).")


def territoires(d: Donnees, n: int | None = None) -> str:
    """'12 territoires': those of the scope, or ``n``."""
    n = len(d.territoires) if n is None else n
    return count(n, "territoire")


def notes(*lines: str) -> str:
    """Speaker notes: the lines given, empty ones left out."""
    return "\n".join(line for line in lines if line)


def diapo_chiffres_cles(d: Donnees) -> Diapo:
    """The headline figures of the quarter: value, change like for like, cumulative total, territories behind each."""
    lib = d.catalogue.set_index("code")
    cards, lines = [], []
    depuis = quarters.label(d.depuis) if d.depuis else quarters.label(d.at)
    for row in d.cles.itertuples(index=False):
        cards.append(Carte(views.LIBELLES_COURTS[row.indicateur], headline(row.valeur), (
            f"Évolution à périmètre constant : {signed(row.evolution, large=1000)} "
            f"({count(row.territoires_compares, 'territoire')} ayant déposé les deux trimestres)",
            f"Cumul depuis le {depuis} : {headline(row.cumul)}",
            f"{count(row.territoires_renseignes, 'territoire renseigné', 'territoires renseignés')}")))
        lines.append(f"{lib.at[row.indicateur, 'libelle']} : {lib.at[row.indicateur, 'definition']} "
                     f"(source : {lib.at[row.indicateur, 'source']}) — "
                     f"{count(row.territoires_renseignes, 'territoire')} derrière la valeur du trimestre, "
                     f"{count(row.territoires_compares, 'territoire')} derrière l'évolution.")
    wide = d.perimetre.entier
    return Diapo(
        titre=f"Chiffres {'nationaux' if wide else 'clés'} du {quarters.label(d.at)}",
        sous_titre="Ensemble des territoires actifs du programme" if wide else
        f"Périmètre : {d.perimetre.description(len(d.territoires), d.noms.anonymise)}"
        + ("" if d.perimetre.codes else f" ({territoires(d)})"),
        blocs=[Cartes(tuple(cards), par_ligne=4)],
        notes=notes(*lines,
                     "Valeur du trimestre : somme des territoires " + ("" if wide else "du périmètre ")
                     + "ayant déposé (flux ; sommes de flux).",
                     "Évolution à périmètre constant : sur les seuls territoires ayant déposé ce trimestre et le "
                     "précédent, pour qu'un territoire muet un trimestre ne passe pas pour une baisse.",
                     f"Cumul : somme des trimestres depuis le début des premières feuilles de route ({depuis})."))


def diapo_carte(d: Donnees) -> Diapo:
    """The map of the territories by dominant status, the status's symbol on each."""
    geo = carte_geo.carte(d.carte, d.noms)
    return Diapo(
        titre="Carte des territoires", sous_titre=f"Statut dominant au {quarters.label(d.at)} · outre-mer en encarts",
        blocs=[geo],
        notes=notes("Statut dominant d'un territoire : « en retard » dès qu'un quart de ses indicateurs le sont, "
                     "sinon le statut le plus fréquent (le moins bon en cas d'égalité), comme la carte de la page "
                     "« Pilotage national ».",
                     "Le symbole du statut est posé sur chaque territoire : la couleur n'est jamais seule à le dire.",
                     " ; ".join(f"{lab} : {count(c, 'territoire')}" for _s, lab, c in geo.legende if c) + ".",
                     f"{count(geo.absents, 'territoire')} sans contour connu, absent(s) de la carte." if geo.absents else "",
                     "La carte ne porte aucun nom de territoire." if d.noms.anonymise else ""))
