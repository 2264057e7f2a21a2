"""The home page's section for a person with a territory (coordination, services de l'État): its
statuses at the reference quarter, the quarters it still owes, and the way to its page and to the
upload page. The figures are the engine's (indicators.views, indicators.completeness)."""

from __future__ import annotations

import streamlit as st

from data import queries
from data.access import Personne
from indicators import completeness, status
from core import quarters
from core.formatting import de, number
from indicators import views
from indicators import territoire as fiche_territoire
from pages.components.layout import trimestre
from pages.components.store import read

TRIMESTRES_SUIVIS = 8  # quarters of the roadmap looked back at for what is still owed


def lien_page(page: str, label: str, *, icon: str, query_params: dict | None = None) -> None:
    """st.page_link, or a plain link when the page is not registered (a page run on its own)."""
    try:
        st.page_link(page, label=label, query_params=query_params, icon=icon)
    except Exception:
        query = "&".join(f"{k}={v}" for k, v in (query_params or {}).items())
        url = "/" + page.removeprefix("pages/").removesuffix(".py") + (f"?{query}" if query else "")
        st.markdown(f"[{label}]({url})")


def _owed_text(owed) -> str:
    parts = [f"{trimestre(r.trimestre)} ({number(r.renseignes)} indicateur{'s' if r.renseignes > 1 else ''} "
             f"renseigné{'s' if r.renseignes > 1 else ''} sur {number(r.attendus)})" for r in owed.itertuples()]
    return ", ".join(parts)


def section(person: Personne, quarter: str) -> None:
    """« Mon territoire » on the home page, for ``person``'s territory at ``quarter``."""
    code = person.territoire
    terr = read(queries.territories)
    nom = dict(zip(terr["code"], terr["nom"])).get(code, code)
    st.header(f"Mon territoire — {nom}")
    prog = read(fiche_territoire.progression_territoire, code, quarter, person)
    if prog.empty:
        st.info(f"{nom} n'a pas encore de feuille de route : aucun objectif n'est suivi.")
    else:
        counts = views.comptes_statuts(prog)
        shown = counts[counts["Nombre"] > 0]
        st.markdown(f"**Statuts des {number(len(prog))} objectifs au {trimestre(quarter)}**")
        cols = st.columns(len(shown))
        for col, row in zip(cols, shown.itertuples()):
            col.metric(row.Statut, number(row.Nombre), help=status.DEFINITIONS[row.statut])
    debut = prog["debut"].min() if not prog.empty else None
    if debut is not None and debut <= quarter:
        first = max(debut, quarters.shift(quarter, -(TRIMESTRES_SUIVIS - 1)))
        owed = completeness.a_completer(read(fiche_territoire.completude_territoire, code, first, quarter))
        if owed.empty:
            st.success(f"Tous les indicateurs attendus sont renseignés du {trimestre(first)} au {trimestre(quarter)}.")
        else:
            st.warning(f"**À compléter** ({number(len(owed))} trimestre{'s' if len(owed) > 1 else ''}) : "
                       f"{_owed_text(owed)}.")
    elif debut is not None:
        st.caption(f"La feuille de route commence au {trimestre(debut)} : rien n'est encore attendu.")
    lien_page("pages/territoire.py", f"Voir la page {de(nom)}", icon=":material/location_city:",
              query_params={"territoire": code})
    if person.peut_deposer(code):
        lien_page("pages/depot.py", "Déposer des données (modèles pré-remplis des trimestres à compléter)",
                  icon=":material/upload_file:")
