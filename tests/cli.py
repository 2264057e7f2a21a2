"""Running a ``python -m`` command the two ways its tests need: as a real process (the contract
scripts and scheduled jobs see, marked ``subprocess``: `make test` only) and in this process through
the command's ``main(argv)`` (fast: `make test-fast`). Both return a CompletedProcess with the exit
code, the standard output and the standard error, so one test body checks both."""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import subprocess
import sys
from unittest import mock

import pytest

from tests.conftest import ROOT

IN_PROCESS, SUBPROCESS = "in-process", "subprocess"
# Parameters of a ``run`` fixture: each CLI test runs in this process, and again as a real process.
MODES = [pytest.param(IN_PROCESS, id=IN_PROCESS),
         pytest.param(SUBPROCESS, id=SUBPROCESS, marks=pytest.mark.subprocess)]


def run_process(module: str, *args, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m module args`` as a child process, from the project root."""
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout, env=env)


def run_in_process(module: str, *args, env: dict | None = None) -> subprocess.CompletedProcess:
    """``module.__main__.main(args)`` here, its output captured; ``env`` replaces os.environ meanwhile
    and a SystemExit (argparse's usage errors, -h) gives the exit code, as the process would."""
    main = importlib.import_module(f"{module}.__main__").main
    argv = [str(a) for a in args]
    out, err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True), io.StringIO()
    environ = mock.patch.dict(os.environ, env, clear=True) if env is not None else contextlib.nullcontext()
    with environ, contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out.flush()  # binary writes (sys.stdout.buffer) and text writes, in order
    return subprocess.CompletedProcess(["python", "-m", module, *argv], code,
                                       out.buffer.getvalue().decode("utf-8"), err.getvalue())


def runner(module: str, mode: str, timeout: float = 120):
    """``run(*args, env=None)`` for ``python -m module`` in the given mode."""
    if mode == SUBPROCESS:
        return lambda *args, env=None: run_process(module, *args, env=env, timeout=timeout)
    return lambda *args, env=None: run_in_process(module, *args, env=env)
