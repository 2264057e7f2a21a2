"""Pilotage national: every territory x roadmap indicator, national totals, the map, completeness."""

import streamlit as st

from data import queries
from data import reads
from core import quarters
from indicators import views
from pages.components import actions, auth, budget, carte, filtres, graphiques, layout, tables
from pages.components.store import construit, read

person = auth.person()  # first: decides who this is even if the page runs without app.py
st.title("Pilotage national")
layout.demo_banner(read(queries.summary)["demo"])
at = filtres.trimestre_reference(read(reads.premier_debut))
catalogue = read(reads.catalogue)
base = read(views.pilotage, at, ())
choix = filtres.filtres_nationaux(base["options"])
vue = read(views.pilotage, at, choix) if choix else base
layout.chiffres_pilotage(vue["resume"])

st.header("Statuts des indicateurs des feuilles de route")
layout.aide_statuts()
col_graph, col_table = st.columns([3, 2])
with col_graph:
    graphiques.afficher(construit(graphiques.barres_statuts, ("pilotage", at, choix), vue["comptes"]), key="statuts",
                        alt=graphiques.alt_statuts(vue["comptes"]))
with col_table:
    tables.tableau(vue["comptes"][["Statut", "Nombre"]], f"statuts-{at}", key="t_statuts",
                   titre="Statuts des indicateurs des feuilles de route", trimestre=at)

st.subheader(f"Matrice territoires × indicateurs — {quarters.label(at)}")
st.caption("Cliquez sur une ligne (ou sur « Ouvrir ») pour ouvrir la fiche du territoire. "
           "Cliquez sur un en-tête pour trier ; survolez-le pour la définition de l'indicateur. "
           + layout.AIDE_MATRICE)
matrice = vue["matrice"]
choisi = tables.tableau(
    layout.avec_lien(matrice), f"matrice-statuts-{at}", key="matrice", export=matrice,
    titre="Matrice territoires × indicateurs", trimestre=at,
    column_config=layout.colonnes_matrice(matrice, catalogue), styles=layout.styles_statuts(matrice),
    on_select="rerun", selection_mode="single-row", height=layout.HAUTEUR_MATRICE,
)
layout.ouvrir_selection(choisi, matrice)

actions.section_nationale(at)

st.header("Carte des territoires")
couleur = st.segmented_control("Colorer selon", list(carte.COULEURS_CARTE), default="statut", key="couleur",
                               format_func={"statut": "Statut dominant", "trajectoire": carte.MESURE}.get)
st.caption(carte.LEGENDE)
clic = carte.afficher_carte(vue["carte"], couleur=couleur or "statut", key="carte", cle=("pilotage", at, choix))
if clic:
    st.switch_page("pages/territoire.py", query_params={"territoire": clic})
tables.tableau(layout.tableau_carte(vue["carte"]), f"carte-{at}", key="t_carte", titre="Carte des territoires",
               trimestre=at)

st.header(f"Totaux nationaux — {quarters.label(at)}")
st.caption(layout.AIDE_TOTAUX)
tables.tableau(views.totaux_nationaux(base["national"], catalogue), f"totaux-nationaux-{at}",
               key="totaux", column_config=layout.colonnes_nombres(), titre="Totaux nationaux", trimestre=at,
               export=views.totaux_nationaux(base["national"], catalogue, arrondi=False))

st.header("Complétude des dépôts")
premier = quarters.shift(at, -7)
completude = read(views.completude, premier, at)
heat, total = views.moins_complets(completude, layout.LIGNES_CARTE_CHALEUR)
st.caption(layout.legende_completude(len(heat["territoire"].unique()), total))
graphiques.afficher(construit(graphiques.carte_completude, ("completude", premier, at), heat), key="completude",
                    alt=graphiques.alt_carte_completude(heat))
tables.tableau(layout.tableau_completude(completude), f"completude-{premier}-{at}", key="t_completude",
               titre="Complétude des dépôts", trimestre=at)

budget.section_nationale(person)
