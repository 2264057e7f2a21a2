"""The territory page's comparison with the territories of its type: the chart's title and caption,
its figures as a table and that table's columns (pages/territoire.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.components.layout import trimestre

# What the comparison compares, per nature of the indicator (title and caption).
MESURES_COMPARAISON = {
    "flux": "moyenne par trimestre renseigné pour 100 000 habitants",
    "somme": "moyenne par trimestre renseigné pour 100 000 habitants",
    "stock": "dernière valeur connue pour 100 000 habitants",
    "ratio": "taux (%)",
}


def titre_comparaison(row, at: str) -> str:
    """Title of the comparison chart: what is compared, at which quarter."""
    return f"{row['libelle']} — {MESURES_COMPARAISON[row['nature']]}, au {trimestre(at)}"


def legende_comparaison(comp, row, at: str, impose: bool) -> str:
    """How the comparison compares like with like; the territories without a population; why the
    quarter is fixed when it is (``impose``)."""
    text = (f"Territoires du même type dont la feuille de route suit cet indicateur, chacun sur sa propre "
            f"feuille de route jusqu'au {trimestre(at)}")
    if row["nature"] in ("flux", "somme"):
        text += (" : réalisé divisé par le nombre de trimestres renseignés (des territoires qui n'ont pas "
                 "déposé autant de trimestres se comparent ainsi à égalité), pour 100 000 habitants.")
    elif row["nature"] == "stock":
        text += " : dernière valeur déposée, pour 100 000 habitants."
    else:
        text += " : taux sur les trimestres renseignés (rapport des sommes)."
    if row["nature"] != "ratio":
        unknown = comp.loc[comp["population"].isna(), "nom"].tolist()
        if unknown:
            text += (f" Population inconnue pour {', '.join(unknown)} : pas de chiffre pour 100 000 habitants "
                     "(la population légale manque dans les données de référence).")
    if impose:
        text += (f" La comparaison est donnée au {trimestre(at)}, dernier trimestre complet, quel que soit le "
                 "trimestre choisi : elle montre d'autres territoires, dont les valeurs trimestrielles se "
                 "déduiraient de deux trimestres.")
    return text


def tableau_comparaison(comp):
    """The comparison chart's figures as a table, the territory's name first."""
    out = pd.DataFrame({
        "Territoire": comp["nom"], "Code": comp["territoire"], "Population": comp["population"],
        "Feuille de route depuis": comp["debut"].map(trimestre),
        "Réalisé": comp["valeur"], "Trimestres renseignés": comp["trimestres_renseignes"],
        "Par trimestre renseigné": comp["valeur_par_trimestre"],
        "Pour 100 000 hab. (ou taux)": comp["pour_100000"],
    })
    if not comp["nature"].isin(["flux", "somme"]).any():
        out = out.drop(columns="Par trimestre renseigné")
    return out


def colonnes_comparaison() -> dict:
    """Column settings of the comparison table: the territory's name pinned and wide enough to be
    read (the figures keep the French formats of tables.affichage)."""
    return {
        "Territoire": st.column_config.TextColumn("Territoire", pinned=True, width="large"),
        "Population": st.column_config.Column("Population", help="« – » : population inconnue."),
        "Par trimestre renseigné": st.column_config.Column(
            "Par trimestre renseigné", help="Réalisé divisé par le nombre de trimestres renseignés."),
    }
