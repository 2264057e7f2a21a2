"""Updating the status points of a territory's actions from a grid in the browser: the edited rows
become an actions file (format-suivi.md) that goes through the one import pipeline, so they are
validated by the same rules as a file and recorded as an upload (audit row, revisions)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from core.errors import DepotRefuse
from data.access import Personne
from indicators.actions import LIBELLES, NON_RENSEIGNE, etat
from loaders.headers import ACTIONS
from loaders.importer import ImportResult, import_bytes

NOM_SAISIE = "saisie dans le tableau de bord"  # depot.fichier of a grid's update
COLONNES_GRILLE = ["ref_action", "intitule", "statut", "avancement", "commentaire"]
_CODE_DU_LIBELLE = {label: code for code, label in LIBELLES.items() if code != NON_RENSEIGNE}


def choix_statuts() -> list[str]:
    """The statuses a grid offers, in words (« en retard » is never typed)."""
    return list(_CODE_DU_LIBELLE)


def grille(actions: pd.DataFrame, points: pd.DataFrame, trimestre: str) -> pd.DataFrame:
    """The grid of ``trimestre``, in the order of the axes: one row per action with its status point of that quarter, or, if it
    has none yet, the status and progress it carries from an earlier quarter (the comment stays
    empty: it is the quarter's own)."""
    state = etat(actions, points, trimestre).sort_values(["axe", "ref_action"], kind="stable")
    own = state["trimestre_point"] == trimestre
    frame = pd.DataFrame({
        "ref_action": state["ref_action"], "intitule": state["intitule"],
        "statut": [LIBELLES[s] if s != NON_RENSEIGNE else None for s in state["statut"]],
        "avancement": pd.to_numeric(state["avancement"], errors="coerce").astype("Int64"),
        "commentaire": state["commentaire"].where(own, None) if "commentaire" in state else None,
    })
    return frame.reset_index(drop=True)


@dataclass
class Saisie:
    """What a grid's update did: its import result, and which action each file line was."""

    result: ImportResult | None
    lignes: dict[int, str] = field(default_factory=dict)  # file line -> ref_action

    @property
    def rien(self) -> bool:
        return self.result is None


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(int(value)) if isinstance(value, float) and float(value).is_integer() else str(value)
    return text.replace(";", ",").replace("\r", " ").replace("\n", " ").replace('"', "'")


def fichier(territoire: str, trimestre: str, axes: dict[str, int], rows: pd.DataFrame) -> bytes:
    """The actions file of the changed ``rows`` (one line each, in their order)."""
    lines = ["code_territoire;ref_action;axe;statut;avancement;trimestre;commentaire"]
    for r in rows.itertuples(index=False):
        lines.append(";".join(_cell(v) for v in (territoire, r.ref_action, axes.get(r.ref_action), r.statut,
                                                  r.avancement, trimestre, r.commentaire)))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def changees(avant: pd.DataFrame, apres: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``apres`` whose statut, avancement or commentaire differ from ``avant``."""
    def norm(frame):
        return frame[["statut", "avancement", "commentaire"]].astype(object).map(lambda v: None if _cell(v) == "" else _cell(v))

    a, b = norm(avant.reset_index(drop=True)), norm(apres.reset_index(drop=True))
    differ = (a != b).any(axis=1)
    return apres.reset_index(drop=True)[differ.values]


def enregistrer(db: str | Path | None, personne: Personne, territoire: str, trimestre: str, axes: dict[str, int],
                avant: pd.DataFrame, apres: pd.DataFrame, *, today: dt.date | None = None) -> Saisie:
    """Store the changed rows of a grid as an upload of ``personne`` (refused whole when one row
    breaks a rule: the report's lines are the changed rows, in order, see Saisie.lignes)."""
    if not personne.peut_deposer(territoire):
        raise DepotRefuse("Vous ne pouvez pas mettre à jour les actions de ce territoire.")
    rows = changees(avant, apres)
    if rows.empty:
        return Saisie(None)
    data = fichier(territoire, trimestre, axes, rows)
    scope = personne.perimetre_depot
    result = import_bytes(data, f"{NOM_SAISIE} ({hashlib.sha256(data).hexdigest()[:8]}).csv", db, kind=ACTIONS,
                          user=personne.email, allowed_territories=None if scope is None else set(scope), today=today)
    return Saisie(result, {i + 2: ref for i, ref in enumerate(rows["ref_action"])})
