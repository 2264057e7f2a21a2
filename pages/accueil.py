"""Accueil: what the store holds, the latest uploads, who has not reported the last quarter."""

import streamlit as st

from data import queries
from indicators import quarters
from loaders.headers import KIND_LABELS
from pages.components.layout import demo_banner, nombre, trimestre
from pages.components.store import read

st.title("Logement d'abord — territoires de mise en œuvre accélérée")
info = read(queries.summary)
demo_banner(info["demo"])

quarter = quarters.last_complete()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Territoires suivis", nombre(info["territoires"]))
c2.metric("Feuilles de route", nombre(info["feuilles"]))
c3.metric("Valeurs enregistrées", nombre(info["valeurs"]))
c4.metric("Dépôts enregistrés", nombre(info["depots"]))

st.subheader(f"Territoires sans aucune valeur pour le {trimestre(quarter)}")
missing = read(queries.territories_without_values, quarter)
if missing.empty:
    st.success(f"Tous les territoires ont déposé des valeurs pour le {trimestre(quarter)}.")
else:
    missing = missing.assign(dernier_trimestre=missing["dernier_trimestre"].map(trimestre))
    st.dataframe(
        missing.rename(columns={"code": "Code", "nom": "Territoire", "vague": "Vague",
                                "dernier_trimestre": "Dernier trimestre déposé"}),
        hide_index=True, width="stretch",
    )

st.subheader("Derniers dépôts")
uploads = read(queries.latest_uploads, 10)
uploads = uploads.assign(
    recu_le=uploads["recu_le"].dt.strftime("%d/%m/%Y %H:%M"),
    resultat=uploads["resultat"].map({"enregistre": "enregistré", "refuse": "refusé"}),
    type_fichier=uploads["type_fichier"].map(lambda k: KIND_LABELS.get(k, "inconnu")),
)
st.dataframe(
    uploads.rename(columns={"recu_le": "Reçu le", "fichier": "Fichier", "type_fichier": "Type",
                            "utilisateur": "Déposé par", "resultat": "Résultat", "territoires": "Territoires",
                            "nb_nouvelles": "Nouvelles", "nb_revisees": "Révisées",
                            "nb_inchangees": "Inchangées", "nb_erreurs": "Erreurs"}),
    hide_index=True, width="stretch",
)
