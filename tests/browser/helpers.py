"""Helpers of the real-browser tests (the fixtures are in tests/browser/conftest.py):
  open_page(page, base_url, path)   navigate and wait until Streamlit has finished the run
  wait_run(page)                    wait for the run an action started to end
  choose_option(page, label, option) pick an option of a select box (retries while the app settles)
  assert_no_exception(page)         no Streamlit exception block on the page
  assert_offline(page_log)          no request left localhost
  assert_no_browser_errors(page_log) no console error, no uncaught JS error
  save_screenshot(page, path)       full-page PNG (Streamlit scrolls inside stMain, not the body)
  PageLog                           what a page did that a test may have to refuse
  grid_headers(grid), grid_rows(grid) a data grid's column names and drawn rows (its accessible table)
  edit_grid_cell(page, grid, row, column, text) type into a cell of an editable grid
  upload(page, data, name)          drop a file on an upload widget
  open_as_coordinator(page, base_url, code, nom) the demo coordinator persona of a territory
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.conftest import ROOT

ARTIFACTS = ROOT / "tests" / "artifacts"
PAGE_READY_TIMEOUT_MS = 30_000
# Streamlit can mount a skeleton just after the run ends (lazy-loaded components such as the data
# grid): the page counts as ready only once the ready state has held this long.
PAGE_QUIET_MS = 300
ACTION_TIMEOUT_MS = 15_000
VIEWPORT = {"width": 1280, "height": 800}
MAX_SCREENSHOT_HEIGHT = 16_000


@dataclass
class PageLog:
    """What the page did that a test may have to refuse."""

    outside_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)



_READY_JS = """
([quietMs]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const ready = !!app
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && (app.getAttribute('data-test-connection-state') ?? 'CONNECTED') === 'CONNECTED'
    && !document.querySelector('[data-testid="stSkeleton"]');
  if (!ready) { window.__ldaReadySince = undefined; return false; }
  window.__ldaReadySince ??= performance.now();
  return performance.now() - window.__ldaReadySince >= quietMs;
}
"""

_STATE_JS = """
() => {
  const app = document.querySelector('[data-testid="stApp"]');
  return {
    stApp: !!app,
    scriptState: app && app.getAttribute('data-test-script-state'),
    connectionState: app && app.getAttribute('data-test-connection-state'),
    skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
  };
}
"""


def open_page(page, base_url: str, path: str = "/", timeout_ms: int = PAGE_READY_TIMEOUT_MS):
    """Go to ``path`` and wait until the script run is over and nothing is still loading."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    url = base_url.rstrip("/") + "/" + path.lstrip("/")
    page.goto(url, wait_until="domcontentloaded", timeout=timeout_ms)
    try:
        page.wait_for_function(_READY_JS, arg=[PAGE_QUIET_MS], timeout=timeout_ms)
    except PlaywrightTimeout:
        state = page.evaluate(_STATE_JS)
        raise AssertionError(
            f"{url} was not ready after {timeout_ms / 1000:.0f} s "
            f"(expected stApp data-test-script-state=notRunning, connection CONNECTED and no "
            f"stSkeleton); state seen: {state}"
        ) from None
    return page


def wait_run(page) -> None:
    """After an action: let Streamlit start the run it triggers, then wait until it has ended."""
    page.wait_for_timeout(300)
    page.wait_for_function(
        """() => { const a = document.querySelector('[data-testid="stApp"]');
                   return a && a.getAttribute('data-test-script-state') === 'notRunning'; }""",
        timeout=PAGE_READY_TIMEOUT_MS)


def choose_option(page, label: str, option: str, *, exact: bool = False) -> None:
    """Pick ``option`` in the select box ``label`` (``exact``: that label only, not one containing
    it). Just after the first load the app may still be settling and a selection made then can be
    lost: try again until the box shows it."""
    from playwright.sync_api import expect

    box = page.get_by_role("combobox", name=label, exact=exact)
    for _ in range(4):
        box.click()
        page.keyboard.type(option)  # filters the list down to that option
        expect(page.get_by_role("option", name=option)).to_have_count(1)
        page.keyboard.press("Enter")
        wait_run(page)
        page.wait_for_timeout(500)
        if box.input_value() == option:
            break
    expect(box).to_have_value(option)


def assert_no_exception(page) -> None:
    """No Streamlit exception block; the app hides details (showErrorDetails = none), so the
    server log holds the traceback."""
    blocks = page.locator('[data-testid="stException"]')
    if blocks.count():
        texts = [t.strip() for t in blocks.all_inner_texts()]
        raise AssertionError(
            f"{len(texts)} Streamlit exception block(s) on {page.url}:\n" + "\n---\n".join(texts)
            + "\n(see the server's stderr for the traceback: app_server.log_tail())"
        )


def assert_offline(page_log: PageLog) -> None:
    assert not page_log.outside_requests, (
        "the page tried to reach outside localhost:\n  " + "\n  ".join(page_log.outside_requests))


# Opened at a page's own URL (/pilotage), Streamlit's frontend first probes its server endpoints
# under that path, to find the base URL, and gets a 404 before trying the root: expected, harmless.
_BASE_PATH_PROBE = re.compile(r"404 .*\(http://[^/]+/[^_][^)]*/_stcore/(health|host-config)\)$")


def assert_no_browser_errors(page_log: PageLog) -> None:
    assert not page_log.page_errors, "uncaught JavaScript errors:\n  " + "\n  ".join(page_log.page_errors)
    errors = [e for e in page_log.console_errors if not _BASE_PATH_PROBE.search(e)]
    assert not errors, "console errors:\n  " + "\n  ".join(errors)


def _artifact_path(test_name: str, suffix: str = "") -> Path:
    name = re.sub(r"[^\w.-]+", "_", test_name).strip("_")
    return ARTIFACTS / (f"{name}-{suffix}.png" if suffix else f"{name}.png")


def save_screenshot(page, path: Path) -> Path:
    """Full-page PNG. Streamlit scrolls inside stMain, so Playwright's full_page alone stops at the
    viewport: the viewport is stretched to the content's height for the shot, then restored."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or VIEWPORT
    height_js = """() => { const m = document.querySelector('[data-testid="stMain"]');
                           return m ? m.scrollHeight : document.documentElement.scrollHeight; }"""
    try:
        for _ in range(3):  # a taller viewport can reflow the page: measure again
            height = min(page.evaluate(height_js), MAX_SCREENSHOT_HEIGHT)
            if height <= (page.viewport_size or size)["height"]:
                break
            page.set_viewport_size({"width": size["width"], "height": height})
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(size)
    return path


def grid_headers(grid) -> list[str]:
    """The column names of a Streamlit data grid (its accessible table mirrors the canvas)."""
    return [t.strip() for t in grid.locator("th").all_inner_texts()]


def grid_rows(grid) -> list[list[str]]:
    """The cells' text of the rows the grid has drawn (the first rows of a long table)."""
    rows = grid.locator("tr")
    return [[c.strip() for c in rows.nth(i).locator("td").all_inner_texts()] for i in range(1, rows.count())]


def edit_grid_cell(page, grid, row: int, column: str, text: str) -> None:
    """Type ``text`` in the cell of data row ``row`` (1 = first) and column ``column`` of an
    editable grid, as a person would: the grid draws on a canvas, so click the row's first cell
    (rows are 35 px high under a 35 px header), move right with the arrows, Enter opens the cell's
    editor (for a select column, typing filters its options), Enter again keeps the value. Each edit
    starts from a click: after a run, the grid's keyboard selection is not where it was."""
    grid.scroll_into_view_if_needed()
    box = grid.locator('[data-testid="data-grid-canvas"]').bounding_box()
    page.mouse.click(box["x"] + 20, box["y"] + 35 * row + 17)
    page.wait_for_timeout(300)
    for _ in range(grid_headers(grid).index(column)):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # opens the editor
    page.wait_for_timeout(300)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type(text)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    wait_run(page)
    page.wait_for_timeout(300)


def upload(page, data: bytes, name: str, mime: str = "text/csv", nth: int = 0) -> None:
    """Drop a file on the ``nth`` upload widget of the page and wait for the run it starts."""
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').nth(nth).set_input_files(
        files=[{"name": name, "mimeType": mime, "buffer": data}])
    wait_run(page)


def open_as_coordinator(page, base_url: str, code: str, nom: str, link: str | None = "Mon territoire") -> None:
    """Demonstration mode: choose the coordinator persona of territory ``code`` (named ``nom``), then
    follow the sidebar link ``link`` (none: stay on the home page). The persona lives in the browser
    session: loading another address afterwards starts again with the national profile."""
    open_page(page, base_url, "/")
    choose_option(page, "Profil de démonstration", "Coordination territoriale")
    choose_option(page, "Territoire du profil", f"{nom} ({code})")
    if link:
        page.get_by_role("link", name=link, exact=True).click()
        wait_run(page)


def mon_territoire(page, base_url: str, code: str, nom: str) -> None:
    """The coordinator persona of ``code`` on « Mon territoire », its title checked."""
    from playwright.sync_api import expect

    open_as_coordinator(page, base_url, code, nom)
    page.wait_for_url(f"**/territoire?territoire={code}*")
    wait_run(page)
    expect(page.locator("h1").first).to_have_text(nom)


@dataclass
class OfflineFile:
    """A file opened from disk (file://) with every request but the file itself aborted."""

    context: object
    page: object
    url: str
    requests: list[str] = field(default_factory=list)  # every request the page made
    refused: list[str] = field(default_factory=list)  # the aborted ones (web sockets included)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def outside(self) -> list[str]:
        """The requests for anything other than the file (inline data, blobs and blank pages aside)."""
        return [u for u in self.requests if u != self.url and urlsplit(u).scheme not in {"data", "blob", "about"}]


def open_offline(browser, path: Path) -> OfflineFile:
    """Open ``path`` in a new French context where only the file itself may load: no host at all,
    localhost included. The caller closes ``.context``."""
    own = path.resolve().as_uri()
    context = browser.new_context(locale="fr-FR", timezone_id="Europe/Paris", viewport=VIEWPORT,
                                  service_workers="block")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    opened = OfflineFile(context, None, own)

    def route(r):
        if r.request.url == own:
            r.continue_()
        else:
            opened.refused.append(r.request.url)
            r.abort("blockedbyclient")

    context.route("**/*", route)
    context.route_web_socket("**/*", lambda ws: (opened.refused.append(ws.url), ws.close()))
    page = opened.page = context.new_page()
    page.on("request", lambda r: opened.requests.append(r.url))
    page.on("console", lambda msg: msg.type == "error" and opened.console.append(msg.text))
    page.on("pageerror", lambda exc: opened.errors.append(str(exc)))
    try:
        page.goto(own, wait_until="load")
    except Exception:
        context.close()
        raise
    return opened
