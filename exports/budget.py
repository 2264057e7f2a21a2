"""The budget slide (fiche 5) of the Club deck and of the territory fiche: the AMI envelope's
consumption over the territories of the scope, with the territories whose coordinator post is not
co-funded 50/50 (the Club), and one territory's budget per poste with its rates and the 50/50 check
stated with its figures (the fiche). The figures are indicators.budget's, the same as the national
and territory pages' for the same exercice; the roles are data.budget's (the detail of a territory
to who may see it, the national view's figures to everyone else)."""

from __future__ import annotations

import pandas as pd

from core.formatting import euro, percent
from data import budget as budget_store
from data.access import Personne
from data.registre import LIBELLES_POSTES, POSTES
from exports.contenu import BLEU, GRIS, notes
from exports.modele import BARRES, COLONNES, FORMAT_EUROS, Diapo, Graphique, Serie, Tableau, Texte
from exports.perimetre import Donnees
from core.formatting import count as pluriel
from indicators import budget as ind
from indicators import budget_vues

VERT = "#18753C"  # paid: 3:1 on white at least, as BLEU and GRIS
POSTES_COURTS = {"coordination": "Coordination", "ingenierie": "Ingénierie", "intervention_sociale": "Intervention sociale",
                 "observation_sociale": "Observation sociale", "suivi_evaluation": "Suivi et évaluation",
                 "communication": "Communication"}
AVERTISSEMENTS_MAX = 3  # checks written on the slide; the others are counted there and listed in the notes
NOTE_DEFINITIONS = tuple(f"{titre} : {ind.DEFINITIONS[k]}" for titre, k in (
    ("Prévu", "prevu"), ("Engagé", "engage"), ("Versé", "verse"), ("Taux d'engagement", "taux_engagement"),
    ("Taux de versement", "taux_versement"), ("Cofinancement 50/50", "coordination"), ("Enveloppe AMI", "enveloppe")))
RESERVE = ("Le budget détaillé de ce territoire est réservé à sa coordination, aux services de l'État du territoire "
           "et à l'équipe nationale : seuls les chiffres de la vue nationale sont montrés.")


def exercice(at: str, exercices) -> int | None:
    """The exercice a deck at quarter ``at`` shows: that quarter's year, else the last one before
    it with a budget, else the first one recorded (None: no budget at all)."""
    years = sorted(set(int(e) for e in exercices))
    before = [y for y in years if y <= int(at[:4])]
    return before[-1] if before else (years[0] if years else None)


def _nombre(x) -> float | None:
    return None if ind.inconnu(x) else round(float(x), 2)


def _taux(x, base: str) -> str:
    return "" if ind.inconnu(x) else f"{percent(x)} {base}"


def _accord(n: int, adjectif: str) -> str:
    """'1 territoire conforme', '40 territoires non conformes'."""
    return f"{pluriel(n, 'territoire')} {adjectif}{'s' if n > 1 else ''}"


def _ligne_nationale(lignes: pd.DataFrame, territoire: str) -> pd.DataFrame:
    return lignes[lignes["territoire"].astype(str) == territoire]


def diapo_club(con, d: Donnees) -> Diapo | None:
    """The Club's budget slide over the territories of ``d``'s scope, for the exercice of its
    quarter (None when no budget nor envelope is recorded at all)."""
    year = exercice(d.at, budget_store.exercices(con))
    if year is None:
        return None
    codes = set(d.territoires["code"].astype(str))
    lignes = budget_store.lignes_agregees(con, year)
    lignes = lignes[lignes["territoire"].astype(str).isin(codes)]
    national, notifie = budget_store.enveloppes(con, year)
    notifie = notifie[notifie["territoire"].astype(str).isin(codes)]
    per = ind.consommation(lignes, notifie)
    entier = d.perimetre.entier
    enveloppe = ind.somme(national["montant"]) if entier and len(national) else None
    credits = ind.somme(per["notifie"])
    ami = {k: ind.somme(per[k]) for k in ("prevu", "engage", "verse")}
    base = enveloppe if entier and enveloppe is not None else credits
    base_label = "de l'enveloppe" if entier and enveloppe is not None else "du notifié"
    cats, values = [], []
    if entier:
        cats.append("Enveloppe AMI nationale")
        values.append(enveloppe)
    cats += ["Notifié aux territoires", "Prévu (AMI)", "Engagé (AMI)", "Versé (AMI)"]
    values += [credits, ami["prevu"], ami["engage"], ami["verse"]]
    sous_titre = f"Exercice {year} · {pluriel(len(codes), 'territoire')}"
    with_budget = lignes["territoire"].nunique()
    if lignes.empty and credits is None:
        return Diapo(titre="Budget et enveloppe AMI", sous_titre=sous_titre, blocs=[Texte((
            f"Aucun budget ni aucun crédit notifié n'est enregistré pour l'exercice {year} dans ce périmètre.",))],
            notes=notes(f"Exercice {year} : aucun des {pluriel(len(codes), 'territoire')} du périmètre n'a de budget "
                        "enregistré.", *NOTE_DEFINITIONS))
    chart = Graphique(
        BARRES, f"Crédits AMI {year}", tuple(cats),
        (Serie("Montant", tuple(_nombre(v) for v in values), BLEU,
               couleurs_points=tuple(GRIS if c.startswith(("Enveloppe", "Notifié")) else BLEU for c in cats)),),
        FORMAT_EUROS,
        f"Barres horizontales, exercice {year}, crédits spécifiques de l'État (AMI) sur "
        f"{pluriel(len(codes), 'territoire')} : " + " ; ".join(f"{c} : {euro(v)}" for c, v in zip(cats, values)) + ".")
    total = {k: ind.somme(lignes[k]) for k in ("prevu", "engage", "verse")}
    rows = tuple((c, euro(v, 0), "" if c.startswith("Enveloppe") or base is None or v is None
                  else percent(ind.taux(v, base))) for c, v in zip(cats, values))
    share = f"Part {base_label}"
    table = Tableau(("Crédits AMI", "Montant", share), rows, f"Tableau : crédits AMI {year} du périmètre et leur part "
                    f"{base_label}. " + " ; ".join(f"{a} : {b}" + (f" ({c})" if c else "") for a, b, c in rows) + ".")
    checks = ind.conformite(lignes)
    bad = checks[checks["conforme"] == False]  # noqa: E712 (None: not computable, not listed)
    good = int((checks["conforme"] == True).sum())  # noqa: E712
    unknown = len(checks) - len(bad) - good
    said = [f"Tous financeurs : {euro(total['prevu'], 0)} prévus, engagés à "
            f"{percent(ind.taux(total['engage'], total['prevu']))}, versés à "
            f"{percent(ind.taux(total['verse'], total['prevu']))}.",
            f"Poste de coordination (50/50) : {_accord(good, 'conforme')}, {_accord(len(bad), 'non conforme')}"
            + (f", {_accord(unknown, 'non calculable')}" if unknown else "") + "."]
    if len(bad):
        said.append("Non conformes : " + " ; ".join(
            f"{d.noms(r['territoire'])} (part de l'État {percent(r['part_etat_pct'])})"
            for r in bad.sort_values("territoire").to_dict("records")) + ".")
    over = per[per["depasse"] == True]  # noqa: E712
    if len(over):
        said.append("Prévu AMI au-delà des crédits notifiés : " + " ; ".join(
            f"{d.noms(c)} ({euro(p)} pour {euro(n)})" for c, p, n in zip(over["territoire"], over["prevu"], over["notifie"])) + ".")
    else:
        said.append("Aucun territoire ne prévoit plus de crédits AMI que ses crédits notifiés.")
    return Diapo(
        titre="Budget et enveloppe AMI", sous_titre=sous_titre, blocs=[chart, table, Texte(tuple(said))],
        largeurs=(4, 5, 3),
        notes=notes(f"Exercice {year} (année du trimestre de référence, ou la dernière avant lui ayant un budget) ; "
                    f"{pluriel(with_budget, 'territoire')} du périmètre avec un budget enregistré, sur "
                    f"{pluriel(len(codes), 'territoire')}.",
                    "Enveloppe nationale : montant notifié pour tout le programme ; taux des lignes AMI rapportés à "
                    "l'enveloppe." if entier and enveloppe is not None else
                    "Périmètre partiel : les lignes AMI sont rapportées aux crédits notifiés à ses territoires.",
                    "Les mêmes chiffres que la vue « Budget (fiche 5) et enveloppe AMI » de la page « Pilotage national ».",
                    *NOTE_DEFINITIONS))


def diapo_fiche(con, territoire: str, nom: str, at: str, reader: Personne) -> Diapo:
    """The fiche's budget slide: per poste, planned, committed and paid with the rates and the
    50/50 check, when ``reader`` may see the territory's detail; the national view's figures
    (AMI lines against the credits notified, the 50/50 verdict) otherwise; a sentence without budget."""
    detail = reader.peut_voir_detail(territoire)
    lignes = (budget_store.lignes(con, reader, territoire) if detail else
              _ligne_nationale(budget_store.lignes_agregees(con), territoire))
    year = exercice(at, lignes["exercice"])
    titre = f"Budget — {nom}"
    if year is None:
        return Diapo(titre=titre, sous_titre="Fiche 5 de la feuille de route", blocs=[Texte((
            f"Aucun budget (fiche 5) n'est encore enregistré pour {nom}.",))],
            notes=notes(f"{nom} : aucune ligne de budget enregistrée, pour aucun exercice.", *NOTE_DEFINITIONS,
                        "Un seul territoire derrière ces chiffres."))
    own = lignes[lignes["exercice"] == year]
    _national, notifie = budget_store.enveloppes(con, year)
    conso = ind.consommation(own, notifie[notifie["territoire"] == territoire])
    check = ind.conformite(own).iloc[0]
    said = [ind.phrase_conformite(check) if detail else
            f"Poste de coordination : {budget_vues.verdict(check['conforme'])}"
            + (f" (part de l'État {percent(check['part_etat_pct'])})." if not ind.inconnu(check["part_etat_pct"]) else ".")]
    for r in conso.to_dict("records"):
        if r["notifie"] is not None:
            said.append(f"Crédits AMI notifiés : {euro(r['notifie'])} ; prévus sur les lignes AMI : {euro(r['prevu'])}"
                        + (" : au-delà des crédits notifiés." if r["depasse"] else "."))
    sous_titre = f"Exercice {year} · fiche 5 de la feuille de route"
    base_notes = (f"Exercice {year} (année du trimestre de référence, ou la dernière avant lui ayant un budget).",
                  *NOTE_DEFINITIONS, "Un seul territoire derrière ces chiffres.")
    if not detail:
        return _fiche_vue_nationale(titre, sous_titre, year, conso, said, base_notes)
    table = ind.par_poste(own)
    totals = table[table["financeur"] == "total"]
    cats = tuple(POSTES_COURTS[p] for p in totals["poste"])
    series = tuple(Serie(label, tuple(_nombre(v) for v in totals[k]), colour) for label, k, colour in (
        ("Prévu", "prevu", GRIS), ("Engagé", "engage", BLEU), ("Versé", "verse", VERT)))
    chart = Graphique(
        COLONNES, f"Budget {year} par poste", cats, series, FORMAT_EUROS,
        f"Colonnes groupées, exercice {year}, pour chaque poste de la fiche 5, tous financeurs : " + " ; ".join(
            f"{c} : prévu {euro(r.prevu)}, engagé {euro(r.engage)}, versé {euro(r.verse)}"
            for c, r in zip(cats, totals.itertuples(index=False))) + ".")
    rows = [(c, euro(r.prevu, 0), percent(r.taux_engagement), percent(r.taux_versement))
            for c, r in zip(cats, totals.itertuples(index=False))]
    whole = {k: ind.somme(own[k]) for k in ("prevu", "engage", "verse")}
    rows.append(("Total", euro(whole["prevu"], 0), percent(ind.taux(whole["engage"], whole["prevu"])),
                 percent(ind.taux(whole["verse"], whole["prevu"]))))
    postes = Tableau(("Poste", "Prévu", "Engagé / prévu", "Versé / prévu"), tuple(rows),
                     f"Tableau : budget {year} par poste, prévu et taux d'engagement et de versement. "
                     + " ; ".join(f"{a} : {b}, engagé {c}, versé {e}" for a, b, c, e in rows) + ".")
    warnings = budget_vues.avertissements(own)
    said += warnings[:AVERTISSEMENTS_MAX]
    if len(warnings) > AVERTISSEMENTS_MAX:
        said.append(f"{pluriel(len(warnings) - AVERTISSEMENTS_MAX, 'autre contrôle')} dans les notes.")
    detail_lines = [f"{r.libelle_poste}, {r.libelle_financeur.lower()} : prévu {euro(r.prevu)}, engagé "
                    f"{euro(r.engage)}, versé {euro(r.verse)}" for r in table.itertuples(index=False)
                    if r.financeur != "total"]
    return Diapo(
        titre=titre, sous_titre=sous_titre, blocs=[chart, postes, Texte(tuple(said))], largeurs=(4, 5, 3),
        notes=notes(*base_notes, *warnings[AVERTISSEMENTS_MAX:], "Détail par financeur :", *detail_lines,
                    *(f"{POSTES_COURTS[p]} : {LIBELLES_POSTES[p]}" for p in POSTES if POSTES_COURTS[p] != LIBELLES_POSTES[p])))


def _fiche_vue_nationale(titre: str, sous_titre: str, year: int, conso: pd.DataFrame, said: list[str],
                         base_notes: tuple[str, ...]) -> Diapo:
    """Outside the reader's scope: what the national page shows of the territory (its AMI lines
    against its notified credits, the 50/50 verdict), never its lines per poste."""
    r = conso.iloc[0] if len(conso) else pd.Series({k: None for k in ("notifie", "prevu", "engage", "verse")})
    cats = ("Notifié", "Prévu (AMI)", "Engagé (AMI)", "Versé (AMI)")
    values = tuple(r[k] for k in ("notifie", "prevu", "engage", "verse"))
    chart = Graphique(
        BARRES, f"Crédits AMI {year}", cats,
        (Serie("Montant", tuple(_nombre(v) for v in values), BLEU, couleurs_points=(GRIS, BLEU, BLEU, BLEU)),),
        FORMAT_EUROS, f"Barres horizontales, exercice {year}, crédits spécifiques de l'État (AMI) du territoire : "
        + " ; ".join(f"{c} : {euro(v)}" for c, v in zip(cats, values)) + ".")
    return Diapo(titre=titre, sous_titre=sous_titre, blocs=[chart, Texte((*said, RESERVE))], largeurs=(3, 2),
                 notes=notes(*base_notes, RESERVE))

