"""How pages read the store: short connections (so imports can run beside the dashboard), results
cached on the data version so a new upload shows at once and nothing else is recomputed.

app.py calls ``begin_run()`` once per script run: the store is opened once to read the data version,
and every ``read()`` of that run uses it. A page that writes calls ``refresh_version()`` afterwards so
its own run shows the new figures. A page run on its own (tests) reads the version per call.
"""

from __future__ import annotations

import importlib

import streamlit as st

from data import store
from data.config import resolve_db_path

_VERSION_KEY = "_lda_version_donnees"


def db_path() -> str:
    """The database this server reads ($LDA_DB or data/lda.duckdb)."""
    return str(resolve_db_path())


def _unavailable(exc: Exception):
    """A French message instead of a traceback when the store cannot be read; the page stops."""
    if isinstance(exc, store.StoreBusy):
        st.error("La base de données est occupée par une autre opération (un import planifié, par exemple) "
                 "depuis trop longtemps. Réessayez dans quelques instants : aucune donnée n'est perdue.")
    else:
        st.error("La base de données ne peut pas être ouverte. Prévenez l'équipe qui administre le tableau "
                 f"de bord ({exc}).")
    st.stop()


def _read_version() -> int:
    """Opens the store briefly to read the data version (about 15 ms)."""
    try:
        with store.connect(db_path()) as con:
            return store.data_version(con)
    except (store.StoreBusy, store.StoreError) as exc:
        _unavailable(exc)


def begin_run() -> None:
    """Read the data version once for this run (called by app.py before any page)."""
    st.session_state[_VERSION_KEY] = (db_path(), _read_version())


def refresh_version() -> None:
    """After a write: the rest of this run reads the new data."""
    begin_run()


def data_version() -> int:
    """The data version of this run."""
    found = st.session_state.get(_VERSION_KEY)
    if found is not None and found[0] == db_path():
        return found[1]
    return _read_version()


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(path: str, version: int, fn_name: str, module: str, args: tuple):
    fn = getattr(importlib.import_module(module), fn_name)
    with store.connect(path) as con:
        return fn(con, *args)


def read(fn, *args):
    """Call ``fn(con, *args)`` on the store, cached until the data change."""
    try:
        return _cached(db_path(), data_version(), fn.__name__, fn.__module__, args)
    except (store.StoreBusy, store.StoreError) as exc:
        _unavailable(exc)
