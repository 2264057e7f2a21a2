"""The fast reading path (DuckDB decodes and parses the bytes as received) and the Python path
(decode() then csv) must give the same rows, line numbers, problems and stored values, whatever the
encoding and line ends; the batch validated in the store's connection is stored exactly as one
validated apart; the values table keeps one row per key without its former primary key index."""

from __future__ import annotations

import duckdb
import pytest

from data import migrations, store
from data.config import DUCKDB_CONFIG
from loaders import correction, reading
from loaders.importer import import_bytes
from loaders.reading import reader
from loaders.sql_rules import release, validation_connection
from tests.conftest import TODAY

HEADER = "code_territoire;indicateur;trimestre;valeur;commentaire"
GOOD = [
    "200046977;sorties_rue_logement;2024-T1;1\u00a0204;déclaré par l'opérateur",
    "200046977;sorties_rue_logement;2024-T2;1 310;",
    "",  # a blank line: skipped, later line numbers unchanged
    "200046977;sorties_hebergement_logement;2024-T1;57;\"note; avec séparateur\"",
]
BAD = GOOD + ["200046977;sorties_hebergement_logement;2024-T2;douze;", "200046977;nimporte;2024-T2;3;"]


def encode(lines, encoding="cp1252", newline="\r\n", bom=False):
    data = (newline.join([HEADER] + lines) + newline).encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


VARIANTS = {
    "cp1252 CRLF (Latin-1 compatible: fast path)": dict(encoding="cp1252", newline="\r\n"),
    "cp1252 LF": dict(encoding="cp1252", newline="\n"),
    "UTF-8 LF": dict(encoding="utf-8", newline="\n"),
    "UTF-8 BOM CRLF": dict(encoding="utf-8", newline="\r\n", bom=True),
}


def stored(db):
    with store.connect(db) as con:
        return con.execute(
            "SELECT territoire, indicateur, trimestre, valeur, commentaire FROM valeur ORDER BY ALL"
        ).fetchall()


def problems(result):
    return [(p.line, p.column, p.code) for p in result.report.sorted_errors()]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_encoding_and_line_end_reads_the_same(db, variant):
    refused = import_bytes(encode(BAD, **VARIANTS[variant]), "depot.csv", db, user="t", today=TODAY)
    assert problems(refused) == [(6, "valeur", "valeur-invalide"), (7, "indicateur", "indicateur-inconnu")]
    assert stored(db) == []
    result = import_bytes(encode(GOOD, **VARIANTS[variant]), "depot.csv", db, user="t", today=TODAY)
    assert result.stored and result.outcome.nouvelles == 3 and result.row_count == 3
    assert stored(db) == [
        ("200046977", "sorties_hebergement_logement", "2024-T1", 57.0, "note; avec séparateur"),
        ("200046977", "sorties_rue_logement", "2024-T1", 1204.0, "déclaré par l'opérateur"),
        ("200046977", "sorties_rue_logement", "2024-T2", 1310.0, None),
    ]


def read(data):
    con = validation_connection()
    try:
        raw = reading.read_file(data, "f.csv", con)
        rows = con.execute("SELECT * FROM brut ORDER BY ligne").fetchall() if raw.header else []
        return raw, rows
    finally:
        release(con)


def test_fast_path_is_taken_only_where_duckdb_decodes_like_python(monkeypatch):
    calls = []
    original = reader.python_parse
    monkeypatch.setattr(reader, "python_parse", lambda *a: calls.append(1) or original(*a))
    no_blank = [line for line in GOOD if line]
    fast_raw, fast_rows = read(encode(no_blank))
    assert calls == [] and fast_raw.encoding == "cp1252" and fast_raw.separator == ";"
    assert [r[0] for r in fast_rows] == [2, 3, 4] and fast_rows[2][5] == "note; avec séparateur"
    # DuckDB skips blank lines, which would shift line numbers: Python reads such a file
    raw, rows = read(encode(GOOD))
    assert calls == [1] and [r[0] for r in rows] == [2, 3, 5] and [r[1:] for r in rows] == [r[1:] for r in fast_rows]
    # Windows-1252 bytes 0x80-0x9F (here ’ and €) differ from Latin-1: Python decodes them, then
    # DuckDB parses the decoded text (no Python csv needed)
    special = [no_blank[0].replace("l'opérateur", "l’opérateur (5 €)")] + no_blank[1:]
    assert reading.bytes_encoding(encode(special)) is None
    raw, rows = read(encode(special))
    assert calls == [1] and rows[0][5] == "déclaré par l’opérateur (5 €)" and rows[1:] == fast_rows[1:]


def test_mixed_line_ends_and_quoted_line_breaks_fall_back_with_exact_lines():
    mixed = (HEADER + "\r\n" + GOOD[0] + "\n" + GOOD[1] + "\r\n").encode("cp1252")
    raw, rows = read(mixed)
    assert [r[0] for r in rows] == [2, 3] and rows[1][4] == "1 310"
    quoted = (HEADER + "\r\n" + '200046977;sorties_rue_logement;2024-T1;4;"deux\r\nlignes"\r\n'
              + GOOD[1] + "\r\n").encode("cp1252")
    raw, rows = read(quoted)
    assert [r[0] for r in rows] == [2, 4] and rows[0][5] == "deux\nlignes"


QUOTED = '200046977;sorties_rue_logement;2024-T1;4;"deux\r\nlignes"'


@pytest.mark.parametrize("data", [
    encode([line for line in GOOD if line]),  # DuckDB reads the bytes
    encode([GOOD[0].replace("l'opérateur", "l’opérateur (5 €)")] + GOOD[1:2] + GOOD[3:], newline="\n"),  # DuckDB, decoded text
    encode(GOOD),  # Python's csv (a blank line)
    encode([QUOTED, "", GOOD[1], "   ;  ", GOOD[3]], encoding="utf-8"),  # Python's csv (a quoted line break)
], ids=["octets", "texte", "csv-ligne-vide", "csv-saut-de-ligne"])
def test_the_correction_grid_shows_the_rows_reading_read_at_the_same_lines(data):
    """The grid reuses reading's row walk: the same rows at the same line numbers, on every path."""
    raw, rows = read(data)
    grid = correction.read_rows(data, "f.csv")
    assert grid.header == raw.header and grid.separator == raw.separator
    assert grid.rows == [(row[0], ["" if c is None else c for c in row[1:]]) for row in rows]
    assert len(grid.rows) >= 3


def test_jump_warnings_against_the_batch_and_against_stored_values(db):
    def load(lines):
        return import_bytes(encode(lines), "d.csv", db, user="t", today=TODAY)

    def jumps(result):
        return [(p.line, p.params["trimestre_precedent"]) for p in result.report.warnings
                if p.code == "saut-trimestriel"]

    # nothing stored for the territory yet: the previous quarter comes from the file itself
    first = load(["200046977;sorties_rue_logement;2024-T3;10;", "200046977;sorties_rue_logement;2024-T4;90;",
                  "200046977;sorties_hebergement_logement;2025-T1;95;"])
    assert jumps(first) == [(3, "2024-T3")]
    # the previous quarter is only in the store, across a year boundary
    second = load(["200046977;sorties_rue_logement;2025-T1;9;"])
    assert jumps(second) == [(2, "2024-T4")]


def test_values_keep_one_row_per_key_without_a_primary_key(db):
    lines = ["200046977;sorties_rue_logement;2024-T1;5;", "200046977;sorties_rue_logement;2024-T1;5;",
             "200046977;sorties_rue_logement;2024-T2;6;"]
    first = import_bytes(encode(lines), "d.csv", db, user="t", today=TODAY)
    assert first.outcome.nouvelles == 2  # an identical repeated row is one value
    again = import_bytes(encode(lines), "d.csv", db, user="t", today=TODAY)
    assert (again.outcome.nouvelles, again.outcome.inchangees) == (0, 2)
    revised = import_bytes(encode(["200046977;sorties_rue_logement;2024-T1;7;"]), "d.csv", db, user="t", today=TODAY)
    assert revised.outcome.revisees == 1
    with store.connect(db) as con:
        total, keys = con.execute(
            "SELECT count(*), count(DISTINCT (territoire, indicateur, trimestre)) FROM valeur").fetchall()[0]
        history = con.execute("SELECT valeur FROM valeur_historique").fetchall()
    assert (total, keys) == (2, 2) and history == [(5.0,)]


def _database_at(path, version: int) -> duckdb.DuckDBPyConnection:
    """A database file migrated up to ``version`` only (as an older release left it)."""
    con = duckdb.connect(str(path), config=dict(DUCKDB_CONFIG))
    migrations.migrate(con, target=version)
    return con


def test_migration_003_keeps_every_value_and_column(tmp_path):
    con = _database_at(tmp_path / "v2.duckdb", 2)
    con.execute("INSERT INTO valeur VALUES ('200046977', 'sorties_rue_logement', '2024-T1', 4, 'c', 's', 2, 7,"
                " 'alice', TIMESTAMP '2024-05-02 10:00:00')")
    migrations.migrate(con, target=3)
    assert con.execute("SELECT * FROM valeur").fetchall()[0][:9] == (
        "200046977", "sorties_rue_logement", "2024-T1", 4.0, "c", "s", 2, 7, "alice")
    constraints = con.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'valeur' AND constraint_type = 'PRIMARY KEY'"
    ).fetchall()[0][0]
    con.close()
    assert constraints == 0


def test_migration_004_takes_the_author_from_the_upload_and_journals_any_other(tmp_path):
    path = tmp_path / "v3.duckdb"
    con = _database_at(path, 3)
    con.execute("INSERT INTO depot VALUES (7, 'd.csv', 'x', 'values', 'longue', 'alice', TIMESTAMP '2024-05-02 10:00:00',"
                " 'enregistre', 2, 2, 0, 0, 0, 0, 0, ['200046977'], NULL)")
    when = "TIMESTAMP '2024-05-02 10:00:00'"
    con.execute(f"INSERT INTO valeur VALUES ('200046977', 'sorties_rue_logement', '2024-T1', 4, 'c', 's', 2, 7, 'alice', {when}),"
                f" ('200046977', 'sorties_rue_logement', '2024-T2', 5, NULL, NULL, 1, 7, 'bob', {when}),"
                f" ('200046977', 'sorties_rue_logement', '2024-T3', 6, NULL, NULL, 1, NULL, 'carol', {when})")
    con.close()
    with store.connect(path) as con:
        assert migrations.current_version(con) >= 4
        assert "utilisateur" not in [c for (c, *_rest) in con.execute("DESCRIBE valeur").fetchall()]
        assert con.execute("SELECT trimestre, valeur, revision, depot_id FROM valeur ORDER BY 1").fetchall() == [
            ("2024-T1", 4.0, 2, 7), ("2024-T2", 5.0, 1, 7), ("2024-T3", 6.0, 1, None)]
        # bob is not the author of upload 7, carol's value has no upload: both are kept in the journal
        noted = con.execute(
            "SELECT objet, details->>'utilisateur', CAST(details->>'revision' AS INTEGER) FROM journal"
            " WHERE action = 'valeur.auteur' ORDER BY objet").fetchall()
    assert noted == [("200046977|sorties_rue_logement|2024-T2", "bob", 1),
                     ("200046977|sorties_rue_logement|2024-T3", "carol", 1)]


def test_rows_of_blank_cells_are_not_counted_nor_numbered_apart(db):
    lines = ["200046977;sorties_rue_logement;2024-T1;5;", ";;;;", " ; ;;;", "200046977;sorties_rue_logement;2024-T2;x;"]
    refused = import_bytes(encode(lines), "d.csv", db, user="t", today=TODAY)
    assert problems(refused) == [(5, "valeur", "valeur-invalide")] and refused.row_count == 2
    with store.connect(db) as con:
        assert con.execute("SELECT nb_lignes FROM depot ORDER BY id DESC LIMIT 1").fetchall() == [(2,)]


def test_concurrent_uploads_of_the_same_key_store_it_once(db):
    """Dashboard sessions are threads: without a primary key, the serialised classification alone
    keeps one current row per key, and every former value goes to the history."""
    import threading

    errors = []

    def upload(value):
        try:
            line = f"200046977;sorties_rue_logement;2024-T1;{value};"
            assert import_bytes(encode([line]), "d.csv", db, user=f"u{value}", today=TODAY).stored
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=upload, args=(v,)) for v in (11, 12, 13, 14)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with store.connect(db) as con:
        current = con.execute("SELECT valeur, revision FROM valeur").fetchall()
        former = con.execute("SELECT count(*) FROM valeur_historique").fetchall()[0][0]
    assert len(current) == 1 and current[0][1] == 4 and former == 3


def test_a_callers_connection_keeps_its_own_temporary_tables(db):
    with store.connect(db) as con:
        con.execute("CREATE TEMP TABLE mes_calculs AS SELECT 42 AS x")
        result = import_bytes(encode(["200046977;sorties_rue_logement;2024-T1;5;"]), "d.csv", con=con,
                              user="t", today=TODAY)
        assert result.stored
        assert con.execute("SELECT x FROM mes_calculs").fetchall() == [(42,)]
        names = {n for (n,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'LOCAL TEMPORARY'").fetchall()}
    assert names == {"mes_calculs"}  # and nothing of the validation is left behind


def test_wide_file_jump_warnings_name_their_column_in_order(db):
    header = "code_territoire;trimestre;sorties_rue_logement;sorties_hebergement_logement\n"

    def load(body):
        return import_bytes((header + body).encode("utf-8"), "large.csv", db, user="t", today=TODAY)

    assert load("200046977;2024-T1;10;20\n").stored
    result = load("200046977;2024-T2;100;200\n")
    jumps = [(p.line, p.column) for p in result.report.sorted_warnings() if p.code == "saut-trimestriel"]
    assert jumps == [(2, "sorties_hebergement_logement"), (2, "sorties_rue_logement")]
    assert [w["colonne"] for w in result.outcome.warnings] == ["sorties_hebergement_logement", "sorties_rue_logement"]


def test_a_file_name_duckdb_would_read_as_a_pattern_is_read_literally(db, tmp_path):
    from loaders.importer import import_file

    (tmp_path / "depot1.csv").write_bytes(encode(["200046977;sorties_rue_logement;2024-T1;42;"]))
    odd = tmp_path / "depot[1].csv"  # as a pattern, it would match depot1.csv
    odd.write_bytes(encode(["200046977;sorties_rue_logement;2024-T1;7;"]))
    assert import_file(odd, db, user="t", today=TODAY).stored
    assert stored(db)[0][3] == 7.0


def test_a_control_character_after_two_byte_characters_is_found(db):
    # 15,000 two-byte characters then a control character: character 15,001, byte 30,001
    body = "é" * 15000 + "\x07"
    data = encode([f"200046977;sorties_rue_logement;2024-T1;4;{body}"], encoding="utf-8", newline="\n")
    result = import_bytes(data, "d.csv", db, user="t", today=TODAY)
    assert [p.code for p in result.report.errors] == ["fichier-illisible"] and stored(db) == []


def test_which_problems_fill_the_cap_follows_the_report_order(db):
    from core.parameters import PLAFOND_PROBLEMES

    lines = ["zz;nimporte;2099-T9;x;"] * PLAFOND_PROBLEMES
    result = import_bytes(encode(lines), "d.csv", db, user="t", today=TODAY)
    listed = [(p.line, p.column, p.code) for p in result.report.sorted_errors()]
    assert listed == sorted(listed, key=lambda x: (x[0], x[1] or "", x[2]))
    last_line = listed[-1][0]
    # the last listed line has its problems in column order, from the first column on
    on_last = [c for (line, c, _) in listed if line == last_line]
    all_columns = ["code_territoire", "indicateur", "trimestre", "valeur"]
    assert on_last == all_columns[:len(on_last)]


def test_a_relative_path_starting_with_a_tilde_is_the_local_file(db, tmp_path, monkeypatch):
    from loaders.importer import import_file

    home = tmp_path / "home"
    home.mkdir()
    (home / "x.csv").write_bytes(encode(["200046977;sorties_rue_logement;2024-T1;99;"]))
    monkeypatch.setenv("HOME", str(home))
    work = tmp_path / "travail"
    (work / "~").mkdir(parents=True)
    (work / "~" / "x.csv").write_bytes(encode(["200046977;sorties_rue_logement;2024-T1;42;"]))
    monkeypatch.chdir(work)
    assert import_file("~/x.csv", db, user="t", today=TODAY).stored
    assert stored(db)[0][3] == 42.0


def test_spellings_outside_the_reference_give_the_same_values_as_canonical_ones(db, tmp_path):
    """Keys are first looked up among the reference's canonical spellings; a file spelling them
    otherwise (spaces, capitals, another quarter form) takes the file's own dictionaries and must
    store exactly the same, with the same counts and warnings."""
    canonical = ["200046977;sorties_rue_logement;2024-T1;10;", "200046977;sorties_rue_logement;2024-T2;40;",
                 "200046977;sorties_hebergement_logement;2024-T1;nc;"]
    other = [" 200046977 ;Sorties_Rue_Logement;T1 2024;10;", "200046977;sorties_rue_logement;2024t2;40;",
             "200046977; sorties_hebergement_logement ;2024-Q1;nc;"]
    other_db = tmp_path / "autre.duckdb"
    other_db.write_bytes(db.read_bytes())
    results = [import_bytes(encode(lines), "v.csv", base, user="t", today=TODAY)
               for lines, base in ((canonical, db), (other, other_db))]
    assert all(r.stored for r in results)
    assert results[0].counts_line() == results[1].counts_line() == (
        "nouvelles: 2, révisées: 0, inchangées: 0, non renseignées: 1, dont commentaire ou source seuls: 0")
    assert [[(p.code, p.line, p.column) for p in r.report.sorted_warnings()] for r in results] == [
        [("saut-trimestriel", 3, "valeur")]] * 2
    stored = []
    for base in (db, other_db):
        with store.connect(base) as con:
            stored.append(con.execute(
                "SELECT territoire, indicateur, trimestre, valeur FROM valeur ORDER BY ALL").fetchall())
    assert stored[0] == stored[1] == [("200046977", "sorties_rue_logement", "2024-T1", 10.0),
                                      ("200046977", "sorties_rue_logement", "2024-T2", 40.0)]


def test_a_key_outside_the_reference_among_canonical_rows_is_reported_on_its_line(db):
    lines = ["200046977;sorties_rue_logement;2024-T1;10;", "999999999;sorties_rue_logement;2024-T1;10;",
             "200046977;sorties_rue_logement;2031-T1;10;", "200046977;sorties_rue_logement;2024-T3;x;"]
    refused = import_bytes(encode(lines), "v.csv", db, user="t", today=TODAY)
    assert problems(refused) == [(3, "code_territoire", "territoire-inconnu"), (4, "trimestre", "trimestre-futur"),
                                 (5, "valeur", "valeur-invalide")]
