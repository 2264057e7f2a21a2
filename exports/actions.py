"""The actions slide of the Club deck and of the territory fiche: how many actions of the roadmaps
per status, per priority (the Club) or per axe (the fiche), late ones said apart, as a native chart
with its text alternative and a table. The figures are indicators.actions', the same as the
national and territory pages' for the same quarter and scope."""

from __future__ import annotations

from core import quarters
from data.access import Personne
from exports.modele import BARRES_EMPILEES, FORMAT_ENTIER, Diapo, Graphique, Serie, Tableau
from core.formatting import count, headline as nombre
from indicators import actions as ind

# one colour per status, always with its icon and words in the series' name
COULEURS = {"a_venir": "#666666", "en_cours": "#000091", "realisee": "#18753C", "en_pause": "#B34000",
            "bloquee": "#CE0500", "abandonnee": "#6E445A", ind.NON_RENSEIGNE: "#767676"}  # 3:1 on white at least
NOTE_DEFINITIONS = tuple(ind.DEFINITIONS.values())


def _chart(counts, categories: tuple[str, ...], titre: str, what: str) -> Graphique:
    series = tuple(Serie(ind.libelle_statut(s), tuple(int(v) for v in counts[f"nb_{s}"]), COULEURS[s])
                   for s in ind.STATUTS if counts[f"nb_{s}"].sum())
    alternative = (f"Barres empilées : par {what}, le nombre d'actions dans chaque statut. " + " ; ".join(
        f"{c} : {count(int(r.nb_actions), 'action')} dont {nombre(int(r.en_retard))} en retard"
        for c, r in zip(categories, counts.itertuples(index=False))) + ".")
    return Graphique(BARRES_EMPILEES, titre, categories, series, FORMAT_ENTIER, alternative, titre_axe="Actions")


def _totaux(state) -> Tableau:
    table = ind.par_statut(state)
    rows = tuple((s, nombre(int(n))) for s, n in zip(table["Statut"], table["Nombre"]))
    return Tableau(("Statut", "Actions"), rows, "Tableau : nombre d'actions par statut. "
                   + " ; ".join(f"{s} : {n}" for s, n in rows) + ".")


def diapo_club(con, at: str, codes: list[str], territoires: str) -> Diapo | None:
    """The Club's actions slide over the territories ``codes`` (None when none has any action)."""
    state = ind.suivi(con, at, codes)
    if state.empty:
        return None
    counts = ind.comptes(state, ("priorite",))
    categories = tuple(f"Priorité {p}" for p in counts["priorite"])
    chart = _chart(counts, categories, "Actions par statut, par priorité du plan", "priorité du plan")
    r = ind.resume(state)
    return Diapo(
        titre="Actions des feuilles de route", sous_titre=f"{quarters.label(at)} · {territoires}",
        blocs=[chart, _totaux(state)], largeurs=(2, 1),
        notes="\n".join((f"{count(r['actions'], 'action')} dans les feuilles de route de "
                         f"{count(state['territoire'].nunique(), 'territoire')}, dont {nombre(r['en_retard'])} en retard.",
                         *NOTE_DEFINITIONS,
                         *(f"Priorité {p} : {ind.PRIORITES[p]}" for p in counts["priorite"]))))


def diapo_fiche(con, territoire: str, nom: str, at: str, reader: Personne) -> Diapo | None:
    """The fiche's actions slide: per axe, and the late actions by name when ``reader`` may see the
    territory's detail (None when the territory has no action)."""
    detail = reader.peut_voir_detail(territoire)
    state = ind.detail_territoire(con, reader, territoire, at) if detail else ind.suivi(con, at, [territoire])
    if state.empty:
        return None
    counts = ind.comptes(state, ("axe",))
    categories = tuple(f"Axe {a}" for a in counts["axe"])
    blocs: list = [_chart(counts, categories, "Actions par statut, par axe du plan", "axe du plan")]
    late = ind.ordre_affichage(state)
    late = late[late["en_retard"]]
    if detail and len(late):
        rows = tuple((r.ref_action, str(r.intitule), ind.libelle_statut(r.statut, True))
                     for r in late.head(8).itertuples(index=False))
        blocs.append(Tableau(("Réf.", "Action en retard", "Statut"), rows, "Tableau des actions en retard : " + " ; ".join(
            f"{a} {b}" for a, b, _ in rows) + "."))
    else:
        blocs.append(_totaux(state))
    r = ind.resume(state)
    return Diapo(
        titre=f"Actions de la feuille de route — {nom}", sous_titre=quarters.label(at), blocs=blocs, largeurs=(3, 2),
        notes="\n".join((f"{count(r['actions'], 'action')}, dont {nombre(r['en_retard'])} en retard"
                         + (f" ; {len(late) - 8} autres en retard non listées." if detail and len(late) > 8 else "."),
                         *NOTE_DEFINITIONS, *(f"Axe {a} : {ind.AXES[a]}" for a in counts["axe"]),
                         "Un seul territoire derrière ces chiffres.")))
