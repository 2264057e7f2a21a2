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
