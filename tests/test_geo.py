"""The offline map geometry (data/geo.py): every reference territory has a shape, the overseas
départements sit in their insets, the projection keeps France's north up and stretched as
Mercator does, groupements take their départements' extent, unknown codes are reported."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import shapely

from data import geo, queries, store


def frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["code", "type", "membres"])


def test_every_reference_territory_gets_a_shape_or_a_point(db):
    with store.connect(db) as con:
        territories = queries.territories(con)
    assert len(territories) == 41
    result = geo.territory_shapes(territories)
    assert result.missing == []
    assert set(result.shapes) == set(territories["code"])
    for row in territories.itertuples():
        shape = result.shapes[row.code]
        assert shape.is_point == (row.type == "commune"), row.code
        # at least one click target, and every target inside the shape (or on the point)
        assert shape.cibles_x.size >= 1
        if not shape.is_point:
            assert np.isfinite(shape.x).sum() >= 4
            x0, y0, x1, y1 = shape.bounds
            assert ((shape.cibles_x >= x0 - 1e-3) & (shape.cibles_x <= x1 + 1e-3)).all()
            assert ((shape.cibles_y >= y0 - 1e-3) & (shape.cibles_y <= y1 + 1e-3)).all()


def test_overseas_departements_lie_in_their_boxes_outside_metropolitan_france():
    mx0, my0, mx1, my1 = geo.metropole_bounds()
    boxes = geo.encarts()
    assert [b.code for b in boxes] == ["971", "972", "973", "974", "976"]
    assert [b.nom for b in boxes] == ["Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte"]
    for box in boxes:
        x0, y0, x1, y1 = geo.departement_shape(box.code).bounds
        assert box.x0 < x0 < x1 < box.x1 and box.y0 < y0 < y1 < box.y1, box.code
        assert y1 <= box.y1 - geo.BANDEAU_NOM + 1e-6, "the shape leaves room for the name"
        assert box.x1 < mx0, "the box stays clear of metropolitan France"
        # filling its box: an inset is scaled to its frame, not left a speck
        assert (x1 - x0) >= 0.5 * (box.x1 - box.x0) or (y1 - y0) >= 0.5 * (box.y1 - box.y0 - geo.BANDEAU_NOM)
    for upper, lower in zip(boxes, boxes[1:]):
        assert upper.y0 > lower.y1, "boxes do not overlap"
    # a commune overseas lands in its département's box (Saint-Denis de La Réunion)
    x, y = geo.project(55.45, -20.89)
    reunion = boxes[3]
    assert reunion.x0 < x < reunion.x1 and reunion.y0 < y < reunion.y1


def test_mercator_projection_keeps_the_north_up_and_stretches_latitudes():
    paris = geo.project(2.3522, 48.8566)
    marseille = geo.project(5.3698, 43.2965)
    brest = geo.project(-4.4861, 48.3904)
    assert paris[1] > marseille[1] and brest[0] < paris[0] < marseille[0]
    assert paris[0] == pytest.approx(2.3522)
    expected = math.degrees(math.log(math.tan(math.pi / 4 + math.radians(48.8566) / 2)))
    assert paris[1] == pytest.approx(expected)
    # Mercator stretches: 5.56 degrees of latitude are longer than 5.56 of longitude at this latitude
    assert paris[1] - marseille[1] > 48.8566 - 43.2965
    mx0, my0, mx1, my1 = geo.metropole_bounds()
    assert mx0 < paris[0] < mx1 and my0 < paris[1] < my1


def test_a_groupement_takes_its_departements_extent():
    result = geo.territory_shapes(frame(("246300701", "groupement", "63"), ("200069110", "epci", "")))
    assert result.missing == []
    group = result.shapes["246300701"]
    assert group.bounds == pytest.approx(geo.departement_shape("63").bounds)
    # larger than the member EPCI alone (Clermont Auvergne Métropole)
    epci_only = geo.territory_shapes(frame(("246300701", "epci", ""))).shapes["246300701"]
    assert (group.bounds[2] - group.bounds[0]) > 2 * (epci_only.bounds[2] - epci_only.bounds[0])
    # a groupement with EPCI members only is their union
    two = geo.territory_shapes(frame(("X", "groupement", "200030195, 240600585"))).shapes["X"]
    alone = geo.territory_shapes(frame(("200030195", "epci", None), ("240600585", "epci", None))).shapes
    b1, b2 = alone["200030195"].bounds, alone["240600585"].bounds
    assert two.bounds == pytest.approx((min(b1[0], b2[0]), min(b1[1], b2[1]),
                                        max(b1[2], b2[2]), max(b1[3], b2[3])))
    assert b1 != pytest.approx(b2)


def test_unknown_codes_are_reported_never_raised():
    result = geo.territory_shapes(frame(
        ("999999999", "epci", None), ("99", "departement", ""), ("00000", "commune", float("nan")),
        ("Z", "groupement", "999, 998"), ("25", "inconnu", None), ("58", "departement", None)))
    assert result.missing == ["999999999", "99", "00000", "Z", "25"]
    assert list(result.shapes) == ["58"]
    assert geo.territory_shapes(frame()).shapes == {}


def test_smaller_territories_keep_their_own_click_targets():
    # Arras (EPCI) lies inside Pas-de-Calais: Pas-de-Calais keeps no target over Arras
    result = geo.territory_shapes(frame(("62", "departement", ""), ("200033579", "epci", "")))
    arras = result.shapes["200033579"]
    pas_de_calais = result.shapes["62"]
    x0, y0, x1, y1 = arras.bounds
    inside = ((pas_de_calais.cibles_x > x0) & (pas_de_calais.cibles_x < x1)
              & (pas_de_calais.cibles_y > y0) & (pas_de_calais.cibles_y < y1))
    polygon = geo._epci("200033579")
    assert not shapely.contains_xy(polygon, pas_de_calais.cibles_x[inside], pas_de_calais.cibles_y[inside]).any()
    assert pas_de_calais.cibles_x.size >= 5
    # around a commune's marker the clicks are the commune's (Tours in Tours Métropole)
    result = geo.territory_shapes(frame(("243700754", "epci", ""), ("37261", "commune", "")))
    tours_x, tours_y = result.shapes["37261"].centre
    metropole = result.shapes["243700754"]
    assert metropole.cibles_x.size >= 1
    distances = np.hypot(metropole.cibles_x - tours_x, metropole.cibles_y - tours_y)
    assert distances.size == 1 or (distances > geo.RAYON_COMMUNE).all()
    assert distances.max() > 0.05


def test_departement_outlines_cover_the_101_departements_once_per_process():
    x, y = geo.departement_outlines()
    assert geo.departement_outlines() is geo.departement_outlines()
    assert x.shape == y.shape and not x.flags.writeable
    rings = int(np.isnan(x).sum()) + 1
    assert rings >= 101
    bx0, by0, bx1, by1 = geo.map_bounds()
    finite = ~np.isnan(x)
    assert x[finite].min() >= bx0 - 1e-3 and x[finite].max() <= bx1 + 1e-3
    assert y[finite].min() >= by0 - 1e-3 and y[finite].max() <= by1 + 1e-3
    # simplified once, still light: a few thousand points for all of France
    assert finite.sum() < 20_000
