"""Indicateurs et méthode: the catalogue and the methodology, generated from the engine's constants."""

import streamlit as st

from data import reads
from indicators import methode
from pages.components import auth, tables
from pages.components.store import read

auth.person()  # first: decides who this is even if the page runs without app.py
st.title("Indicateurs et méthode")
st.markdown("Tous les chiffres du tableau de bord suivent les règles ci-dessous ; les seuils affichés "
            "sont ceux que le calcul applique (ils sont lus dans le code, pas recopiés).")

st.header("Catalogue des indicateurs")
catalogue = read(reads.catalogue)
axes = st.multiselect("Filtrer par axe du plan", sorted(catalogue["axe"].unique()), placeholder="Tous les axes",
                      select_all=False,
                      format_func=lambda a: f"Axe {a}", key="axe_catalogue")
shown = catalogue[catalogue["axe"].isin(axes)] if axes else catalogue
tables.tableau(methode.catalogue_affiche(shown), "catalogue-indicateurs", key="catalogue",
               titre="Catalogue des indicateurs",
               column_config={"Définition": st.column_config.TextColumn(width="large")})
with st.expander("Natures et sens des indicateurs"):
    for nature, text in methode.NATURES.items():
        st.markdown(f"- **{nature}** — {text}")

st.header("Méthode de calcul de l'avancement")
for titre, texte in methode.sections():
    st.subheader(titre)
    st.markdown(texte)

st.header("Statuts")
tables.tableau(methode.statuts(), "statuts", key="statuts_methode", titre="Statuts d'avancement")

st.header("Paramètres appliqués")
tables.tableau(methode.parametres(), "parametres", key="parametres", titre="Paramètres appliqués",
               export=methode.parametres(avec_noms=True))

st.header("Imprimer")
st.markdown("Une page du tableau de bord imprimée depuis le navigateur perd sa mise en page (tableaux coupés, "
            "graphiques tronqués). La version imprimable est le **rapport HTML** de la page « Présentation » "
            "(diaporama national ou fiche d'un territoire) : ouvert dans le navigateur, « Imprimer » "
            "donne des pages A4 propres, ou un PDF. Chaque tableau se télécharge aussi en Excel (avec une "
            "feuille « informations » : titre, trimestre, date d'extraction, source).")
