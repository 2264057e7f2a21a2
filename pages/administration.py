"""Administration (national team only): people and their roles, the people import, the audit trail.

app.py lists this page for national users only; the page checks again, and every write checks the
actor once more in data/personnes.py."""

import streamlit as st

from data import personnes, queries
from pages.components import admin, auth
from core.formatting import count, number
from pages.components.layout import demo_banner
from pages.components.store import read
from pages.components.tables import tableau

actor = auth.person()  # first: decides who this is even if the page runs without app.py
st.title("Administration")
if not actor.peut_administrer:
    st.error("Accès refusé : cette page est réservée à l'équipe nationale de la Dihal (rôle national).")
    st.stop()
demo_banner(read(queries.summary)["demo"])
admin.flash()

st.header("Personnes")
st.caption("Chaque personne se connecte avec son adresse professionnelle ; son rôle décide de ce qu'elle voit "
           "et de ce qu'elle peut déposer. Personne n'est jamais supprimé : une personne qui part est désactivée.")
people = read(personnes.people)
tableau(people.drop(columns="role").rename(columns=admin.COLONNES_PERSONNES), "personnes et roles",
        key="adm_personnes", column_config={"Modifié le": st.column_config.DatetimeColumn(format="DD/MM/YYYY HH:mm")})

with st.expander("Ajouter une personne ou modifier son rôle", expanded=people.empty):
    st.caption("Saisissez l'adresse d'une personne déjà enregistrée pour changer son rôle, son territoire "
               "ou la réactiver.")
    admin.person_form(actor, read(personnes.active_territories))
with st.expander("Désactiver une personne"):
    admin.deactivation(actor, people.loc[people["actif"], "email"].tolist())
with st.expander("Importer un fichier de personnes"):
    st.caption("Même format et mêmes contrôles que la ligne de commande "
               "(`python -m loaders import personnes.csv --kind personnes`) : tout ou rien.")
    admin.people_import(actor)

st.header("Feuilles de route et territoires")
st.caption("Les feuilles de route (cibles, jalons, renouvellements) et la liste des territoires se déposent ici, "
           "avec les mêmes contrôles que la ligne de commande ; chaque révision garde l'ancienne valeur.")
admin.reference_import(actor)

st.header("Enveloppe AMI (fiche 5)")
st.caption("Les crédits spécifiques de l'État notifiés pour chaque exercice, au total et par territoire : les lignes "
           "« État (crédits spécifiques AMI) » d'un budget au-delà des crédits notifiés sont signalées. Chaque "
           "modification garde l'ancienne valeur, avec qui et quand.")
admin.envelope_form(actor, read(personnes.active_territories))

st.header("Extraits SI-SIAO : correspondance des colonnes")
st.caption("Les colonnes d'un export SI-SIAO réel, nommées vers les colonnes documentées de l'extrait "
           "(id_demande, id_personne, code_commune…). Chaque version est conservée dans le journal d'audit.")
admin.correspondance_siao(actor)

st.header("Journal d'audit")
st.caption(f"Dépôts (enregistrés ou refusés), annulations, changements de rôle et de feuille de route : "
           f"qui, quand, quoi. Les {number(personnes.LIMITE_JOURNAL)} entrées les plus récentes selon les filtres.")
filters = admin.audit_filters()
shown, exported = admin.audit_frame(filters)
st.caption(f"{count(len(shown), 'entrée')}{admin.since_label(filters['since'])}.")
tableau(shown, "journal d'audit", key="adm_journal", export=exported)
