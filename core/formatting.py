"""Numbers written the French way, for every layer: 1 234,5 ; 45,6 % ; 12 500,50 € ; +12 ; −3.

One set of rules for the pages, the decks, the messages and the command line. Thousands are
separated by a narrow no-break space (U+202F) and negative figures take a true minus sign (U+2212),
as the pages have always shown them; where a text keeps other habits (the terminal's plain spaces,
a message's ASCII minus, a threshold's plain space before %), the call says so with a keyword.
Rounding is Python's (half to even on the binary value), so a figure reads the same everywhere.

No pandas or numpy here (the command line imports this first): a missing figure is None or any
value unequal to itself (NaN, NaT), pandas.NA included."""

from __future__ import annotations

NNBSP = "\u202f"  # narrow no-break space: thousands, and before % (French typography)
NBSP = "\u00a0"  # no-break space: before the euro sign (CLDR's French currency pattern)
MINUS = "\u2212"  # a true minus sign, not a hyphen
MISSING = "–"  # what every page, deck and table shows where no figure exists


def is_missing(x) -> bool:
    """No figure: None, NaN, NaT or pandas.NA."""
    if x is None:
        return True
    try:
        return bool(x != x)
    except TypeError:  # pandas.NA: a comparison with it is NA, which has no truth value
        return True


def number(x, decimals: int = 0, *, thousands: str = NNBSP, minus: str = MINUS, missing: str = MISSING) -> str:
    """1234.5 -> '1 234,5' with ``decimals`` decimals always (0: '1 234'); ``missing`` for no figure."""
    if is_missing(x):
        return missing
    text = f"{x:,.{decimals}f}".replace(",", thousands).replace(".", ",")
    return text.replace("-", minus)


def figure(x, decimals: int = 1, *, large: float | None = None, **style) -> str:
    """A measured figure: whole values without decimals ('3'), others with ``decimals`` ('2,5');
    with ``large``, values that large or larger (in absolute value) rounded to units too.
    ``style``: number's thousands, minus and missing."""
    if is_missing(x):
        return style.get("missing", MISSING)
    whole = float(x).is_integer() or (large is not None and abs(float(x)) >= large)
    return number(x, 0 if whole else decimals, **style)


def headline(x) -> str:
    """A figure in a sentence or on a card (fiches, decks): whole values and values of 1 000 or more
    in units, others with one decimal: '109 532', '1 235', '12,5'."""
    return figure(x, 1, large=1000)


def integer(n, **style) -> str:
    """A count or a cap: 1000000 -> '1 000 000'."""
    return number(n, 0, **style)


def count(n, singular: str, plural: str | None = None) -> str:
    """'1 territoire', '3 territoires', '1 200 entrées': French takes the singular for 0 and 1;
    ``plural`` when it is not the singular plus s. Never 'territoire(s)'."""
    return f"{integer(n)} {singular if abs(n) <= 1 else (plural or singular + 's')}"


# words whose h is aspirated: « de » stays whole before them (« de handicaps », « de hausses »)
_H_ASPIRE = ("hand", "haus", "haut", "hasard", "hangar", "hall", "hameau", "hors")


def de(word: str) -> str:
    """« de » before ``word``, elided before a vowel or a silent h: « d'attributions », « de places »."""
    head = word[:1].lower()
    silent_h = head == "h" and not word.lower().startswith(_H_ASPIRE)
    return f"d'{word}" if head and (head in "aâàeéèêëiîïoôuûùüyœæ" or silent_h) else f"de {word}"


def signed(x, decimals: int = 1, *, large: float | None = None, **style) -> str:
    """A change with its sign, written as ``figure``: '+123', '−4,5', '0'."""
    if is_missing(x):
        return style.get("missing", MISSING)
    return ("+" if float(x) > 0 else "") + figure(x, decimals, large=large, **style)


def percent(x, decimals: int = 1, *, space: str = NNBSP, **style) -> str:
    """45.6 (already a percentage) -> '45,6 %'; ``space`` before the sign."""
    if is_missing(x):
        return style.get("missing", MISSING)
    return f"{number(x, decimals, **style)}{space}%"


def indicateur(x, unite: str) -> str:
    """A figure of an indicator in its unit's one format: a percentage always with one decimal and
    its sign ('9,0 %', '8,1 %'), any other unit as ``headline`` ('1 017', '12,5')."""
    return percent(x, 1) if unite == "%" else headline(x)


def euro(x, decimals: int | None = None, **style) -> str:
    """12500.5 -> '12 500,50 €', 30000 -> '30 000 €': cents only when the amount, rounded to the
    cent, has some (or always ``decimals``); a no-break space before the sign (CLDR's French pattern)."""
    if is_missing(x):
        return style.get("missing", MISSING)
    if decimals is None:
        decimals = 0 if round(float(x) * 100) % 100 == 0 else 2
    return f"{number(x, decimals, **style)}{NBSP}€"


def euro_compact(x, **style) -> str:
    """An amount short enough for a headline card: 4572000 -> '4,57 M€', 12500 -> '12,5 k€', 850 ->
    '850 €' (the exact amount, ``euro``, goes beside it)."""
    if is_missing(x):
        return style.get("missing", MISSING)
    value = float(x)
    for scale, unit, decimals in ((1e6, "M€", 2), (1e3, "k€", 1)):
        if abs(value) >= scale:
            return f"{number(value / scale, decimals, **style)}{NBSP}{unit}"
    return euro(x, **style)


def plain(x) -> str:
    """A number a French spreadsheet reads back as it was: 1234.5 -> '1234,5', every digit of the
    value and no thousands separator; 3.0 -> '3'; '' for no figure (files, not display)."""
    if is_missing(x):
        return ""
    if float(x).is_integer():
        return str(int(x))
    return repr(float(x)).replace(".", ",")
