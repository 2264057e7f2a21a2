"""The dashboard's pages and which of them a person is offered in the sidebar.

A page a person may not use is still registered, hidden: its address then opens the page itself,
which refuses in French (the pages check the person where they read and write). Left unregistered,
its address would get Streamlit's English « Page not found » dialog instead."""

from __future__ import annotations

from dataclasses import dataclass

from data.access import Personne


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str
    title: str
    icon: str


PAGES = (
    PageSpec("accueil", "pages/accueil.py", "Accueil", ":material/home:"),
    PageSpec("pilotage", "pages/pilotage.py", "Pilotage national", ":material/map:"),
    PageSpec("territoire", "pages/territoire.py", "Mon territoire", ":material/location_city:"),
    PageSpec("methode", "pages/methode.py", "Indicateurs et méthode", ":material/menu_book:"),
    PageSpec("presentation", "pages/presentation.py", "Présentation", ":material/slideshow:"),
    PageSpec("depot", "pages/depot.py", "Déposer des données", ":material/upload_file:"),
    PageSpec("administration", "pages/administration.py", "Administration", ":material/admin_panel_settings:"),
    # the accessibility statement: every role, and the sign-in pages too (auth._only_page)
    PageSpec("accessibilite", "pages/accessibilite.py", "Accessibilité", ":material/accessibility:"),
)
ACCESSIBILITE = PAGES[-1]


def offered(person: Personne) -> dict[str, bool]:
    """For each page key, whether ``person`` sees it in the navigation."""
    restricted = {"depot": person.peut_deposer(), "administration": person.peut_administrer}
    return {page.key: restricted.get(page.key, True) for page in PAGES}
