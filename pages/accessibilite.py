"""Accessibilité: the accessibility statement in the RGAA form, drawn from the last check's results
(docs/accessibilite/resultats.json), open to everyone, signed in or not."""

import os

import pandas as pd
import streamlit as st

from data.access import LIBELLES_ROLES
from pages.components import accessibilite as a11y
from pages.components import auth

auth.page_publique()  # no person needed: the statement is public
st.title("Accessibilité")
run = a11y.charger()
if run is None:
    st.info("Aucun contrôle d'accessibilité n'est encore enregistré : la déclaration sera établie après le "
            "premier (make accessibilite).")
    st.stop()
st.markdown(f"**Accessibilité : {a11y.etat(run)}**")
for titre, texte in a11y.declaration(run, contact=os.environ.get(a11y.CONTACT)):
    st.header(titre)
    st.markdown(texte)

st.header("Détail du dernier contrôle")
detail = pd.DataFrame([{"Page": p["page"], "Profil": LIBELLES_ROLES.get(p["role"], p["role"]),
                        "Non-conformités du tableau de bord": sum(v["proprietaire"] == a11y.PROJET for v in p["violations"]),
                        "Limites de Streamlit": sum(v["proprietaire"] == a11y.STREAMLIT for v in p["violations"])}
                       for p in run["pages"]])
st.dataframe(detail, hide_index=True, key="accessibilite_detail")
