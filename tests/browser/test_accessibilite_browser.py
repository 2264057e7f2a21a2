"""Accessibility (RGAA 4.1) checked by axe-core in the real browser, for every demo role and every
page its navigation offers: the settled page, then with its expanders, tabs and popovers open.

Fails on any serious or critical violation caused by the project's own content. A violation that
comes from Streamlit's own markup is matched to docs/accessibilite/limites_streamlit.json (rule,
selector pattern, Streamlit's GitHub issue) and stated in the accessibility statement. The run's
results go to tests/artifacts/accessibilite/resultats.json; with LDA_ECRIRE_RESULTATS=1 (``make
accessibilite``) to docs/accessibilite/resultats.json too, which the page « Accessibilité » reads:
the last test compares the committed file with this run, so the statement cannot drift."""

from __future__ import annotations

import json
import os

import pytest
from playwright.sync_api import expect

from data.access import LIBELLES_ROLES, ROLES
from pages.components import accessibilite as a11y
from tests.browser.axe import TAGS, audit_page, axe_version
from tests.browser.conftest import ARTIFACTS, assert_no_exception, choose_option, open_page, wait_run

pytestmark = pytest.mark.browser
GRAVES = {"serious", "critical"}
ECRIRE = "LDA_ECRIRE_RESULTATS"


@pytest.fixture(scope="module")
def resultats(browser):
    """The pages audited in this module's run; written out at the end of the module."""
    found: list[dict] = []
    yield found
    if not found:
        return
    run = a11y.resultats_du_controle(found, outil=f"axe-core {axe_version()}",
                                     navigateur=f"Chromium {browser.version}", regles=TAGS)
    path = ARTIFACTS / "accessibilite" / "resultats.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(a11y.json_resultats(run), encoding="utf-8")


def _pages_offered(page) -> list[str]:
    # each link reads "icon name" then the title: the icon is a Material ligature, hidden from readers
    return [t.strip().splitlines()[-1] for t in page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()]


_HEADINGS_JS = """() => [...document.querySelectorAll('[data-testid="stMain"] :is(h1, h2, h3, h4, h5, h6)')]
                        .map(h => Number(h.tagName[1]))"""


def _structure(page) -> list[str]:
    """What axe-core does not check: the document's language is French (Streamlit writes "en"), one
    h1, headings in order (no level skipped going down)."""
    problems = []
    lang = page.evaluate("document.documentElement.lang")
    if lang != "fr":
        problems.append(f"langue du document « {lang} » au lieu de « fr »")
    levels = page.evaluate(_HEADINGS_JS)
    if levels.count(1) != 1:
        problems.append(f"{levels.count(1)} titres de niveau 1 (un seul attendu)")
    skips = [f"h{a} suivi de h{b}" for a, b in zip(levels, levels[1:]) if b > a + 1]
    if skips:
        problems.append("niveaux de titres sautés : " + ", ".join(sorted(set(skips))))
    return problems


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['regle']} [{v['impact']}] {v['aide']} ({v['elements']} élément(s))")
        lines += [f"    {n['etat']} | {n['target']} | {n['html'][:200]}" for n in v["noeuds"][:5]]
    return "\n".join(lines)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_offered_to_the_role_has_no_serious_violation_of_its_own(page, base_url, role, resultats):
    open_page(page, base_url, "/")
    if role != "national":
        choose_option(page, "Profil de démonstration", LIBELLES_ROLES[role])
    offered = _pages_offered(page)
    assert "Accueil" in offered and len(offered) >= 4
    failures = []
    for name in offered:
        page.locator('[data-testid="stSidebarNav"] a').filter(has_text=name).first.click()
        wait_run(page)
        expect(page.locator("h1").first).to_be_visible()
        assert_no_exception(page)
        failures += [f"{name} ({LIBELLES_ROLES[role]}) : {p}" for p in _structure(page)]
        found = audit_page(page)  # leaves the expanders open: the selectors count their content too
        comptes = {regle: page.locator(css).count() for regle, css in a11y.selecteurs().items()}
        classes = a11y.classer(found, comptes)
        resultats.append({"role": role, "page": name, "chemin": page.url.replace(base_url, "") or "/",
                          "violations": classes})
        own = [v for v in classes if v["proprietaire"] == a11y.PROJET and v["impact"] in GRAVES]
        if own:
            failures.append(f"{name} ({LIBELLES_ROLES[role]}):\n{_describe(own)}")
    assert not failures, "violations graves du projet :\n" + "\n".join(failures)


def test_committed_results_are_those_of_this_run(resultats, browser):
    """docs/accessibilite/resultats.json (what the statement says) holds the findings of this run."""
    if {p["role"] for p in resultats} != set(ROLES):
        pytest.skip("every role's audit must run first (run the whole module)")
    this_run = a11y.resultats_du_controle(resultats, outil=f"axe-core {axe_version()}",
                                          navigateur=f"Chromium {browser.version}", regles=TAGS)
    if os.environ.get(ECRIRE) == "1":
        a11y.RESULTATS.write_text(a11y.json_resultats(this_run), encoding="utf-8")
    committed = json.loads(a11y.RESULTATS.read_text(encoding="utf-8"))
    assert a11y.constats(committed) == a11y.constats(this_run), (
        f"{a11y.RESULTATS} does not match this run: run `make accessibilite` and commit it")
