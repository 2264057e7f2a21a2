"""Real-browser harness: one Streamlit server on a copy of the demo database and one headless Chromium
per session, a fresh browser context per test, every request leaving localhost aborted and recorded.

Fixtures (for page tests):
  app_server    session  StreamlitServer: .base_url, .db_path (the server's copy), .log_tail()
  base_url      session  "http://127.0.0.1:PORT" of that server
  browser       session  Playwright Browser (Debian's /usr/bin/chromium, no outside connections)
  page_log      function PageLog of the current test: outside_requests, console_errors, page_errors
  page          function Playwright Page in a new fr-FR context; teardown fails the test when the
                         page tried to reach anything but localhost or raised an uncaught JS error
  screenshot    function screenshot(suffix="") -> Path: full-page PNG in tests/artifacts/ named
                         after the test
Helpers:
  launch_server(db_path, workdir, extra_args=())  another Streamlit server (e.g. with secrets); stop() it
  the page helpers (open_page, wait_run, choose_option, assert_*, save_screenshot) are in
  tests/browser/helpers.py; they are importable from here too, as before.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import (  # noqa: F401 (re-exported: the tests import them from here)
    ACTION_TIMEOUT_MS,
    ARTIFACTS,
    VIEWPORT,
    PageLog,
    _artifact_path,
    assert_no_browser_errors,
    assert_no_exception,
    assert_offline,
    choose_option,
    open_page,
    save_screenshot,
    wait_run,
)
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Playwright adds --headless, --no-sandbox and a fresh temporary --user-data-dir itself (it refuses a
# --user-data-dir argument); the rest keeps Chromium's own background traffic off the network.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT_S = 30
SERVER_STOP_TIMEOUT_S = 10


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _missing(message: str) -> None:
    """Under CI a missing browser is a failure, locally a skip (``make test`` installs chromium)."""
    if _in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Every test in this folder is a browser test, even if its author forgot the marker; tryfirst so
    that ``-m "not browser"`` sees the marker."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item so the page fixture knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# ---------------------------------------------------------------- the Streamlit server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class StreamlitServer:
    base_url: str
    db_path: Path
    process: subprocess.Popen
    stdout_path: Path
    stderr_path: Path

    def log_tail(self, lines: int = 40) -> str:
        """The end of the server's stderr and stdout (tracebacks land there: the app hides them)."""
        parts = []
        for name, path in (("stderr", self.stderr_path), ("stdout", self.stdout_path)):
            text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
            tail = "\n".join(text.splitlines()[-lines:])
            parts.append(f"--- server {name} (last {lines} lines) ---\n{tail or '(empty)'}")
        return "\n".join(parts)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=SERVER_STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=SERVER_STOP_TIMEOUT_S)


def _health_ok(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=1) as resp:
            return resp.status == 200 and resp.read().decode().strip() == "ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def _start_server(db_path: Path, workdir: Path, attempt: int, extra_args: tuple[str, ...] = ()) -> StreamlitServer:
    port = _free_port()
    stdout_path = workdir / f"streamlit-{attempt}.out"
    stderr_path = workdir / f"streamlit-{attempt}.err"
    env = dict(os.environ, LDA_DB=str(db_path), PYTHONUNBUFFERED="1")
    cmd = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        # Other people edit the tree while tests run: no file watching, no rerun on save.
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        *extra_args,
    ]
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL)
    return StreamlitServer(f"http://127.0.0.1:{port}", db_path, process, stdout_path, stderr_path)


def launch_server(db_path: Path, workdir: Path, extra_args: tuple[str, ...] = ()) -> StreamlitServer:
    """``streamlit run app.py`` on a free localhost port reading ``db_path`` (``extra_args`` are more
    ``streamlit run`` options, e.g. ``--secrets.files``); fails the test if it never answers."""
    failures = []
    for attempt in range(1, 4):  # the free port can be taken between probing and binding
        server = _start_server(db_path, workdir, attempt, extra_args)
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while time.monotonic() < deadline and server.process.poll() is None:
            if _health_ok(server.base_url):
                break
            time.sleep(0.1)
        if server.process.poll() is None and _health_ok(server.base_url):
            break
        server.stop()
        log = server.log_tail()
        failures.append(f"attempt {attempt}: exit code {server.process.returncode}\n{log}")
        if "address already in use" not in log.lower():
            break
    else:
        server = None
    if server is None or server.process.returncode is not None:
        pytest.fail(
            f"The Streamlit server did not answer 'ok' on /_stcore/health within "
            f"{SERVER_START_TIMEOUT_S} s.\n" + "\n\n".join(failures),
            pytrace=False,
        )
    return server


@pytest.fixture(scope="session")
def app_server(demo_template, tmp_path_factory) -> StreamlitServer:
    """``streamlit run app.py`` on a free localhost port, reading its own copy of the demo database."""
    workdir = tmp_path_factory.mktemp("serveur")
    db_path = workdir / "demo.duckdb"
    shutil.copy(demo_template, db_path)
    server = launch_server(db_path, workdir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(app_server) -> str:
    return app_server.base_url


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright's sync API, one per session."""
    if not CHROMIUM.exists():
        _missing(f"{CHROMIUM} is missing: install Debian's chromium (make chromium) to run browser tests.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        _missing(f"Playwright is not installed ({exc}): pip install -r requirements.txt.")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     chromium_sandbox=False, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:  # never touch the network
        return True
    return parts.scheme in {"http", "https", "ws", "wss"} and (parts.hostname or "") in LOCAL_HOSTS


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def page(browser, app_server, page_log, request):
    """A page in a fresh context (French locale, Paris time); nothing may leave localhost."""
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport=VIEWPORT,
                                  service_workers="block")  # a service worker would bypass routing
    context.set_default_timeout(ACTION_TIMEOUT_MS)

    def route(route):
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            page_log.outside_requests.append(f"{route.request.method} {url}")
            route.abort("blockedbyclient")

    def route_ws(ws):
        page_log.outside_requests.append(f"WEBSOCKET {ws.url}")
        ws.close()

    context.route("**/*", route)
    context.route_web_socket(lambda url: not _is_local(url), route_ws)
    pg = context.new_page()
    pg.on("console", lambda msg: msg.type == "error" and page_log.console_errors.append(
        f"{msg.text} ({msg.location.get('url', '')})"))
    pg.on("pageerror", lambda exc: page_log.page_errors.append(str(exc)))
    yield pg

    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed and not pg.is_closed():
        try:
            save_screenshot(pg, _artifact_path(request.node.name, "echec"))
        except Exception:  # a failure screenshot must never hide the test's own failure
            pass
    context.close()
    problems = []
    if page_log.outside_requests:
        problems.append("requests outside localhost (aborted):\n  " + "\n  ".join(page_log.outside_requests))
    if page_log.page_errors:
        problems.append("uncaught JavaScript errors:\n  " + "\n  ".join(page_log.page_errors))
    if problems:
        pytest.fail("The page is not self-contained: " + "\n".join(problems), pytrace=False)


@pytest.fixture
def screenshot(page, request):
    """``screenshot(suffix="")`` saves tests/artifacts/<test name>[-suffix].png and returns its path."""

    def take(suffix: str = "") -> Path:
        return save_screenshot(page, _artifact_path(request.node.name, suffix))

    return take
