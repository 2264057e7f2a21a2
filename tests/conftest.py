"""Shared fixtures: every test gets its own temporary database, copied from a template built once
(the schema and reference data are applied exactly as the app and the CLI apply them)."""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
from pathlib import Path

import pytest

from data import store

ROOT = Path(__file__).resolve().parent.parent
FILES = Path(__file__).resolve().parent / "fichiers"
# Tests run as if today were this day, so quarter rules do not drift with the calendar.
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def demo_switch(monkeypatch):
    """Pages run in demonstration mode on any test database (LDA_DEMO=1, as documented); the tests
    of the closed mode remove the switch."""
    monkeypatch.setenv("LDA_DEMO", "1")


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


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo database, built once per run: under pytest-xdist (`make test-fast`, ``-n``) the
    first worker builds it in the run's shared temporary directory while the others wait on the
    lock, then each reads the same file (every test copies it before use)."""
    from loaders.demo import build_demo

    if not os.environ.get("PYTEST_XDIST_WORKER"):
        path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
        build_demo(path, today=TODAY)
        return path
    shared = tmp_path_factory.getbasetemp().parent
    path = shared / "demo.duckdb"
    with open(shared / "demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "demo.built").exists():
            build_demo(path, today=TODAY)
            (shared / "demo.built").touch()
    return path


@pytest.fixture(scope="module")
def demo_module_db(demo_template, tmp_path_factory) -> Path:
    """A copy of the demo database shared by the tests of one module that only read it."""
    path = tmp_path_factory.mktemp("demo-module") / "demo.duckdb"
    shutil.copy(demo_template, path)
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path) -> Path:
    """A copy of the demo database built as of TODAY."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_template, path)
    return path


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
