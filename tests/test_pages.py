"""AppTest of every page on the demo database, and the guard that every page is registered."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from data import store
from core import quarters
from tests.apptest import first_run
from tests.conftest import ROOT


@pytest.fixture
def app(demo_shared):
    return lambda page="app.py": first_run(page)


def test_every_page_file_is_registered_in_app(demo_db, monkeypatch):
    """app.py registers every page of pages/ (those a person may not use hidden, not left out)."""
    monkeypatch.setenv("LDA_DB", str(demo_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    registered = {info["script_path"] for info in at._registered_pages.values()}
    on_disk = {str(p) for p in (ROOT / "pages").glob("*.py")}
    assert on_disk and on_disk == registered


def test_home_page_reads_the_store_and_says_demo(app, demo_db):
    at = app("pages/accueil.py")
    assert "Logement d'abord" in at.title[0].value
    assert any("Données de démonstration" in w.value for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    with store.connect(demo_db) as con:
        n_territories = con.execute("SELECT count(*) FROM territoire WHERE actif").fetchall()[0][0]
        n_values = con.execute("SELECT count(*) FROM valeur").fetchall()[0][0]
    assert metrics["Territoires suivis"] == str(n_territories)
    assert metrics["Valeurs enregistrées"].replace("\u202f", "") == str(n_values)
    missing, uploads = at.dataframe[0].value, at.dataframe[1].value
    # the demo has late and silent territories: they are listed as missing the last quarter
    assert len(missing) >= 2
    assert len(uploads) == 10 and set(uploads["Résultat"]) <= {"enregistré", "refusé"}
    assert set(uploads["Type"]) <= {"valeurs trimestrielles", "feuille de route", "liste des territoires",
                                    "liste des personnes et de leurs rôles", "actions de la feuille de route",
                                    "fichier budgétaire (fiche 5)"}


def test_home_page_without_demo_has_no_banner(db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(db))
    at = AppTest.from_file(str(ROOT / "pages/accueil.py"), default_timeout=30)
    at.run()
    assert not at.exception
    assert not any("Données de démonstration" in w.value for w in at.warning)
    assert at.subheader[0].value.endswith(quarters.label(quarters.last_complete()))


def test_app_routes_to_home(app):
    at = app("app.py")
    assert "Logement d'abord" in at.title[0].value


# --- Dashboard pages (issue 4) --------------------------------------------------------------------

import json  # noqa: E402

from data.access import Personne  # noqa: E402
from indicators import noms  # noqa: E402
from indicators import status as status_mod  # noqa: E402
from indicators.progress import progress as progress_fn  # noqa: E402


def _progress(demo_db):
    with store.connect(demo_db) as con:
        frame = progress_fn(con, quarters.last_complete())
        names = dict(con.execute("SELECT code, nom FROM territoire WHERE actif").fetchall())
        labels = dict(con.execute("SELECT code, libelle FROM indicateur").fetchall())
    return frame, names, labels


def _figures(at):
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def _array(value):
    """A Plotly 7 array: a list, or a typed array {"dtype", "bdata" (base64)}."""
    import base64

    import numpy as np

    if isinstance(value, dict) and "bdata" in value:
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)


def test_national_page_lists_every_territory_with_its_statuses(app, demo_db):
    at = app("pages/pilotage.py")
    frame, names, labels = _progress(demo_db)
    matrix = next(d.value for d in at.dataframe if "Territoire" in d.value.columns and "Fiche" in d.value.columns)
    assert sorted(matrix["Code"]) == sorted(frame["territoire"].unique())
    # short names in the matrix (issue 17), the official names beside them
    assert set(matrix["Nom officiel"]) == {names[c] for c in frame["territoire"].unique()}
    assert dict(zip(matrix["Code"], matrix["Territoire"]))["200060457"] == "CA Dembeni-Mamoudzou"
    assert matrix["Territoire"].is_unique
    # a known late (territory, indicator) of the demo, fully reported, reads "En retard", with its
    # icon, in the matrix (short indicator labels as headers)
    labels = {c: noms.libelle_matrice(c, lib) for c, lib in labels.items()}
    late = frame[(frame["statut"] == "en_retard")
                 & (frame["trimestres_renseignes"] == frame["trimestres_ecoules"])].iloc[0]
    cell = matrix.set_index("Code").loc[late["territoire"], labels[late["indicateur"]]]
    assert cell == status_mod.affichage("en_retard") and "En retard" in cell
    # every cell is a status shown as icon + text (with the quarters reported when some are
    # missing: "✖ En retard · 1/3 trim."), or empty when not in that roadmap
    cells = matrix[[labels[i] for i in frame["indicateur"].unique()]].stack()
    assert {c.split(" · ")[0] for c in cells} <= {status_mod.affichage(s) for s in status_mod.STATUTS} | {""}
    assert all(re.fullmatch(r"\d+/\d+ trim\.", c.split(" · ")[1]) for c in cells if " · " in c)
    assert matrix.set_index("Code").loc[late["territoire"], "En retard"] == (
        (frame["territoire"] == late["territoire"]) & (frame["statut"] == "en_retard")).sum()
    # the link column opens the territory page
    assert set(matrix["Fiche"]) == {f"territoire?territoire={c}" for c in matrix["Code"]}
    # status counts: one row per status, summing to the number of roadmap objectives
    counts = next(d.value for d in at.dataframe if list(d.value.columns) == ["Statut", "Nombre"])
    assert counts["Nombre"].sum() == len(frame)
    assert dict(zip(counts["Statut"], counts["Nombre"]))[status_mod.affichage("en_retard")] == (
        frame["statut"] == "en_retard").sum()


def test_national_page_filters_by_wave_and_shows_national_totals(app, demo_db):
    at = app("pages/pilotage.py")
    frame, names, _ = _progress(demo_db)
    with store.connect(demo_db) as con:
        ami1 = {c for (c,) in con.execute("SELECT code FROM territoire WHERE actif AND vague = 'AMI 1'").fetchall()}
    at.multiselect(key="f_vague").set_value(["AMI 1"]).run()
    assert not at.exception
    matrix = next(d.value for d in at.dataframe if "Fiche" in d.value.columns)
    assert set(matrix["Code"]) == ami1 & set(frame["territoire"])
    totals = next(d.value for d in at.dataframe if "Valeur nationale" in d.value.columns)
    with store.connect(demo_db) as con:
        expected = con.execute(
            "SELECT sum(valeur) FROM valeur v JOIN territoire t ON t.code = v.territoire "
            "WHERE t.actif AND indicateur = 'sorties_rue_logement' AND trimestre = ?",
            [quarters.last_complete()]).fetchall()[0][0]
    row = totals[totals["Indicateur"] == "Personnes passées directement de la rue au logement"].iloc[0]
    assert row["Valeur nationale"] == expected
    assert len(totals) == 32


def test_national_page_completeness_heat_map_and_map(app, demo_db):
    at = app("pages/pilotage.py")
    figures = _figures(at)
    heat = next(f for f in figures if f["data"] and f["data"][0]["type"] == "heatmap")
    assert len(heat["data"][0]["x"]) == 8 and heat["data"][0]["x"][-1] == quarters.label(quarters.last_complete())
    assert heat["layout"]["separators"] == ", "
    # the map: no geographic trace at all (they fetch shapes from a CDN), only plain scatter shapes
    types = {t["type"] for f in figures for t in f["data"]}
    assert not types & {"scattergeo", "choropleth", "choroplethmap", "scattermap", "choroplethmapbox"}


def test_territory_page_reads_the_url_and_charts_the_target(app, demo_db):
    frame, names, labels = _progress(demo_db)
    code = frame[frame["statut"] == "en_retard"]["territoire"].iloc[0]
    at = AppTest.from_file(str(ROOT / "pages/territoire.py"), default_timeout=30)
    at.query_params["territoire"] = code
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == names[code]
    mine = frame[frame["territoire"] == code].sort_values("ordre")
    # one card per roadmap indicator, each with its status badge (st.badge is Markdown ":color-badge[...]")
    md = " ".join(m.value for m in at.markdown)
    for row in mine.itertuples():
        assert f"**{labels[row.indicateur]}**" in md
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert len(badges) == len(mine)
    late = int((mine["statut"] == "en_retard").sum())
    assert late >= 1 and badges.count(f":red-badge[{status_mod.affichage('en_retard')}]") == late
    # the trajectory chart of the first indicator contains its target and expected path
    first = mine.iloc[0]
    traj = next(f for f in _figures(at) if f["layout"].get("title", {}).get("text") == labels[first["indicateur"]])
    names_in_chart = {t.get("name") for t in traj["data"]}
    assert {"Cible", "Chemin attendu"} <= names_in_chart
    target = next(t for t in traj["data"] if t.get("name") == "Cible")
    assert _array(target["y"]) == [first["cible"], first["cible"]]
    realised = next(t for t in traj["data"] if str(t.get("name", "")).startswith("Réalisé"))
    assert [y for y in _array(realised["y"]) if y == y and y is not None][-1] == pytest.approx(first["realise"])
    assert at.query_params["territoire"] == [code] or at.query_params["territoire"] == code


def test_territory_page_hides_upload_history_outside_the_scope(demo_db):
    from data import reads

    with store.connect(demo_db) as con:
        codes = [c for (c,) in con.execute("SELECT code FROM territoire WHERE actif ORDER BY code LIMIT 2").fetchall()]
        mine = Personne("coord@exemple.fr", "coordinateur", codes[0])
        assert len(reads.depots_territoire(con, codes[0], mine)) > 0
        with pytest.raises(reads.DetailRefuse, match="réservé"):
            reads.depots_territoire(con, codes[1], mine)
        with pytest.raises(reads.DetailRefuse):
            reads.valeurs_territoire(con, codes[1], Personne("lecteur@exemple.fr", "lecteur"))


def test_methodology_page_shows_the_constants_the_engine_applies(app, demo_db):
    from indicators import methode
    from core.parameters import LIBELLES_PARAMETRES, PARAMETRES_AFFICHES, TOLERANCE_RETARD

    at = app("pages/methode.py")
    catalogue, statuses, params = (d.value for d in at.dataframe)
    with store.connect(demo_db) as con:
        codes = [c for (c,) in con.execute("SELECT code FROM indicateur ORDER BY ordre").fetchall()]
    assert list(catalogue["Code"]) == codes
    ratio = catalogue.set_index("Code").loc["part_attributions_sans_domicile", "Formule"]
    assert "attributions_sans_domicile" in ratio and "attributions_total" in ratio
    assert list(statuses["Code"]) == list(status_mod.STATUTS)
    # in words, not code names (issue 17); the value is the one applied
    assert list(params["Paramètre"]) == [LIBELLES_PARAMETRES[p[0]] for p in PARAMETRES_AFFICHES]
    assert not params.isin([p[0] for p in PARAMETRES_AFFICHES]).any().any()
    text = " ".join(m.value for m in at.markdown)
    assert f"seuil de retard {str(TOLERANCE_RETARD).replace('.', ',')}" in text and "TOLERANCE_RETARD" not in text
    assert "rapport HTML" in text  # where people look for « imprimer »


def test_home_page_headline_figures_match_the_engine(app, demo_db):
    from indicators import national

    at = app("pages/accueil.py")
    q = quarters.last_complete()
    previous = quarters.shift(q, -1)
    with store.connect(demo_db) as con:
        figs = national.figures(con, previous, q)
        stored = con.execute(
            "SELECT territoire, trimestre, valeur FROM valeur WHERE indicateur = 'sorties_rue_logement'"
            " AND trimestre IN (?, ?)", [previous, q]).fetchall()
    fig = figs[figs["indicateur"] == "sorties_rue_logement"].set_index("trimestre")["valeur"]
    metric = next(m for m in at.metric if m.label == "De la rue au logement")
    assert "Personnes passées directement de la rue au logement" in metric.help
    assert metric.value.replace("\u202f", "") == str(int(fig[q]))
    # the change is like for like: over the territories that reported both quarters
    by = {}
    for territoire, trimestre, valeur in stored:
        by.setdefault(territoire, {})[trimestre] = valeur
    pairs = [v for v in by.values() if len(v) == 2]
    change = int(sum(v[q] for v in pairs) - sum(v[previous] for v in pairs))
    assert len(pairs) < len(by)  # the demo has territories reporting one of the quarters only
    # a true minus sign (−93), like every other negative figure
    assert metric.delta.replace("\u202f", "").startswith(("+" if change >= 0 else "") + str(change).replace("-", "\u2212"))
    assert metric.proto.direction == (0 if change < 0 else 1 if change else 2)  # MetricDirection DOWN, UP, NONE
    assert f"sur les {len(pairs)} territoires ayant déposé ce trimestre et le précédent" in metric.help


@pytest.mark.parametrize("page", ["pages/accueil.py", "pages/pilotage.py", "pages/territoire.py", "pages/methode.py"])
def test_every_table_comes_with_csv_and_xlsx_downloads(app, page):
    at = app(page)
    labels = [b.proto.label for b in at.get("download_button")]
    assert len(at.dataframe) >= 2
    assert labels.count("Télécharger (CSV)") == len(at.dataframe)
    assert labels.count("Télécharger (Excel)") == len(at.dataframe)


def test_table_exports_are_french_excel_and_neutralised():
    import io

    import openpyxl
    import pandas as pd

    from pages.components.tables import exports

    frame = pd.DataFrame({"Territoire": ["=HYPERLINK(\"x\")", "Lyon"], "Valeur": [1234.5, 2.0],
                          "Commentaire": ["+33 1 23", "@SOMME(A1)"]})
    csv_bytes, xlsx_bytes = exports(frame)
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    text = csv_bytes.decode("utf-8-sig").splitlines()
    assert text[0] == "Territoire;Valeur;Commentaire"
    assert text[1] == "\"'=HYPERLINK(\"\"x\"\")\";1234,5;'+33 1 23"  # CSV quoting doubles the quotes
    assert text[2] == "Lyon;2;'@SOMME(A1)"
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes)).active
    assert sheet["A2"].value == "'=HYPERLINK(\"x\")" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 1234.5


def test_latest_uploads_are_limited_to_the_persons_scope(demo_db):
    from data import reads

    with store.connect(demo_db) as con:
        code = con.execute("SELECT code FROM territoire WHERE actif ORDER BY code LIMIT 1").fetchall()[0][0]
        everything = reads.derniers_depots(con, Personne("n@dihal.gouv.fr", "national"), 1000)
        mine = reads.derniers_depots(con, Personne("c@t.fr", "coordinateur", code), 1000)
        none = reads.derniers_depots(con, Personne("l@dihal.gouv.fr", "lecteur"), 1000)
        total = con.execute("SELECT count(*) FROM depot").fetchall()[0][0]
        concerning = con.execute("SELECT count(*) FROM depot WHERE list_contains(territoires, ?)", [code]).fetchall()[0][0]
        shared = {f for (f,) in con.execute(
            "SELECT fichier FROM depot WHERE list_contains(territoires, ?) AND len(territoires) > 1", [code]).fetchall()}
    assert len(everything) == total
    assert len(mine) == concerning > 0 and set(mine["territoires"]) == {code}
    # a file shared with other territories: its counts describe their rows too, so they stay empty
    assert shared and mine[mine["fichier"].isin(shared)]["nb_nouvelles"].isna().all()
    assert mine[~mine["fichier"].isin(shared)]["nb_nouvelles"].notna().all()
    assert everything["nb_nouvelles"].notna().all()
    assert none.empty


def test_national_revises_a_roadmap_target_on_the_administration_page(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    with store.connect(demo_db) as con:
        t, ind, debut, fin, base, periode, cible, jalon = con.execute(
            """SELECT f.territoire, c.indicateur, f.debut, f.fin, c.valeur_base, c.periode_base, c.cible, c.jalon_an1
               FROM cible c JOIN feuille_de_route f ON f.id = c.feuille_id
               WHERE c.indicateur = 'sorties_rue_logement' ORDER BY f.territoire, f.debut DESC LIMIT 1""").fetchall()[0]
    cell = lambda x: "" if x is None else str(x).replace(".", ",")  # noqa: E731
    data = ("code_territoire;indicateur;debut;fin;valeur_base;periode_base;cible;jalon_an1\r\n"
            f"{t};{ind};{debut};{fin};{cell(base)};{cell(periode)};{int(cible) + 10};{cell(jalon)}\r\n").encode()
    at = AppTest.from_file(str(ROOT / "pages/administration.py"), default_timeout=30)
    at.run()
    at.file_uploader(key="adm_reference").set_value(("cibles.csv", data, "text/csv")).run()
    assert not at.exception
    assert any("Fichier valide (feuille de route)" in i.value and "1 révisée" in i.value for i in at.info)
    with store.connect(demo_db) as con:  # nothing before confirmation
        assert con.execute("SELECT count(*) FROM cible WHERE cible = ?", [int(cible) + 10]).fetchall()[0][0] == 0
    at.button(key="adm_reference_ok").click().run()
    assert not at.exception
    with store.connect(demo_db) as con:
        now = con.execute(
            """SELECT c.cible, c.utilisateur FROM cible c JOIN feuille_de_route f ON f.id = c.feuille_id
               WHERE f.territoire = ? AND f.debut = ? AND c.indicateur = ?""", [t, debut, ind]).fetchall()
        former = con.execute("SELECT count(*) FROM cible_historique WHERE indicateur = ? AND cible = ?",
                             [ind, cible]).fetchall()[0][0]
    assert now == [(int(cible) + 10, "demo.national@dihal.gouv.fr")] and former >= 1
    assert any("cibles.csv enregistré" in s.value for s in at.success)


def test_upload_history_of_a_territory_hides_the_counts_of_a_shared_file(demo_db):
    from data import reads

    with store.connect(demo_db) as con:
        code = con.execute("SELECT code FROM territoire WHERE actif ORDER BY code LIMIT 1").fetchall()[0][0]
        mine = reads.depots_territoire(con, code, Personne("c@t.fr", "coordinateur", code), 1000)
        national = reads.depots_territoire(con, code, Personne("n@dihal.gouv.fr", "national"), 1000)
        shared = {f for (f,) in con.execute(
            "SELECT fichier FROM depot WHERE list_contains(territoires, ?) AND len(territoires) > 1", [code]).fetchall()}
    assert shared and mine[mine["fichier"].isin(shared)]["nb_nouvelles"].isna().all()
    assert mine[~mine["fichier"].isin(shared)]["nb_nouvelles"].notna().all()
    assert national["nb_nouvelles"].notna().all()
