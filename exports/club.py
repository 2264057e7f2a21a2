"""The national deck of the Club des territoires (presentation.md, "What a deck contains"), as a
deck model: title, headline figures, progress toward the targets, statuses per indicator, the
map, progress per priority and per axe, reporting, focus territories, definitions and method.

Every figure is one the national page computes for the same quarter and scope
(indicators.views, indicators.national); this module only arranges and words them.
"""

from __future__ import annotations

import pandas as pd

from data.access import Personne
from exports import actions as actions_diapo
from exports import budget as budget_diapo
from exports import definitions
from exports import focus as focus_mod
from exports.anonymat import ORDRE_ANONYMAT
from exports.contenu import (BLEU, DEFINITIONS_NOTE, GRIS, METHODE_STATUTS, diapo_carte, diapo_chiffres_cles, notes,
                             territoires)
from exports.modele import (BARRES, BARRES_EMPILEES, COLONNES_EMPILEES, FORMAT_ENTIER, FORMAT_POURCENT, MENTION_DEMO,
                            SOURCE, Carte, Cartes, Deck, Diapo, ExportImpossible, Graphique, Serie, Tableau,
                            Texte)
from exports.perimetre import Donnees, Perimetre, donnees
from indicators import noms, status
from core import quarters
from core.formatting import count, headline, number, percent
from indicators import views

TITRE = "Logement d'abord — Club des territoires"
# Reporting classes per territory and quarter, from its completeness rate.
COMPLETUDE = (("Déclaration complète", "#18753C"), ("Déclaration partielle", "#B34000"),
              ("Aucune valeur", "#CE0500"))
FOCUS_MAX = 12  # focus slides in one deck
LIGNES_A_COTE = 7  # indicators in the progress table that still fit beside its chart in readable type



def construire(con, at: str | None = None, perimetre: Perimetre = Perimetre(), *, anonymiser: bool = False,
               focus: tuple[str, ...] = (), person: Personne | None = None, reunion: str = "") -> Deck:
    """The Club deck for ``perimetre`` at quarter ``at`` (default: the last complete quarter), with
    a focus slide per territory of ``focus`` (at most FOCUS_MAX). ``person`` (None: a trusted caller,
    such as the command line) restricts the focus trajectories to what that person may see: a
    territory outside their scope shows its cumulative figure, never its quarterly values."""
    d = donnees(con, at, perimetre, anonymiser)
    focus = tuple(dict.fromkeys(focus))[:FOCUS_MAX]
    outside = [c for c in focus if c not in set(d.territoires["code"])]
    if outside:
        raise ExportImpossible(f"Territoire de focus hors du périmètre : « {outside[0]} ».")
    label = quarters.label(d.at)
    deck = Deck(titre=TITRE, trimestre=label, date_donnees=d.date_donnees, source=SOURCE, demo=d.demo, reference=d.at)
    deck.diapos = [_titre(d, reunion), diapo_chiffres_cles(d), *_avancement(d), _statuts(d), diapo_carte(d),
                   _priorites_axes(d), _completude(d)]
    deck.diapos += [focus_mod.diapo_focus(con, d, code, person) for code in focus]
    # the actions of the roadmaps (format-suivi.md), after the contract's figures and before the method
    if slide := actions_diapo.diapo_club(con, d.at, list(d.territoires["code"]), territoires(d)):
        deck.diapos.append(slide)
    if slide := budget_diapo.diapo_club(con, d):  # the budget of fiche 5 beside them
        deck.diapos.append(slide)
    deck.diapos += _definitions(d)
    scope = d.perimetre.description(len(d.territoires), anonymiser)
    deck.proprietes = {"title": f"{TITRE} — {label}", "subject": f"Périmètre : {scope}",
                       "keywords": "Logement d'abord; Club des territoires; " + label,
                       "category": MENTION_DEMO if d.demo else "Pilotage"}
    return deck


def _titre(d: Donnees, reunion: str) -> Diapo:
    reporting = d.deposants
    resume = views.resume(d.progression)
    scope = d.perimetre.description(len(d.territoires), d.noms.anonymise)
    cards = Cartes((
        Carte("Territoires du périmètre", headline(len(d.territoires)), (scope,)),
        Carte(f"Ayant déposé pour le {quarters.label(d.at)}", headline(reporting),
              (f"sur {territoires(d)}",)),
        Carte("Objectifs suivis", headline(resume["objectifs"]), ("couples territoire × indicateur avec une cible",)),
        Carte("Objectifs en retard", headline(resume["en_retard"]),
              (f"dont {headline(resume['en_retard_incomplets'])} sur des déclarations incomplètes",),
              statut=status.EN_RETARD),
    ))
    return Diapo(
        titre=TITRE, sous_titre=" · ".join(x for x in (reunion, quarters.label(d.at), scope) if x), blocs=[cards],
        notes=notes(f"Trimestre de référence : {quarters.label(d.at)} (dernier trimestre complet par défaut).",
                     f"Périmètre : {scope} ; {territoires(d)}, dont {headline(reporting)} ayant déposé au moins une "
                     "valeur pour le trimestre.",
                     "Objectifs suivis : couples territoire × indicateur d'une feuille de route avec une cible ; "
                     f"« en retard » : {status.DEFINITIONS[status.EN_RETARD]}",
                     ORDRE_ANONYMAT if d.noms.anonymise else "",
                     "Données de démonstration : chiffres fictifs, à ne jamais citer." if d.demo else ""))


def _avec_cible(d: Donnees) -> pd.DataFrame:
    n = d.national
    return n[n["territoires_avec_cible"] > 0].sort_values("ordre")


def _libelles(codes, d: Donnees) -> tuple[str, ...]:
    lib = d.catalogue.set_index("code")["libelle"]
    return tuple(noms.libelle_matrice(c, lib[c]) for c in codes)


def _avancement(d: Donnees) -> list[Diapo]:
    """The progress chart with its table beside it; a table of more than LIGNES_A_COTE indicators
    goes on a slide of its own, « (suite) », where its rows keep a type readable from the room."""
    n = _avec_cible(d)
    n = n[n["nature"].isin(["flux", "somme"]) & (n["territoires_avancement"] > 0)]
    cats = _libelles(n["indicateur"], d)
    done = tuple(None if pd.isna(v) else round(v / 100, 4) for v in n["avancement_national_pct"])
    expected = tuple(None if pd.isna(a) or not c else round(a / c, 4) for a, c in zip(n["attendu_total"], n["cible_total"]))
    chart = Graphique(
        BARRES, "Réalisé et attendu à ce jour, en part des cibles cumulées", cats,
        (Serie("Réalisé cumulé", done, BLEU), Serie("Attendu à ce jour", expected, GRIS)), FORMAT_POURCENT,
        "Barres horizontales, par indicateur : réalisé cumulé et chemin attendu à ce jour, en pourcentage de la "
        "somme des cibles. " + " ; ".join(f"{c} : réalisé {percent(x * 100 if x is not None else None)}"
                                         for c, x in zip(cats, done)) + ".")
    table = Tableau(("Indicateur", "Réalisé", "Attendu", "Cible", "Territoires"), tuple(
        (c, number(r.realise_total), number(r.attendu_total), number(r.cible_total),
         headline(r.territoires_avancement))
        for c, r in zip(cats, n.itertuples(index=False))), "Tableau : réalisé, attendu à ce jour et cibles cumulés par indicateur, avec le nombre de territoires.")
    said = notes("Réalisé cumulé : somme des réalisés des territoires ayant une cible sur l'indicateur (flux et "
                 "sommes de flux), rapportée à la somme de leurs cibles ; attendu : somme des chemins attendus "
                 "à ce jour (méthode de la page « Indicateurs et méthode »).",
                 "Les territoires sans aucune valeur déposée ne comptent pas (jamais lus comme zéro).",
                 "Territoires derrière chaque chiffre : colonne « Territoires » du tableau.",
                 *(f"{c} : {count(r.territoires_avancement, 'territoire')}" for c, r in
                   zip(cats, n.itertuples(index=False))))
    title, subtitle = "Avancement vers les cibles", f"Feuilles de route, cumul au {quarters.label(d.at)}"
    if len(table.lignes) <= LIGNES_A_COTE:
        return [Diapo(titre=title, sous_titre=subtitle, blocs=[chart, table], largeurs=(3, 2), notes=said)]
    return [Diapo(titre=title, sous_titre=subtitle, blocs=[chart], notes=said),
            Diapo(titre=f"{title} (suite)", sous_titre=f"{subtitle} · réalisé, attendu et cibles par indicateur",
                  blocs=[table], notes=said)]


def _series_statuts(comptes: dict[str, tuple]) -> tuple[Serie, ...]:
    return tuple(Serie(status.affichage(s), comptes[s], status.couleur(s)) for s in status.STATUTS)


def _statuts(d: Donnees) -> Diapo:
    n = _avec_cible(d)
    cats = _libelles(n["indicateur"], d)
    comptes = {s: tuple(int(v) for v in n[f"nb_{s}"]) for s in status.STATUTS}
    chart = Graphique(
        BARRES_EMPILEES, "Territoires par statut, par indicateur", cats, _series_statuts(comptes), FORMAT_ENTIER,
        "Barres horizontales empilées : pour chaque indicateur des feuilles de route, le nombre de territoires dans "
        "chaque statut. " + " ; ".join(f"{status.libelle(s)} : {headline(sum(v))}" for s, v in comptes.items()) + ".",
        titre_axe="Territoires")
    return Diapo(
        titre="Statuts des indicateurs des feuilles de route", sous_titre=f"{quarters.label(d.at)} · {territoires(d)}",
        blocs=[chart],
        notes=notes(*(f"{status.affichage(s)} : {status.DEFINITIONS[s]}" for s in status.STATUTS), METHODE_STATUTS,
                     "Chaque barre compte les territoires ayant une cible sur l'indicateur "
                     f"({territoires(d, int(n['territoires_avec_cible'].max()) if len(n) else 0)} au plus)."))


def _comptes_par(frame: pd.DataFrame, column: str, values) -> dict[str, tuple]:
    counts = {s: [] for s in status.STATUTS}
    for value in values:
        c = views.comptes_statuts(frame[frame[column] == value]).set_index("statut")["Nombre"]
        for s in status.STATUTS:
            counts[s].append(int(c[s]))
    return {s: tuple(v) for s, v in counts.items()}


def _priorites_axes(d: Donnees) -> Diapo:
    f = d.progression
    options = views.options_filtres(f) if len(f) else {"priorites": [], "axes": []}
    charts = []
    for column, values, name in (("priorite", options["priorites"], "Priorité"), ("axe", options["axes"], "Axe")):
        counts = _comptes_par(f, column, values)
        cats = tuple(f"{name} {v}" for v in values)
        charts.append(Graphique(
            BARRES_EMPILEES, f"Objectifs par statut, par {name.lower()}", cats, _series_statuts(counts), FORMAT_ENTIER,
            f"Barres empilées : par {name.lower()} du plan, le nombre d'objectifs (territoire × indicateur) dans "
            "chaque statut. " + " ; ".join(
                f"{c} : {headline(counts[status.EN_RETARD][i])} en retard sur {headline(sum(counts[s][i] for s in status.STATUTS))}"
                for i, c in enumerate(cats)) + ".", titre_axe="Objectifs"))
    return Diapo(
        titre="Avancement par priorité et par axe", sous_titre=f"{quarters.label(d.at)} · {territoires(d)}",
        blocs=charts,
        notes=notes("Chaque barre compte les objectifs (couples territoire × indicateur avec une cible) de la "
                     "priorité ou de l'axe dans chaque statut, comme les filtres de la page « Pilotage national ».",
                     METHODE_STATUTS, f"Territoires derrière les chiffres : {territoires(d)} du périmètre."))


def _completude(d: Donnees) -> Diapo:
    c = d.completude
    first = quarters.shift(d.at, -(len(c["trimestre"].unique()) - 1)) if len(c) else d.at
    quarter_list = quarters.quarter_range(first, d.at)
    rate = c["taux_completude"]
    classes = {
        COMPLETUDE[0][0]: rate >= 100, COMPLETUDE[1][0]: (rate > 0) & (rate < 100), COMPLETUDE[2][0]: rate.fillna(0) <= 0}
    counted = c["attendus"].fillna(0) > 0
    series = tuple(Serie(name, tuple(int((mask & counted & (c["trimestre"] == q)).sum()) for q in quarter_list), colour)
                   for (name, colour), mask in zip(COMPLETUDE, classes.values()))
    cats = tuple(quarters.label(q) for q in quarter_list)
    chart = Graphique(
        COLONNES_EMPILEES, "Territoires selon la complétude de leur déclaration", cats, series, FORMAT_ENTIER,
        "Colonnes empilées, par trimestre : territoires ayant déposé toutes, une partie ou aucune des valeurs "
        "attendues. " + " ; ".join(f"{cats[-1]}, {s.nom.lower()} : {s.valeurs[-1]}" for s in series) + ".",
        titre_axe="Territoires")
    worst, total = views.moins_complets(c, 8)
    per = worst.groupby("territoire", sort=False).agg(taux=("taux_completude", "mean"), delai=("delai_jours", "median"))
    table = Tableau(("Territoire", "Complétude moyenne", "Délai médian"), tuple(
        (d.noms(code), percent(r.taux, 0), "–" if pd.isna(r.delai) else f"{number(r.delai)} j")
        for code, r in per.iterrows()), "Tableau : les territoires aux déclarations les moins complètes sur la période, complétude moyenne et délai médian.")
    return Diapo(
        titre="Dépôts : complétude et délais", sous_titre=f"{cats[0]} – {cats[-1]} · {territoires(d, total)}",
        blocs=[chart, table], largeurs=(3, 2),
        notes=notes("Complétude d'un territoire pour un trimestre : indicateurs de base de sa feuille de route "
                     "renseignés / attendus (méthode de la page « Indicateurs et méthode »).",
                     "Délai : jours entre la fin du trimestre et la première valeur déposée pour ce trimestre.",
                     f"Tableau : les {len(per)} territoires à la complétude moyenne la plus basse sur "
                     f"{len(quarter_list)} trimestres, sur {territoires(d, total)}."))


def _definitions(d: Donnees) -> list[Diapo]:
    shown = list(views.CHIFFRES_CLES) + list(_avec_cible(d)["indicateur"])
    slides = definitions.diapos(d.catalogue, shown, DEFINITIONS_NOTE)
    slides.append(Diapo(
        titre="Méthode et statuts", sous_titre="Règles appliquées à chaque chiffre du document",
        blocs=[Texte(tuple(f"{status.affichage(s)} : {status.DEFINITIONS[s]}" for s in status.STATUTS)
                     + (METHODE_STATUTS,
                        "Agrégation nationale : flux sommés sur les territoires ayant déposé ; stocks sur la dernière "
                        "valeur connue ; taux comme rapport des sommes, jamais une moyenne de taux.",
                        "Un trimestre non renseigné ne compte jamais pour zéro."))],
        notes=notes("Méthode : ../methodologie (page « Indicateurs et méthode » du tableau de bord).",
                     METHODE_STATUTS, f"Population : millésime {d.millesime}." if d.millesime else "")))
    return slides
