"""The Présentation page's pieces: the choice of deck and scope, and the slides shown one a screen
in large type with previous / next. The slides come from the deck model (exports), the very one
the .pptx and .html downloads are written from. Each component owns its session-state keys."""

from __future__ import annotations

from html import escape

import pandas as pd
import streamlit as st

from data import store
from data.access import Personne
from core.errors import BaseInaccessible, BaseOccupee
from data.reads import TYPES_TERRITOIRE
from exports import html as rendu
from exports import vues
from exports import modele as m
from exports.perimetre import Perimetre
from indicators import status
from pages.components import erreurs, graphiques

CLUB, FICHE = "club", "fiche"
GENRES = {CLUB: "Club des territoires (national)", FICHE: "Fiche d'un territoire"}
_INDEX, _DOCUMENT = "presentation_diapo", "presentation_document"
# Large type on every slide, readable from the back of a room; projection mode also hides the sidebar.
_STYLE_PROJECTION = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] { display: none; }
</style>"""
_STYLE_DIAPO = """<style>
.diapo-lda h2 { font-size: 3rem; color: #000091; } .diapo-lda p.sous-titre { font-size: 1.6rem; color: #3A3A3A; }
.diapo-lda { font-size: 1.4rem; }
</style>"""


def choix(territoires: pd.DataFrame, person: Personne) -> dict:
    """Kind of deck, scope (all, a wave, a région, a type, chosen territories), anonymisation and
    focus territories; for a fiche, the territory (the person's own by default)."""
    names = dict(zip(territoires["code"], territoires["nom"]))
    kind = st.segmented_control("Document", list(GENRES), format_func=GENRES.get, default=CLUB, key="pr_genre") or CLUB
    if kind == FICHE:
        codes = list(names)
        default = codes.index(person.territoire) if person.territoire in names else 0
        code = st.selectbox("Territoire", codes, index=default, format_func=lambda c: f"{names[c]} ({c})",
                            key="pr_territoire", placeholder="Choisir un territoire")
        return {"genre": FICHE, "territoire": code}
    c1, c2 = st.columns(2)
    portee = c1.selectbox("Périmètre", ["tous", "vague", "region", "type", "liste"], key="pr_portee",
                          placeholder="Choisir un périmètre",
                          format_func={"tous": "Tous les territoires actifs", "vague": "Une vague",
                                       "region": "Une région", "type": "Un type de territoire",
                                       "liste": "Des territoires choisis"}.get)
    regions = sorted({r for rs in territoires["region"].dropna() for r in rs.split(", ") if r})
    perimetre = Perimetre()
    if portee == "vague":
        perimetre = Perimetre(vague=c2.selectbox("Vague", sorted(territoires["vague"].dropna().unique()), key="pr_vague",
                                                 placeholder="Choisir une vague"))
    elif portee == "region":
        perimetre = Perimetre(region=c2.selectbox("Région", regions, key="pr_region", placeholder="Choisir une région"))
    elif portee == "type":
        perimetre = Perimetre(type=c2.selectbox("Type", list(TYPES_TERRITOIRE), format_func=TYPES_TERRITOIRE.get,
                                                key="pr_type", placeholder="Choisir un type"))
    elif portee == "liste":
        chosen = c2.multiselect("Territoires", list(names), format_func=lambda c: f"{names[c]} ({c})", key="pr_liste",
                               placeholder="Choisir des territoires", select_all=False)
        perimetre = Perimetre(codes=tuple(chosen))
    c3, c4 = st.columns(2)
    focus = c3.multiselect("Territoires mis en avant (une diapositive chacun)", list(names),
                           format_func=lambda c: f"{names[c]} ({c})", key="pr_focus", max_selections=12,
                           placeholder="Aucun : choisir des territoires", select_all=False)
    anonymise = c4.toggle("Anonymiser les territoires (« Territoire A, B… »)", key="pr_anonyme",
                          help="Pour une séance ouverte aux partenaires ou à la presse : noms et codes remplacés "
                               "partout, dans l'ordre alphabétique des codes.")
    return {"genre": CLUB, "perimetre": perimetre, "focus": tuple(focus), "anonymiser": anonymise}


@st.cache_data(show_spinner="Préparation du document…", max_entries=16)
def _document(path: str, version: int, genre: str, args: tuple) -> dict:
    # a deck model only (its files are written on a click): more of them kept than when each held
    # its .pptx and its 5 MB HTML page
    build = vues.document_fiche if genre == FICHE else vues.document_club
    with store.connect(path) as con:
        return build(con, *args)


def document(genre: str, *args) -> dict:
    """The deck (exports.vues), or why there is none, cached on the data version like every read."""
    from pages.components import store as lecture

    try:
        return _document(lecture.db_path(), lecture.data_version(), genre, args)
    except (BaseOccupee, BaseInaccessible) as exc:
        st.error(erreurs.message_page(exc))
        st.stop()


def telechargements(deck: m.Deck, name: str, pptx_column, html_column) -> None:
    """The .pptx and .html downloads of ``deck``, named ``name``: each file is written from the deck
    when its button is clicked (about 0.4 s and 0.15 s for the Club deck), not at every run of the
    page. The callable holds the deck itself: it runs outside the page's run, on the click."""
    for column, fmt, label in ((pptx_column, "pptx", "Télécharger le PowerPoint (.pptx)"),
                               (html_column, "html", "Télécharger la page autonome (.html)")):
        column.download_button(label, lambda fmt=fmt: vues.fichier(deck, fmt), f"{name}.{fmt}", key=f"pr_{fmt}",
                               mime=vues.FORMATS[fmt][1])


def navigation(n: int, document: str) -> int:
    """Previous / next buttons and the slide number; returns the index of the slide to show. A
    click moves the slide in its callback, before the page runs again, so that each button's state
    is the one of the slide shown; another ``document`` (the deck, the fiche) starts at its first."""
    if st.session_state.get(_DOCUMENT) != document:
        st.session_state[_DOCUMENT], st.session_state[_INDEX] = document, 0
    index = st.session_state[_INDEX] = min(max(st.session_state.get(_INDEX, 0), 0), n - 1)
    c1, c2, c3 = st.columns([1, 2, 1])
    c1.button("◀ Précédente", key="pr_prec", disabled=index == 0, width="stretch", on_click=_aller, args=(-1, n))
    c3.button("Suivante ▶", key="pr_suiv", disabled=index >= n - 1, width="stretch", on_click=_aller, args=(1, n))
    c2.markdown(f"<p style='text-align:center;font-size:1.2rem'>Diapositive {index + 1} sur {n}</p>",
                unsafe_allow_html=True)
    return index


def _aller(step: int, n: int) -> None:
    st.session_state[_INDEX] = min(max(st.session_state.get(_INDEX, 0) + step, 0), n - 1)


def projection() -> None:
    """The sidebar out of the way and large type, while presenting."""
    st.html(_STYLE_PROJECTION)


def diapo(d: m.Diapo, deck: m.Deck, key: str) -> None:
    """One slide, in large type: title, subtitle, its blocks side by side, the footer line."""
    st.html(_STYLE_DIAPO + f'<div class="diapo-lda"><h2>{escape(d.titre)}</h2>'
            f'<p class="sous-titre">{escape(d.sous_titre)}</p></div>')
    weights = list(d.largeurs or (1,) * len(d.blocs))
    for i, (column, bloc) in enumerate(zip(st.columns(weights), d.blocs)):
        with column:
            _bloc(m.sans_graphique_vide(bloc), f"{key}-{i}")
    st.caption(deck.pied + (f" · **{m.MENTION_DEMO}**" if deck.demo else ""))
    with st.expander("Notes de l'orateur"):
        st.text(d.notes)


def _bloc(bloc, key: str) -> None:
    if isinstance(bloc, m.Graphique):
        # no table beside a slide's chart: its figures under it, in « Données du graphique »
        donnees = pd.DataFrame({"Catégorie": list(bloc.categories), **{s.nom: list(s.valeurs) for s in bloc.series}})
        graphiques.afficher(rendu.figure(bloc), key=key, config=rendu.CONFIG, alt=bloc.alternative, donnees=donnees)
        st.caption(bloc.alternative)
    elif isinstance(bloc, m.Tableau):
        st.dataframe(pd.DataFrame(list(bloc.lignes), columns=list(bloc.colonnes)), hide_index=True, key=key)
    elif isinstance(bloc, m.Cartes):
        per_row = max(1, min(bloc.par_ligne, len(bloc.cartes)))
        for start in range(0, len(bloc.cartes), per_row):
            for column, card in zip(st.columns(per_row), bloc.cartes[start:start + per_row]):
                with column.container(border=True):
                    colour = status.couleur(card.statut) if card.statut else "#000091"
                    st.html(f"<p style='font-weight:bold;margin:0'>{escape(card.titre)}</p>"
                            f"<p style='font-size:2rem;font-weight:bold;color:{colour};margin:0'>"
                            f"{escape(card.valeur)}</p>")
                    for line in card.details:
                        st.markdown(line)
    elif isinstance(bloc, m.CarteGeo):
        st.html(rendu.carte_image(bloc))  # st.html keeps HTML only: an inline <svg> would be dropped
    elif isinstance(bloc, m.Texte):
        for paragraph in bloc.paragraphes:
            st.markdown(paragraph)
