"""A small SI-SIAO extract whose aggregates are computed by hand (tests/test_siao_*.py)."""

from __future__ import annotations

import datetime as dt
import hashlib

HEADER = "id_demande;id_personne;code_commune;volet;date_demande;situation_avant;issue;date_issue;dispositif"
TOURS, TOURS_METROPOLE, LYON = "37261", "243700754", "200046977"


def person(name: str) -> str:
    """A pseudonymised identifier, as the SIAO computes it."""
    return hashlib.sha256(name.encode()).hexdigest()


P1, P2, P3, P4, P5, P6 = (person(f"personne-{i}") for i in range(1, 7))
# line 2 onwards; Tours (37261) is in two territories (the commune and Tours Métropole), Chambray
# (37050) in Tours Métropole only, Lyon (69123) in the Métropole de Lyon, 01001 in none. P1 has
# three requests (two in Q1 in Tours Métropole).
ROWS = [
    f"D1;{P1};37261;insertion;2026-01-10;rue;orientation;2026-02-01;logement",
    f"D2;{P1};37050;insertion;2026-02-15;rue;orientation;2026-03-10;logement_adapte",
    f"D3;{P2};37261;115;2026-03-20;autre;non_pourvue;2026-03-20;",
    f"D4;{P3};37261;115;2026-03-31;rue;orientation;2026-04-02;hebergement_urgence",
    f"D5;{P4};37261;insertion;2026-05-05;hebergement;en_attente;;",
    f"D6;{P5};69123;insertion;05/06/2026;rue;orientation;2026-06-20;logement",
    f"D7;{P6};01001;115;2026-04-01;rue;annulee;2026-04-02;",
    f"D8;{P1};37261;insertion;2026-06-30;rue;orientation;2026-06-30;logement",
]
DU, AU = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
ORDER = ("siao_demandes_hebergement", "siao_reponses_positives", "siao_orientations_logement",
         "demandes_115", "demandes_115_non_pourvues", "sorties_rue_logement")
# (territory, quarter) -> the six values in ORDER, counted by hand from ROWS over DU..AU
EXPECTED = {
    (TOURS, "2026-T1"): (1, 1, 1, 2, 1, 1),
    (TOURS, "2026-T2"): (2, 1, 1, 0, 0, 1),
    (TOURS_METROPOLE, "2026-T1"): (2, 2, 2, 2, 1, 1),  # P1 twice: one person
    (TOURS_METROPOLE, "2026-T2"): (2, 1, 1, 0, 0, 1),
    (LYON, "2026-T1"): (0, 0, 0, 0, 0, 0),
    (LYON, "2026-T2"): (1, 1, 1, 0, 0, 1),
}


def extract(*rows: str, header: str = HEADER, sep: str = ";") -> bytes:
    """An extract as French Excel writes it: cp1252, CRLF."""
    text = "\r\n".join([header, *rows]) + "\r\n"
    return text.replace(";", sep).encode("cp1252")
