"""The upload history of the « Déposer des données » page: who, when, file, counts, outcome; the
detail of one upload; its undo by an administrator. Owns the ``depot_examiner_*`` and
``depot_annul*`` keys of st.session_state; the work is in data.preview."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import preview as apercu_data
from data import store
from data.access import Personne
from data.registre import ANNULATION, REFUSE
from data.uploads import libelle_type
from pages.components import erreurs
from pages.components.depot import TOUS, date_affichee, territory_choice
from core.formatting import count, number
from pages.components.store import db_path, read
from pages.components.tables import tableau

EXAMINER = "depot_examiner"  # prefix of the selector's key (one per list of uploads)



def _history_frame(hist: pd.DataFrame) -> pd.DataFrame:
    def outcome(row) -> str:
        if row["resultat"] == REFUSE:
            return "refusé"
        if row["type_fichier"] == ANNULATION:
            return "annulation"
        if isinstance(row["annule_par"], str):
            return f"annulé le {date_affichee(row['annule_le'])} par {row['annule_par']}"
        return "enregistré"

    return pd.DataFrame({
        "N°": hist["id"].astype(int), "Reçu le": pd.to_datetime(hist["recu_le"]), "Déposé par": hist["utilisateur"],
        "Fichier": hist["fichier"], "Type": hist["type_fichier"].map(libelle_type),
        "Territoires": hist["territoires"],
        "Résultat": [outcome(r) for r in hist.to_dict("records")],
        "Nouvelles": hist["nb_nouvelles"], "Révisées": hist["nb_revisees"], "Inchangées": hist["nb_inchangees"],
        "Non renseignées": hist["nb_non_renseignees"], "Erreurs": hist["nb_erreurs"],
        "Avertissements": hist["nb_avertissements"],
    })


def historique_section(person: Personne) -> None:
    st.header("Historique des dépôts")
    territoire = territory_choice(person, "depot_historique_territoire", allow_all=True)
    territoire = None if territoire == TOUS else territoire
    hist = read(apercu_data.historique, person, territoire)
    if hist.empty:
        st.info("Aucun dépôt pour l'instant.")
        return
    tableau(_history_frame(hist), "historique-depots", key="depot_historique", titre="Historique des dépôts")
    ids = [int(i) for i in hist["id"]]
    files = dict(zip(ids, hist["fichier"]))
    # a key of its own for each list of uploads: when an upload arrives or is undone, the browser
    # shows a fresh selector on the newest one (with one fixed key it kept showing the former
    # choice's label over the newest upload's detail)
    chosen = st.selectbox("Examiner un dépôt", ids, key=f"{EXAMINER}_{len(ids)}_{ids[0]}",
                          format_func=lambda i: f"n° {i} — {files[i]}", placeholder="Choisir un dépôt")
    _detail(person, int(chosen), hist[hist["id"] == chosen].iloc[0])


def _detail(person: Personne, depot_id: int, row) -> None:
    try:
        det = read(apercu_data.detail, depot_id, person)
    except apercu_data.DepotRefuse as exc:
        st.error(erreurs.message_page(exc))
        return
    if len(det.revisions):
        st.markdown(f"**Révisions faites par ce dépôt** ({number(len(det.revisions))})")
        frame = det.revisions.assign(ancien_le=pd.to_datetime(det.revisions["ancien_le"]))
        frame.columns = ["Territoire", "Indicateur", "Trimestre", "Ancienne valeur", "Nouvelle valeur",
                         "Enregistrée par", "Le"]
        tableau(frame, f"depot-{depot_id}-revisions", key="depot_detail_revisions",
                titre=f"Dépôt n° {depot_id} — révisions")
    if len(det.valeurs):
        st.markdown(f"**Valeurs enregistrées par ce dépôt** ({number(len(det.valeurs))})")
        frame = det.valeurs.assign(courante=det.valeurs["courante"].map({True: "oui", False: "non (remplacée)"}))
        frame.columns = ["Territoire", "Indicateur", "Trimestre", "Valeur", "Révision", "Courante"]
        tableau(frame, f"depot-{depot_id}-valeurs", key="depot_detail_valeurs",
                titre=f"Dépôt n° {depot_id} — valeurs enregistrées")
    problems = [p for p in det.problemes if isinstance(p, dict) and p.get("message")]
    if problems:
        st.markdown(f"**Problèmes et avertissements** ({number(len(problems))})")
        frame = pd.DataFrame([[p.get("ligne"), p.get("colonne"), p.get("valeur"), p.get("message")] for p in problems],
                             columns=["Ligne", "Colonne", "Valeur", "Problème"])
        tableau(frame, f"depot-{depot_id}-problemes", key="depot_detail_problemes",
                titre=f"Dépôt n° {depot_id} — problèmes et avertissements")
    if row["type_fichier"] == apercu_data.ANNULATION and det.problemes:
        d = det.problemes[0]
        st.info(f"Annulation du dépôt n° {d.get('depot_annule')} : "
                f"{count(d.get('restaurees', 0), 'valeur restaurée', 'valeurs restaurées')}, "
                f"{count(d.get('retirees', 0), 'valeur retirée', 'valeurs retirées')} (créées par ce dépôt, gardées dans l'historique), "
                f"{count(d.get('modifiees_depuis', 0), 'modifiée', 'modifiées')} depuis et laissées telles quelles.")
    undoable = (row["resultat"] == "enregistre" and row["type_fichier"] in ("values", "actions")
                and not isinstance(row["annule_par"], str))
    if person.peut_administrer and undoable:
        _undo(person, depot_id)


def _undo(person: Personne, depot_id: int) -> None:
    with st.expander(f"Annuler le dépôt n° {depot_id}"):
        st.markdown(
            "L'annulation remet les données dans l'état d'avant ce dépôt : de **nouvelles révisions remettent "
            "les valeurs antérieures**, et les valeurs que ce dépôt a **créées** sont **retirées** (elles ne "
            "comptent plus, mais restent dans l'historique : rien n'est effacé). Les valeurs modifiées depuis "
            "par un autre dépôt ne sont pas touchées."
        )
        sure = st.checkbox("Je confirme l'annulation de ce dépôt", key=f"depot_annuler_ok_{depot_id}")
        if st.button("Annuler ce dépôt", key=f"depot_annuler_{depot_id}", disabled=not sure):
            try:
                with store.connect(db_path()) as con:
                    done = apercu_data.annuler_depot(con, depot_id, person)
            except apercu_data.DepotRefuse as exc:
                st.error(erreurs.message_page(exc))
                return
            st.session_state["depot_annulation"] = (
                f"Dépôt n° {depot_id} annulé (annulation n° {done.depot_id}) : "
                f"{count(done.restaurees, 'valeur restaurée', 'valeurs restaurées')}, "
                f"{count(done.retirees, 'valeur retirée', 'valeurs retirées')} (créées par ce dépôt, gardées dans l'historique), "
                f"{count(done.modifiees_depuis, 'modifiée', 'modifiées')} depuis et laissées telles quelles.")
            st.rerun()


def annulation_message() -> None:
    if msg := st.session_state.pop("depot_annulation", None):
        st.success(msg)
