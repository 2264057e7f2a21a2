"""axe-core in the page: injected from node_modules (offline, pinned by package-lock.json), run on
the settled page and again with each tab, expander and popover open, its violations merged.

Helpers:
  axe_source()            the text of node_modules/axe-core/axe.min.js (``make axe`` installs it)
  axe_version()           its version, from node_modules/axe-core/package.json
  run_axe(page)           violations of the page as it is now (RGAA / WCAG 2.1 A and AA tags)
  audit_page(page)        the settled page, then every expander opened, each tab, each popover
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT

AXE_DIR = ROOT / "node_modules" / "axe-core"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "RGAAv4"]

_RUN_JS = """
async ([tags, locale]) => {
  if (locale && !window.__ldaAxeLocale) { axe.configure({locale}); window.__ldaAxeLocale = true; }
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, tags: v.tags, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.map(t => Array.isArray(t) ? t.join(' >> ') : t).join(' '),
                              html: n.html.slice(0, 300), impact: n.impact,
                              summary: (n.failureSummary || '').slice(0, 400)})),
  }));
}
"""


def axe_source() -> str:
    path = AXE_DIR / "axe.min.js"
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make axe` (npm ci installs the pinned axe-core).")
    return path.read_text(encoding="utf-8")


def axe_version() -> str:
    return json.loads((AXE_DIR / "package.json").read_text(encoding="utf-8"))["version"]


def _locale() -> dict | None:
    path = AXE_DIR / "locales" / "fr.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def run_axe(page, source: str | None = None, tags: list[str] | None = None) -> list[dict]:
    """axe-core's violations on the page as it is now (the script is added once per document), for
    the rules of ``tags`` (default TAGS)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=source or axe_source())
    return page.evaluate(_RUN_JS, [tags or TAGS, _locale()])


def _settle(page, ms: int = 400) -> None:
    page.wait_for_timeout(ms)
    page.wait_for_function(
        """() => { const a = document.querySelector('[data-testid="stApp"]');
                   return a && a.getAttribute('data-test-script-state') === 'notRunning'
                          && !document.querySelector('[data-testid="stSkeleton"]'); }""",
        timeout=30_000)


def merge(into: dict, violations: list[dict], state: str) -> None:
    """Add ``violations`` to ``into`` (rule id -> violation), one node per target, noting the state
    of the page (settled, an expander opened, a tab, a popover) where it was first seen."""
    for v in violations:
        seen = into.setdefault(v["id"], {**v, "nodes": []})
        targets = {n["target"] for n in seen["nodes"]}
        for node in v["nodes"]:
            if node["target"] not in targets:
                seen["nodes"].append({**node, "etat": state})
                targets.add(node["target"])


def audit_page(page) -> dict:
    """Rule id -> violation (nodes merged) over the page's states: as settled, with every expander
    open, on each tab of every tab list, with each popover open."""
    source = axe_source()
    found: dict = {}
    merge(found, run_axe(page, source), "page")
    closed = page.locator('[data-testid="stExpander"] details:not([open]) > summary')
    for _ in range(closed.count()):
        closed.first.click()
        _settle(page, 200)
    if page.locator('[data-testid="stExpander"]').count():
        merge(found, run_axe(page, source), "sections dépliées")
    tabs = page.locator('[data-testid="stTabs"] [role="tab"]')
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        if tab.get_attribute("aria-selected") != "true":
            tab.click()
            _settle(page, 200)
            merge(found, run_axe(page, source), f"onglet « {tab.inner_text().strip()} »")
    popovers = page.locator('[data-testid="stPopover"] button')
    for i in range(popovers.count()):
        button = popovers.nth(i)
        button.scroll_into_view_if_needed()
        label = button.inner_text().strip()
        button.click()
        page.locator('[data-testid="stPopoverBody"]').first.wait_for(state="visible")
        merge(found, run_axe(page, source), f"fenêtre « {label} »")
        page.keyboard.press("Escape")
        page.wait_for_timeout(200)
    return found
