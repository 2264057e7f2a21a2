"""The registry of table names and enumerations (data/registre.py) against a freshly migrated
database: every table exists and no other does, every enumeration is exactly what its column's CHECK
constraint allows, and the code's lists and labels are keyed by the registry's values."""

from __future__ import annotations

import re
import typing

from data import access, models, registre, store, uploads
from data import reads
from indicators import methode
from loaders import headers, territories
from loaders.problems import CODES


def checks(con) -> dict[tuple[str, str], list[str]]:
    """(table, column) -> the values of each ``column IN (...)`` CHECK constraint; the others by
    their expression under (table, None)."""
    found: dict[tuple[str, str], list[str]] = {}
    rows = con.execute("SELECT table_name, expression FROM duckdb_constraints() "
                       "WHERE constraint_type = 'CHECK' AND schema_name = 'main'").fetchall()
    for table, expression in rows:
        simple = re.fullmatch(r'\("?(\w+)"? IN \(((?:\'\w+\'(?:, )?)+)\)\)', expression)
        if simple:
            found[(table, simple.group(1))] = re.findall(r"'(\w+)'", simple.group(2))
        else:
            found.setdefault((table, None), []).append(expression)
    return found


def test_every_table_of_the_registry_exists_and_no_other(db):
    with store.connect(db) as con:
        tables = {t for (t,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND schema_name = 'main'").fetchall()}
    assert tables == set(registre.TABLES)
    assert len(registre.TABLES) == len(set(registre.TABLES))


def test_every_enumeration_is_its_columns_check_constraint(db):
    with store.connect(db) as con:
        found = checks(con)
        columns = set(con.execute("SELECT table_name, column_name FROM information_schema.columns").fetchall())
    simple = {key: values for key, values in found.items() if key[1] is not None}
    assert set(simple) == set(registre.ENUMERATIONS)  # no CHECK list the registry does not know
    for key, values in registre.ENUMERATIONS.items():
        assert key in columns, key
        assert sorted(simple[key]) == sorted(values), key
    # the one compound constraint: a person has a territory exactly when their role needs one
    in_list = ", ".join(f"'{r}'" for r in registre.ROLES_AVEC_TERRITOIRE)
    assert found[(registre.PERSONNE, None)] == [f'(("role" IN ({in_list})) = (territoire IS NOT NULL))']
    assert set(registre.NATURES_DE_BASE) < set(registre.NATURES)


def test_the_codes_lists_and_labels_follow_the_registry():
    assert access.ROLES == registre.ROLES and set(access.LIBELLES_ROLES) == set(registre.ROLES)
    assert set(reads.TYPES_TERRITOIRE) == set(registre.TYPES_TERRITOIRE) == set(territories.TYPES)
    assert ", ".join(registre.TYPES_TERRITOIRE) in CODES["type-territoire-invalide"].modele
    assert set(methode.NATURES) == set(registre.NATURES) and set(methode.SENS) == set(registre.SENS)
    hints = typing.get_type_hints(models.Indicateur)
    assert set(typing.get_args(hints["nature"])) == set(registre.NATURES)
    assert set(typing.get_args(hints["sens"])) == set(registre.SENS)
    assert tuple(uploads.TYPES_DEPOT) == registre.TYPES_DEPOT and headers.KINDS == registre.TYPES_FICHIER
