"""core.formatting: the exact strings every page, deck, message and command writes."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from core.formatting import (MINUS, MISSING, NBSP, NNBSP, count, euro, figure, headline, integer, is_missing,
                             number, percent, plain, signed)


def test_the_separators_are_the_french_ones():
    assert (NNBSP, NBSP, MINUS, MISSING) == ("\u202f", "\u00a0", "\u2212", "\u2013")


@pytest.mark.parametrize("x, decimals, expected", [
    (0, 0, "0"), (0.0, 1, "0,0"), (7, 0, "7"), (999, 0, "999"), (1000, 0, "1\u202f000"),
    (1234.5, 1, "1\u202f234,5"), (1234.5, 0, "1\u202f234"), (1235.5, 0, "1\u202f236"),  # half to even
    (12345678.91, 2, "12\u202f345\u202f678,91"), (10**12, 0, "1\u202f000\u202f000\u202f000\u202f000"),
    (-1234.5, 1, "\u22121\u202f234,5"), (-3, 0, "\u22123"), (-0.4, 0, "\u22120"),
    (0.05, 1, "0,1"), (0.25, 1, "0,2"), (2.675, 2, "2,67"),  # the binary value rounds, as Python does
    (np.float64(12.25), 1, "12,2"), (np.int64(42000), 0, "42\u202f000"),
])
def test_number_has_fixed_decimals_a_comma_narrow_spaces_and_a_true_minus(x, decimals, expected):
    assert number(x, decimals) == expected


@pytest.mark.parametrize("x", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_no_figure_is_a_dash_everywhere_or_what_the_caller_says(x):
    assert is_missing(x)
    assert number(x) == figure(x) == headline(x) == signed(x) == percent(x) == euro(x) == "–"
    assert number(x, missing="") == figure(x, missing="") == plain(x) == ""


def test_zero_and_figures_are_not_missing():
    assert not any(is_missing(x) for x in (0, 0.0, -0.0, "", "x", np.float64(1)))


def test_the_terminal_and_the_messages_keep_their_own_spaces_and_minus():
    assert number(-1234567.25, 1, thousands=" ", minus="-") == "-1 234 567,2"
    assert figure(-1234.0, 2, minus="-") == "-1\u202f234" and figure(-2.5, 2, minus="-") == "-2,50"


@pytest.mark.parametrize("x, expected", [
    (3, "3"), (3.0, "3"), (2.5, "2,5"), (2.25, "2,2"), (-0.75, "\u22120,8"), (1234.5, "1\u202f234,5"),
])
def test_figure_writes_whole_values_without_decimals(x, expected):
    assert figure(x) == expected


def test_figure_rounds_large_values_to_units_when_asked():
    assert figure(1234.5, large=1000) == "1\u202f234"
    assert figure(999.5, large=1000) == "999,5" and figure(-1000.5, large=1000) == "\u22121\u202f000"
    assert figure(0.125, 2) == "0,12" and figure(8, 2) == "8"


@pytest.mark.parametrize("x, expected", [
    (109532, "109\u202f532"), (109532.4, "109\u202f532"), (12.5, "12,5"), (12.0, "12"), (0, "0"),
    (-12.34, "\u221212,3"), (1000.0, "1\u202f000"),
])
def test_headline_is_the_fiches_and_decks_rule(x, expected):
    assert headline(x) == expected


def test_integer_groups_thousands():
    assert integer(1_000_000) == "1\u202f000\u202f000" and integer(200) == "200" and integer(0) == "0"
    assert integer(131072) == "131\u202f072"


def test_count_takes_the_singular_for_0_and_1_as_french_does():
    assert count(0, "trimestre") == "0 trimestre" and count(1, "territoire") == "1 territoire"
    assert count(2, "territoire") == "2 territoires" and count(1200, "entrée") == "1\u202f200 entrées"
    assert count(3, "territoire renseigné", "territoires renseignés") == "3 territoires renseignés"


@pytest.mark.parametrize("x, expected", [
    (123, "+123"), (-45, "\u221245"), (0, "0"), (0.0, "0"), (2.5, "+2,5"), (-1234.5, "\u22121\u202f234,5"),
])
def test_signed_gives_a_plus_to_rises_only(x, expected):
    assert signed(x) == expected


def test_signed_follows_figure_for_large_changes():
    assert signed(1234.5, large=1000) == "+1\u202f234" and signed(-0.5, 0) == "\u22120"


@pytest.mark.parametrize("x, decimals, expected", [
    (45.6, 1, "45,6\u202f%"), (45.66, 1, "45,7\u202f%"), (100, 0, "100\u202f%"), (0, 1, "0,0\u202f%"),
    (-12.5, 1, "\u221212,5\u202f%"), (1234.5, 0, "1\u202f234\u202f%"), (80.0, 0, "80\u202f%"),
])
def test_percent_takes_a_percentage_and_a_narrow_space(x, decimals, expected):
    assert percent(x, decimals) == expected


def test_a_threshold_sentence_keeps_its_plain_space_before_the_sign():
    assert percent(0.8 * 100, 0, space=" ") == "80 %" and percent(1.2 * 100, 0, space=" ") == "120 %"


@pytest.mark.parametrize("x, expected", [
    (12500.5, "12\u202f500,50\u00a0€"), (30000, "30\u202f000\u00a0€"), (0, "0\u00a0€"), (-3.456, "\u22123,46\u00a0€"),
    (1_000_000.25, "1\u202f000\u202f000,25\u00a0€"), (12.001, "12\u00a0€"), (12.999, "13\u00a0€"), (0.05, "0,05\u00a0€"),
])
def test_euro_shows_cents_only_when_there_are_some_and_a_no_break_space_before_the_sign(x, expected):
    assert euro(x) == expected


def test_euro_with_fixed_decimals_and_an_unknown_amount_in_words():
    assert euro(12500, 2) == "12\u202f500,00\u00a0€" and euro(12500.5, 0) == "12\u202f500\u00a0€"
    assert euro(None, missing="non connu") == "non connu"
    assert euro(Decimal("12500.50")) == "12\u202f500,50\u00a0€" and euro(Decimal("30000.00")) == "30\u202f000\u00a0€"


@pytest.mark.parametrize("x, expected", [
    (1234.5, "1234,5"), (3.0, "3"), (3, "3"), (-2.25, "-2,25"), (0.1 + 0.2, "0,30000000000000004"),
    (1e6, "1000000"), (np.float64(0.8), "0,8"),
])
def test_plain_keeps_every_digit_for_files_read_back(x, expected):
    assert plain(x) == expected


def test_euro_compact_shortens_a_headline_amount_the_french_way():
    from core.formatting import euro_compact

    assert euro_compact(4_572_000) == "4,57\u00a0M€"
    assert euro_compact(12_500) == "12,5\u00a0k€"
    assert euro_compact(-1_250_000) == "\u22121,25\u00a0M€"
    assert euro_compact(850) == "850\u00a0€"
    assert euro_compact(None) == "–"
