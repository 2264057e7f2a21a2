"""The accessibility check's results (docs/accessibilite/resultats.json, written by the browser test
tests/browser/test_accessibilite_browser.py) and the RGAA accessibility statement drawn from them.

A violation axe-core finds is the project's own unless it matches an entry of
docs/accessibilite/limites_streamlit.json: a rule and a selector pattern of Streamlit's own markup,
with the Streamlit GitHub issue it belongs to. Pure functions (no Streamlit): the page renders."""

from __future__ import annotations

import json
import re
from pathlib import Path

from core import clock

DOSSIER = Path(__file__).resolve().parents[2] / "docs" / "accessibilite"
RESULTATS = DOSSIER / "resultats.json"
LIMITES = DOSSIER / "limites_streamlit.json"
PROJET, STREAMLIT = "projet", "streamlit"
ISSUES = "https://github.com/streamlit/streamlit/issues"
IMPACTS = {"critical": "critique", "serious": "grave", "moderate": "modérée", "minor": "mineure"}
NOEUDS_GARDES = 5  # elements kept per violation in the results file (the count says how many in all)


def limites() -> list[dict]:
    """Streamlit's known violations: rule, selector pattern, issue number, title, explanation."""
    return json.loads(LIMITES.read_text(encoding="utf-8"))


def _limite(regle: str, noeud: dict, connues: list[dict]) -> dict | None:
    for limite in connues:
        if limite["regle"] == regle and "motif" in limite and re.search(limite["motif"], noeud["target"] + " " + noeud["html"]):
            return limite
    return None


def selecteurs(connues: list[dict] | None = None) -> dict[str, str]:
    """The known limitations axe-core does not see (English labels, keyboard access inside a
    component): rule -> the CSS selector of Streamlit's markup that has it, counted in each page."""
    connues = limites() if connues is None else connues
    return {limite["regle"]: limite["selecteur"] for limite in connues if "selecteur" in limite}


def classer(found: dict, comptes: dict[str, int] | None = None, connues: list[dict] | None = None) -> list[dict]:
    """axe-core's violations of one page (rule id -> violation) split by owner: the project's own,
    or Streamlit's with its issue, one entry per (rule, owner, issue); then the known limitations
    found in the page (``comptes``: rule -> elements matching its selector)."""
    connues = limites() if connues is None else connues
    out: dict[tuple, dict] = {}
    by_rule = {limite["regle"]: limite for limite in connues}
    for regle, n in sorted((comptes or {}).items()):
        if n:
            limite = by_rule[regle]
            out[(regle, STREAMLIT, limite["issue"])] = {
                "regle": regle, "impact": "serious", "aide": limite["explication"],
                "url_aide": f"{ISSUES}/{limite['issue']}", "criteres_rgaa": [limite["critere"]],
                "proprietaire": STREAMLIT, "issue": limite["issue"], "elements": n, "noeuds": []}
    for regle, v in sorted(found.items()):
        for noeud in v["nodes"]:
            limite = _limite(regle, noeud, connues)
            key = (regle, STREAMLIT if limite else PROJET, limite["issue"] if limite else None)
            entry = out.setdefault(key, {
                "regle": regle, "impact": v["impact"], "aide": v["help"], "url_aide": v["helpUrl"],
                "criteres_rgaa": sorted(t.removeprefix("RGAA-") for t in v["tags"] if t.startswith("RGAA-")),
                "proprietaire": key[1], "issue": limite["issue"] if limite else None,
                "elements": 0, "noeuds": []})
            entry["elements"] += 1
            if len(entry["noeuds"]) < NOEUDS_GARDES:
                entry["noeuds"].append({k: noeud[k] for k in ("target", "html", "etat")})
    return list(out.values())


def resultats_du_controle(pages: list[dict], *, outil: str, navigateur: str, regles: list[str]) -> dict:
    """The whole run: when, with what, and each (role, page) audited with its violations."""
    return {"date": clock.maintenant().date().isoformat(), "outil": outil, "navigateur": navigateur,
            "etiquettes": list(regles), "referentiel": "RGAA 4.1",
            "pages": sorted(pages, key=lambda p: (p["role"], p["chemin"]))}


def json_resultats(run: dict) -> str:
    return json.dumps(run, ensure_ascii=False, indent=1) + "\n"


def constats(run: dict) -> list[tuple]:
    """What a run found, without its date and element details: (role, page, rule, owner, issue)."""
    return sorted({(p["role"], p["page"], v["regle"], v["proprietaire"], v["issue"])
                   for p in run["pages"] for v in p["violations"]}
                  | {(p["role"], p["page"], "", "", None) for p in run["pages"]}, key=str)


def charger() -> dict | None:
    """The last check's results, None when no check was ever recorded."""
    return json.loads(RESULTATS.read_text(encoding="utf-8")) if RESULTATS.exists() else None
