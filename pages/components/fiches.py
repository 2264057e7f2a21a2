"""The territory page's pieces: the territory chooser (remembered in the URL) and the cards of the
roadmap indicators."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data.access import Personne
from indicators import status
from core import quarters
from core.formatting import headline, indicateur, percent
from indicators.declaration import declaration_incomplete, texte_trimestres

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
                        key="territoire_choisi", placeholder="Choisir un territoire")
    st.query_params["territoire"] = code
    return code


def historique(versions: pd.DataFrame, libelle: str, name: str) -> None:
    """An expander listing every version of an indicator's values (data.reads.historique_valeurs):
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
    """One card per roadmap indicator: status (icon, text and colour), the direction and baseline
    of an indicator to reduce, achieved vs target (for a ceiling, what has been consumed of it, in
    words: no bar that would read as success), progress bar otherwise, expected to date, projection
    at the window's end, and the quarters reported (a warning when some are missing)."""
    rows = list(progress.itertuples())
    for start in range(0, len(rows), par_ligne):
        columns = st.columns(par_ligne)
        for col, row in zip(columns, rows[start:start + par_ligne]):
            with col.container(border=True):
                carte(row)


def carte(row) -> None:
    """The card of one progress row (see cartes())."""
    st.markdown(f"**{row.libelle}**", help=f"{row.definition} ({row.unite})")
    st.badge(status.affichage(row.statut), color=BADGE[row.statut], help=status.DEFINITIONS[row.statut])
    if row.sens == "baisse":
        st.markdown(_texte_sens(row))
    if plafond(row):
        st.markdown(_texte_plafond(row))
    else:
        unit = "" if row.unite == "%" else f" {row.unite}"  # a percentage carries its sign
        st.markdown(f"Réalisé : **{indicateur(row.realise, row.unite)}** / "
                    f"cible **{indicateur(row.cible, row.unite)}**{unit}")
        if pd.notna(row.avancement_pct):
            st.progress(min(max(float(row.avancement_pct), 0.0), 100.0) / 100, text=_texte_avancement(row))
    reporting = texte_trimestres(row.trimestres_renseignes, row.trimestres_ecoules)
    incomplete = declaration_incomplete(row.trimestres_renseignes, row.trimestres_ecoules)
    st.caption(
        f"Attendu à ce jour{' (plafond)' if plafond(row) else ''} : {indicateur(row.attendu, row.unite)} — projection "
        f"en fin de fenêtre ({quarters.label(row.fin)}) : {indicateur(row.projection_fin, row.unite)}"
        + ("" if incomplete else f" — {reporting}")
    )
    if incomplete:
        st.markdown(f":orange[**⚠ Déclaration incomplète** : {reporting}.] "
                    "Le réalisé ne compte que les trimestres renseignés.")


def plafond(row) -> bool:
    """A flow to reduce: its target is a ceiling over the window, its progress what is consumed."""
    return row.nature in ("flux", "somme") and row.sens == "baisse"


def _texte_sens(row) -> str:
    """"À réduire — valeur de base : 109 532 nuitées (2024)"."""
    base = getattr(row, "valeur_base", None)
    if base is None or pd.isna(base):
        return "**À réduire**"
    period = getattr(row, "periode_base", None)
    when = f" ({_periode(period)})" if isinstance(period, str) and period else ""
    return f"**À réduire** — valeur de base : {headline(base)} {row.unite}{when}"


def _periode(period: str) -> str:
    """2025-T1 as T1 2025; a year stays a year."""
    return quarters.label(period) if "-T" in period else period


def _texte_plafond(row) -> str:
    """The ceiling and what is consumed of it, coloured by status, the status's words beside."""
    consumed = percent(row.avancement_pct)
    return (f"Plafond sur la fenêtre : **{headline(row.cible)}** {row.unite}  \n"
            f":{BADGE[row.statut]}[Consommé : **{headline(row.realise)}** ({consumed} du plafond)]")


def _texte_avancement(row) -> str:
    """What the bar measures, in words a reader does not misread."""
    pct = percent(row.avancement_pct)
    if row.avancement_pct < 0:
        return f"Avancement : {pct} (en recul par rapport à la valeur de base)"
    return f"Avancement : {pct}"
