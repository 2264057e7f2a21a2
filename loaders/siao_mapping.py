"""The column mapping of SI-SIAO extracts: the columns of a real export, by name, to the documented
columns of format-siao.md. No public document lists SI-SIAO's export columns, so the national team
keeps this small file (``colonne_export;colonne_documentee``) and may upload a new one on the
Administration page; the default, shipped in data/reference/siao_mapping.csv, is the identity.

Names are matched as every header is (loaders.headers.key: case, accents, spaces and ``_``
ignored). A documented column the mapping does not name is expected under its own name."""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from data.config import REFERENCE_DIR
from loaders.headers import COLUMNS, SIAO, key
from loaders.problems import Problem, Report
from loaders.reading import decode, detect_separator

FICHIER_PAR_DEFAUT = REFERENCE_DIR / "siao_mapping.csv"
ENTETE = ("colonne_export", "colonne_documentee")
DOCUMENTEES = tuple(COLUMNS[(SIAO, None)][0])


@dataclass(frozen=True)
class Correspondance:
    """Pairs (column of the export, documented column), and where they come from (for the report)."""

    paires: tuple[tuple[str, str], ...]
    origine: str = "correspondance par défaut"

    def renommer(self, header: list[str]) -> list[str]:
        """The header with each export column named by its documented name (others as they are)."""
        by_key = {key(source): target for source, target in self.paires}
        return [by_key.get(key(name), name) for name in header]


def lire(data: bytes, name: str = "correspondance.csv") -> tuple[Correspondance | None, Report]:
    """Parse and check a mapping file (CSV, the containers and encodings of uploads): the mapping,
    or None with the problems in French."""
    report = Report()
    text, _encoding, error = decode(data)
    if text is None:
        report.add(Problem("fichier-illisible", params={"detail": error}))
        return None, report
    text = text.lstrip("\ufeff")
    first = text.splitlines()[0] if text.strip() else ""
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=detect_separator(first)))
    except csv.Error as exc:
        report.add(Problem("fichier-illisible", params={"detail": f"structure CSV invalide ({exc})"}))
        return None, report
    if not rows or not any(c.strip() for r in rows for c in r):
        report.add(Problem("fichier-vide"))
        return None, report
    header = [key(c) for c in rows[0]]
    if header[:2] != [key(c) for c in ENTETE] or any(c for c in header[2:]):
        report.add(Problem("correspondance-entete", line=1, params={"trouve": ";".join(rows[0]) or "rien"}))
        return None, report
    documented = {key(c): c for c in DOCUMENTEES}
    seen_source: dict[str, int] = {}
    seen_target: dict[str, int] = {}
    pairs = []
    for line, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row] + ["", ""]
        source, target = cells[0], cells[1]
        if not source and not target:
            continue
        for column, cell in zip(ENTETE, (source, target)):
            if not cell:
                report.add(Problem("cellule-obligatoire", line=line, column=column))
        if not source or not target:
            continue
        if key(target) not in documented:
            report.add(Problem("correspondance-cible-inconnue", line=line, column=ENTETE[1], value=target,
                               params={"acceptes": ", ".join(DOCUMENTEES)}))
            continue
        for seen, column, cell in ((seen_source, ENTETE[0], source), (seen_target, ENTETE[1], target)):
            if key(cell) in seen:
                report.add(Problem("correspondance-en-double", line=line, column=column, value=cell,
                                   params={"autre_ligne": seen[key(cell)]}))
            seen.setdefault(key(cell), line)
        pairs.append((source, documented[key(target)]))
    if not report.ok:
        return None, report
    if not pairs:
        report.add(Problem("fichier-vide"))
        return None, report
    return Correspondance(tuple(pairs), origine=f"correspondance « {name} »"), report


def par_defaut() -> Correspondance:
    """The shipped mapping (identity)."""
    found, report = lire(FICHIER_PAR_DEFAUT.read_bytes(), FICHIER_PAR_DEFAUT.name)
    if found is None:  # a broken shipped file is a bug, not a user's error
        raise RuntimeError(f"{FICHIER_PAR_DEFAUT} : {[p.message for p in report.errors]}")
    return Correspondance(found.paires, origine="correspondance par défaut")


def depuis_enregistree(stored: dict | None) -> Correspondance:
    """The mapping of data.siao.correspondance_enregistree(), else the shipped one."""
    if not stored:
        return par_defaut()
    quand = stored.get("quand")
    when = f" du {quand:%d/%m/%Y}" if hasattr(quand, "strftime") else ""
    return Correspondance(tuple((a, b) for a, b in stored["paires"]),
                          origine=f"correspondance enregistrée{when} ({stored.get('fichier') or 'sans nom'})")


def depuis_fichier(path: Path) -> tuple[Correspondance | None, Report]:
    """A mapping file of the disk (the command line's ``--mapping``)."""
    return lire(path.read_bytes(), path.name)


def empreinte(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
