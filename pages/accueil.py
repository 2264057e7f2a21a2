"""Accueil: national headline figures of the last complete quarter, who has not reported it, the
latest uploads."""

import streamlit as st

from data import queries
from data import reads
from core import quarters
from core.formatting import number
from indicators import views
from pages.components import auth, layout, mon_territoire, tables
from pages.components.layout import demo_banner, trimestre
from pages.components.store import read

person = auth.person()  # first: decides who this is even if the page runs without app.py
st.title("Logement d'abord — territoires de mise en œuvre accélérée")
info = read(queries.summary)
demo_banner(info["demo"])

quarter = quarters.last_complete()
if person.territoire:  # coordination, services de l'État: their own territory first
    mon_territoire.section(person, quarter)
depuis = read(reads.premier_debut)
st.header(f"Chiffres nationaux — {trimestre(quarter)}")
cles = read(views.chiffres_cles, quarter, depuis)
layout.chiffres_cles(cles, read(reads.catalogue), quarter, depuis)

c1, c2, c3, c4 = st.columns(4)
c1.metric("Territoires suivis", number(info["territoires"]))
c2.metric("Feuilles de route", number(info["feuilles"]))
c3.metric("Valeurs enregistrées", number(info["valeurs"]))
c4.metric("Dépôts enregistrés", number(info["depots"]))

st.subheader(f"Territoires sans aucune valeur pour le {trimestre(quarter)}")
missing = read(queries.territories_without_values, quarter)
if missing.empty:
    st.success(f"Tous les territoires ont déposé des valeurs pour le {trimestre(quarter)}.")
else:
    tables.tableau(layout.tableau_manquants(missing), f"territoires-sans-depot-{quarter}", key="manquants",
                   titre="Territoires sans aucune valeur pour le trimestre", trimestre=quarter)

st.subheader("Derniers dépôts")
if person.perimetre == []:
    st.caption("L'historique des dépôts est réservé aux territoires concernés et à l'équipe nationale.")
else:
    uploads = read(reads.derniers_depots, person, 10)
    tables.tableau(layout.tableau_depots(uploads), "derniers-depots", key="derniers", titre="Derniers dépôts")
