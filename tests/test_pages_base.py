"""The pages and the database file: a file that cannot be read, or that another process holds, and
a secrets file that cannot be read give French messages, never a traceback; a page run holds the
file only while it runs."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_unreadable_database_gives_a_french_message_not_a_traceback(tmp_path, monkeypatch):
    bad = tmp_path / "pas-une-base.duckdb"
    bad.write_bytes(b"ceci n'est pas une base DuckDB" * 100)
    monkeypatch.setenv("LDA_DB", str(bad))
    at = AppTest.from_file(str(ROOT / "pages/methode.py"), default_timeout=30)
    at.run()
    assert not at.exception
    assert any("ne peut pas être ouverte" in e.value for e in at.error)


@pytest.mark.subprocess  # DuckDB's file lock is per process: only another process sees it
def test_database_held_by_another_process_gives_a_french_message(db, monkeypatch):
    import subprocess
    import sys
    import time

    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); time.sleep(20)"),
        str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        monkeypatch.setenv("LDA_DB", str(db))
        monkeypatch.setenv("LDA_ATTENTE_BASE_S", "0.5")
        start = time.monotonic()
        at = AppTest.from_file(str(ROOT / "pages/methode.py"), default_timeout=30)
        at.run()
        assert not at.exception
        assert any("occupée" in e.value and "aucune donnée n'est perdue" in e.value for e in at.error)
        assert time.monotonic() - start < 15
    finally:
        holder.kill()
        holder.wait()


def test_an_unreadable_secrets_file_keeps_the_app_closed_never_demo_mode(demo_db, tmp_path, monkeypatch):
    from streamlit import config

    bad = tmp_path / "secrets.toml"
    bad.write_text('[auth]\nredirect_uri = "https://exemple.fr/oauth2callback\n', encoding="utf-8")  # unclosed
    monkeypatch.setenv("LDA_DB", str(demo_db))
    previous = config.get_option("secrets.files")
    config.set_option("secrets.files", [str(bad)])
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
        at.run()
    finally:
        config.set_option("secrets.files", previous)
    assert not at.exception
    assert any("ne peut pas être lue" in e.value for e in at.error)
    assert len(at.selectbox) == 0  # no persona selector
    assert not any("Mode démonstration" in m.value for m in at.sidebar.markdown)


@pytest.mark.subprocess  # DuckDB's file lock is per process: only another process sees it
def test_a_run_shares_one_connection_and_frees_the_file_when_it_ends(demo_db, monkeypatch):
    """The reads a run's cache misses share one connection; end_run() (app.py, at the end of every
    run) closes it, so another process (a scheduled import) can open the file right after."""
    import subprocess
    import sys

    from data import reads
    from pages.components import store as page_store
    from streamlit import runtime

    def other_process_opens() -> bool:
        done = subprocess.run(
            [sys.executable, "-c", "import duckdb, sys; duckdb.connect(sys.argv[1]).close()", str(demo_db)],
            capture_output=True, text=True, timeout=60)
        return done.returncode == 0

    monkeypatch.setenv("LDA_DB", str(demo_db))
    runtime.caching.cache_data.clear()
    page_store._RUN.active = True  # as begin_run() does
    try:
        assert len(page_store.read(reads.catalogue)) == 32
        shared = page_store._RUN.con
        assert len(page_store.read(reads.territoires)) > 0 and page_store._RUN.con is shared
        assert not other_process_opens()  # held during the run
    finally:
        page_store.end_run()
    assert page_store._RUN.con is None and other_process_opens()
