"""Exports in the long upload layout (``;``, UTF-8 with BOM, decimal comma, ``2024-T1``), so that
an export imports back unchanged. Text cells that a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import io

import duckdb
import pandas as pd

from core.formatting import plain
from data.registre import ACTION, BUDGET_LIGNE, DEPOT, POINT_ACTION, VALEUR, VALEUR_HISTORIQUE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LONG_COLUMNS = ["code_territoire", "indicateur", "trimestre", "valeur", "commentaire", "source"]
BUDGET_COLUMNS = ["code_territoire", "exercice", "poste", "financeur", "prevu", "engage", "verse", "commentaire"]
HISTORY_COLUMNS = ["revision", "courante", "enregistre_le", "utilisateur", "depot_id", "remplacee_le"]


def neutralise(value):
    """Prefix text that Excel would read as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def to_csv_bytes(frame: pd.DataFrame, number_columns: tuple[str, ...] = ()) -> bytes:
    """French Excel CSV: ``;``, UTF-8 with BOM, CRLF, decimal comma, formulas neutralised."""
    out = frame.copy()
    for column in out.columns:
        if column in number_columns:
            out[column] = out[column].map(plain)
        elif out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    return out.to_csv(sep=";", index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet: str = "donnees") -> bytes:
    """An xlsx workbook with one sheet; text cells neutralised, numbers stay numbers."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(neutralise)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        out.to_excel(writer, sheet_name=sheet, index=False)
    return buffer.getvalue()


def values_frame(con: duckdb.DuckDBPyConnection, history: bool = False) -> pd.DataFrame:
    """Current values (and, with ``history``, every former revision) in the long layout."""
    current = f"""
        SELECT v.territoire AS code_territoire, v.indicateur, v.trimestre, v.valeur, v.commentaire, v.source,
               v.revision, true AS courante, v.enregistre_le, d.utilisateur, v.depot_id,
               NULL::TIMESTAMP AS remplacee_le
        FROM {VALEUR} v LEFT JOIN {DEPOT} d ON d.id = v.depot_id"""
    if history:
        current += f"""
        UNION ALL
        SELECT territoire, indicateur, trimestre, valeur, commentaire, source,
               revision, false, enregistre_le, utilisateur, depot_id, remplacee_le
        FROM {VALEUR_HISTORIQUE}"""
    frame = con.execute(
        f"SELECT * FROM ({current}) ORDER BY code_territoire, indicateur, trimestre, revision DESC"
    ).df()
    if not history:
        return frame[LONG_COLUMNS]
    for column in ("enregistre_le", "remplacee_le"):
        frame[column] = frame[column].map(lambda t: "" if pd.isna(t) else t.isoformat(sep=" ", timespec="seconds"))
    frame["courante"] = frame["courante"].map({True: "oui", False: "non"})
    return frame[LONG_COLUMNS + HISTORY_COLUMNS]


def export_values(con: duckdb.DuckDBPyConnection, fmt: str = "csv", history: bool = False) -> bytes:
    """The export file's bytes."""
    frame = values_frame(con, history)
    if fmt == "xlsx":
        return to_xlsx_bytes(frame)
    return to_csv_bytes(frame, number_columns=("valeur",))


ACTIONS_COLUMNS = ["code_territoire", "ref_action", "intitule", "axe", "pilote", "partenaires", "debut", "fin",
                   "statut", "avancement", "trimestre", "commentaire"]


def actions_frame(con: duckdb.DuckDBPyConnection, territoires: list[str] | None = None) -> pd.DataFrame:
    """Current actions in the actions file's layout (format-suivi.md): one line per status point
    (an action without any, one line with an empty statut), dates AAAA-MM-JJ, statuts in words."""
    from data.actions import LIBELLES_STATUTS

    frame = con.execute(
        f"""SELECT a.territoire AS code_territoire, a.ref_action, a.intitule, a.axe, a.pilote, a.partenaires,
                  strftime(a.debut, '%Y-%m-%d') AS debut, strftime(a.fin, '%Y-%m-%d') AS fin, p.statut,
                  p.avancement, p.trimestre, p.commentaire
           FROM {ACTION} a LEFT JOIN {POINT_ACTION} p USING (territoire, ref_action)
           WHERE $t::VARCHAR[] IS NULL OR list_contains($t::VARCHAR[], a.territoire)
           ORDER BY a.territoire, a.axe, a.ref_action, p.trimestre""", {"t": territoires}).df()
    frame["statut"] = frame["statut"].map(lambda s: LIBELLES_STATUTS.get(s, "") if isinstance(s, str) else "")
    frame["avancement"] = pd.Series([None if pd.isna(v) else int(v) for v in frame["avancement"]], dtype=object,
                                    index=frame.index)
    return frame[ACTIONS_COLUMNS]


def export_actions(con: duckdb.DuckDBPyConnection, fmt: str = "csv", territoires: list[str] | None = None) -> bytes:
    """The actions export file's bytes (it imports back unchanged)."""
    frame = actions_frame(con, territoires)
    if fmt == "xlsx":
        return to_xlsx_bytes(frame, sheet="actions")
    return to_csv_bytes(frame, number_columns=("axe", "avancement"))


def budget_frame(con: duckdb.DuckDBPyConnection, territoires: list[str] | None = None,
                 exercice: int | None = None) -> pd.DataFrame:
    """The current budget lines in the layout of the budget file (format-suivi.md), of
    ``territoires`` (None: every one) and ``exercice`` (None: every one): an export imports back
    unchanged. The caller decides who may read which territory (data.budget.lignes for a person)."""
    frame = con.execute(
        f"""SELECT territoire AS code_territoire, exercice, poste, financeur, prevu, engage, verse, commentaire
           FROM {BUDGET_LIGNE}
           WHERE (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], territoire)) AND (?::INTEGER IS NULL OR exercice = ?)
           ORDER BY territoire, exercice, poste, financeur""",
        [territoires, territoires, exercice, exercice]).df()
    return frame[BUDGET_COLUMNS]


def euros_export(value) -> str:
    """12500.5 -> '12500,50', 30000 -> '30000' (no thousands separator: the file re-imports as is)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    cents = round(float(value) * 100)
    return str(cents // 100) if cents % 100 == 0 else f"{cents // 100},{cents % 100:02d}"


def export_budget(con: duckdb.DuckDBPyConnection, fmt: str = "csv", territoires: list[str] | None = None,
                  exercice: int | None = None) -> bytes:
    """The budget export's bytes (CSV French Excel, or xlsx with the amounts as numbers)."""
    frame = budget_frame(con, territoires, exercice)
    if fmt == "xlsx":
        return to_xlsx_bytes(frame)
    for column in ("prevu", "engage", "verse"):
        frame[column] = frame[column].map(euros_export)
    return to_csv_bytes(frame)
