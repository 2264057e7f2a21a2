"""The registry of table names and enumerations (data/registre.py) against a freshly migrated
database: every table exists and no other does, every enumeration is exactly what its column's CHECK
constraint allows, and the code's lists and labels are keyed by the registry's values."""

from __future__ import annotations

import inspect
import io
import re
import tokenize
import typing

from data import access, models, registre, store, uploads
from data import actions as actions_store
from data import reads
from exports import actions as actions_slide
from indicators import actions as actions_indicators
from indicators import budget as budget_indicators
from indicators import methode
from loaders import demo_actions, headers, siao_comptage, siao_generator, territories
from loaders.problems import CODES
from tests.conftest import ROOT


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
    # the compound constraints: a person has a territory exactly when their role needs one; the
    # ranges of BORNES; an action ends after it starts
    in_list = ", ".join(f"'{r}'" for r in registre.ROLES_AVEC_TERRITOIRE)
    bornes = {table: [f"({column} BETWEEN {low} AND {high})"] for (table, column), (low, high) in registre.BORNES.items()}
    assert {key: values for key, values in found.items() if key[1] is None} == {
        (registre.PERSONNE, None): [f'(("role" IN ({in_list})) = (territoire IS NOT NULL))'],
        (registre.ACTION, None): [*bornes[registre.ACTION], "((fin IS NULL) OR (debut IS NULL) OR (fin >= debut))"],
        (registre.POINT_ACTION, None): bornes[registre.POINT_ACTION],
    }
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
    # actions, budget and SI-SIAO: the labels, icons and colours of each status, the demo's
    # statuses, the State's funders, the volets and issues the counting and the demo extracts use
    assert tuple(actions_store.LIBELLES_STATUTS) == registre.STATUTS_ACTION
    assert set(actions_indicators.ICONES) == set(actions_indicators.STATUTS) == set(actions_slide.COULEURS)
    assert set(registre.STATUTS_ACTION) < set(actions_indicators.STATUTS)
    assert set(demo_actions.LIBELLES) == set(registre.STATUTS_ACTION)
    assert set(actions_indicators.TERMINES) < set(registre.STATUTS_ACTION)
    assert budget_indicators.AMI in registre.FINANCEURS_ETAT and set(registre.FINANCEURS_ETAT) < set(registre.FINANCEURS)
    assert registre.COORDINATION in registre.POSTES
    counting = inspect.getsource(siao_comptage)
    assert set(re.findall(r"volet = '(\w+)'", counting)) == set(registre.SIAO_VOLETS)
    assert set(re.findall(r"issue = '(\w+)'", counting)) < set(registre.SIAO_ISSUES)
    assert set(siao_generator.PAR_HABITANT_ET_TRIMESTRE) == set(registre.SIAO_VOLETS)
    for volet, issues in siao_generator._ISSUES.items():
        assert volet in registre.SIAO_VOLETS and {i for i, _w in issues} == set(registre.SIAO_ISSUES), volet


# --- no table named by a literal in the SQL of the code ------------------------------------------

SQL_TABLE = re.compile(r'\b(FROM|INTO|UPDATE|JOIN)\s+("?)(\w+)\2(?!\w)', re.IGNORECASE)


def table_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of each ``FROM|INTO|UPDATE|JOIN <table>`` naming a registered table by its name
    in a string of ``source`` (Python code); ``{TABLE}`` placeholders of f-strings pass."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.STRING:
            for match in SQL_TABLE.finditer(token.string):
                if match.group(3) in registre.TABLES:
                    line = token.start[0] + token.string.count("\n", 0, match.start())
                    found.append((line, match.group(0)))
    return found


def test_the_finder_of_table_literals_finds_them():
    source = '''con.execute("SELECT * FROM valeur v JOIN depot d ON d.id = v.depot_id")
con.execute(f"""INSERT INTO {VALEUR} SELECT * FROM lot
               WHERE x IN (SELECT code FROM "territoire")""")
con.execute(f"DELETE FROM {lot} USING a_retirer")  # a temporary relation, not a table of the store
"then update journal set ..."
'''
    assert table_literals(source) == [(1, "FROM valeur"), (1, "JOIN depot"), (3, 'FROM "territoire"'),
                                      (5, "update journal")]


def test_the_sql_of_the_code_names_the_tables_by_the_registrys_constants():
    """data/, loaders/ and indicators/ write a table of the store as {CONSTANT} of data/registre.py,
    never as its name (the migrations' .sql files create them by name, and are not Python)."""
    literals = {}
    for package in ("data", "loaders", "indicators"):
        for path in sorted((ROOT / package).rglob("*.py")):
            found = table_literals(path.read_text(encoding="utf-8"))
            if found:
                literals[str(path.relative_to(ROOT))] = found
    assert literals == {}
