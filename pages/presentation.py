"""Présentation: the Club des territoires deck or a territory's fiche, one slide a screen, and its
.pptx and .html downloads (the same deck model)."""

import streamlit as st

from data import queries
from data import reads
from exports.fiche import note_trimestre
from pages.components import auth, filtres, layout
from pages.components import presentation as pr
from pages.components.store import read

person = auth.person()  # first: decides who this is even if the page runs without app.py
st.title("Présentation")
layout.demo_banner(read(queries.summary)["demo"])
territoires = read(reads.territoires)
with st.expander("Choisir le document", expanded=True, icon=":material/tune:"):
    at = filtres.trimestre_reference(read(reads.premier_debut), key="pr_trimestre")
    choix = pr.choix(territoires, person)
if choix["genre"] == pr.FICHE:
    result = pr.document(pr.FICHE, choix["territoire"], at, person)
else:
    result = pr.document(pr.CLUB, at, choix["perimetre"], choix["anonymiser"], choix["focus"], person)
if result["erreur"]:
    st.info(result["erreur"])
    st.stop()
deck = result["deck"]
# named after the quarter shown: a fiche outside the person's scope is at the last complete one
if choix["genre"] == pr.FICHE:
    name = f"fiche-{choix['territoire']}-{deck.reference}"
    if said := note_trimestre(at, deck):
        st.info(said, icon=":material/lock:")
else:
    name = f"club-des-territoires-{deck.reference}"
c1, c2, c3 = st.columns(3)
pr.telechargements(deck, name, c1, c2)
if c3.toggle("Mode projection (sans barre latérale)", key="pr_projection"):
    pr.projection()
index = pr.navigation(len(deck.diapos), choix["genre"])
pr.diapo(deck.diapos[index], deck, key=f"pr-{index}")
