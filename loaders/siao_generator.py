"""A realistic SI-SIAO extract, seeded (the same arguments give the same bytes): for the tests, the
demonstration database and the benchmark. Volumes follow the population of each commune: about
4 calls to the 115 and 1.2 insertion requests per 1,000 inhabitants a quarter, with a pool of
persons smaller than the requests (people call the 115 again). Answers follow the national orders
of magnitude (domain.md section 3: a positive answer for about half the insertion requests).

The file is written as French Excel writes it: Windows-1252, ``;``, CRLF, some dates as
JJ/MM/AAAA and some keywords with their accents (``hébergement``), as real exports have."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Iterator, Sequence

from loaders.headers import COLUMNS, SIAO
from data.registre import COLLECTIVITE, TERRITOIRE

ENTETE = ";".join(COLUMNS[(SIAO, None)][0])
PAR_HABITANT_ET_TRIMESTRE = {"115": 4.0 / 1000, "insertion": 1.2 / 1000}
PERSONNES_PAR_DEMANDE = 0.6  # distinct persons per request (people call again)
_SITUATIONS = (("rue", 35), ("hebergement", 33), ("hébergement", 2), ("logement", 10), ("autre", 10), ("", 10))
_ISSUES = {
    "115": (("orientation", 50), ("non_pourvue", 35), ("annulee", 10), ("en_attente", 5)),
    "insertion": (("orientation", 55), ("non_pourvue", 15), ("annulee", 10), ("en_attente", 20)),
}
_DISPOSITIFS = {
    "115": (("hebergement_urgence", 90), ("hebergement_insertion", 10)),
    # a fifth of the orientations straight to housing (the demo's rates, loaders/demo.py)
    "insertion": (("hebergement_urgence", 25), ("hebergement_insertion", 55), ("logement_adapte", 12),
                  ("logement", 8)),
}
_DELAI_JOURS = {"115": 2, "insertion": 60}  # at most, from the request to its issue


def _tirage(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def volume(populations: Sequence[int], du: dt.date, au: dt.date) -> int:
    """How many requests communes of these populations send over [du, au]."""
    quarters = ((au - du).days + 1) / 91.3
    rate = sum(PAR_HABITANT_ET_TRIMESTRE.values())
    return round(sum(populations) * rate * quarters)


def lignes(communes: Sequence[tuple[str, int]], du: dt.date, au: dt.date, *, seed: int = 0,
           demandes: int | None = None) -> Iterator[str]:
    """The rows of an extract over [du, au] for ``communes`` ((code INSEE, population)): ``demandes``
    requests (default: as many as their population sends, see ``volume``), spread by population."""
    rng = random.Random(seed)
    codes = [c for c, _ in communes]
    weights = [max(p, 1) for _, p in communes]
    total = demandes if demandes is not None else volume([p for _, p in communes], du, au)
    pool = max(int(total * PERSONNES_PAR_DEMANDE), 1)
    persons: dict[int, str] = {}
    span = (au - du).days
    share_115 = PAR_HABITANT_ET_TRIMESTRE["115"] / sum(PAR_HABITANT_ET_TRIMESTRE.values())
    where = rng.choices(codes, weights=weights, k=total)
    for i in range(total):
        volet = "115" if rng.random() < share_115 else "insertion"
        # a few persons make many requests: a skewed draw over the pool
        who = min(int(pool * rng.random() ** 2), pool - 1)
        if who not in persons:
            persons[who] = hashlib.sha256(f"siao-{seed}-{who}".encode()).hexdigest()
        asked = du + dt.timedelta(days=rng.randint(0, span))
        issue = _tirage(rng, _ISSUES[volet])
        decided = asked + dt.timedelta(days=rng.randint(0, _DELAI_JOURS[volet]))
        if issue != "en_attente" and decided > au:
            issue = "en_attente"  # not decided yet when the extract was made
        dispositif = _tirage(rng, _DISPOSITIFS[volet]) if issue == "orientation" else ""
        french = rng.random() < 0.1  # a date as JJ/MM/AAAA
        asked_text = f"{asked:%d/%m/%Y}" if french else asked.isoformat()
        decided_text = "" if issue == "en_attente" else decided.isoformat()
        yield ";".join((f"SIAO-{seed}-{i + 1:07d}", persons[who], where[i], volet, asked_text,
                        _tirage(rng, _SITUATIONS), issue, decided_text, dispositif))


def extrait(communes: Sequence[tuple[str, int]], du: dt.date, au: dt.date, *, seed: int = 0,
            demandes: int | None = None) -> bytes:
    """The whole extract as bytes (Windows-1252, CRLF), header first."""
    body = "\r\n".join(lignes(communes, du, au, seed=seed, demandes=demandes))
    return (ENTETE + "\r\n" + body + "\r\n").encode("cp1252")


def communes_du_territoire(con, territoire: str) -> list[tuple[str, int]]:
    """(code, population) of the communes a registered territory covers (itself, its EPCI or
    département, its members), from a store connection."""
    return [(c, int(p or 0)) for c, p in con.execute(
        f"""SELECT c.code, c.population FROM {COLLECTIVITE} c, {TERRITOIRE} t
           WHERE c.niveau = 'commune' AND t.code = ?
             AND list_has_any(list_prepend(t.code, t.membres), [c.code, c.epci, c.departement])
           ORDER BY c.code""", [territoire]).fetchall()]
