"""Short names for tight spaces (the status matrix): a territory's usual short name computed from its
official name by rules, and a short label per indicator. The full name stays beside them (help,
hover, a column of its own): these are for reading a row at a glance, never a new identity."""

from __future__ import annotations

import functools
import re

# Official kind of an intercommunality -> its usual abbreviation (longest first: no prefix of another).
SIGLES = (
    ("communauté d'agglomération", "CA"),
    ("communauté de communes", "CC"),
    ("communauté urbaine", "CU"),
    ("établissement public territorial", "EPT"),
    ("pôle d'équilibre territorial et rural", "PETR"),
)
# When the rest of the name already says what it is ("Lorient Agglomération", "Nîmes Métropole"),
# the abbreviation would repeat it.
DEJA_NOMME = re.compile(r"\b(agglomération|agglo|communauté|métropole)\b", re.IGNORECASE)
# Leading article after the kind: "Communauté urbaine d'Arras" -> "CU Arras".
ARTICLE = re.compile(r"^(de la |de l'|de l’|des |du |de |d'|d’)", re.IGNORECASE)
DEPARTEMENT = re.compile(r"^département (de la |de l'|de l’|des |du |de |d'|d’)?", re.IGNORECASE)
SIGLE_DEPARTEMENT = "CD"  # conseil départemental: tells a département from a commune of its name


@functools.lru_cache(maxsize=65536)  # pure; the same few thousand names on every page run
def nom_court(nom: str | None, type_: str | None = None) -> str:
    """A territory's usual short name: "Communauté d'agglomération de Dembeni / Mamoudzou" ->
    "CA Dembeni-Mamoudzou", "Communauté urbaine Limoges Métropole" -> "Limoges Métropole",
    "Seine-Saint-Denis" (a département) -> "CD Seine-Saint-Denis"; a métropole, a commune or a
    joint bid keep their name."""
    if nom is None or nom != nom or not str(nom).strip():
        return ""
    text = re.sub(r"\s+", " ", str(nom)).strip()
    text = re.sub(r"\s*/\s*", "-", text)  # "Dembeni / Mamoudzou" -> "Dembeni-Mamoudzou"
    lower = text.lower()
    for kind, sigle in SIGLES:
        if lower.startswith(kind + " "):
            rest = ARTICLE.sub("", text[len(kind):].lstrip())
            return rest if DEJA_NOMME.search(rest) else f"{sigle} {rest}"
    if type_ == "departement":
        return f"{SIGLE_DEPARTEMENT} {DEPARTEMENT.sub('', text)}"
    return text


def noms_courts(noms, types, codes) -> list[str]:
    """nom_court() of each territory; two territories that would read the same keep their code
    beside the short name ("CA Centre (249730045)"), so that no two rows of a table look alike."""
    # plain lists first: iterating Arrow-backed columns element by element costs several times more
    noms, types, codes = (list(x.tolist() if hasattr(x, "tolist") else x) for x in (noms, types, codes))
    short = [nom_court(n, t) for n, t in zip(noms, types)]
    seen: dict[str, int] = {}
    for s in short:
        seen[s] = seen.get(s, 0) + 1
    return [f"{s} ({c})" if seen[s] > 1 else s for s, c in zip(short, codes)]


# A short label per indicator code (codes are the upload contract), for the matrix headers; the
# catalogue's full label and definition go in each column's help.
LIBELLES_MATRICE: dict[str, str] = {
    "sorties_rue_logement": "Rue → logement",
    "sorties_hebergement_logement": "Hébergement → logement",
    "acces_logement_sans_domicile": "Sans-domicile logés",
    "attributions_total": "Attributions",
    "attributions_sans_domicile": "Attrib. sans-domicile",
    "part_attributions_sans_domicile": "Part attrib. sans-domicile",
    "attributions_hors_qpv_total": "Attrib. hors QPV",
    "attributions_hors_qpv_q1": "Attrib. hors QPV 1er quartile",
    "part_attributions_hors_qpv_q1": "Part hors QPV 1er quartile",
    "attributions_dalo": "Attrib. DALO",
    "plai_adaptes_agrees": "PLAI adaptés",
    "places_iml_creees": "Places IML",
    "logements_prives_mobilises": "Parc privé mobilisé",
    "places_pension_famille_ouvertes": "Pensions de famille",
    "places_hebergement_transformees": "Héberg. transformé",
    "personnes_rue_denombrees": "Sans-abri dénombrés",
    "siao_demandes_hebergement": "Demandes SIAO",
    "siao_reponses_positives": "Orientations SIAO",
    "taux_reponse_positive_siao": "Taux réponse SIAO",
    "siao_orientations_logement": "SIAO → logement",
    "demandes_115": "Demandes 115",
    "demandes_115_non_pourvues": "115 non pourvues",
    "taux_115_non_pourvues": "Part 115 non pourvues",
    "nuitees_hotelieres": "Nuitées hôtelières",
    "menages_accompagnes": "Ménages accompagnés",
    "professionnels_formes": "Professionnels formés",
    "sortants_institutions_loges": "Sortants d'institution",
    "commandements_quitter_lieux": "Commandements de quitter",
    "saisines_ccapex": "Saisines CCAPEX",
    "expulsions_evitees": "Expulsions évitées",
    "cfp_accordes": "Concours force publique",
    "expulsions_effectives": "Expulsions effectives",
}


def libelle_matrice(code: str, libelle: str) -> str:
    """The short label of an indicator (its full label when it has none)."""
    return LIBELLES_MATRICE.get(code, libelle)
