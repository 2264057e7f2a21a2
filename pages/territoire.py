"""Mon territoire: progress toward each roadmap target, trajectories, comparison, reporting."""

import streamlit as st

from data import queries
from data import reads
from indicators import national, territoire
from core import quarters
from indicators import views
from pages.components import actions, auth, budget, comparaison, fiches, filtres, graphiques, layout, tables
from pages.components.store import construit, read

person = auth.person()  # first: decides who this is even if the page runs without app.py
layout.demo_banner(read(queries.summary)["demo"])
territoires = read(reads.territoires)
code = fiches.choix_territoire(territoires, person)
if code is None:
    st.info("Aucun territoire n'est encore enregistré.")
    st.stop()
info = territoires.set_index("code").loc[code]
st.title(info["nom"])
st.caption(layout.presentation_territoire(info, read(national.population_millesime)))
at = filtres.trimestre_reference(read(reads.premier_debut), impose=reads.trimestre_impose(person, code))
prog = read(territoire.progression_territoire, code, at, person)
if prog.empty:
    st.info("Ce territoire n'a pas encore de feuille de route enregistrée : aucun objectif à suivre.")
    st.stop()
st.header(f"Objectifs de la feuille de route — {quarters.label(at)}")
st.caption(layout.fenetre(prog))
layout.aide_statuts()
fiches.cartes(prog)
actions.section_territoire(code, info["nom"], at, person)

st.header("Trajectoire d'un indicateur")
labels = dict(zip(prog["indicateur"], prog["libelle"]))
indicateur = st.selectbox("Indicateur", list(labels), format_func=labels.get, key="indicateur_detail",
                          placeholder="Choisir un indicateur")
row = prog.set_index("indicateur").loc[indicateur]
serie = read(territoire.serie_indicateur, code, indicateur, row["debut"], row["fin"], at, person)
st.caption(f"{row['definition']} ({row['unite']}).")
graphiques.afficher(construit(graphiques.trajectoire, ("trajectoire", code, indicateur, row["debut"], row["fin"], at, person),
                              serie, row["libelle"], row["unite"]), key="trajectoire",
                    alt=graphiques.alt_trajectoire(serie, row["libelle"], row["unite"]))
detail = person.peut_voir_detail(code)
historique = read(reads.historique_valeurs, code, indicateur, person) if detail else None
table = views.tableau_serie(serie)
tables.tableau(territoire.avec_notes(table, serie, historique) if detail else table, f"trajectoire-{code}-{indicateur}",
               key="t_trajectoire", column_config=layout.colonnes_notes() if detail else None,
               titre=f"{info['nom']} — trajectoire : {row['libelle']}", trimestre=at)
if detail:  # comments and revisions: in scope only
    fiches.historique(historique, row["libelle"], f"revisions-{code}-{indicateur}")

st.header("Comparaison avec les territoires du même type")
at_comparaison = reads.trimestre_comparaison(person, at)
comp = read(territoire.comparaison, code, indicateur, at_comparaison, person)
st.caption(comparaison.legende_comparaison(comp, row, at_comparaison, at_comparaison != at))
if comp["pour_100000"].notna().any():
    titre = comparaison.titre_comparaison(row, at_comparaison)
    graphiques.afficher(construit(graphiques.barres_comparaison, ("comparaison", code, indicateur, at_comparaison,
                                                                  person, titre), comp, code, titre), key="comparaison",
                        alt=graphiques.alt_comparaison(comp, code, titre))
else:
    st.info(f"Aucun territoire du même type n'a encore de chiffre pour cet indicateur au {layout.trimestre(at_comparaison)}.")
tables.tableau(comparaison.tableau_comparaison(comp), f"comparaison-{code}-{indicateur}", key="t_comparaison",
               column_config=comparaison.colonnes_comparaison(),
               titre=f"{info['nom']} — comparaison avec les territoires du même type : {row['libelle']}",
               trimestre=at_comparaison)

budget.section_territoire(person, code, info["nom"])

st.header("Dépôts et complétude")
completude = read(territoire.completude_territoire, code, row["debut"], at)
if completude.empty:
    st.info(f"La feuille de route commence au {layout.trimestre(row['debut'])}, après le trimestre de référence : "
            "aucun dépôt n'est encore attendu.")
else:
    graphiques.afficher(construit(graphiques.courbe_completude, ("completude", code, row["debut"], at), completude),
                        key="completude_territoire",
                        alt=graphiques.alt_courbe_completude(completude))
    tables.tableau(layout.tableau_completude(completude), f"completude-{code}", key="t_completude_territoire",
                   titre=f"{info['nom']} — complétude des dépôts", trimestre=at)
if detail:
    st.subheader("Historique des dépôts")
    tables.tableau(layout.tableau_depots(read(reads.depots_territoire, code, person)), f"depots-{code}",
                   key="t_depots", titre=f"{info['nom']} — historique des dépôts")
else:
    st.info("L'historique des dépôts, les commentaires et les révisions de ce territoire sont réservés "
            "à sa coordination, aux services de l'État du territoire et à l'équipe nationale.")
