"""The territory page's pieces: the territory chooser (remembered in the URL) and the cards of the
roadmap indicators."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.access import Personne
from indicators import quarters, status
from pages.components.layout import nombre, pourcentage

BADGE = {
    status.NON_DEMARRE: "gray", status.NON_RENSEIGNE: "gray", status.EN_RETARD: "red",
    status.A_SURVEILLER: "orange", status.DANS_LA_TRAJECTOIRE: "blue", status.ATTEINT: "green",
}


def choix_territoire(territoires: pd.DataFrame, person: Personne) -> str | None:
    """Territory chosen in a list, remembered in the URL (?territoire=CODE) so that a link can
    be sent by e-mail; by default the person's own territory."""
    codes = list(territoires["code"])
    if not codes:
        return None
    names = dict(zip(territoires["code"], territoires["nom"]))
    wanted = st.query_params.get("territoire") or person.territoire
    if wanted and wanted not in names:
        st.warning(f"Le territoire « {wanted} » n'est pas suivi par le programme ; choisissez-en un dans la liste.")
    index = codes.index(wanted) if wanted in names else 0
    code = st.selectbox("Territoire", codes, index=index, format_func=lambda c: f"{names[c]} ({c})",
                        key="territoire_choisi")
    st.query_params["territoire"] = code
    return code


def historique(versions: pd.DataFrame, libelle: str, name: str) -> None:
    """An expander listing every version of an indicator's values (data.lectures.historique_valeurs):
    comment, source, former values, who and when (detail only: the read has checked the person)."""
    from pages.components import tables
    from pages.components.layout import tableau_historique

    with st.expander(f"Commentaires et révisions — {libelle}", icon=":material/history:"):
        if versions.empty:
            st.caption("Aucune valeur enregistrée pour cet indicateur (un indicateur calculé n'a pas de valeur "
                       "propre : ses commentaires et révisions sont ceux de ses composantes).")
            return
        st.caption("Chaque version des valeurs déposées, la plus récente d'abord ; une valeur remplacée "
                   "reste enregistrée avec son auteur et sa date.")
        tables.tableau(tableau_historique(versions), name, key="t_revisions")


def cartes(progress: pd.DataFrame, *, par_ligne: int = 3) -> None:
    """One card per roadmap indicator: status (icon, text and colour), achieved vs target,
    progress bar, expected to date, projection at the window's end."""
    rows = list(progress.itertuples())
    for start in range(0, len(rows), par_ligne):
        columns = st.columns(par_ligne)
        for col, row in zip(columns, rows[start:start + par_ligne]):
            with col.container(border=True):
                st.markdown(f"**{row.libelle}**", help=f"{row.definition} ({row.unite})")
                st.badge(status.affichage(row.statut), color=BADGE[row.statut], help=status.DEFINITIONS[row.statut])
                unit = row.unite if row.unite != "%" else "%"
                st.markdown(f"Réalisé : **{nombre(row.realise, _dec(row.realise))}** / cible "
                            f"**{nombre(row.cible, _dec(row.cible))}** {unit}")
                pct = row.avancement_pct
                if pd.notna(pct):
                    st.progress(min(max(float(pct), 0.0), 100.0) / 100, text=_texte_avancement(row))
                st.caption(
                    f"Attendu à ce jour : {nombre(row.attendu, _dec(row.attendu))} — projection en fin de "
                    f"fenêtre ({quarters.label(row.fin)}) : {nombre(row.projection_fin, _dec(row.projection_fin))} — "
                    f"{_trimestres(row.trimestres_renseignes, row.trimestres_ecoules)}"
                )


def _texte_avancement(row) -> str:
    """What the bar measures, in words a reader does not misread."""
    pct = pourcentage(row.avancement_pct)
    if row.nature in ("flux", "somme") and row.sens == "baisse":
        return f"Part du plafond déjà consommée : {pct}"
    if row.avancement_pct < 0:
        return f"Avancement : {pct} (en recul par rapport à la valeur de base)"
    return f"Avancement : {pct}"


def _dec(x) -> int:
    """Whole numbers without decimals, others with one."""
    return 0 if x is None or pd.isna(x) or float(x).is_integer() or abs(x) >= 1000 else 1


def _trimestres(renseignes: int, ecoules: int) -> str:
    """"6 trimestres renseignés sur 8 écoulés", singular where it must be."""
    r = "trimestre renseigné" if renseignes == 1 else "trimestres renseignés"
    e = "écoulé" if ecoules == 1 else "écoulés"
    return f"{renseignes} {r} sur {ecoules} {e}"
