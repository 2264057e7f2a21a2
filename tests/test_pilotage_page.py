"""Issue 17 on the pages (AppTest, demo database): incomplete reporting said in the matrix, the
map, the cards and the trajectory chart; the map's colour measure; the matrix's short names and
headers; the cards of indicators to reduce."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from data import store
from indicators import noms, status
from core import quarters
from indicators.progress import progress
from pages.components import carte, graphiques
from tests.apptest import first_run
from tests.test_pages import _array, _figures

PARIS = "75056"  # the demo's territory that reported 1 quarter of 3


@pytest.fixture
def demo(demo_shared):
    with store.connect(demo_shared) as con:
        frame = progress(con, quarters.last_complete())
        labels = dict(con.execute("SELECT code, libelle FROM indicateur").fetchall())
    return frame, labels


def _run(page: str, **query) -> AppTest:
    return first_run(page, query=query)


def _matrix(at):
    return next(d for d in at.dataframe if "Fiche" in d.value.columns)


def test_matrix_cells_say_when_reporting_is_incomplete(demo):
    frame, labels = demo
    paris = frame[frame["territoire"] == PARIS]
    assert (paris["trimestres_renseignes"] == 1).all() and (paris["trimestres_ecoules"] == 3).all()
    at = _run("pages/pilotage.py")
    matrix = _matrix(at).value.set_index("Code")
    for row in paris.itertuples():
        cell = matrix.loc[PARIS, noms.libelle_matrice(row.indicateur, labels[row.indicateur])]
        assert cell == f"{status.affichage(row.statut)} · 1/3 trim."
    assert matrix.loc[PARIS, "Incomplets"] == len(paris)
    assert matrix.loc[PARIS, "En retard"] == (paris["statut"] == status.EN_RETARD).sum() == 12
    # a fully reported territory has no mark
    full = frame.groupby("territoire").apply(lambda g: (g["trimestres_renseignes"] == g["trimestres_ecoules"]).all())
    code = full[full].index[0]
    assert not any(" · " in str(c) for c in matrix.loc[code]) and matrix.loc[code, "Incomplets"] == 0
    metrics = {m.label: m.value for m in at.metric}
    incomplete = frame.loc[frame["trimestres_renseignes"] < frame["trimestres_ecoules"], "territoire"].nunique()
    assert metrics["Déclarations incomplètes"] == str(incomplete) == "4"
    assert any("« · 1/3 trim. » : 1 trimestre renseigné sur 3" in c.value for c in at.caption)


def test_matrix_has_short_names_short_headers_and_full_labels_in_help(demo):
    frame, labels = demo
    at = _run("pages/pilotage.py")
    element = _matrix(at)
    matrix = element.value
    names = dict(zip(matrix["Code"], matrix["Territoire"]))
    assert names["200060457"] == "CA Dembeni-Mamoudzou" and names["93"] == "CD Seine-Saint-Denis"
    assert names["200046977"] == "Métropole de Lyon" and names["246700488"] == "Eurométropole de Strasbourg"
    assert dict(zip(matrix["Code"], matrix["Nom officiel"]))["200060457"] == (
        "Communauté d'agglomération de Dembeni / Mamoudzou")
    assert max(len(n) for n in matrix["Territoire"]) <= 45 and matrix["Territoire"].is_unique
    config = json.loads(element.proto.columns)
    assert "Nom officiel" in config["Territoire"]["help"] and config["Territoire"]["pinned"]
    head = config["Rue → logement"]
    assert head["help"].startswith(f"**{labels['sorties_rue_logement']}** : ")
    assert list(matrix.columns[:4]) == ["Territoire", "Fiche", "En retard", "Incomplets"]
    assert "Rue → logement" in matrix.columns and labels["sorties_rue_logement"] not in matrix.columns


def test_map_colours_by_the_share_on_path_and_outlines_incomplete_reporting(demo):
    frame, _ = demo
    at = _run("pages/pilotage.py")
    assert carte.LEGENDE in [c.value for c in at.caption]
    at.button_group(key="couleur").set_value("trajectoire").run()
    assert not at.exception
    fig = next(f for f in _figures(at) if any(t.get("name") == carte.INCOMPLET for t in f["data"]))
    bar = next(t["marker"]["colorbar"] for t in fig["data"] if t.get("marker", {}).get("showscale"))
    assert bar["title"]["text"] == carte.TITRE_MESURE
    texts = [s for t in fig["data"] for s in (t.get("text") or []) if f"({PARIS})" in s]
    paris = frame[frame["territoire"] == PARIS]
    on_path = paris["statut"].isin([status.DANS_LA_TRAJECTOIRE, status.ATTEINT]).sum()
    assert texts and texts[0].endswith(
        f"Dans la trajectoire ou atteints : {round(100 * on_path / len(paris))}\u202f% ({on_path} sur "
        f"{len(paris)} indicateurs évalués)<br>Déclaration incomplète : 1 trimestre renseigné sur 3 "
        f"({len(paris)} indicateurs sur {len(paris)})")
    table = next(d.value for d in at.dataframe if "Statut dominant" in d.value.columns).set_index("Code")
    assert table.loc[PARIS, "Déclaration incomplète"].startswith("1 trimestre renseigné sur 3")
    assert table.loc[PARIS, "Dans la trajectoire ou atteints (% des indicateurs évalués)"] == pytest.approx(
        round(100 * on_path / len(paris), 1))
    assert "Avancement moyen (%)" not in table.columns


def test_territory_cards_and_chart_say_when_reporting_is_incomplete(demo):
    frame, labels = demo
    at = _run("pages/territoire.py", territoire=PARIS)
    md = [m.value for m in at.markdown]
    paris = frame[frame["territoire"] == PARIS]
    notes = [m for m in md if m.startswith(":orange[**⚠ Déclaration incomplète** : 1 trimestre renseigné sur 3.]")]
    assert len(notes) == len(paris)
    first = paris.sort_values("ordre").iloc[0]
    traj = next(f for f in _figures(at) if f["layout"].get("title", {}).get("text") == labels[first["indicateur"]])
    assert traj["layout"]["title"]["subtitle"]["text"].startswith(
        "Déclaration incomplète : 1 trimestre renseigné sur 3 ; le réalisé n'est tracé qu'aux trimestres renseignés")
    realised = next(t for t in traj["data"] if str(t.get("name", "")).startswith("Réalisé"))
    y = [None if v != v else v for v in _array(realised["y"])]
    assert y[0] == pytest.approx(first["realise"]) and y[1:] == [None] * (len(y) - 1)  # no flat run after T1
    assert realised["connectgaps"] is False
    bands = [s for s in traj["layout"]["shapes"] if s.get("name") == graphiques.NON_RENSEIGNE]
    assert [(b["x0"], b["x1"]) for b in bands] == [(0.5, 1.5), (1.5, 2.5)]  # the 2nd and 3rd quarters


def test_cards_of_a_ceiling_show_consumption_in_words_and_the_baseline(demo):
    frame, labels = demo
    ceilings = frame[(frame["nature"] == "flux") & (frame["sens"] == "baisse") & (frame["avancement_pct"] > 100)]
    code = ceilings["territoire"].iloc[0]
    mine = frame[frame["territoire"] == code]
    at = _run("pages/territoire.py", territoire=code)
    md = " ".join(m.value for m in at.markdown)
    row = ceilings[ceilings["territoire"] == code].iloc[0]
    assert f"Plafond sur la fenêtre : **" in md
    pct = f"{row['avancement_pct']:.1f}".replace(".", ",")
    colour = "red" if row["statut"] == status.EN_RETARD else "orange" if row["statut"] == status.A_SURVEILLER else "blue"
    assert f":{colour}[Consommé : **" in md and f"({pct}\u202f% du plafond)]" in md
    assert "**À réduire** — valeur de base : " in md
    # bars only for what is not a ceiling: no "plafond consommé" bar that would read as success
    bars = at.get("progress")
    expected = mine[~((mine["nature"].isin(["flux", "somme"])) & (mine["sens"] == "baisse"))
                    & mine["avancement_pct"].notna()]
    assert len(bars) == len(expected) and not any("plafond" in b.proto.text for b in bars)
