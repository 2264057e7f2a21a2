"""Upload templates for a territory: the long layout of format-depot.md pre-filled with the
territory's code, the indicators of its roadmap (their base indicators for a derived one) and the
quarter(s) to report (a late territory asks for every quarter it owes), as xlsx (sheet ``donnees`` plus a ``notice`` sheet) or CSV (French Excel)."""

from __future__ import annotations

import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font

from data.registre import NATURES_DE_BASE
from indicators import completeness
from core import quarters
from core.parameters import TAILLE_MAX_FICHIER_MO
from loaders import models
from loaders.export import LONG_COLUMNS, neutralise, to_csv_bytes
from loaders.sql_rules import NON_RENSEIGNE

def indicateurs_a_deposer(modele: dict) -> list[str]:
    """Base indicator codes to report: the roadmap's, a derived one replaced by its components,
    in catalogue order; without a roadmap, every base indicator of the catalogue."""
    catalogue = modele["catalogue"]
    by_code = {r["code"]: r for r in catalogue.to_dict("records")}
    wanted = modele.get("indicateurs")
    if not wanted:
        return [r["code"] for r in catalogue.to_dict("records") if r["nature"] in NATURES_DE_BASE]
    codes: set[str] = set()
    for code in wanted:
        row = by_code.get(code)
        if row is None:
            continue
        if row["nature"] == "ratio":
            codes.update([row["numerateur"], row["denominateur"]])
        elif row["nature"] == "somme":
            codes.update(list(row["composantes"]))
        else:
            codes.add(code)
    return [c for c in by_code if c in codes]


PROPOSES_MAX = 8  # quarters offered for a template: a roadmap's window is two years


def trimestres(modele: dict) -> list[str]:
    """The quarters of a template, in order (``trimestres`` if given, else its one ``trimestre``)."""
    return sorted(modele.get("trimestres") or [modele["trimestre"]])


def pour_trimestres(modele: dict, chosen: list[str]) -> dict:
    """The template ``modele`` for the quarters ``chosen`` (its roadmap and catalogue stay)."""
    return modele | {"trimestres": sorted(chosen), "trimestre": max(chosen)}


def trimestres_proposes(modele: dict, last: str) -> list[str]:
    """Quarters a template may be asked for: from the roadmap's start (or, before any roadmap has
    started, the last four quarters) up to ``last``, the last complete quarter; at most the last
    PROPOSES_MAX."""
    feuille = modele.get("feuille")
    first = feuille[0] if feuille and feuille[0] <= last else quarters.shift(last, -3)
    return quarters.quarter_range(max(first, quarters.shift(last, -(PROPOSES_MAX - 1))), last)


def trimestres_dus(completude: pd.DataFrame, proposes: list[str]) -> list[str]:
    """Of ``proposes``, the quarters the territory still owes (something expected, not all reported),
    from indicators.territoire.completude_territoire(); the last one when it owes nothing."""
    owed = set(completeness.a_completer(completude)["trimestre"])
    found = [q for q in proposes if q in owed]
    return found or proposes[-1:]


def donnees(modele: dict) -> pd.DataFrame:
    """The template's rows (long layout, ``valeur`` empty): each indicator for each quarter."""
    codes = indicateurs_a_deposer(modele)
    keys = [(q, c) for q in trimestres(modele) for c in codes]
    n = len(keys)
    return pd.DataFrame({
        "code_territoire": [modele["territoire"]] * n, "indicateur": [c for _, c in keys],
        "trimestre": [q for q, _ in keys], "valeur": [""] * n, "commentaire": [""] * n, "source": [""] * n,
    })[LONG_COLUMNS]


def nom_fichier(modele: dict, extension: str) -> str:
    chosen = trimestres(modele)
    span = chosen[0] if len(chosen) == 1 else f"{chosen[0]}_a_{chosen[-1]}"
    return f"modele_depot_{modele['territoire']}_{span}.{extension}"


def libelle_trimestres(modele: dict) -> str:
    """« T3 2026 » or « T1 2026, T2 2026 et T3 2026 »."""
    labels = [quarters.label(q) for q in trimestres(modele)]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " et " + labels[-1]


def portee(modele: dict) -> str:
    """What the template lists, in words: the roadmap's indicators (said when it starts later) or
    every base indicator when the territory has no roadmap."""
    feuille = modele.get("feuille")
    if not (feuille and modele.get("indicateurs")):
        return "tous les indicateurs de base du catalogue (le territoire n'a pas de feuille de route)"
    window = f"{quarters.label(feuille[0])} – {quarters.label(feuille[1])}"
    later = " (elle commence après ce trimestre)" if feuille[0] > max(trimestres(modele)) else ""
    return f"les indicateurs de la feuille de route {window}{later}"


def csv_bytes(modele: dict) -> bytes:
    """The template as a French Excel CSV (``;``, UTF-8 with BOM)."""
    return to_csv_bytes(donnees(modele))


def _notice_rows(modele: dict) -> list[list]:
    field_help = {name: f.description for name, f in models.LigneValeurLongue.model_fields.items()}
    required, _ = models.columns(models.LigneValeurLongue)
    scope = portee(modele) + (" (pour un indicateur calculé, ses composantes)" if modele.get("indicateurs") else "")
    nr = ", ".join(v or "cellule vide" for v in NON_RENSEIGNE)
    rows: list[list] = [
        [f"Modèle de dépôt trimestriel — {modele['nom']} ({modele['territoire']}), {libelle_trimestres(modele)}"],
        [f"Ce modèle contient {scope}. Remplissez la colonne « valeur » de la feuille « donnees », "
         "puis déposez le fichier sur la page « Déposer des données » du tableau de bord."],
        [f"Taille maximale d'un fichier : {TAILLE_MAX_FICHIER_MO} Mo. Formats acceptés : .xlsx (sans macros) ou "
         "CSV (séparateur ; ou , ; virgule décimale acceptée)."],
        [f"Valeur non connue : laissez la cellule vide ou écrivez {nr} — rien n'est enregistré, ce n'est jamais "
         "compté comme 0. Une valeur déjà enregistrée et différente devient une révision (l'ancienne est "
         "conservée)."],
        [],
        ["Colonne", "Obligatoire", "Contenu"],
    ]
    for column in LONG_COLUMNS:
        rows.append([column, "oui" if column in required else "non", field_help.get(column, "")])
    rows += [[], ["Indicateur (code)", "Libellé", "Définition", "Unité", "Nature", "Source"]]
    catalogue = modele["catalogue"].set_index("code")
    for code in indicateurs_a_deposer(modele):
        r = catalogue.loc[code]
        rows.append([code, r["libelle"], r["definition"], r["unite"], r["nature"], r["source"]])
    return rows


def xlsx_bytes(modele: dict) -> bytes:
    """The template as a workbook: ``donnees`` (to fill) and ``notice`` (columns, indicators, rules)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "donnees"
    frame = donnees(modele)
    labels = dict(zip(modele["catalogue"]["code"], modele["catalogue"]["libelle"]))
    sheet.append(LONG_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in frame.itertuples(index=False):
        sheet.append([neutralise(v) if v != "" else None for v in values])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"  # codes keep their leading zeros, quarters stay text
        row[3].number_format = "General"
        row[1].comment = Comment(labels.get(row[1].value, ""), "Dihal")
    for letter, width in zip("ABCDEF", (16, 34, 12, 12, 30, 20)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    notice = book.create_sheet("notice")
    for values in _notice_rows(modele):
        notice.append([neutralise(v) for v in values])
    for letter, width in zip("ABCDEF", (34, 40, 90, 14, 10, 22)):
        notice.column_dimensions[letter].width = width
    for row in notice.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notice["A1"].font = Font(bold=True, size=13)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ the actions template (format-suivi.md)


def modele_actions(con, personne, territoire: str, trimestre: str) -> pd.DataFrame:
    """The actions file of ``territoire`` for quarter ``trimestre``, pre-filled with its stored
    actions (one line each, with the status and progress of their last point up to that quarter;
    the comment left to write). Detail of the territory: read within the person's scope only."""
    from core.errors import AccesRefuse
    from loaders.export import actions_frame

    if not personne.peut_voir_detail(territoire):
        raise AccesRefuse("Vous ne pouvez pas télécharger les actions de ce territoire.")
    frame = actions_frame(con, [territoire])
    upto = frame[frame["trimestre"].isna() | (frame["trimestre"] <= trimestre)]
    last = upto.drop_duplicates(["code_territoire", "ref_action"], keep="last")
    missing = frame[~frame["ref_action"].isin(last["ref_action"])].drop_duplicates("ref_action")
    out = pd.concat([last, missing.assign(statut="", avancement=None)]) if len(missing) else last
    out = out.assign(trimestre=trimestre, commentaire=None)
    return out.sort_values(["axe", "ref_action"], kind="stable").reset_index(drop=True)


def nom_modele_actions(territoire: str, trimestre: str, extension: str) -> str:
    return f"modele_actions_{territoire}_{trimestre}.{extension}"


def actions_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The actions template as a French Excel CSV (``;``, UTF-8 with BOM): it imports as is."""
    return to_csv_bytes(frame, number_columns=("axe", "avancement"))


def actions_xlsx_bytes(frame: pd.DataFrame) -> bytes:
    from loaders.export import to_xlsx_bytes

    return to_xlsx_bytes(frame, sheet="actions")


# ------------------------------------------------------------------ the budget file (fiche 5)

def budget_donnees(territoire: str, exercice: int, lignes: pd.DataFrame | None = None) -> pd.DataFrame:
    """The budget template of ``territoire`` for ``exercice``: one row per poste and financeur of
    fiche 5, pre-filled with the stored amounts (``lignes``: data.budget.lignes of that territory),
    the others blank (a row left blank is not read: loaders/budget.py)."""
    from data.registre import FINANCEURS, POSTES
    from loaders.export import BUDGET_COLUMNS, euros_export

    stored = {}
    if lignes is not None:
        for r in lignes[lignes["exercice"] == exercice].to_dict("records"):
            stored[(r["poste"], r["financeur"])] = r
    rows = []
    for poste in POSTES:
        for financeur in FINANCEURS:
            r = stored.get((poste, financeur), {})
            rows.append([territoire, str(exercice), poste, financeur, euros_export(r.get("prevu")),
                         euros_export(r.get("engage")), euros_export(r.get("verse")), r.get("commentaire") or ""])
    return pd.DataFrame(rows, columns=BUDGET_COLUMNS)


def budget_notice() -> list[list]:
    """The notice sheet of the budget template: each column, the postes and the financeurs."""
    from data.registre import LIBELLES_FINANCEURS, LIBELLES_POSTES

    help_ = {name: f.description for name, f in models.LigneBudget.model_fields.items()}
    required, _ = models.columns(models.LigneBudget)
    rows: list[list] = [
        ["Modèle du fichier budgétaire (fiche 5)"],
        ["Une ligne par poste et par financeur. Montants en euros (30 000 ou 12 500,50 ; « € » accepté) ; "
         "vide = non connu, jamais 0. Une ligne dont les trois montants sont vides est ignorée. Le poste de "
         "coordinateur / animateur doit être cofinancé à 50 % par l'État et à 50 % par la collectivité."],
        [], ["Colonne", "Obligatoire", "Contenu"],
    ]
    rows += [[c, "oui" if c in required else "non", help_.get(c, "")] for c in help_]
    rows += [[], ["Poste (code)", "Libellé"]] + [[c, lib] for c, lib in LIBELLES_POSTES.items()]
    rows += [[], ["Financeur (code)", "Libellé"]] + [[c, lib] for c, lib in LIBELLES_FINANCEURS.items()]
    return rows


def budget_csv_bytes(territoire: str, exercice: int, lignes: pd.DataFrame | None = None) -> bytes:
    """The budget template as a French Excel CSV."""
    return to_csv_bytes(budget_donnees(territoire, exercice, lignes))


def budget_xlsx_bytes(territoire: str, exercice: int, lignes: pd.DataFrame | None = None) -> bytes:
    """The budget template as a workbook: ``donnees`` (texts kept as text) and ``notice``."""
    frame = budget_donnees(territoire, exercice, lignes)
    book = Workbook()
    sheet = book.active
    sheet.title = "donnees"
    sheet.append(list(frame.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in frame.itertuples(index=False):
        sheet.append([neutralise(v) if v != "" else None for v in values])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"
    for letter, width in zip("ABCDEFGH", (16, 10, 22, 20, 14, 14, 14, 30)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    notice = book.create_sheet("notice")
    for values in budget_notice():
        notice.append([neutralise(v) for v in values])
    notice.column_dimensions["A"].width = 30
    notice.column_dimensions["C"].width = 80
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
