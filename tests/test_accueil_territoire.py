"""The home page's « Mon territoire » section for a person with a territory (issue 17): its
statuses at the reference quarter as the engine counts them, what it still owes, and the links."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from data import store
from data.access import Personne
from indicators import status
from core import quarters
from indicators import views
from indicators import territoire as terr
from tests.conftest import TODAY
from tests.apptest import as_persona

NATIONAL = Personne("n@dihal.gouv.fr", "national")
LATE = "84007"  # in the demo, owes 2026-T1 to 2026-T3


@pytest.fixture
def home(demo_shared):
    return lambda role, territoire=None: as_persona("pages/accueil.py", role, territoire)


def links(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("[")] + [p.proto.label for p in at.get("page_link")]


def test_a_coordinator_sees_the_statuses_and_what_their_territory_still_owes(home, demo_db):
    at = home("coordinateur", LATE)
    quarter = quarters.last_complete(TODAY)
    with store.connect(demo_db) as con:
        prog = terr.progression_territoire(con, LATE, quarter, NATIONAL)
        nom = con.execute("SELECT nom FROM territoire WHERE code = ?", [LATE]).fetchall()[0][0]
    assert at.header[0].value == f"Mon territoire — {nom}"
    counts = views.comptes_statuts(prog)
    expected = {status.affichage(s): str(n) for s, n in zip(counts["statut"], counts["Nombre"]) if n}
    shown = {m.label: m.value for m in at.metric if m.label in {status.affichage(s) for s in status.STATUTS}}
    assert shown == expected and sum(map(int, shown.values())) == len(prog)
    owed = next(w.value for w in at.warning if w.value.startswith("**À compléter**"))
    assert "(3 trimestres)" in owed and "T1 2026" in owed and "T3 2026" in owed and "sur " in owed
    found = links(at)
    assert any("Voir la page d'Avignon" in t and f"territoire={LATE}" in t for t in found), found
    assert any("Déposer des données" in t for t in found), found


def test_services_de_l_etat_get_no_upload_link_and_national_no_section(home):
    at = home("services_etat", LATE)
    assert at.header[0].value.startswith("Mon territoire — ")
    assert not any("Déposer des données" in t for t in links(at))
    at = home("national")
    assert not any(h.value.startswith("Mon territoire") for h in at.header)


def test_a_roadmap_not_started_yet_expects_nothing(home):
    at = home("coordinateur", "974")
    assert any("commence au T4 2026 : rien n'est encore attendu" in c.value for c in at.caption)
    assert not any(w.value.startswith("**À compléter**") for w in at.warning)


def test_through_the_app_the_links_open_the_registered_pages(home):
    at = as_persona("app.py", "coordinateur", LATE)  # ``home`` points LDA_DB at the demo copy
    assert at.header[0].value.startswith("Mon territoire — ")
    targets = {p.proto.label: p.proto.page for p in at.get("page_link")}
    assert [page for label, page in targets.items() if label.startswith("Voir la page d'Avignon")] == ["territoire"]
    assert [page for label, page in targets.items() if label.startswith("Déposer des données")] == ["depot"]
    link = next(p for p in at.get("page_link") if p.proto.label.startswith("Voir la page d'Avignon"))
    assert LATE in link.proto.query_string
