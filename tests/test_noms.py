"""Short names of the status matrix (indicators/noms.py): the rules on the programme's real names."""

from __future__ import annotations

import pytest

from indicators import noms


@pytest.mark.parametrize("nom, type_, court", [
    ("Communauté d'agglomération de Dembeni / Mamoudzou", "epci", "CA Dembeni-Mamoudzou"),
    ("Communauté d'agglomération du Grand Chambéry", "epci", "CA Grand Chambéry"),
    ("Communauté d'agglomération de l'Espace Sud de la Martinique", "epci", "CA Espace Sud de la Martinique"),
    ("Communauté d'agglomération de Sophia Antipolis", "epci", "CA Sophia Antipolis"),
    ("Communauté urbaine d'Arras", "epci", "CU Arras"),
    ("Communauté urbaine de Dunkerque", "epci", "CU Dunkerque"),
    ("Communauté de communes du Val", "epci", "CC Val"),
    # the rest of the name already says what it is: no "CA" repeating it
    ("Communauté d'agglomération Lorient Agglomération", "epci", "Lorient Agglomération"),
    ("Communauté d'agglomération de Nîmes Métropole", "epci", "Nîmes Métropole"),
    ("Communauté urbaine Limoges Métropole", "epci", "Limoges Métropole"),
    ("Communauté de communes Loudéac Communauté - Bretagne Centre", "epci", "Loudéac Communauté - Bretagne Centre"),
    # métropoles, communes, joint bids keep their name
    ("Métropole de Lyon", "epci", "Métropole de Lyon"),
    ("Eurométropole de Strasbourg", "epci", "Eurométropole de Strasbourg"),
    ("Paris", "commune", "Paris"),
    ("Bordeaux Métropole et Gironde", "groupement", "Bordeaux Métropole et Gironde"),
    # a département: its name after "CD", so that it never reads as a commune
    ("Seine-Saint-Denis", "departement", "CD Seine-Saint-Denis"),
    ("Département de la Nièvre", "departement", "CD Nièvre"),
    ("  Communauté  d'agglomération   du Centre Littoral ", "epci", "CA Centre Littoral"),
])
def test_short_name_rules(nom, type_, court):
    assert noms.nom_court(nom, type_) == court


def test_missing_name_and_look_alikes():
    assert noms.nom_court(None) == "" and noms.nom_court(float("nan")) == ""
    got = noms.noms_courts(["Communauté urbaine de Val", "Communauté de communes Val", "Communauté urbaine du Val"],
                           ["epci"] * 3, ["1", "2", "3"])
    # two would read "CU Val": their code tells them apart
    assert got == ["CU Val (1)", "CC Val", "CU Val (3)"]


def test_every_catalogue_indicator_has_a_distinct_short_label():
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "data" / "reference" / "indicateurs.csv"
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    short = [noms.libelle_matrice(r["code"], r["libelle"]) for r in rows]
    assert set(noms.LIBELLES_MATRICE) == {r["code"] for r in rows}
    assert len(set(short)) == len(short) and max(map(len, short)) <= 30
    assert noms.libelle_matrice("inconnu", "Libellé complet") == "Libellé complet"
