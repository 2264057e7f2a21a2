"""The budget tables as the pages and their downloads show them (pure: frames in, frames out): French
column names, amounts in euros French-formatted for the screen and as numbers for the downloads."""

from __future__ import annotations

import pandas as pd

from data.registre import LIBELLES_FINANCEURS, LIBELLES_POSTES
from indicators import budget

COLONNES_POSTE = {"libelle_poste": "Poste", "libelle_financeur": "Financeur", "prevu": "Prévu (€)",
                  "engage": "Engagé (€)", "verse": "Versé (€)", "taux_engagement": "Taux d'engagement (%)",
                  "taux_versement": "Taux de versement (%)"}
AIDES_POSTE = {"Prévu (€)": budget.DEFINITIONS["prevu"], "Engagé (€)": budget.DEFINITIONS["engage"],
               "Versé (€)": budget.DEFINITIONS["verse"], "Taux d'engagement (%)": budget.DEFINITIONS["taux_engagement"],
               "Taux de versement (%)": budget.DEFINITIONS["taux_versement"]}
COLONNES_TERRITOIRES = {"nom": "Territoire", "territoire": "Code", "notifie": "Crédits AMI notifiés (€)",
                        "prevu": "AMI prévu (€)", "engage": "AMI engagé (€)", "verse": "AMI versé (€)",
                        "depasse": "Prévu au-delà du notifié", "coordination": "Poste de coordination 50/50",
                        "part_etat_pct": "Part de l'État du poste (%)"}
AIDES_TERRITOIRES = {"Crédits AMI notifiés (€)": budget.DEFINITIONS["enveloppe"],
                     "Poste de coordination 50/50": budget.DEFINITIONS["coordination"],
                     "Part de l'État du poste (%)": budget.DEFINITIONS["coordination"]}
EUROS = ("prevu", "engage", "verse", "notifie")


def _ecran(frame: pd.DataFrame) -> pd.DataFrame:
    """Amounts as French euros text, rates as French percentages (the screen)."""
    out = frame.copy()
    for c in out.columns:
        if c in EUROS:
            out[c] = out[c].map(budget.euros)
        elif c.startswith("taux") or c == "part_etat_pct":
            out[c] = out[c].map(budget.pct)
    return out


def _nombres(frame: pd.DataFrame) -> pd.DataFrame:
    """Amounts and rates as numbers (the downloads)."""
    out = frame.copy()
    for c in out.columns:
        if c in EUROS or c.startswith("taux") or c == "part_etat_pct":
            out[c] = pd.to_numeric(out[c].map(lambda v: None if budget.inconnu(v) else float(v)))
    return out


def tableau_postes(lignes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(screen, download) of one territory-exercice's budget per poste and financeur."""
    table = budget.par_poste(lignes)[list(COLONNES_POSTE)]
    return _ecran(table).rename(columns=COLONNES_POSTE), _nombres(table).rename(columns=COLONNES_POSTE)


def avertissements(lignes: pd.DataFrame) -> list[str]:
    """The non-blocking checks of a territory-exercice's lines, in French with their figures."""
    out = []
    for r in lignes.to_dict("records"):
        where = f"{LIBELLES_POSTES[r['poste']]}, {LIBELLES_FINANCEURS[r['financeur']].lower()}"
        if not budget.inconnu(r["engage"]) and r["engage"] > r["prevu"]:
            out.append(f"{where} : l'engagé ({budget.euros(r['engage'])}) dépasse le prévu ({budget.euros(r['prevu'])}).")
        if not budget.inconnu(r["verse"]) and not budget.inconnu(r["engage"]) and r["verse"] > r["engage"]:
            out.append(f"{where} : le versé ({budget.euros(r['verse'])}) dépasse l'engagé ({budget.euros(r['engage'])}).")
    return out


def verdict(conforme) -> str:
    """conforme / non conforme / non calculable."""
    if conforme is None or (isinstance(conforme, float) and conforme != conforme):
        return "non calculable"
    return "conforme" if conforme else "non conforme"


def tableau_territoires(lignes: pd.DataFrame, notifie: pd.DataFrame, noms: dict[str, str],
                        exercice: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(screen, download) per territory for one exercice: the AMI credits notified, planned,
    committed, paid, the flag above notified, and the coordinator post's 50/50 with the State share."""
    own = lignes[lignes["exercice"] == exercice]
    per = budget.consommation(own, notifie[notifie["exercice"] == exercice])
    checks = budget.conformite(own)[["territoire", "part_etat_pct", "conforme"]]
    table = per.merge(checks, on="territoire", how="outer")
    table["nom"] = table["territoire"].map(lambda c: noms.get(c, c))
    table["depasse"] = table["depasse"].map(lambda d: "oui" if d is True else "non" if d is False else "—")
    table["coordination"] = table["conforme"].map(verdict)
    table = table.sort_values(["coordination", "nom"], key=lambda s: s.map(
        {"non conforme": 0, "non calculable": 1, "conforme": 2}) if s.name == "coordination" else s)
    table = table[list(COLONNES_TERRITOIRES)]
    return (_ecran(table).rename(columns=COLONNES_TERRITOIRES),
            _nombres(table).rename(columns=COLONNES_TERRITOIRES))
