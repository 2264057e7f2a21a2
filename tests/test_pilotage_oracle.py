"""The national page's frames and map, rewritten for speed, against their former implementations
kept here as oracles: on random stores (tests/engine_fixtures.py) and on random map frames, the
new code must give exactly what the old one gave."""

from __future__ import annotations

import random

import pandas as pd
import plotly.graph_objects as go
import pytest

from data import reads
from indicators import declaration, noms
from core import quarters
from indicators import views
from pages.components import carte
from tests import engine_fixtures as ef
from tests.engine_fixtures import random_store

AT = "2026-T2"


def _oracle_cells(cells: pd.DataFrame) -> list[str]:
    """Former matrice() cells: cellule_statut() row by row."""
    return [declaration.cellule_statut(s, r, k) for s, r, k in
            zip(cells["statut"], cells["trimestres_renseignes"], cells["trimestres_ecoules"])]


def _oracle_declarations(out: pd.DataFrame) -> list[str]:
    """Former carte_territoires() declarations: texte_declaration() on iterrows()."""
    return [declaration.texte_declaration(r) for _, r in out.iterrows()]


@pytest.mark.parametrize("seed", ef.seeds(6))
def test_matrix_cells_and_map_declarations_match_the_former_code_on_random_stores(seed):
    con = random_store(seed)
    for at in (AT, "2024-T1", quarters.shift(AT, 3)):
        frame = views.progression(con, at)
        cells = frame.drop_duplicates(["territoire", "indicateur"])
        assert list(views._cellules(cells)) == _oracle_cells(cells)
        out = views.carte_territoires(frame, reads.territoires(con))
        assert list(out["declaration"]) == _oracle_declarations(out)
        cat = reads.catalogue(con)
        libelles = {c: noms.libelle_matrice(c, lib) for c, lib in zip(cat["code"], cat["libelle"])}
        if len(frame):
            matrix = views.matrice(frame, libelles)
            assert matrix["Territoire"].notna().all()


def test_cells_of_a_repeated_triple_in_any_order():
    # a triple met again later, gaps in the counts and every status: the text of each row, in order
    cells = pd.DataFrame({
        "statut": ["en_retard", "atteint", "en_retard", "non_renseigne", "a_surveiller", "en_retard", "non_demarre"],
        "trimestres_renseignes": [1, 4, 3, 0, 2, 1, 0],
        "trimestres_ecoules": [3, 4, 3, 3, 5, 3, 0],
    })
    assert list(views._cellules(cells)) == _oracle_cells(cells)
    assert list(views._cellules(cells.iloc[::-1])) == _oracle_cells(cells.iloc[::-1])
    assert list(views._cellules(cells.iloc[0:0])) == []


def _oracle_inset_frames() -> dict:
    """Former carte._cadre(): the inset frames and names added one at a time."""
    fig = go.Figure()
    for e in carte.geo.encarts():
        fig.add_shape(type="rect", x0=e.x0, y0=e.y0, x1=e.x1, y1=e.y1, layer="below",
                      line=dict(color="#929292", width=1), fillcolor="rgba(0,0,0,0)")
        fig.add_annotation(x=(e.x0 + e.x1) / 2, y=e.y1, text=e.nom, showarrow=False, yanchor="top",
                           yshift=-2, font=dict(size=14, color="#3A3A3A"))
    layout = fig.to_dict()["layout"]
    return {"shapes": layout["shapes"], "annotations": layout["annotations"]}


def _random_map_frame(seed: int) -> pd.DataFrame:
    rnd = random.Random(seed)
    deps = [("974", "La Réunion", "departement"), ("63", "Puy-de-Dôme", "departement"),
            ("13", "Bouches-du-Rhône", "departement"), ("200040715", "Grenoble-Alpes-Métropole", "epci"),
            ("75056", "Paris", "commune"), ("31555", "Toulouse", "commune"), ("000000000", "Sans contour", "epci")]
    rows = []
    for code, nom, kind in rnd.sample(deps, rnd.randint(2, len(deps))):
        incomplete = rnd.randint(0, 3)
        rows.append((code, nom, kind, "", rnd.choice(["en_retard", "atteint", "a_surveiller", "non_renseigne"]),
                     rnd.choice([float("nan"), rnd.uniform(0, 100)]), incomplete,
                     "1 trimestre renseigné sur 3" if incomplete else ""))
    return pd.DataFrame(rows, columns=["code", "nom", "type", "membres", "statut", "part_trajectoire_pct",
                                       "nb_incomplets", "declaration"])


@pytest.mark.parametrize("seed", range(3))
def test_map_inset_frames_match_the_former_drawing(seed):
    expected = _oracle_inset_frames()
    assert len(expected["shapes"]) == len(expected["annotations"]) == 5
    frame = _random_map_frame(seed)
    for couleur in carte.COULEURS_CARTE:
        for titre in (None, "Carte"):
            layout = carte.figure_carte(frame, couleur=couleur, titre=titre).to_dict()["layout"]
            assert {"shapes": layout["shapes"], "annotations": layout["annotations"]} == expected


_calls: list = []


def _counted(frame):
    _calls.append(len(frame))
    return {"lignes": len(frame)}


def test_built_figures_are_kept_on_their_key_until_the_data_change(monkeypatch):
    from pages.components import store as page_store

    version = {"n": 1}
    monkeypatch.setattr(page_store, "data_version", lambda: version["n"])
    monkeypatch.setattr(page_store, "db_path", lambda: "/nowhere/test-construit.duckdb")
    page_store._construit.clear()
    _calls.clear()
    two, three = pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"a": [1, 2, 3]})
    assert page_store.construit(_counted, ("k", "2026-T2"), two) == {"lignes": 2}
    # same key, same version: kept, whatever is passed (the key decides the arguments)
    assert page_store.construit(_counted, ("k", "2026-T2"), three) == {"lignes": 2}
    assert _calls == [2]
    # another key, or new data: built again
    assert page_store.construit(_counted, ("k", "2026-T3"), three) == {"lignes": 3}
    version["n"] = 2
    assert page_store.construit(_counted, ("k", "2026-T2"), three) == {"lignes": 3}
    assert _calls == [2, 3, 3]


@pytest.mark.parametrize("seed", range(3))
def test_cached_map_is_the_figure_and_names_the_territories_without_shape(seed):
    import json

    import plotly.io as pio

    frame = _random_map_frame(seed)
    for couleur in carte.COULEURS_CARTE:
        fig, absents = carte._vue(frame, couleur, 500)
        # the same figure, key for key (pio.to_json of a dict validates it again: keys in another order)
        assert json.loads(pio.to_json(fig)) == json.loads(
            pio.to_json(carte.figure_carte(frame, couleur=couleur, hauteur=500).to_dict()))
        # the former afficher_carte() caption
        missing = carte.geo.territory_shapes(carte._normaliser(frame)).missing
        names = dict(zip(frame["code"], frame["nom"]))
        assert absents == ("Sans contour connu, absents de la carte : "
                           + ", ".join(f"{names[c]} ({c})" for c in missing) if missing else "")
    unknown = pd.DataFrame([("000000000", "Sans contour", "epci", "", "en_retard", 10.0)],
                           columns=["code", "nom", "type", "membres", "statut", "part_trajectoire_pct"])
    assert carte._vue(unknown, "statut", 500)[1] == "Sans contour connu, absents de la carte : Sans contour (000000000)"
