"""Axes of the HTML export's charts read the French way: a percentage « 20 % » (a no-break space
before the sign; d3's own « % » sticks to the number, « 20,0% »), whole ticks without a useless
decimal (« 100 200 », not « 100,0 200,0 »), while the hover keeps the figure's decimal."""

from __future__ import annotations

from exports import html
from exports import modele as m


def chart(fmt: str, values: tuple, genre: str = m.COLONNES) -> m.Graphique:
    return m.Graphique(genre=genre, titre="Essai", categories=("A", "B"),
                       series=(m.Serie("S", values, "#000091"),), format_nombre=fmt, alternative="essai")


def test_a_percentage_axis_is_drawn_on_the_scale_of_100_with_a_spaced_sign():
    fig = html.figure(chart(m.FORMAT_POURCENT, (0.25, None)))
    assert list(fig.data[0].y) == [25.0, None]
    axis = fig.layout.yaxis
    assert axis.ticksuffix == "\u00a0%" and axis.tickformat == ",.1~f" and axis.hoverformat == ",.1f"
    assert "%" not in axis.tickformat  # d3's percent would write « 25,0% »


def test_a_decimal_axis_drops_a_useless_decimal_on_ticks_only():
    fig = html.figure(chart(m.FORMAT_DECIMAL, (100.0, 12.5)))
    assert list(fig.data[0].y) == [100.0, 12.5]
    assert fig.layout.yaxis.tickformat == ",.1~f" and fig.layout.yaxis.hoverformat == ",.1f"
    assert fig.layout.yaxis.ticksuffix is None
    assert fig.layout.separators == ", "


def test_amounts_keep_their_euro_sign_and_horizontal_bars_their_value_axis():
    fig = html.figure(chart(m.FORMAT_EUROS, (1200.0, 50.0), genre=m.BARRES))
    assert fig.layout.xaxis.ticksuffix == "\u00a0€" and list(fig.data[0].x) == [1200.0, 50.0]
    assert fig.layout.yaxis.autorange == "reversed"


def test_a_ring_of_percentages_keeps_its_shares():
    fig = html.figure(chart(m.FORMAT_POURCENT, (0.25, 0.75), genre=m.ANNEAU))
    assert list(fig.data[0]["values"]) == [0.25, 0.75]
