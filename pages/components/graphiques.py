"""Plotly figures of the dashboard, French formatted (1 234,5 ; T1 2024), the French State palette,
fonts readable at a projector's distance. Every figure is shown with its figures as a table."""

from __future__ import annotations

import copy
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from core.formatting import count, figure as chiffre, integer, percent
from indicators import status

BLEU = "#000091"
ROUGE = "#E1000F"
GRIS = "#666666"
GRIS_CLAIR = "#CECECE"  # backgrounds only (the bands of quarters not reported)
GRIS_BARRES = "#929292"  # the quarterly bars: data, so 3:1 against white (RGAA 3.3)
TEXTE = "#161616"
# Completeness heat map: light tints (red, yellow, green) under dark figures written in every cell
# (4.5:1 on each tint); the figure, not the colour, carries the rate.
ECHELLE_COMPLETUDE = [[0, "#F9C5C1"], [0.5, "#FDE8A8"], [1, "#B6E2C2"]]
POLICE = dict(family="Marianne, Arial, sans-serif", size=16, color=TEXTE)
# No mode bar: its tooltips are English only, and every chart's figures are in the table under it.
CONFIG = {"displaylogo": False, "displayModeBar": False}
# d3 format of the axes with the French separators of the layout: 41 303 ; 8,1 (no "41k", no "41 303,0")
FORMAT_AXE = ",~r"


# Hover labels are written in Python (core.formatting), as every figure of the pages: d3 formats
# would drop a trailing zero (« 45 % » beside a table's « 45,0 % ») and write the thousands with
# a plain space and negatives with a hyphen. The texts ride in customdata.
def survol(values, unite: str = "") -> list[str]:
    """Hover texts of ``values``: « 1 234,5 » (whole values « 3 »), « 45,0 % » for a percentage,
    « – » for a missing figure; ``unite`` (other than %) written after the figure."""
    if unite == "%":
        return [percent(v, 1) for v in values]
    after = f" {unite}" if unite else ""
    return [chiffre(v) + after for v in values]


@lru_cache(maxsize=32)
def _forme(hauteur: int, titre: str | None) -> dict:
    """The shared layout of a chart of that height and title, validated once per process:
    validating the template and going through update_xaxes() and the like again for each figure
    cost about 15 ms, most of a small chart's build."""
    fig = go.Figure()
    fig.update_xaxes(tickfont=dict(size=15, color=TEXTE), tickformat=FORMAT_AXE)
    fig.update_yaxes(tickfont=dict(size=15, color=TEXTE), tickformat=FORMAT_AXE,
                     title_font=dict(size=15, color=TEXTE))
    fig.update_layout(
        separators=", ", font=POLICE, height=hauteur, **({"title": titre} if titre else {}),
        template="plotly_white", margin=dict(l=10, r=10, t=60 if titre else 20, b=10),
        hoverlabel=dict(font_size=15),
        # legend under the plot: above it, it would run into the title
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, font=dict(size=16)),
    )
    return fig.layout.to_plotly_json()


def _fusion(own: dict, shared: dict) -> dict:
    """``own`` updated by ``shared`` as Figure.update_layout() would: nested settings merged, the
    shared ones winning; the template replaced whole."""
    out = dict(own)
    for key, value in shared.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "template":
            out[key] = _fusion(out[key], value)
        else:
            out[key] = copy.deepcopy(value)  # never the kept layout's own objects
    return out


def mise_en_forme(fig: go.Figure, *, hauteur: int = 420, titre: str | None = None) -> go.Figure:
    """French separators, palette, font and margins shared by every chart: a new figure with the
    traces and layout of ``fig`` so formatted, assembled without validating it again
    (tests/test_graphiques_survol.py checks it is the figure Plotly's validation makes)."""
    layout = _fusion(fig.layout.to_plotly_json(), _forme(hauteur, titre))
    return go.Figure({"data": [t.to_plotly_json() for t in fig.data], "layout": layout}, _validate=False)


def afficher(fig, *, key: str, alt: str, donnees: pd.DataFrame | None = None, config: dict | None = None, **kwargs):
    """st.plotly_chart with the shared configuration (no outside request: Plotly is served by
    Streamlit itself) and its text alternative ``alt``, required: what the chart shows and its main
    figures, read by screen readers (RGAA 1.1). ``donnees``: the chart's figures, shown under it in
    « Données du graphique » when the page does not give them in a table beside it."""
    if not alt or not str(alt).strip():
        raise ValueError(f"le graphique {key} n'a pas d'alternative textuelle")
    shown = st.plotly_chart(fig, width="stretch", config=config or CONFIG, key=key, alt=alt, **kwargs)
    if donnees is not None:
        with st.expander("Données du graphique", icon=":material/table:"):
            st.dataframe(donnees, hide_index=True, key=f"{key}_donnees")
    return shown


def trajectoire(series: pd.DataFrame, libelle: str, unite: str) -> go.Figure:
    """Achieved figure against the expected path (milestone included) and the target, the
    projection dashed, the quarterly values as bars (flux and somme)."""
    s = series
    fig = go.Figure()
    cumulative = s["nature"].iloc[0] in ("flux", "somme")
    pct = "%" if unite == "%" else ""  # a percentage says so in every hover; other units on the bars
    if s["valeur_trimestre"].notna().any():
        fig.add_bar(x=s["libelle"], y=s["valeur_trimestre"], name="Valeur du trimestre",
                    marker_color=GRIS_BARRES, customdata=survol(s["valeur_trimestre"], unite),
                    hovertemplate="%{x} : %{customdata}<extra></extra>")
    fig.add_scatter(x=s["libelle"], y=s["attendu"], name="Chemin attendu", mode="lines",
                    line=dict(color=GRIS, dash="dot", width=3), customdata=survol(s["attendu"], pct),
                    hovertemplate="%{x} : attendu %{customdata}<extra></extra>")
    # drawn at reported quarters only: the line breaks over a quarter not reported (never a flat run)
    fig.add_scatter(x=s["libelle"], y=s["realise_affiche"], name="Réalisé" + (" (cumul)" if cumulative else ""),
                    mode="lines+markers", line=dict(color=BLEU, width=4), marker=dict(size=9), connectgaps=False,
                    customdata=survol(s["realise_affiche"], pct),
                    hovertemplate="%{x} : réalisé %{customdata}<extra></extra>")
    _trimestres_non_renseignes(fig, s)
    target = s["cible"].iloc[0]
    fig.add_scatter(x=[s["libelle"].iloc[0], s["libelle"].iloc[-1]], y=[target, target], name="Cible",
                    mode="lines", line=dict(color=ROUGE, width=3), customdata=survol([target, target], pct),
                    hovertemplate="Cible : %{customdata}<extra></extra>")
    milestone = s["jalon_an1"].iloc[0]
    if pd.notna(milestone) and len(s) >= 4:
        fig.add_scatter(x=[s["libelle"].iloc[3]], y=[milestone], name="Jalon de la 1re année", mode="markers",
                        marker=dict(symbol="diamond", size=14, color=ROUGE, line=dict(color="white", width=1)),
                        customdata=survol([milestone], pct), hovertemplate="Jalon : %{customdata}<extra></extra>")
    done = s[s["realise_affiche"].notna()]
    projection = s["projection_fin"].iloc[-1]
    if not done.empty and pd.notna(projection) and done["reference"].iloc[-1] < s["reference"].iloc[-1]:
        fig.add_scatter(x=[done["libelle"].iloc[-1], s["libelle"].iloc[-1]],
                        y=[done["realise_affiche"].iloc[-1], projection], name="Projection en fin de fenêtre",
                        mode="lines+markers", line=dict(color=BLEU, dash="dash", width=3),
                        marker=dict(symbol="circle-open", size=10),
                        customdata=survol([done["realise_affiche"].iloc[-1], projection], pct),
                        hovertemplate="%{x} : projection %{customdata}<extra></extra>")
    fig.update_yaxes(title=unite, rangemode="tozero" if cumulative else "normal", separatethousands=True)
    fig.update_xaxes(type="category")
    fig = mise_en_forme(fig, titre=libelle)
    note = note_trajectoire(s)
    if note:
        fig.update_layout(title=dict(text=libelle, subtitle=dict(text=note, font=dict(size=14, color=GRIS))),
                          margin=dict(t=90))
    return fig


NON_RENSEIGNE = "Trimestre non renseigné"


def _trimestres_non_renseignes(fig: go.Figure, s: pd.DataFrame) -> None:
    """A grey band over each elapsed quarter without a reported value, one legend entry."""
    missing = [i for i, (ecoule, fait) in enumerate(zip(s["ecoule"], s["renseigne"])) if ecoule and not fait]
    for n, i in enumerate(missing):
        fig.add_vrect(x0=i - 0.5, x1=i + 0.5, fillcolor=GRIS_CLAIR, opacity=0.45, line_width=0, layer="below",
                      name=NON_RENSEIGNE, legendgroup="non_renseigne", showlegend=n == 0)


def note_trajectoire(s: pd.DataFrame) -> str:
    """The chart's subtitle when elapsed quarters were not reported ('' otherwise)."""
    from indicators.declaration import texte_trimestres

    elapsed = int(s["ecoule"].sum())
    reported = int((s["ecoule"] & s["renseigne"]).sum())
    if not elapsed or reported == elapsed:
        return ""
    return (f"Déclaration incomplète : {texte_trimestres(reported, elapsed)} ; le réalisé n'est tracé "
            "qu'aux trimestres renseignés (bandes grises : non renseignés).")


def barres_comparaison(frame: pd.DataFrame, code: str, titre: str) -> go.Figure:
    """Horizontal bars of the figure per 100,000 inhabitants, the chosen territory highlighted."""
    f = frame.sort_values("pour_100000")
    colours = [ROUGE if c == code else BLEU for c in f["territoire"]]
    fig = go.Figure(go.Bar(x=f["pour_100000"], y=f["nom"], orientation="h", marker_color=colours,
                           customdata=survol(f["pour_100000"], "pour 100\u202f000 hab."),
                           hovertemplate="%{y} : %{customdata}<extra></extra>"))
    fig.update_xaxes(title="pour 100 000 habitants")
    return mise_en_forme(fig, hauteur=max(300, 28 * len(f) + 80), titre=titre)


def barres_statuts(counts: pd.DataFrame) -> go.Figure:
    """Count per status, each bar labelled with its status text and count (not colour alone)."""
    shown = [integer(n) for n in counts["Nombre"]]  # « 12 345 » on the bar as in its hover, not « 12345 »
    fig = go.Figure(go.Bar(
        x=counts["Nombre"], y=counts["Statut"], orientation="h", text=shown, textposition="auto",
        marker_color=[status.COULEURS[s] for s in counts["statut"]],
        customdata=shown, hovertemplate="%{y} : %{customdata}<extra></extra>"))
    fig.update_layout(yaxis=dict(autorange="reversed"))
    return mise_en_forme(fig, hauteur=320)


def carte_completude(frame: pd.DataFrame) -> go.Figure:
    """Heat map territory x quarter of the completeness rate (%), figures written in the cells."""
    z = frame.pivot_table(index="nom", columns="libelle", values="taux_completude", aggfunc="first", sort=False)
    z = z.reindex(columns=list(dict.fromkeys(frame.sort_values("trimestre")["libelle"])))
    text = z.map(lambda v: "" if pd.isna(v) else f"{v:.0f}\u202f%")
    fig = go.Figure(go.Heatmap(
        z=z.values, x=list(z.columns), y=list(z.index), text=text.values, texttemplate="%{text}",
        colorscale=ECHELLE_COMPLETUDE, zmin=0, zmax=100, textfont=dict(color=TEXTE),
        colorbar=dict(title="Complétude (%)"), xgap=1, ygap=1,
        customdata=[survol(row, "%") for row in z.values.tolist()],
        hovertemplate="%{y} — %{x} : %{customdata}<extra></extra>"))
    fig.update_layout(yaxis=dict(autorange="reversed"))
    return mise_en_forme(fig, hauteur=max(400, 22 * len(z) + 120))


def courbe_completude(frame: pd.DataFrame) -> go.Figure:
    """Completeness rate per quarter of one territory, the delay of the first value in the hover."""
    delais = ["" if pd.isna(d) else f" (première valeur {count(int(d), 'jour')} après la fin)" for d in frame["delai_jours"]]
    fig = go.Figure(go.Bar(
        x=frame["libelle"], y=frame["taux_completude"], marker_color=BLEU,
        customdata=list(zip(survol(frame["taux_completude"], "%"), delais)),
        text=frame["taux_completude"].map(lambda v: "" if pd.isna(v) else f"{v:.0f} %"),
        hovertemplate="%{x} : %{customdata[0]}%{customdata[1]}<extra></extra>"))
    fig.update_traces(texttemplate="%{text}")
    fig.update_yaxes(title="Complétude (%)", range=[0, 105])
    fig.update_xaxes(type="category")
    return mise_en_forme(fig, hauteur=320)


# ---------------------------------------------------------------- text alternatives
# Each chart's alternative says what it shows and its main figures in French; the page gives every
# figure in the table under the chart.

def _n(x) -> str:
    from core.formatting import number

    return number(x, 0 if x == x and float(x).is_integer() else 1) if x is not None else "–"


def alt_trajectoire(s: pd.DataFrame, libelle: str, unite: str) -> str:
    """The trajectory chart in words: the last reported figure against the expected path and the
    target, the projection, the quarters not reported."""
    text = f"Graphique de trajectoire « {libelle} » ({unite}), du {s['libelle'].iloc[0]} au {s['libelle'].iloc[-1]}. "
    done = s[s["realise_affiche"].notna()]
    if done.empty:
        text += "Aucune valeur réalisée n'est encore déposée. "
    else:
        last = done.iloc[-1]
        text += (f"Réalisé au {last['libelle']} : {_n(last['realise_affiche'])}, pour un chemin attendu de "
                 f"{_n(last['attendu'])} à cette date. ")
    text += f"Cible : {_n(s['cible'].iloc[0])}."
    projection = s["projection_fin"].iloc[-1]
    if not done.empty and pd.notna(projection):
        text += f" Projection en fin de fenêtre : {_n(projection)}."
    note = note_trajectoire(s)
    return text + (f" {note}" if note else "") + " Les valeurs sont dans le tableau qui suit."


def alt_comparaison(frame: pd.DataFrame, code: str, titre: str) -> str:
    """The comparison bars in words: the territory's figure and rank, the highest and the lowest."""
    f = frame[frame["pour_100000"].notna()].sort_values("pour_100000", ascending=False)
    text = f"Barres horizontales : {titre}, {len(f)} territoires."
    own = f[f["territoire"] == code]
    if not own.empty:
        rank = list(f["territoire"]).index(code) + 1
        text += f" {own['nom'].iloc[0]} : {_n(own['pour_100000'].iloc[0])}, {rank}{'er' if rank == 1 else 'e'} sur {len(f)}."
    if len(f):
        text += (f" Le plus haut : {f['nom'].iloc[0]} ({_n(f['pour_100000'].iloc[0])}) ; le plus bas : "
                 f"{f['nom'].iloc[-1]} ({_n(f['pour_100000'].iloc[-1])}).")
    return text + " Les valeurs sont dans le tableau qui suit."


def alt_statuts(counts: pd.DataFrame) -> str:
    """The status bars in words: each status and its count."""
    # the label without its symbol: a screen reader would spell « ✖ » out
    parts = [f"{status.libelle(row.statut)} : {_n(row.Nombre)}" for row in counts.itertuples()]
    return "Barres du nombre d'objectifs par statut — " + " ; ".join(parts) + "."


def alt_carte_completude(frame: pd.DataFrame) -> str:
    """The completeness heat map in words: its size, quarters and the range of the rates."""
    q = frame.sort_values("trimestre")["libelle"]
    rates = frame["taux_completude"].dropna()
    text = (f"Carte de chaleur du taux de complétude des dépôts : {frame['nom'].nunique()} territoires en lignes, "
            f"les trimestres du {q.iloc[0]} au {q.iloc[-1]} en colonnes.") if len(frame) else "Carte de chaleur vide."
    if len(rates):
        text += (f" Taux de {_n(rates.min())} % à {_n(rates.max())} % ; "
                 f"{int((rates == 0).sum())} cases à 0 %, {int((rates == 100).sum())} à 100 %.")
    return text + " Les valeurs sont dans le tableau qui suit."


def alt_courbe_completude(frame: pd.DataFrame) -> str:
    """The completeness bars of a territory in words: each quarter's rate."""
    parts = [f"{row.libelle} : {'–' if pd.isna(row.taux_completude) else _n(row.taux_completude) + ' %'}"
             for row in frame.itertuples()]
    return "Barres du taux de complétude des dépôts par trimestre — " + " ; ".join(parts) + "."
