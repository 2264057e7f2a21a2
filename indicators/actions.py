"""The figures of the roadmaps' actions (format-suivi.md): each action's status at a reference
quarter, whether it is late, and the counts per status per axe and priority. Pure computation on
the rows data.actions_reads gives (no Streamlit, no DuckDB here); the definitions shown beside the
figures are here too, so the pages, the exports and the command line say the same thing."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from core import quarters
from data import actions_reads
from data.actions import LIBELLES_STATUTS
from data.registre import STATUTS_ACTION

NON_RENSEIGNE = "non_renseigne"  # an action without any status point up to the reference quarter
STATUTS = STATUTS_ACTION + (NON_RENSEIGNE,)
LIBELLES = LIBELLES_STATUTS | {NON_RENSEIGNE: "non renseigné"}
# never colour alone: a symbol and the words (pages, exports). Plain text symbols, as for the
# indicators' statuses (indicators/status.py): they render without an emoji font, offline too.
ICONES = {"a_venir": "◔", "en_cours": "▶", "realisee": "✔", "en_pause": "‖", "bloquee": "⊘",
          "abandonnee": "✕", NON_RENSEIGNE: "?"}
ICONE_RETARD = "⚠"
TERMINES = ("realisee", "abandonnee")  # never late

# The 5 priorities and 16 axes of the plan (domain.md section 2)
PRIORITES = {
    "I": "Produire et mobiliser des logements abordables",
    "II": "Accélérer l'accès au logement",
    "III": "Accompagner les personnes et favoriser le maintien dans le logement",
    "IV": "Prévenir les ruptures",
    "V": "Gouvernance",
}
AXES = {
    1: "Logements très sociaux (PLAI)", 2: "Parc privé à vocation sociale (IML, AIVS, Anah)",
    3: "Logement adapté (pensions de famille, résidences accueil)", 4: "Transformer l'hébergement en logement",
    5: "Connaître les publics sans domicile, veille sociale", 6: "Le logement d'abord dans l'orientation (SIAO)",
    7: "Accès au parc social (loi Égalité et citoyenneté)", 8: "Mobilité résidentielle",
    9: "Accompagnement vers et dans le logement", 10: "Pratiques professionnelles et formation",
    11: "Emploi et logement", 12: "Prévention des expulsions",
    13: "Sorties d'institutions et violences", 14: "Hébergement d'urgence inconditionnel",
    15: "Gouvernance à chaque échelon", 16: "Territoires de mise en œuvre accélérée",
}
_PRIORITE_DES_AXES = {**dict.fromkeys(range(1, 5), "I"), **dict.fromkeys(range(5, 9), "II"),
                      **dict.fromkeys(range(9, 12), "III"), **dict.fromkeys(range(12, 15), "IV"),
                      15: "V", 16: "V"}

DEFINITIONS = {
    "statut": ("Le statut d'une action à un trimestre est celui de son dernier point d'étape déposé jusqu'à ce "
               "trimestre inclus ; sans aucun point d'étape, elle est « non renseignée »."),
    "en_retard": ("« En retard » ne se saisit pas : une action est en retard quand sa date de fin est passée à la date "
                  "de référence (dernier jour du trimestre) sans qu'elle soit réalisée ni abandonnée, ou quand elle "
                  "est encore « à venir » alors que sa date de début est passée."),
    "avancement_moyen": ("Moyenne des avancements (en %) des actions dont le point d'étape retenu en donne un ; les "
                         "autres ne comptent pas pour zéro."),
    "priorite": "La priorité (I à V) découle de l'axe de l'action (16 axes du plan Logement d'abord).",
}

COLUMNS = (["territoire", "priorite", "axe", "nb_actions"] + [f"nb_{s}" for s in STATUTS]
           + ["en_retard", "avancement_moyen"])


def priorite(axe: int) -> str:
    """The priority (I to V) an axe (1 to 16) belongs to."""
    return _PRIORITE_DES_AXES[int(axe)]


def est_en_retard(statut: str | None, debut: dt.date | None, fin: dt.date | None, reference: dt.date) -> bool:
    """Late at ``reference``: ``fin`` passed and neither réalisée nor abandonnée, or still à venir
    with ``debut`` passed (format-suivi.md)."""
    if fin is not None and not pd.isna(fin) and _date(fin) < reference and statut not in TERMINES:
        return True
    return statut == "a_venir" and debut is not None and not pd.isna(debut) and _date(debut) < reference


def _date(value) -> dt.date:
    return value.date() if isinstance(value, (pd.Timestamp, dt.datetime)) else value


def etat(actions: pd.DataFrame, points: pd.DataFrame, at: str) -> pd.DataFrame:
    """One row per action at quarter ``at``: its status (last point up to ``at``), the progress and
    quarter of that point, its priority and whether it is late at the quarter's last day."""
    reference = quarters.end_date(at)
    upto = points[points["trimestre"] <= at].sort_values("trimestre")
    last = upto.drop_duplicates(["territoire", "ref_action"], keep="last")
    last = last.rename(columns={"trimestre": "trimestre_point"})
    keep = [c for c in ("statut", "avancement", "trimestre_point", "commentaire") if c in last.columns]
    out = actions.merge(last[["territoire", "ref_action"] + keep], on=["territoire", "ref_action"], how="left")
    out["statut"] = out["statut"].where(out["statut"].notna(), NON_RENSEIGNE)
    out["priorite"] = out["axe"].map(priorite) if len(out) else pd.Series(dtype=object)
    out["en_retard"] = [est_en_retard(s, d, f, reference) for s, d, f in zip(out["statut"], out["debut"], out["fin"])]
    return out


def ordre_affichage(frame: pd.DataFrame) -> pd.DataFrame:
    """Late actions first, then by axe and reference."""
    return frame.sort_values(["en_retard", "axe", "ref_action"], ascending=[False, True, True], kind="stable")


def comptes(etat_actions: pd.DataFrame, par: tuple[str, ...] = ("territoire", "axe")) -> pd.DataFrame:
    """Per group (default territory and axe): the number of actions, of each status, of late ones,
    and the mean progress where reported."""
    groups = list(par)
    if "priorite" not in groups and "axe" in groups:
        groups.insert(groups.index("axe"), "priorite")
    columns = groups + [c for c in COLUMNS if c not in ("territoire", "axe", "priorite")]
    if etat_actions.empty:
        return pd.DataFrame(columns=columns)
    frame = etat_actions.copy()
    for s in STATUTS:
        frame[f"nb_{s}"] = (frame["statut"] == s).astype(int)
    frame["avancement"] = pd.to_numeric(frame.get("avancement"), errors="coerce")
    agg = {"nb_actions": ("ref_action", "size"), **{f"nb_{s}": (f"nb_{s}", "sum") for s in STATUTS},
           "en_retard": ("en_retard", "sum"), "avancement_moyen": ("avancement", "mean")}
    out = frame.groupby(groups, as_index=False).agg(**agg)
    out["en_retard"] = out["en_retard"].astype(int)
    return out[columns].sort_values(groups, key=_priority_order, kind="stable").reset_index(drop=True)


def _priority_order(column: pd.Series) -> pd.Series:
    if column.name == "priorite":
        return column.map(list(PRIORITES).index)
    return column


def suivi(con, at: str, territoires: list[str] | None = None) -> pd.DataFrame:
    """The state at ``at`` of the actions of active territories (or of ``territoires``), without
    any text: what every role may see aggregated."""
    actions, points = actions_reads.suivi(con, territoires)
    return etat(actions, points, at)


def comptes_nationaux(etat_actions: pd.DataFrame) -> pd.DataFrame:
    """Across territories: per priority and axe, the counts of ``comptes`` and how many territories."""
    out = comptes(etat_actions, ("axe",))
    if out.empty:
        return out.assign(territoires=pd.Series(dtype=int))
    n = etat_actions.groupby("axe")["territoire"].nunique()
    out.insert(2, "territoires", out["axe"].map(n).astype(int))
    return out


def libelle_statut(code: str, en_retard: bool = False) -> str:
    """« ▶ en cours » ; a late action gets « ⚠ en retard » after its status."""
    text = f"{ICONES.get(code, '')} {LIBELLES.get(code, code)}".strip()
    return f"{text} · {ICONE_RETARD} en retard" if en_retard else text


# --- what the pages and the exports show (French column names, statuses in words and icons) ---------


def detail_territoire(con, personne, territoire: str, at: str) -> pd.DataFrame:
    """The state at ``at`` of every action of ``territoire`` with its texts (title, pilot,
    comment): the roles are checked by the reads (data/actions_reads.py)."""
    return etat(actions_reads.actions(con, personne, territoire), actions_reads.points(con, personne, territoire), at)


def tableau_actions(etat_actions: pd.DataFrame) -> pd.DataFrame:
    """One line per action, late ones first: axe, reference, title, status (icon and words), progress,
    dates, pilot, the quarter of the status point and its comment."""
    frame = ordre_affichage(etat_actions)
    return pd.DataFrame({
        "Axe": frame["axe"].astype(int), "Priorité": frame["priorite"], "Réf.": frame["ref_action"],
        "Intitulé": frame["intitule"],
        "Statut": [libelle_statut(s, r) for s, r in zip(frame["statut"], frame["en_retard"])],
        "Avancement (%)": pd.to_numeric(frame["avancement"], errors="coerce"),
        "Début": pd.to_datetime(frame["debut"]), "Fin": pd.to_datetime(frame["fin"]),
        "Pilote": frame["pilote"], "Partenaires": frame["partenaires"],
        "Point d'étape": frame["trimestre_point"].map(lambda q: quarters.label(q) if isinstance(q, str) else None),
        "Commentaire": frame["commentaire"],
    }).reset_index(drop=True)


_COLONNES_COMPTES = {"territoire": "Territoire", "priorite": "Priorité", "axe": "Axe", "territoires": "Territoires",
                     "nb_actions": "Actions", **{f"nb_{s}": LIBELLES[s].capitalize() for s in STATUTS},
                     "en_retard": "En retard", "avancement_moyen": "Avancement moyen (%)"}


def tableau_comptes(counts: pd.DataFrame) -> pd.DataFrame:
    """``comptes`` or ``comptes_nationaux`` with French headers and the axe's name beside its number."""
    frame = counts.copy()
    if "axe" in frame.columns:
        frame.insert(frame.columns.get_loc("axe") + 1, "libelle_axe", frame["axe"].map(AXES))
    elif "priorite" in frame.columns:
        frame.insert(frame.columns.get_loc("priorite") + 1, "libelle_priorite", frame["priorite"].map(PRIORITES))
    return frame.rename(columns=_COLONNES_COMPTES | {"libelle_axe": "Libellé de l'axe",
                                                     "libelle_priorite": "Libellé de la priorité"})


def tableau_historique(historique: pd.DataFrame) -> pd.DataFrame:
    """An action's status points quarter by quarter, former revisions marked « remplacée »."""
    return pd.DataFrame({
        "Trimestre": historique["trimestre"].map(quarters.label),
        "Statut": historique["statut"].map(libelle_statut),
        "Avancement (%)": pd.to_numeric(historique["avancement"], errors="coerce"),
        "Commentaire": historique["commentaire"],
        "Version": [f"révision {r}" + ("" if c else " (remplacée)") for r, c in
                    zip(historique["revision"], historique["courante"])],
        "Enregistrée par": historique["utilisateur"], "le": pd.to_datetime(historique["enregistre_le"]),
    })


def par_statut(etat_actions: pd.DataFrame) -> pd.DataFrame:
    """How many actions per status (statuses in the plan's order, late ones as their own line)."""
    rows = [(libelle_statut(s), int((etat_actions["statut"] == s).sum())) for s in STATUTS]
    rows.append((f"{ICONE_RETARD} en retard (dont)", int(etat_actions["en_retard"].sum()) if len(etat_actions) else 0))
    return pd.DataFrame(rows, columns=["Statut", "Nombre"])


def resume(etat_actions: pd.DataFrame) -> dict:
    """The headline figures: how many actions, late, and their mean progress where reported."""
    progress = pd.to_numeric(etat_actions["avancement"], errors="coerce") if len(etat_actions) else pd.Series(dtype=float)
    return {"actions": len(etat_actions), "en_retard": int(etat_actions["en_retard"].sum()) if len(etat_actions) else 0,
            "avancement_moyen": float(progress.mean()) if progress.notna().any() else None,
            "renseignes": int(progress.notna().sum())}


def tableau_apercu(apercu: pd.DataFrame) -> pd.DataFrame:
    """An actions upload's preview (data/actions.py PREVIEW_SQL) as shown before confirmation: what
    each action and status point becomes, and what it replaces."""
    shown = {"nouvelle": "nouvelle", "revisee": "révisée", "inchangee": "inchangée"}
    return pd.DataFrame({
        "Ligne": apercu["ligne"].map(lambda x: "ajoutée" if pd.isna(x) else str(int(x))),
        "Changement": apercu["statut"].map(shown),
        "Objet": apercu["objet"].map({"action": "action", "point": "point d'étape"}),
        "Territoire": apercu["territoire"], "Réf.": apercu["ref_action"],
        "Trimestre": apercu["trimestre"].map(lambda q: quarters.label(q) if isinstance(q, str) else ""),
        "Intitulé": apercu["intitule"], "Actuel": apercu["ancien"].fillna(""), "Nouveau": apercu["nouveau"],
        "Enregistré par": apercu["ancien_utilisateur"].fillna(""), "le": pd.to_datetime(apercu["ancien_le"]),
    })
