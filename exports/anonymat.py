"""Names shown for the territories of a deck: their short names, or, anonymised, stable labels
"Territoire A", "Territoire B", … given in the alphabetical order of their codes (the order is
stated on the deck; the codes never appear)."""

from __future__ import annotations

import pandas as pd

from indicators import noms

ORDRE_ANONYMAT = ("Territoires anonymisés : « Territoire A », « Territoire B »… attribués dans l'ordre "
                  "alphabétique des codes des territoires du périmètre.")


def lettres(rang: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA', 27 -> 'AB' (spreadsheet columns)."""
    text = ""
    rang += 1
    while rang:
        rang, reste = divmod(rang - 1, 26)
        text = chr(ord("A") + reste) + text
    return text


class Noms:
    """Label of each territory of a scope (``territoires``: columns code, nom, type)."""

    def __init__(self, territoires: pd.DataFrame, anonymiser: bool):
        self.anonymise = anonymiser
        codes = sorted(str(c) for c in territoires["code"])
        if anonymiser:
            self._libelles = {code: f"Territoire {lettres(i)}" for i, code in enumerate(codes)}
        else:
            courts = noms.noms_courts(territoires["nom"], territoires["type"], territoires["code"])
            self._libelles = dict(zip(territoires["code"].astype(str), courts))

    def __call__(self, code) -> str:
        """The label of a territory of the scope (its code when it is not in the scope and the
        deck is not anonymised)."""
        code = str(code)
        if code in self._libelles:
            return self._libelles[code]
        if self.anonymise:
            raise KeyError(f"territoire hors du périmètre anonymisé : {code}")
        return code
