"""The rule engine itself (loaders/rules.py): each named predicate on a small relation, the one
pass over a list of rules (one row per violation, in the report's order, parameters never in the
SQL text), the cap, and the row rules."""

from __future__ import annotations

import duckdb
import pytest

from loaders import sql_rules
from loaders.problems import Report
from loaders.rules import (NR, VIDE, Regle, RegleLigne, appliquer, au_plus, code_connu, code_dans_table, dans,
                            entier, hors, nombre, obligatoire, positif, requete, trimestre, trimestre_depuis,
                            trimestre_jusqu_a)

CELLS = ["42", "", "NC", " ", "-3", "12,5", "#DIV/0!", "=A1", "25 %", "abc", "1 234", None]


@pytest.fixture
def con():
    con = duckdb.connect()
    sql_rules.install(con)
    yield con
    con.close()


def relation(con, cells, name="t"):
    """``name``: one row per cell (ligne from 2, as in a file), the cell as ``x_brut``, its trimmed
    form ``x``, its number ``x_num`` and its quarter ``x_q``."""
    con.execute(f"CREATE OR REPLACE TABLE {name} (ligne INTEGER, x_brut VARCHAR)")
    con.executemany(f"INSERT INTO {name} VALUES (?, ?)", [(i + 2, c) for i, c in enumerate(cells)])
    con.execute(f"""CREATE OR REPLACE TABLE {name} AS SELECT ligne, x_brut, trim(x_brut) AS x,
                    lda_nombre(x_brut) AS x_num, lda_trimestre(x_brut) AS x_q FROM {name}""")


def found(con, regles, cells, entete=None, cap=200):
    relation(con, cells)
    report = Report(cap=cap)
    appliquer(con, report, regles, "t", entete or {"x": "Colonne X"})
    return [(p.line, p.column, p.value, p.code) for p in report.errors], report


def lines(con, regle, cells):
    return [line for line, *_ in found(con, [regle], cells)[0]]


def test_obligatoire_nr_takes_the_non_renseigne_spellings_as_empty(con):
    assert lines(con, obligatoire("x"), CELLS) == [3, 4, 5, 13]


def test_obligatoire_vide_only_takes_blank_cells(con):
    assert lines(con, obligatoire("x", VIDE), CELLS) == [3, 5, 13]


def test_obligatoire_reports_under_the_file_header_with_the_cell_as_written(con):
    rows, _ = found(con, [obligatoire("x", VIDE, "vague-manquante")], [" ", "AMI"])
    assert rows == [(2, "Colonne X", " ", "vague-manquante")]


def test_nombre_tells_why_a_cell_is_not_a_number(con):
    rows, _ = found(con, [nombre("x", forme="x_brut")], CELLS)
    assert [(line, code) for line, _, _, code in rows] == [
        (8, "valeur-erreur-formule"), (9, "valeur-formule-non-calculee"), (10, "valeur-pourcentage"),
        (11, "valeur-invalide")]


def test_nombre_with_an_equivalent_condition_finds_the_same_cells(con):
    given = nombre("x", "NOT lda_nr(x_brut) AND x_num IS NULL", forme="trim(x_brut)")
    assert found(con, [given], CELLS)[0] == found(con, [nombre("x", forme="x_brut")], CELLS)[0]


def test_positif_and_entier(con):
    assert lines(con, positif("x", forme="x_num"), CELLS) == [6]
    # -3 is negative, not "not whole"; 12,5 is not whole
    assert lines(con, entier("x", forme="x_num"), CELLS) == [7]


def test_au_plus_passes_its_maximum_as_a_parameter(con):
    regle = au_plus("x", "pourcentage-hors-bornes", 100, forme="x_num")
    assert lines(con, regle, ["100", "100,5", "7", "abc"]) == [3]
    sql, params, _ = requete([regle], "t", {})
    assert "100" not in sql and params["r0_maximum"] == 100


def test_trimestre_rules(con):
    cells = ["2024-T1", "T3 2024", "2024-T5", "", "NC", "2019-T4", "2027-T1"]
    assert lines(con, trimestre("x", forme="x_q"), cells) == [4]
    assert lines(con, trimestre_depuis("x", "2020-T1", forme="x_q"), cells) == [7]
    assert lines(con, trimestre_jusqu_a("x", "2026-T4", forme="x_q"), cells) == [8]


def test_dans_and_hors(con):
    cells = ["epci", "", "region", None, "commune"]
    assert lines(con, dans("x", "type-territoire-invalide", ("commune", "epci")), cells) == [4]
    assert lines(con, hors("x", "indicateur-derive", ("region", "commune")), cells) == [4, 6]


def test_code_connu_and_code_dans_table(con):
    con.execute("CREATE TABLE ref AS SELECT unnest(['75', '33']) AS code")
    relation(con, ["75", "99", "", "NC", " 33 "])
    con.execute("CREATE OR REPLACE TABLE t AS SELECT t.*, r.code IS NOT NULL AS connu FROM t LEFT JOIN ref r ON r.code = t.x")
    report = Report()
    appliquer(con, report, [code_connu("x", "territoire-inconnu", "connu")], "t")
    assert [p.line for p in report.errors] == [3]  # NC counts as empty with NR
    report = Report()
    appliquer(con, report, [code_connu("x", "collectivite-inconnue", "connu", VIDE)], "t")
    assert [p.line for p in report.errors] == [3, 5]  # with VIDE, NC is a code like another
    report = Report()
    appliquer(con, report, [code_dans_table("x", "territoire-hors-perimetre", "ref", si="x <> ''")], "t")
    assert [p.line for p in report.errors] == [3, 5]  # 99 and NC; the blank cell fails ``si``


def test_one_pass_runs_every_rule_and_orders_like_the_report(con):
    regles = [positif("x", forme="x_num"), obligatoire("x"), nombre("x", forme="x_brut")]
    rows, report = found(con, regles, ["abc", "NC", "-1", "2"])
    assert rows == [(2, "Colonne X", "abc", "valeur-invalide"), (3, "Colonne X", "NC", "cellule-obligatoire"),
                    (4, "Colonne X", "-1", "valeur-negative")]
    assert report.error_count == 3


def test_a_violation_two_rules_find_alike_is_reported_once_by_the_first(con):
    seen = []
    first = Regle("cellule-obligatoire", "x", NR, details=lambda r: seen.append("premiere") or {})
    second = Regle("cellule-obligatoire", "x", VIDE, details=lambda r: seen.append("seconde") or {})
    rows, _ = found(con, [first, second], ["", "ok"])
    assert rows == [(2, "Colonne X", "", "cellule-obligatoire")] and seen == ["premiere"]


def test_details_give_the_message_fields(con):
    regle = positif("x", forme="x_num", details=lambda r: {"unite": f"places (ligne {r['ligne']})"})
    _, report = found(con, [regle], ["-2"])
    assert report.errors[0].message == "« -2 » est négatif : un nombre de places (ligne 2) ne peut pas être négatif."


def test_header_names_and_parameters_are_sql_parameters(con):
    regle = dans("x", "type-territoire-invalide", ["a'); DROP TABLE t; --"])
    sql, params, _ = requete([regle], "t", {"x": "nom d'en-tête"})
    assert "DROP" not in sql and "en-tête" not in sql
    assert params == {"r0_colonne": "nom d'en-tête", "r0_valeurs": ["a'); DROP TABLE t; --"]}
    rows, _ = found(con, [regle], ["b"], {"x": "nom d'en-tête"})
    assert rows == [(2, "nom d'en-tête", "b", "type-territoire-invalide")]


def test_an_undefined_parameter_is_an_error_of_the_rule(con):
    with pytest.raises(KeyError):
        requete([Regle("valeur-negative", "x", "{n} < $seuil")], "t", {})


def test_the_cap_lists_the_first_problems_in_order_and_counts_the_rest_per_code(con):
    cells = ["abc"] * 5 + ["-1"] * 5
    rows, report = found(con, [nombre("x", forme="x_brut"), positif("x", forme="x_num")], cells, cap=3)
    assert [line for line, *_ in rows] == [2, 3, 4]
    assert report.error_count == 10 and report.truncated() == 7
    assert report.par_code["valeur-invalide"][0] == 5 and report.par_code["valeur-negative"] == [5, [7, 8, 9, 10, 11]]


def test_row_rules_run_in_the_same_pass_with_their_fields(con):
    relation(con, ["a", "b", "a", "a"])
    doublon = RegleLigne("doublon-territoire", "x", """
        SELECT c.ligne, c.x_brut, min(p.ligne) FROM t c JOIN t p ON p.x = c.x AND p.ligne < c.ligne
        GROUP BY c.ligne, c.x_brut""", ("autre_ligne",), details=lambda r: {"autre_ligne": r["autre_ligne"]})
    report = Report()
    appliquer(con, report, [doublon, dans("x", "type-territoire-invalide", ["a"])], "t", {"x": "code"})
    assert [(p.line, p.column, p.code, p.params) for p in report.errors] == [
        (3, "code", "type-territoire-invalide", {}),
        (4, "code", "doublon-territoire", {"autre_ligne": 2}),
        (5, "code", "doublon-territoire", {"autre_ligne": 2}),
    ]


def test_no_rule_no_query(con):
    report = Report()
    appliquer(con, report, [], "table_absente")
    assert report.ok


def test_gravite_comes_from_the_registry():
    assert obligatoire("x").gravite == "erreur"
    assert RegleLigne("jalon-ignore", "jalon_an1", "SELECT 1, 2").gravite == "avertissement"


def kinds_rules():
    """Each kind's list of rules, built as its validator builds them (with a perimeter)."""
    import pandas as pd

    from loaders import headers, personnes, roadmap, territories, values
    from loaders.reference_data import ReferenceData

    ref = ReferenceData(pd.DataFrame({"code": ["75"], "nom": ["Paris"], "actif": [True]}),
                      pd.DataFrame({"code": ["x"], "nature": ["flux"]}))
    con = duckdb.connect()
    return {
        (headers.ROADMAP, None): roadmap._regles(con, ref, {"75"}),
        (headers.TERRITORIES, None): territories._regles(con),
        (headers.VALUES, headers.LONG): values._regles(con, ref, "2026-T4", ["75"], True),
        (headers.PEOPLE, None): personnes._regles(ref, {"75": ("Paris", True)}, {}),
    }


def test_every_rule_names_a_registered_code_and_a_column_of_its_kind():
    from loaders.headers import COLUMNS
    from loaders.problems import CODES

    for kind, regles in kinds_rules().items():
        required, optional = COLUMNS[kind]
        assert regles
        for regle in regles:
            assert regle.code in CODES, (kind, regle.code)
            assert regle.colonne in required + optional, (kind, regle.colonne)
            requete([regle], "t", {})  # every parameter its SQL names is defined


def test_doublon_reports_each_later_line_of_a_key_with_the_first_one(con):
    from loaders.rules import doublon

    con.execute("CREATE TABLE d (ligne INTEGER, k VARCHAR, q VARCHAR, v INTEGER, k_brut VARCHAR)")
    con.executemany("INSERT INTO d VALUES (?, ?, ?, ?, ?)", [
        (2, "a", "T1", 1, "A"), (3, "b", "T1", 1, "B"), (4, "a", "T1", 1, "a "), (5, "a", "T1", 2, "A"),
        (6, "b", "T2", 1, "B")])
    report = Report()
    appliquer(con, report, [doublon("doublon-budget", "x", "d", ("k",), "k_brut",
                                    details=lambda r: {"autre_ligne": r["autre_ligne"]})], "d", {"x": "X"})
    assert [(p.line, p.column, p.value, p.params["autre_ligne"]) for p in report.errors] == [
        (4, "X", "a ", 2), (5, "X", "A", 2), (6, "X", "B", 3)]
    # with a condition over the two lines (c, p) and a field of the message
    report = Report()
    seen = []
    appliquer(con, report, [doublon("doublon-budget", "x", "d", ("k",), "k_brut", differe="c.v IS DISTINCT FROM p.v",
                                    champs={"autre_q": "c.q"}, details=lambda r: seen.append(r) or {"autre_ligne": 0})],
              "d", {"x": "X"})
    assert [(p.line, r["autre_ligne"], r["autre_q"]) for p, r in zip(report.errors, seen)] == [(5, 2, "T1")]
