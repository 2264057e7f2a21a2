"""Figures derived from the budget of fiche 5 (pure: frames in, frames out; no database, no page).

- taux d'engagement = engagé / prévu x 100, taux de versement = versé / prévu x 100, for a line or
  a sum of lines; empty when prévu is 0 or one of the two amounts is not known (never counted as 0).
- the 50/50 check of the coordinator post, per territory and exercice, over its ``coordination``
  lines: the State's share = (etat_ami + etat_droit_commun planned) / (every financeur planned).
  Above 50 % is "non conforme"; 50 % exactly or below is "conforme". It is not computable (empty)
  when there is no coordination line, when there is no collectivité line or no State line (a
  missing line is an unknown amount, never 0: the share cannot be told), or when the total
  planned is 0. The figures (State, collectivité, total, share) always come with it.
- the AMI envelope: per territory and exercice, the State AMI lines (etat_ami) planned, committed
  and paid against the credits notified; planned above notified is flagged. Nationally: the
  envelope recorded, the credits notified in total, and the sums of the territories' AMI lines.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from data.registre import COORDINATION, FINANCEURS, FINANCEURS_ETAT, LIBELLES_FINANCEURS, LIBELLES_POSTES, POSTES

AMI = "etat_ami"
SEUIL_PART_ETAT_PCT = 50  # the call: the post is co-funded 50 % by the State, 50 % by the collectivité
CLI_COLUMNS = ["territoire", "exercice", "poste", "financeur", "prevu", "engage", "verse", "taux_engagement",
               "taux_versement", "coordination_conforme"]
LIGNE_CONFORMITE = "coordination_conforme"  # the poste cell of the CLI's per-territory check line

DEFINITIONS = {
    "prevu": "Montant prévu au budget de l'exercice (fiche 5), en euros.",
    "engage": "Montant engagé (juridiquement promis) à ce jour, en euros ; vide s'il n'est pas connu.",
    "verse": "Montant effectivement versé à ce jour, en euros ; vide s'il n'est pas connu.",
    "taux_engagement": "Engagé ÷ prévu × 100. Vide si le prévu est nul ou si l'engagé n'est pas connu.",
    "taux_versement": "Versé ÷ prévu × 100. Vide si le prévu est nul ou si le versé n'est pas connu.",
    "coordination": ("Le poste de coordinateur / animateur doit être cofinancé à 50 % par l'État et à 50 % par "
                     "la collectivité. Part de l'État = (crédits AMI + autres crédits de l'État prévus) ÷ total "
                     "prévu du poste, tous financeurs. Au-dessus de 50 % : non conforme ; 50 % tout juste : "
                     "conforme. Non calculable sans ligne « collectivité » ou sans ligne de l'État pour ce "
                     "poste (une ligne absente est un montant inconnu, pas zéro), ou si le total prévu est nul."),
    "enveloppe": ("Enveloppe AMI : crédits spécifiques de l'État notifiés par l'équipe nationale pour "
                  "l'exercice. Sa consommation se lit sur les lignes « État (crédits spécifiques AMI) » des "
                  "budgets : prévu, engagé, versé. Un territoire dont le prévu AMI dépasse ses crédits "
                  "notifiés est signalé."),
}


def euros(x) -> str:
    """French euros: 30 000 €, 12 500,50 € (cents shown only when there are some); "non connu"
    for an unknown amount."""
    if inconnu(x):
        return "non connu"
    d = Decimal(str(x)).quantize(Decimal("0.01"))
    text = f"{d:,.0f}" if d == d.to_integral_value() else f"{d:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",") + "\u00a0€"


def pct(x, decimales: int = 1) -> str:
    """French percentage: 45,6 %; "—" when not computable."""
    if inconnu(x):
        return "—"
    return f"{x:,.{decimales}f}".replace(",", "\u202f").replace(".", ",") + "\u00a0%"


def taux(numerateur, denominateur) -> float | None:
    """numerateur / denominateur x 100, or None when either is unknown or the denominator is 0."""
    if inconnu(numerateur) or inconnu(denominateur) or Decimal(str(denominateur)) == 0:
        return None
    return float(Decimal(str(numerateur)) / Decimal(str(denominateur)) * 100)


def inconnu(x) -> bool:
    """Whether an amount or rate is not known (None, NaN, NA): never read as 0."""
    return x is None or (isinstance(x, float) and x != x) or x is pd.NA


def _somme(values) -> Decimal | None:
    """The sum of the known amounts; None when none is known."""
    known = [Decimal(str(v)) for v in values if not inconnu(v)]
    return sum(known, Decimal(0)) if known else None


def somme(values) -> Decimal | None:
    """The sum of the known amounts; None when none is known (never 0 for unknown amounts)."""
    return _somme(values)


def avec_taux(lignes: pd.DataFrame) -> pd.DataFrame:
    """The lines (prevu, engage, verse) with taux_engagement and taux_versement added."""
    out = lignes.copy()
    out["taux_engagement"] = [taux(e, p) for e, p in zip(out["engage"], out["prevu"])]
    out["taux_versement"] = [taux(v, p) for v, p in zip(out["verse"], out["prevu"])]
    return out


def par_poste(lignes: pd.DataFrame) -> pd.DataFrame:
    """One territory-exercice's lines per poste and financeur, in the order of fiche 5, with each
    poste's total row (financeur 'total': amounts summed over the known ones, rates of the sums)."""
    rows = []
    for poste in POSTES:
        own = lignes[lignes["poste"] == poste]
        if own.empty:
            continue
        for financeur in FINANCEURS:
            for _, r in own[own["financeur"] == financeur].iterrows():
                rows.append({"poste": poste, "financeur": financeur, "prevu": r["prevu"], "engage": r["engage"],
                             "verse": r["verse"]})
        rows.append({"poste": poste, "financeur": "total", "prevu": _somme(own["prevu"]),
                     "engage": _somme(own["engage"]), "verse": _somme(own["verse"])})
    frame = pd.DataFrame(rows, columns=["poste", "financeur", "prevu", "engage", "verse"])
    frame = avec_taux(frame)
    frame.insert(1, "libelle_poste", frame["poste"].map(LIBELLES_POSTES))
    frame.insert(3, "libelle_financeur", frame["financeur"].map(LIBELLES_FINANCEURS | {"total": "Total du poste"}))
    return frame


def conformite(lignes: pd.DataFrame) -> pd.DataFrame:
    """Per (territoire, exercice) of ``lignes``: the 50/50 check of the coordinator post with its
    figures: etat, collectivite, total (planned, Decimal), part_etat_pct, conforme (True, False
    or None when not computable) and raison (French: why not computable, else empty)."""
    rows = []
    for (territoire, exercice), group in lignes.groupby(["territoire", "exercice"], sort=True):
        rows.append({"territoire": territoire, "exercice": exercice, **_conformite(group)})
    return pd.DataFrame(rows, columns=["territoire", "exercice", "etat", "collectivite", "total", "part_etat_pct",
                                       "conforme", "raison"])


def _conformite(group: pd.DataFrame) -> dict:
    coord = group[group["poste"] == COORDINATION]
    etat_rows = coord[coord["financeur"].isin(FINANCEURS_ETAT)]
    coll_rows = coord[coord["financeur"] == "collectivite"]
    etat, coll, total = _somme(etat_rows["prevu"]), _somme(coll_rows["prevu"]), _somme(coord["prevu"])
    out = {"etat": etat, "collectivite": coll, "total": total, "part_etat_pct": None, "conforme": None, "raison": ""}
    if coord.empty:
        out["raison"] = "aucune ligne pour le poste de coordination"
    elif coll_rows.empty:
        out["raison"] = "pas de ligne « collectivité » pour le poste de coordination"
    elif etat_rows.empty:
        out["raison"] = "pas de ligne de l'État pour le poste de coordination"
    elif not total:
        out["raison"] = "total prévu nul pour le poste de coordination"
    else:
        out["part_etat_pct"] = float(etat / total * 100)
        out["conforme"] = bool(etat * 100 <= total * SEUIL_PART_ETAT_PCT)  # exact: Decimal, no rounding
    return out


def phrase_conformite(row) -> str:
    """The check stated with its figures, in French."""
    if row["conforme"] is None or (isinstance(row["conforme"], float) and row["conforme"] != row["conforme"]):
        return f"50/50 du poste de coordination non calculable : {row['raison']}."
    verdict = "conforme" if row["conforme"] else "non conforme"
    return (f"Poste de coordination {verdict} : part de l'État {pct(row['part_etat_pct'])} "
            f"({euros(row['etat'])} sur {euros(row['total'])} prévus, dont collectivité {euros(row['collectivite'])}) ; "
            f"la règle est {SEUIL_PART_ETAT_PCT} % au plus.")


def consommation(lignes: pd.DataFrame, notifie: pd.DataFrame) -> pd.DataFrame:
    """Per (territoire, exercice) with AMI lines or notified credits: notifie, prevu, engage,
    verse of the etat_ami lines, their rates over notified, and depasse (planned above notified;
    None when nothing is notified)."""
    ami = lignes[lignes["financeur"] == AMI]
    keys = sorted(set(zip(ami["territoire"], ami["exercice"])) | set(zip(notifie["territoire"], notifie["exercice"])))
    rows = []
    for territoire, exercice in keys:
        own = ami[(ami["territoire"] == territoire) & (ami["exercice"] == exercice)]
        n = notifie[(notifie["territoire"] == territoire) & (notifie["exercice"] == exercice)]["notifie"]
        credits = _somme(n) if len(n) else None
        prevu = _somme(own["prevu"])
        rows.append({"territoire": territoire, "exercice": exercice, "notifie": credits, "prevu": prevu,
                     "engage": _somme(own["engage"]), "verse": _somme(own["verse"]),
                     "taux_engagement": taux(_somme(own["engage"]), credits),
                     "taux_versement": taux(_somme(own["verse"]), credits),
                     "depasse": None if credits is None or prevu is None else bool(prevu > credits)})
    return pd.DataFrame(rows, columns=["territoire", "exercice", "notifie", "prevu", "engage", "verse",
                                       "taux_engagement", "taux_versement", "depasse"])


def consommation_nationale(par_territoire: pd.DataFrame, enveloppes: pd.DataFrame) -> pd.DataFrame:
    """Per exercice: the envelope recorded (montant), the credits notified in total, and the sums of
    the territories' AMI lines planned, committed and paid, with the rates over the envelope and
    the count of territories above their notified credits."""
    years = sorted(set(par_territoire["exercice"]) | set(enveloppes["exercice"]))
    rows = []
    for year in years:
        own = par_territoire[par_territoire["exercice"] == year]
        env = enveloppes[enveloppes["exercice"] == year]["montant"]
        montant = _somme(env) if len(env) else None
        rows.append({"exercice": year, "enveloppe": montant, "notifie": _somme(own["notifie"]),
                     "prevu": _somme(own["prevu"]), "engage": _somme(own["engage"]), "verse": _somme(own["verse"]),
                     "taux_prevu": taux(_somme(own["prevu"]), montant),
                     "taux_engagement": taux(_somme(own["engage"]), montant),
                     "taux_versement": taux(_somme(own["verse"]), montant),
                     "territoires_depassement": int((own["depasse"] == True).sum())})  # noqa: E712 (None stays out)
    return pd.DataFrame(rows, columns=["exercice", "enveloppe", "notifie", "prevu", "engage", "verse", "taux_prevu",
                                       "taux_engagement", "taux_versement", "territoires_depassement"])


def tableau_cli(lignes: pd.DataFrame) -> pd.DataFrame:
    """The rows of ``python -m indicators budget``: per territory, exercice, poste and financeur the
    amounts and rates, then per territory and exercice the line coordination_conforme (poste
    'coordination_conforme', its value true / false / empty in the last column)."""
    order = {p: i for i, p in enumerate(POSTES)} | {LIGNE_CONFORMITE: len(POSTES)}
    forder = {f: i for i, f in enumerate(FINANCEURS)}
    lines = avec_taux(lignes[["territoire", "exercice", "poste", "financeur", "prevu", "engage", "verse"]])
    lines["coordination_conforme"] = None
    checks = conformite(lignes)
    extra = pd.DataFrame({"territoire": checks["territoire"], "exercice": checks["exercice"],
                          "poste": LIGNE_CONFORMITE, "financeur": None, "prevu": None, "engage": None,
                          "verse": None, "taux_engagement": None, "taux_versement": None,
                          "coordination_conforme": checks["conforme"]})
    frames = [f for f in (lines, extra) if not f.empty]
    if not frames:
        return pd.DataFrame(columns=CLI_COLUMNS)
    out = pd.concat(frames, ignore_index=True)
    out = out.assign(_p=out["poste"].map(order), _f=out["financeur"].map(forder).fillna(-1))
    return out.sort_values(["territoire", "exercice", "_p", "_f"]).drop(columns=["_p", "_f"])[CLI_COLUMNS] \
        .reset_index(drop=True)
