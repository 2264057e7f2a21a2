"""A deck model (exports.modele) written as one self-contained HTML file: plotly.js inlined once
(no request to any other host), charts with French separators and their figures in a table
beside them, the map as inline SVG, a print style giving one A4 landscape page per slide."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

import plotly.graph_objects as go

from core.formatting import euro, number, percent
from exports import modele as m
from indicators import status

CONFIG = {"displaylogo": False, "displayModeBar": False, "responsive": True}
HAUTEUR = 430  # px: a chart and its slide fit an A4 landscape page
# axis ticks: whole ticks without a useless decimal (100 200, not « 100,0 200,0 »); a percentage
# is drawn on the scale of 100 with « % » after a no-break space (d3's « % » sticks to the number:
# « 20,0% »); the hover keeps the figure's own decimals, as the table of the chart's data
FORMATS_PLOTLY = {m.FORMAT_ENTIER: ",.0f", m.FORMAT_DECIMAL: ",.1~f", m.FORMAT_POURCENT: ",.1~f", m.FORMAT_EUROS: ",.0f"}
FORMATS_SURVOL = {m.FORMAT_ENTIER: ",.0f", m.FORMAT_DECIMAL: ",.1f", m.FORMAT_POURCENT: ",.1f", m.FORMAT_EUROS: ",.0f"}
SUFFIXES = {m.FORMAT_POURCENT: "\u00a0%", m.FORMAT_EUROS: "\u00a0€"}
# the map's legend: in the file's style sheet, and beside the map on the Présentation page (carte_image)
STYLE_LEGENDE = """.legende span { display: inline-block; margin-right: 16px; }
.pastille { display: inline-block; width: 1.3em; height: 1.3em; color: #FFF; text-align: center; font-weight: bold; margin-right: 4px; }
"""
STYLE = """
:root { --bleu: #000091; --texte: #161616; --gris: #3A3A3A; }
body { font-family: Marianne, Arial, "Helvetica Neue", sans-serif; color: var(--texte); margin: 0; background: #F6F6F6; }
.diapo { background: #FFF; max-width: 1000px; margin: 24px auto; padding: 24px 32px; box-sizing: border-box; }
h1, h2 { color: var(--bleu); margin: 0 0 4px; } h2 { font-size: 2rem; }
.sous-titre { color: var(--gris); font-size: 1.2rem; margin: 0 0 16px; }
.blocs { display: flex; gap: 24px; align-items: flex-start; } .bloc { min-width: 0; }
.cartes { display: grid; gap: 12px; }
.carte { border: 3px solid var(--bleu); border-radius: 8px; padding: 10px 12px; }
.carte .titre { font-weight: bold; color: var(--gris); } .carte .valeur { font-size: 1.8rem; font-weight: bold; }
.carte p { margin: 2px 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
thead th { background: var(--bleu); color: #FFF; text-align: left; } tbody th { font-weight: normal; text-align: left; }
th, td { padding: 4px 6px; border-bottom: 1px solid #DDD; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; }
.pied { display: flex; justify-content: space-between; color: var(--gris); font-size: 0.85rem; margin-top: 16px; border-top: 1px solid #DDD; padding-top: 6px; }
.demo { color: #E1000F; font-weight: bold; }
.lecteur-ecran { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
header.document { max-width: 1000px; margin: 24px auto 0; padding: 0 32px; box-sizing: border-box; }
header.document h1 { font-size: 1.3rem; }
details { margin-top: 8px; } summary { cursor: pointer; color: var(--bleu); }
@page { size: A4 landscape; margin: 10mm; }
@media print {
  body { background: #FFF; }
  .diapo { margin: 0; padding: 0; max-width: none; break-after: page; page-break-after: always; }
  .diapo:last-child { break-after: auto; page-break-after: auto; }
  details.notes, details.donnees, header.document { display: none; }
}
"""


def ecrire(deck: m.Deck, out: str | Path) -> Path:
    """Write ``deck`` to ``out`` (.html) and return the path."""
    out = Path(out)
    out.write_text(page(deck), encoding="utf-8")
    return out


def page(deck: m.Deck) -> str:
    """The whole self-contained HTML page of ``deck``."""
    state = {"plotly": False}
    sections = [_diapo(deck, d, state) for d in deck.diapos]
    title = escape(deck.proprietes.get("title", deck.titre))
    text = (f'<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta name="description" content="{escape(deck.proprietes.get("subject", ""))}">'
            f"<style>{STYLE}{STYLE_LEGENDE}</style></head><body>\n"
            # the document's one h1 (each slide's title is an h2 under it)
            f'<header class="document"><h1>{title}</h1></header>\n<main>\n' + "\n".join(sections)
            + "\n</main>\n</body></html>\n")
    return text


def _diapo(deck: m.Deck, d: m.Diapo, state: dict) -> str:
    weights = d.largeurs or (1,) * len(d.blocs)
    blocks = "".join(f'<div class="bloc" style="flex: {w}">{_bloc(b, state)}</div>' for b, w in zip(d.blocs, weights))
    demo = f'<span class="demo">{m.MENTION_DEMO}</span>' if deck.demo else ""
    notes = "".join(f"<p>{escape(line)}</p>" for line in d.notes.split("\n") if line)
    return (f'<section class="diapo"><h2>{escape(d.titre)}</h2><p class="sous-titre">{escape(d.sous_titre)}</p>'
            f'<div class="blocs">{blocks}</div>'
            f'<div class="pied"><span>{escape(deck.pied)}</span>{demo}</div>'
            f'<details class="notes"><summary>Notes</summary>{notes}</details></section>')


def _bloc(bloc, state: dict) -> str:
    bloc = m.sans_graphique_vide(bloc)
    if isinstance(bloc, m.Graphique):
        return _graphique(bloc, state)
    if isinstance(bloc, m.Tableau):
        return _table(bloc.colonnes, bloc.lignes, bloc.alternative)
    if isinstance(bloc, m.Cartes):
        return _cartes(bloc)
    if isinstance(bloc, m.CarteGeo):
        return carte_svg(bloc)
    if isinstance(bloc, m.Texte):
        return "".join(f"<p>{escape(p)}</p>" for p in bloc.paragraphes)
    raise TypeError(f"bloc inconnu : {type(bloc).__name__}")


def _table(columns, rows, caption: str) -> str:
    # header cells with their scope (the first cell of a row names it); the caption read by screen
    # readers but not drawn (the slide's own title and chart say it to the eye)
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join("<tr>" + "".join(f'<th scope="row">{escape(str(v))}</th>' if j == 0 else f"<td>{escape(str(v))}</td>"
                                    for j, v in enumerate(r)) + "</tr>" for r in rows)
    return (f'<table><caption class="lecteur-ecran">{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def _valeur(v, fmt: str) -> str:
    if v is None:
        return "–"
    if fmt == m.FORMAT_POURCENT:
        return percent(v * 100, 1)
    if fmt == m.FORMAT_EUROS:
        return euro(v)
    return number(v, 1 if fmt == m.FORMAT_DECIMAL else 0)


def figure(g: m.Graphique) -> go.Figure:
    """The Plotly figure of a chart of the deck (French separators, the deck's colours)."""
    fig = go.Figure()
    horizontal = g.genre in (m.BARRES, m.BARRES_EMPILEES)
    cats = list(g.categories)
    scale = 100 if g.format_nombre == m.FORMAT_POURCENT and g.genre != m.ANNEAU else 1
    for s in g.series:
        values = [v if v is None else v * scale for v in s.valeurs]
        if g.genre == m.LIGNES:
            fig.add_trace(go.Scatter(x=cats, y=values, name=s.nom, mode="lines+markers", connectgaps=False,
                                     line=dict(color=s.couleur, width=3, dash="dash" if s.pointilles else "solid")))
        elif g.genre == m.ANNEAU:
            fig.add_trace(go.Pie(labels=cats, values=values, hole=0.5, name=s.nom, sort=False))
        else:
            colour = list(s.couleurs_points) if s.couleurs_points else s.couleur
            fig.add_trace(go.Bar(x=values if horizontal else cats, y=cats if horizontal else values, name=s.nom,
                                 orientation="h" if horizontal else "v", marker_color=colour))
    axis = dict(tickformat=FORMATS_PLOTLY[g.format_nombre], hoverformat=FORMATS_SURVOL[g.format_nombre],
                title=g.titre_axe or None, gridcolor="#929292", ticksuffix=SUFFIXES.get(g.format_nombre))
    if g.graduation_unitaire:  # a few whole things: 0 1 2, never 0 1 1 2 2
        axis |= dict(dtick=1, tick0=0)
    fig.update_layout(
        title=g.titre, separators=", ", height=HAUTEUR, template="none", font=dict(size=14),
        barmode="stack" if g.genre in (m.BARRES_EMPILEES, m.COLONNES_EMPILEES) else "group",
        legend=dict(orientation="h", y=-0.15), margin=dict(l=10, r=10, t=50, b=10),
        showlegend=len(g.series) > 1 or g.genre == m.ANNEAU)
    if horizontal:
        fig.update_xaxes(**axis)
        fig.update_yaxes(autorange="reversed", automargin=True)
    elif g.genre != m.ANNEAU:
        fig.update_yaxes(**axis)
    return fig


def _graphique(g: m.Graphique, state: dict) -> str:
    # plotly.js inlined once, in the first chart of the file: nothing is fetched from elsewhere
    div = figure(g).to_html(full_html=False, include_plotlyjs=not state["plotly"], config=CONFIG)
    state["plotly"] = True
    rows = [(c, *(_valeur(s.valeurs[i], g.format_nombre) for s in g.series)) for i, c in enumerate(g.categories)]
    data = _table(("Catégorie", *(s.nom for s in g.series)), rows, f"Données du graphique « {g.titre} »")
    return (f'<figure role="img" aria-label="{escape(g.alternative)}" style="margin:0">{div}</figure>'
            f'<details class="donnees"><summary>Données du graphique</summary>{data}</details>')


def _cartes(bloc: m.Cartes) -> str:
    cards = []
    for c in bloc.cartes:
        colour = status.couleur(c.statut) if c.statut else "#000091"
        details = "".join(f"<p>{escape(x)}</p>" for x in c.details)
        cards.append(f'<div class="carte" style="border-color:{colour}"><div class="titre">{escape(c.titre)}</div>'
                     f'<div class="valeur" style="color:{colour}">{escape(c.valeur)}</div>{details}</div>')
    per_row = max(1, min(bloc.par_ligne, len(bloc.cartes)))
    return f'<div class="cartes" style="grid-template-columns: repeat({per_row}, 1fr)">{"".join(cards)}</div>'


def _path(rings, flip) -> str:
    return " ".join("M" + " L".join(f"{x:.3f},{flip(y):.3f}" for x, y in ring) + " Z" for ring in rings)


def _svg(geo: m.CarteGeo) -> str:
    """The map as an SVG element."""
    x0, y0, x1, y1 = geo.bornes
    flip = lambda y: y1 + y0 - y  # noqa: E731  (SVG's y grows downwards)
    parts = [f'<path d="{_path(geo.fond, flip)}" fill="none" stroke="#929292" stroke-width="0.04"/>']
    for ex0, ey0, ex1, ey1, name in geo.encarts:
        parts.append(f'<rect x="{ex0}" y="{flip(ey1)}" width="{ex1 - ex0}" height="{ey1 - ey0}" fill="none" '
                     'stroke="#929292" stroke-width="0.04"/>')
        if name:
            parts.append(f'<text x="{(ex0 + ex1) / 2}" y="{flip(ey1) + 0.45}" font-size="0.4" text-anchor="middle" '
                         f'fill="#3A3A3A">{escape(name)}</text>')
    for f in geo.formes:
        colour = status.couleur(f.statut)
        label = escape(f"{f.libelle} : {status.libelle(f.statut)}")
        if f.point or not f.anneaux:
            parts.append(f'<circle cx="{f.centre[0]}" cy="{flip(f.centre[1])}" r="0.22" fill="{colour}" '
                         f'stroke="#161616" stroke-width="0.04"><title>{label}</title></circle>')
        else:
            parts.append(f'<path d="{_path(f.anneaux, flip)}" fill="{colour}" stroke="{colour}" stroke-width="0.02">'
                         f"<title>{label}</title></path>")
    for f in geo.formes:  # the symbol, as large as the shape allows (map units)
        size = 0.4 if f.point or not f.anneaux else max(0.1, min(0.4, 0.6 * f.cote))
        parts.append(f'<text x="{f.centre[0]}" y="{flip(f.centre[1]) + size / 3:.3f}" font-size="{size:.2f}" '
                     f'text-anchor="middle" fill="#FFFFFF" font-weight="bold">{escape(status.icone(f.statut))}</text>')
    # xmlns: the same drawing also stands alone as an image (carte_image)
    return (f'<svg class="carte" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="{x0 - 0.2} {y0 - 0.2} {x1 - x0 + 0.4} {y1 - y0 + 0.4}" role="img" '
            f'aria-label="{escape(geo.alternative)}" style="width:100%;max-height:520px">{"".join(parts)}</svg>')


def _legende(geo: m.CarteGeo) -> str:
    legend = "".join(f'<span><span class="pastille" style="background:{status.couleur(s)}">{escape(status.icone(s))}'
                     f"</span>{escape(status.libelle(s))} ({n})</span>" for s, _lab, n in geo.legende if n)
    return f'<p class="legende"><strong>Statut dominant : </strong>{legend}</p>'


def carte_svg(geo: m.CarteGeo) -> str:
    """The map as inline SVG with its legend (HTML)."""
    return _svg(geo) + _legende(geo)


def carte_image(geo: m.CarteGeo) -> str:
    """The map as an image of the same SVG (a data: URI, nothing fetched), its text alternative as
    ``alt``, with its legend and the legend's style: for a page whose sanitiser keeps HTML only and
    drops inline SVG (Streamlit's st.html, where the map slide showed its legend alone)."""
    data = base64.b64encode(_svg(geo).encode("utf-8")).decode("ascii")
    return (f"<style>{STYLE_LEGENDE}</style>"
            f'<img src="data:image/svg+xml;base64,{data}" alt="{escape(geo.alternative)}" '
            f'style="width:100%;max-height:520px;object-fit:contain">' + _legende(geo))
