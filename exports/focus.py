"""A territory's cards and trajectory chart (the territory page's figures: indicators.territoire's
progression_territoire and serie_indicateur, with the same rules of who reads what at which
quarter), for the Club deck's focus slides and the territory fiche."""

from __future__ import annotations

import pandas as pd

from data import reads
from data.access import Personne
from exports.contenu import BLEU, GRIS, ROUGE
from exports.modele import FORMAT_DECIMAL, FORMAT_ENTIER, FORMAT_POURCENT, LIGNES, Carte, Cartes, Diapo, Graphique, Serie
from indicators import noms, status
from core import quarters
from core.formatting import de, indicateur, percent
from indicators import views
from indicators import territoire as page_territoire
from indicators.declaration import declaration_incomplete

CARTES_FOCUS = 4  # cards on a focus slide, in large type (the fiche shows them all)
# The command line is a trusted caller: it reads as the national team.
CONFIANCE = Personne("ligne-de-commande", "national")


def lecteur(person: Personne | None) -> Personne:
    """Who reads: ``person``, or for a trusted caller (None) the national team."""
    return person or CONFIANCE


def trimestre_lisible(person: Personne | None, territoire: str, at: str) -> str:
    """The quarter at which ``person`` reads ``territoire``: ``at`` within their scope, else the
    default reference quarter (two quarters' cumulative figures would give a quarter's by difference)."""
    return lecteur(person).trimestre_lisible(territoire, at, reads.trimestre_de_reference())


def carte(row) -> Carte:
    """The card of one progress row (short label): status, achieved / target, progress,
    projection, and the quarters reported when some are missing."""
    shown = f"{indicateur(row.realise, row.unite)} / {indicateur(row.cible, row.unite)}"
    details = [shown if row.unite == "%" else f"{shown} {row.unite}"]
    if pd.notna(row.avancement_pct):
        ceiling = row.nature in ("flux", "somme") and row.sens == "baisse"
        details.append(f"{'Consommé' if ceiling else 'Avancement'} : {percent(row.avancement_pct)}")
    details.append(f"Projection {quarters.label(row.fin)} : {indicateur(row.projection_fin, row.unite)}")
    if declaration_incomplete(row.trimestres_renseignes, row.trimestres_ecoules):
        details.append(f"⚠ {int(row.trimestres_renseignes)}/{int(row.trimestres_ecoules)} trimestres renseignés")
    return Carte(noms.libelle_matrice(row.indicateur, row.libelle), status.affichage(row.statut), tuple(details),
                 statut=row.statut)


def indicateur_principal(prog: pd.DataFrame) -> str:
    """The indicator a single trajectory shows: the first headline figure of the roadmap, else its first."""
    for code in views.CHIFFRES_CLES:
        if code in set(prog["indicateur"]):
            return code
    return prog["indicateur"].iloc[0]


def echelle(unite: str) -> tuple[float, str]:
    """Divisor and invariant Office number code of a unit: percentages as fractions (0.0%)."""
    return (100.0, FORMAT_POURCENT) if unite == "%" else (1.0, FORMAT_ENTIER)


def trajectoire(con, code: str, row, at: str, person: Personne | None, nom: str) -> Graphique:
    """Line chart of one roadmap indicator over its window: achieved (cumulative), expected path,
    target; the quarterly values too when ``person`` may see the territory's detail."""
    serie = page_territoire.serie_indicateur(con, code, row.indicateur, row.debut, row.fin, at, lecteur(person))
    div, fmt = echelle(row.unite)

    def values(column):
        return tuple(None if pd.isna(v) else round(float(v) / div, 6) for v in serie[column])

    series = [Serie("Réalisé cumulé" if row.nature in ("flux", "somme") else "Réalisé", values("realise_affiche"), BLEU),
              Serie("Chemin attendu", values("attendu"), GRIS, pointilles=True),
              Serie("Cible", values("cible"), ROUGE, pointilles=True)]
    if serie["valeur_trimestre"].notna().any():
        series.append(Serie("Valeur du trimestre", values("valeur_trimestre"), "#18753C"))
    if fmt == FORMAT_ENTIER and any(v is not None and not float(v).is_integer() for s in series for v in s.valeurs):
        fmt = FORMAT_DECIMAL
    last = serie["realise_affiche"].last_valid_index()
    said = "aucun réalisé" if last is None else (
        f"réalisé {indicateur(serie.at[last, 'realise_affiche'], row.unite)} au {serie.at[last, 'libelle']}")
    return Graphique(
        LIGNES, f"Trajectoire : {row.libelle}", tuple(serie["libelle"]), tuple(series), fmt,
        f"Courbes {de(nom)}, {row.libelle} ({row.unite}), du {quarters.label(row.debut)} au {quarters.label(row.fin)} : "
        f"{said} ; cible {indicateur(row.cible, row.unite)} ; chemin attendu à ce jour "
        f"{indicateur(row.attendu, row.unite)}.",
        titre_axe=row.unite)


def diapo_focus(con, d, code: str, person: Personne | None) -> Diapo:
    """A focus slide of the Club deck: the territory's cards and one trajectory chart."""
    nom = d.noms(code)
    at = trimestre_lisible(person, code, d.at)
    prog = page_territoire.progression_territoire(con, code, at, lecteur(person))
    if prog.empty:
        return Diapo(titre=f"Focus : {nom}", sous_titre=quarters.label(at),
                     blocs=[Cartes((Carte("Feuille de route", "aucune", ("pas d'objectif à suivre",)),))],
                     notes=f"{nom} n'a pas de feuille de route avec des cibles au {quarters.label(at)}.")
    principal = indicateur_principal(prog)
    ordered = pd.concat([prog[prog["indicateur"] == principal], prog[prog["indicateur"] != principal]])
    shown = ordered.head(CARTES_FOCUS)
    row = next(prog[prog["indicateur"] == principal].itertuples(index=False))
    chart = trajectoire(con, code, row, at, person, nom)
    window = f"feuille de route {quarters.label(row.debut)} – {quarters.label(row.fin)}"
    return Diapo(
        titre=f"Focus : {nom}", sous_titre=f"{quarters.label(at)} · {window}",
        blocs=[Cartes(tuple(carte(r) for r in shown.itertuples(index=False)), par_ligne=2), chart], largeurs=(1, 1),
        notes="\n".join([
            f"{nom} : {len(prog)} indicateurs dans la feuille de route, {len(shown)} présentés ici "
            "(le premier chiffre clé de la feuille de route d'abord).",
            f"Trajectoire : {row.libelle} — {row.definition} Réalisé cumulé aux trimestres renseignés, chemin "
            "attendu (avec jalon le cas échéant) et cible.",
            "Statuts : " + " ; ".join(f"{status.affichage(s)} : {status.DEFINITIONS[s]}" for s in status.STATUTS),
            "Un seul territoire derrière ces chiffres."
            + ("" if at == d.at else f" Chiffres du {quarters.label(at)} : hors du périmètre de la personne, un "
               "territoire ne se lit qu'au dernier trimestre complet.")]))
