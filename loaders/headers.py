"""Header matching (case, accents, spaces and ``_`` ignored) and detection of the kind of file."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from data.registre import TYPES_FICHIER
from data.uploads import TYPES_DEPOT
from loaders.problems import Problem

KINDS = TYPES_FICHIER  # depot.type_fichier, data/registre.py
VALUES, ROADMAP, TERRITORIES, PEOPLE, ACTIONS, BUDGET, SIAO = KINDS  # format-suivi.md, format-siao.md
KIND_LABELS = {kind: TYPES_DEPOT[kind] for kind in KINDS}  # French labels: one list, data/uploads.py
LONG, WIDE = "longue", "large"

# What each upload page of the browser receives (loaders/depot.py, preparer's ``kind``): the kinds of
# file it accepts, its own first. The values page also takes the actions of the roadmap; the budget
# section and the SI-SIAO page their own kind only. Any other kind is refused with the page's message.
ACCEPTED_BY_PAGE = {VALUES: (VALUES, ACTIONS), BUDGET: (BUDGET,), SIAO: (SIAO,)}
# the pages whose kind is forced rather than detected: an extract's header may be renamed by the
# column mapping (loaders/siao_mapping.py), so it is read as an extract whatever its header
FORCED_BY_PAGE = (SIAO,)

# Required and optional columns of each kind, in canonical spelling: the fields of the file models
# (loaders/models.py), written out so that the command line need not import pydantic to read a
# header (tests/test_headers.py keeps the two equal).
COLUMNS = {
    (VALUES, LONG): (["code_territoire", "indicateur", "trimestre", "valeur"], ["commentaire", "source"]),
    (VALUES, WIDE): (["code_territoire", "trimestre"], []),
    (ROADMAP, None): (["code_territoire", "indicateur", "debut", "fin", "cible"],
                      ["valeur_base", "periode_base", "jalon_an1"]),
    (TERRITORIES, None): (["code_territoire", "vague"], ["nom", "type", "membres"]),
    # people: email;role;code_territoire[;actif] (the rules are in loaders/personnes.py)
    (PEOPLE, None): (["email", "role", "code_territoire"], ["actif"]),
    # actions of the roadmap and their status point of a quarter (format-suivi.md, loaders/actions.py)
    (ACTIONS, None): (["code_territoire", "ref_action", "axe"],
                      ["intitule", "pilote", "partenaires", "debut", "fin", "statut", "avancement", "trimestre",
                       "commentaire"]),
    # the budget of fiche 5 (format-suivi.md; the rules are in loaders/budget.py)
    (BUDGET, None): (["code_territoire", "exercice", "poste", "financeur", "prevu"], ["engage", "verse", "commentaire"]),
    # an SI-SIAO extract, one row per request (format-siao.md; the rules are in loaders/siao.py)
    (SIAO, None): (["id_demande", "id_personne", "code_commune", "volet", "date_demande", "situation_avant",
                    "issue", "date_issue", "dispositif"], []),
}


def key(name: str) -> str:
    """Matching key of a header: lower case, no accents, no spaces, no ``_`` or ``-``."""
    decomposed = unicodedata.normalize("NFKD", str(name))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(ch for ch in plain.lower() if ch.isalnum())


@dataclass
class Layout:
    """What the header says: kind, layout, and which position holds which canonical column."""

    kind: str | None
    layout: str | None
    positions: dict[str, int]  # canonical column -> position in the header
    indicator_columns: dict[int, str]  # wide layout: position -> header as written
    extra: list[int]  # positions of unused columns


def _score(keys: set[str], kind: str, layout: str | None) -> int:
    required, _ = COLUMNS[(kind, layout)]
    return sum(1 for c in required if key(c) in keys)


def detect(header: list[str], forced: str | None = None) -> Layout:
    """Detect the kind and layout from the header (``forced`` restricts to one kind)."""
    keys = {key(h) for h in header}
    candidates = [(k, lay) for (k, lay) in COLUMNS if forced in (None, k)]
    if forced is None:
        # Exact signatures first: they cannot be confused.
        if {"email", "role"} <= keys:
            candidates = [(PEOPLE, None)]
        elif "refaction" in keys:
            candidates = [(ACTIONS, None)]
        elif {"exercice", "financeur", "prevu"} & keys:  # words of the budget file only
            candidates = [(BUDGET, None)]
        elif {"iddemande", "idpersonne"} <= keys:
            candidates = [(SIAO, None)]
        elif {"indicateur", "debut", "fin"} <= keys or {"cible"} <= keys:
            candidates = [(ROADMAP, None)]
        elif {"indicateur", "trimestre"} <= keys or "valeur" in keys:
            candidates = [(VALUES, LONG)]
        elif "trimestre" in keys:
            candidates = [(VALUES, WIDE)]
        elif "vague" in keys:
            candidates = [(TERRITORIES, None)]
    elif forced == VALUES:
        candidates = [(VALUES, LONG) if {"indicateur", "valeur"} & keys else (VALUES, WIDE)]
    kind, layout = max(candidates, key=lambda c: _score(keys, *c))
    if forced is None and _score(keys, kind, layout) < 2:
        return Layout(None, None, {}, {}, [])
    required, optional = COLUMNS[(kind, layout)]
    wanted = {key(c): c for c in required + optional}
    positions: dict[str, int] = {}
    indicator_columns: dict[int, str] = {}
    extra: list[int] = []
    for i, name in enumerate(header):
        canonical = wanted.get(key(name))
        if canonical and canonical not in positions:
            positions[canonical] = i
        elif kind == VALUES and layout == WIDE and not canonical:
            indicator_columns[i] = name
        else:
            extra.append(i)
    return Layout(kind, layout, positions, indicator_columns, extra)


def long_extra_problems(header: list[str], layout: Layout, indicator_codes: Iterable[str],
                        header_line: int = 1) -> list[Problem]:
    """The unused named columns of a long-layout values file. One named like an indicator code
    (matched as the wide layout matches its columns) makes a mixed layout, refused: its values
    would be lost. Any other is a warning: it is ignored (format-depot.md, "Two layouts")."""
    codes = {key(code) for code in indicator_codes}
    problems = []
    for i in layout.extra:
        name = header[i]
        if name.strip():
            code = "disposition-mixte" if key(name) in codes else "colonne-ignoree"
            problems.append(Problem(code, line=header_line, column=name))
    return problems


def expected_columns(kind: str, layout: str | None) -> str:
    """The expected columns of a kind, for messages."""
    required, optional = COLUMNS[(kind, layout)]
    text = ", ".join(required)
    if optional:
        text += " (facultatives : " + ", ".join(optional) + ")"
    if kind == VALUES and layout == WIDE:
        text += " puis une colonne par code d'indicateur"
    return text


def all_expected() -> str:
    """Expected headers of every kind, for the unknown-file message."""
    return " ; ".join(
        f"{KIND_LABELS[k]}{' (' + lay + ')' if lay else ''} : {expected_columns(k, lay)}"
        for (k, lay) in COLUMNS
    )
