"""Shared fixtures: every test gets its own temporary database, copied from a template built once
(the schema and reference data are applied exactly as the app and the CLI apply them)."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import os
import pickle
import shutil
import tempfile
from pathlib import Path

import pytest

from data import store

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "fichiers"
# Tests run as if today were this day, so quarter rules do not drift with the calendar.
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="session")
def default_db(tmp_path_factory) -> Path:
    """The database of a test that names none (a page run without LDA_DB, a command without --db):
    one of the run's own, never the work tree's data/lda.duckdb, which `make run` would then find
    and not fill with the demonstration data."""
    return tmp_path_factory.mktemp("defaut") / "lda.duckdb"


@pytest.fixture(autouse=True)
def demo_switch(monkeypatch, default_db):
    """Pages run in demonstration mode on any test database (LDA_DEMO=1, as documented); the tests
    of the closed mode remove the switch. Without a database of its own, a test's is default_db."""
    monkeypatch.setenv("LDA_DEMO", "1")
    if not os.environ.get("LDA_DB"):
        monkeypatch.setenv("LDA_DB", str(default_db))


RAM_DISK = Path("/dev/shm")
RAM_DISK_FREE_NEEDED = 4 * 2**30  # bytes; a run's copies are removed as its tests pass (pytest.ini)


def pytest_configure(config):
    """Temporary directories (every test's copy of a database) on the machine's RAM file system when
    it has one with room: DuckDB syncs the file when a connection closes, and on the disk each copy
    and each page run waited for it (a copy and its first read took about 0.5 s of wall time under
    load, 0.2 s in RAM). $PYTEST_DEBUG_TEMPROOT, when set, decides instead."""
    if os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return
    try:
        room = RAM_DISK.is_dir() and os.access(RAM_DISK, os.W_OK) and \
            shutil.disk_usage(RAM_DISK).free > RAM_DISK_FREE_NEEDED
    except OSError:
        room = False
    if room:
        os.environ["PYTEST_DEBUG_TEMPROOT"] = str(RAM_DISK)


@pytest.fixture(scope="session", autouse=True)
def pages_run_as_app_runs():
    """Every AppTest run of a page file runs it as app.py does (tests/harness.py)."""
    from tests.harness import install_harness

    install_harness()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "modele.duckdb"
    with store.connect(path):
        pass
    return path


@pytest.fixture
def db(template_db, tmp_path) -> Path:
    """A fresh database with schema and reference data, and no values."""
    path = tmp_path / "lda.duckdb"
    shutil.copy(template_db, path)
    return path


# What the demo database is built from: a change to any of these files builds it anew.
DEMO_SOURCES = ("core", "data", "loaders", "indicators")
DEMO_CACHE_KEPT = 6  # demo databases kept between runs (of other worktrees' code too), newest first


def demo_key() -> str:
    """A digest of everything build_demo(today=TODAY) reads: the source and reference files of
    DEMO_SOURCES (not the databases), DuckDB's version, TODAY and the real date (the demo dates a
    few rows with the real clock)."""
    import duckdb

    digest = hashlib.sha256(f"{TODAY}|{dt.date.today()}|{duckdb.__version__}".encode())
    for folder in DEMO_SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".duckdb", ".wal"):
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def cached_demo(target: Path) -> None:
    """Write the demo database built as of TODAY at ``target``: a copy of the one an earlier run
    built from the same files when there is one (building takes about 12 s), else built and kept
    for the next runs in the temporary root's lda-demo-cache folder."""
    from loaders.demo import build_demo

    folder = Path(os.environ.get("PYTEST_DEBUG_TEMPROOT") or tempfile.gettempdir()) / "lda-demo-cache"
    folder.mkdir(exist_ok=True)
    kept = folder / f"demo-{demo_key()}.duckdb"
    if kept.exists():
        shutil.copy(kept, target)
        return
    build_demo(target, today=TODAY)
    partial = folder / f".{kept.name}.{os.getpid()}"
    shutil.copy(target, partial)
    os.replace(partial, kept)  # whole or absent, whatever another run does at the same time
    for old in sorted(folder.glob("demo-*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)[DEMO_CACHE_KEPT:]:
        old.unlink(missing_ok=True)


def once_per_run(tmp_path_factory, name: str, make) -> Path:
    """The file ``name`` written by ``make(path)`` once per run: under pytest-xdist (`make test-fast`,
    ``-n``) the first worker makes it in the run's shared temporary directory while the others
    wait on the lock, then each reads the same file; without it, in the process's own directory."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        path = tmp_path_factory.mktemp(Path(name).stem) / name
        make(path)
        return path
    shared = tmp_path_factory.getbasetemp().parent
    path = shared / name
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / f"{name}.built").exists():
            make(path)
            (shared / f"{name}.built").touch()
    return path


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo database, built once per run (or copied from an earlier run's, cached_demo()), read
    by every worker (every test copies it before use)."""
    return once_per_run(tmp_path_factory, "demo.duckdb", cached_demo)


@pytest.fixture(scope="module")
def demo_module_db(demo_template, tmp_path_factory) -> Path:
    """A copy of the demo database shared by the tests of one module that only read it."""
    path = tmp_path_factory.mktemp("demo-module") / "demo.duckdb"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture(scope="session")
def demo_session_db(demo_template, tmp_path_factory) -> Path:
    """A copy of the demo database shared by every test of the process that only reads it."""
    path = tmp_path_factory.mktemp("demo-session") / "demo.duckdb"
    shutil.copy(demo_template, path)
    return path


def database_state(path: Path) -> tuple:
    """What a write to the database at ``path`` changes: its data version, its file's size and time,
    its write-ahead log's (where a write goes while another connection keeps the database open)."""
    with store.connect(path) as con:
        version = store.data_version(con)
    info = path.stat()
    wal = path.with_name(path.name + ".wal")
    log = (wal.stat().st_size, wal.stat().st_mtime_ns) if wal.exists() else None
    return version, info.st_size, info.st_mtime_ns, log


@contextlib.contextmanager
def unchanged(path: Path):
    """Fails when the database at ``path``, shared by tests that only read it, was changed inside."""
    before = database_state(path)
    yield path
    assert database_state(path) == before, \
        f"the shared database {path} was changed: a test that writes needs a copy of its own"


@pytest.fixture
def demo_shared(demo_session_db, monkeypatch) -> Path:
    """demo_session_db for a test whose pages only read it, LDA_DB pointing to it: its page runs share
    Streamlit's caches (keyed on the database and its data version) with the other such tests of
    the process, as the sessions of one server do, instead of computing every read and figure anew
    on a copy of their own (demo_db). A test that changed the database fails when it ends."""
    monkeypatch.setenv("LDA_DB", str(demo_session_db))
    with unchanged(demo_session_db):
        yield demo_session_db


@pytest.fixture(scope="session")
def decks(demo_session_db, tmp_path_factory) -> dict:
    """The decks of tests/decks.py (build_decks), built once per run on the demo database (about 3 s
    to build; under pytest-xdist the other workers read them back, once_per_run()): every export
    test module reads the same ones."""
    from pptx import Presentation

    from tests.decks import build_decks

    def make(path: Path) -> None:
        folder = path.with_suffix("")
        folder.mkdir()
        built = build_decks(demo_session_db, folder)
        path.write_bytes(pickle.dumps({name: (deck, file) for name, (deck, _prs, file) in built.items()}))

    kept = pickle.loads(once_per_run(tmp_path_factory, "decks.pickle", make).read_bytes())
    return {name: (deck, Presentation(file), file) for name, (deck, file) in kept.items()}


@pytest.fixture
def demo_db(demo_template, tmp_path) -> Path:
    """A copy of the demo database built as of TODAY."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, path)
    return path


# The database fixtures a keeper connection is held on (keep_the_databases_open).
KEPT_FIXTURES = ("db", "demo_db", "demo_module_db", "demo_session_db", "demo_shared")
_KEEPERS: dict[Path, object] = {}  # path -> the connection that keeps its database open


def _close_keepers(paths=None) -> None:
    for path in list(_KEEPERS) if paths is None else paths:
        if (con := _KEEPERS.pop(path, None)) is not None:
            con.close()


@pytest.fixture(autouse=True)
def keep_the_databases_open(request, monkeypatch):
    """Once the code has opened one of the test's databases (the fixtures of KEPT_FIXTURES), holds
    one more connection on it as long as it is in use (the shared copies of the demo, from one test
    to the next): DuckDB then opens every further connection to it in about 0.4 ms instead of
    starting the database anew (about 14 ms) and checkpointing it when the last one closes (about
    3 ms), which a test that imports, reads and runs a page paid several times. What the code does
    is unchanged: it connects and closes as under the app. A test that starts a process (which must
    open the file itself) or a browser runs with no keeper at all."""
    if request.node.get_closest_marker("subprocess") or request.node.get_closest_marker("browser"):
        _close_keepers()
        yield
        return
    shared, own = set(), set()
    for name in KEPT_FIXTURES:
        if name in request.fixturenames:
            path = Path(request.getfixturevalue(name)).resolve()
            (own if name in ("db", "demo_db") else shared).add(path)
    if not (own or shared):
        yield
        return
    real_open = store._open

    def open_and_keep(path, wait_s):
        con = real_open(path, wait_s)
        key = Path(path).resolve()
        if key not in _KEEPERS and key in own | shared:
            _KEEPERS[key] = real_open(path, wait_s)  # cheap: the database is open already
        return con

    monkeypatch.setattr(store, "_open", open_and_keep)
    yield
    _close_keepers(own)


def pytest_sessionfinish(session):
    _close_keepers()


@pytest.fixture(autouse=True)
def python_processes_only_when_marked(request, monkeypatch):
    """A test that starts a Python process must say so (marker ``subprocess``, skipped by
    `make test-fast`); otherwise it fails here instead of silently slowing the fast suite down."""
    if request.node.get_closest_marker("subprocess") or request.node.get_closest_marker("browser"):
        return
    import subprocess
    import sys

    real_init = subprocess.Popen.__init__

    def guarded_init(self, args, *rest, **kwargs):
        program = args[0] if isinstance(args, (list, tuple)) and args else args
        if str(program) == sys.executable:
            raise AssertionError(f"{request.node.nodeid} starts a Python process: mark it "
                                 "@pytest.mark.subprocess (make test-fast skips those)")
        real_init(self, args, *rest, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", guarded_init)
