"""Plotly figures of the dashboard, French formatted (1 234,5 ; T1 2024), the French State palette,
fonts readable at a projector's distance. Every figure is shown with its figures as a table."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from indicators import status

BLEU = "#000091"
ROUGE = "#E1000F"
GRIS = "#666666"
GRIS_CLAIR = "#CECECE"
POLICE = dict(family="Marianne, Arial, sans-serif", size=16, color="#161616")
# No mode bar: its tooltips are English only, and every chart's figures are in the table under it.
CONFIG = {"displaylogo": False, "displayModeBar": False}
# d3 formats with the French separators of the layout: 41 303 ; 8,1 (no "41k", no "41 303,0")
FORMAT_AXE = ",~r"
FORMAT_SURVOL = ",.1~f"


def mise_en_forme(fig: go.Figure, *, hauteur: int = 420, titre: str | None = None) -> go.Figure:
    """French separators, palette, font and margins shared by every chart."""
    fig.update_xaxes(tickfont=dict(size=15, color="#161616"), tickformat=FORMAT_AXE)
    fig.update_yaxes(tickfont=dict(size=15, color="#161616"), tickformat=FORMAT_AXE,
                     title_font=dict(size=15, color="#161616"))
    fig.update_layout(
        separators=", ", font=POLICE, height=hauteur, title=titre, template="plotly_white",
        margin=dict(l=10, r=10, t=60 if titre else 20, b=10), hoverlabel=dict(font_size=15),
        # legend under the plot: above it, it would run into the title
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, font=dict(size=16)),
    )
    return fig


@st.cache_data(show_spinner=False, max_entries=64)
def _built(name: str, *args) -> go.Figure:
    return globals()[name](*args)


def figure(builder, *args) -> go.Figure:
    """``builder(*args)``, cached on its arguments (the frames come from cached reads, so a new
    upload changes them and rebuilds the figure; large figures are not rebuilt at every run)."""
    return _built(builder.__name__, *args)


def afficher(fig: go.Figure, *, key: str, **kwargs):
    """st.plotly_chart with the shared configuration (no outside request: Plotly is served by
    Streamlit itself)."""
    return st.plotly_chart(fig, width="stretch", config=CONFIG, key=key, **kwargs)


def trajectoire(series: pd.DataFrame, libelle: str, unite: str) -> go.Figure:
    """Achieved figure against the expected path (milestone included) and the target, the
    projection dashed, the quarterly values as bars (flux and somme)."""
    s = series
    fig = go.Figure()
    cumulative = s["nature"].iloc[0] in ("flux", "somme")
    if s["valeur_trimestre"].notna().any():
        fig.add_bar(x=s["libelle"], y=s["valeur_trimestre"], name="Valeur du trimestre",
                    marker_color=GRIS_CLAIR, hovertemplate="%{x} : %{y:,.1~f} " + unite + "<extra></extra>")
    fig.add_scatter(x=s["libelle"], y=s["attendu"], name="Chemin attendu", mode="lines",
                    line=dict(color=GRIS, dash="dot", width=3),
                    hovertemplate="%{x} : attendu %{y:,.1~f}<extra></extra>")
    # drawn at reported quarters only: the line breaks over a quarter not reported (never a flat run)
    fig.add_scatter(x=s["libelle"], y=s["realise_affiche"], name="Réalisé" + (" (cumul)" if cumulative else ""),
                    mode="lines+markers", line=dict(color=BLEU, width=4), marker=dict(size=9), connectgaps=False,
                    hovertemplate="%{x} : réalisé %{y:,.1~f}<extra></extra>")
    _trimestres_non_renseignes(fig, s)
    target = s["cible"].iloc[0]
    fig.add_scatter(x=[s["libelle"].iloc[0], s["libelle"].iloc[-1]], y=[target, target], name="Cible",
                    mode="lines", line=dict(color=ROUGE, width=3),
                    hovertemplate="Cible : %{y:,.1~f}<extra></extra>")
    milestone = s["jalon_an1"].iloc[0]
    if pd.notna(milestone) and len(s) >= 4:
        fig.add_scatter(x=[s["libelle"].iloc[3]], y=[milestone], name="Jalon de la 1re année", mode="markers",
                        marker=dict(symbol="diamond", size=14, color=ROUGE, line=dict(color="white", width=1)),
                        hovertemplate="Jalon : %{y:,.1~f}<extra></extra>")
    done = s[s["realise_affiche"].notna()]
    projection = s["projection_fin"].iloc[-1]
    if not done.empty and pd.notna(projection) and done["reference"].iloc[-1] < s["reference"].iloc[-1]:
        fig.add_scatter(x=[done["libelle"].iloc[-1], s["libelle"].iloc[-1]],
                        y=[done["realise_affiche"].iloc[-1], projection], name="Projection en fin de fenêtre",
                        mode="lines+markers", line=dict(color=BLEU, dash="dash", width=3),
                        marker=dict(symbol="circle-open", size=10),
                        hovertemplate="%{x} : projection %{y:,.1~f}<extra></extra>")
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
                           hovertemplate="%{y} : %{x:,.1~f} pour 100 000 hab.<extra></extra>"))
    fig.update_xaxes(title="pour 100 000 habitants")
    return mise_en_forme(fig, hauteur=max(300, 28 * len(f) + 80), titre=titre)


def barres_statuts(counts: pd.DataFrame) -> go.Figure:
    """Count per status, each bar labelled with its status text and count (not colour alone)."""
    fig = go.Figure(go.Bar(
        x=counts["Nombre"], y=counts["Statut"], orientation="h", text=counts["Nombre"], textposition="auto",
        marker_color=[status.COULEURS[s] for s in counts["statut"]],
        hovertemplate="%{y} : %{x}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return mise_en_forme(fig, hauteur=320)


def carte_completude(frame: pd.DataFrame) -> go.Figure:
    """Heat map territory x quarter of the completeness rate (%), figures written in the cells."""
    z = frame.pivot_table(index="nom", columns="libelle", values="taux_completude", aggfunc="first", sort=False)
    z = z.reindex(columns=list(dict.fromkeys(frame.sort_values("trimestre")["libelle"])))
    text = z.map(lambda v: "" if pd.isna(v) else f"{v:.0f}\u202f%")
    fig = go.Figure(go.Heatmap(
        z=z.values, x=list(z.columns), y=list(z.index), text=text.values, texttemplate="%{text}",
        colorscale=[[0, "#CE0500"], [0.5, "#FCC63A"], [1, "#18753C"]], zmin=0, zmax=100,
        colorbar=dict(title="Complétude (%)"), xgap=1, ygap=1,
        hovertemplate="%{y} — %{x} : %{z:.0f} %<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    return mise_en_forme(fig, hauteur=max(400, 22 * len(z) + 120))


def courbe_completude(frame: pd.DataFrame) -> go.Figure:
    """Completeness rate per quarter of one territory, the delay of the first value in the hover."""
    fig = go.Figure(go.Bar(
        x=frame["libelle"], y=frame["taux_completude"], marker_color=BLEU,
        customdata=frame["delai_jours"], text=frame["taux_completude"].map(lambda v: "" if pd.isna(v) else f"{v:.0f} %"),
        hovertemplate="%{x} : %{y:.0f} % (première valeur %{customdata} jours après la fin)<extra></extra>"))
    fig.update_traces(texttemplate="%{text}")
    fig.update_yaxes(title="Complétude (%)", range=[0, 105])
    fig.update_xaxes(type="category")
    return mise_en_forme(fig, hauteur=320)
