"""AppTest of pages/depot.py on the demo database: roles, report, fix in place, preview and
confirmation, concurrent upload, undo, bad files. Personas come from the demo selector's keys."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data import store
from loaders import correction
from loaders.importer import import_bytes
from tests.apptest import as_persona, metrics, raised_nothing, tables
from tests.conftest import TODAY

LYON = "200046977"
HEADER = "code_territoire;indicateur;trimestre;valeur\r\n"


def csv(*rows: str) -> bytes:
    return (HEADER + "\r\n".join(rows) + "\r\n").encode("cp1252")


def value(db, indicateur, trimestre, territoire=LYON):
    with store.connect(db) as con:
        rows = con.execute(
            "SELECT valeur, revision, d.utilisateur FROM valeur v LEFT JOIN depot d ON d.id = v.depot_id"
            " WHERE territoire = ? AND indicateur = ? AND trimestre = ?",
            [territoire, indicateur, trimestre]).fetchall()
    return rows[0] if rows else None


def examiner(at):
    """The « Examiner un dépôt » selector (its key changes with the list of uploads)."""
    return next(s for s in at.selectbox if s.label == "Examiner un dépôt")


def count_values(db) -> int:
    with store.connect(db) as con:
        return con.execute("SELECT count(*) + (SELECT count(*) FROM valeur_historique) FROM valeur").fetchall()[0][0]


@pytest.fixture
def page(demo_db, monkeypatch):
    monkeypatch.setenv("LDA_DB", str(demo_db))
    return lambda role="national", territoire=None: as_persona("pages/depot.py", role, territoire)


def drop(at: AppTest, data: bytes, name: str = "depot.csv") -> AppTest:
    at.file_uploader[0].set_value((name, data, "text/csv"))
    return raised_nothing(at.run())


def confirm_button(at: AppTest):
    return [b for b in at.button if b.label == "Confirmer l'enregistrement"]


@pytest.mark.parametrize("role,territoire", [("services_etat", LYON), ("lecteur", None)])
def test_roles_that_cannot_upload_are_refused(page, role, territoire):
    at = page(role, territoire)
    assert any("ne permet pas de déposer" in e.value for e in at.error)
    assert len(at.file_uploader) == 0 and not at.subheader


def test_good_file_preview_then_confirm_stores_it(page, demo_db):
    old = value(demo_db, "sorties_rue_logement", "2026-T3")
    at = page("coordinateur", LYON)
    assert "Métropole de Lyon" in at.caption[0].value and "T3 2026" in at.caption[0].value
    assert any("20 Mo au plus" in c.value for c in at.caption)
    drop(at, csv(f"{LYON};sorties_rue_logement;2026-T3;{int(old[0]) + 3}", f"{LYON};cfp_accordes;2026-T4;5",
                 f"{LYON};demandes_115;2026-T4;NC"))
    assert metrics(at) == {"Nouvelles": "1", "Révisées": "1", "Inchangées": "0", "Non renseignées": "1"}
    revisions = tables(at, "Valeur actuelle")[0]
    # what changes comes first (key, current value, new value), the indicator's full name last
    assert list(revisions.columns) == ["Ligne", "Territoire", "Trimestre", "Indicateur", "Valeur actuelle",
                                       "Nouvelle valeur", "Enregistrée par", "le", "Libellé"]
    row = revisions.iloc[0]
    assert (row["Indicateur"], row["Valeur actuelle"], row["Nouvelle valeur"], row["Enregistrée par"]) == (
        "sorties_rue_logement", str(int(old[0])), str(int(old[0]) + 3), old[2])
    assert row["Libellé"] == "Personnes passées directement de la rue au logement"
    assert str(row["le"]).startswith("20")  # a date, shown as 31/01/2026 14:05
    assert value(demo_db, "cfp_accordes", "2026-T4") is None  # nothing before confirmation
    confirm_button(at)[0].click()
    at.run()
    assert not at.exception
    assert "enregistré" in at.success[0].value and "1 nouvelle" in at.success[0].value
    assert value(demo_db, "cfp_accordes", "2026-T4") == (5.0, 1, "demo.coordination@territoire.fr")
    assert value(demo_db, "sorties_rue_logement", "2026-T3")[:2] == (old[0] + 3, old[1] + 1)
    assert any(f"territoire={LYON}" in m.value for m in at.markdown) or at.get("page_link")
    assert len(at.file_uploader) == 1 and not confirm_button(at)  # a fresh uploader


def test_error_table_then_fix_in_the_grid_then_confirm(page, demo_db):
    at = page("coordinateur", LYON)
    drop(at, csv(f"{LYON};cfp_accordes;2026-T4;5", f"{LYON};expulsions_effectives;2026-T4;1,5"))
    assert "Fichier refusé : 1 problème sur 1 ligne" in at.error[0].value
    problems = tables(at, "Code")[0]
    assert problems[["Ligne", "Colonne", "Valeur", "Code"]].values.tolist() == [
        ["3", "valeur", "1,5", "valeur-non-entiere"]]
    # a few problems are also written out in full, the file's text escaped
    assert any(m.value.startswith("- **Ligne 3**, colonne « valeur », valeur « 1,5 » : ") for m in at.markdown)
    assert not confirm_button(at)
    grid = at.data_editor[0]
    assert grid.value[["ligne", "indicateur", "valeur"]].values.tolist() == [[3, "expulsions_effectives", "1,5"]]
    # AppTest cannot type in the grid: the edit state is what the browser would send
    at.session_state[grid.key] = {"edited_rows": {0: {"valeur": "2"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert not at.exception
    assert any("ne contient plus d'erreur" in s.value for s in at.success)
    assert metrics(at)["Nouvelles"] == "2"
    confirm_button(at)[0].click()
    at.run()
    assert "_corrige.csv" in at.success[0].value
    assert value(demo_db, "expulsions_effectives", "2026-T4")[0] == 2.0
    assert value(demo_db, "cfp_accordes", "2026-T4")[0] == 5.0


def test_an_incomplete_fix_keeps_original_line_numbers(page):
    at = page("national")
    data = (HEADER + f"{LYON};cfp_accordes;2026-T4;5\r\n\r\n{LYON};cfp_accordes;2026-T2;x\r\n"
            f"{LYON};expulsions_effectives;2026-T4;-1\r\n").encode()
    drop(at, data)
    assert tables(at, "Code")[0]["Ligne"].tolist() == ["4", "5"]
    at.session_state[at.data_editor[0].key] = {"edited_rows": {0: {"valeur": "4"}}, "added_rows": [],
                                               "deleted_rows": []}
    at.run()
    assert any("Il reste 1 problème" in w.value for w in at.warning)
    left = tables(at, "Code")[-1]
    assert left[["Ligne", "Code"]].values.tolist() == [["5", "valeur-negative"]]  # line 4 of the fixed file
    assert any("renumérotées" in c.value for c in at.caption)


def test_rebuilt_file_maps_lines_back_and_is_revalidated(demo_db):
    data = (HEADER + f"{LYON};cfp_accordes;2026-T4;5\r\n\r\n{LYON};cfp_accordes;2026-T2;x\r\n").encode("cp1252")
    fichier = correction.read_rows(data, "a.csv")
    assert [line for line, _ in fichier.rows] == [2, 4]
    grid = correction.grid(fichier, {4})
    grid.loc[0, "valeur"] = "=1+1"
    extra = {"ligne": None, "code_territoire": LYON, "indicateur": "cfp_accordes", "trimestre": "2026-T1",
             "valeur": "7"}
    rebuilt = correction.rebuild(fichier, pd.concat([grid, pd.DataFrame([extra])]), {4})
    assert rebuilt.lines == {2: 2, 3: 4, 4: None}
    text = rebuilt.data.decode("utf-8-sig")
    assert "'=1+1" in text  # what is typed never becomes a formula in the downloaded file
    result = import_bytes(rebuilt.data, rebuilt.name, demo_db, dry_run=True, today=TODAY)
    assert [(p.line, p.code) for p in result.report.errors] == [(3, "valeur-invalide")]
    table = correction.problem_table(result.report.errors, rebuilt.lines)
    assert table["Ligne"].tolist() == ["4"]


def test_preview_then_another_upload_lands_confirm_refuses_and_refreshes(page, demo_db):
    at = page("coordinateur", LYON)
    drop(at, csv(f"{LYON};cfp_accordes;2026-T4;5"))
    assert metrics(at)["Nouvelles"] == "1"
    other = import_bytes(csv(f"{LYON};cfp_accordes;2026-T4;8"), "autre.csv", demo_db, user="autre", today=TODAY)
    assert other.stored
    confirm_button(at)[0].click()
    at.run()
    assert not at.exception
    assert any("Un autre dépôt a modifié" in w.value for w in at.warning)
    assert value(demo_db, "cfp_accordes", "2026-T4") == (8.0, 1, "autre")
    assert metrics(at)["Nouvelles"] == "0" and metrics(at)["Révisées"] == "1"
    assert tables(at, "Valeur actuelle")[0].iloc[0]["Enregistrée par"] == "autre"
    confirm_button(at)[0].click()
    at.run()
    assert value(demo_db, "cfp_accordes", "2026-T4")[:2] == (5.0, 2)


def test_undo_by_national_restores_former_values_refused_for_a_coordinator(page, demo_db):
    old = value(demo_db, "sorties_rue_logement", "2026-T3")
    at = page("national")
    drop(at, csv(f"{LYON};sorties_rue_logement;2026-T3;{int(old[0]) + 4}"))
    confirm_button(at)[0].click()
    at.run()
    assert value(demo_db, "sorties_rue_logement", "2026-T3")[0] == old[0] + 4
    history = tables(at, "N°")[0]
    depot_id = int(history.iloc[0]["N°"])
    assert history.iloc[0]["Résultat"] == "enregistré"
    examiner(at).set_value(depot_id)
    at.run()
    revisions = tables(at, "Ancienne valeur")[0]
    assert revisions.iloc[0]["Ancienne valeur"] == old[0]

    coord = page("coordinateur", LYON)
    examiner(coord).set_value(depot_id)
    coord.run()
    assert tables(coord, "Ancienne valeur")[0].iloc[0]["Ancienne valeur"] == old[0]  # may inspect
    assert not [b for b in coord.button if b.label == "Annuler ce dépôt"]

    at.checkbox(key=f"depot_annuler_ok_{depot_id}").check()
    at.run()
    at.button(key=f"depot_annuler_{depot_id}").click()
    at.run()
    assert not at.exception
    assert any("1 valeur restaurée" in s.value for s in at.success)
    assert value(demo_db, "sorties_rue_logement", "2026-T3") == (old[0], old[1] + 2, "demo.national@dihal.gouv.fr")
    history = tables(at, "N°")[0]
    assert history.iloc[0]["Résultat"] == "annulation"
    assert history[history["N°"] == depot_id].iloc[0]["Résultat"].startswith("annulé le")


def test_coordinator_rows_of_another_territory_are_refused(page, demo_db):
    before = count_values(demo_db)
    at = page("coordinateur", "200030195")
    drop(at, csv(f"{LYON};cfp_accordes;2026-T4;5"))
    problems = tables(at, "Code")[0]
    assert problems["Code"].tolist() == ["territoire-hors-perimetre"]
    assert "hors de votre périmètre" in problems["Problème"][0]
    assert not confirm_button(at)
    assert count_values(demo_db) == before


def _xlsx_with_formula() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code_territoire", "indicateur", "trimestre", "valeur"])
    sheet.append([LYON, "cfp_accordes", "2026-T4", "=1+2"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (40 * 1024 * 1024))
    return out.getvalue()


@pytest.mark.parametrize("name,data,expected", [
    ("gros.csv", b"a" * (21 * 1024 * 1024), "la limite est de 20 Mo"),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "n'est pas un texte lisible"),
    ("ligne.csv", b"a" * 200_000 + b"\n1\n", "n'est pas un texte lisible"),
    ("macros.xlsm", _xlsx_with_formula(), "macros"),
    ("formule.xlsx", _xlsx_with_formula(), "formule dont le résultat n'a pas été enregistré"),
    ("bombe.xlsx", _zip_bomb(), "bombe zip"),
])
def test_bad_files_are_refused_in_french_without_traceback(page, demo_db, name, data, expected):
    before = count_values(demo_db)
    at = page("national")
    drop(at, data, name)
    texts = [e.value for e in at.error]
    for table in tables(at, "Code"):
        texts += list(table["Problème"])
    assert any(expected in t for t in texts), texts
    assert not confirm_button(at) and not at.exception
    assert count_values(demo_db) == before


def test_templates_for_the_coordinator_territory_or_the_one_a_national_user_chooses(page):
    at = page("coordinateur", LYON)
    labels = [b.label for b in at.get("download_button")][:2]
    assert labels == ["Modèle Excel", "Modèle CSV"]
    assert "depot_modele_territoire" not in [s.key for s in at.selectbox]
    at = page("national")
    at.selectbox(key="depot_modele_territoire").set_value("18")
    at.run()
    assert "**Cher** (18)" in at.caption[0].value and "feuille de route" in at.caption[0].value


def test_a_capped_report_shows_every_kind_first_and_no_false_advice(page, monkeypatch):
    from pages.components import tables as tables_module
    from tests.test_summary import mixed_file

    exported = {}
    real = tables_module.download_buttons
    monkeypatch.setattr(tables_module, "download_buttons",
                        lambda frame, name, **kw: (exported.__setitem__(name, kw), real(frame, name, **kw)))
    at = page("coordinateur", LYON)
    drop(at, mixed_file(), "melange.csv")
    assert "Fichier refusé : 701 problèmes sur au moins 200 lignes" in at.error[0].value
    summary, detail = tables(at, "Code")[:2]
    assert summary.values.tolist() == [
        ["Territoire hors de votre périmètre", 700, "2, 3, 4, 5, 6…", "territoire-hors-perimetre"],
        ["Trimestre non reconnu", 1, "1002", "trimestre-invalide"],
    ]
    assert len(detail) == 200 and set(detail["Code"]) == {"territoire-hors-perimetre"}
    infos = [i.value for i in at.info]
    assert any("Trop de problèmes pour les corriger ici (701, dont 200 détaillés)" in i for i in infos), infos
    assert not any("sur le fichier lui-même" in i for i in infos)
    assert not at.data_editor  # no grid for a capped report
    # the downloaded report carries the summary (sheet « informations » of the xlsx)
    report = exported["problemes-depot"]
    assert report["titre"] == "Rapport de dépôt — melange.csv"
    assert ("1 × Trimestre non reconnu", "ligne 1002") in report["informations"]
    assert ("700 × Territoire hors de votre périmètre", "lignes 2, 3, 4, 5, 6…") in report["informations"]


def test_a_late_coordinator_s_template_defaults_to_the_quarters_owed(page):
    at = page("coordinateur", "84007")
    chooser = at.multiselect(key="depot_modele_trimestres_84007")
    assert chooser.value == ["2026-T1", "2026-T2", "2026-T3"]
    assert chooser.options == ["T1 2026", "T2 2026", "T3 2026"]
    assert "trimestres **T1 2026, T2 2026 et T3 2026**" in at.caption[0].value
    chooser.set_value(["2026-T2"])
    at.run()
    assert "trimestre **T2 2026**" in at.caption[0].value


def test_la_reunion_s_template_names_its_coming_roadmap(page):
    at = page("coordinateur", "974")
    assert "feuille de route T4 2026 – T3 2028 (elle commence après ce trimestre)" in at.caption[0].value
    assert "pas de feuille de route" not in at.caption[0].value


def test_a_comment_revision_shows_the_former_and_the_new_comment(page, demo_db):
    header = "code_territoire;indicateur;trimestre;valeur;commentaire\r\n"
    first = f"{header}{LYON};cfp_accordes;2026-T4;5;estimation\r\n{LYON};expulsions_effectives;2026-T4;2;\r\n"
    assert import_bytes(first.encode(), "t1.csv", demo_db, user="alice", today=TODAY).stored
    at = page("coordinateur", LYON)
    drop(at, (f"{header}{LYON};cfp_accordes;2026-T4;5;chiffre définitif\r\n"
              f"{LYON};expulsions_effectives;2026-T4;3;\r\n").encode())
    assert metrics(at)["Révisées"] == "2"
    revisions = tables(at, "Valeur actuelle")[0]
    # what is written comes right after the key: values, what changes, comments; who and when next
    assert list(revisions.columns) == ["Ligne", "Territoire", "Trimestre", "Indicateur", "Valeur actuelle",
                                       "Nouvelle valeur", "Révision", "Commentaire actuel", "Nouveau commentaire",
                                       "Enregistrée par", "le", "Libellé"]
    shown = revisions.set_index("Indicateur")
    assert shown.loc["cfp_accordes", ["Valeur actuelle", "Nouvelle valeur", "Révision", "Commentaire actuel",
                                      "Nouveau commentaire", "Enregistrée par"]].tolist() == [
        "5", "5", "commentaire seul", "estimation", "chiffre définitif", "alice"]
    assert shown.loc["expulsions_effectives", ["Valeur actuelle", "Nouvelle valeur", "Révision",
                                               "Nouveau commentaire"]].tolist() == ["2", "3", "valeur", ""]
    confirm_button(at)[0].click()
    at.run()
    with store.connect(demo_db) as con:
        assert con.execute("SELECT commentaire FROM valeur WHERE territoire = ? AND indicateur = 'cfp_accordes'"
                           " AND trimestre = '2026-T4'", [LYON]).fetchall() == [("chiffre définitif",)]
