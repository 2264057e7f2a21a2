"""The counting report of an SI-SIAO extract (loaders/siao_comptage.py): where each request of the
file went, as a partition (every request in exactly one row, the rows adding up to the file's
requests), the requests counted per territory (those overlap: a request counts in every territory
that contains its commune), and the territories other than communes whose figures come from the
few of their communes the extract holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from core import quarters
from core.formatting import count, integer


def demandes(n: int) -> str:
    return count(n, "demande")


@dataclass
class Comptage:
    """How many requests were counted where, and apart. ``comptees``, ``hors_territoires``,
    ``hors_perimetre`` and the ``partiels`` add up to ``demandes``: the request's quarter decides
    first (a quarter the period covers in part is never stored), then its commune (in no registered
    territory; only in territories outside the uploader's scope; else counted)."""

    du: dt.date
    au: dt.date
    demandes: int = 0
    trimestres: list[str] = field(default_factory=list)  # counted and stored
    comptees: int = 0  # requests of a stored quarter in at least one territory whose values are stored
    par_territoire: dict[str, int] = field(default_factory=dict)  # of those, per territory (overlapping)
    noms: dict[str, str] = field(default_factory=dict)
    hors_territoires: int = 0  # stored quarters, a commune of no registered territory
    hors_perimetre: int = 0  # stored quarters, only territories outside the uploader's scope
    partiels: dict[str, int] = field(default_factory=dict)  # quarter partly covered -> its requests
    national: bool = True  # no scope: every registered territory is stored
    # territory (not a commune) -> (its communes with a request in the extract, all its communes)
    couverture: dict[str, tuple[int, int]] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """Plain form for the journal (counts and codes only)."""
        return {"du": self.du.isoformat(), "au": self.au.isoformat(), "demandes": self.demandes,
                "trimestres": self.trimestres, "comptees": self.comptees, "par_territoire": self.par_territoire,
                "hors_territoires": self.hors_territoires, "hors_perimetre": self.hors_perimetre,
                "partiels": self.partiels, "couverture": {k: list(v) for k, v in self.couverture.items()}}

    def repartition(self) -> list[tuple[str, int]]:
        """The partition of the file's requests, (French label, requests), then the total."""
        where = "un territoire du programme" if self.national else "votre territoire"
        rows = [(f"Comptées dans {where}, trimestres enregistrés", self.comptees)]
        if not self.national:
            rows.append(("Situées seulement dans d'autres territoires que le vôtre (non enregistrées)",
                         self.hors_perimetre))
        rows.append(("Situées hors de tout territoire du programme (non enregistrées)", self.hors_territoires))
        for q, n in sorted(self.partiels.items()):
            rows.append((f"Demandées au {quarters.label(q)}, trimestre couvert en partie par la période "
                         "(non enregistrées)", n))
        rows.append(("Total, toutes les lignes de demandes du fichier", self.demandes))
        return rows

    def lignes(self) -> list[str]:
        """The report in French, one line each."""
        out = [f"Période d'extraction : du {self.du:%d/%m/%Y} au {self.au:%d/%m/%Y}."]
        if self.trimestres:
            out.append("Trimestres comptés : " + ", ".join(quarters.label(q) for q in self.trimestres) + ".")
        out.append(f"Les {demandes(self.demandes)} du fichier, chacune dans une seule ligne :")
        out += [f"  {label} : {integer(n)}" for label, n in self.repartition()]
        if self.par_territoire:
            out.append("Demandes comptées par territoire (une demande compte dans chaque territoire qui contient "
                       "sa commune : ces nombres se recouvrent) :")
            out += [f"  {code} ({self.noms.get(code, code)}) : {demandes(n)}"
                    for code, n in sorted(self.par_territoire.items())]
        out += self.avertissements_couverture()
        return out

    def avertissements_couverture(self) -> list[str]:
        """Per territory larger than a commune, that its figures count only the requests of the
        communes the extract holds, with how many of its communes these are."""
        return [f"{code} ({self.noms.get(code, code)}) : chiffres calculés à partir des seules communes présentes "
                f"dans l'extrait, {integer(found)} sur les {integer(total)} communes du territoire ; si l'extrait ne "
                "couvre pas tout le territoire, ces chiffres ne valent que pour ces communes."
                for code, (found, total) in sorted(self.couverture.items()) if found < total]

    def raison_vide(self) -> str:
        """Why nothing is to be stored, in French."""
        if not self.trimestres:
            return ("aucun trimestre n'est entièrement compris dans la période d'extraction "
                    f"(du {self.du:%d/%m/%Y} au {self.au:%d/%m/%Y})")
        if self.hors_perimetre:
            return "aucune demande ne concerne votre territoire"
        return "aucune demande n'est située dans un territoire du programme"
