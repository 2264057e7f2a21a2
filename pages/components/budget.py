"""The budget of fiche 5 on the pages: a territory's section (per poste, prévu / engagé / versé per
financeur, rates, the 50/50 check of the coordinator post with its figures, the warnings, the upload
of the budget file) and the national view (the AMI envelope's consumption, the territories non
conformes). Session keys start with ``budget_``. The figures are computed in indicators/budget.py,
the roles enforced in data/budget.py."""

from __future__ import annotations

import streamlit as st

from core.formatting import euro_compact
from data import budget as budget_store
from data import queries
from data.access import Personne
from indicators import budget, budget_vues
from pages.components import budget_depot
from pages.components.store import read
from pages.components.tables import tableau


CHIFFRES_NATIONAUX = (("Enveloppe notifiée", "enveloppe"), ("Notifié aux territoires", "notifie"),
                      ("Prévu (AMI)", "prevu"), ("Engagé (AMI)", "engage"), ("Versé (AMI)", "verse"))


def euros_compacts(x) -> str:
    """An amount for a headline card, French style (core.formatting.euro_compact): 4,57 M€ ;
    "non connu" for an unknown amount, as budget.euros says it."""
    return budget.euros(x) if budget.inconnu(x) else euro_compact(x)


def _definitions() -> None:
    with st.expander("Définitions des chiffres du budget"):
        st.markdown("\n".join(f"- **{titre}** : {budget.DEFINITIONS[k]}" for titre, k in (
            ("Prévu", "prevu"), ("Engagé", "engage"), ("Versé", "verse"), ("Taux d'engagement", "taux_engagement"),
            ("Taux de versement", "taux_versement"), ("Cofinancement 50/50", "coordination"),
            ("Enveloppe AMI", "enveloppe"))))


def _exercice(exercices: list[int], key: str) -> int:
    # the exercice of a file just stored (budget_depot), chosen before the list is drawn
    if (suivant := st.session_state.pop(f"{key}_suivant", None)) in exercices:
        st.session_state[key] = suivant
    return st.selectbox("Exercice", exercices, index=len(exercices) - 1, key=key, placeholder="Choisir un exercice")


def _verdict(row) -> None:
    text = budget.phrase_conformite(row)
    {"conforme": st.success, "non conforme": st.warning}.get(budget_vues.verdict(row["conforme"]), st.info)(text)


def section_territoire(person: Personne, code: str, nom: str) -> None:
    """The « Budget (fiche 5) » section of a territory: its detail within the person's rights."""
    st.header("Budget (fiche 5)")
    if not person.peut_voir_detail(code):
        st.info("Le budget détaillé de ce territoire est réservé à sa coordination, aux services de l'État du "
                "territoire et à l'équipe nationale.")
        return
    lignes = read(budget_store.lignes, person, code, None)
    if lignes.empty:
        st.info("Aucun budget n'est encore enregistré pour ce territoire.")
    else:
        exercice = _exercice(sorted(set(lignes["exercice"])), "budget_exercice")
        own = lignes[lignes["exercice"] == exercice]
        _verdict(budget.conformite(own).iloc[0])
        _national, notifie = read(budget_store.enveloppes, exercice)
        for r in budget.consommation(own, notifie[notifie["territoire"] == code]).to_dict("records"):
            if r["depasse"] is True:
                st.warning(f"{nom}, exercice {exercice} : les crédits spécifiques AMI prévus ({budget.euros(r['prevu'])}) "
                           f"dépassent les crédits notifiés au territoire ({budget.euros(r['notifie'])}).")
            elif r["notifie"] is not None:
                st.caption(f"Crédits AMI notifiés pour {exercice} : {budget.euros(r['notifie'])} ; prévus sur les "
                           f"lignes AMI : {budget.euros(r['prevu'])}.")
        for text in budget_vues.avertissements(own):
            st.warning(text)
        ecran, export = budget_vues.tableau_postes(own)
        tableau(ecran, f"budget-{code}-{exercice}", key="budget_t_postes", export=export,
                titre=f"{nom} — budget {exercice} par poste et financeur",
                column_config={c: st.column_config.TextColumn(c, help=h) for c, h in budget_vues.AIDES_POSTE.items()})
        _definitions()
    if person.peut_deposer(code):
        budget_depot.section(person, code, lignes)


def section_nationale(person: Personne) -> None:
    """The national budget view: the AMI envelope's consumption per exercice and per territory, the
    territories whose coordinator post is not co-funded 50/50."""
    st.header("Budget (fiche 5) et enveloppe AMI")
    exercices = read(budget_store.exercices)
    if not exercices:
        st.info("Aucun budget ni aucune enveloppe ne sont encore enregistrés.")
        return
    exercice = _exercice(exercices, "budget_exercice_national")
    lignes = read(budget_store.lignes_agregees, exercice)
    national, notifie = read(budget_store.enveloppes, exercice)
    per = budget.consommation(lignes, notifie)
    row = budget.consommation_nationale(per, national).set_index("exercice").reindex([exercice]).iloc[0]
    cols = st.columns(5)
    for col, (label, key) in zip(cols, CHIFFRES_NATIONAUX):
        # the exact amount would be cut at 1 280 px (« 4 000 00… »): a compact one, the exact one in the help
        col.metric(label, euros_compacts(row[key]),
                   help=f"{budget.DEFINITIONS['enveloppe']}\n\nMontant exact : {budget.euros(row[key])}.")
    st.caption(f"Prévu : {budget.pct(row['taux_prevu'])} de l'enveloppe ; engagé : {budget.pct(row['taux_engagement'])} ;"
               f" versé : {budget.pct(row['taux_versement'])}. Territoires au-delà de leurs crédits notifiés : "
               f"{int(row['territoires_depassement'])}.")
    noms = dict(read(queries.territories)[["code", "nom"]].itertuples(index=False))
    checks = budget.conformite(lignes)
    bad = checks[checks["conforme"] == False]  # noqa: E712 (None: not computable, not listed)
    if len(bad):
        st.warning("Poste de coordination non cofinancé à 50/50 : " + " ; ".join(
            f"{noms.get(r['territoire'], r['territoire'])} (part de l'État {budget.pct(r['part_etat_pct'])})"
            for r in bad.to_dict("records")) + ".")
    else:
        st.success("Aucun territoire n'a un poste de coordination non conforme au 50/50 pour cet exercice.")
    ecran, export = budget_vues.tableau_territoires(lignes, notifie, noms, exercice)
    tableau(ecran, f"budget-territoires-{exercice}", key="budget_t_territoires", export=export,
            titre=f"Budget {exercice} et enveloppe AMI par territoire",
            column_config={c: st.column_config.TextColumn(c, help=h) for c, h in budget_vues.AIDES_TERRITOIRES.items()})
    _definitions()
