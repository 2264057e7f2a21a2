"""The actions sections under AppTest on the demo database: the territory page (by axe, statuses in
icon and words, late ones first, one action's history, definitions, the coordinator's grid stored
as an upload), what an outsider sees of them (counts only), and the national page's counts per
status, priority and axe across territories. Plus the demo's actions themselves."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from core import quarters
from data import store
from data.access import Personne
from indicators import actions as ind
from tests.apptest import as_person

TERRITOIRE = "93"
COORD = Personne("coord@93.fr", "coordinateur", TERRITOIRE)


@pytest.fixture
def demo(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    return demo_db


def table(at: AppTest, column: str, nth: int = 0):
    return [d.value for d in at.dataframe if column in d.value.columns][nth]


def test_the_territory_section_shows_actions_late_first_with_icons_and_words(demo_shared):
    at = as_person("pages/territoire.py", COORD, territoire=TERRITOIRE)
    at_q = quarters.last_complete()
    assert f"Actions de la feuille de route — {quarters.label(at_q)}" in [h.value for h in at.header]
    with store.connect(demo_shared) as con:
        expected = ind.etat(*_frames(con), at_q)
    listed = table(at, "Intitulé")
    assert len(listed) == len(expected) and listed["Réf."].is_unique
    late = listed["Statut"].str.contains("en retard")
    assert late.sum() == expected["en_retard"].sum() > 0
    assert late.iloc[: late.sum()].all()  # the late ones first
    for label in listed["Statut"]:  # never colour alone: an icon and the words
        code = next(s for s in ind.STATUTS if ind.LIBELLES[s] in label)
        assert label.startswith(ind.ICONES[code])
    by_axe = table(at, "Libellé de l'axe")
    assert by_axe["Actions"].sum() == len(expected) and set(by_axe["Priorité"]) <= set(ind.PRIORITES)
    assert any(ind.DEFINITIONS["en_retard"] in m.value for m in at.markdown)  # definitions beside the figures
    history = table(at, "Version")
    assert history["Trimestre"].iloc[0].startswith("T")
    assert at.data_editor and at.data_editor[0].value.columns.tolist() == [
        "ref_action", "intitule", "statut", "avancement", "commentaire"]
    assert {b.label for b in at.get("download_button")} >= {"Modèle des actions (Excel)", "Modèle des actions (CSV)"}


def _frames(con):
    from data import actions_reads

    return actions_reads.actions(con, COORD, TERRITOIRE), actions_reads.points(con, COORD, TERRITOIRE)


def _depots(db) -> int:
    with store.connect(db) as con:
        return con.execute("SELECT count(*) FROM depot").fetchall()[0][0]


def _edit(at: AppTest, edited_rows: dict) -> None:
    """AppTest cannot type in the grid: the edit state is what the browser would send."""
    at.session_state[at.data_editor[0].key] = {"edited_rows": edited_rows, "added_rows": [], "deleted_rows": []}
    at.run()


def test_the_grid_is_previewed_then_records_a_revision_like_an_upload_and_refuses_what_a_file_would(demo):
    at = as_person("pages/territoire.py", COORD, territoire=TERRITOIRE)
    grid = at.data_editor[0]
    ref, title = grid.value["ref_action"].iloc[0], grid.value["intitule"].iloc[0]
    before = grid.value.iloc[0]
    trimestre = quarters.last_complete()
    _edit(at, {0: {"statut": "bloquée", "avancement": 35, "commentaire": "en attente du financement"}})
    depots = _depots(demo)
    with store.connect(demo) as con:
        depots_stored = con.execute("SELECT count(*) FROM depot WHERE resultat = 'enregistre'").fetchall()[0][0]
    at.button(key="actions_verifier_0").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    # the preview: each changed cell with its former and new value; nothing stored yet
    shown = table(at, "Après")
    assert list(shown["Action"]) == [f"{ref} — {title}"] * 3
    assert list(shown["Champ"]) == ["Statut", "Avancement", "Commentaire"]
    assert list(shown["Après"]) == ["bloquée", "35 %", "en attente du financement"]
    assert shown["Avant"].iloc[0] == (before["statut"] or "(vide)")
    assert _depots(demo) == depots
    at.button(key="actions_confirmer_0").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("enregistré" in s.value for s in at.success)
    with store.connect(demo) as con:
        point = con.execute("SELECT statut, avancement, commentaire, utilisateur FROM point_action WHERE territoire = ?"
                            " AND ref_action = ? AND trimestre = ?", [TERRITOIRE, ref, trimestre]).fetchall()
        audit = con.execute("SELECT type_fichier, utilisateur, resultat FROM depot ORDER BY id DESC LIMIT 1").fetchall()
    assert point == [("bloquee", 35, "en attente du financement", COORD.email)]
    assert audit == [("actions", COORD.email, "enregistre")] and _depots(demo) == depots + 1
    # the same rules as a file: a progress above 100 is refused at the check, nothing stored
    _edit(at, {1: {"statut": "en cours", "avancement": 140}})
    at.button(key="actions_verifier_1").click()
    at.run()
    assert any("Rien n'a été enregistré" in e.value for e in at.error)
    assert any("entre 0 et 100" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == "actions_confirmer_1"]
    with store.connect(demo) as con:  # the refusal is audited like a refused file; nothing stored
        last = con.execute("SELECT type_fichier, resultat FROM depot ORDER BY id DESC LIMIT 1").fetchall()
        stored = con.execute("SELECT count(*) FROM depot WHERE resultat = 'enregistre'").fetchall()[0][0]
    assert last == [("actions", "refuse")] and _depots(demo) == depots + 2
    assert stored == depots_stored + 1


def test_saving_the_grid_unchanged_records_nothing_and_cancel_records_nothing(demo):
    at = as_person("pages/territoire.py", COORD, territoire=TERRITOIRE)
    depots = _depots(demo)
    at.button(key="actions_verifier_0").click()  # no cell changed (empty cells included)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(i.value == "Aucune modification à enregistrer." for i in at.info)
    assert _depots(demo) == depots and not [b for b in at.button if b.key == "actions_confirmer_0"]
    # a cell changed then set back: nothing either
    value = at.data_editor[0].value["avancement"].iloc[2]
    _edit(at, {2: {"avancement": None if value is None or value != value else int(value)}})
    at.button(key="actions_verifier_0").click()
    at.run()
    assert any(i.value == "Aucune modification à enregistrer." for i in at.info) and _depots(demo) == depots
    # previewed, then cancelled: nothing recorded, the grid is drawn again from the store
    _edit(at, {0: {"commentaire": "à annuler"}})
    at.button(key="actions_verifier_0").click()
    at.run()
    assert list(table(at, "Après")["Après"]) == ["à annuler"]
    at.button(key="actions_annuler_0").click()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("rien n'a été enregistré" in i.value for i in at.info)
    assert _depots(demo) == depots and "à annuler" not in set(at.data_editor[0].value["commentaire"].dropna())


def test_an_outsider_sees_the_counts_per_axe_and_no_detail(demo_shared):
    at = as_person("pages/territoire.py", Personne("coord@62.fr", "coordinateur", "62"), territoire=TERRITOIRE)
    assert table(at, "Libellé de l'axe")["Actions"].sum() > 0
    assert not [d for d in at.dataframe if "Intitulé" in d.value.columns or "Version" in d.value.columns]
    assert not at.data_editor
    assert any("Le détail des actions" in i.value for i in at.info)


def test_the_national_page_counts_actions_per_status_priority_and_axe(demo_shared):
    at = as_person("pages/pilotage.py", Personne("n@dihal.gouv.fr", "national"))
    at_q = quarters.last_complete()
    assert f"Actions des feuilles de route — {quarters.label(at_q)}" in [h.value for h in at.header]
    with store.connect(demo_shared) as con:
        state = ind.suivi(con, at_q)
    per_status = next(d.value for d in at.dataframe
                      if "Nombre" in d.value.columns and d.value["Statut"].str.contains("en retard").any())
    per_status = per_status[per_status["Statut"].str.contains("bloquée")]
    assert per_status["Nombre"].iloc[0] == (state["statut"] == "bloquee").sum()
    per_axe = table(at, "Territoires")
    assert per_axe["Actions"].sum() == len(state) and list(per_axe["Axe"]) == sorted(per_axe["Axe"])
    assert per_axe["En retard"].sum() == state["en_retard"].sum()


def test_the_demo_has_realistic_actions_every_status_and_some_late(demo_module_db):
    with store.connect(demo_module_db) as con:
        per_territory = dict(con.execute("SELECT territoire, count(*) FROM action GROUP BY 1").fetchall())
        axes = {a for (a,) in con.execute("SELECT DISTINCT axe FROM action").fetchall()}
        statuses = {s for (s,) in con.execute("SELECT DISTINCT statut FROM point_action").fetchall()}
        quarters_per_action = con.execute(
            "SELECT max(n) FROM (SELECT count(*) n FROM point_action GROUP BY territoire, ref_action)").fetchall()[0][0]
        revised = con.execute("SELECT count(*) FROM point_action_historique").fetchall()[0][0]
        state = ind.suivi(con, quarters.last_complete())
        active = con.execute("SELECT count(*) FROM territoire WHERE actif").fetchall()[0][0]
    assert len(per_territory) == active and all(10 <= n <= 25 for n in per_territory.values())
    assert axes == set(range(1, 17)) and statuses == set(ind.STATUTS) - {ind.NON_RENSEIGNE}
    assert quarters_per_action >= 4 and revised >= 1
    assert 0 < state["en_retard"].sum() < len(state)


def test_the_demo_actions_are_deterministic():
    from loaders import demo_actions

    plans = [("93", "2025-T1"), ("62", "2024-T3")]
    assert demo_actions.rows(plans, "2026-T3", 2026) == demo_actions.rows(plans, "2026-T3", 2026)
    assert demo_actions.rows(plans, "2026-T3", 2026) != demo_actions.rows(plans, "2026-T3", 7)


def test_the_upload_page_takes_an_actions_file_through_preview_and_confirmation(demo, monkeypatch):
    from tests.test_actions_import import HEADER

    with store.connect(demo) as con:
        ref, axe = con.execute("SELECT ref_action, axe FROM action WHERE territoire = ? ORDER BY ref_action LIMIT 1",
                               [TERRITOIRE]).fetchall()[0]
    trimestre = quarters.last_complete()
    data = "\r\n".join([HEADER, f"{TERRITOIRE};N1;Nouvelle action de prévention;12;CCAS;;2026-01-01;2027-06-30;en cours;10;{trimestre};",
                        f"{TERRITOIRE};{ref};;{axe};;;;;bloquée;20;{trimestre};financement suspendu"]).encode("utf-8")
    at = as_person("pages/depot.py", COORD)
    at.file_uploader[0].set_value(("actions.csv", data, "text/csv"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert {m.label: m.value for m in at.metric}["Nouvelles"] == "2"  # the action and its point
    assert any(m.value.startswith("**Révisions**") for m in at.markdown)
    nouveau = table(at, "Nouveau")
    assert "point d'étape" in set(nouveau["Objet"])
    next(b for b in at.button if b.label == "Confirmer l'enregistrement").click()
    at.run()
    assert not at.exception and "enregistré" in at.success[0].value
    with store.connect(demo) as con:
        assert con.execute("SELECT statut FROM point_action WHERE territoire = ? AND ref_action = ? AND trimestre = ?",
                           [TERRITOIRE, ref, trimestre]).fetchall() == [("bloquee",)]
        assert con.execute("SELECT intitule FROM action WHERE territoire = ? AND ref_action = 'N1'",
                           [TERRITOIRE]).fetchall() == [("Nouvelle action de prévention",)]
