"""The offline map of France of the national page: every territory coloured by status or by the
share of its indicators on their path, incomplete reporting outlined, the overseas départements in
insets, a click on a territory gives its code.

Drawn with filled Scatter traces on hidden plain axes (geometry from data.geo): no geo or map
trace, so the browser never asks Plotly's CDN for a world map and the map draws offline.

The traces are written as the plain dicts Plotly's validation would make of them, and the figure is
assembled without validating them again: validating the rings of a thousand territories cost
about 40 ms at each data change (tests/test_carte.py checks that a validated rebuild of the figure
is the same figure). What no data change touches (the layout with the insets, the départements'
outlines) is validated once per process.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.colors import sample_colorscale

from data import geo
from indicators import status
from pages.components import store
from pages.components.graphiques import POLICE
from core.formatting import percent

COULEURS_CARTE = ("statut", "trajectoire")
# The colour measure of the second view: the same meaning for an indicator to raise or to reduce
# (a mean of progress rates would count a ceiling's overspend as progress).
MESURE = "Indicateurs dans la trajectoire ou atteints"
TITRE_MESURE = "Indicateurs dans la<br>trajectoire ou<br>atteints"
LEGENDE = ("Statut dominant : « En retard » dès qu'un quart des indicateurs le sont, sinon le statut le plus "
           "fréquent. « Indicateurs dans la trajectoire ou atteints » : part des indicateurs évalués de la "
           "feuille de route qui sont dans la trajectoire ou ont atteint leur cible (à augmenter comme à "
           "réduire : plus la part est haute, mieux c'est). Contour pointillé : déclaration incomplète, "
           "des trimestres écoulés ne sont pas renseignés ; le survol dit combien.")
FOND = "#EEEEEE"
TRAIT_FOND = "#929292"  # département outlines at 3:1 against white, as in the exports (pptx_style)
TEXTE_ENCART = "#3A3A3A"  # the insets' names
TRAIT_TERRITOIRE = "#FFFFFF"
GRIS_SANS_VALEUR = "#CECECE"
SANS_PART = "Aucun indicateur évalué"
# Incomplete reporting: a thick dashed dark outline (a shape, not a colour), its own legend entry.
INCOMPLET = "Déclaration incomplète (contour pointillé)"
TRAIT_INCOMPLET = dict(color="#161616", width=2.5, dash="dot")
# Hatched, so "no figure" never reads as a pale "little progress".
MOTIF_SANS_VALEUR = dict(shape="/", fgcolor="#666666", bgcolor=GRIS_SANS_VALEUR, size=6)
# Share scale: light to dark blue of the French State palette; 100 % (every judged indicator on
# its path) takes the darkest shade. Its lightest shade keeps 3:1 against the map's grey ground
# (RGAA 3.3): a territory at 0 % must still be seen.
ECHELLE_PART = [[0.0, "#6A6AF4"], [1.0, "#000091"]]
PART_MAX = 100.0
CONFIG = {"displaylogo": False, "displayModeBar": False, "scrollZoom": False, "doubleClick": False}
HAUTEUR = 560


def _survol(row) -> str:
    share = getattr(row, "part_trajectoire_pct", None)
    if share is None or pd.isna(share):
        mesure = "aucun indicateur évalué"
    else:
        mesure = percent(share, 0)
        if pd.notna(row.nb_evalues):
            s = "s" if row.nb_evalues > 1 else ""
            mesure += f" ({int(row.nb_trajectoire)} sur {int(row.nb_evalues)} indicateur{s} évalué{s})"
    text = (f"<b>{row.nom}</b> ({row.code})<br>Statut : {status.libelle(row.statut)}"
            f"<br>Dans la trajectoire ou atteints : {mesure}")
    if row.declaration:
        text += f"<br>Déclaration incomplète : {row.declaration}"
    return text


PAS_PART = 5.0  # colours change by steps of 5 points


def _palier(value: float) -> float:
    """The step a share is coloured with (0 to PART_MAX)."""
    return min(max(float(value), 0.0), PART_MAX) // PAS_PART * PAS_PART


# Drawing layers, larger kinds of territory first.
COUCHES = {"groupement": 0, "departement": 1, "epci": 2}


def _couche(row, shapes) -> int:
    """The layer of a territory: by kind, or for an unknown kind by size (large first)."""
    kind = getattr(row, "type", None)
    if kind in COUCHES:
        return COUCHES[kind]
    return 0 if _aire(shapes[row.code]) > 1.0 else len(COUCHES)


def _couleur_part(value) -> str:
    if value is None or pd.isna(value):
        return GRIS_SANS_VALEUR
    return sample_colorscale(ECHELLE_PART, [min(max(value, 0.0), PART_MAX) / PART_MAX])[0]


def _scatter(**props) -> dict:
    """A scatter trace as Plotly's validation writes it (properties left None are absent)."""
    return {"type": "scatter", **{k: v for k, v in props.items() if v is not None}}


def _anneaux(shapes: list) -> tuple[np.ndarray, np.ndarray]:
    """The rings of ``shapes`` end to end, separated by gaps."""
    gap = np.array([np.nan], dtype=np.float32)
    x = np.concatenate([part for sh in shapes for part in (sh.x, gap)][:-1])
    y = np.concatenate([part for sh in shapes for part in (sh.y, gap)][:-1])
    return x, y


def _contour(shapes: list, *, nom: str, couleur: str, groupe: str, legende: bool, rang: int,
             motif: dict | None = None) -> dict:
    """The filled rings of some territories of one colour, separated by gaps (not hoverable: their
    click targets carry the hover text)."""
    x, y = _anneaux(shapes)
    return _scatter(
        x=x, y=y, mode="lines", fill="toself", fillcolor=couleur, name=nom,
        line=dict(color=TRAIT_TERRITOIRE, width=0.8), hoverinfo="skip", legendgroup=groupe,
        showlegend=legende, legendrank=rang, fillpattern=motif)


def _cibles(rows, shapes, *, nom: str, couleur: str, groupe: str) -> dict:
    """Invisible click targets (customdata = territory code) carrying the hover text. Targets are
    all the same small size: Plotly measures hover distance from a marker's edge, so a large
    marker would lose to a small neighbour even under the pointer."""
    n = [shapes[r.code].cibles_x.size for r in rows]
    return _scatter(
        x=np.concatenate([shapes[r.code].cibles_x for r in rows]),
        y=np.concatenate([shapes[r.code].cibles_y for r in rows]),
        mode="markers", name=nom, legendgroup=groupe, showlegend=False,
        marker=dict(size=6, color=couleur, opacity=0),
        customdata=np.repeat(np.array([r.code for r in rows], dtype=object), n),
        text=np.repeat(np.array([_survol(r) for r in rows], dtype=object), n),
        hovertemplate="%{text}<extra></extra>",
        selected=dict(marker=dict(opacity=0)), unselected=dict(marker=dict(opacity=0)))


def _communes(rows, shapes, *, nom: str, couleur: str, groupe: str, legende: bool, rang: int) -> list:
    """Commune markers (not hoverable themselves) and their targets, on top of everything."""
    marker = _scatter(
        x=[shapes[r.code].centre[0] for r in rows], y=[shapes[r.code].centre[1] for r in rows],
        mode="markers", name=nom, legendgroup=groupe, showlegend=legende, legendrank=rang,
        marker=dict(size=15, color=couleur, line=dict(color="#161616", width=1.5)),
        customdata=[r.code for r in rows], hoverinfo="skip",
        selected=dict(marker=dict(opacity=1)), unselected=dict(marker=dict(opacity=1)))
    return [marker, _cibles(rows, shapes, nom=nom, couleur=couleur, groupe=groupe)]


def _barre_part() -> dict:
    ticks = [0, 25, 50, 75, 100]
    labels = [percent(t, 0) for t in ticks]
    return dict(showscale=True, colorbar=dict(
        title=dict(text=TITRE_MESURE, font=dict(size=14)), tickvals=ticks, ticktext=labels, len=0.6, thickness=18,
        x=1.0, xanchor="left", y=0.62, yanchor="middle", tickfont=dict(size=15)))


def figure_carte(frame: pd.DataFrame, *, couleur: str = "statut", hauteur: int = HAUTEUR,
                 titre: str | None = None) -> go.Figure:
    """Map of France with one shape (or point, for a commune) per territory of ``frame`` (columns
    code, nom, type, membres, statut, part_trajectoire_pct, and optionally nb_trajectoire,
    nb_evalues, nb_incomplets, declaration), coloured by status (legend with the French labels) or
    by the share of judged indicators on their path (colour bar); territories with incomplete
    reporting outlined in dots (legend entry INCOMPLET); the overseas départements in insets."""
    frame = _normaliser(frame)
    return _dessin(frame, geo.territory_shapes(frame).shapes, couleur=couleur, hauteur=hauteur, titre=titre)


def _dessin(frame: pd.DataFrame, shapes: dict, *, couleur: str, hauteur: int, titre: str | None) -> go.Figure:
    """figure_carte() of a _normaliser() frame whose shapes are given."""
    if couleur not in COULEURS_CARTE:
        raise ValueError(f"couleur doit être l'une de {COULEURS_CARTE}, pas {couleur!r}")
    rows = [r for r in frame.itertuples(index=False) if r.code in shapes]
    # Larger shapes first, so smaller territories inside them (an EPCI in its département) stay on top.
    rows.sort(key=lambda r: -_aire(shapes[r.code]))
    traces = [_fond()]
    # Colour groups, in legend order: (group, legend name or None, colour, hatching, territories).
    if couleur == "statut":
        groups = [(c, status.libelle(c), status.couleur(c), None, [r for r in rows if r.statut == c])
                  for c in status.STATUTS]
    else:
        # shares in steps of PAS_PART: a few traces even for a thousand territories
        by_step: dict[float, list] = {}
        for r in rows:
            if not pd.isna(r.part_trajectoire_pct):
                by_step.setdefault(_palier(r.part_trajectoire_pct), []).append(r)
        groups = [(f"part-{step:g}", None, _couleur_part(step), None, by_step[step])
                  for step in sorted(by_step)]
        groups.append(("sans", SANS_PART, GRIS_SANS_VALEUR, MOTIF_SANS_VALEUR,
                       [r for r in rows if pd.isna(r.part_trajectoire_pct)]))
    groups = [g for g in groups if g[4]]
    of = {r.code: (rang, g) for rang, g in enumerate(groups) for r in g[4]}
    legend_done = set()
    # One filled trace per layer and colour (a few traces, even for every EPCI of France): the
    # layers go from larger to smaller kinds of territory, so an EPCI inside its département stays
    # on top; territories of one layer do not overlap (départements, EPCI each tile France).
    batches: dict[tuple[int, int], list] = {}
    for r in rows:
        if not shapes[r.code].is_point:
            batches.setdefault((_couche(r, shapes), of[r.code][0]), []).append(r)
    for (_layer, rang), members in sorted(batches.items()):
        groupe, nom, teinte, motif, _all = groups[rang]
        traces.append(_contour([shapes[r.code] for r in members], nom=nom or members[0].nom, couleur=teinte,
                               groupe=groupe, legende=nom is not None and groupe not in legend_done,
                               rang=rang, motif=motif))
        legend_done.add(groupe)
    traces += _incomplets([r for r in rows if r.nb_incomplets > 0], shapes)
    # Targets of shapes, then communes: Plotly gives a tie (pointer within 3 pixels of two
    # targets) to the later trace, so a commune wins over the EPCI around it.
    for groupe, nom, teinte, _motif, members in groups:
        surfaces = [r for r in members if not shapes[r.code].is_point]
        if surfaces:
            traces.append(_cibles(surfaces, shapes, nom=nom or members[0].nom, couleur=teinte, groupe=groupe))
    for rang, (groupe, nom, teinte, _motif, members) in enumerate(groups):
        communes = [r for r in members if shapes[r.code].is_point]
        if communes:
            traces += (_communes(communes, shapes, nom=nom or members[0].nom, couleur=teinte,
                                     groupe=groupe, rang=rang,
                                     legende=nom is not None and groupe not in legend_done))
    if couleur == "trajectoire":
        traces.append(_barre())
    # the layout is copied: a caller may change its figure's layout, never the one kept
    layout = copy.deepcopy(_cadre(hauteur, titre, couleur))
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


@lru_cache(maxsize=1)
def _fond_valide() -> dict:
    bx, by = geo.departement_outlines()
    return go.Scatter(x=bx, y=by, mode="lines", fill="toself", fillcolor=FOND,
                      line=dict(color=TRAIT_FOND, width=0.6), hoverinfo="skip", showlegend=False,
                      name="Départements").to_plotly_json()


def _fond() -> dict:
    """The départements' outlines under the territories (validated once per process)."""
    return dict(_fond_valide())  # a copy of the trace (its arrays are read only, shared)


@lru_cache(maxsize=1)
def _barre_valide() -> dict:
    # The colour bar rides on an invisible point: present even when every value is missing.
    centre = geo.metropole_bounds()
    return go.Scatter(x=[centre[0]], y=[centre[1]], mode="markers", showlegend=False, hoverinfo="skip",
                      name=MESURE, marker=dict(size=1, opacity=0, color=[0], colorscale=ECHELLE_PART,
                                               cmin=0, cmax=PART_MAX, **_barre_part())).to_plotly_json()


def _barre() -> dict:
    """The colour bar of the share view (validated once per process)."""
    return copy.deepcopy(_barre_valide())


def _incomplets(rows: list, shapes) -> list[dict]:
    """A dotted dark outline around each territory with incomplete reporting (a ring around a
    commune), one legend entry: a shape, so it reads without colour and over any fill."""
    surfaces = [shapes[r.code] for r in rows if not shapes[r.code].is_point]
    communes = [shapes[r.code] for r in rows if shapes[r.code].is_point]
    common = dict(name=INCOMPLET, legendgroup="incomplet", hoverinfo="skip", legendrank=999)
    traces = []
    if surfaces:
        x, y = _anneaux(surfaces)
        traces.append(_scatter(x=x, y=y, mode="lines", line=dict(TRAIT_INCOMPLET), showlegend=True, **common))
    if communes:
        traces.append(_scatter(
            x=[sh.centre[0] for sh in communes], y=[sh.centre[1] for sh in communes], mode="markers",
            marker=dict(symbol="circle-open", size=24, color=TRAIT_INCOMPLET["color"], line=dict(width=2)),
            showlegend=not surfaces, **common))
    return traces


def _normaliser(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes as text; a missing or unknown status reads "non renseigné" (never dropped from the map)."""
    out = frame.assign(code=frame["code"].astype(str))
    if "part_trajectoire_pct" not in out:
        out["part_trajectoire_pct"] = float("nan")
    out["part_trajectoire_pct"] = pd.to_numeric(out["part_trajectoire_pct"], errors="coerce")
    for column in ("nb_trajectoire", "nb_evalues"):
        out[column] = pd.to_numeric(out[column], errors="coerce") if column in out else float("nan")
    out["nb_incomplets"] = pd.to_numeric(out["nb_incomplets"], errors="coerce").fillna(0) if "nb_incomplets" in out else 0
    out["declaration"] = out["declaration"].fillna("").astype(str) if "declaration" in out else ""
    statut = out["statut"] if "statut" in out else pd.Series(None, index=out.index, dtype=object)
    out["statut"] = statut.where(statut.isin(status.STATUTS), status.NON_RENSEIGNE)
    out["nom"] = out["nom"].where(out["nom"].notna(), out["code"]) if "nom" in out else out["code"]
    # text as Python objects: the loops over rows below (and the shapes' lookup) read an Arrow
    # string column ten times slower
    text = [c for c in out.columns if pd.api.types.is_string_dtype(out[c]) and out[c].dtype != object]
    return out.astype(dict.fromkeys(text, object)) if text else out


def _aire(shape: geo.Shape) -> float:
    b = shape.bounds
    return (b[2] - b[0]) * (b[3] - b[1])


@lru_cache(maxsize=16)
def _cadre(hauteur: int, titre: str | None, couleur: str) -> dict:
    """The validated layout of the map (the same for every data: kept per process)."""
    legende_titre = "Statut" if couleur == "statut" else None
    fig = go.Figure()
    # the inset frames and names in the one update_layout below: add_shape and add_annotation
    # revalidate the whole layout at each call (40 ms for the ten of them)
    encarts = geo.encarts()
    frames = [dict(type="rect", x0=e.x0, y0=e.y0, x1=e.x1, y1=e.y1, layer="below",
                   line=dict(color="#929292", width=1), fillcolor="rgba(0,0,0,0)") for e in encarts]
    names = [dict(x=(e.x0 + e.x1) / 2, y=e.y1, text=e.nom, showarrow=False, yanchor="top",
                  yshift=-2, font=dict(size=14, color=TEXTE_ENCART)) for e in encarts]
    x0, y0, x1, y1 = geo.map_bounds()
    pad = 0.2
    axis = dict(visible=False, showgrid=False, zeroline=False, fixedrange=True)
    fig.update_layout(
        separators=", ", font=POLICE, height=hauteur, template="none", **({"title": titre} if titre else {}),
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)", hovermode="closest",
        margin=dict(l=0, r=0, t=50 if titre else 10, b=0), dragmode=False,
        hoverlabel=dict(font=dict(size=15)),
        legend=dict(**({"title": dict(text=legende_titre, font=dict(size=16))} if legende_titre else {}),
                    font=dict(size=16),
                    yanchor="middle", y=0.5, xanchor="left", x=1.0, itemclick="toggle",
                    bgcolor="rgba(255,255,255,0.6)"),
        xaxis=dict(axis, range=[x0 - pad, x1 + pad]),
        yaxis=dict(axis, range=[y0 - pad, y1 + pad], scaleanchor="x", scaleratio=1),
        shapes=frames, annotations=names,
    )
    if couleur == "trajectoire":  # under the colour bar
        fig.update_layout(legend=dict(yanchor="top", y=0.22))
    return fig.to_plotly_json()["layout"]


def code_selectionne(event, codes) -> str | None:
    """The territory code of the first clicked point of a plotly_chart selection event, if it is
    one of ``codes``."""
    try:
        points = event["selection"]["points"]
    except (KeyError, TypeError):
        return None
    codes = set(codes)
    for point in points or []:
        value = point.get("customdata")
        if isinstance(value, list):
            value = value[0] if value else None
        if value is not None and str(value) in codes:
            return str(value)
    return None


def _vue(frame: pd.DataFrame, couleur: str, hauteur: int) -> tuple[go.Figure, str]:
    """The figure, and the caption naming the territories without a known shape ('' when every one
    has one)."""
    frame = _normaliser(frame)
    shapes, missing = geo.territory_shapes(frame)  # once for both (30 ms for every EPCI of France)
    # a figure, not its dict: st.plotly_chart would validate a dict again at every run (10 ms)
    fig = _dessin(frame, shapes, couleur=couleur, hauteur=hauteur, titre=None)
    if not missing:
        return fig, ""
    noms = frame.set_index("code")["nom"]
    return fig, "Sans contour connu, absents de la carte : " + ", ".join(f"{noms.get(c, c)} ({c})" for c in missing)


@st.cache_resource(show_spinner=False, max_entries=32)
def _vue_en_cache(frame: pd.DataFrame, couleur: str, hauteur: int) -> tuple[go.Figure, str]:
    # same data, same figure, not rebuilt (a resource: the figure is shared read-only, not copied
    # at every run)
    return _vue(frame, couleur, hauteur)


def afficher_carte(frame: pd.DataFrame, *, couleur: str = "statut", key: str = "carte",
                   hauteur: int = HAUTEUR, cle: tuple | None = None) -> str | None:
    """Show the map (a click selects a territory) and return the code of the clicked territory.
    ``cle``, when given, names the data of ``frame`` (the arguments of the read that gave it): the
    figure is then kept until the data change on it, without hashing the frame at every run."""
    if cle is None:
        fig, absents = _vue_en_cache(frame, couleur, hauteur)
    else:
        fig, absents = store.construit(_vue, (*cle, couleur, hauteur), frame, couleur, hauteur)
    event = st.plotly_chart(
        fig, key=key, on_select="rerun", selection_mode="points", width="stretch", config=CONFIG,
        alt="Carte de France des territoires du programme (outre-mer en encarts) ; "
            "les mêmes informations figurent dans le tableau des territoires.")
    if absents:
        st.caption(absents)
    return code_selectionne(event, frame["code"].astype(str))
