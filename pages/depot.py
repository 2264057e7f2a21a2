"""Déposer des données: templates, drop, fix in place, preview, confirmation, history and undo."""

import streamlit as st

from data import queries, reads
from pages.components import auth, depot, depot_historique
from pages.components.layout import demo_banner
from pages.components.store import read

person = auth.person()
st.title("Déposer des données")
demo_banner(read(queries.summary)["demo"])

if not person.peut_deposer():
    st.error("Votre profil ne permet pas de déposer des données : seules la coordination d'un territoire et "
             "l'équipe nationale de la Dihal déposent les valeurs trimestrielles.")
    st.stop()

if not person.est_national:  # the territory by its name, as everywhere else: « Cher (18) »
    noms = read(reads.territoires).set_index("code")["nom"]
    territoire = f"{noms.get(person.territoire, person.territoire)} ({person.territoire})"
st.markdown(
    "Déposez chaque trimestre les valeurs de vos indicateurs. Le fichier est vérifié tout de suite ; vous "
    "pouvez corriger les lignes refusées ici même, puis vous voyez exactement ce qui va changer avant de "
    "confirmer."
    + ("" if person.est_national else f" Vous déposez pour **{territoire}** uniquement.")
)
depot_historique.annulation_message()
depot.modeles_section(person)
depot.depot_section(person)
st.divider()
depot_historique.historique_section(person)
