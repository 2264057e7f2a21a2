"""The AppTest harness (tests/harness.py): a page file runs as app.py runs it, so a page's first run
opens the store once, and the run's connection is closed however the run ends."""

from __future__ import annotations

import pytest

from data import store
from pages.components import store as page_store
from tests.apptest import as_persona
from tests.harness import page_as_app_runs


@pytest.fixture
def opens(demo_db, monkeypatch):
    """The number of times the store file is opened (every thread), on the demo database."""
    monkeypatch.setenv("LDA_DB", str(demo_db))
    count = {"n": 0}
    real = store._open

    def counted(path, wait_s):
        count["n"] += 1
        return real(path, wait_s)

    monkeypatch.setattr(store, "_open", counted)
    return count


def test_a_page_run_opens_the_store_once_as_under_app_py(opens):
    """Run on its own, the national page read the data version at each of its twenty reads and
    opened the file for each cache miss (about 30 opens); as app.py runs it, once."""
    at = as_persona("pages/pilotage.py")
    assert at.title[0].value == "Pilotage national"
    assert opens["n"] == 1
    at.run()  # a second run reads the version again, and its reads all come from the cache
    assert opens["n"] == 2


def test_the_run_connection_is_closed_when_the_page_stops_or_raises():
    namespace = {}
    code = page_as_app_runs("page.py", "from __future__ import annotations\nx = 1\nraise ValueError('ici')\n")
    calls = []
    real = page_store.begin_run, page_store.end_run
    page_store.begin_run, page_store.end_run = (lambda: calls.append("begin")), (lambda: calls.append("end"))
    try:
        with pytest.raises(ValueError) as raised:
            exec(code, namespace)
    finally:
        page_store.begin_run, page_store.end_run = real
    assert calls == ["begin", "end"] and namespace["x"] == 1
    assert raised.traceback[-1].lineno + 1 == 3  # the line of the file (pytest counts from 0)


def test_the_demo_database_is_built_once_for_the_same_files_and_anew_when_they_change(tmp_path, monkeypatch):
    """tests/conftest.py's cached_demo(): a run copies the demo an earlier run built from the same
    files; a change to a file it is built from (here: the digest) builds it again."""
    from loaders import demo
    from tests import conftest

    builds = []

    def build_demo(path, today):
        builds.append(today)
        path.write_bytes(f"demo {len(builds)}".encode())

    monkeypatch.setenv("PYTEST_DEBUG_TEMPROOT", str(tmp_path))
    monkeypatch.setattr(demo, "build_demo", build_demo)
    monkeypatch.setattr(conftest, "demo_key", lambda: "cle-1")
    conftest.cached_demo(tmp_path / "a.duckdb")
    conftest.cached_demo(tmp_path / "b.duckdb")
    assert builds == [conftest.TODAY] and (tmp_path / "b.duckdb").read_bytes() == b"demo 1"
    monkeypatch.setattr(conftest, "demo_key", lambda: "cle-2")
    conftest.cached_demo(tmp_path / "c.duckdb")
    assert len(builds) == 2 and (tmp_path / "c.duckdb").read_bytes() == b"demo 2"
    assert sorted(p.name for p in (tmp_path / "lda-demo-cache").iterdir()) == [
        "demo-cle-1.duckdb", "demo-cle-2.duckdb"]


def test_the_demo_key_follows_the_files_it_is_built_from(tmp_path, monkeypatch):
    from tests import conftest

    for folder in conftest.DEMO_SOURCES:
        (tmp_path / folder).mkdir()
    (tmp_path / "data" / "module.py").write_text("x = 1\n")
    (tmp_path / "data" / "lda.duckdb").write_bytes(b"une base")
    monkeypatch.setattr(conftest, "ROOT", tmp_path)
    first = conftest.demo_key()
    (tmp_path / "data" / "lda.duckdb").write_bytes(b"une autre base")  # a database is no source
    assert conftest.demo_key() == first
    (tmp_path / "data" / "module.py").write_text("x = 2\n")
    assert conftest.demo_key() != first


def test_the_wait_for_a_run_joins_its_thread_and_still_times_out(monkeypatch):
    """AppTest polled the end of a run every millisecond; the harness joins the script thread, and a
    run longer than its timeout still fails the test."""
    from streamlit.testing.v1 import AppTest
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    checks = {"n": 0}
    real = LocalScriptRunner.script_stopped

    def counted(self):
        checks["n"] += 1
        return real(self)

    monkeypatch.setattr(LocalScriptRunner, "script_stopped", counted)
    at = AppTest.from_string("import time\ntime.sleep(0.4)\nimport streamlit as st\nst.write('fini')")
    assert at.run(timeout=10).markdown[0].value == "fini"
    assert checks["n"] < 40  # polling: about 400
    with pytest.raises(RuntimeError, match="timed out"):
        AppTest.from_string("import time\ntime.sleep(0.8)").run(timeout=0.2)


def test_a_page_run_naming_no_database_never_touches_the_work_tree_s(default_db):
    """A test without a database of its own runs on the run's default one: the work tree's
    data/lda.duckdb, which `make run` fills with the demo only when it is missing, stays as it was."""
    from streamlit.testing.v1 import AppTest

    from data.config import resolve_db_path
    from tests.conftest import ROOT

    work_tree = ROOT / "data" / "lda.duckdb"
    before = work_tree.stat().st_mtime_ns if work_tree.exists() else None
    assert resolve_db_path(None) == default_db
    at = AppTest.from_file(str(ROOT / "pages" / "accessibilite.py"), default_timeout=30)
    at.run()
    assert not at.exception and at.title[0].value == "Accessibilité"
    assert (work_tree.stat().st_mtime_ns if work_tree.exists() else None) == before
