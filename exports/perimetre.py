"""The scope of a deck: every active territory, a wave, a région, a type, or a list of codes; and
the figures of the national page for that scope and quarter (indicators.views), computed once
and shared by every slide."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from data import queries, store
from data import reads
from data.reads import TYPES_TERRITOIRE
from exports.anonymat import Noms
from exports.modele import ExportImpossible
from exports.texte import date
from indicators import national
from core import quarters
from indicators import views

TRIMESTRES_COMPLETUDE = 8  # quarters of reporting shown, as on the national page


@dataclass(frozen=True)
class Perimetre:
    """Which territories a deck covers (all filters combine; none: every active territory)."""

    vague: str | None = None
    region: str | None = None
    type: str | None = None
    codes: tuple[str, ...] = ()

    @property
    def entier(self) -> bool:
        """No filter: every active territory of the programme."""
        return not (self.vague or self.region or self.type or self.codes)

    def filtres(self) -> dict:
        """The keyword filters of views.filtrer()."""
        return {"vagues": [self.vague] if self.vague else [], "regions": [self.region] if self.region else [],
                "types": [self.type] if self.type else []}

    def description(self, n: int, anonymise: bool) -> str:
        """"tous les territoires actifs", "vague AMI 1, région Occitanie", "liste de 3 territoires"."""
        parts = []
        if self.vague:
            parts.append(f"vague {self.vague}")
        if self.region:
            parts.append(f"région {self.region}")
        if self.type:
            label = TYPES_TERRITOIRE.get(self.type, self.type)
            parts.append(label[:1].lower() + label[1:])  # "intercommunalité (EPCI)"
        if self.codes:
            s = "s" if n > 1 else ""
            parts.append(f"liste de {n} territoire{s}" + (f" (anonymisé{s})" if anonymise else ""))
        return ", ".join(parts) if parts else "tous les territoires actifs"


@dataclass
class Donnees:
    """The figures of a deck: scope territories, progress rows, the national page's pieces."""

    at: str
    perimetre: Perimetre
    territoires: pd.DataFrame  # active territories of the scope
    progression: pd.DataFrame  # views.progression() rows of the scope
    national: pd.DataFrame  # national.national() with the roadmap summary over the scope
    cles: pd.DataFrame  # views.chiffres_cles() over the scope's territories
    carte: pd.DataFrame  # views.carte_territoires() of the scope
    completude: pd.DataFrame  # views.completude() of the scope, last quarters
    catalogue: pd.DataFrame
    depuis: str | None
    demo: bool
    date_donnees: str
    millesime: str | None
    deposants: int = 0  # territories of the scope with at least one value for the quarter
    noms: Noms = field(repr=False, default=None)


def verifier_codes(territoires: pd.DataFrame, codes) -> None:
    """ExportImpossible naming the first code that is no active territory."""
    known = set(territoires["code"].astype(str))
    for code in codes:
        if code not in known:
            raise ExportImpossible(f"Territoire inconnu ou inactif : « {code} ». Vérifiez le code (SIREN d'un EPCI, "
                                   "code INSEE d'une commune ou d'un département).")


def donnees(con, at: str | None, perimetre: Perimetre, anonymiser: bool) -> Donnees:
    """Everything the deck shows for ``perimetre`` at ``at`` (default: the last complete quarter);
    ExportImpossible for an unknown territory, an empty scope or a quarter without data."""
    at = quarters.reference(at)
    terr = reads.territoires(con)
    verifier_codes(terr, perimetre.codes)
    scope = views.filtrer(terr, **perimetre.filtres())
    if perimetre.codes:
        scope = scope[scope["code"].isin(perimetre.codes)]
    if scope.empty:
        raise ExportImpossible("Le périmètre choisi ne retient aucun territoire actif.")
    codes = list(scope["code"])
    everything = views.progression(con, at)
    frame = everything[everything["territoire"].isin(codes)]
    comp = views.completude(con, quarters.shift(at, -(TRIMESTRES_COMPLETUDE - 1)), at)
    comp = comp[comp["territoire"].isin(codes)]
    silent = set(queries.territories_without_values(con, at)["code"])
    reporting = [c for c in codes if c not in silent]
    if not reporting:
        raise ExportImpossible(f"Aucune donnée pour le {quarters.label(at)} dans le périmètre choisi : "
                               "aucun territoire n'a déposé de valeur pour ce trimestre.")
    depuis = reads.premier_debut(con)
    return Donnees(
        at=at, perimetre=perimetre, territoires=scope.reset_index(drop=True), progression=frame,
        national=national.national(con, at, progress_frame=frame), cles=views.chiffres_cles(con, at, depuis, None if perimetre.entier else codes),
        carte=views.carte_territoires(frame, scope), completude=comp, catalogue=reads.catalogue(con),
        depuis=depuis, demo=store.is_demo(con), date_donnees=date(queries.date_des_donnees(con, codes)),
        millesime=national.population_millesime(con), deposants=len(reporting), noms=Noms(scope, anonymiser))
