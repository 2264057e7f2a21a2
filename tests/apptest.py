"""What the AppTest page tests share: a page's first run as a demo persona or as a person app.py
would have decided, with no exception raised, and readers of what it shows."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from data.access import Personne
from tests.conftest import ROOT


def raised_nothing(at: AppTest) -> AppTest:
    """``at`` after asserting its last run raised nothing (the exceptions shown if it did)."""
    assert not at.exception, [e.value for e in at.exception]
    return at


def first_run(path: str, session: dict | None = None, query: dict | None = None) -> AppTest:
    """The page at ``path`` (from the repository's root) run once with ``session`` in its session
    state and ``query`` in its address (None values left out)."""
    at = AppTest.from_file(str(ROOT / path), default_timeout=60)
    for key, value in (session or {}).items():
        if value is not None:
            at.session_state[key] = value
    for key, value in (query or {}).items():
        if value is not None:
            at.query_params[key] = value
    return raised_nothing(at.run())


def as_persona(path: str, role: str = "national", territoire: str | None = None) -> AppTest:
    """The page at ``path`` run as the demo persona ``role`` (of ``territoire``)."""
    return first_run(path, {"demo_role": role, "demo_territoire": territoire})


def as_person(path: str, person: Personne, **query) -> AppTest:
    """The page at ``path`` run for ``person`` (as app.py would have decided), ``query`` in its address."""
    return first_run(path, {"lda_personne": person}, query)


def tables(at: AppTest, column: str) -> list:
    """The shown tables having ``column``, in page order (st.dataframe keys are not exposed)."""
    return [d.value for d in at.dataframe if column in d.value.columns]


def metrics(at: AppTest) -> dict:
    """Each metric's value by its label."""
    return {m.label: m.value for m in at.metric}
