"""How pages read the store: a short connection per read (so imports can run beside the
dashboard), results cached on the data version so a new upload shows at once."""

from __future__ import annotations

import streamlit as st

from data import store
from data.config import resolve_db_path


def db_path() -> str:
    """The database this server reads ($LDA_DB or data/lda.duckdb)."""
    return str(resolve_db_path())


def data_version() -> int:
    """Opens the store briefly to read the data version (about 15 ms)."""
    with store.connect(db_path()) as con:
        return store.data_version(con)


@st.cache_data(show_spinner=False, max_entries=256)
def _cached(path: str, version: int, fn_name: str, module: str, args: tuple):
    import importlib

    fn = getattr(importlib.import_module(module), fn_name)
    with store.connect(path) as con:
        return fn(con, *args)


def read(fn, *args):
    """Call ``fn(con, *args)`` on the store, cached until the data change."""
    return _cached(db_path(), data_version(), fn.__name__, fn.__module__, args)
