"""Entry point: page configuration, who is using the app, and navigation by role.
Pages live in pages/ and stay thin."""

import streamlit as st

from pages.components import auth, layout, store

st.set_page_config(page_title="Logement d'abord — tableau de bord", page_icon="🏠", layout="wide")
layout.styles_francais()

store.begin_run()
try:
    person = auth.current_person()

    PAGES = {
        "accueil": st.Page("pages/accueil.py", title="Accueil", icon=":material/home:", default=True),
        "pilotage": st.Page("pages/pilotage.py", title="Pilotage national", icon=":material/map:"),
        "territoire": st.Page("pages/territoire.py", title="Mon territoire", icon=":material/location_city:"),
        "methode": st.Page("pages/methode.py", title="Indicateurs et méthode", icon=":material/menu_book:"),
        "presentation": st.Page("pages/presentation.py", title="Présentation", icon=":material/slideshow:"),
        "depot": st.Page("pages/depot.py", title="Déposer des données", icon=":material/upload_file:"),
        "administration": st.Page("pages/administration.py", title="Administration",
                                  icon=":material/admin_panel_settings:"),
    }

    visible = [PAGES[k] for k in ("accueil", "pilotage", "territoire", "methode", "presentation")]
    if person.peut_deposer():
        visible.append(PAGES["depot"])
    if person.peut_administrer:
        visible.append(PAGES["administration"])

    st.navigation(visible).run()
finally:
    store.end_run()  # the run's shared connection, if it opened one
