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


# ---------------------------------------------------------------- the statement (RGAA form)

CONTACT = "LDA_CONTACT_ACCESSIBILITE"  # where to write about accessibility (an address or a form's URL)
CONTACT_PAR_DEFAUT = ("l'équipe nationale de la Dihal, qui administre le tableau de bord (les personnes au rôle "
                      "« Équipe nationale (Dihal) »)")
# Maps are not subject to the obligation as long as their essential information is given in an
# accessible form (RGAA, « contenus non soumis à l'obligation d'accessibilité »).
NON_SOUMIS = ("La carte des territoires de la page « Pilotage national » (cartographie en ligne) : chaque "
              "information qu'elle montre est donnée dans le tableau qui la suit.")
RECOURS = (
    "Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu ou à une fonctionnalité "
    "du tableau de bord, que vous nous le signalez et que vous ne parvenez pas à obtenir une réponse de notre "
    "part, vous êtes en droit de faire parvenir vos doléances ou une demande de saisine au Défenseur des droits. "
    "Plusieurs moyens sont à votre disposition :\n\n"
    "- écrire un message au Défenseur des droits (formulaire en ligne : https://formulaire.defenseurdesdroits.fr/) ;\n"
    "- contacter le délégué du Défenseur des droits dans votre région "
    "(https://www.defenseurdesdroits.fr/saisir/delegues) ;\n"
    "- envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, "
    "Libre réponse 71120, 75342 Paris CEDEX 07.")


def etat(run: dict) -> str:
    """RGAA compliance state: from a complete audit's rate when one is recorded (``audit.taux``,
    in %), else « non conforme », as RGAA asks of a service never audited in full (automatic checks
    cover only part of the criteria)."""
    taux = (run.get("audit") or {}).get("taux")
    if taux is None:
        return "non conforme"
    return "totalement conforme" if taux >= 100 else ("partiellement conforme" if taux >= 50 else "non conforme")


def mention() -> str:
    """« Accessibilité : non conforme », the mention RGAA asks on every page, from the last check."""
    run = charger()
    return f"Accessibilité : {etat(run)}" if run else "Accessibilité"


def _date(iso: str) -> str:
    return "/".join(reversed(iso.split("-")))


def pages_verifiees(run: dict) -> list[str]:
    """The pages checked, in the order first met, each once."""
    return list(dict.fromkeys(p["page"] for p in run["pages"]))


def non_conformites(run: dict, owner: str) -> list[dict]:
    """Violations of ``owner`` (projet or streamlit) merged over roles: rule, help, RGAA criteria,
    issue, the pages where found, the elements counted."""
    merged: dict[tuple, dict] = {}
    for p in run["pages"]:
        for v in p["violations"]:
            if v["proprietaire"] != owner:
                continue
            entry = merged.setdefault((v["regle"], v["issue"]), {**v, "pages": [], "elements": 0})
            entry["elements"] += v["elements"]
            if p["page"] not in entry["pages"]:
                entry["pages"].append(p["page"])
    return list(merged.values())


def _ligne(v: dict, titres: dict[int, str]) -> str:
    criteres = ", ".join(v["criteres_rgaa"]) or "–"
    text = f"- {v['aide']} (critère RGAA {criteres} ; pages : {', '.join(v['pages'])})"
    if v["issue"]:
        text += f" — suivi chez Streamlit : [n° {v['issue']} « {titres.get(v['issue'], '')} »]({ISSUES}/{v['issue']})"
    return text + "."


def declaration(run: dict, connues: list[dict] | None = None, contact: str | None = None) -> list[tuple[str, str]]:
    """The accessibility statement in the RGAA form, as (heading, markdown) sections, drawn from the
    last check's results ``run``."""
    connues = limites() if connues is None else connues
    titres = {limite["issue"]: limite["titre"] for limite in connues}
    pages = pages_verifiees(run)
    roles = sorted({p["role"] for p in run["pages"]})
    own, theirs = non_conformites(run, PROJET), non_conformites(run, STREAMLIT)
    graves = [v for v in own if v["impact"] in ("serious", "critical")]
    date = _date(run["date"])
    sections = [
        ("Déclaration d'accessibilité",
         "La Délégation interministérielle à l'hébergement et à l'accès au logement (Dihal) s'engage à rendre ses "
         "services numériques accessibles, conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005. "
         "Cette déclaration d'accessibilité s'applique au tableau de bord « Logement d'abord »."),
        ("État de conformité",
         f"Le tableau de bord « Logement d'abord » est **{etat(run)}** avec le {run['referentiel']} (référentiel "
         "général d'amélioration de l'accessibilité)"
         + (" : il n'a pas encore fait l'objet d'un audit de conformité complet ; les contrôles décrits ci-dessous "
            "ne couvrent qu'une partie des critères." if "audit" not in run else ".")),
        ("Résultats des tests",
         f"Le contrôle automatique du {date} a porté sur {len(pages)} pages, vues avec chacun des {len(roles)} profils "
         f"de démonstration ({len(run['pages'])} pages vérifiées en tout, chacune aussi avec ses sections dépliées, "
         f"ses onglets et ses fenêtres ouvertes) : {len(graves)} non-conformité{'s' if len(graves) > 1 else ''} "
         f"grave{'s' if len(graves) > 1 else ''} ou critique{'s' if len(graves) > 1 else ''} propre"
         f"{'s' if len(graves) > 1 else ''} au tableau de bord, {len(theirs)} limite{'s' if len(theirs) > 1 else ''} "
         "du composant Streamlit sur lequel il est construit."),
        ("Contenus non accessibles",
         "**Non-conformités propres au tableau de bord**\n\n"
         + ("\n".join(_ligne(v, titres) for v in own) if own else "Aucune relevée par le dernier contrôle.")
         + "\n\n**Limites du composant Streamlit** (elles ne dépendent pas du tableau de bord ; chacune est suivie "
           "par l'équipe de Streamlit)\n\n"
         + ("\n".join(_ligne(v, titres) for v in theirs) if theirs else "Aucune relevée par le dernier contrôle.")
         + "\n\n**Dérogations pour charge disproportionnée**\n\nAucune."
         + f"\n\n**Contenus non soumis à l'obligation d'accessibilité**\n\n- {NON_SOUMIS}"),
        ("Établissement de cette déclaration",
         f"Cette déclaration a été établie le {date}, à partir des résultats du dernier contrôle "
         "(docs/accessibilite/resultats.json, produit par les tests du tableau de bord).\n\n"
         "**Technologies utilisées** : HTML, CSS, JavaScript (Streamlit), SVG (Plotly).\n\n"
         f"**Outils** : {run['outil']} (règles {', '.join(run['etiquettes'])}) dans {run['navigateur'] or 'Chromium'} "
         "piloté par Playwright ; le calcul du contraste de chaque couleur utilisée (texte 4,5:1, éléments "
         "graphiques 3:1) ; le parcours de dépôt d'un fichier au clavier seul.\n\n"
         f"**Pages ayant fait l'objet de la vérification** : {', '.join(pages)}."),
        ("Retour d'information et contact",
         "Si vous n'arrivez pas à accéder à un contenu ou à un service, vous pouvez contacter le responsable du "
         "tableau de bord pour être orienté vers une alternative accessible ou obtenir le contenu sous une autre "
         f"forme : {contact or CONTACT_PAR_DEFAUT}."),
        ("Voies de recours", RECOURS),
    ]
    return sections
