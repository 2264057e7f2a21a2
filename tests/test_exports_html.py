"""The deck and the fiche as one self-contained HTML file (issue 12): plotly.js inside, nothing to
fetch, the same figures as the PowerPoint file, a print style for A4 pages. (The check in headless
Chromium with every outside request aborted is left to the browser tests.)"""

from __future__ import annotations

import json
import re

import pytest

from data import store
from data import reads
from exports import html
from indicators import national, noms, status
from indicators import views

AT = "2026-T3"


@pytest.fixture(scope="module")
def pages(decks, demo_session_db, tmp_path_factory):
    """The HTML of the decks of tests/decks.py (the Club deck with the focus on 18, the anonymised
    deck of 18 and 80021, the fiche of 18) and the engine's figures on their database."""
    folder = tmp_path_factory.mktemp("html")
    decks = {name: decks[name][0] for name in ("club", "anonyme", "fiche")}
    with store.connect(demo_session_db) as con:
        prog = views.progression(con, AT)
        engine = {"national": national.national(con, AT, progress_frame=prog),
                  "catalogue": reads.catalogue(con), "territoires": reads.territoires(con, False)}
    out = {name: html.ecrire(deck, folder / f"{name}.html").read_text(encoding="utf-8") for name, deck in decks.items()}
    return decks, out, engine


def figures(page: str) -> list[dict]:
    """The (data, layout) of every Plotly.newPlot call of the page."""
    decoder, found, start = json.JSONDecoder(), [], 0
    while (i := page.find("Plotly.newPlot(", start)) >= 0:
        rest = page[i + len("Plotly.newPlot("):]
        _id, end = decoder.raw_decode(rest.lstrip())
        rest = rest.lstrip()[end:].lstrip().lstrip(",").lstrip()
        data, end = decoder.raw_decode(rest)
        rest = rest[end:].lstrip().lstrip(",").lstrip()
        layout, _ = decoder.raw_decode(rest)
        found.append({"data": data, "layout": layout})
        start = i + 1
    return found


@pytest.mark.parametrize("name", ["club", "anonyme", "fiche"])
def test_one_file_with_plotly_inside_and_nothing_to_fetch(pages, name):
    decks, out, _ = pages
    page = out[name]
    assert not re.search(r"<(script|img|iframe)[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)
    assert "@import" not in page and "url(" not in page.split("</style>")[0]
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", page, flags=re.S)
    assert sum(len(s) > 1_000_000 for s in scripts) == 1  # plotly.js, once
    charts = sum(isinstance(b, html.m.Graphique) for d in decks[name].diapos for b in d.blocs)
    assert page.count("Plotly.newPlot(") == charts
    assert page.count('<section class="diapo">') == len(decks[name].diapos)
    assert re.findall(r"<h2>(.*?)</h2>", page)[0] == decks[name].diapos[0].titre.replace("'", "&#x27;")
    assert "@page { size: A4 landscape" in page and "break-after: page" in page
    assert page.count("Données de démonstration") >= len(decks[name].diapos)


def test_status_chart_has_the_engine_counts_and_french_separators(pages):
    _, out, engine = pages
    nat = engine["national"]
    nat = nat[nat["territoires_avec_cible"] > 0].sort_values("ordre")
    cat = engine["catalogue"].set_index("code")["libelle"]
    (fig,) = [f for f in figures(out["club"]) if f["layout"]["title"]["text"] == "Territoires par statut, par indicateur"]
    assert fig["layout"]["separators"] == ", " and fig["layout"]["barmode"] == "stack"
    by_name = {t["name"]: t for t in fig["data"]}
    assert list(by_name) == [status.affichage(s) for s in status.STATUTS]
    for s in status.STATUTS:
        trace = by_name[status.affichage(s)]
        assert trace["x"] == [int(v) for v in nat[f"nb_{s}"]]
        assert trace["y"] == [noms.libelle_matrice(c, cat[c]) for c in nat["indicateur"]]
        assert trace["marker"]["color"] == status.couleur(s)


def test_map_is_inline_svg_with_a_symbol_on_each_territory(pages):
    decks, out, _ = pages
    (geo,) = [b for d in decks["club"].diapos for b in d.blocs if isinstance(b, html.m.CarteGeo)]
    svg = re.search(r"<svg class=\"carte\".*?</svg>", out["club"], flags=re.S).group(0)
    assert svg.count("<title>") == len(geo.formes)
    for f in geo.formes:
        assert f"<title>{f.libelle} : {status.libelle(f.statut)}</title>" in svg.replace("&#x27;", "'")


def test_anonymised_html_names_no_territory(pages):
    _, out, engine = pages
    page = re.sub(r"<script[^>]*>.{1000000,}?</script>", "", out["anonyme"], flags=re.S)  # plotly.js itself
    terr = engine["territoires"]
    names = set(terr["nom"]) | set(noms.noms_courts(terr["nom"], terr["type"], terr["code"]))
    text = page.replace("&#x27;", "'")
    leaks = [n for n in names if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text)]
    leaks += [c for c in terr["code"] if (len(c) >= 5 and c in text) or f"({c})" in text or f'"{c}"' in text]
    assert leaks == []
    assert "Focus : Territoire A" in text and "Focus : Territoire B" in text
