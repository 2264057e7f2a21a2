"""Updating the status points of a territory's actions from a grid in the browser: the edited rows
become an actions file (format-suivi.md) that goes through the one browser upload pipeline
(loaders.depot), so they are validated by the same rules as a file, previewed (action, field,
former -> new value) and, once the coordinator confirms, recorded as an upload (audit row,
revisions). An update that changes nothing records nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from core.errors import DepotRefuse
from data.access import Personne
from indicators.actions import LIBELLES, NON_RENSEIGNE, etat
from loaders import depot
from loaders.depot import Preparation

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


CHAMPS = {"statut": "Statut", "avancement": "Avancement", "commentaire": "Commentaire"}  # what a grid edits
VIDE = "(vide)"


@dataclass
class Saisie:
    """A grid's update checked before it is stored: the preparation of its actions file (the one
    browser pipeline, loaders.depot: validated, previewed, confirmed against its fingerprint), which
    action each file line is, and what changes, field by field (action, champ, avant, après)."""

    preparation: Preparation | None
    lignes: dict[int, str] = field(default_factory=dict)  # file line -> ref_action
    modifications: pd.DataFrame | None = None

    @property
    def rien(self) -> bool:
        """Nothing to store: no cell changed, or the changed ones say what is stored already."""
        return self.preparation is None

    @property
    def report(self):
        return self.preparation.report

    @property
    def data(self) -> bytes:
        return self.preparation.data


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


def _norm(frame: pd.DataFrame) -> pd.DataFrame:
    """The edited fields as the file would write them ('' for an empty cell: None != None in pandas)."""
    return frame[list(CHAMPS)].astype(object).map(_cell).reset_index(drop=True)


def changees(avant: pd.DataFrame, apres: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``apres`` whose statut, avancement or commentaire differ from ``avant``."""
    differ = (_norm(avant) != _norm(apres)).any(axis=1)
    return apres.reset_index(drop=True)[differ.values]


def modifications(avant: pd.DataFrame, apres: pd.DataFrame) -> pd.DataFrame:
    """One row per changed cell: Action (reference and title), Champ, Avant, Après, in French."""
    a, b = _norm(avant), _norm(apres)
    rows = apres.reset_index(drop=True)
    found = []
    for i in range(len(rows)):
        for name, label in CHAMPS.items():
            if a.at[i, name] != b.at[i, name]:
                shown = [(v + " %" if v and name == "avancement" else v) or VIDE for v in (a.at[i, name], b.at[i, name])]
                found.append({"Action": f"{rows.at[i, 'ref_action']} — {rows.at[i, 'intitule']}", "Champ": label,
                              "Avant": shown[0], "Après": shown[1]})
    return pd.DataFrame(found, columns=["Action", "Champ", "Avant", "Après"])


def _rights(personne: Personne, territoire: str) -> None:
    if not personne.peut_deposer(territoire):
        raise DepotRefuse("Vous ne pouvez pas mettre à jour les actions de ce territoire.")


def verifier(db: str | Path | None, personne: Personne, territoire: str, trimestre: str, axes: dict[str, int],
             avant: pd.DataFrame, apres: pd.DataFrame, *, today: dt.date | None = None) -> Saisie:
    """Check the changed rows of a grid as ``personne``'s actions file, storing nothing: a refusal
    is reported (and audited, like a refused file) with the changed rows as its lines, in order (see
    Saisie.lignes); a valid update comes back with its preview, to confirm with ``confirmer``.
    ``Saisie.rien`` when no cell changed or when what changed is what the store already holds."""
    _rights(personne, territoire)
    rows = changees(avant, apres)
    if rows.empty:
        return Saisie(None)
    data = fichier(territoire, trimestre, axes, rows)
    prep = depot.preparer(data, f"{NOM_SAISIE} ({hashlib.sha256(data).hexdigest()[:8]}).csv", db, personne=personne,
                          today=today, auditer=True)
    if prep.ok and prep.apercu.compte("nouvelle") + prep.apercu.compte("revisee") == 0:
        return Saisie(None)
    return Saisie(prep, {i + 2: ref for i, ref in enumerate(rows["ref_action"])}, modifications(avant, apres))


def confirmer(db: str | Path | None, personne: Personne, saisie: Saisie, *, today: dt.date | None = None):
    """Store a checked grid update exactly as previewed (loaders.depot.confirmer: one upload, audited,
    former versions kept), or nothing when the actions changed since (data.preview.Enregistrement)."""
    return depot.confirmer(saisie.preparation, db, personne=personne, today=today)
