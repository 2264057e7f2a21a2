"""The preview of a dropped file on the « Déposer des données » page: its new and revised values
(or actions) in tables, the revisions beside the stored value with who and when (pages/components/depot.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data import preview as apercu_data
from data import reads
from core.formatting import figure, number
from pages.components import actions
from pages.components.layout import trimestre
from pages.components.store import read
from pages.components.tables import tableau

_LARGEURS_APERCU = {"Ligne": 55, "Territoire": 95, "Trimestre": 80, "Indicateur": 210, "Valeur actuelle": 110,
                    "Nouvelle valeur": 115, "Enregistrée par": 190, "le": 125, "Libellé": "large",
                    "Révision": 115, "Commentaire actuel": 150, "Nouveau commentaire": 150}


def _with_comments(revised: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """When comments are part of the revisions, what the revision changes (« commentaire seul » or
    « valeur ») and the current and new comments, right after the values: a revision of the comment
    alone shows equal values, and the comment it writes stays on screen at 1440 px too."""
    rows = frame.loc[revised.index]
    seul = rows["commentaire_seul"].fillna(False).astype(bool)
    if not (seul.any() or rows["commentaire"].notna().any() or rows["ancien_commentaire"].notna().any()):
        return revised
    # as the write does: a new number takes the file's comment, a comment revision without one keeps the stored one
    written = rows["commentaire"].where(~seul | rows["commentaire"].notna(), rows["ancien_commentaire"])
    at = revised.columns.get_loc("Nouvelle valeur") + 1
    out = revised.copy()
    out.insert(at, "Révision", seul.map({True: "commentaire seul", False: "valeur"}))
    out.insert(at + 1, "Commentaire actuel", rows["ancien_commentaire"].fillna(""))
    out.insert(at + 2, "Nouveau commentaire", written.fillna(""))
    return out


def tableaux_apercu(ap: apercu_data.Apercu, lines, counted: bool = False) -> None:
    if "objet" in ap.lignes.columns:  # an actions file (format-suivi.md): its own preview
        return actions.apercu_depot(ap.lignes)
    frame = ap.lignes.copy()
    if lines is not None:
        frame["ligne"] = frame["ligne"].map(lambda x: lines.get(int(x), x))
    frame = frame.sort_values("ligne", kind="stable", na_position="last")
    libelles = read(reads.catalogue).set_index("code")["libelle"]

    def value(x) -> str:
        return figure(x, 2, missing="")

    shown = pd.DataFrame({
        "Ligne": frame["ligne"].map(lambda x: "ajoutée" if x is None or pd.isna(x) else str(int(x))),
        "Territoire": frame["territoire"], "Trimestre": frame["trimestre"].map(trimestre),
        "Indicateur": frame["indicateur"],
        "Valeur actuelle": frame["ancienne"].map(value), "Nouvelle valeur": frame["nouvelle"].map(value),
        "Enregistrée par": frame["ancien_utilisateur"].fillna(""), "le": pd.to_datetime(frame["ancien_le"]),
        "Libellé": frame["indicateur"].map(lambda c: libelles.get(c, c)),
    })
    if counted:  # values counted from an extract's requests: no line of their own
        shown = shown.drop(columns="Ligne")
    config = {c: st.column_config.Column(c, width=w) for c, w in _LARGEURS_APERCU.items()}
    config["le"] = st.column_config.DatetimeColumn("le", format="DD/MM/YYYY HH:mm", width=_LARGEURS_APERCU["le"])
    config["Valeur actuelle"] = st.column_config.Column("Valeur actuelle", width=110,
                                                        help="La valeur enregistrée aujourd'hui, qui sera remplacée")
    statut = frame["statut"]
    revised = _with_comments(shown[statut == "revisee"], frame)
    if len(revised):
        st.markdown(f"**Révisions** ({number(len(revised))}) : la valeur enregistrée sera remplacée et conservée "
                    "dans l'historique.")
        tableau(revised, "apercu-revisions", key="depot_apercu_revisions", titre="Aperçu du dépôt — révisions",
                column_config=config)
    new = shown[statut == "nouvelle"].drop(columns=["Valeur actuelle", "Enregistrée par", "le"])
    if len(new):
        st.markdown(f"**Nouvelles valeurs** ({number(len(new))})")
        tableau(new, "apercu-nouvelles", key="depot_apercu_nouvelles", titre="Aperçu du dépôt — nouvelles valeurs",
                column_config=config)
    same = shown[statut == "inchangee"]
    if len(same):
        with st.expander(f"Valeurs inchangées ({number(len(same))}) : rien ne sera modifié"):
            tableau(same, "apercu-inchangees", key="depot_apercu_inchangees",
                    titre="Aperçu du dépôt — valeurs inchangées", column_config=config)
