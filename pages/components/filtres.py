"""Inputs shared by the pages: the reference quarter and the national filters. Each component owns
its session-state keys."""

from __future__ import annotations

import streamlit as st

from data.reads import TYPES_TERRITOIRE
from core import quarters


def trimestre_reference(premier: str | None, *, key: str = "trimestre", impose: str | None = None) -> str:
    """Reference quarter (default: the last complete quarter), remembered in the URL (?t=2026-T3).
    With ``impose`` (data.reads.trimestre_impose: a territory outside the person's scope), that
    quarter only, whatever the URL says, with a note saying why."""
    if impose is not None:
        st.selectbox("Trimestre de référence", [impose], format_func=quarters.label, key=f"{key}_impose",
                     disabled=True, help=NOTE_TRIMESTRE_IMPOSE, placeholder="Choisir un trimestre")
        st.info(NOTE_TRIMESTRE_IMPOSE, icon=":material/lock:")
        return impose
    last = quarters.last_complete()
    options = quarters.quarter_range(min(premier or last, last), last)[::-1]
    wanted = st.query_params.get("t")
    index = options.index(wanted) if wanted in options else 0
    if wanted and wanted not in options:  # an address typed or kept from another quarter: say what is shown
        st.warning(f"Le trimestre « {wanted} » de l'adresse n'est pas proposé (du {quarters.label(options[-1])} "
                   f"au {quarters.label(options[0])}, dernier trimestre complet) : le {quarters.label(options[0])} "
                   "est affiché.")
    chosen = st.selectbox(
        "Trimestre de référence", options, index=index, format_func=quarters.label, key=key,
        placeholder="Choisir un trimestre",
        help="Par défaut, le dernier trimestre civil complet. Les trimestres postérieurs à la fin "
             "d'une feuille de route sont ramenés à sa fin (méthodologie).",
    )
    if chosen != last:
        st.query_params["t"] = chosen
    elif "t" in st.query_params:
        del st.query_params["t"]
    return chosen


NOTE_TRIMESTRE_IMPOSE = (
    "Ce territoire n'est pas dans votre périmètre : ses chiffres sont donnés au dernier trimestre "
    "complet seulement. À deux trimestres différents, leurs cumuls donneraient par différence les "
    "valeurs de chaque trimestre, réservées à sa coordination, aux services de l'État du territoire et "
    "à l'équipe nationale.")


def filtres_nationaux(options: dict) -> tuple:
    """Filters by wave, territory type, région, axe, priority and indicator (``options`` from
    indicators.views.options_filtres); returns them as a hashable tuple of (name, values)."""
    labels = options["indicateurs"]
    with st.expander("Filtres", expanded=False, icon=":material/filter_list:"):
        c1, c2, c3 = st.columns(3)
        vagues = c1.multiselect("Vague", options["vagues"], key="f_vague", placeholder="Toutes", select_all=False)
        types = c2.multiselect("Type de territoire", list(TYPES_TERRITOIRE), format_func=TYPES_TERRITOIRE.get,
                               key="f_type", placeholder="Tous", select_all=False)
        regions = c3.multiselect("Région", options["regions"], key="f_region", placeholder="Toutes", select_all=False)
        c4, c5, c6 = st.columns([1, 1, 2])
        axes = c4.multiselect("Axe du plan", options["axes"], key="f_axe", placeholder="Tous", select_all=False,
                              format_func=lambda a: f"Axe {a}")
        priorites = c5.multiselect("Priorité", options["priorites"], key="f_priorite", placeholder="Toutes", select_all=False,
                                   format_func=lambda p: f"Priorité {p}")
        indicateurs = c6.multiselect("Indicateur", list(labels), format_func=labels.get, key="f_indicateur",
                                     placeholder="Tous les indicateurs des feuilles de route", select_all=False)
    chosen = dict(vagues=vagues, types=types, regions=regions, axes=axes, priorites=priorites,
                  indicateurs=indicateurs)
    return tuple((k, tuple(v)) for k, v in chosen.items() if v)
