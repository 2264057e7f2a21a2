"""Every table the dashboard shows comes with its downloads: CSV for French Excel (``;``, UTF-8 with
BOM, decimal comma) and xlsx, with cells that a spreadsheet would run as formulas neutralised.

On screen, numbers are written the French way (1 234,5) and a missing figure reads "–", never
"None"; the figures stay numbers, so the columns still sort as numbers."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import streamlit as st

from loaders.export import to_csv_bytes, to_xlsx_bytes
from pages.components.layout import nombre

# Beyond this many cells a table is shown without per-cell formatting (Streamlit's Styler costs
# about 7 ms per 1,000 cells at every run): figures are then rounded and formatted by the browser.
CELLULES_MISE_EN_FORME = 15_000
DECIMALES_EXPORT = 2
MANQUANT = "–"


def slug(text: str) -> str:
    """A file-name-safe version of a French title."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower() or "export"


def _numeric(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
                 and not pd.api.types.is_bool_dtype(frame[c]))


def _arrondi(frame: pd.DataFrame) -> pd.DataFrame:
    """Computed figures (rates, averages) rounded for export: no 93,64313829153716."""
    out = frame.copy()
    for c in _numeric(out):
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(DECIMALES_EXPORT)
    return out


def csv_export(frame: pd.DataFrame) -> bytes:
    """CSV bytes of ``frame`` for French Excel (numeric columns written with a decimal comma)."""
    out = _arrondi(frame)
    return to_csv_bytes(out, _numeric(out))


def xlsx_export(frame: pd.DataFrame) -> bytes:
    """xlsx bytes of ``frame`` (numbers stay numbers)."""
    return to_xlsx_bytes(_arrondi(frame), sheet="donnees")


def exports(frame: pd.DataFrame) -> tuple[bytes, bytes]:
    """(csv, xlsx) bytes of ``frame``."""
    return csv_export(frame), xlsx_export(frame)


def _chiffre(value) -> str:
    """A figure on screen: whole numbers without decimals, others with one, French separators."""
    if value is None or pd.isna(value):
        return MANQUANT
    return nombre(value, 0 if float(value).is_integer() else 1)


def affichage(frame: pd.DataFrame, styles: dict | None = None):
    """What st.dataframe receives: missing text as "–"; numbers French-formatted through a Styler
    (small tables) or rounded (large ones). ``styles`` maps a column to a cell -> CSS function."""
    shown = frame.copy()
    numeric = _numeric(shown)
    for c in shown.columns:
        if c not in numeric and not pd.api.types.is_bool_dtype(shown[c]) and shown[c].isna().any():
            shown[c] = shown[c].astype(object).where(shown[c].notna(), MANQUANT)
    if shown.size > CELLULES_MISE_EN_FORME:
        for c in numeric:
            if pd.api.types.is_float_dtype(shown[c]):
                shown[c] = shown[c].round(1)
        return shown
    styler = shown.style.format({c: _chiffre for c in numeric})
    for column, css in (styles or {}).items():
        if column in shown.columns:
            styler = styler.map(css, subset=[column])
    return styler


def download_buttons(frame: pd.DataFrame, name: str, *, key: str) -> None:
    """Two buttons: CSV (Excel français) and xlsx of ``frame``."""
    # callables: the files are built only when a button is clicked, not at every run
    base = slug(name)
    row = st.container(horizontal=True, gap="small")
    row.download_button("Télécharger (CSV)", lambda: csv_export(frame), file_name=f"{base}.csv", mime="text/csv",
                        key=f"{key}-csv", icon=":material/download:", on_click="ignore")
    row.download_button(
        "Télécharger (Excel)", lambda: xlsx_export(frame), file_name=f"{base}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx", icon=":material/download:", on_click="ignore",
    )


def tableau(frame: pd.DataFrame, name: str, *, key: str, column_config: dict | None = None,
            height: int | str = "auto", export: pd.DataFrame | None = None, styles: dict | None = None,
            **kwargs):
    """st.dataframe of ``frame`` (French formats, see affichage()) plus its downloads (``export``
    if given). Extra keyword arguments go to st.dataframe (on_select...)."""
    # placeholder: a missing number reads "–" too (Streamlit writes "None" over a null cell, whatever
    # the Styler says)
    shown = st.dataframe(affichage(frame, styles), hide_index=True, width="stretch", column_config=column_config,
                         height=height, key=key, placeholder=MANQUANT, **kwargs)
    download_buttons(frame if export is None else export, name, key=f"{key}-dl")
    return shown
