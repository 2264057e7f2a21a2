"""Entry point: page configuration, who is using the app, and navigation by role.
Pages live in pages/ and stay thin. An unexpected error in any page is an incident: logged with its
traceback, shown in French with its reference (pages/components/erreurs.py), never Streamlit's raw
error box. Streamlit's control flow (st.stop, st.rerun, st.switch_page) raises BaseException
subclasses, which ``except Exception`` lets through untouched."""

import streamlit as st
from streamlit.errors import FragmentHandledException

from pages.components import auth, erreurs, layout, store

st.set_page_config(page_title="Logement d'abord — tableau de bord", page_icon="🏠", layout="wide")
layout.styles_francais()

try:
    store.begin_run()
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
except FragmentHandledException:
    raise  # a fragment's error, already handled by Streamlit itself
except Exception as exc:  # noqa: BLE001 - the one place where any page's bug is caught
    erreurs.afficher_incident(exc)
finally:
    store.end_run()  # the run's shared connection, if it opened one
