"""The ministers' short note (presentation.md, "Who presents what": "a short note with the headline
figures and the map") as a deck model of two slides: the headline figures of the quarter (change
like for like, cumulative total), then the map of territories by dominant status beside the count
of objectives per status. The very slides and figures of the Club deck (exports.contenu), on every
active territory; the quarter, the data date, the source and the demo line on each slide."""

from __future__ import annotations

from exports.contenu import BLEU, METHODE_STATUTS, diapo_carte, diapo_chiffres_cles, notes
from exports.modele import COLONNES, FORMAT_ENTIER, MENTION_DEMO, SOURCE, Deck, Graphique, Serie
from exports.perimetre import Perimetre, donnees
from indicators import status
from core import quarters
from core.formatting import headline
from indicators import views

TITRE = "Logement d'abord — note aux cabinets"


def construire(con, at: str | None = None) -> Deck:
    """The note at quarter ``at`` (default: the last complete quarter), over every active territory."""
    d = donnees(con, at, Perimetre(), False)
    label = quarters.label(d.at)
    deck = Deck(titre=TITRE, trimestre=label, date_donnees=d.date_donnees, source=SOURCE, demo=d.demo, reference=d.at)
    chiffres = diapo_chiffres_cles(d)
    chiffres.titre = f"{TITRE} · {label}"
    chiffres.sous_titre = f"Chiffres nationaux du {label} · ensemble des territoires actifs du programme"
    carte = diapo_carte(d)
    carte.blocs.append(statuts(d.progression))
    carte.largeurs = (3, 2)
    carte.titre = "Territoires et objectifs par statut"
    carte.notes = notes(carte.notes, f"Graphique : {METHODE_STATUTS}")
    deck.diapos = [chiffres, carte]
    deck.proprietes = {"title": f"{TITRE} — {label}", "subject": "Chiffres nationaux et carte des territoires",
                       "keywords": "Logement d'abord; note; " + label,
                       "category": MENTION_DEMO if d.demo else "Pilotage"}
    return deck


def statuts(progression) -> Graphique:
    """Objectives (territory × indicator with a target) per status: the national page's counts."""
    counts = views.comptes_statuts(progression)
    cats = tuple(counts["Statut"])
    values = tuple(int(v) for v in counts["Nombre"])
    return Graphique(
        COLONNES, "Objectifs par statut", cats,
        (Serie("Objectifs", values, BLEU, couleurs_points=tuple(status.couleur(s) for s in counts["statut"])),),
        FORMAT_ENTIER,
        "Colonnes : nombre d'objectifs des feuilles de route (territoire × indicateur) dans chaque statut. "
        + " ; ".join(f"{status.libelle(s)} : {headline(v)}" for s, v in zip(counts["statut"], values)) + ".",
        titre_axe="Objectifs")
