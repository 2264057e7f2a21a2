"""Every table the dashboard shows comes with its downloads: CSV for French Excel (``;``, UTF-8 with
BOM, decimal comma) and xlsx, with cells that a spreadsheet would run as formulas neutralised."""

from __future__ import annotations

import re
import unicodedata

import pandas as pd
import streamlit as st

from loaders.export import to_csv_bytes, to_xlsx_bytes


def slug(text: str) -> str:
    """A file-name-safe version of a French title."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower() or "export"


def _numeric(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
                 and not pd.api.types.is_bool_dtype(frame[c]))


def exports(frame: pd.DataFrame) -> tuple[bytes, bytes]:
    """(csv, xlsx) bytes of ``frame`` (numeric columns written with a decimal comma)."""
    return to_csv_bytes(frame, _numeric(frame)), to_xlsx_bytes(frame, sheet="donnees")


def download_buttons(frame: pd.DataFrame, name: str, *, key: str) -> None:
    """Two buttons: CSV (Excel français) and xlsx of ``frame``."""
    # callables: the files are built only when a button is clicked, not at every run
    numeric = _numeric(frame)
    base = slug(name)
    row = st.container(horizontal=True, gap="small")
    row.download_button("Télécharger (CSV)", lambda: to_csv_bytes(frame, numeric), file_name=f"{base}.csv", mime="text/csv",
                       key=f"{key}-csv", icon=":material/download:", on_click="ignore")
    row.download_button(
        "Télécharger (Excel)", lambda: to_xlsx_bytes(frame, sheet="donnees"), file_name=f"{base}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx", icon=":material/download:", on_click="ignore",
    )


def tableau(frame: pd.DataFrame, name: str, *, key: str, column_config: dict | None = None,
            height: int | str = "auto", export: pd.DataFrame | None = None, **kwargs):
    """st.dataframe of ``frame`` plus its downloads (``export`` if given: raw numbers rather than
    the formatted ones shown). Extra keyword arguments go to st.dataframe (on_select...)."""
    shown = st.dataframe(frame, hide_index=True, width="stretch", column_config=column_config,
                         height=height, key=key, **kwargs)
    download_buttons(frame if export is None else export, name, key=f"{key}-dl")
    return shown
