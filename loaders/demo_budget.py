"""The demo's budgets (fiche 5): every territory, the six postes, two exercices, amounts scaled by
population; the coordinator post co-funded 50/50 except in one territory; some amounts engaged or
paid not yet known, one engaged above planned; the AMI envelope recorded by the national team, one
territory's AMI lines above its notified credits; and one coordinator's later update (a revision).
Deterministic: a function of the territories and the seed."""

from __future__ import annotations

import random

from data import budget
from data.access import Personne
from loaders.export import euros_export

SEED_BUDGET = 2021  # the year of the AMI's first envelope
ENVELOPPE_NATIONALE = 4_000_000  # the call: 4 M€ of State AMI credits for 2021
TRANCHE_ENVELOPPE = 500_000  # an envelope larger than the call's is voted in half-millions
HEADER = "code_territoire;exercice;poste;financeur;prevu;engage;verse;commentaire"
NATIONAL = Personne("admin.demo@dihal.gouv.fr", "national")
# the share of each poste carried by the AMI credits (the rest by the collectivité or partners)
POSTES_AMI = {"ingenierie": 0.7, "intervention_sociale": 0.4, "observation_sociale": 0.6, "suivi_evaluation": 0.8,
              "communication": 0.5}


def _lines(code: str, population: int, exercice: int, rng: random.Random, *, non_conforme: bool,
           en_cours: bool) -> list[list]:
    """One territory's lines for one exercice: [territoire, exercice, poste, financeur, prevu,
    engage, verse, commentaire] with amounts as numbers (None: not known)."""
    scale = max(0.4, min(3.0, (population or 100_000) / 400_000))
    rows = []

    def add(poste, financeur, prevu, commentaire=""):
        prevu = round(prevu / 50) * 50
        ratio_e = rng.uniform(0.55, 0.95) if en_cours else rng.uniform(0.9, 1.0)
        engage = None if en_cours and rng.random() < 0.15 else round(prevu * ratio_e, 2)
        verse = None if engage is None or (en_cours and rng.random() < 0.3) else round(engage * rng.uniform(0.4, 1.0), 2)
        rows.append([code, exercice, poste, financeur, prevu, engage, verse, commentaire])

    salaire = round(rng.uniform(55_000, 70_000) / 100) * 100
    if non_conforme:  # the State pays more than half the post
        add("coordination", "etat_ami", salaire * 0.6, "cofinancement à régulariser")
        add("coordination", "etat_droit_commun", salaire * 0.1)
        add("coordination", "collectivite", salaire * 0.3)
    else:
        add("coordination", "etat_ami", salaire / 2)
        add("coordination", "collectivite", salaire / 2)
    for poste, part in POSTES_AMI.items():
        total = rng.uniform(8_000, 40_000) * scale
        add(poste, "etat_ami", total * part)
        add(poste, "collectivite" if rng.random() < 0.7 else "autre", total * (1 - part))
    if rng.random() < 0.3:
        add("intervention_sociale", "etat_droit_commun", rng.uniform(10_000, 30_000) * scale, "crédits BOP 177")
    return rows


def _csv(rows: list[list]) -> bytes:
    def cell(v):
        return "" if v is None else euros_export(v) if isinstance(v, float | int) and not isinstance(v, bool) else str(v)

    lines = [HEADER] + [";".join(cell(v) if i >= 4 and i <= 6 else str(v) for i, v in enumerate(r)) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def budget_files(territories: list[tuple[str, int]], year: int) -> tuple[list[tuple[str, str, bytes]], dict]:
    """The demo's budget files (name, user, bytes), one per exercice loaded by the national team,
    then one coordinator's update; and the credits notified {exercice: {code: amount}}."""
    rng = random.Random(SEED_BUDGET)
    codes = sorted(territories)
    odd = codes[len(codes) // 2][0] if codes else None  # the territory whose coordinator post is not 50/50
    files, notified = [], {}
    for exercice in (year - 1, year):
        rows = []
        for code, population in codes:
            rows += _lines(code, population, exercice, rng, non_conforme=code == odd, en_cours=exercice == year)
        if rows and exercice == year:
            rows[-1][5] = round(rows[-1][4] * 1.1, 2)  # one amount engaged above planned (a warning)
        ami = {}
        for r in rows:
            if r[3] == "etat_ami":
                ami[r[0]] = ami.get(r[0], 0) + r[4]
        # credits notified rounded up to the thousand; the first territory's short of its AMI lines
        notified[exercice] = {c: (int(a // 1000) + 1) * 1000 for c, a in ami.items()}
        if codes:
            notified[exercice][codes[0][0]] = int(ami[codes[0][0]] * 0.8 // 1000) * 1000
        files.append((f"budget_{exercice}_demo.csv", "dihal-demo", _csv(rows)))
    if codes:  # one coordinator reports what was paid since: revisions with their history
        code = codes[0][0]
        update = [r for r in _lines(code, codes[0][1], year, random.Random(SEED_BUDGET + 1), non_conforme=False,
                                    en_cours=False)]
        files.append((f"budget_{year}_{code}.csv", f"coordination-{code}", _csv(update)))
    return files, notified


def enveloppe(amounts: dict) -> int:
    """The national envelope of an exercice: the call's 4 M€, or, when more was notified to the
    territories, their total rounded up to the half-million (credits are never notified beyond it)."""
    total = sum(amounts.values())
    return max(ENVELOPPE_NATIONALE, -(-total // TRANCHE_ENVELOPPE) * TRANCHE_ENVELOPPE)


def record_envelopes(con, notified: dict) -> None:
    """The AMI envelope of each exercice and the credits notified, as the national team records them."""
    for exercice, amounts in sorted(notified.items()):
        budget.enregistrer_enveloppe(con, NATIONAL, exercice, enveloppe(amounts), amounts,
                                     commentaire="enveloppe de démonstration")
