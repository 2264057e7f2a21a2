"""The engine's small stores (tests/engine_fixtures.py) are copies of databases built once per test
process: a copy must be the very database the store's own steps give, and each call its own."""

from __future__ import annotations

from tests import engine_fixtures as ef

SCHEMA = {
    "columns": "SELECT table_name, column_name, ordinal_position, data_type, column_default, is_nullable "
               "FROM information_schema.columns ORDER BY ALL",
    "constraints": "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() ORDER BY ALL",
    "sequences": "SELECT sequence_name, start_value, increment_by, min_value, max_value, cycle, last_value "
                 "FROM duckdb_sequences() ORDER BY ALL",
    "indexes": "SELECT table_name, index_name, sql FROM duckdb_indexes() ORDER BY ALL",
    "views": "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY ALL",
    "migrations": "SELECT version, nom FROM schema_version ORDER BY version",
}


def tables(con) -> list[str]:
    return [t for (t,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall()]


def contents(con) -> dict:
    """Every table's rows in stored order (the stamps of the migrations left out: the copy's were
    set when its model was built)."""
    return {t: con.execute(f"SELECT * FROM {t}").fetchall() for t in tables(con) if t != "schema_version"}


def test_connect_gives_the_migrated_store_and_a_database_of_its_own_each_time():
    fresh = ef.migrated()
    first, second = ef.connect(), ef.connect()
    for name, query in SCHEMA.items():
        assert first.execute(query).fetchall() == fresh.execute(query).fetchall(), name
    assert len(tables(first)) > 20 and contents(first) == contents(fresh)
    assert first.execute("SELECT count(*) FROM indicateur").fetchone()[0] > 10
    ef.add_territory(first, "T1")
    assert first.execute("SELECT code FROM territoire").fetchall() == [("T1",)]
    assert second.execute("SELECT count(*) FROM territoire").fetchone()[0] == 0
    assert ef.connect().execute("SELECT count(*) FROM territoire").fetchone()[0] == 0
    assert [d for (d,) in first.execute("SELECT database_name FROM duckdb_databases() WHERE NOT internal")
            .fetchall()] == ["memory"]  # the model it was copied from is detached


def test_a_random_store_is_the_one_drawn_anew_row_for_row_and_each_copy_its_own():
    seed = 0  # one of the seeds the sweeps of make test-fast draw (ef.FAST_SEEDS): its model is made anyway
    drawn = ef.draw_random_store(seed)
    copy = ef.random_store(seed)
    for name, query in SCHEMA.items():
        assert copy.execute(query).fetchall() == drawn.execute(query).fetchall(), name
    expected = contents(drawn)
    assert sum(map(len, expected.values())) > 1000 and contents(copy) == expected
    copy.execute("DELETE FROM valeur")
    assert contents(ef.random_store(seed)) == expected
    assert ef.random_store(seed + 1).execute("SELECT count(*) FROM valeur").fetchone() != \
        drawn.execute("SELECT count(*) FROM valeur").fetchone()
