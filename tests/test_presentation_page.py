"""AppTest of the Présentation page: the deck shown one slide a screen (previous / next), the scope
and the kind of document, both downloads, and what a reader may see."""

from __future__ import annotations

import json

import pytest
from data import store
from indicators import national, status
from core import quarters
from indicators import views
from tests.test_roles_pages import run

PAGE = "pages/presentation.py"


@pytest.fixture
def page(demo_shared):
    """Open the page on the demo database, in demonstration mode, as ``role`` (national by default)."""
    return lambda role=None: run(PAGE, auth=False, demo_role=role)


def position(at) -> str:
    return [m.value for m in at.markdown if "Diapositive" in m.value][0]


def htmls(at) -> str:
    return " ".join(e.proto.body for e in at.get("html"))


def test_slides_one_a_screen_with_previous_and_next_and_both_downloads(page, demo_shared):
    at = page()
    assert at.title[0].value == "Présentation"
    n = int(position(at).split(" sur ")[1].split("<")[0])
    assert "Diapositive 1 sur" in position(at) and n >= 10
    assert "Logement d&#x27;abord — Club des territoires" in htmls(at)
    assert [b.proto.label for b in at.get("download_button")] == [
        "Télécharger le PowerPoint (.pptx)", "Télécharger la page autonome (.html)"]
    for _ in range(4):  # past the progress chart and its table « (suite) »
        at.button(key="pr_suiv").click().run()
    assert "Diapositive 5 sur" in position(at)
    assert "Statuts des indicateurs des feuilles de route" in htmls(at)
    (chart,) = at.get("plotly_chart")
    figure = json.loads(chart.proto.spec)
    at_q = quarters.last_complete()
    with store.connect(demo_shared) as con:
        nat = national.national(con, at_q, progress_frame=views.progression(con, at_q))
    nat = nat[nat["territoires_avec_cible"] > 0].sort_values("ordre")
    late = [t for t in figure["data"] if t["name"] == status.affichage(status.EN_RETARD)][0]
    assert late["x"] == [int(v) for v in nat["nb_en_retard"]]
    at.button(key="pr_prec").click().run()
    assert "Diapositive 4 sur" in position(at)


def test_a_wave_scope_and_anonymisation_change_the_deck(page):
    at = page()
    at.selectbox(key="pr_portee").set_value("vague").run()
    wave = at.selectbox(key="pr_vague").value
    assert f"vague {wave}" in htmls(at)
    at.toggle(key="pr_anonyme").set_value(True).run()
    at.selectbox(key="pr_portee").set_value("liste").run()
    codes = at.multiselect(key="pr_liste").options[:2]
    at.multiselect(key="pr_liste").set_value([c.split("(")[-1].rstrip(")") for c in codes]).run()
    assert "liste de 2 territoires (anonymisés)" in htmls(at)


def test_a_reader_gets_the_fiche_without_quarterly_values(page):
    at = page("lecteur")
    at.segmented_control(key="pr_genre").set_value("fiche").run()
    assert not at.exception
    at.button(key="pr_suiv").click().run()
    (first, *_rest) = at.get("plotly_chart")
    names = {t["name"] for t in json.loads(first.proto.spec)["data"]}
    assert "Valeur du trimestre" not in names and "Chemin attendu" in names


def numbers(at) -> tuple[int, int]:
    shown = position(at).split("Diapositive ")[1].split("<")[0]
    first, total = shown.split(" sur ")
    return int(first), int(total)


def disabled(at) -> tuple[bool, bool]:
    return at.button(key="pr_prec").disabled, at.button(key="pr_suiv").disabled


def test_at_the_last_slide_next_is_disabled_and_previous_leads_back(page):
    """The walk below, at its ends only (make test-fast): the first slide, then the last one reached
    through the slide number the page keeps in its session."""
    from pages.components import presentation as pr

    at = page()
    _first, n = numbers(at)
    assert disabled(at) == (True, False)
    at.session_state[pr._DOCUMENT], at.session_state[pr._INDEX] = pr.CLUB, n - 1
    at.run()
    assert numbers(at) == (n, n) and disabled(at) == (False, True)
    at.button(key="pr_prec").click().run()
    assert numbers(at) == (n - 1, n) and disabled(at) == (False, False)
    at.button(key="pr_suiv").click().run()
    assert numbers(at) == (n, n) and disabled(at) == (False, True)


@pytest.mark.slow  # about 30 reruns (4 s of CPU): its ends are checked by the test above in make test-fast
def test_previous_and_next_are_enabled_exactly_where_they_lead_somewhere_at_every_slide(page):
    at = page()
    _first, n = numbers(at)
    assert disabled(at) == (True, False)  # first slide: nothing before it
    for k in range(2, n + 1):
        at.button(key="pr_suiv").click().run()
        assert numbers(at) == (k, n)
        # the state of the click just made: « Précédente » usable from slide 2 on, « Suivante » off on the last
        assert disabled(at) == (False, k == n), k
        at.button(key="pr_prec").click().run()
        assert numbers(at) == (k - 1, n) and disabled(at) == (k == 2, False), k
        at.button(key="pr_suiv").click().run()
    assert numbers(at) == (n, n) and disabled(at) == (False, True)


def test_switching_between_the_deck_and_the_fiche_starts_at_the_first_slide(page):
    at = page()
    for _ in range(6):
        at.button(key="pr_suiv").click().run()
    assert numbers(at)[0] == 7
    at.segmented_control(key="pr_genre").set_value("fiche").run()
    assert numbers(at)[0] == 1 and disabled(at) == (True, False)
    at.button(key="pr_suiv").click().run()
    at.segmented_control(key="pr_genre").set_value("club").run()
    assert numbers(at)[0] == 1 and disabled(at) == (True, False)


@pytest.fixture
def downloads(monkeypatch):
    """What the download buttons given a callable left with Streamlit, newest last: each file's
    name, MIME type and the callable a click runs (AppTest's protos only hold the file's id)."""
    from streamlit.runtime.media_file_manager import MediaFileManager

    given = []
    keep = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        given.append({"filename": file_name, "mimetype": mimetype, "callable": data_callable})
        return keep(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    return given


@pytest.fixture
def file_names(downloads):
    """The names the two download buttons of the last run give their files."""
    return lambda: [d["filename"] for d in downloads[-2:]]


def test_the_downloads_are_written_on_a_click_from_the_deck_the_page_shows(page, downloads):
    import io

    from pptx import Presentation

    at = page()
    n = int(position(at).split(" sur ")[1].split("<")[0])
    pptx_button, html_button = at.get("download_button")
    assert not pptx_button.proto.url  # nothing written at the run: the file comes on a click
    pptx_file, html_file = downloads[-2:]
    assert pptx_file["mimetype"] == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert html_file["mimetype"] == "text/html"
    assert pptx_file["filename"].startswith("club-des-territoires-") and pptx_file["filename"].endswith(".pptx")
    slides = Presentation(io.BytesIO(pptx_file["callable"]())).slides
    assert len(slides) == n
    assert slides[0].shapes.title.text == "Logement d'abord — Club des territoires"
    page_html = html_file["callable"]()
    assert page_html.count('<section class="diapo">') == n
    assert "<h2>Logement d&#x27;abord — Club des territoires</h2>" in page_html


def test_a_fiche_read_at_the_last_complete_quarter_is_named_and_said_so(page, file_names):
    # a reader outside the territory's scope asks an earlier quarter: the fiche is at the last
    # complete quarter (two quarters' cumulative figures would give the quarterly ones)
    at = page("lecteur")
    at.segmented_control(key="pr_genre").set_value("fiche").run()
    at.selectbox(key="pr_trimestre").set_value("2026-T1").run()
    code = at.selectbox(key="pr_territoire").value
    last = quarters.last_complete()
    assert file_names() == [f"fiche-{code}-{last}.pptx", f"fiche-{code}-{last}.html"]
    said = " ".join(i.value for i in at.info)
    assert f"Fiche au {quarters.label(last)} et non au T1 2026" in said
    assert "dernier trimestre complet" in said


def test_a_fiche_at_the_quarter_asked_is_named_after_it_and_says_nothing_more(page, file_names):
    at = page()
    at.segmented_control(key="pr_genre").set_value("fiche").run()
    at.selectbox(key="pr_territoire").set_value("18").run()
    at.selectbox(key="pr_trimestre").set_value("2026-T1").run()
    assert file_names() == ["fiche-18-2026-T1.pptx", "fiche-18-2026-T1.html"]
    assert not [i for i in at.info if "et non au" in i.value]
