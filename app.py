"""Entry point: page configuration and navigation. Pages live in pages/ and stay thin."""

import streamlit as st

st.set_page_config(page_title="Logement d'abord — tableau de bord", page_icon="🏠", layout="wide")

PAGES = [
    st.Page("pages/accueil.py", title="Accueil", icon="🏠", default=True),
]

st.navigation(PAGES).run()
