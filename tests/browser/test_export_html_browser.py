"""The offline HTML exports as a user gets them (issue 15): written by the command line of
presentation.md (`python -m exports club|fiche|note --out FILE.html`), opened from disk (file://) in
headless Chromium with every request that is not a file aborted, then checked for what a screen
reader needs: French document language, one h1, header and main landmarks, table headers with their
scope, and no serious or critical axe-core violation (WCAG 2.0 / 2.1, A and AA).
tests/browser/test_exports_html_browser.py checks the charts drawn from the file alone; both open the file
with tests/browser/helpers.open_offline."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from core import quarters
from data import store
from tests.browser.axe import axe_source, run_axe
from tests.browser.helpers import open_offline
from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.subprocess]
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
GRAVES = {"serious", "critical"}
CLI_TIMEOUT_S = 300

_STRUCTURE_JS = """
() => ({
  lang: document.documentElement.getAttribute('lang'),
  h1: document.querySelectorAll('h1').length,
  // a header outside article/aside/main/nav/section is the banner landmark
  banner: [...document.querySelectorAll('header')].filter(h => !h.closest('article, aside, main, nav, section')).length,
  main: document.querySelectorAll('main').length,
  tables: document.querySelectorAll('table').length,
  th: document.querySelectorAll('th').length,
  thWithoutScope: [...document.querySelectorAll('th')].filter(th => !['col', 'row'].includes(th.getAttribute('scope'))).length,
  tablesWithoutColumnHeaders: [...document.querySelectorAll('table')].filter(t => !t.querySelector('thead th[scope="col"]')).length,
  headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].map(h => Number(h.tagName[1])),
})
"""


@pytest.fixture(scope="module")
def exports_html(demo_module_db, tmp_path_factory):
    """The three .html files written by ``python -m exports`` on a copy of the demo database."""
    folder = tmp_path_factory.mktemp("export-html")
    with store.connect(demo_module_db) as con:
        (code,), = con.execute("SELECT min(code) FROM territoire WHERE actif").fetchall()
    commands = {"club": ["club"], "fiche": ["fiche", "--territory", code], "note": ["note"]}
    files = {}
    for name, args in commands.items():
        out = folder / f"{name}.html"
        run = subprocess.run([sys.executable, "-m", "exports", *args, "--db", str(demo_module_db), "--out", str(out)],
                             cwd=ROOT, capture_output=True, text=True, timeout=CLI_TIMEOUT_S)
        assert run.returncode == 0, f"python -m exports {' '.join(args)}: exit {run.returncode}\n{run.stderr}"
        # presentation.md: prints the file's path and the number of slides
        assert re.fullmatch(rf"{re.escape(str(out))} : \d+ diapositives \({re.escape(quarters.label(quarters.last_complete()))}\)\.\n",
                            run.stdout), run.stdout
        files[name] = out
    return files


def _describe(violations: list[dict]) -> str:
    return "\n".join(f"- {v['id']} [{v['impact']}] {v['help']}: "
                     + "; ".join(f"{n['target']} {n['html'][:160]}" for n in v["nodes"][:4]) for v in violations)


@pytest.mark.parametrize("name", ["club", "fiche", "note"])
def test_the_html_export_renders_offline_and_is_accessible(browser, exports_html, name):
    opened = open_offline(browser, exports_html[name])
    page = opened.page
    try:
        charts = page.locator(".js-plotly-plot")
        if charts.count():  # every chart drawn by the plotly.js inside the file
            page.wait_for_function("n => document.querySelectorAll('.js-plotly-plot .main-svg').length >= n",
                                   arg=charts.count())
        structure = page.evaluate(_STRUCTURE_JS)
        violations = run_axe(page, axe_source(), TAGS)
        title = page.title()
    finally:
        opened.context.close()
    assert opened.outside() == [] and opened.refused == [], f"requests to the network: {opened.outside() or opened.refused}"
    assert opened.console == [] and opened.errors == [], f"console errors: {opened.console}, uncaught errors: {opened.errors}"
    assert title.strip()
    assert structure["lang"] == "fr"
    assert structure["h1"] == 1 and structure["headings"][0] == 1
    assert not [(a, b) for a, b in zip(structure["headings"], structure["headings"][1:]) if b > a + 1], structure["headings"]
    assert structure["banner"] == 1 and structure["main"] == 1
    assert structure["tables"] >= 1 and structure["th"] >= 1
    assert structure["thWithoutScope"] == 0 and structure["tablesWithoutColumnHeaders"] == 0, structure
    graves = [v for v in violations if v["impact"] in GRAVES]
    assert graves == [], "serious or critical axe-core violations:\n" + _describe(graves)
