"""Geometry of the offline map of France: départements, EPCI and commune points from
data/reference/geo, projected to Mercator, the five overseas départements moved into inset boxes
down the left side, simplified once per process and handed out as rings ready for Plotly (x and
y float arrays, rings separated by NaN: a gap for Plotly, null in its JSON). Pure: no Streamlit.

Units are "projected degrees": x is the longitude, y the Mercator ordinate in degrees, so one unit
is the same length on both axes (the figure only has to keep an equal aspect).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import shapely

GEO = Path(__file__).resolve().parent / "reference" / "geo"
DOM = ("971", "972", "973", "974", "976")
# Simplification tolerance in projected degrees: about a pixel on a map 900 pixels wide.
TOLERANCE = 0.02
DECIMALES = 3  # coordinates rounded for a lighter figure (0.001 unit is far below a pixel)
# float32 arrays: Plotly sends numpy arrays base64-encoded, 4 bytes a number instead of 8.
DTYPE = np.float32
# Click targets: Plotly only reports clicks on points, so each shape gets invisible points on a
# grid this fine (a little under Plotly's 20-pixel hover distance on a 900-pixel-wide map).
PAS_CIBLES = 0.35
RAYON_COMMUNE = 0.25  # no target of a shape this close to a commune's marker (about 10 pixels)
# Inset boxes: width, gap between boxes and to metropolitan France, height of the name strip.
LARGEUR_ENCART, ECART_ENCART, BANDEAU_NOM, MARGE_ENCART = 3.6, 0.35, 0.6, 0.15


@dataclass(frozen=True)
class Encart:
    """An inset box: the overseas département shown in it and its frame (projected units)."""

    code: str
    nom: str
    x0: float  # left
    y0: float  # bottom
    x1: float
    y1: float


@dataclass(frozen=True, eq=False)
class Shape:
    """A territory ready to draw: filled rings (empty for a commune, drawn as a point), a centre
    for its marker and the points that make it clickable."""

    code: str
    x: np.ndarray  # rings separated by NaN; empty for a point
    y: np.ndarray
    centre: tuple[float, float]
    cibles_x: np.ndarray
    cibles_y: np.ndarray
    bounds: tuple[float, float, float, float]

    @property
    def is_point(self) -> bool:
        return self.x.size == 0


class TerritoryShapes(NamedTuple):
    shapes: dict[str, Shape]
    missing: list[str]  # codes of the territories with no known shape


def _mercator(coords: np.ndarray) -> np.ndarray:
    lat = np.radians(np.clip(coords[:, 1], -85, 85))
    return np.column_stack([coords[:, 0], np.degrees(np.log(np.tan(np.pi / 4 + lat / 2)))])


def _read_layer(name: str) -> tuple[dict[str, object], dict[str, str]]:
    features = json.loads((GEO / name).read_text(encoding="utf-8"))["features"]
    codes = [str(f["properties"]["code"]) for f in features]
    geoms = shapely.from_geojson([json.dumps(f["geometry"]) for f in features])
    return dict(zip(codes, shapely.transform(geoms, _mercator))), {
        c: str(f["properties"]["nom"]) for c, f in zip(codes, features)}


@lru_cache(maxsize=1)
def _layout() -> tuple[dict, dict[str, tuple], tuple[Encart, ...], tuple[float, ...]]:
    """Projected départements (not yet moved), the inset transform of each DOM (source box, scale,
    offset), the inset boxes and metropolitan France's bounding box."""
    geoms, noms = _read_layer("departements.geojson")
    metro = shapely.total_bounds([g for c, g in geoms.items() if c not in DOM])
    height = (metro[3] - metro[1] - (len(DOM) - 1) * ECART_ENCART) / len(DOM)
    x1 = metro[0] - ECART_ENCART
    x0 = x1 - LARGEUR_ENCART
    transforms, encarts = {}, []
    for i, code in enumerate(DOM):
        top = metro[3] - i * (height + ECART_ENCART)
        box = Encart(code, noms[code], float(x0), float(top - height), float(x1), float(top))
        src = shapely.bounds(geoms[code])
        inner_w = box.x1 - box.x0 - 2 * MARGE_ENCART
        inner_h = box.y1 - box.y0 - BANDEAU_NOM - 2 * MARGE_ENCART
        scale = min(inner_w / (src[2] - src[0]), inner_h / (src[3] - src[1]))
        cx, cy = (box.x0 + box.x1) / 2, box.y0 + MARGE_ENCART + inner_h / 2
        transforms[code] = (src, scale, cx - scale * (src[0] + src[2]) / 2,
                            cy - scale * (src[1] + src[3]) / 2)
        encarts.append(box)
    return geoms, transforms, tuple(encarts), tuple(float(v) for v in metro)


def _place(geom):
    """Move a projected geometry into its inset box when it lies overseas (in the extent of an
    overseas département)."""
    x, y = shapely.get_coordinates(shapely.point_on_surface(geom))[0]
    for src, scale, dx, dy in _layout()[1].values():
        if src[0] - 0.2 <= x <= src[2] + 0.2 and src[1] - 0.2 <= y <= src[3] + 0.2:
            return shapely.transform(geom, lambda c: c * scale + np.array([dx, dy]))
    return geom


@lru_cache(maxsize=1)
def _departements() -> dict[str, object]:
    geoms = _layout()[0]
    moved = [_place(g) for g in geoms.values()]
    # coverage_simplify keeps shared borders matched (per-shape simplification opens gaps).
    simple = shapely.orient_polygons(shapely.coverage_simplify(moved, TOLERANCE))
    return dict(zip(geoms, simple))


@lru_cache(maxsize=1)
def _epci_layer() -> dict[str, object]:
    return _read_layer("epci.geojson")[0]


@lru_cache(maxsize=2048)
def _epci(code: str):
    geom = _epci_layer().get(code)  # simplified one by one, when first asked for
    return None if geom is None else shapely.orient_polygons(shapely.simplify(_place(geom), TOLERANCE / 2))


@lru_cache(maxsize=1)
def _communes() -> dict[str, tuple[float, float]]:
    with open(GEO / "communes_centroides.csv", encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        return {code: (float(lon), float(lat)) for code, lon, lat in reader}


def _commune(code: str):
    lonlat = _communes().get(code)
    return None if lonlat is None else shapely.Point(*project(*lonlat))


def _rings(geoms) -> tuple[np.ndarray, np.ndarray]:
    parts = [np.round(shapely.get_coordinates(r), DECIMALES)
             for r in shapely.get_rings(shapely.get_parts(geoms))]
    if not parts:
        return np.empty(0, DTYPE), np.empty(0, DTYPE)
    gap = np.full((1, 2), np.nan)
    both = np.concatenate([a for p in parts for a in (p, gap)][:-1]).astype(DTYPE)
    both.setflags(write=False)  # shared by every call: nobody may change it
    return both[:, 0], both[:, 1]


def _geometry(code: str, kind: str, membres: tuple[str, ...]):
    deps = _departements()
    if kind == "departement":
        return deps.get(code)
    if kind == "epci":
        return _epci(code)
    if kind == "commune":
        return _commune(code)
    if kind == "groupement":
        # A member département holds the member EPCI: départements alone avoid slivers between
        # the two layers, simplified differently.
        candidates = [code, *membres]
        parts = [deps[c] for c in candidates if c in deps] or [
            g for g in map(_epci, candidates) if g is not None]
        return shapely.union_all(parts) if parts else None
    return None


@lru_cache(maxsize=32)
def _shapes(key: tuple[tuple[str, str, tuple[str, ...]], ...]) -> TerritoryShapes:
    geoms = {code: _geometry(code, kind, membres) for code, kind, membres in key}
    missing = [code for code, g in geoms.items() if g is None or shapely.is_empty(g)]
    present = {c: g for c, g in geoms.items() if c not in missing}
    # Smaller shapes are drawn on top: a larger one keeps only the targets nobody above it covers.
    order = sorted(present, key=lambda c: -shapely.area(present[c]))
    points = [g for g in present.values() if isinstance(g, shapely.Point)]
    # which shapes may cover another: a spatial index, not every pair (a thousand EPCI)
    surfaces = [present[c] for c in order]
    tree = shapely.STRtree(surfaces)
    shapes = {}
    for i, code in enumerate(order):
        geom = present[code]
        centre = shapely.point_on_surface(geom)
        if isinstance(geom, shapely.Point):
            tx, ty = np.array([geom.x]), np.array([geom.y])
        else:
            b = shapely.bounds(geom)
            gx, gy = np.meshgrid(np.arange(b[0] + PAS_CIBLES / 2, b[2], PAS_CIBLES),
                                 np.arange(b[1] + PAS_CIBLES / 2, b[3], PAS_CIBLES))
            tx, ty = np.append(gx.ravel(), centre.x), np.append(gy.ravel(), centre.y)
            inside = shapely.contains_xy(geom, tx, ty)
            inside[-1] = True
            keep = inside.copy()
            for j in tree.query(geom):
                if j > i and not isinstance(surfaces[j], shapely.Point):
                    keep &= ~shapely.contains_xy(surfaces[j], tx, ty)
            # a commune's marker (drawn on top) keeps the clicks around it
            far = np.min([np.hypot(tx - p.x, ty - p.y) for p in points] or [np.full(tx.shape, np.inf)], axis=0)
            keep &= far > RAYON_COMMUNE
            if not keep.any():  # wholly under smaller territories: the spot farthest from a commune
                keep[np.argmax(np.where(inside, far, -1))] = True
            tx, ty = tx[keep], ty[keep]
        x, y = (np.empty(0, DTYPE), np.empty(0, DTYPE)) if isinstance(geom, shapely.Point) else _rings(geom)
        tx, ty = np.round(tx, DECIMALES).astype(DTYPE), np.round(ty, DECIMALES).astype(DTYPE)
        for a in (x, y, tx, ty):
            a.setflags(write=False)
        shapes[code] = Shape(code, x, y, (round(centre.x, DECIMALES), round(centre.y, DECIMALES)),
                             tx, ty, tuple(float(v) for v in shapely.bounds(geom)))
    return TerritoryShapes(shapes, missing)


def territory_shapes(territories: pd.DataFrame) -> TerritoryShapes:
    """Shape of each territory (columns code, type, membres): its EPCI or département outline,
    the union of its member départements (else member EPCI) for a groupement, a point for a
    commune. Territories without a known shape are listed in ``missing``, never raised."""
    membres = territories["membres"] if "membres" in territories else [None] * len(territories)
    split = lambda m: () if pd.isna(m) else tuple(x.strip() for x in str(m).split(",") if x.strip())  # noqa: E731
    key = tuple((str(c), str(t), split(m)) for c, t, m in zip(territories["code"], territories["type"], membres))
    cached = _shapes(key)
    return TerritoryShapes(dict(cached.shapes), list(cached.missing))  # the cache stays untouched


@lru_cache(maxsize=1)
def departement_outlines() -> tuple[np.ndarray, np.ndarray]:
    """All 101 départements (overseas ones in their insets) as one x/y pair of rings separated
    by NaN, for the background layer (read-only arrays, shared)."""
    return _rings(list(_departements().values()))


def departement_shape(code: str):
    """The projected (and, overseas, moved) shapely geometry of a département, or None."""
    return _departements().get(code)


def encarts() -> tuple[Encart, ...]:
    """The five inset boxes, top to bottom: Guadeloupe, Martinique, Guyane, La Réunion, Mayotte."""
    return _layout()[2]


def metropole_bounds() -> tuple[float, float, float, float]:
    """Bounding box (xmin, ymin, xmax, ymax) of metropolitan France, projected."""
    return _layout()[3]


def map_bounds() -> tuple[float, float, float, float]:
    """Bounding box of the whole drawing: metropolitan France and the inset boxes."""
    m = metropole_bounds()
    return (min(e.x0 for e in encarts()), m[1], m[2], m[3])


def project(lon: float, lat: float) -> tuple[float, float]:
    """A WGS 84 point projected and, overseas, moved into its inset box."""
    x, y = _mercator(np.array([[lon, lat]], dtype=float))[0]
    p = _place(shapely.Point(x, y))
    return (float(p.x), float(p.y))
