"""The demonstration's actions (format-suivi.md): for each territory 10 to 25 realistic actions over
the 16 axes, and their quarterly status points since the start of its current roadmap. Each action
follows a course drawn once (on time, late, blocked, paused, abandoned, never started), so every
status shows and some actions are late. Deterministic: a pure function of its inputs and the seed,
uploaded as actions files through the one import pipeline (loaders/demo.py)."""

from __future__ import annotations

import datetime as dt
import random

from core import quarters
from data.registre import ACTION, DEPOT, POINT_ACTION, POINT_ACTION_HISTORIQUE

TITRES = {
    1: ["Programmation de PLAI adaptés", "Production de logements très sociaux en diffus"],
    2: ["Captation de logements du parc privé en intermédiation locative", "Création d'une agence immobilière à vocation sociale",
        "Remise sur le marché de logements vacants avec l'Anah"],
    3: ["Ouverture d'une pension de famille", "Création d'une résidence accueil"],
    4: ["Transformation de places d'hébergement en logements", "Restructuration d'un centre d'hébergement en logements"],
    5: ["Nuit de la solidarité", "Maraudes coordonnées et équipe mobile de rue", "Observatoire local du sans-abrisme"],
    6: ["Orientation directe vers le logement par le SIAO", "Commission « logement d'abord » du SIAO"],
    7: ["Contingent préfectoral mobilisé pour les ménages sans domicile", "Accord collectif intercommunal d'attribution"],
    8: ["Bourse d'échange de logements sociaux", "Accompagnement des mutations dans le parc social"],
    9: ["Plateforme territoriale d'accompagnement", "Accompagnement pluridisciplinaire « Un chez-soi d'abord »",
        "Mesures d'accompagnement vers et dans le logement (AVDL)"],
    10: ["Formation des travailleurs sociaux au logement d'abord", "Pair-aidance dans les équipes d'accompagnement"],
    11: ["Parcours emploi-logement avec le service public de l'emploi"],
    12: ["Prévention des expulsions dès le premier impayé", "Équipe mobile de prévention des expulsions avec la CCAPEX"],
    13: ["Sorties d'hospitalisation sans rupture de parcours", "Logement des femmes victimes de violences",
         "Accès au logement des sortants de détention"],
    14: ["Réduction des nuitées hôtelières", "Coordination du 115 et de l'hébergement d'urgence"],
    15: ["Comité de pilotage Logement d'abord", "Poste de coordination du plan"],
    16: ["Évaluation de la mise en œuvre accélérée", "Participation des personnes concernées à la gouvernance"],
}
PILOTES = ["Collectivité cheffe de file", "Département", "DDETS", "SIAO", "CCAS", "Bailleurs sociaux", "Association"]
PARTENAIRES = ["SIAO", "CCAS", "bailleurs sociaux", "CAF", "ARS", "DDETS", "associations", "Action Logement", "CCAPEX"]
COMMENTAIRES = {
    "en_cours": ["recrutements faits", "convention signée", "premiers ménages accompagnés", "montée en charge"],
    "bloquee": ["en attente du financement", "foncier non disponible", "partenaire retiré"],
    "en_pause": ["attente de l'évaluation", "réorganisation du service"],
    "abandonnee": ["remplacée par une autre action", "projet non retenu par le comité de pilotage"],
    "realisee": ["objectif atteint", "bilan présenté au comité de pilotage"],
    "a_venir": ["calendrier à confirmer", ""],
}
# (course, weight): what happens to an action
COURSES = [("normale", 55), ("retard", 18), ("bloquee", 9), ("pause", 7), ("abandon", 5), ("jamais", 6)]
LIBELLES = {"a_venir": "à venir", "en_cours": "en cours", "realisee": "réalisée", "en_pause": "en pause",
            "bloquee": "bloquée", "abandonnee": "abandonnée"}
HEADER = ["code_territoire", "ref_action", "intitule", "axe", "pilote", "partenaires", "debut", "fin", "statut",
          "avancement", "trimestre", "commentaire"]


def _start_date(quarter: str) -> dt.date:
    return quarters.end_date(quarters.shift(quarter, -1)) + dt.timedelta(days=1)


def _actions(code: str, start: str, rng: random.Random) -> list[dict]:
    """10 to 25 actions of one territory, every priority represented."""
    titles = [(axe, t) for axe, ts in TITRES.items() for t in ts]
    n = rng.randint(10, 25)
    must = [rng.choice([x for x in titles if x[0] in axes]) for axes in ((1, 2, 3, 4), (5, 6, 7, 8), (9, 10, 11),
                                                                         (12, 13, 14), (15, 16))]
    chosen = must + rng.sample([x for x in titles if x not in must], n - len(must))
    begin = _start_date(start)
    out = []
    for i, (axe, title) in enumerate(sorted(chosen), start=1):
        debut = begin + dt.timedelta(days=rng.randint(-120, 400))
        fin = debut + dt.timedelta(days=rng.randint(180, 720))
        course = rng.choices([c for c, _ in COURSES], weights=[w for _, w in COURSES])[0]
        out.append({"ref": f"A{axe}.{i}", "axe": axe, "intitule": title, "pilote": rng.choice(PILOTES),
                    "partenaires": ", ".join(rng.sample(PARTENAIRES, rng.randint(1, 4))), "debut": debut,
                    "fin": fin, "course": course, "vitesse": rng.uniform(0.45, 0.7) if course == "retard"
                    else rng.uniform(0.95, 1.5), "incident": rng.uniform(0.25, 0.7)})
    return out


def _point(action: dict, quarter: str) -> tuple[str, int | None] | None:
    """The status and progress of ``action`` at the end of ``quarter`` (None: not yet reported)."""
    end = quarters.end_date(quarter)
    debut, fin = action["debut"], action["fin"]
    if end < debut - dt.timedelta(days=90):
        return None
    if end < debut or action["course"] == "jamais":
        return "a_venir", None
    share = (end - debut).days / max((fin - debut).days, 1)
    progress = min(100, round(100 * share * action["vitesse"]))
    course = action["course"]
    if course in ("bloquee", "pause", "abandon") and share >= action["incident"]:
        status = {"bloquee": "bloquee", "pause": "en_pause", "abandon": "abandonnee"}[course]
        return status, min(progress, round(100 * action["incident"] * action["vitesse"]))
    if progress >= 100:
        return "realisee", 100
    return "en_cours", max(progress, 5)


def rows(plans: list[tuple[str, str]], at: str, seed: int) -> tuple[list[list[str]], list[list[str]]]:
    """(history, latest): the actions files' rows of every territory (code, start of its current
    roadmap), the status points before ``at`` and those of ``at``."""
    history, latest = [], []
    for code, start in plans:
        rng = random.Random(f"{seed}-actions-{code}")
        first = max(start, quarters.shift(at, -7))
        for action in _actions(code, start, rng):
            described = False
            for q in quarters.quarter_range(first, at):
                point = _point(action, q)
                if point is None or (q != at and rng.random() < 0.12):  # a quarter not reported: carried over
                    continue
                status, progress = point
                comment = rng.choice(COMMENTAIRES[status]) if rng.random() < 0.4 else ""
                row = [code, action["ref"], "" if described else action["intitule"], str(action["axe"]),
                       "" if described else action["pilote"], "" if described else action["partenaires"],
                       "" if described else action["debut"].isoformat(), "" if described else action["fin"].isoformat(),
                       LIBELLES[status], "" if progress is None else str(progress), q, comment]
                (latest if q == at and described else history).append(row)
                described = True
            if not described:  # described without any point yet
                history.append([code, action["ref"], action["intitule"], str(action["axe"]), action["pilote"],
                                action["partenaires"], action["debut"].isoformat(), action["fin"].isoformat(),
                                "", "", "", ""])
    return history, latest


def files(plans: list[tuple[str, str]], at: str, seed: int, csv) -> list[tuple[str, str, bytes]]:
    """The demo's actions uploads (name, user, bytes): the history by the national team, then the
    last quarter's status points per territory by its coordinator; ``csv`` writes a file."""
    history, latest = rows(plans, at, seed)
    out = [("actions_historique_demo.csv", "dihal-demo", csv(HEADER, history))]
    by_code: dict[str, list[list[str]]] = {}
    for row in latest:
        by_code.setdefault(row[0], []).append(row)
    out += [(f"actions_{code}_{at}.csv", f"coordination-{code}", csv(HEADER, r)) for code, r in sorted(by_code.items())]
    if by_code:  # a coordinator corrects two status points of the quarter: revisions with their history
        code, first = sorted(by_code.items())[0]
        fixed = [row[:9] + [str(min(95, int(row[9] or 0) + 10)) if row[8] == "en cours" else row[9], row[10],
                            "point corrigé après le comité de pilotage"] for row in first[:2]]
        out.append((f"actions_{code}_{at}_corrige.csv", f"coordination-{code}", csv(HEADER, fixed)))
    return out


def backdate(con, now) -> None:
    """Plausible dates for the demo's status points: each first version arrives 10 to 50 days after
    the end of its quarter (never after ``now``), the action with its first point, each actions
    upload when its last point did. Corrections keep the time they were made."""
    quarter_end = ("make_date(CAST(substr(trimestre, 1, 4) AS INTEGER), CAST(substr(trimestre, 7, 1) AS INTEGER) * 3, 28)"
                   "::TIMESTAMP + to_days(10 + CAST(hash(territoire || ref_action || trimestre) % 40 AS INTEGER))")
    for table in ("point_action", "point_action_historique"):
        con.execute(f"UPDATE {table} SET enregistre_le = least(?::TIMESTAMP, {quarter_end}) WHERE revision = 1", [now])
    con.execute(f"""UPDATE {ACTION} a SET enregistre_le = p.premier FROM (
                       SELECT territoire, ref_action, min(enregistre_le) AS premier FROM (
                           SELECT territoire, ref_action, enregistre_le FROM {POINT_ACTION} WHERE revision = 1
                           UNION ALL SELECT territoire, ref_action, enregistre_le FROM {POINT_ACTION_HISTORIQUE})
                       GROUP BY ALL) p
                   WHERE (a.territoire, a.ref_action) = (p.territoire, p.ref_action) AND a.revision = 1""")
    con.execute(f"""UPDATE {DEPOT} d SET recu_le = x.dernier FROM (
                       SELECT depot_id, max(enregistre_le) AS dernier FROM (
                           SELECT depot_id, enregistre_le FROM {POINT_ACTION} WHERE revision = 1
                           UNION ALL SELECT depot_id, enregistre_le FROM {POINT_ACTION_HISTORIQUE} WHERE revision = 1)
                       GROUP BY depot_id) x
                   WHERE x.depot_id = d.id AND d.type_fichier = 'actions'""")
