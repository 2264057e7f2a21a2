"""The map of a deck as vector data: each territory's outline from data.geo (the same geometry as
the national page's map, overseas in insets), coloured by its dominant status
(indicators.views.statut_global, via carte_territoires)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from data import geo
from exports.anonymat import Noms
from exports.modele import CarteGeo, Forme
from indicators import status


def anneaux(x: np.ndarray, y: np.ndarray) -> tuple:
    """Rings of x/y arrays separated by NaN, as tuples of (x, y) vertices."""
    if x.size == 0:
        return ()
    breaks = np.flatnonzero(np.isnan(x))
    out = []
    for part_x, part_y in zip(np.split(x, breaks), np.split(y, breaks)):
        keep = ~np.isnan(part_x)
        ring = tuple(zip(part_x[keep].astype(float).round(3).tolist(), part_y[keep].astype(float).round(3).tolist()))
        if len(ring) >= 3:
            out.append(ring)
    return tuple(out)


def carte(lignes: pd.DataFrame, libelle: Noms) -> CarteGeo:
    """The map of the territories of ``lignes`` (views.carte_territoires() rows: code, type,
    membres, statut…), labelled by ``libelle``; inset frames without names when anonymised (an
    overseas département's name would name the territory it is)."""
    shapes = geo.territory_shapes(lignes.assign(code=lignes["code"].astype(str))).shapes
    formes = []
    for row in lignes.itertuples(index=False):
        shape = shapes.get(str(row.code))
        if shape is None:
            continue
        statut = row.statut if row.statut in status.STATUTS else status.NON_RENSEIGNE
        formes.append(Forme(libelle=libelle(row.code), statut=statut, anneaux=anneaux(shape.x, shape.y),
                            centre=tuple(float(v) for v in shape.centre), point=shape.is_point))
    # larger shapes first, so that a smaller territory inside one (an EPCI in its département) stays on top
    formes.sort(key=lambda f: -_aire(f))
    comptes = lignes["statut"].value_counts()
    legende = tuple((s, status.affichage(s), int(comptes.get(s, 0))) for s in status.STATUTS)
    encarts = tuple((e.x0, e.y0, e.x1, e.y1, "" if libelle.anonymise else e.nom) for e in geo.encarts())
    n = len(lignes)
    absents = n - len(formes)
    alt = (f"Carte de France des {n} territoires du périmètre, colorés selon leur statut dominant, "
           "outre-mer en encarts ; le symbole du statut est posé sur chaque territoire. "
           + " ; ".join(f"{lab} : {c}" for _s, lab, c in legende if c) + ".")
    fond = anneaux(*geo.departement_outlines())
    return CarteGeo(fond=fond, formes=tuple(formes), encarts=encarts, bornes=geo.map_bounds(),
                    legende=legende, alternative=alt, absents=absents)


def _aire(forme: Forme) -> float:
    if forme.point or not forme.anneaux:
        return 0.0
    xs = [p[0] for r in forme.anneaux for p in r]
    ys = [p[1] for r in forme.anneaux for p in r]
    return (max(xs) - min(xs)) * (max(ys) - min(ys))
