"""Uploading the budget file of fiche 5 from the territory page: the template pre-filled for the
territory, the drop, the report (problems and warnings), the preview (new / revised / unchanged)
and the confirmation, through the one pipeline of loaders/depot.py (kind « budget »). Undo is on the
upload history of the « Déposer des données » page, like any upload. Session keys ``budget_*``."""

from __future__ import annotations

import datetime as dt
import hashlib

import pandas as pd
import streamlit as st

from data.access import Personne
from data.registre import LIBELLES_FINANCEURS, LIBELLES_POSTES
from indicators import budget
from loaders import correction, templates
from loaders.budget import phrase_conservee
from loaders.depot import Preparation, confirmer, preparer
from loaders.headers import BUDGET
from core.formatting import count as compte
from pages.components import erreurs
from pages.components.store import db_path, refresh_version
from pages.components.tables import tableau

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STATUTS = {"nouvelle": "nouvelle", "revisee": "révisée", "inchangee": "inchangée"}


def _templates(code: str, lignes: pd.DataFrame) -> None:
    this_year = dt.date.today().year
    exercice = st.number_input("Exercice du modèle", min_value=2017, max_value=this_year + 2, value=this_year,
                               step=1, key="budget_modele_exercice")
    st.caption("Le modèle contient une ligne par poste et par financeur, pré-remplie avec les montants déjà "
               "enregistrés ; une ligne laissée vide (sans aucun montant) n'est pas lue.")
    row = st.container(horizontal=True, gap="small")
    row.download_button("Modèle budgétaire (Excel)", lambda: templates.budget_xlsx_bytes(code, int(exercice), lignes),
                        file_name=f"budget_{code}_{int(exercice)}.xlsx", mime=XLSX_MIME, key="budget_modele_xlsx",
                        icon=":material/download:", on_click="ignore")
    row.download_button("Modèle budgétaire (CSV)", lambda: templates.budget_csv_bytes(code, int(exercice), lignes),
                        file_name=f"budget_{code}_{int(exercice)}.csv", mime="text/csv", key="budget_modele_csv",
                        icon=":material/download:", on_click="ignore")


def _prepare(data: bytes, name: str, person: Personne) -> Preparation:
    cache: dict = st.session_state.setdefault("budget_preparations", {})
    key = (hashlib.sha256(data).hexdigest(), name, person)
    if key not in cache:
        cache.clear()  # one budget file at a time
        with st.spinner("Vérification du fichier…"):
            cache[key] = preparer(data, name, db_path(), personne=person, auditer=True, kind=BUDGET)
    return cache[key]


def _apercu_table(apercu) -> pd.DataFrame:
    lignes = apercu.lignes
    return pd.DataFrame({
        "Statut": lignes["statut"].map(STATUTS), "Ligne du fichier": lignes["ligne"],
        "Exercice": lignes["exercice"].astype(str), "Poste": lignes["poste"].map(LIBELLES_POSTES),
        "Financeur": lignes["financeur"].map(LIBELLES_FINANCEURS),
        "Prévu": lignes["prevu"].map(budget.euros), "Engagé": lignes["engage"].map(budget.euros),
        "Versé": lignes["verse"].map(budget.euros),
        "Prévu avant": [budget.euros(v) if s == "revisee" else "" for v, s in zip(lignes["ancien_prevu"], lignes["statut"])],
        "Remarque": [" ; ".join(phrase_conservee(m, r[m]) for m in ("engage", "verse") if r[f"{m}_conserve"])
                     for r in lignes.to_dict("records")],
    })


def _conserves(apercu) -> int:
    """How many amount cells of the file are empty over a known amount (they keep it)."""
    lignes = apercu.lignes
    return int(lignes["engage_conserve"].sum() + lignes["verse_conserve"].sum()) if len(lignes) else 0


def lignes_comptees(nouvelles: int, revisees: int, inchangees: int) -> str:
    """« 1 nouvelle, 2 révisées, 0 inchangée »: French plurals, never « révisée(s) »."""
    return (f"{compte(nouvelles, 'nouvelle')}, {compte(revisees, 'révisée')}, "
            f"{compte(inchangees, 'inchangée')}")


def resume_apercu(apercu) -> str:
    """What a budget file would change (data.preview.Apercu), in words."""
    return (lignes_comptees(apercu.compte("nouvelle"), apercu.compte("revisee"), apercu.compte("inchangee"))
            + f" ; {compte(apercu.non_renseignees, 'ligne vide ignorée', 'lignes vides ignorées')}")


def section(person: Personne, code: str, lignes: pd.DataFrame) -> None:
    """The upload of the territory's budget file."""
    with st.expander("Déposer le fichier budgétaire", expanded=lignes.empty):
        if done := st.session_state.pop("budget_succes", None):
            st.success(done)
        _templates(code, lignes)
        n = st.session_state.setdefault("budget_n", 0)
        upload = st.file_uploader("Fichier budgétaire (CSV ou .xlsx)", type=["csv", "txt", "xlsx"], key=f"budget_fichier_{n}")
        if upload is None:
            return
        try:
            prep = _prepare(upload.getvalue(), upload.name, person)
        except Exception as exc:  # a bug, not the file's fault
            erreurs.afficher_incident(exc, "La vérification du fichier budgétaire")
            return
        if prep.message:
            st.error(prep.message)
            return
        report = prep.report
        if not report.ok:
            st.error(f"**Fichier refusé : {report.summary()}.** Rien n'a été enregistré.")
            tableau(correction.problem_table(report.sorted_errors()), "problemes-budget", key="budget_problemes",
                    titre=f"Rapport de dépôt — {prep.name}")
            return
        if report.warnings:
            st.markdown("**Avertissements** (ils n'empêchent pas l'enregistrement) :")
            tableau(correction.problem_table(report.sorted_warnings()), "avertissements-budget", key="budget_avert",
                    titre=f"Avertissements du dépôt — {prep.name}")
        apercu = prep.apercu
        st.markdown(f"**Aperçu** : {resume_apercu(apercu)}.")
        if kept := _conserves(apercu):
            st.info(f"{compte(kept, 'montant engagé ou versé vide', 'montants engagés ou versés vides')} dans le "
                    "fichier : une cellule vide ne change rien, le montant enregistré est conservé (colonne "
                    "« Remarque »).")
        tableau(_apercu_table(apercu), "apercu-budget", key="budget_apercu", titre=f"Aperçu du dépôt — {prep.name}")
        if st.button("Confirmer l'enregistrement", key=f"budget_confirmer_{n}", type="primary"):
            _confirm(prep, person, n)


def _confirm(prep: Preparation, person: Personne, n: int) -> None:
    try:
        done = confirmer(prep, db_path(), personne=person)
    except Exception as exc:
        st.error(erreurs.message_page(exc, "L'enregistrement du budget"))
        return
    if not done.stored:
        st.warning(done.message)
        st.session_state.pop("budget_preparations", None)
        return
    o = done.outcome
    st.session_state["budget_succes"] = (f"Budget enregistré (dépôt n° {o.depot_id}) : "
                                         f"{lignes_comptees(o.nouvelles, o.revisees, o.inchangees)}.")
    st.session_state["budget_n"] = n + 1
    st.session_state.pop("budget_preparations", None)
    if prep.batch is not None and "exercice" in prep.batch.column_names and prep.batch.num_rows:
        # the section shows the newest exercice of the file just stored (it stayed on the former one)
        st.session_state["budget_exercice_suivant"] = max(prep.batch.column("exercice").to_pylist())
    refresh_version()
    st.rerun()
