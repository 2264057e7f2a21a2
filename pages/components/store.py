"""How pages read the store: short connections (so imports can run beside the dashboard), results
cached on the data version so a new upload shows at once and nothing else is recomputed.

app.py calls ``begin_run()`` once per script run: the store is opened once to read the data version,
and every ``read()`` of that run uses that version. A page that writes calls ``refresh_version()`` afterwards so
its own run shows the new figures. A page run on its own (tests) reads the version per call.

Within a run, the reads the cache does not answer share one connection, the one that read the
version, closed by ``end_run()`` when the run ends (app.py): the first visit after an upload makes
about ten such reads, and opening the file costs about 15 ms each time. A run whose reads all come
from the cache opens nothing more than the version read (the file is held for the run, well under
a second: an import waits up to ATTENTE_BASE_OCCUPEE_S for it).
"""

from __future__ import annotations

import contextlib
import importlib
import threading

import streamlit as st

from data import store
from data.config import resolve_db_path
from core.errors import BaseInaccessible, BaseOccupee
from pages.components import erreurs

_VERSION_KEY = "_lda_version_donnees"


def db_path() -> str:
    """The database this server reads ($LDA_DB or data/lda.duckdb)."""
    return str(resolve_db_path())


def _unavailable(exc: BaseOccupee | BaseInaccessible):
    """A French message instead of a traceback when the store cannot be read; the page stops."""
    st.error(erreurs.message_page(exc))
    st.stop()


def _read_version() -> int:
    """Opens the store briefly to read the data version (about 15 ms)."""
    try:
        with store.connect(db_path()) as con:
            return store.data_version(con)
    except (BaseOccupee, BaseInaccessible) as exc:
        _unavailable(exc)


_RUN = threading.local()  # each session's script runs in its own thread: its own run connection


def begin_run() -> None:
    """Read the data version once for this run (called by app.py before any page), on the
    connection the run's cache misses then share: the first view after an upload opens the file
    once, not twice (about 15 ms each)."""
    end_run()
    path = db_path()
    _RUN.active = True
    try:
        with _connection(path) as con:
            version = store.data_version(con)
    except (BaseOccupee, BaseInaccessible) as exc:
        _unavailable(exc)
    st.session_state[_VERSION_KEY] = (path, version)


def end_run() -> None:
    """Close the run's shared connection, if a read opened it (app.py, when the run ends)."""
    opened = getattr(_RUN, "opened", None)
    _RUN.active, _RUN.opened, _RUN.con, _RUN.path = False, None, None, None
    if opened is not None:
        opened.close()


@contextlib.contextmanager
def _connection(path: str):
    """The run's shared connection (opened on first use), or outside a run a connection of its own."""
    if not getattr(_RUN, "active", False):
        with store.connect(path) as con:
            yield con
        return
    if getattr(_RUN, "con", None) is None or _RUN.path != path:
        if getattr(_RUN, "opened", None) is not None:
            _RUN.opened.close()
        _RUN.opened = contextlib.ExitStack()
        _RUN.con, _RUN.path = _RUN.opened.enter_context(store.connect(path)), path
    yield _RUN.con


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
    with _connection(path) as con:
        return fn(con, *args)


def read(fn, *args):
    """Call ``fn(con, *args)`` on the store, cached until the data change."""
    try:
        return _cached(db_path(), data_version(), fn.__name__, fn.__module__, args)
    except (BaseOccupee, BaseInaccessible) as exc:
        _unavailable(exc)


@st.cache_resource(show_spinner=False, max_entries=64)
def _construit(path: str, version: int, fn_name: str, module: str, cle: tuple, _args: tuple):
    return getattr(importlib.import_module(module), fn_name)(*_args)


def construit(fn, cle: tuple, *args):
    """``fn(*args)`` (a figure built from read() results), kept until the data change, on ``cle``:
    the arguments of the reads that gave ``args``, which must decide them. Hashing the frames
    themselves at every run cost 10 to 20 ms a frame (far more on a loaded machine), and a
    resource is handed out as is, where a cache_data copy of a figure cost about 20 ms a run:
    the caller must not modify what it gets."""
    return _construit(db_path(), data_version(), fn.__name__, fn.__module__, cle, args)

