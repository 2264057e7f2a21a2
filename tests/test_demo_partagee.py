"""The demo database the read-only page tests of a test process share (fixture demo_shared of
tests/conftest.py): what its guard compares stays the same over a page run and changes with any
write, with or without a new data version."""

from __future__ import annotations

import os

from data import store
from data.registre import METADONNEE
from tests.apptest import first_run
from tests.conftest import database_state


def test_a_page_run_leaves_the_state_as_it_was_and_any_write_changes_it(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    before = database_state(demo_db)
    at = first_run("pages/methode.py")
    assert len(at.dataframe) >= 3  # the page did read the database
    assert database_state(demo_db) == before
    with store.connect(demo_db) as con, store.transaction(con):
        store.set_meta(con, "essai_partage", "1")
    versioned = database_state(demo_db)
    assert versioned[0] == before[0] + 1
    with store.connect(demo_db) as con:  # a write that does not bump the data version
        con.execute(f"INSERT INTO {METADONNEE} VALUES (?, ?)", ["essai_sans_version", "1"])
    unversioned = database_state(demo_db)
    assert unversioned[0] == versioned[0] and unversioned != versioned


def test_demo_shared_points_the_pages_to_the_process_s_demo_copy(demo_shared, demo_session_db):
    assert demo_shared == demo_session_db and os.environ["LDA_DB"] == str(demo_session_db)
    with store.connect(demo_shared) as con:
        assert store.is_demo(con)
