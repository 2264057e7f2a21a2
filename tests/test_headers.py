"""The two layouts of a values file (format-depot.md, "Two layouts"): a long-layout file that also
carries a column named like an indicator code mixes both and is refused (that column's values would
be lost); any other unknown column of a long file is a warning."""

from __future__ import annotations

from data import store
from loaders.__main__ import main as cli
from loaders.importer import import_bytes, import_file
from tests.conftest import FILES, TODAY

MIXED = FILES / "valeurs_longues_colonne_indicateur.csv"


def stored(db):
    with store.connect(db) as con:
        return (con.execute("SELECT count(*) FROM valeur").fetchall()[0][0],
                con.execute("SELECT fichier, resultat, nb_erreurs FROM depot").fetchall())


def test_a_long_file_with_indicator_columns_is_refused_as_a_mixed_layout(db):
    result = import_file(MIXED, db, user="test", today=TODAY)
    assert not result.stored
    assert [(p.line, p.column, p.code) for p in result.report.sorted_errors()] == [
        (1, "Attributions total", "disposition-mixte"), (1, "sorties_rue_logement", "disposition-mixte")]
    message = result.report.sorted_errors()[1].message
    assert "« sorties_rue_logement »" in message and "seraient perdues" in message
    # the column that is no indicator stays a warning
    assert [(p.line, p.column, p.code) for p in result.report.sorted_warnings()] == [(1, "remarque", "colonne-ignoree")]
    assert stored(db) == (0, [(MIXED.name, "refuse", 2)])


def test_cli_refuses_the_mixed_layout_naming_the_column(db, capsys):
    assert cli(["import", str(MIXED), "--db", str(db)]) == 1
    lines = [line for line in capsys.readouterr().out.splitlines() if line.startswith("ligne 1")]
    assert len(lines) == 2 and all(line.endswith("[disposition-mixte]") for line in lines)
    assert lines[1].startswith("ligne 1, colonne « sorties_rue_logement » : La colonne « sorties_rue_logement »")
    assert stored(db)[0] == 0


def test_other_unknown_columns_of_a_long_file_stay_warnings(db):
    data = b"code_territoire;indicateur;trimestre;valeur;sorties;code_indicateur\n200046977;sorties_rue_logement;2024-T1;4;x;y\n"
    result = import_bytes(data, "d.csv", db, user="test", today=TODAY)
    assert result.stored and result.outcome.nouvelles == 1
    assert [(p.column, p.code) for p in result.report.sorted_warnings()] == [
        ("code_indicateur", "colonne-ignoree"), ("sorties", "colonne-ignoree")]
