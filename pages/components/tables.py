"""Every table the dashboard shows comes with its downloads: CSV for French Excel (``;``, UTF-8 with
BOM, decimal comma) and xlsx, with cells that a spreadsheet would run as formulas neutralised.

Each export says what it is. The xlsx has a second sheet « informations » (title, reference quarter,
extraction time in Paris, source, and the demo mention on demonstration data), and keeps every
figure at full precision behind an Excel number format, dates as Excel dates. The CSV stays pure
data (lines above the header would break re-import and Excel's column detection): its context is
in its file name (title, quarter, extraction time, « demo »).

On screen, numbers are written the French way (1 234,5) and a missing figure reads "–", never
"None"; the figures stay numbers, so the columns still sort as numbers."""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from data import queries
from core import clock
from core import quarters
from core.formatting import figure
from loaders.export import neutralise, to_csv_bytes

# Beyond this many cells a table is shown without per-cell formatting (Streamlit's Styler costs
# about 7 ms per 1,000 cells at every run): figures are then rounded to one decimal and written
# the French way by the browser (the "localized" number format: 1 234,5 in a French browser).
CELLULES_MISE_EN_FORME = 15_000
DECIMALES_CSV = 6  # a CSV has no display format: enough for any figure, no 0.30000000000000004
MANQUANT = "–"
VIDE = "Aucune ligne à afficher."
SOURCE = "Tableau de bord Logement d'abord — Dihal"
MENTION_DEMO = "Données de démonstration — fictives"
# Excel's invariant number formats (Excel shows them with the reader's separators: 1 234,5 in French)
FORMAT_ENTIER, FORMAT_DECIMAL = "#,##0", "#,##0.0#"
FORMAT_DATE, FORMAT_DATE_HEURE = "dd/mm/yyyy", "dd/mm/yyyy hh:mm"


@dataclass(frozen=True)
class Contexte:
    """What an export says about itself: title, reference quarter (if any), when it was extracted
    (Paris time), the source, and whether the data are the demonstration's."""

    titre: str
    trimestre: str | None = None
    demo: bool = False
    extrait_le: dt.datetime = field(default_factory=clock.maintenant)
    informations: tuple[tuple[str, str], ...] = ()  # further lines of the caller's (a report's summary...)

    def lignes(self) -> list[tuple[str, str]]:
        rows = [("Titre", self.titre)]
        if self.trimestre:
            rows.append(("Trimestre de référence", quarters.label(self.trimestre)))
        rows += [("Extrait le", f"{self.extrait_le:%d/%m/%Y à %H:%M} (heure de Paris)"), ("Source", SOURCE)]
        if self.demo:
            rows.append(("Données", MENTION_DEMO))
        return rows + list(self.informations)

    def nom_fichier(self, extension: str) -> str:
        """« territoires-sans-depot_2026-T3_extrait-2026-12-06-22h15_demo.csv »: a CSV carries its
        context in its name only."""
        parts = [slug(self.titre)] + ([self.trimestre] if self.trimestre else [])
        parts.append(f"extrait-{self.extrait_le:%Y-%m-%d-%Hh%M}")
        if self.demo:
            parts.append("demo")
        return "_".join(parts) + f".{extension}"


def slug(text: str) -> str:
    """A file-name-safe version of a French title."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-zA-Z0-9]+", "-", text).strip("-").lower() or "export"


def _numeric(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
                 and not pd.api.types.is_bool_dtype(frame[c]))


def _dates(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c]))


def _with_time(series: pd.Series) -> bool:
    """Whether a date column carries times (else it is shown as a date only)."""
    s = series.dropna()
    return bool(len(s)) and bool((s != s.dt.normalize()).any())


def csv_export(frame: pd.DataFrame) -> bytes:
    """CSV bytes of ``frame`` for French Excel: data only (it re-imports and Excel detects its
    columns), numbers with a decimal comma, dates as 31/01/2026 14:05."""
    out = frame.copy()
    for c in _numeric(out):
        if pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(DECIMALES_CSV)
    for c in _dates(out):
        fmt = "%d/%m/%Y %H:%M" if _with_time(out[c]) else "%d/%m/%Y"
        out[c] = out[c].dt.strftime(fmt).fillna("")
    return to_csv_bytes(out, _numeric(out))


def xlsx_export(frame: pd.DataFrame, contexte: Contexte | None = None) -> bytes:
    """xlsx bytes of ``frame``: sheet « donnees » (full precision, shown through number formats;
    dates as Excel dates) and, with ``contexte``, a sheet « informations » (title, quarter,
    extraction time, source, demo mention)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    numeric, dates = _numeric(out), _dates(out)
    for c in dates:  # Excel has no time zones
        if getattr(out[c].dt, "tz", None) is not None:
            out[c] = out[c].dt.tz_localize(None)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        out.to_excel(writer, sheet_name="donnees", index=False)
        sheet = writer.sheets["donnees"]
        for i, c in enumerate(out.columns, start=1):
            if c in numeric:
                values = out[c].dropna()
                fmt = FORMAT_ENTIER if (values == values.round()).all() else FORMAT_DECIMAL
            elif c in dates:
                fmt = FORMAT_DATE_HEURE if _with_time(out[c]) else FORMAT_DATE
            else:
                continue
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = fmt
        sheet.freeze_panes = "A2"
        if contexte is not None:
            info = pd.DataFrame(contexte.lignes(), columns=["Information", "Valeur"])
            info.map(neutralise).to_excel(writer, sheet_name="informations", index=False)
            writer.sheets["informations"].column_dimensions["A"].width = 24
            writer.sheets["informations"].column_dimensions["B"].width = 60
    return buffer.getvalue()


def exports(frame: pd.DataFrame, contexte: Contexte | None = None) -> tuple[bytes, bytes]:
    """(csv, xlsx) bytes of ``frame``."""
    return csv_export(frame), xlsx_export(frame, contexte)


def _date_format(series: pd.Series):
    """Cell formatter of a date column on screen: 31/01/2026 (14:05 when it has times)."""
    fmt = "%d/%m/%Y %H:%M" if _with_time(series) else "%d/%m/%Y"
    return lambda v: MANQUANT if v is None or pd.isna(v) else pd.Timestamp(v).strftime(fmt)


def _grand(frame: pd.DataFrame) -> bool:
    """Whether a table is too large for per-cell formatting (see CELLULES_MISE_EN_FORME)."""
    return frame.size > CELLULES_MISE_EN_FORME


def formats_grand_tableau(frame: pd.DataFrame, column_config: dict) -> dict:
    """The column settings of a table too large for the Styler: each number column in the
    browser's French format ("localized"), a caller's number column keeping its own settings and
    getting the format if it set none."""
    config = dict(column_config)
    for c in _numeric(frame):
        own = config.get(c)
        if c not in config or isinstance(own, str):  # no settings, or a label only
            config[c] = st.column_config.NumberColumn(own, format="localized")
        elif isinstance(own, dict) and own.get("type_config", {}).get("type") == "number" \
                and not own["type_config"].get("format"):
            config[c] = {**own, "type_config": {**own["type_config"], "format": "localized"}}
    return config


def affichage(frame: pd.DataFrame, styles: dict | None = None):
    """What st.dataframe receives: missing text as "–"; numbers French-formatted through a Styler
    (small tables) or rounded (large ones). ``styles`` maps a column to a cell -> CSS function."""
    shown = frame.copy()
    numeric, dates = _numeric(shown), _dates(shown)
    for c in shown.columns:
        if c not in numeric + dates and not pd.api.types.is_bool_dtype(shown[c]) and shown[c].isna().any():
            shown[c] = shown[c].astype(object).where(shown[c].notna(), MANQUANT)
    if _grand(shown):
        for c in numeric:
            if pd.api.types.is_float_dtype(shown[c]):
                shown[c] = shown[c].round(1)
        return shown  # tableau() gives numbers and dates their French column formats
    styler = shown.style.format({c: figure for c in numeric}
                                | {c: _date_format(shown[c]) for c in dates})
    for column, css in (styles or {}).items():
        if column in shown.columns:
            styler = styler.map(css, subset=[column])
    return styler


def contexte(name: str, titre: str | None = None, trimestre: str | None = None, informations=()) -> Contexte:
    """The context of an export made now: ``titre`` (else the table's ``name``, humanised),
    ``trimestre``, whether this database is the demonstration's, and further (label, text) lines."""
    shown = titre or re.sub(r"[-_]+", " ", name).strip().capitalize()
    return Contexte(shown, trimestre, demo=_demo(), informations=tuple(informations))


def _demo() -> bool:
    from pages.components.store import read

    return bool(read(queries.summary)["demo"])


def download_buttons(frame: pd.DataFrame, name: str, *, key: str, titre: str | None = None,
                     trimestre: str | None = None, informations=()) -> None:
    """Two buttons: CSV (Excel français, data only) and xlsx (with a sheet « informations ») of
    ``frame``; ``titre`` and ``trimestre`` say what the export is (see contexte())."""
    # callables: the files are built only when a button is clicked, not at every run
    ctx = contexte(name, titre, trimestre, informations)
    row = st.container(horizontal=True, gap="small")
    row.download_button("Télécharger (CSV)", lambda: csv_export(frame), file_name=ctx.nom_fichier("csv"),
                        mime="text/csv", key=f"{key}-csv", icon=":material/download:", on_click="ignore",
                        help="Les données seules, pour Excel ou un autre outil ; le titre, le trimestre et la date "
                             "d'extraction sont dans le nom du fichier.")
    row.download_button(
        "Télécharger (Excel)", lambda: xlsx_export(frame, ctx), file_name=ctx.nom_fichier("xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx", icon=":material/download:", on_click="ignore",
        help="Les données (chiffres complets, dates au format date) et une feuille « informations » : titre, "
             "trimestre, date d'extraction, source.",
    )


def tableau(frame: pd.DataFrame, name: str, *, key: str, column_config: dict | None = None,
            height: int | str = "auto", export: pd.DataFrame | None = None, styles: dict | None = None,
            titre: str | None = None, trimestre: str | None = None, informations=(), **kwargs):
    """st.dataframe of ``frame`` (French formats, see affichage()) plus its downloads (``export``
    if given; ``titre``, ``trimestre`` and the (label, text) lines ``informations`` go into them). Extra keyword arguments go to
    st.dataframe (on_select...)."""
    if frame.empty and not kwargs:  # Streamlit would draw an empty grid reading "empty"
        st.caption(VIDE)
        return None
    # placeholder: a missing number reads "–" too (Streamlit writes "None" over a null cell, whatever
    # the Styler says)
    dates = {c: st.column_config.DatetimeColumn(c, format="DD/MM/YYYY HH:mm" if _with_time(frame[c]) else "DD/MM/YYYY")
             for c in _dates(frame)}  # what a large table (no Styler) shows; sorting stays by date
    config = dates | (column_config or {})
    if _grand(frame):
        config = formats_grand_tableau(frame, config)
    shown = st.dataframe(affichage(frame, styles), hide_index=True, width="stretch", column_config=config,
                         height=height, key=key, placeholder=MANQUANT, **kwargs)
    download_buttons(frame if export is None else export, name, key=f"{key}-dl", titre=titre, trimestre=trimestre,
                     informations=informations)
    return shown
