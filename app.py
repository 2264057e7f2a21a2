"""Entry point: page configuration, who is using the app, and navigation by role.
Pages live in pages/ and stay thin. An unexpected error in any page is an incident: logged with its
traceback, shown in French with its reference (pages/components/erreurs.py), never Streamlit's raw
error box. Streamlit's control flow (st.stop, st.rerun, st.switch_page) raises BaseException
subclasses, which ``except Exception`` lets through untouched."""

import streamlit as st
from streamlit.errors import FragmentHandledException

from pages.components import auth, erreurs, layout, navigation, store

st.set_page_config(page_title="Logement d'abord — tableau de bord", page_icon="🏠", layout="wide")
layout.styles_francais()

try:
    store.begin_run()
    person = auth.current_person()

    shown = navigation.offered(person)
    pages = [st.Page(p.path, title=p.title, icon=p.icon, default=p.key == "accueil",
                     visibility="visible" if shown[p.key] else "hidden") for p in navigation.PAGES]
    st.navigation(pages).run()
except FragmentHandledException:
    raise  # a fragment's error, already handled by Streamlit itself
except Exception as exc:  # noqa: BLE001 - the one place where any page's bug is caught
    erreurs.afficher_incident(exc)
finally:
    store.end_run()  # the run's shared connection, if it opened one
