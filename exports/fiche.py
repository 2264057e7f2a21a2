"""The territory fiche (presentation.md, "The territory fiche") as a deck model: identity and
roadmap window with a card per roadmap indicator; the trajectory of up to three indicators;
comparison per 100,000 inhabitants with the territories of the same type, and completeness; the
definitions. The figures are the territory page's (indicators.territoire), read by the same rules."""

from __future__ import annotations

import pandas as pd

from data import queries, store
from data import reads
from data.access import Personne
from data.reads import TYPES_TERRITOIRE
from exports import actions as actions_diapo
from exports import budget as budget_diapo
from exports import definitions, focus
from exports.contenu import BLEU, DEFINITIONS_NOTE, ROUGE
from exports.modele import (BARRES, COLONNES, FORMAT_DECIMAL, FORMAT_POURCENT, MENTION_DEMO, SOURCE, Cartes, Deck,
                            Diapo, ExportImpossible, Graphique, Serie)
from exports.texte import date
from indicators import national, noms, status
from core import quarters
from core.clock import maintenant
from core.formatting import count, de, headline, percent
from indicators import territoire as page_territoire

TRAJECTOIRES = 3  # indicators with a trajectory chart
COMPARES_MAX = 15  # territories on the comparison chart (the territory itself always among them)


def construire(con, territoire: str, at: str | None = None, person: Personne | None = None) -> Deck:
    """The fiche of ``territoire`` at ``at`` (default: the last complete quarter). The quarterly
    values appear only when ``person`` may see the territory's detail (None: a trusted caller)."""
    # outside the person's scope, the default reference quarter whatever was asked (indicators.territoire)
    at = focus.trimestre_lisible(person, territoire, quarters.reference(at))
    reader = focus.lecteur(person)
    terr = reads.territoires(con, actifs_seulement=False)
    found = terr[terr["code"] == territoire]
    if found.empty:
        raise ExportImpossible(f"Territoire inconnu : « {territoire} ». Vérifiez le code (SIREN d'un EPCI, "
                               "code INSEE d'une commune ou d'un département).")
    info = found.iloc[0]
    nom = noms.nom_court(info["nom"], info["type"])
    prog = page_territoire.progression_territoire(con, territoire, at, reader)
    if prog.empty:
        raise ExportImpossible(f"{info['nom']} ({territoire}) n'a pas de feuille de route avec des cibles au "
                               f"{quarters.label(at)} : aucune fiche à produire.")
    debut, fin = prog["debut"].iloc[0], prog["fin"].iloc[0]
    if at < debut:
        raise ExportImpossible(f"Aucune donnée pour le {quarters.label(at)} : la feuille de route {de(info['nom'])} "
                               f"({territoire}) ne commence qu'au {quarters.label(debut)}.")
    derniers = quarters.last_complete(maintenant().date())
    if at > derniers and territoire in set(queries.territories_without_values(con, at)["code"]):
        raise ExportImpossible(f"Aucune donnée pour le {quarters.label(at)} : ce trimestre n'est pas terminé et "
                               f"{info['nom']} ({territoire}) n'y a rien déposé (dernier trimestre complet : "
                               f"{quarters.label(derniers)}).")
    comp = page_territoire.completude_territoire(con, territoire, debut, min(at, fin))
    if comp["renseignes"].fillna(0).sum() == 0:
        raise ExportImpossible(f"Aucune donnée déposée par {info['nom']} ({territoire}) sur sa feuille de route "
                               f"jusqu'au {quarters.label(at)}.")
    label = quarters.label(at)
    deck = Deck(titre=f"Fiche territoire — {info['nom']}", trimestre=label,
                date_donnees=date(queries.date_des_donnees(con, [territoire])), source=SOURCE, demo=store.is_demo(con),
                reference=at)
    window = f"feuille de route {quarters.label(debut)} – {quarters.label(fin)}"
    millesime = national.population_millesime(con)
    identity = (f"{TYPES_TERRITOIRE.get(info['type'], info['type'])} · {info['vague']} · "
                f"{headline(info['population'])} habitants" + (f" ({millesime})" if millesime else "")
                + f" · {window}")
    principal = focus.indicateur_principal(prog)
    ordered = pd.concat([prog[prog["indicateur"] == principal], prog[prog["indicateur"] != principal]])
    rows = list(ordered.itertuples(index=False))
    counts = prog["statut"].value_counts()
    deck.diapos = [
        Diapo(titre=info["nom"], sous_titre=identity,
              blocs=[Cartes(tuple(focus.carte(r) for r in rows), par_ligne=5)],
              notes="\n".join([
                  f"{info['nom']} ({territoire}) : {identity}, au {label}.",
                  f"{count(len(prog), 'indicateur')} dans la feuille de route : " + " ; ".join(
                      f"{status.libelle(s)} : {int(counts.get(s, 0))}" for s in status.STATUTS if counts.get(s, 0)) + ".",
                  "Carte : statut, réalisé face à la cible, avancement, projection en fin de fenêtre, trimestres "
                  "renseignés quand il en manque. Définitions des statuts : " + " ; ".join(
                      f"{status.affichage(s)} : {status.DEFINITIONS[s]}" for s in status.STATUTS),
                  "Un seul territoire derrière ces chiffres."])),
        Diapo(titre=f"Trajectoires — {nom}", sous_titre=f"{label} · {window}",
              blocs=[focus.trajectoire(con, territoire, r, at, person, nom) for r in rows[:TRAJECTOIRES]],
              notes="\n".join([
                  "Réalisé cumulé aux trimestres renseignés (un trimestre non renseigné n'est jamais compté pour "
                  "zéro), chemin attendu (avec jalon à un an le cas échéant) et cible.",
                  "Valeurs trimestrielles montrées à qui peut voir le détail du territoire." if
                  person is None or person.peut_voir_detail(territoire) else
                  "Valeurs trimestrielles réservées au territoire et à l'équipe nationale : non montrées.",
                  *(f"{r.libelle} : {r.definition}" for r in rows[:TRAJECTOIRES]),
                  "Un seul territoire derrière ces chiffres."])),
        _comparaison_completude(con, territoire, info, rows[0], comp, at, reader),
    ] + [d for d in (actions_diapo.diapo_fiche(con, territoire, nom, at, reader),) if d] + [
        budget_diapo.diapo_fiche(con, territoire, nom, at, reader)] + definitions.diapos(reads.catalogue(con), prog["indicateur"], DEFINITIONS_NOTE)
    deck.proprietes = {"title": f"Fiche territoire — {info['nom']} — {label}", "subject": f"{info['nom']} ({territoire})",
                       "keywords": f"Logement d'abord; fiche territoire; {label}",
                       "category": MENTION_DEMO if deck.demo else "Pilotage"}
    return deck


def note_trimestre(demande: str | None, deck: Deck) -> str:
    """The French sentence saying that the fiche is not at the quarter asked (``demande``), and why;
    empty when it is (or when none was asked)."""
    if not demande or deck.reference == demande:
        return ""
    return (f"Fiche au {quarters.label(deck.reference)} et non au {quarters.label(demande)} demandé : hors du "
            "périmètre de la personne, les chiffres d'un territoire ne se lisent qu'au dernier trimestre complet "
            "(à deux trimestres, leurs cumuls donneraient par différence les valeurs de chaque trimestre).")


def _comparaison_completude(con, territoire: str, info, row, comp: pd.DataFrame, at: str, reader: Personne) -> Diapo:
    # other territories: at the default reference quarter outside the national team
    at = reads.trimestre_comparaison(reader, at)
    same = page_territoire.comparaison(con, territoire, row.indicateur, at, reader)
    same = same.dropna(subset=["pour_100000"]).sort_values("pour_100000", ascending=False)
    if len(same) > COMPARES_MAX:  # the best ones and the territory itself
        keep = same.head(COMPARES_MAX - 1)
        same = pd.concat([keep, same[(same["territoire"] == territoire) & ~same["territoire"].isin(keep["territoire"])]])
    ratio = row.nature == "ratio"
    fmt = FORMAT_POURCENT if ratio else FORMAT_DECIMAL
    values = tuple(round(float(v) / (100 if ratio else 1), 6) for v in same["pour_100000"])
    cats = tuple(noms.noms_courts(same["nom"], [info["type"]] * len(same), same["territoire"]))
    colours = tuple(ROUGE if c == territoire else BLEU for c in same["territoire"])
    flow = row.nature in ("flux", "somme")
    what = "taux" if ratio else ("pour 100 000 habitants, par trimestre renseigné" if flow else "pour 100 000 habitants")
    mine = same[same["territoire"] == territoire]["pour_100000"]
    said = "–" if mine.empty else (percent(mine.iloc[0]) if ratio else headline(mine.iloc[0]))
    chart = Graphique(
        BARRES, f"{row.libelle} : {what}", cats, (Serie(row.libelle, values, BLEU, couleurs_points=colours),), fmt,
        f"Barres horizontales : {row.libelle}, {what}, pour {count(len(same), 'territoire')} du même type ; "
        f"{cats[list(same['territoire']).index(territoire)] if territoire in set(same['territoire']) else info['nom']} : "
        f"{said} (barre rouge).")
    rates = tuple(None if pd.isna(v) else round(float(v) / 100, 4) for v in comp["taux_completude"])
    completeness = Graphique(
        COLONNES, "Complétude des dépôts", tuple(comp["libelle"]), (Serie("Complétude", rates, BLEU),), FORMAT_POURCENT,
        "Colonnes, par trimestre : part des indicateurs attendus effectivement déposés. "
        + " ; ".join(f"{q} : {percent(v, 0)}" for q, v in zip(comp["libelle"], comp["taux_completude"])) + ".")
    return Diapo(
        titre="Comparaison et complétude", sous_titre=f"Territoires du même type · {quarters.label(at)}",
        blocs=[chart, completeness], largeurs=(3, 2),
        notes="\n".join([
            f"Comparaison : {row.libelle}, chaque territoire sur sa propre feuille de route jusqu'au "
            f"{quarters.label(at)} (les chiffres de ses cartes), comme sur la page « Mon territoire » : "
            + ("le taux lui-même." if ratio else
               "réalisé par trimestre renseigné × 100 000 / population (les territoires ne déposent pas tous le "
               "même nombre de trimestres)." if flow else "dernier niveau connu × 100 000 / population."),
            f"{count(len(same), 'territoire')} du même type derrière le graphique (au plus {COMPARES_MAX} montrés).",
            "Complétude : indicateurs de base de la feuille de route renseignés / attendus, par trimestre."]))
